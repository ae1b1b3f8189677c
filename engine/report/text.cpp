// The decision for people. Layout:
//
//   GATE SHUT  1 blocking finding · policy acme.release · 9 rules
//
//   FAIL  release.two_person_review  hard  policies/release.gate:23
//         needs 2 reviewers besides the author alice, has 1
//         why: count(reviewers) = 1
//              min_reviewers = 2
//
//   8 of 9 rules passed · evaluated at 2026-05-01T00:00:00Z
//   policy sha256:…  facts examples/…/release.json sha256:…
#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/report/report.h"

namespace relgate::report {
namespace {

struct Style {
  bool on;

  std::string operator()(const char* code, const std::string& text) const {
    return on ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
  }
};

// Everything a decision holds came from facts or a policy: escaped for the terminal.
std::string P(const std::string& text) {
  return Printable(text);
}

std::string Plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string RenderText(const eval::Decision& d, const TextOptions& options) {
  const Style style{options.color};
  std::string out;
  size_t blocking = 0;
  for (const auto& f : d.findings)
    blocking += f.status == eval::FindingStatus::kBlocking;
  switch (d.verdict) {
    case eval::Verdict::kOpen: out += style("1;32", "GATE OPEN"); break;
    case eval::Verdict::kShut: out += style("1;31", "GATE SHUT"); break;
    case eval::Verdict::kUndecided: out += style("1;31", "GATE SHUT (undecided)"); break;
  }
  out += "  " + Plural(blocking, "blocking finding");
  size_t advisory_errors = 0;
  for (const auto& e : d.errors)
    advisory_errors += !e.blocks;
  if (d.errors.size() > advisory_errors)
    out += ", " + Plural(d.errors.size() - advisory_errors, "error");
  if (advisory_errors > 0)
    out += ", " + Plural(advisory_errors, "advisory error");
  out += " · policy " + (d.package.empty() ? std::string("(no package)") : P(d.package)) + " · " +
         Plural(d.rules.size(), "rule") + "\n";

  for (const auto& e : d.errors) {
    out += "\n" + style("1;31", "ERROR") + " " + style("1", P(e.rule)) + "  " +
           eval::LevelName(e.level);
    if (!e.item.empty())
      out += "  " + P(e.item);
    out += "  " + P(e.location.ToString()) + "\n";
    out += "      " + (e.path.empty() ? "" : "`" + P(e.path) + "`: ") + P(e.message) + "\n";
    out += e.blocks ? "      the rule could not be decided, so the gate stays shut\n"
                    : "      an advisory rule could not be decided; it does not block, but fix "
                      "it: it checks nothing\n";
  }
  for (const auto& f : d.findings) {
    std::string tag;
    switch (f.status) {
      case eval::FindingStatus::kBlocking: tag = style("1;31", "FAIL "); break;
      case eval::FindingStatus::kOverridden: tag = style("1;33", "OVERRIDDEN"); break;
      case eval::FindingStatus::kExcepted: tag = style("1;36", "EXCEPTED"); break;
      case eval::FindingStatus::kAdvisory: tag = style("1;33", "WARN "); break;
    }
    out += "\n" + tag + " " + style("1", P(f.rule)) + "  " + eval::LevelName(f.level);
    if (!f.item.empty()) {
      out += "  " + P(f.item);
      if (!f.item_value.empty())
        out += " = " + P(f.item_value);
    }
    out += "  " + P(f.location.ToString()) + "\n";
    out += "      " + P(f.message) + "\n";
    for (size_t k = 0; k < f.because.size(); ++k) {
      out += std::string(k == 0 ? "      why: " : "           ") + P(f.because[k].expr) + " = " +
             P(f.because[k].value) + "\n";
    }
    if (f.has_exception) {
      out += "      excepted by " + P(f.exception.owner) + " until " + P(f.exception.until) + ": " +
             P(f.exception.reason) + " (" + P(f.exception.location.ToString()) + ")\n";
    }
    if (f.expired_exception) {
      out += "      an exception by " + P(f.expired.owner) + " expired on " + P(f.expired.until) +
             " (" + P(f.expired.location.ToString()) + ")\n";
    }
    if (f.status == eval::FindingStatus::kOverridden) {
      for (const auto& o : d.overrides) {
        if (o.rule == f.rule)
          out += "      overridden by " + P(o.by) + ": " + P(o.reason) + "\n";
      }
    }
  }
  bool notes = !d.expired_exceptions.empty() || !d.warnings.empty();
  for (const auto& o : d.overrides)
    notes = notes || !o.used;
  if (notes)
    out += "\n";
  for (const auto& e : d.expired_exceptions) {
    out += style("1;35", "note") + ": the exception for " + P(e.rule) + " by " +
           P(e.exception.owner) + " expired on " + P(e.exception.until) +
           " and no longer applies (" + P(e.exception.location.ToString()) + ")\n";
  }
  for (const auto& warning : d.warnings) {
    out += style("1;35", "note") + ": facts key `" + P(warning.path) + "` is " +
           P(warning.message) + "\n";
  }
  for (const auto& o : d.overrides) {
    if (!o.used) {
      out += style("1;35", "note") + ": override of " + P(o.rule) + " by " + P(o.by) +
             " was not needed: the rule passed\n";
    }
  }
  size_t passed = 0;
  for (const auto& r : d.rules)
    passed += r.status == eval::RuleStatus::kPass;
  out += "\n" + std::to_string(passed) + " of " + Plural(d.rules.size(), "rule") +
         " passed · evaluated at " + FormatRfc3339(d.evaluated_at) + "\n";
  out += "policy sha256:" + d.policy_digest + "\n";
  if (!d.history_head.empty()) {
    out += "recorded as history record " + std::to_string(d.history_seq) +
           ", chain head sha256:" + d.history_head + "\n";
  }
  for (const auto& f : d.facts)
    out += "facts  " + P(f.name) + " sha256:" + f.sha256 + "\n";
  return out;
}

}  // namespace relgate::report
