// The replay as one self-contained HTML page, for the pull request that changes a policy:
// the totals, per rule a chart of the releases it blocks per week under the candidate
// beside the baseline, and the newly blocked and newly allowed releases with the findings
// that changed. No scripts, no fonts, no images to fetch: charts are inline SVG, and the
// page's Content-Security-Policy forbids loading anything, so opening it reaches no
// network. Every figure is also a data-* attribute, so that a test can read the rendered
// page back and compare it with the JSON report.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/replay/report.h"
#include "engine/report/report.h"

namespace relgate::replay {
namespace {

constexpr int64_t kNanosPerWeek = int64_t{7} * 86'400 * kNanosPerSecond;

// Text and attribute values: the escaping XML needs is the escaping HTML needs.
std::string Html(const std::string& text) {
  return report::XmlEscape(text);
}

std::string Day(int64_t t) {
  return FormatRfc3339(t).substr(0, 10);
}

std::string N(int64_t n) {
  return fmt::to_string(n);
}

// data-figure="name" on a cell: what the test compares with the JSON report.
std::string Figure(const std::string& name, int64_t value) {
  return fmt::format("<td data-figure=\"{}\">{}</td>", Html(name), N(value));
}

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#1b1f24}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}h3{font-size:1em;margin:1.2em 0 .3em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:.25em .6em;
text-align:left;vertical-align:top}td[data-figure]{text-align:right;font-variant-numeric:tabular-nums}
.verdict{font-size:1.1em;font-weight:600}.blocks{color:#b42318}.passes{color:#1a7f37}
.legend span{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 1em;vertical-align:middle}
svg{display:block;max-width:100%}.c{fill:#d1242f}.b{fill:#8c959f}
ul{margin:0;padding-left:1.2em}code{font-size:.92em}footer{margin-top:3em;color:#57606a;font-size:.85em}
)";

void Totals(std::string& out, const Summary& s, bool alone) {
  out += fmt::format(
      "<table class=\"totals\"><tr><th>releases "
      "replayed</th>{}</tr><tr><th>compared (decided by both)</th>{}</tr><tr><th>undecided by "
      "both (not compared)</th>{}</tr><tr><th>unreadable</th>{}</tr><tr><th>blocked by the "
      "candidate</th>{}</tr>",
      Figure("releases", s.releases), Figure("compared", s.compared),
      Figure("undecided_by_both", s.undecided_by_both), Figure("unreadable", s.unreadable),
      Figure("blocked.candidate", s.candidate_blocked));
  if (!alone) {
    out += fmt::format("<tr><th>blocked by the baseline</th>{}</tr>",
                       Figure("blocked.baseline", s.baseline_blocked));
  }
  out += "</table>\n";
}

void RuleTable(std::string& out, const Summary& s, bool alone) {
  std::map<std::string, std::pair<RuleCounts, RuleCounts>> rules;
  for (const auto& [rule, n] : s.candidate_rules)
    rules[rule].first = n;
  for (const auto& [rule, n] : s.baseline_rules)
    rules[rule].second = n;
  out +=
      "<h2>Per rule</h2>\n<table class=\"rules\"><tr><th>rule</th><th>blocks</th>"
      "<th>undecided</th><th>holds</th><th>warns</th>";
  if (!alone) {
    out +=
        "<th>blocks (baseline)</th><th>undecided (baseline)</th><th>holds (baseline)</th>"
        "<th>warns (baseline)</th>";
  }
  out += "</tr>\n";
  // The rules that changed most first: what the candidate blocks more than the baseline.
  std::vector<std::pair<std::string, std::pair<RuleCounts, RuleCounts>>> sorted(rules.begin(),
                                                                                rules.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second.first.blocks - a.second.second.blocks >
           b.second.first.blocks - b.second.second.blocks;
  });
  for (const auto& [rule, n] : sorted) {
    out += fmt::format("<tr data-rule=\"{}\"><th><code>{}</code></th>{}{}{}{}", Html(rule),
                       Html(rule), Figure("candidate.blocks", n.first.blocks),
                       Figure("candidate.undecided", n.first.undecided),
                       Figure("candidate.holds", n.first.holds),
                       Figure("candidate.warns", n.first.warns));
    if (!alone) {
      out += fmt::format("{}{}{}{}", Figure("baseline.blocks", n.second.blocks),
                         Figure("baseline.undecided", n.second.undecided),
                         Figure("baseline.holds", n.second.holds),
                         Figure("baseline.warns", n.second.warns));
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
}

// Per rule that blocks anything, a bar per week (candidate, and the baseline beside it)
// over the whole replayed period, empty weeks included.
void WeeklyCharts(std::string& out, const Summary& s, bool alone) {
  if (s.weeks.empty())
    return;
  const int64_t first = s.weeks.begin()->first;
  const int64_t last = s.weeks.rbegin()->first;
  const int64_t weeks = (last - first) / kNanosPerWeek + 1;
  std::map<std::string, std::map<int64_t, std::pair<int64_t, int64_t>>> by_rule;
  for (const auto& [week, w] : s.weeks) {
    for (const auto& [rule, n] : w.rule_blocks)
      by_rule[rule][week] = n;
  }
  out += fmt::format(
      "<h2>Releases blocked per week</h2>\n<p class=\"legend\">{}<span class=\"c\" "
      "style=\"background:#d1242f\"></span>candidate",
      Html(fmt::format("Weeks from Monday {} to Monday {} (UTC).", Day(first), Day(last))));
  if (!alone)
    out += "<span style=\"background:#8c959f\"></span>baseline";
  out += "</p>\n";
  const int bar = weeks > 120 ? 2 : weeks > 40 ? 5 : 9;
  const int group = alone ? bar + 2 : 2 * bar + 3;
  const int height = 90;
  for (const auto& [rule, counts] : by_rule) {
    int64_t most = 1;
    for (const auto& [week, n] : counts)
      most = std::max({most, n.first, alone ? 0 : n.second});
    // Wide enough for the first and last dates under the axis apart (each ~60 px at 10 px
    // type) even on a history of a week or two.
    const int64_t width = std::max<int64_t>(weeks * group + 40, 32 + 2 * 64 + 8);
    out += fmt::format(
        "<section class=\"chart\" data-rule=\"{}\"><h3><code>{}</code></h3>\n<svg "
        "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{}\" height=\"{}\" viewBox=\"0 "
        "0 {} {}\"><title>{}: releases blocked per week</title>",
        Html(rule), Html(rule), N(width), N(height + 20), N(width), N(height + 20), Html(rule));
    out += fmt::format("<text x=\"0\" y=\"10\" font-size=\"10\">{}</text>", N(most));
    out += fmt::format("<line x1=\"30\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#d0d7de\"/>",
                       N(height), N(width), N(height));
    for (int64_t k = 0; k < weeks; ++k) {
      const int64_t week = first + k * kNanosPerWeek;
      auto it = counts.find(week);
      const std::pair<int64_t, int64_t> n =
          it != counts.end() ? it->second : std::pair<int64_t, int64_t>{0, 0};
      auto rect = [&](const char* policy, const char* cls, int64_t count, int64_t x) {
        const int64_t h = count * (height - 12) / most;
        out += fmt::format(
            "<rect class=\"{}\" data-week=\"{}\" data-policy=\"{}\" data-count=\"{}\" x=\"{}\" "
            "y=\"{}\" width=\"{}\" height=\"{}\"><title>week of {}: {} blocks {}</title></rect>",
            cls, Day(week), policy, N(count), N(x), N(height - h), N(bar), N(h), Day(week), policy,
            N(count));
      };
      const int64_t x = 32 + k * group;
      rect("candidate", "c", n.first, x);
      if (!alone)
        rect("baseline", "b", n.second, x + bar + 1);
    }
    out += fmt::format("<text x=\"32\" y=\"{}\" font-size=\"10\">{}</text>", N(height + 15),
                       Day(first));
    if (last != first) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{}</text>",
                         N(width), N(height + 15), Day(last));
    }
    out += "</svg></section>\n";
  }
}

// The newly blocked releases grouped by the rule that blocks them and its first finding,
// most releases first: what a reviewer of a policy change reads before the list.
void ChangesByRule(std::string& out, const std::vector<Change>& changes) {
  std::map<std::string, std::map<std::string, int64_t>> by_rule;
  std::map<std::string, int64_t> releases;
  for (const Change& c : changes) {
    for (size_t k = 0; k < c.rules.size(); ++k) {
      ++releases[c.rules[k]];
      ++by_rule[c.rules[k]][k < c.findings.size() ? c.findings[k] : ""];
    }
  }
  if (releases.empty())
    return;
  std::vector<std::pair<std::string, int64_t>> order(releases.begin(), releases.end());
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  out +=
      "<h2>Newly blocked, by rule</h2>\n<table class=\"by-rule\"><tr><th>rule</th><th>releases"
      "</th><th>first findings (releases)</th></tr>\n";
  for (const auto& [rule, count] : order) {
    std::vector<std::pair<std::string, int64_t>> findings(by_rule[rule].begin(),
                                                          by_rule[rule].end());
    std::stable_sort(findings.begin(), findings.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    out += fmt::format("<tr data-blocking-rule=\"{}\"><th><code>{}</code></th>{}<td><ul>",
                       Html(rule), Html(rule), Figure("by_rule.releases", count));
    for (size_t k = 0; k < findings.size() && k < 5; ++k)
      out += fmt::format("<li>{} ({})</li>", Html(findings[k].first), N(findings[k].second));
    if (findings.size() > 5)
      out += fmt::format("<li>and {} more</li>", N(static_cast<int64_t>(findings.size() - 5)));
    out += "</ul></td></tr>\n";
  }
  out += "</table>\n";
}

void Changes(std::string& out, const char* title, const char* id,
             const std::vector<Change>& changes) {
  out += fmt::format("<h2>{} (<span data-figure=\"{}\">{}</span>)</h2>\n", title, id,
                     N(static_cast<int64_t>(changes.size())));
  if (changes.empty()) {
    out += "<p>None.</p>\n";
    return;
  }
  out += fmt::format(
      "<table class=\"changes\" "
      "id=\"{}\"><tr><th>release</th><th>baseline</th><th>candidate</th><th>rule: first "
      "finding</th></tr>\n",
      id);
  for (const Change& c : changes) {
    out += fmt::format("<tr data-release=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td><ul>",
                       Html(c.id), Html(c.id), c.baseline_verdict, c.candidate_verdict);
    for (size_t k = 0; k < c.rules.size(); ++k) {
      out += fmt::format("<li><code>{}</code>{}</li>", Html(c.rules[k]),
                         (k < c.findings.size() && !c.findings[k].empty()
                              ? fmt::format(": {}", Html(c.findings[k]))
                              : ""));
    }
    out += "</ul></td></tr>\n";
  }
  out += "</table>\n";
}

}  // namespace

std::string RenderHtml(const Summary& s) {
  const bool alone = s.baseline.empty();
  std::string headline = Headline(s);
  headline[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(headline[0])));
  headline += '.';
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta "
      "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>Policy "
      "replay: {}</title>\n<style>{}</style></head>\n<body>\n",
      Html(headline), kStyle);
  out += fmt::format(
      "<h1>Policy replay</h1>\n<p class=\"verdict {}\" data-exit-code=\"{}\">{}</p>\n<p>Compared "
      "with {}. An undecided release counts as blocked, as at the gate.</p>\n",
      ExitCode(s) == 0   ? "passes"
      : ExitCode(s) == 1 ? "blocks"
                         : "undecided",
      N(ExitCode(s)), Html(headline),
      (s.baseline == "recorded" ? std::string("the verdicts recorded in the history")
       : alone                  ? std::string("nothing (the candidate alone)")
               : fmt::format("the baseline policy <code>sha256:{}</code>", s.baseline)));
  Totals(out, s, alone);
  RuleTable(out, s, alone);
  WeeklyCharts(out, s, alone);
  ChangesByRule(out, s.newly_blocked);
  Changes(out, alone ? "Blocked" : "Newly blocked", "newly_blocked", s.newly_blocked);
  if (!alone)
    Changes(out, "Newly allowed", "newly_allowed", s.newly_allowed);
  if (!s.rollouts.empty()) {
    std::string dates;
    for (const auto& [rule, date] : s.rollouts)
      dates += fmt::format("{}<code>{}</code> from {}", dates.empty() ? "" : ", ", Html(rule),
                           Html(date));
    out += fmt::format("<p>Rolling out (advisory until then): {}.</p>\n", dates);
    Changes(out, "Allowed now, blocked once rolled out", "blocked_once_rolled_out",
            s.blocked_once_rolled_out);
  }
  if (!s.undecided.empty()) {
    out +=
        "<h2>The candidate cannot decide</h2>\n<table class=\"undecided\"><tr><th>cause</th>"
        "<th>releases</th><th>for example</th></tr>\n";
    for (const auto& [cause, c] : s.undecided) {
      std::vector<std::string> examples;
      for (const std::string& e : c.examples)
        examples.push_back(Html(e));
      out += fmt::format("<tr data-cause=\"{}\"><td>{}</td>{}<td>{}</td></tr>\n", Html(cause),
                         Html(cause), Figure("undecided", c.count), fmt::join(examples, ", "));
    }
    out += "</table>\n";
  }
  if (!s.unreadable_releases.empty()) {
    out +=
        "<h2>Unreadable releases</h2>\n<table class=\"unreadable\"><tr><th>release</th>"
        "<th>reason</th></tr>\n";
    for (const auto& [id, reason] : s.unreadable_releases)
      out += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", Html(id), Html(reason));
    out += "</table>\n";
  }
  out += fmt::format(
      "<footer>relgate replay &middot; candidate policy "
      "<code>sha256:{}</code></footer>\n</body></html>\n",
      s.candidate_digest);
  return out;
}

}  // namespace relgate::replay
