// The decision as Markdown: a heading with the verdict, a table of what did not pass
// (blocking, held, advisory, excepted and overridden findings; rule errors) that a person
// pastes into a review, and the digests. Also the GitHub step summary.
#include <iterator>

#include <fmt/format.h>

#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/report/finding_groups.h"
#include "engine/report/renderers.h"

namespace relgate::report {
namespace {

// A table cell: no line breaks, pipes escaped, backticks kept out of code spans.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : Printable(text)) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += "<br>";
    else
      out += c;
  }
  return out;
}

const char* Status(const eval::Finding& f) {
  switch (f.status) {
    case eval::FindingStatus::kBlocking: return f.level == Level::kSoft ? "held" : "blocks";
    case eval::FindingStatus::kAdvisory: return "warning";
    case eval::FindingStatus::kExcepted: return "excepted";
    case eval::FindingStatus::kOverridden: return "overridden";
  }
  return "";
}

}  // namespace

std::string RenderMarkdown(const eval::Decision& d, size_t max_findings) {
  size_t blocking = 0;
  for (const eval::Finding& f : d.findings)
    blocking += f.status == eval::FindingStatus::kBlocking;
  size_t passed = 0;
  for (const eval::RuleResult& r : d.rules)
    passed += r.status == eval::RuleStatus::kPass;
  std::string out;
  auto line = std::back_inserter(out);
  fmt::format_to(line, "## relgate: gate {}\n\n", eval::VerdictName(d.verdict));
  fmt::format_to(line,
                 "Policy `{}`: {} of {} rules passed, {} blocking finding{}, {} rule error{}.\n",
                 Cell(d.package), passed, d.rules.size(), blocking, blocking == 1 ? "" : "s",
                 d.errors.size(), d.errors.size() == 1 ? "" : "s");
  if (!d.findings.empty() || !d.errors.empty()) {
    out +=
        "\n| | rule | level | finding | item | declared at |\n| --- | --- | --- | --- | --- | "
        "--- |\n";
    FindingGroups groups(d, max_findings);
    for (const eval::Finding& f : d.findings) {
      if (!groups.Show(f))
        continue;
      std::string finding = f.message;
      if (f.status == eval::FindingStatus::kExcepted)
        finding += fmt::format(" (excepted until {}: {})", f.exception.until, f.exception.reason);
      fmt::format_to(line, "| {} | `{}` | {} | {} | {} | {} |\n", Status(f), Cell(f.rule),
                     eval::LevelName(f.level), Cell(finding), Cell(f.item),
                     Cell(f.location.ToString()));
      if (const size_t hidden = groups.HiddenAfter(f); hidden > 0) {
        fmt::format_to(line,
                       "| ... | `{}` | | {} more finding{} of this rule ({} in all; the JSON "
                       "decision lists every one) | | |\n",
                       Cell(f.rule), hidden, hidden == 1 ? "" : "s", groups.Total(f.rule));
      }
    }
    for (const eval::RuleError& e : d.errors) {
      fmt::format_to(
          line, "| {} | `{}` | {} | {} | {} | {} |\n", e.blocks ? "error" : "error (advisory)",
          Cell(e.rule), eval::LevelName(e.level),
          Cell(e.path.empty() ? e.message : fmt::format("{} (at {})", e.message, e.path)),
          Cell(e.item), Cell(e.location.ToString()));
    }
  }
  fmt::format_to(line, "\nEvaluated at {}; policy sha256:`{}`", FormatRfc3339(d.evaluated_at),
                 d.policy_digest);
  for (const eval::FactsDigest& f : d.facts)
    fmt::format_to(line, "; facts `{}` sha256:`{}`", Cell(f.name), f.sha256);
  out += ".\n";
  return out;
}

}  // namespace relgate::report
