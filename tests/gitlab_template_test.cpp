// The GitLab CI template (templates/gitlab/relgate.gitlab-ci.yml) in a simulated job: the
// `.relgate-gate` job's script entries run as a GitLab runner runs them — one bash
// session, errexit, in $CI_PROJECT_DIR, with the CI_* variables every job has and the
// template's variables — on a release tarball laid out as `make package` lays it out.
// Checked: open and shut verdicts as the job's status, the JUnit, Markdown and JSON
// artifacts, a signed summary that verifies, a tarball that is not the pinned one never
// installed, and a fact line that is data, never a command.
#include <filesystem>
#include <fstream>
#include <map>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/base/digest.h"
#include "engine/facts/facts.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunShell;

std::string Quoted(const std::string& value) {
  std::string out = "'";
  for (const char c : value)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Job {
  fs::path dir = testing::TempDir("relgate-gitlab");
  fs::path project = dir / "project";
  std::string tarball = (dir / "relgate-0.1.0-linux-x86_64.tar.gz").string();
  std::string sha256;
  std::string bundle = (dir / "org.bundle").string();
  std::string key = (dir / "org.pub").string();
  std::string sign_key = (dir / "org.pem").string();

  Job() {
    const fs::path bin = dir / "stage" / "relgate-0.1.0-linux-x86_64" / "bin";
    fs::create_directories(bin);
    fs::create_directories(project);
    fs::copy_file(RELGATE_BINARY, bin / "relgate");
    REQUIRE(RunShell(fmt::format("tar -czf {} -C {} relgate-0.1.0-linux-x86_64", Quoted(tarball),
                                 Quoted((dir / "stage").string())))
                .exit_code == 0);
    sha256 = Sha256Hex(testing::ReadFile(tarball));
    REQUIRE(RunShell(fmt::format("openssl genpkey -algorithm ed25519 -out {0} && openssl pkey -in "
                                 "{0} -pubout -out {1}",
                                 Quoted(sign_key), Quoted(key)))
                .exit_code == 0);
    REQUIRE(testing::RunRelgate(fmt::format("bundle build policies -o {} --sign-key {}",
                                            Quoted(bundle), Quoted(sign_key)))
                .exit_code == 0);
    fs::copy_file(testing::SourceDir() + "/examples/releases/open/release.yaml",
                  project / "open.yaml");
    fs::copy_file(testing::SourceDir() + "/examples/releases/shut-reviews/release.json",
                  project / "shut-reviews.json");
  }

  ~Job() { fs::remove_all(dir); }

  // Runs the template's `.relgate-gate` script with `variables` over the template's own.
  testing::RunResult Run(std::map<std::string, std::string> variables) const {
    facts::LoadError error;
    auto tmpl = facts::ParseYaml(
        testing::ReadFile(testing::SourceDir() + "/templates/gitlab/relgate.gitlab-ci.yml"),
        "relgate.gitlab-ci.yml", error);
    REQUIRE_MESSAGE(tmpl, error.ToString());
    const facts::Node* job = tmpl->root().Find(".relgate-gate");
    REQUIRE(job != nullptr);
    const facts::Node* defaults = job->Find("variables");
    for (uint32_t k = 0; defaults != nullptr && k < defaults->len; ++k) {
      variables.emplace(std::string(defaults->members[k].name()),
                        std::string(defaults->members[k].value.str()));
    }
    std::string script;
    const facts::Node* lines = job->Find("script");
    for (uint32_t k = 0; k < lines->len; ++k)
      script += fmt::format("{}\n", lines->items[k].str());
    std::string env = fmt::format(
        "PATH=/usr/local/bin:/usr/bin:/bin HOME={} GITLAB_CI=true CI=true CI_PROJECT_DIR={} "
        "CI_SERVER_URL=https://gitlab.example CI_PROJECT_PATH=acme/app CI_PROJECT_ID=1 "
        "CI_PROJECT_NAMESPACE=acme CI_COMMIT_SHA=8f5e1c2 CI_PIPELINE_SOURCE=push "
        "CI_COMMIT_TAG=v1.2.0 CI_JOB_NAME=release-gate CI_PIPELINE_ID=1 CI_JOB_ID=2 "
        "CI_CONFIG_PATH=.gitlab-ci.yml",
        Quoted(dir.string()), Quoted(project.string()));
    env += testing::SanitizerEnv();
    for (const auto& [name, value] : variables)
      env += fmt::format(" {}={}", name, Quoted(value));
    return RunShell(fmt::format("cd {} && env -i {} bash --noprofile --norc -e -c {} 2>&1",
                                Quoted(project.string()), env, Quoted(script)));
  }

  std::map<std::string, std::string> Variables(const std::string& facts) const {
    return {{"RELGATE_TARBALL_URL", "file://" + tarball},
            {"RELGATE_TARBALL_SHA256", sha256},
            {"RELGATE_POLICY", bundle},
            {"RELGATE_BUNDLE_KEY", key},
            {"RELGATE_FACTS", facts}};
  }
};

}  // namespace

