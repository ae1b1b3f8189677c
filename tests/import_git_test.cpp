// relgate import git: a repository made here (commits with trailers, an ssh-signed commit
// and tag, a GPG-signed commit), read through git as a subprocess: the commits of a
// range, signatures checked only against the keys given, the tag, and arguments that
// would read as options refused.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunRelgate;

struct Repo {
  fs::path dir;
  std::string env;  // for the shell commands that build it

  Repo() {
    dir = fs::temp_directory_path() / ("relgate-git-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "repo");
    fs::create_directories(dir / "gnupg");
    fs::permissions(dir / "gnupg", fs::perms::owner_all);
    env = "cd '" + (dir / "repo").string() + "' && export GNUPGHOME='" + (dir / "gnupg").string() +
          "' GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Ada "
          "GIT_AUTHOR_EMAIL=ada@example.org GIT_COMMITTER_NAME=Bob "
          "GIT_COMMITTER_EMAIL=bob@example.org && ";
  }

  ~Repo() {
    Run("gpgconf --kill all");
    fs::remove_all(dir);
  }

  bool Run(const std::string& commands) const {
    return std::system((env + "{ " + commands + "; } >/dev/null 2>&1").c_str()) == 0;
  }

  std::string Path(const char* name) const { return (dir / name).string(); }
};

TEST_CASE("commits, trailers, ssh and GPG signatures, and a signed tag") {
  Repo r;
  const std::string key = r.Path("ssh_key");
  REQUIRE(r.Run("git init -q -b main . && git commit -q --allow-empty -m base && git tag v1.0.0"));
  REQUIRE(r.Run("ssh-keygen -q -t ed25519 -N '' -C release -f '" + key + "'"));
  REQUIRE(
      r.Run("git commit -q --allow-empty -m 'Fix the parser' -m 'Reviewed-by: Carol "
            "<carol@example.org>\nSigned-off-by: Ada <ada@example.org>'"));
  REQUIRE(r.Run("git -c gpg.format=ssh -c user.signingkey='" + key +
                ".pub' commit -q -S --allow-empty -m 'Signed with ssh'"));
  REQUIRE(
      r.Run("gpg --batch --passphrase '' --quick-gen-key 'Rel Gate <gpg@example.org>' "
            "ed25519 sign never && gpg --armor --export gpg@example.org > '" +
            r.Path("gpg.pub") + "'"));
  REQUIRE(
      r.Run("git -c user.signingkey=gpg@example.org commit -q -S --allow-empty -m 'Signed "
            "with GPG'"));
  REQUIRE(r.Run("git -c gpg.format=ssh -c user.signingkey='" + key +
                ".pub' tag -s -m 'Release 1.1.0' v1.1.0"));
  std::ofstream(r.Path("allowed_signers")) << "ada@example.org " << testing::ReadFile(key + ".pub");
  const std::string repo = (r.dir / "repo").string();

  auto ssh = RunRelgate(
      "import git " + repo + " --range v1.0.0..v1.1.0 --trusted-keys " + r.Path("allowed_signers"),
      false);
  REQUIRE(ssh.exit_code == 0);
  CHECK(Contains(ssh.output,
                 "\"subject\": \"Signed with ssh\",\n        \"signed\": true,\n"
                 "        \"signature_status\": \"good\""));
  // Not among the trusted keys (an ssh file was given): git cannot check it.
  CHECK(Contains(ssh.output,
                 "\"subject\": \"Signed with GPG\",\n        \"signed\": true,\n"
                 "        \"signature_status\": \"cannot-check\""));
  CHECK(Contains(ssh.output,
                 "\"key\": \"Reviewed-by\",\n            \"value\": \"Carol "
                 "<carol@example.org>\""));
  CHECK(Contains(ssh.output, "\"author_email\": \"ada@example.org\""));
  CHECK(Contains(ssh.output, "\"committer_name\": \"Bob\""));
  CHECK(Contains(ssh.output,
                 "\"name\": \"v1.1.0\",\n      \"annotated\": true,\n      "
                 "\"signed\": true,\n      \"verified\": true"));
  CHECK(!Contains(ssh.output, "\"subject\": \"base\""));  // the range excludes A

  auto gpg = RunRelgate(
      "import git " + repo + " --range v1.0.0..v1.1.0 --trusted-keys " + r.Path("gpg.pub"), false);
  REQUIRE(gpg.exit_code == 0);
  CHECK(Contains(gpg.output,
                 "\"subject\": \"Signed with GPG\",\n        \"signed\": true,\n"
                 "        \"signature_status\": \"good\""));
  CHECK(Contains(gpg.output, "\"verified\": false"));  // the ssh tag: not this key's

  // No keys: nothing verifies, whatever the machine's own keyring holds.
  auto none = RunRelgate("import git " + repo + " --range v1.0.0..v1.1.0", false);
  CHECK(!Contains(none.output, "\"signature_status\": \"good\""));

  // A policy over them.
  std::ofstream(r.Path("commits.gate"))
      << "package commits\nimport std.commits as c\n"
         "deny signed for c in git.commits \"{c.subject} is not signed by a trusted key\":\n"
         "  c.signature_status == \"good\"\n"
         "deny reviewed for c in git.commits \"{c.subject} has no Reviewed-by\":\n"
         "  any(t in c.trailers: t.key == \"Reviewed-by\")\n";
  REQUIRE(RunRelgate("import git " + repo + " --range v1.0.0..v1.1.0 --trusted-keys " +
                     r.Path("allowed_signers") + " -o " + r.Path("facts.json"))
              .exit_code == 0);
  auto gate =
      RunRelgate("eval --policy " + r.Path("commits.gate") + " --facts " + r.Path("facts.json"));
  CHECK(gate.exit_code == 1);
  CHECK(Contains(gate.output, "Signed with GPG is not signed by a trusted key"));
  CHECK(Contains(gate.output, "Fix the parser is not signed by a trusted key"));
  CHECK(!Contains(gate.output, "Signed with ssh is not signed"));
  CHECK(Contains(gate.output, "Signed with ssh has no Reviewed-by"));
}

TEST_CASE("arguments that would read as options, and revisions that do not exist") {
  Repo r;
  REQUIRE(r.Run("git init -q -b main . && git commit -q --allow-empty -m base"));
  const std::string repo = (r.dir / "repo").string();
  auto option = RunRelgate("import git " + repo + " --range=--output=/tmp/x..HEAD");
  CHECK(option.exit_code == 2);
  CHECK(Contains(option.output, "is not A..B with two revision names"));
  // CLI11 refuses `-repo` as an operand; `--facts git:-repo` reaches the importer.
  auto dash_repo = RunRelgate("eval --policy policies/release.gate --facts git:-repo");
  CHECK(dash_repo.exit_code == 2);
  CHECK(Contains(dash_repo.output, "starts with `-` is refused"));
  auto missing = RunRelgate("import git " + repo + " --range v9..main");
  CHECK(missing.exit_code == 2);
  CHECK(Contains(missing.output, "`v9` is not a commit in this repository"));
  auto no_range = RunRelgate("import git " + repo);
  CHECK(no_range.exit_code == 2);
  CHECK(Contains(no_range.output, "give the revisions to read with --range A..B"));
  auto not_repo = RunRelgate("import git " + r.Path("gnupg") + " --range a..b");
  CHECK(not_repo.exit_code == 2);
}

}  // namespace
}  // namespace relgate
