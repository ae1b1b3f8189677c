// The GitHub Action (action.yml) in a simulated runner: its composite steps are read from
// action.yml and run as a runner runs them — each step's `env` with `${{ inputs.X }}`
// replaced by the input or its default, its `run` by bash -e, with GITHUB_ACTION_PATH,
// RUNNER_TEMP and the GITHUB_OUTPUT, GITHUB_PATH and GITHUB_STEP_SUMMARY files — on a
// release tarball laid out as `make package` lays it out. Checked: the verdict and exit
// code outputs, the job summary, the annotations, SARIF and a signed summary; a tarball
// that is not the pinned one is never installed; a fact line is data, never a command.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

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

std::string Text(const facts::Node* node, std::string_view key) {
  const facts::Node* value = node != nullptr ? node->Find(key) : nullptr;
  return value != nullptr && value->kind == facts::NodeKind::kString ? std::string(value->str())
                                                                     : "";
}

struct Runner {
  fs::path dir = testing::TempDir("relgate-action");
  fs::path temp = dir / "runner-temp";
  fs::path output = dir / "github-output";
  fs::path path_file = dir / "github-path";
  fs::path summary = dir / "step-summary";

  Runner() {
    fs::create_directories(temp);
    for (const fs::path& file : {output, path_file, summary})
      std::ofstream(file.string()).close();
  }

  ~Runner() { fs::remove_all(dir); }

  std::string Read(const fs::path& file) const { return testing::ReadFile(file.string()); }
};

struct ActionRun {
  int exit_code = 0;
  std::string output;
  std::string failed_step;
};

// Runs action.yml's steps in order, from the source directory, stopping at a failing one.
ActionRun RunAction(const Runner& runner, const std::map<std::string, std::string>& inputs) {
  const std::string source = RELGATE_SOURCE_DIR;
  facts::LoadError error;
  auto action = facts::ParseYaml(testing::ReadFile(source + "/action.yml"), "action.yml", error);
  REQUIRE_MESSAGE(action, error.ToString());
  const facts::Node* declared = action->root().Find("inputs");
  const facts::Node* steps = action->root().Find("runs")->Find("steps");
  REQUIRE(steps != nullptr);
  const std::regex input_ref(R"(\$\{\{\s*inputs\.([a-z0-9-]+)\s*\}\})");
  ActionRun result;
  for (uint32_t k = 0; k < steps->len; ++k) {
    const facts::Node& step = steps->items[k];
    CHECK(Text(&step, "shell") == "bash");
    std::string env = fmt::format(
        "PATH=/usr/local/bin:/usr/bin:/bin HOME={} GITHUB_ACTIONS=true GITHUB_ACTION_PATH={} "
        "RUNNER_TEMP={} GITHUB_OUTPUT={} GITHUB_PATH={} GITHUB_STEP_SUMMARY={}",
        Quoted(runner.dir.string()), Quoted(source), Quoted(runner.temp.string()),
        Quoted(runner.output.string()), Quoted(runner.path_file.string()),
        Quoted(runner.summary.string()));
    env += testing::SanitizerEnv();
    const facts::Node* step_env = step.Find("env");
    for (uint32_t m = 0; step_env != nullptr && m < step_env->len; ++m) {
      const std::string raw(step_env->members[m].value.str());
      std::smatch match;
      std::string value = raw;
      if (std::regex_search(raw, match, input_ref)) {
        const std::string name = match[1];
        const facts::Node* input = declared->Find(name);
        REQUIRE_MESSAGE(input != nullptr, "action.yml uses an undeclared input " << name);
        auto given = inputs.find(name);
        value = given != inputs.end() ? given->second : Text(input, "default");
      }
      env += fmt::format(" {}={}", step_env->members[m].name(), Quoted(value));
    }
    const auto run =
        RunShell(fmt::format("cd {} && env -i {} bash --noprofile --norc -eo pipefail "
                             "-c {} 2>&1",
                             Quoted(source), env, Quoted(Text(&step, "run"))));
    result.output += run.output;
    result.exit_code = run.exit_code;
    if (run.exit_code != 0) {
      result.failed_step = Text(&step, "name");
      break;
    }
  }
  return result;
}

// A release tarball laid out as `make package` lays it out, holding the binary under test.
struct Release {
  fs::path dir = testing::TempDir("relgate-action-release");
  std::string tarball = (dir / "relgate-0.1.0-linux-x86_64.tar.gz").string();
  std::string sha256;
  std::string bundle = (dir / "org.bundle").string();
  std::string key = (dir / "org.pub").string();
  std::string sign_key = (dir / "org.pem").string();

