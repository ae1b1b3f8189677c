// `relgate test` through the binary: the shipped policy's own tests pass; a wrong
// expectation fails with a diff (exit 1); a policy change that breaks a rule is caught;
// a malformed test or a patch that cannot apply is exit 2 naming the file and line; the
// JUnit output is valid against the common schema.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

using testing::Contains;

struct Policy {
  fs::path dir = fs::temp_directory_path() / ("relgate-ptest-" + std::to_string(getpid()));

  // A copy of policies/release.gate, with `from` replaced by `to` when given.
  explicit Policy(const std::string& from = "", const std::string& to = "") {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::string gate = testing::ReadFile(testing::SourceDir() + "/policies/release.gate");
    if (!from.empty()) {
      REQUIRE(gate.find(from) != std::string::npos);
      gate.replace(gate.find(from), from.size(), to);
    }
    std::ofstream(dir / "release.gate") << gate;
  }

  ~Policy() { fs::remove_all(dir); }

  void Tests(const std::string& yaml) const { std::ofstream(dir / "cases.test.yaml") << yaml; }

  std::string Run(const std::string& extra = "") const {
    return "test '" + dir.string() + "' " + extra;
  }
};

const std::string kOpen = testing::SourceDir() + "/examples/releases/open/release.yaml";

TEST_CASE("the shipped policy's tests pass") {
  auto run = RunRelgate("test policies", false);
  CHECK(run.exit_code == 0);
  CHECK(Contains(run.output, "PASS  policies/release.test.yaml:11  a release from another branch"));
  // The shipped policy's 19 and the SLSA build L3 policy's 5 (policies/slsa-l3/).
  CHECK(Contains(run.output, "PASS  policies/slsa-l3/release.test.yaml:6  an L3 release passes"));
  CHECK(Contains(run.output, "24 tests: 24 passed, 0 failed\n"));
}

TEST_CASE(
    "--coverage: the shipped tests (policies, stdlib) reach every outcome, one test does not") {
  auto full = RunRelgate("test policies --coverage", false);
  CHECK(full.exit_code == 0);
  CHECK(Contains(full.output,
                 "coverage: 10 of 10 rules fully covered; 57 of 57 rule and branch "
                 "outcomes seen\n"));
  CHECK(Contains(full.output,
                 "  install_script_notice  policies/release.gate:21  constant "
                 "condition, reached: yes\n"));
  auto stdlib = RunRelgate("test stdlib --coverage", false);
  CHECK(stdlib.exit_code == 0);
  CHECK(Contains(stdlib.output, "106 tests: 106 passed, 0 failed\n"));
  // Nine policies tested (std.baseline, and the other rule modules through policies
  // that import them), each with its own coverage.
  CHECK(Contains(stdlib.output,
                 "policy stdlib/baseline.gate\ncoverage: 8 of 8 rules fully covered; 44 of 44 "
                 "rule and branch outcomes seen\n"));
  CHECK(Contains(stdlib.output,
                 "policy stdlib/testdata/packaging/strict.gate\ncoverage: 5 of 5 rules fully "
                 "covered; 32 of 32 rule and branch outcomes seen\n"));
  CHECK(Contains(stdlib.output,
                 "policy stdlib/testdata/models/strict.gate\ncoverage: 7 of 7 rules fully "
                 "covered; 31 of 31 rule and branch outcomes seen\n"));
  Policy p;
  p.Tests(
      "tests:\n  - name: only the clean release\n    facts: " + kOpen +
      "\n    expect:\n      verdict: open\n      findings: [{ rule: install_script_notice }]\n");
  auto one = RunRelgate(p.Run("--coverage"), false);
  CHECK(one.exit_code == 0);
  CHECK(Contains(one.output, "coverage: 1 of 10 rules fully covered; "));
  CHECK(Contains(one.output,
                 "  baseline.two_person_review  std/baseline.gate:44  passes: yes, "
                 "fails: NO\n"));
  CHECK(Contains(one.output, "      operand `d.pinned`: never false\n"));
  CHECK(Contains(one.output, "      default `(d.integrity ?? \"\")`: never default taken\n"));
  CHECK(Contains(one.output,
                 "  let baseline.reviewers\n      filter `a.user != release.author`: "
                 "never false\n"));
}

