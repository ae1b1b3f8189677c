// `relgate test PATH [--format text|junit]`: runs the policy tests (`*.test.yaml`, see
// engine/policytest/suite.h) beside the policy in PATH, or one test file and the policy in
// its directory. Exit 0 every test passes, 1 one fails, 2 a test file is malformed, a
// test cannot run (a fixture or patch fails), or the policy does not compile.
#include <algorithm>
#include <filesystem>

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/base/printable.h"
#include "engine/policytest/coverage.h"
#include "engine/policytest/suite.h"
#include "engine/relgate.h"
#include "engine/report/report.h"
#include <unistd.h>

namespace relgate::cli {
namespace {

namespace fs = std::filesystem;

struct TestArgs {
  std::string path;
  std::string format = "text";
  std::string stdlib;
  bool coverage = false;
};

std::vector<std::string> TestFiles(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file() && name.size() > 10 &&
        name.compare(name.size() - 10, 10, ".test.yaml") == 0) {
      out.push_back(it->path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

Command SetupTest(CLI::App& app) {
  auto args = std::make_shared<TestArgs>();
  CLI::App* cmd = app.add_subcommand(
      "test",
      "Run the policy tests (*.test.yaml) beside a policy: exit 0 all pass, 1 one fails, 2 a "
      "test is malformed or cannot run");
  cmd->add_option("path", args->path, "The policy directory, or one .test.yaml file")->required();
  cmd->add_option("--format", args->format, "Report format")
      ->check(CLI::IsMember({"text", "junit"}));
  cmd->add_option("--stdlib", args->stdlib, "Directory of std.* modules");
  cmd->add_flag("--coverage", args->coverage,
                "Report per rule and per branch (and/or operands, where filters, ?? "
                "defaults) whether the tests reached both outcomes");
  return [args]() {
    std::error_code ec;
    const bool one_file = fs::is_regular_file(args->path, ec);
    const fs::path policy_dir =
        one_file ? fs::path(args->path).parent_path() : fs::path(args->path);
    const std::vector<std::string> files =
        one_file ? std::vector<std::string>{args->path} : TestFiles(args->path);
    if (files.empty()) {
      Err("relgate: error: no *.test.yaml beside the policy in `{}`\n", Printable(args->path));
      return 2;
    }
    // Every test file first: they say which policy they test (`policy:`), else the
    // policy is the directory's .gate files. Files testing the same policy run against one
    // compiled program, and its coverage is theirs together.
    std::vector<policytest::TestFile> tests(files.size());
    const std::string default_policy = (policy_dir.empty() ? fs::path(".") : policy_dir).string();
    std::vector<std::pair<std::string, std::vector<size_t>>> groups;
    for (size_t k = 0; k < files.size(); ++k) {
      std::string error;
      if (!policytest::LoadTestFile(files[k], tests[k], error)) {
        Err("relgate: error: {}\n", Printable(error));
        return 2;
      }
      const std::string policy = tests[k].policy.empty() ? default_policy : tests[k].policy;
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& g) { return g.first == policy; });
      if (group == groups.end())
        groups.push_back({policy, {k}});
      else
        group->second.push_back(k);
    }
    int failed = 0, broken = 0, total = 0;
    std::string text, junit, coverage_text;
    for (const auto& [policy, members] : groups) {
      SourceMap sources;
      DiagnosticSink sink;
      auto program = CompilePolicy({policy}, StdlibFrom(args->stdlib), sources, sink);
      WriteErr(RenderAll(sink, sources, ColorFor(STDERR_FILENO)));
      if (!program) {
        Err("relgate: the policy `{}` does not compile; no test run\n", Printable(policy));
        return 2;
      }
      policytest::Coverage coverage(*program);
      for (const size_t f : members) {
        const std::string& path = files[f];
        const policytest::TestFile& file = tests[f];
        std::string cases;
        int file_failed = 0, file_broken = 0;
        for (const policytest::TestCase& c : file.cases) {
          const policytest::CaseResult r =
              policytest::RunCase(*program, file, c, args->coverage ? &coverage : nullptr);
          ++total;
          const std::string where = path + ":" + std::to_string(r.line);
          cases += "    <testcase name=\"" + report::XmlEscape(r.name) + "\" classname=\"" +
                   report::XmlEscape(path) + "\"";
          if (!r.problem.empty()) {
            ++broken;
            ++file_broken;
            text += "ERROR " + Printable(where) + "  " + Printable(r.name) + "\n      " +
                    Printable(r.problem) + "\n";
            cases += "><error message=\"" + report::XmlEscape(r.problem) + "\"/></testcase>\n";
          } else if (!r.passed) {
            ++failed;
            ++file_failed;
            text += "FAIL  " + Printable(where) + "  " + Printable(r.name) + "\n";
            std::string diff;
            for (const std::string& line : r.diff) {
              text += "      " + Printable(line) + "\n";
              diff += report::XmlEscape(line) + "\n";
            }
            cases += "><failure message=\"" + report::XmlEscape(r.diff.front()) + "\">" + diff +
                     "</failure></testcase>\n";
          } else {
            text += "PASS  " + Printable(where) + "  " + Printable(r.name) + "\n";
            cases += "/>\n";
          }
        }
        junit += "  <testsuite name=\"" + report::XmlEscape(path) + "\" tests=\"" +
                 std::to_string(file.cases.size()) + "\" failures=\"" +
                 std::to_string(file_failed) + "\" errors=\"" + std::to_string(file_broken) +
                 "\">\n" + cases + "  </testsuite>\n";
      }
      if (args->coverage) {
        coverage_text += "\n" + (groups.size() > 1 ? "policy " + Printable(policy) + "\n" : "") +
                         policytest::RenderCoverage(coverage.Report());
      }
    }
    text += std::to_string(total) + " tests: " + std::to_string(total - failed - broken) +
            " passed, " + std::to_string(failed) + " failed" +
            (broken > 0 ? ", " + std::to_string(broken) + " could not run" : "") + "\n";
    if (args->format == "junit") {
      Out("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"relgate test\" "
          "tests=\"{}\" failures=\"{}\" errors=\"{}\">\n{}</testsuites>\n",
          total, failed, broken, junit);
    } else {
      Out("{}{}", text, coverage_text);
    }
    return broken > 0 ? 2 : failed > 0 ? 1 : 0;
  };
}

}  // namespace relgate::cli
