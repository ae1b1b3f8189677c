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
#include "engine/policytest/results.h"
#include "engine/policytest/suite.h"
#include "engine/relgate.h"
#include <unistd.h>

namespace relgate::cli {
namespace {

namespace fs = std::filesystem;

struct TestArgs {
  std::string path;
  std::string format = "text";
  std::string stdlib;
  std::string policy;      // every test file's policy, instead of the one it names
  std::string bundle_key;  // when that policy is a bundle
  bool coverage = false;
  double min_coverage = -1;  // percent; < 0: no threshold
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
  cmd->add_option("--policy", args->policy,
                  "Run every test against this policy instead of the one it names (a policy "
                  "bundle, with --bundle-key: the tests of the sources, run on what ships)");
  AddBundleKeyOption(cmd, args->bundle_key);
  cmd->add_flag("--coverage", args->coverage,
                "Report per rule and per branch (and/or operands, where filters, ?? "
                "defaults) whether the tests reached both outcomes");
  cmd->add_option("--min-coverage", args->min_coverage,
                  "Fail (exit 1) when the tests reach less than this percentage of the rule and "
                  "branch outcomes of the policy's own rules (of all rules when it imports them "
                  "all); implies --coverage")
      ->check(CLI::Range(0.0, 100.0));
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
      const std::string policy = !args->policy.empty()     ? args->policy
                                 : tests[k].policy.empty() ? default_policy
                                                           : tests[k].policy;
      auto group = std::find_if(groups.begin(), groups.end(),
                                [&](const auto& g) { return g.first == policy; });
      if (group == groups.end())
        groups.push_back({policy, {k}});
      else
        group->second.push_back(k);
    }
    policytest::RunResults results;
    bool below_minimum = false;
    for (const auto& [policy, members] : groups) {
      SourceMap sources;
      DiagnosticSink sink;
      auto program = CompileForCommand({policy}, args->stdlib, sources, sink, args->bundle_key);
      if (!program) {
        Err("relgate: the policy `{}` does not compile; no test run\n", Printable(policy));
        return 2;
      }
      if (args->min_coverage >= 0)
        args->coverage = true;
      policytest::Coverage coverage(*program);
      for (const size_t f : members) {
        policytest::FileResults& file = results.files.emplace_back();
        file.path = files[f];
        for (const policytest::TestCase& c : tests[f].cases) {
          file.cases.push_back(
              policytest::RunCase(*program, tests[f], c, args->coverage ? &coverage : nullptr));
        }
      }
      if (args->coverage) {
        results.coverage += fmt::format(
            "\n{}{}", groups.size() > 1 ? fmt::format("policy {}\n", Printable(policy)) : "",
            policytest::RenderCoverage(coverage.Report()));
        if (args->min_coverage >= 0) {
          const auto report = coverage.Report();
          policytest::CoverageTotals own = policytest::Totals(report, true);
          const bool own_rules = own.rules > 0;
          if (!own_rules)
            own = policytest::Totals(report, false);
          if (own.Percent() < args->min_coverage) {
            below_minimum = true;
            results.coverage += fmt::format(
                "coverage of {} is {:.1f}% ({} of {} outcomes), below --min-coverage {}\n",
                own_rules ? "the policy's own rules" : "the policy's rules", own.Percent(),
                own.covered, own.outcomes, args->min_coverage);
          }
        }
      }
    }
    WriteOut(args->format == "junit" ? policytest::RenderResultsJUnit(results)
                                     : policytest::RenderResultsText(results));
    return results.broken() > 0 ? 2 : results.failed() > 0 || below_minimum ? 1 : 0;
  };
}

}  // namespace relgate::cli
