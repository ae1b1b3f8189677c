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

// A program the repository names: it leaves a mark when run, and says what a forged "good"
// signature would look like to git (gpg's status lines, ssh-keygen's answer).
void WriteHostileProgram(const Repo& r, const std::string& path) {
  std::ofstream(path) << "#!/bin/sh\necho \"$0 $*\" >> '" << r.Path("ran") << "'\n"
                      << "echo '[GNUPG:] NEWSIG'\n"
                      << "echo '[GNUPG:] GOODSIG 0123456789ABCDEF Trusted Maintainer'\n"
                      << "echo '[GNUPG:] VALIDSIG 0123456789ABCDEF0123456789ABCDEF01234567'\n"
                      << "echo '[GNUPG:] TRUST_ULTIMATE 0 pgp'\n"
                      << "echo 'Good \"git\" signature for maintainer@example.org'\n"
                      << "exit 0\n";
  fs::permissions(path, fs::perms::owner_all);
}

// What git reads from a repository's config that can name a program, one shape at a time
// (and through include.path / includeIf, which can point at any of them).
TEST_CASE(
    "nothing in the repository's config chooses a program, and no key means no good "
    "signature") {
  Repo r;
  REQUIRE(r.Run("git init -q -b main . && git commit -q --allow-empty -m base && git tag base"));
  REQUIRE(
      r.Run("gpg --batch --passphrase '' --quick-gen-key 'Someone <someone@example.org>' "
            "ed25519 sign never"));
  std::ofstream(r.Path("repo/file.txt")) << "one\n";
  REQUIRE(
      r.Run("git add file.txt && git -c user.signingkey=someone@example.org commit -q -S -m "
            "'Signed by someone' && git -c user.signingkey=someone@example.org tag -s -m rel "
            "v1"));
  const std::string program = r.Path("repo/.git/evil.sh");
  WriteHostileProgram(r, program);
  const std::string repo = (r.dir / "repo").string();
  const std::vector<std::string> shapes = {
      "[gpg]\n\tprogram = " + program + "\n",
      "[gpg]\n\tformat = ssh\n[gpg \"ssh\"]\n\tprogram = " + program + "\n",
      "[gpg]\n\tformat = x509\n[gpg \"x509\"]\n\tprogram = " + program + "\n",
      "[gpg \"openpgp\"]\n\tprogram = " + program + "\n",
      "[core]\n\tfsmonitor = " + program + "\n",
      "[core]\n\thooksPath = " + r.Path("repo/.git") + "\n",  // evil.sh as every hook below
      "[diff]\n\texternal = " + program + "\n",
      "[diff \"any\"]\n\ttextconv = " + program + "\n",
      "[filter \"any\"]\n\tclean = " + program + "\n\tsmudge = " + program + "\n",
      "[include]\n\tpath = " + r.Path("included.cfg") + "\n",
      "[includeIf \"gitdir:/\"]\n\tpath = " + r.Path("included.cfg") + "\n",
      "[core]\n\tpager = " + program + "\n\teditor = " + program + "\n\tsshCommand = " + program +
          "\n",
      "[alias]\n\tlog = !" + program + "\n\trev-parse = !" + program + "\n",
  };
  std::ofstream(r.Path("included.cfg")) << "[gpg]\n\tprogram = " << program << "\n";
  std::ofstream(r.Path("repo/.gitattributes")) << "* diff=any filter=any\n";
  for (const char* hook :
       {"post-checkout", "pre-commit", "reference-transaction", "post-index-change"})
    fs::copy_file(program, r.Path("repo/.git/hooks/") + hook, fs::copy_options::overwrite_existing);
  const std::string config = testing::ReadFile(r.Path("repo/.git/config"));
  for (const std::string& shape : shapes) {
    CAPTURE(shape);
    std::ofstream(r.Path("repo/.git/config")) << config << shape;
    auto none = RunRelgate("import git " + repo + " --range base..v1", false);
    REQUIRE(none.exit_code == 0);
    CHECK(!fs::exists(r.Path("ran")));
    CHECK(
        Contains(none.output, "\"signed\": true,\n        \"signature_status\": \"cannot-check\""));
    CHECK(!Contains(none.output, "Trusted Maintainer"));
    CHECK(!Contains(none.output, "\"good\""));
    CHECK(Contains(none.output, "\"signed\": true,\n      \"verified\": false"));  // the tag
    // With the signer's key trusted, the real gpg decides: good, from its true signer.
    REQUIRE(r.Run("gpg --armor --export someone@example.org > '" + r.Path("someone.pub") + "'"));
    auto keyed = RunRelgate(
        "import git " + repo + " --range base..v1 --trusted-keys " + r.Path("someone.pub"), false);
    REQUIRE(keyed.exit_code == 0);
    CHECK(!fs::exists(r.Path("ran")));
    CHECK(Contains(
        keyed.output,
        "\"signature_status\": \"good\",\n        \"signer\": \"Someone <someone@example.org>\""));
    CHECK(Contains(keyed.output, "\"signed\": true,\n      \"verified\": true"));
    fs::remove(r.Path("ran"));
  }
  // The caller's GIT_* variables do not reach git either.
  std::ofstream(r.Path("repo/.git/config")) << config;
  setenv("GIT_EXTERNAL_DIFF", program.c_str(), 1);
  setenv("GIT_CONFIG_COUNT", "1", 1);
  setenv("GIT_CONFIG_KEY_0", "gpg.program", 1);
  setenv("GIT_CONFIG_VALUE_0", program.c_str(), 1);
  setenv("GIT_DIR", r.Path("elsewhere").c_str(), 1);
  auto env = RunRelgate("import git " + repo + " --range base..v1", false);
  for (const char* name : {"GIT_EXTERNAL_DIFF", "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0",
                           "GIT_CONFIG_VALUE_0", "GIT_DIR"})
    unsetenv(name);
  CHECK(env.exit_code == 0);
  CHECK(!fs::exists(r.Path("ran")));
  CHECK(Contains(env.output, "\"signature_status\": \"cannot-check\""));
}