TEST_CASE("a wrong expectation fails with what differs") {
  Policy p;
  p.Tests(
      "tests:\n"
      "  - name: expects too little\n"
      "    facts: " +
      kOpen +
      "\n"
      "    patch:\n"
      "      - { set: release.branch, value: dev }\n"
      "    expect:\n"
      "      verdict: open\n"
      "      findings:\n"
      "        - { rule: baseline.fresh_build }\n");
  auto run = RunRelgate(p.Run(), false);
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.output, "FAIL  "));
  CHECK(Contains(run.output,
                 "cases.test.yaml:2  expects too little\n"
                 "      verdict: expected open, got shut\n"
                 "      - expected finding baseline.fresh_build\n"
                 "      + unexpected finding main_branch (blocking): released from "
                 "branch dev, not main\n"
                 "      + unexpected finding install_script_notice [dependencies[1]] "
                 "(advisory): esbuild@0.21.5 runs an install script (allowlisted)\n"));
  CHECK(Contains(run.output, "1 tests: 0 passed, 1 failed\n"));
}

TEST_CASE("the shipped tests catch a policy change that weakens a rule") {
  Policy weaker(
      "install_script_allowlist: [\"esbuild\", \"sharp\", \"fsevents\"],",
      "install_script_allowlist: [\"esbuild\", \"sharp\", \"fsevents\", \"esbuild-wasm\"],");
  std::string tests = testing::ReadFile(testing::SourceDir() + "/policies/release.test.yaml");
  for (size_t at; (at = tests.find("../examples/")) != std::string::npos;)
    tests.replace(at, 3, testing::SourceDir() + "/");
  weaker.Tests(tests);
  auto run = RunRelgate(weaker.Run(), false);
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.output,
                 "an install script outside the allowlist blocks\n"
                 "      verdict: expected shut, got open\n"));
  CHECK(Contains(run.output, "19 tests: 18 passed, 1 failed\n"));
}

TEST_CASE("malformed tests and patches that cannot apply are exit 2, with file and line") {
  Policy p;
  p.Tests("tests:\n  - name: x\n    facts: a.yaml\n    expect: { verdict: open }\n    nope: 1\n");
  auto unknown = RunRelgate(p.Run());
  CHECK(unknown.exit_code == 2);
  CHECK(Contains(unknown.output, "cases.test.yaml:5: unknown key `nope` in a test case"));
  p.Tests("tests:\n  - name: x\n    facts: a.yaml\n    expect: { verdict: maybe }\n");
  auto verdict = RunRelgate(p.Run());
  CHECK(verdict.exit_code == 2);
  CHECK(Contains(verdict.output, "cases.test.yaml:4: `verdict` is open, shut or undecided"));
  p.Tests(
      "tests:\n  - name: bad patch\n    facts: " + kOpen +
      "\n    patch:\n      - { remove: builder.nothing.here }\n    expect: { verdict: open }\n");
  auto patch = RunRelgate(p.Run());
  CHECK(patch.exit_code == 2);
  CHECK(Contains(patch.output, "ERROR "));
  CHECK(Contains(patch.output, "the patch path `builder.nothing.here` does not lead to a value"));
  p.Tests("tests:\n  - name: no fixture\n    facts: missing.yaml\n    expect: { verdict: open }\n");
  auto fixture = RunRelgate(p.Run());
  CHECK(fixture.exit_code == 2);
  CHECK(Contains(fixture.output, "missing.yaml` does not exist"));
}

