// The decision as Markdown: a heading with the verdict, a table of what did not pass
// (blocking, held, advisory, excepted and overridden findings; rule errors) that a person
// pastes into a review, and the digests. Also the GitHub step summary.
#include "engine/base/printable.h"
#include "engine/base/time.h"
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

std::string RenderMarkdown(const eval::Decision& d) {
  size_t blocking = 0;
  for (const eval::Finding& f : d.findings)
    blocking += f.status == eval::FindingStatus::kBlocking;
  size_t passed = 0;
  for (const eval::RuleResult& r : d.rules)
    passed += r.status == eval::RuleStatus::kPass;
  std::string out = "## relgate: gate " + std::string(eval::VerdictName(d.verdict)) + "\n\n";
  out += "Policy `" + Cell(d.package) + "`: " + std::to_string(passed) + " of " +
         std::to_string(d.rules.size()) + " rules passed, " + std::to_string(blocking) +
         " blocking finding" + (blocking == 1 ? "" : "s") + ", " + std::to_string(d.errors.size()) +
         " rule error" + (d.errors.size() == 1 ? "" : "s") + ".\n";
  if (!d.findings.empty() || !d.errors.empty()) {
    out +=
        "\n| | rule | level | finding | item | declared at |\n| --- | --- | --- | --- | --- | "
        "--- |\n";
    for (const eval::Finding& f : d.findings) {
      std::string finding = f.message;
      if (f.status == eval::FindingStatus::kExcepted)
        finding += " (excepted until " + f.exception.until + ": " + f.exception.reason + ")";
      out += "| " + std::string(Status(f)) + " | `" + Cell(f.rule) + "` | " +
             eval::LevelName(f.level) + " | " + Cell(finding) + " | " + Cell(f.item) + " | " +
             Cell(f.location.ToString()) + " |\n";
    }
    for (const eval::RuleError& e : d.errors) {
      out += std::string("| ") + (e.blocks ? "error" : "error (advisory)") + " | `" + Cell(e.rule) +
             "` | " + eval::LevelName(e.level) + " | " +
             Cell(e.message + (e.path.empty() ? "" : " (at " + e.path + ")")) + " | " +
             Cell(e.item) + " | " + Cell(e.location.ToString()) + " |\n";
    }
  }
  out += "\nEvaluated at " + FormatRfc3339(d.evaluated_at) + "; policy sha256:`" + d.policy_digest +
         "`";
  for (const eval::FactsDigest& f : d.facts)
    out += "; facts `" + Cell(f.name) + "` sha256:`" + f.sha256 + "`";
  out += ".\n";
  return out;
}

}  // namespace relgate::report
