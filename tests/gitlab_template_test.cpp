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

#include "engine/facts/facts.h"
#include "tests/ci_runners.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunShell;

using ci::Quoted;

// A project with two releases' facts, and the release tarball and bundle to gate them with.
struct Job {
  ci::Release release;
  fs::path dir = testing::TempDir("relgate-gitlab");
  fs::path project = dir / "project";

  Job() {
    fs::create_directories(project);
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
    // `extends: .relgate-install`: its before_script, then the job's script.
    const facts::Node* install = tmpl->root().Find(".relgate-install");
    REQUIRE(install != nullptr);
    return ci::RunGitlabScript({install->Find("before_script"), job->Find("script")}, project, dir,
                               variables);
  }

  std::map<std::string, std::string> Variables(const std::string& facts) const {
    return {{"RELGATE_TARBALL_URL", "file://" + release.tarball},
            {"RELGATE_TARBALL_SHA256", release.sha256},
            {"RELGATE_POLICY", release.bundle},
            {"RELGATE_BUNDLE_KEY", release.key},
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
  CHECK(RunShell(fmt::format("xmllint --noout --schema {} {} 2>/dev/null", Quoted(xsd),
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
  vars["RELGATE_SIGN_KEY"] = job.release.sign_key;
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
                                        Quoted(job.release.key)))
            .exit_code == 0);
}

TEST_CASE("the GitLab template fetches a policy bundle given by URL, used only if it verifies") {
  Job job;
  auto vars = job.Variables("open.yaml");
  vars["RELGATE_POLICY"] = "file://" + job.release.bundle;
  auto fetched = job.Run(vars);
  CAPTURE(fetched.output);
  CHECK(fetched.exit_code == 0);
  CHECK(fs::exists(job.project / ".relgate" / "policy.bundle"));
  // A bundle signed by another key is refused: the gate stays shut.
  const std::string other = (job.dir / "other.pem").string();
  REQUIRE(RunShell(fmt::format("openssl genpkey -algorithm ed25519 -out {}", Quoted(other)))
              .exit_code == 0);
  const std::string forged = (job.dir / "forged.bundle").string();
  REQUIRE(testing::RunRelgate(fmt::format("bundle build policies -o {} --sign-key {}",
                                          Quoted(forged), Quoted(other)))
              .exit_code == 0);
  vars["RELGATE_POLICY"] = "file://" + forged;
  auto refused = job.Run(vars);
  CHECK(refused.exit_code == 2);
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
