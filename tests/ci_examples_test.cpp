// The CI examples (examples/ci/) run as written: the release gates through the pinned
// action and GitLab template (their steps run by the simulated runners of
// tests/ci_runners.h on the evidence the examples name); each other relgate command line taken from
// the workflow files, with only the paths the pipeline would provide substituted (the
// facts, the keys, the history), run through the real binary, and its output checked:
// GitHub workflow commands in GitHub's documented form, JUnit valid against the common
// schema, a signed summary that the deploy job's command verifies. Every `uses:` is
// pinned to a full commit SHA.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <doctest/doctest.h>

#include "engine/facts/facts.h"
#include "engine/import/importer.h"
#include "tests/ci_runners.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;

std::unique_ptr<facts::Document> Workflow(const std::string& name) {
  const std::string path = testing::SourceDir() + "/examples/ci/" + name;
  facts::LoadError error;
  auto doc = facts::ParseYaml(testing::ReadFile(path), path, error);
  CAPTURE(error.ToString());
  REQUIRE(doc);
  return doc;
}

// The first line of `script` (continued lines joined) that runs relgate `command`.
std::string RelgateLine(const std::string& script, const std::string& command) {
  std::string joined;
  for (size_t k = 0; k < script.size(); ++k) {
    if (script[k] == '\\' && k + 1 < script.size() && script[k + 1] == '\n') {
      ++k;
      continue;
    }
    joined += script[k];
  }
  std::istringstream lines(joined);
  for (std::string line; std::getline(lines, line);) {
    if (line.find("relgate-src/build/relgate " + command) != std::string::npos)
      return line;
  }
  FAIL("no `relgate " << command << "` line in the script");
  return "";
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

struct Run {
  int exit_code;
  std::string out;
};

// Runs `line` in `dir` with relgate and the repository's files where the example has its own.
Run Shell(const fs::path& dir, std::string line) {
  line = Replace(line, "relgate-src/build/relgate", RELGATE_BINARY);
  const std::string command = "cd '" + dir.string() + "' && " + line + " 2>&1";
  Run r{-1, ""};
  FILE* pipe = popen(command.c_str(), "r");
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    r.out.append(buffer, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

struct Workspace {
  fs::path dir = fs::temp_directory_path() / ("relgate-ci-example-" + std::to_string(getpid()));

  Workspace() {
    fs::remove_all(dir);
    fs::create_directories(dir / "facts");
    fs::copy(testing::SourceDir() + "/policies", dir / "policies", fs::copy_options::recursive);
    REQUIRE(std::system(("openssl genpkey -algorithm ed25519 -out '" + (dir / "sign.pem").string() +
                         "' && openssl pkey -in '" + (dir / "sign.pem").string() +
                         "' -pubout -out '" + (dir / "sign.pub").string() + "'")
                            .c_str()) == 0);
  }

  ~Workspace() { fs::remove_all(dir); }
};

void UsesArePinned(const facts::Node& node) {
  if (node.kind == facts::NodeKind::kObject) {
    for (uint32_t k = 0; k < node.len; ++k) {
      const facts::Member& m = node.members[k];
      if (m.name() == "uses" && m.value.kind == facts::NodeKind::kString) {
        CAPTURE(std::string(m.value.str()));
        CHECK(std::regex_match(std::string(m.value.str()),
                               std::regex(R"([\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40})")));
      }
      UsesArePinned(m.value);
    }
  } else if (node.kind == facts::NodeKind::kArray) {
    for (uint32_t k = 0; k < node.len; ++k)
      UsesArePinned(node.items[k]);
  }
}

// The evidence the example pipelines name, where they name it: the imported example's.
void PlaceEvidence(const fs::path& dir) {
  const std::string from = testing::SourceDir() + "/examples/imported/evidence/";
  fs::create_directories(dir / "dist");
  fs::create_directories(dir / ".github" / "workflows");
  fs::copy_file(from + "package-lock.json", dir / "package-lock.json");
  fs::copy_file(from + "bom.cdx.json", dir / "dist" / "bom.cdx.json");
  fs::copy_file(from + "provenance.sigstore.json", dir / "dist" / "provenance.sigstore.json");
  fs::copy_file(from + "package.tgz", dir / "dist" / "package.tgz");
  fs::copy_file(from + "release.yml", dir / ".github" / "workflows" / "release.yml");
  fs::copy_file(from + "reviews.json", dir / "reviews.json");
}

// Each `KIND:PATH` line names an importer relgate has.
void FactsNameImporters(const std::string& lines) {
  std::istringstream in(lines);
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty())
      continue;
    CAPTURE(line);
    const size_t colon = line.find(':');
    REQUIRE(colon != std::string::npos);
    CHECK(import::FindKind(line.substr(0, colon)) != nullptr);
    ++n;
  }
  CHECK(n >= 5);
}

TEST_CASE("the GitHub gate workflow: the pinned action on the pipeline's evidence, as written") {
  auto workflow = Workflow("github-release-gate.yml");
  UsesArePinned(workflow->root());
  const facts::Node* steps = workflow->root().Find("jobs")->Find("gate")->Find("steps");
  const facts::Node* gate = nullptr;
  for (uint32_t k = 0; k < steps->len; ++k) {
    const facts::Node* id = steps->items[k].Find("id");
    if (id != nullptr && id->str() == "gate")
      gate = &steps->items[k];
  }
  REQUIRE(gate != nullptr);
  CHECK(std::regex_match(std::string(gate->Find("uses")->str()),
                         std::regex(R"([\w.-]+/relgate@[0-9a-f]{40})")));
  const facts::Node* with = gate->Find("with");
  REQUIRE(with != nullptr);
  // Every input is one action.yml declares; the tarball is pinned by digest.
  facts::LoadError error;
  auto action = facts::ParseYaml(testing::ReadFile(testing::SourceDir() + "/action.yml"),
                                 "action.yml", error);
  REQUIRE(action);
  std::map<std::string, std::string> inputs;
  for (uint32_t k = 0; k < with->len; ++k) {
    const std::string name(with->members[k].name());
    CAPTURE(name);
    CHECK(action->root().Find("inputs")->Find(name) != nullptr);
    inputs[name] = std::string(with->members[k].value.str());
  }
  CHECK(std::regex_match(inputs["tarball-sha256"], std::regex("[0-9a-f]{64}")));
  FactsNameImporters(inputs["facts"]);

  // Run it: the tarball, bundle and keys the organisation publishes are this test's.
  ci::Release release("examples/imported/policy");
  ci::Runner runner;
  const fs::path workspace = runner.dir / "workspace";
  PlaceEvidence(workspace);
  inputs["tarball-url"] = "file://" + release.tarball;
  inputs["tarball-sha256"] = release.sha256;
  inputs["policy"] = release.bundle;
  inputs["bundle-key"] = release.key;
  inputs["sign-key"] = release.sign_key;
  const std::string job_env =
      "GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/app "
      "GITHUB_REPOSITORY_ID=1 GITHUB_REPOSITORY_OWNER=acme GITHUB_REF=refs/tags/v1.2.0 "
      "GITHUB_REF_NAME=v1.2.0 GITHUB_REF_TYPE=tag "
      "GITHUB_SHA=6dcb09b5b57875f334f61aebed695e2e4193db5e "
      "GITHUB_EVENT_NAME=push GITHUB_WORKFLOW=release-gate GITHUB_JOB=gate GITHUB_RUN_ID=1 "
      "GITHUB_RUN_NUMBER=1 GITHUB_RUN_ATTEMPT=1 GITHUB_ACTOR=alice GITHUB_ACTOR_ID=1 "
      "GITHUB_TRIGGERING_ACTOR=alice RUNNER_ENVIRONMENT=github-hosted RUNNER_OS=Linux "
      "RUNNER_ARCH=X64";
  auto run = ci::RunAction(runner, inputs, workspace.string(), job_env);
  CAPTURE(run.output);
  // The example's package locks two dependencies with sha1: shut, each annotated on its
  // lockfile entry.
  CHECK(run.exit_code == 1);
  CHECK(run.failed_step == "Gate");
  CHECK(Contains(run.output, "::error file=package-lock.json,line=15,"));
  CHECK(runner.Read(runner.output) == "verdict=shut\nexit-code=1\n");
  CHECK(Contains(testing::ReadFile((workspace / "relgate.sarif").string()), "\"startLine\":15"));
  // Signed, and FAILED: the publish side's check refuses it.
  CHECK(testing::RunRelgate(fmt::format("verify-attestation '{}' --key '{}'",
                                        (workspace / "relgate.vsa.json").string(), release.key))
            .exit_code == 1);
}

TEST_CASE("the GitLab gate and deploy jobs: the pinned template on the pipeline's evidence") {
  auto pipeline = Workflow("gitlab-release-gate.yml");
  const facts::Node& root = pipeline->root();
  const facts::Node& include = root.Find("include")->items[0];
  CHECK(std::regex_match(std::string(include.Find("ref")->str()), std::regex("[0-9a-f]{40}")));
  const std::string file(include.Find("file")->str());
  CHECK(file == "templates/gitlab/relgate.gitlab-ci.yml");
  facts::LoadError error;
  auto tmpl = facts::ParseYaml(testing::ReadFile(testing::SourceDir() + "/" + file), file, error);
  REQUIRE(tmpl);
  const facts::Node* gate_job = root.Find("release-gate");
  const facts::Node* deploy_job = root.Find("deploy");
  CHECK(std::string(gate_job->Find("extends")->str()) == ".relgate-gate");
  CHECK(std::string(deploy_job->Find("extends")->str()) == ".relgate-install");
  CHECK(std::regex_match(std::string(root.Find("variables")->Find("RELGATE_TARBALL_SHA256")->str()),
                         std::regex("[0-9a-f]{64}")));
  FactsNameImporters(std::string(gate_job->Find("variables")->Find("RELGATE_FACTS")->str()));

  ci::Release release("examples/imported/policy");
  const fs::path dir = testing::TempDir("relgate-gitlab-example");
  const fs::path project = dir / "project";
  PlaceEvidence(project);
  // The variables as GitLab merges them: the template's, the pipeline's, the job's; the
  // organisation's URLs and File variables are this test's.
  std::map<std::string, std::string> variables;
  for (const facts::Node* scope : {gate_job->Find("variables"), root.Find("variables"),
                                   tmpl->root().Find(".relgate-gate")->Find("variables")}) {
    for (uint32_t k = 0; k < scope->len; ++k) {
      variables.emplace(std::string(scope->members[k].name()),
                        std::string(scope->members[k].value.str()));
    }
  }
  variables["RELGATE_TARBALL_URL"] = "file://" + release.tarball;
  variables["RELGATE_TARBALL_SHA256"] = release.sha256;
  variables["RELGATE_POLICY"] = "file://" + release.bundle;
  variables["RELGATE_BUNDLE_KEY"] = release.key;
  variables["RELGATE_SIGN_KEY"] = release.sign_key;
  const facts::Node* install = tmpl->root().Find(".relgate-install")->Find("before_script");
  auto gate = ci::RunGitlabScript({install, tmpl->root().Find(".relgate-gate")->Find("script")},
                                  project, dir, variables);
  CAPTURE(gate.output);
  // The policy also reads a GitHub workflow and reviews, which a GitLab pipeline does not
  // have: undecided, and the gate stays shut (the pipeline stops before deploy).
  CHECK(gate.exit_code == 2);
  CHECK(Contains(gate.output, "`reviews`: missing fact"));
  const std::string xsd = testing::SourceDir() + "/tests/data/junit/junit.xsd";
  CHECK(Shell(project, "xmllint --noout --schema '" + xsd + "' relgate-junit.xml").exit_code == 0);
  // Were deploy to run anyway, its check refuses the summary: the gate did not pass.
  facts::Node verify_only = *deploy_job->Find("script");
  verify_only.len = 1;
  auto deploy = ci::RunGitlabScript({install, &verify_only}, project, dir,
                                    {{"RELGATE_TARBALL_URL", "file://" + release.tarball},
                                     {"RELGATE_TARBALL_SHA256", release.sha256},
                                     {"RELGATE_VERIFY_KEY", release.key}});
  CAPTURE(deploy.output);
  CHECK(deploy.exit_code == 1);
  CHECK(Contains(deploy.output, "attestation NOT verified"));
  fs::remove_all(dir);
}

TEST_CASE("the policy repository's workflow: format, tests with coverage, replay") {
  auto workflow = Workflow("github-policy-repo.yml");
  UsesArePinned(workflow->root());
  const facts::Node* steps = workflow->root().Find("jobs")->Find("policy")->Find("steps");
  std::string all;
  for (uint32_t k = 0; k < steps->len; ++k) {
    if (const facts::Node* run = steps->items[k].Find("run"))
      all += std::string(run->str()) + "\n";
  }
  Workspace w;
  fs::create_directories(w.dir / "base");
  fs::copy(testing::SourceDir() + "/policies", w.dir / "base" / "policies",
           fs::copy_options::recursive);
  fs::create_directories(w.dir / "history");
  fs::copy(testing::SourceDir() + "/examples/history/releases.jsonl",
           w.dir / "history" / "releases.jsonl");
  for (fs::path p : {w.dir / "policies", w.dir / "base" / "policies"}) {
    // The copied tests' fixtures, relative to the repository.
    std::string tests = testing::ReadFile((p / "release.test.yaml").string());
    tests = Replace(tests, "../examples/", testing::SourceDir() + "/examples/");
    std::ofstream(p / "release.test.yaml") << tests;
  }
  CHECK(Shell(w.dir, RelgateLine(all, "fmt")).exit_code == 0);
  const Run tests = Shell(w.dir, RelgateLine(all, "test"));
  CHECK(tests.exit_code == 0);
  CHECK(tests.out.find("rules fully covered") != std::string::npos);
  const Run replay = Shell(w.dir, RelgateLine(all, "replay"));
  CAPTURE(replay.out);
  CHECK(replay.exit_code == 0);  // the same policy blocks nothing new
  CHECK(testing::ReadFile((w.dir / "replay.md").string())
            .rfind("## Policy replay: the candidate blocks nothing the baseline allowed", 0) == 0);
}

}  // namespace
}  // namespace relgate
