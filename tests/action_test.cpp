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
#include "tests/ci_runners.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

using ci::Quoted;
using ci::Release;
using ci::RunAction;
using ci::Runner;

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunShell;

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