// The range is the real object graph: replacement refs and grafts do not hide a commit.
TEST_CASE("replaced objects and grafts do not hide commits from a range") {
  Repo r;
  REQUIRE(
      r.Run("git init -q -b main . && git commit -q --allow-empty -m base && git tag base && "
            "git commit -q --allow-empty -m 'Unreviewed change' && "
            "git commit -q --allow-empty -m 'Release' && git tag v1"));
  const std::string repo = (r.dir / "repo").string();
  const std::string v1 = [&] {
    REQUIRE(r.Run("git rev-parse v1 > '" + r.Path("v1.sha") + "'"));
    std::string sha = testing::ReadFile(r.Path("v1.sha"));
    return sha.substr(0, 40);
  }();
  REQUIRE(r.Run("git replace --graft v1 base"));
  auto replaced = RunRelgate("import git " + repo + " --range base..v1", false);
  REQUIRE(replaced.exit_code == 0);
  CHECK(Contains(replaced.output, "\"subject\": \"Unreviewed change\""));
  CHECK(Contains(replaced.output, "\"subject\": \"Release\""));
  REQUIRE(r.Run("git replace -d " + v1));
  // The same through info/grafts (v1's only parent said to be base).
  REQUIRE(
      r.Run("mkdir -p .git/info && echo \"$(git rev-parse v1) $(git rev-parse base)\" > "
            ".git/info/grafts"));
  auto grafted = RunRelgate("import git " + repo + " --range base..v1", false);
  REQUIRE(grafted.exit_code == 0);
  CHECK(Contains(grafted.output, "\"subject\": \"Unreviewed change\""));
  // A replace ref that swaps a whole commit object for another.
  fs::remove(r.Path("repo/.git/info/grafts"));
  REQUIRE(r.Run("git replace v1~1 base"));
  auto swapped = RunRelgate("import git " + repo + " --range base..v1", false);
  CHECK(Contains(swapped.output, "\"subject\": \"Unreviewed change\""));
  // A shallow clone cannot give the whole graph: said plainly.
  REQUIRE(r.Run("git clone -q --depth 1 file://" + repo + " '" + r.Path("shallow") + "'"));
  auto shallow = RunRelgate("import git " + r.Path("shallow") + " --range HEAD~1..HEAD");
  CHECK(shallow.exit_code == 2);
  CHECK(Contains(shallow.output, "is a shallow clone"));
  // A linked worktree and a bare clone read the same commits.
  REQUIRE(r.Run("git worktree add -q '" + r.Path("wt") + "' v1 && git clone -q --bare . '" +
                r.Path("bare.git") + "'"));
  for (const char* where : {"wt", "bare.git"}) {
    auto other = RunRelgate("import git " + r.Path(where) + " --range base..v1", false);
    CHECK(other.exit_code == 0);
    CHECK(Contains(other.output, "\"subject\": \"Unreviewed change\""));
  }
}

