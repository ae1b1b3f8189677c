// Policy tests (`relgate test`): YAML files named `*.test.yaml` beside a policy's .gate
// files, each a list of cases: facts fixtures (optionally patched: set, remove, append at
// a fact path), the evaluation time, and the verdict and exact findings expected.
//
//   policy: baseline.gate                   # optional: default, this directory's policy
//   tests:
//     - name: a release from another branch is held
//       facts: [../examples/releases/open/release.yaml]   # relative to this file
//       patch:
//         - { set: release.branch, value: hotfix/login }
//         - { remove: builder.ephemeral }
//         - { append: approvals, value: { user: carol, team: qa } }
//       now: 2026-06-01T00:00:00Z          # default: the facts' release.built_at
//       expect:
//         verdict: shut                    # open | shut | undecided
//         findings:                        # every finding, exactly (any status)
//           - { rule: main_branch, message: "released from branch hotfix/login, not main" }
//           - { rule: install_script_notice, item: "dependencies[1]", status: advisory }
//         errors:                          # rules that could not be evaluated, exactly
//           - { rule: baseline.trusted_builder, path: builder.ephemeral }
//
// An expected finding matches an actual one with the same rule and, when given, the same
// item, message and status; each actual finding and error must be matched once.
#pragma once

#include <string>
#include <vector>

#include "engine/compile/machine.h"
#include "engine/compile/program.h"

namespace relgate::policytest {

struct ExpectedFinding {
  std::string rule, item, message, status;
  // How many findings it stands for: exactly `count` (1 unless given), or with `at_least`
  // that many or more (a real lockfile's hundreds need not be listed one by one).
  int64_t count = 1;
  bool at_least = false;
};

struct ExpectedError {
  std::string rule, path;
};

struct Patch {
  enum class Op { kSet, kRemove, kAppend } op = Op::kSet;
  std::string path;
  std::string value_json;  // the value, as JSON (set, append)
};

struct TestCase {
  std::string name;
  int line = 0;                       // in the test file, 1-based
  std::vector<std::string> facts;     // fixture files, or `KIND:FILE` evidence to import
  std::vector<std::string> previous;  // the previous release's, as `eval --previous`
  std::vector<Patch> patches;
  std::string now;  // "" -> release.built_at
  std::string verdict;
  std::vector<ExpectedFinding> findings;
  std::vector<ExpectedError> errors;
};

struct TestFile {
  std::string path;
  std::string policy;  // `policy:` (relative to the file, resolved), "" for the directory
  std::vector<TestCase> cases;
};

// Reads and checks a test file; false with `error` (`file:line: what`) when malformed.
[[nodiscard]] bool LoadTestFile(const std::string& path, TestFile& file, std::string& error);
// The same for the text of a file named `path` (an editor's buffer).
[[nodiscard]] bool LoadTestText(const std::string& path, const std::string& text, TestFile& file,
                                std::string& error);

struct CaseResult {
  std::string name;
  int line = 0;
  bool passed = false;
  std::vector<std::string> diff;  // `- expected ...` / `+ unexpected ...` lines
  std::string problem;            // the case could not run (a fixture or patch failed)
};

// `coverage` (optional) records what the case's evaluation reached (coverage.h).
[[nodiscard]] CaseResult RunCase(const compile::Program& program, const TestFile& file,
                                 const TestCase& test, compile::Recorder* coverage = nullptr);

}  // namespace relgate::policytest
