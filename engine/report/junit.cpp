// The decision as JUnit XML, which CI systems show as test results: one test suite (the
// policy's package), one test case per rule, and one per finding for a rule that judges
// each item of a list (`baseline.pinned_dependencies [dependencies[3]]`). A blocking
// finding is a <failure> (its message, values and where the rule is declared), a rule
// that could not be evaluated an <error>, a rule not evaluated <skipped>; advisory,
// excepted and overridden findings pass with a note in <system-out>. Only the elements
// and attributes of the common JUnit schema are used (tests/data/junit/junit.xsd).
#include <iterator>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "engine/base/printable.h"
#include "engine/report/renderers.h"
#include "engine/report/report.h"

namespace relgate::report {
namespace {

std::string Xml(const std::string& text) {
  return XmlEscape(text);
}

}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : Printable(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// Element text of several lines: each escaped alone, one per line.
std::string XmlLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines)
    out += fmt::format("{}\n", Xml(line));
  return out;
}

struct Case {
  std::string name;
  std::string body;  // the child elements
  bool failure = false, error = false, skipped = false;
};

std::string Details(const eval::Finding& f) {
  std::vector<std::string> lines = {f.message};
  if (!f.item.empty())
    lines.push_back(fmt::format("item: {}{}", f.item,
                                f.item_value.empty() ? "" : fmt::format(" = {}", f.item_value)));
  for (const eval::Because& b : f.because)
    lines.push_back(fmt::format("why: {} = {}", b.expr, b.value));
  lines.push_back(fmt::format("rule: {}", f.location.ToString()));
  return XmlLines(lines);
}

std::string Note(const eval::Finding& f) {
  switch (f.status) {
    case eval::FindingStatus::kAdvisory: return fmt::format("warning: {}", f.message);
    case eval::FindingStatus::kExcepted:
      return fmt::format("excepted until {} ({}): {}: {}", f.exception.until, f.exception.owner,
                         f.exception.reason, f.message);
    case eval::FindingStatus::kOverridden: return fmt::format("overridden: {}", f.message);
    case eval::FindingStatus::kBlocking: break;
  }
  return f.message;
}

}  // namespace

std::string RenderJunit(const eval::Decision& d) {
  std::vector<Case> cases;
  for (const eval::RuleResult& rule : d.rules) {
    std::vector<const eval::Finding*> findings;
    for (const eval::Finding& f : d.findings) {
      if (f.rule == rule.rule)
        findings.push_back(&f);
    }
    const bool per_item = !findings.empty() && !findings.front()->item.empty();
    if (per_item) {
      for (const eval::Finding* f : findings) {
        Case c{fmt::format("{} [{}]", rule.rule, f->item), "", false, false, false};
        if (f->status == eval::FindingStatus::kBlocking) {
          c.failure = true;
          c.body = fmt::format("<failure message=\"{}\" type=\"{}\">{}</failure>", Xml(f->message),
                               eval::LevelName(f->level), Details(*f));
        } else {
          c.body = fmt::format("<system-out>{}\n</system-out>", Xml(Note(*f)));
        }
        cases.push_back(std::move(c));
      }
    }
    Case c{rule.rule, "", false, false, false};
    std::string failures, notes;
    if (!per_item) {
      for (const eval::Finding* f : findings) {
        if (f->status == eval::FindingStatus::kBlocking) {
          if (!c.failure) {
            failures = fmt::format("<failure message=\"{}\" type=\"{}\">", Xml(f->message),
                                   eval::LevelName(f->level));
          }
          failures += Details(*f);
          c.failure = true;
        } else {
          notes += fmt::format("{}\n", Xml(Note(*f)));
        }
      }
      if (c.failure)
        failures += "</failure>";
    }
    std::string errors;
    for (const eval::RuleError& e : d.errors) {
      if (e.rule != rule.rule)
        continue;
      const std::string text =
          fmt::format("{}{}\nrule: {}\n", e.message,
                      e.path.empty() ? "" : fmt::format(" (at {})", e.path), e.location.ToString());
      if (!c.error) {
        errors = fmt::format("<error message=\"{}\" type=\"{}\">", Xml(e.message),
                             e.blocks ? "error" : "advisory-error");
      }
      errors += text;
      c.error = true;
    }
    if (c.error)
      errors += "</error>";
    if (per_item && !c.error)
      continue;  // its findings are the test cases
    if (c.error) {
      c.failure = false;  // an <error> says more than a failure of the same case
      failures.clear();
    }
    if (rule.status == eval::RuleStatus::kNotEvaluated && !c.error) {
      c.skipped = true;
      c.body = "<skipped message=\"not evaluated: an earlier rule stopped evaluation\"/>";
    } else {
      c.body = errors + failures;
    }
    if (!notes.empty())
      c.body += fmt::format("<system-out>{}</system-out>", notes);
    cases.push_back(std::move(c));
  }

  size_t failures = 0, errors = 0, skipped = 0;
  for (const Case& c : cases) {
    failures += c.failure;
    errors += c.error;
    skipped += c.skipped;
  }
  const std::string counts =
      fmt::format("tests=\"{}\" failures=\"{}\" errors=\"{}\"", cases.size(), failures, errors);
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"relgate\" {}>\n"
      "  <testsuite name=\"{}\" {} skipped=\"{}\">\n",
      counts, Xml(d.package), counts, skipped);
  auto line = std::back_inserter(out);
  for (const Case& c : cases) {
    fmt::format_to(line, "    <testcase name=\"{}\" classname=\"{}\"{}\n", Xml(c.name),
                   Xml(d.package), c.body.empty() ? "/>" : fmt::format(">{}</testcase>", c.body));
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace relgate::report
