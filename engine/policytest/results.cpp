#include "engine/policytest/results.h"

#include <iterator>

#include <fmt/format.h>

#include "engine/base/printable.h"
#include "engine/report/report.h"

namespace relgate::policytest {
namespace {

template <typename Count>
int CountCases(const RunResults& results, Count count) {
  int n = 0;
  for (const FileResults& file : results.files) {
    for (const CaseResult& c : file.cases)
      n += count(c) ? 1 : 0;
  }
  return n;
}

bool Broken(const CaseResult& c) {
  return !c.problem.empty();
}

bool Failed(const CaseResult& c) {
  return c.problem.empty() && !c.passed;
}

}  // namespace

int RunResults::total() const {
  return CountCases(*this, [](const CaseResult&) { return true; });
}

int RunResults::failed() const {
  return CountCases(*this, Failed);
}

int RunResults::broken() const {
  return CountCases(*this, Broken);
}

std::string RenderResultsText(const RunResults& results) {
  std::string out;
  auto it = std::back_inserter(out);
  for (const FileResults& file : results.files) {
    for (const CaseResult& c : file.cases) {
      const std::string where = Printable(fmt::format("{}:{}", file.path, c.line));
      if (Broken(c)) {
        fmt::format_to(it, "ERROR {}  {}\n      {}\n", where, Printable(c.name),
                       Printable(c.problem));
      } else if (Failed(c)) {
        fmt::format_to(it, "FAIL  {}  {}\n", where, Printable(c.name));
        for (const std::string& line : c.diff)
          fmt::format_to(it, "      {}\n", Printable(line));
      } else {
        fmt::format_to(it, "PASS  {}  {}\n", where, Printable(c.name));
      }
    }
  }
  const int total = results.total(), failed = results.failed(), broken = results.broken();
  fmt::format_to(it, "{} tests: {} passed, {} failed{}\n{}", total, total - failed - broken, failed,
                 broken > 0 ? fmt::format(", {} could not run", broken) : "", results.coverage);
  return out;
}

std::string RenderResultsJUnit(const RunResults& results) {
  std::string out;
  auto it = std::back_inserter(out);
  fmt::format_to(it,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"relgate test\" "
                 "tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                 results.total(), results.failed(), results.broken());
  for (const FileResults& file : results.files) {
    int failed = 0, broken = 0;
    for (const CaseResult& c : file.cases) {
      failed += Failed(c) ? 1 : 0;
      broken += Broken(c) ? 1 : 0;
    }
    const std::string path = report::XmlEscape(file.path);
    fmt::format_to(it, "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
                   path, file.cases.size(), failed, broken);
    for (const CaseResult& c : file.cases) {
      fmt::format_to(it, "    <testcase name=\"{}\" classname=\"{}\"", report::XmlEscape(c.name),
                     path);
      if (Broken(c)) {
        fmt::format_to(it, "><error message=\"{}\"/></testcase>\n", report::XmlEscape(c.problem));
      } else if (Failed(c)) {
        std::string diff;
        for (const std::string& line : c.diff)
          fmt::format_to(std::back_inserter(diff), "{}\n", report::XmlEscape(line));
        fmt::format_to(it, "><failure message=\"{}\">{}</failure></testcase>\n",
                       report::XmlEscape(c.diff.empty() ? std::string() : c.diff.front()), diff);
      } else {
        out += "/>\n";
      }
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace relgate::policytest