// git does not hash a commit's bytes when it walks history: a commit object rewritten in
// place (the release's parent pointed past an unreviewed commit) is refused, whichever
// commit of the range or its ends it is.
TEST_CASE("a commit object rewritten in place is refused, not walked") {
  Repo r;
  REQUIRE(
      r.Run("git init -q -b main . && git commit -q --allow-empty -m base && git tag base && "
            "git commit -q --allow-empty -m 'Unreviewed change' && "
            "git commit -q --allow-empty -m 'Release' && git tag v1"));
  const std::string repo = (r.dir / "repo").string();
  REQUIRE(RunRelgate("import git " + repo + " --range base..v1", false).exit_code == 0);
  // Rewrite `which` (a revision) with its parent line replaced by `parent`'s id, under its
  // old name, as a loose object.
  const std::string forge = r.Path("forge.py");
  std::ofstream(forge)
      << "import os, subprocess, sys, zlib\n"
         "def rev(x): return subprocess.check_output(['git', 'rev-parse', x]).decode().strip()\n"
         "target, parent = rev(sys.argv[1]), rev(sys.argv[2])\n"
         "body = subprocess.check_output(['git', 'cat-file', 'commit', target]).decode()\n"
         "lines = body.split('\\n')\n"
         "lines = [('parent ' + parent) if l.startswith('parent ') else l for l in lines]\n"
         "if len(sys.argv) > 3: lines[lines.index('') + 1] = sys.argv[3]\n"
         "data = '\\n'.join(lines).encode()\n"
         "path = os.path.join('.git', 'objects', target[:2], target[2:])\n"
         "os.chmod(path, 0o644)\n"
         "open(path, 'wb').write(zlib.compress(b'commit %d\\0' % len(data) + data))\n";
  const fs::path objects = r.dir / "repo" / ".git" / "objects";
  const fs::path pristine = r.dir / "objects.pristine";
  fs::copy(objects, pristine, fs::copy_options::recursive);
  // The release pointed past the unreviewed commit (git itself notices a loose object
  // named by a revision), and a commit inside the range rewritten (git walks it as it is).
  const char* forgeries[][2] = {{"v1 base", "hash mismatch"},
                                {"v1~1 base 'Reviewed change'", "does not hash to its id"}};
  for (const auto& [args, reason] : forgeries) {
    CAPTURE(std::string(args));
    fs::remove_all(objects);
    fs::copy(pristine, objects, fs::copy_options::recursive);
    REQUIRE(r.Run(std::string("python3 '") + forge + "' " + args));
    auto forged = RunRelgate("import git " + repo + " --range base..v1");
    CHECK(forged.exit_code == 2);
    CHECK(Contains(forged.output, reason));
    CHECK(!Contains(forged.output, "\"subject\""));
  }
}

}  // namespace
}  // namespace relgate