  Release() {
    const fs::path root = dir / "stage" / "relgate-0.1.0-linux-x86_64" / "bin";
    fs::create_directories(root);
    fs::copy_file(RELGATE_BINARY, root / "relgate");
    REQUIRE(RunShell(fmt::format("tar -czf {} -C {} relgate-0.1.0-linux-x86_64", Quoted(tarball),
                                 Quoted((dir / "stage").string())))
                .exit_code == 0);
    sha256 = Sha256Hex(testing::ReadFile(tarball));
    REQUIRE(RunShell(fmt::format("openssl genpkey -algorithm ed25519 -out {0} && openssl pkey -in "
                                 "{0} -pubout -out {1}",
                                 Quoted(sign_key), Quoted(key)))
                .exit_code == 0);
    REQUIRE(testing::RunRelgate(fmt::format("bundle build policies -o {} --sign-key {} "
                                            "--revision action-test",
                                            Quoted(bundle), Quoted(sign_key)))
                .exit_code == 0);
  }

  ~Release() { fs::remove_all(dir); }

  std::map<std::string, std::string> Inputs(const std::string& facts) const {
    return {{"tarball-url", "file://" + tarball},
            {"tarball-sha256", sha256},
            {"policy", bundle},
            {"bundle-key", key},
            {"facts", facts}};
  }
};

TEST_CASE("the action installs the pinned tarball and gates: open, shut, undecided") {
  Release release;
  {
    Runner runner;
    auto open = RunAction(runner, release.Inputs("\nexamples/releases/open/release.yaml\n\n"));
    CAPTURE(open.output);
    CHECK(open.exit_code == 0);
    CHECK(Contains(open.output, "relgate 0.1.0\ncommit: "));
    CHECK(runner.Read(runner.path_file) == (runner.temp / "relgate" / "bin").string() + "\n");
    CHECK(runner.Read(runner.output) == "verdict=open\nexit-code=0\n");
    CHECK(Contains(runner.Read(runner.summary), "acme.release"));
    CHECK(!fs::exists(runner.temp / "relgate" / "relgate.tar.gz"));
  }
  {
    Runner runner;
    auto shut = RunAction(runner, release.Inputs("examples/releases/shut-reviews/release.json"));
    CAPTURE(shut.output);
    CHECK(shut.exit_code == 1);
    CHECK(shut.failed_step == "Gate");
    CHECK(Contains(shut.output, "::error"));
    CHECK(Contains(shut.output, "baseline.two_person_review"));
    CHECK(runner.Read(runner.output) == "verdict=shut\nexit-code=1\n");
  }
  {
    // A fact line is a path, never a command; the gate cannot decide and stays shut.
    Runner runner;
    const fs::path planted = runner.dir / "planted";
    auto hostile = RunAction(runner, release.Inputs(fmt::format("$(touch {})", planted.string())));
    CHECK(hostile.exit_code == 2);
    CHECK(runner.Read(runner.output) == "verdict=undecided\nexit-code=2\n");
    CHECK(!fs::exists(planted));
  }
}

TEST_CASE("the action writes SARIF and a signed summary the next job can check") {
  Release release;
  Runner runner;
  auto inputs = release.Inputs("examples/releases/open/release.yaml");
  inputs["sarif"] = (runner.dir / "relgate.sarif").string();
  inputs["attest"] = (runner.dir / "relgate.vsa.json").string();
  inputs["sign-key"] = release.sign_key;
  auto run = RunAction(runner, inputs);
  CAPTURE(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(Contains(runner.Read(runner.dir / "relgate.sarif"), "\"version\":\"2.1.0\""));
  auto verified = testing::RunRelgate(
      fmt::format("verify-attestation {} --key {}", Quoted(inputs["attest"]), Quoted(release.key)));
  CHECK(verified.exit_code == 0);
}

TEST_CASE("a tarball that is not the pinned one is never installed") {
  Release release;
  Runner runner;
  auto inputs = release.Inputs("examples/releases/open/release.yaml");
  inputs["tarball-sha256"] = std::string(64, '0');
  auto wrong = RunAction(runner, inputs);
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.failed_step == "Install relgate");
  CHECK(Contains(wrong.output, fmt::format("::error title=relgate::the tarball is sha256:{}, not "
                                           "the pinned sha256:{}; not installed",
                                           release.sha256, std::string(64, '0'))));
  CHECK(!fs::exists(runner.temp / "relgate"));
  CHECK(runner.Read(runner.output).empty());
  inputs["tarball-sha256"] = "latest";
  auto unpinned = RunAction(runner, inputs);
  CHECK(unpinned.exit_code == 2);
  CHECK(Contains(unpinned.output, "tarball-sha256 must be 64 lower-case hex digits"));
}

}  // namespace
}  // namespace relgate