TEST_CASE("the GitLab template installs the pinned tarball and gates: open and shut") {
  Job job;
  auto open = job.Run(job.Variables("open.yaml\ngitlab-ci:\n"));
  CAPTURE(open.output);
  CHECK(open.exit_code == 0);
  CHECK(Contains(open.output, "GATE OPEN"));
  const std::string xsd = testing::SourceDir() + "/tests/data/junit/junit.xsd";
  CHECK(RunShell(fmt::format("xmllint --noout --schema {} {}", Quoted(xsd),
                             Quoted((job.project / "relgate-junit.xml").string())))
            .exit_code == 0);
  CHECK(
      testing::ReadFile((job.project / "relgate.md").string()).rfind("## relgate: gate open", 0) ==
      0);
  const std::string decision = testing::ReadFile((job.project / "relgate-decision.json").string());
  CHECK(Contains(decision, "\"verdict\":\"open\""));
  CHECK(Contains(decision, "\"bundle\""));

  auto shut = job.Run(job.Variables("shut-reviews.json"));
  CAPTURE(shut.output);
  CHECK(shut.exit_code == 1);  // the job fails: the tag does not ship
  CHECK(Contains(shut.output, "GATE SHUT"));
}

TEST_CASE("the GitLab template signs the decision, and a fact line is never a command") {
  Job job;
  auto vars = job.Variables("open.yaml\n$(touch pwned)\n");
  vars["RELGATE_SIGN_KEY"] = job.sign_key;
  auto run = job.Run(vars);
  CAPTURE(run.output);
  CHECK(run.exit_code == 2);  // `$(touch pwned)` is a facts file that does not exist
  CHECK(!fs::exists(job.project / "pwned"));
  vars["RELGATE_FACTS"] = "open.yaml";
  auto signed_run = job.Run(vars);
  CAPTURE(signed_run.output);
  CHECK(signed_run.exit_code == 0);
  CHECK(testing::RunRelgate(fmt::format("verify-attestation {} --key {}",
                                        Quoted((job.project / "relgate.vsa.json").string()),
                                        Quoted(job.key)))
            .exit_code == 0);
}

TEST_CASE("the GitLab template never installs a tarball that is not the pinned one") {
  Job job;
  auto vars = job.Variables("open.yaml");
  vars["RELGATE_TARBALL_SHA256"] = std::string(64, 'a');
  auto wrong = job.Run(vars);
  CHECK(wrong.exit_code == 2);
  CHECK(
      Contains(wrong.output, "not the pinned sha256:" + std::string(64, 'a') + "; not installed"));
  CHECK(!fs::exists(job.project / ".relgate" / "bin" / "relgate"));
  vars["RELGATE_TARBALL_SHA256"] = "latest";
  auto unpinned = job.Run(vars);
  CHECK(unpinned.exit_code == 2);
  CHECK(Contains(unpinned.output, "must be 64 lower-case hex digits"));
}

}  // namespace relgate
