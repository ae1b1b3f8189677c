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
#include <iterator>

#include <fmt/format.h>

#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/report/finding_groups.h"
#include "engine/report/report.h"

namespace relgate::report {
namespace {

struct Style {
  bool on;

  std::string operator()(const char* code, std::string_view text) const {
    return on ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
  }
};

// Everything a decision holds came from facts or a policy: escaped for the terminal.
std::string P(const std::string& text) {
  return Printable(text);
}

std::string Plural(size_t n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

std::string RenderText(const eval::Decision& d, const TextOptions& options) {
  const Style style{options.color};
  std::string out;
  auto line = std::back_inserter(out);
  size_t blocking = 0;
  for (const auto& f : d.findings)
    blocking += f.status == eval::FindingStatus::kBlocking;
  switch (d.verdict) {
    case eval::Verdict::kOpen: out += style("1;32", "GATE OPEN"); break;
    case eval::Verdict::kShut: out += style("1;31", "GATE SHUT"); break;
    case eval::Verdict::kUndecided: out += style("1;31", "GATE SHUT (undecided)"); break;
  }
  fmt::format_to(line, "  {}", Plural(blocking, "blocking finding"));
  size_t advisory_errors = 0;
  for (const auto& e : d.errors)
    advisory_errors += !e.blocks;
  if (d.errors.size() > advisory_errors)
    fmt::format_to(line, ", {}", Plural(d.errors.size() - advisory_errors, "error"));
  if (advisory_errors > 0)
    fmt::format_to(line, ", {}", Plural(advisory_errors, "advisory error"));
  fmt::format_to(line, " · policy {} · {}\n", d.package.empty() ? "(no package)" : P(d.package),
                 Plural(d.rules.size(), "rule"));

  for (const auto& e : d.errors) {
    fmt::format_to(line, "\n{} {}  {}", style("1;31", "ERROR"), style("1", P(e.rule)),
                   eval::LevelName(e.level));
    if (!e.item.empty())
      fmt::format_to(line, "  {}", P(e.item));
    fmt::format_to(line, "  {}\n", P(e.location.ToString()));
    fmt::format_to(line, "      {}{}\n", e.path.empty() ? "" : fmt::format("`{}`: ", P(e.path)),
                   P(e.message));
    out += e.blocks ? "      the rule could not be decided, so the gate stays shut\n"
                    : "      an advisory rule could not be decided; it does not block, but fix "
                      "it: it checks nothing\n";
  }
  FindingGroups groups(d, options.max_findings);
  for (const auto& f : d.findings) {
    if (!groups.Show(f))
      continue;
    std::string tag;
    switch (f.status) {
      case eval::FindingStatus::kBlocking: tag = style("1;31", "FAIL "); break;
      case eval::FindingStatus::kOverridden: tag = style("1;33", "OVERRIDDEN"); break;
      case eval::FindingStatus::kExcepted: tag = style("1;36", "EXCEPTED"); break;
      case eval::FindingStatus::kAdvisory: tag = style("1;33", "WARN "); break;
    }
    fmt::format_to(line, "\n{} {}  {}", tag, style("1", P(f.rule)), eval::LevelName(f.level));
    if (!f.item.empty()) {
      fmt::format_to(line, "  {}", P(f.item));
      if (!f.item_value.empty())
        fmt::format_to(line, " = {}", P(f.item_value));
    }
    fmt::format_to(line, "  {}\n", P(f.location.ToString()));
    fmt::format_to(line, "      {}\n", P(f.message));
    if (f.facts_line > 0)
      fmt::format_to(line, "      at: {}:{}\n", P(f.facts_path), f.facts_line);
    if (!f.rollout_pending.empty()) {
      fmt::format_to(line, "      rolling out: advisory until {}, {} from then\n",
                     P(f.rollout_pending), eval::LevelName(f.level));
    }
    for (size_t k = 0; k < f.because.size(); ++k) {
      fmt::format_to(line, "{}{} = {}\n", k == 0 ? "      why: " : "           ",
                     P(f.because[k].expr), P(f.because[k].value));
    }
    if (f.has_exception) {
      fmt::format_to(line, "      excepted by {} until {}: {} ({})\n", P(f.exception.owner),
                     P(f.exception.until), P(f.exception.reason),
                     P(f.exception.location.ToString()));
    }
    if (f.expired_exception) {
      fmt::format_to(line, "      an exception by {} expired on {} ({})\n", P(f.expired.owner),
                     P(f.expired.until), P(f.expired.location.ToString()));
    }
    if (f.status == eval::FindingStatus::kOverridden) {
      for (const auto& o : d.overrides) {
        if (o.rule == f.rule)
          fmt::format_to(line, "      overridden by {}: {}\n", P(o.by), P(o.reason));
      }
    }
    if (const size_t hidden = groups.HiddenAfter(f); hidden > 0) {
      fmt::format_to(line,
                     "\n... and {} more finding{} of {} ({} in all; --max-findings 0 or "
                     "--format json lists every one)\n",
                     hidden, hidden == 1 ? "" : "s", style("1", P(f.rule)), groups.Total(f.rule));
    }
  }
  bool notes = !d.expired_exceptions.empty() || !d.warnings.empty();
  for (const auto& o : d.overrides)
    notes = notes || !o.used;
  if (notes)
    out += "\n";
  const std::string note = style("1;35", "note");
  for (const auto& e : d.expired_exceptions) {
    fmt::format_to(
        line, "{}: the exception for {} by {} expired on {} and no longer applies ({})\n", note,
        P(e.rule), P(e.exception.owner), P(e.exception.until), P(e.exception.location.ToString()));
  }
  for (const auto& warning : d.warnings)
    fmt::format_to(line, "{}: facts key `{}` is {}\n", note, P(warning.path), P(warning.message));
  for (const auto& o : d.overrides) {
    if (!o.used) {
      fmt::format_to(line, "{}: override of {} by {} was not needed: the rule passed\n", note,
                     P(o.rule), P(o.by));
    }
  }
  size_t passed = 0;
  for (const auto& r : d.rules)
    passed += r.status == eval::RuleStatus::kPass;
  fmt::format_to(line, "\n{} of {} passed · evaluated at {}\n", passed,
                 Plural(d.rules.size(), "rule"), FormatRfc3339(d.evaluated_at));
  fmt::format_to(line, "policy sha256:{}\n", d.policy_digest);
  if (!d.bundle_digest.empty()) {
    fmt::format_to(
        line, "policy bundle sha256:{}{}\n", d.bundle_digest,
        d.bundle_revision.empty() ? "" : fmt::format(", revision {}", d.bundle_revision));
  }
  if (!d.history_head.empty()) {
    fmt::format_to(line, "recorded as history record {}, chain head sha256:{}\n", d.history_seq,
                   d.history_head);
  }
  for (const auto& f : d.facts)
    fmt::format_to(line, "facts  {} sha256:{}\n", P(f.name), f.sha256);
  return out;
}

}  // namespace relgate::report