TEST_CASE("relgate test --format junit is valid JUnit") {
  const fs::path out =
      fs::temp_directory_path() / ("relgate-ptest-" + std::to_string(getpid()) + ".xml");
  auto run = RunRelgate("test policies --format junit", false);
  CHECK(run.exit_code == 0);
  std::ofstream(out) << run.output;
  const std::string command = "xmllint --noout --schema '" + testing::SourceDir() +
                              "/tests/data/junit/junit.xsd' '" + out.string() + "' >/dev/null 2>&1";
  CHECK(std::system(command.c_str()) == 0);
  CHECK(Contains(run.output,
                 "<testsuites name=\"relgate test\" tests=\"24\" failures=\"0\" errors=\"0\">"));
  fs::remove(out);
}

}  // namespace
}  // namespace relgate

namespace relgate {
namespace {

TEST_CASE("tests over real evidence: KIND:FILE fixtures, counted findings, a previous release") {
  auto run = testing::RunRelgate("test tests/data/findings", false);
  CHECK(run.exit_code == 0);
  CHECK(testing::Contains(run.output, "4 tests: 4 passed, 0 failed\n"));
  // A count that is wrong says what it found.
  const std::filesystem::path dir = testing::TempDir("relgate-counted");
  std::filesystem::copy_file(testing::SourceDir() + "/tests/data/findings/deps.gate",
                             dir / "deps.gate");
  std::ofstream(dir / "deps.test.yaml")
      << "policy: deps.gate\ntests:\n  - name: off by one\n    facts: npm-lock:" +
             testing::SourceDir() +
             "/tests/data/import/npm-lock/sigstore-js__package-lock.v3.json\n"
             "    now: 2026-12-01\n    expect:\n      verdict: shut\n      findings:\n"
             "        - { rule: deps.pinned_with_hash, count: 810 }\n"
             "  - name: not a number\n    facts: x.json\n    expect:\n      verdict: open\n"
             "      findings: [{ rule: r, at_least: many }]\n";
  auto wrong = testing::RunRelgate("test " + dir.string());
  CHECK(wrong.exit_code == 2);
  CHECK(testing::Contains(wrong.output, "`count` or `at_least`: a number of findings"));
  std::ofstream(dir / "deps.test.yaml", std::ios::trunc)
      << "policy: deps.gate\ntests:\n  - name: off by one\n    facts: npm-lock:" +
             testing::SourceDir() +
             "/tests/data/import/npm-lock/sigstore-js__package-lock.v3.json\n"
             "    now: 2026-12-01\n    expect:\n      verdict: shut\n      findings:\n"
             "        - { rule: deps.pinned_with_hash, count: 810 }\n";
  wrong = testing::RunRelgate("test " + dir.string(), false);
  CHECK(wrong.exit_code == 1);
  CHECK(
      testing::Contains(wrong.output, "- expected 810 findings deps.pinned_with_hash, got 811\n"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace relgate

namespace relgate {
namespace {

TEST_CASE("--min-coverage fails a run below it, and coverage counts the policy's own rules apart") {
  auto own = testing::RunRelgate("test policies/release.test.yaml --coverage", false);
  CHECK(testing::Contains(own.output,
                          "  the policy's own: 2 of 2 rules, 9 of 9 outcomes; imported modules' "
                          "rules: 8 of 8, 48 of 48 outcomes\n"));
  auto below = testing::RunRelgate("test stdlib/testdata/deps --min-coverage 99", false);
  CHECK(below.exit_code == 1);
  CHECK(testing::Contains(below.output,
                          "coverage of the policy's rules is 97.4% (76 of 78 "
                          "outcomes), below --min-coverage 99\n"));
  auto above = testing::RunRelgate("test stdlib/testdata/deps --min-coverage 97", false);
  CHECK(above.exit_code == 0);
  CHECK(!testing::Contains(above.output, "below --min-coverage"));
}

}  // namespace
}  // namespace relgate

namespace relgate {
namespace {

// The shipped modules' reviewed verdicts on real evidence of every format and workflow
// shape (tests/data/real/*.test.yaml): a change that moves one fails here.
TEST_CASE("the shipped modules decide real evidence as reviewed") {
  auto run = testing::RunRelgate("test tests/data/real", false);
  CHECK(run.exit_code == 0);
  CHECK(testing::Contains(run.output, "24 tests: 24 passed, 0 failed\n"));
}

}  // namespace
}  // namespace relgate
