// The CI examples (examples/ci/) run as written: each relgate command line is taken from
// the workflow files, with only the paths the pipeline would provide substituted (the
// facts, the keys, the history), run through the real binary, and its output checked:
// GitHub workflow commands in GitHub's documented form, JUnit valid against the common
// schema, a signed summary that the deploy job's command verifies. Every `uses:` is
// pinned to a full commit SHA.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <doctest/doctest.h>

#include "engine/facts/facts.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;

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
                               std::regex(R"([\w.-]+/[\w.-]+@[0-9a-f]{40})")));
      }
      UsesArePinned(m.value);
    }
  } else if (node.kind == facts::NodeKind::kArray) {
    for (uint32_t k = 0; k < node.len; ++k)
      UsesArePinned(node.items[k]);
  }
}

TEST_CASE("the GitHub gate workflow's relgate step, as written") {
  auto workflow = Workflow("github-release-gate.yml");
  UsesArePinned(workflow->root());
  const facts::Node* steps = workflow->root().Find("jobs")->Find("gate")->Find("steps");
  std::string script;
  for (uint32_t k = 0; k < steps->len; ++k) {
    const facts::Node* name = steps->items[k].Find("name");
    if (name != nullptr && name->str() == "Gate")
      script = std::string(steps->items[k].Find("run")->str());
  }
  Workspace w;
  // The facts file the example's pipeline writes as JSON: here the shut example, in JSON.
  fs::copy(testing::SourceDir() + "/examples/releases/shut-reviews/release.json",
           w.dir / "facts" / "release.json");
  std::string line = RelgateLine(script, "eval");
  line = Replace(line, "\"$RUNNER_TEMP/sign.pem\"", "sign.pem");
  const Run r = Shell(w.dir, line + " --now 2026-06-01");
  CAPTURE(r.out);
  CHECK(r.exit_code == 1);  // the release is shut: the job fails, the tag does not ship
  const std::regex command(
      "::(error|warning|notice) (file=[^,:]+,line=[0-9]+(,col=[0-9]+)?,)?title=[^:,]*::[^\r\n]*");
  std::istringstream lines(r.out);
  int n = 0;
  for (std::string l; std::getline(lines, l); ++n) {
    CAPTURE(l);
    CHECK(std::regex_match(l, command));
  }
  CHECK(n >= 2);
  for (const char* file : {"relgate.sarif", "relgate-junit.xml", "relgate.vsa.json"})
    CHECK(fs::exists(w.dir / file));
  const std::string xsd = testing::SourceDir() + "/tests/data/junit/junit.xsd";
  CHECK(Shell(w.dir, "xmllint --noout --schema '" + xsd + "' relgate-junit.xml").exit_code == 0);
  // Signed, and FAILED: the publish job's check refuses it.
  CHECK(Shell(w.dir,
              std::string(RELGATE_BINARY) + " verify-attestation relgate.vsa.json --key sign.pub")
            .exit_code == 1);
}

TEST_CASE("the GitLab gate and deploy jobs, as written") {
  auto workflow = Workflow("gitlab-release-gate.yml");
  auto script_of = [&](const char* job) {
    const facts::Node* script = workflow->root().Find(job)->Find("script");
    std::string all;
    for (uint32_t k = 0; k < script->len; ++k)
      all += std::string(script->items[k].str()) + "\n";
    return all;
  };
  Workspace w;
  fs::copy(testing::SourceDir() + "/examples/releases/open/release.yaml",
           w.dir / "facts" / "release.yaml");
  std::string gate = RelgateLine(script_of("release-gate"), "eval");
  gate = Replace(Replace(gate, "/tmp/sign.pem", "sign.pem"), "facts/release.json",
                 "facts/release.yaml");
  const Run r = Shell(w.dir, gate + " --now 2026-06-01");
  CAPTURE(r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("GATE OPEN", 0) == 0);
  const std::string xsd = testing::SourceDir() + "/tests/data/junit/junit.xsd";
  CHECK(Shell(w.dir, "xmllint --noout --schema '" + xsd + "' relgate-junit.xml").exit_code == 0);
  CHECK(testing::ReadFile((w.dir / "relgate.md").string()).rfind("## relgate: gate open", 0) == 0);
  // The deploy job's check, for the artifact the facts name.
  std::string deploy = RelgateLine(script_of("deploy"), "verify-attestation");
  deploy = Replace(deploy, "ci/relgate-sign.pub", "sign.pub");
  deploy = Replace(deploy, "$(sha256sum dist/package.tgz | cut -d' ' -f1)",
                   "9b1c0f2e7a5d4c3b2a19f8e7d6c5b4a3928171605f4e3d2c1b0a9f8e7d6c5b4a");
  const Run v = Shell(w.dir, deploy);
  CAPTURE(v.out);
  CHECK(v.exit_code == 0);
  CHECK(v.out.find("attestation verified: PASSED") != std::string::npos);
  const Run other = Shell(w.dir, Replace(deploy, "9b1c0f2e", "0b1c0f2e"));
  CHECK(other.exit_code == 1);
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
