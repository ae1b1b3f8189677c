#include "engine/replay/report.h"

#include <fmt/format.h>

#include "engine/base/json_writer.h"
#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/report/report.h"

namespace relgate::replay {
namespace {

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (size_t k = 0; k < items.size(); ++k) {
    if (k > 0)
      out += sep;
    out += items[k];
  }
  return out;
}

void JsonList(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.Key(key);
  w.Open('[');
  for (const std::string& item : items)
    w.String(item);
  w.Close(']');
}

// A terminal shows the first few; the other formats list every change.
constexpr size_t kTextChanges = 20;

void TextChanges(std::string& out, const char* title, const std::vector<Change>& changes) {
  out += fmt::format("\n{}: {}\n", title, changes.size());
  for (size_t n = 0; n < changes.size(); ++n) {
    const Change& c = changes[n];
    if (n == kTextChanges) {
      out += fmt::format("  ... and {} more (--format json, markdown or html lists them all)\n",
                         changes.size() - n);
      break;
    }
    out += fmt::format("  {}  {} -> {}", Printable(c.id), c.baseline_verdict, c.candidate_verdict);
    if (!c.rules.empty())
      out += fmt::format("  ({})", Printable(Join(c.rules, ", ")));
    out += "\n";
    for (size_t k = 0; k < c.rules.size() && k < c.findings.size(); ++k)
      out += fmt::format("      {}: {}\n", Printable(c.rules[k]), Printable(c.findings[k]));
  }
}

void JsonChanges(JsonWriter& w, std::string_view key, const std::vector<Change>& changes) {
  w.Key(key);
  w.Open('[');
  for (const Change& c : changes) {
    w.Open('{');
    w.Field("release", c.id);
    w.Field("baseline", c.baseline_verdict);
    w.Field("candidate", c.candidate_verdict);
    JsonList(w, "rules", c.rules);
    JsonList(w, "findings", c.findings);
    w.Close('}');
  }
  w.Close(']');
}

// `key: {"candidate": N, "baseline": M}`, the shape of every count the two policies share.
void JsonCounts(JsonWriter& w, std::string_view key, int64_t candidate, int64_t baseline) {
  w.Key(key);
  w.Open('{');
  w.Int("candidate", candidate);
  w.Int("baseline", baseline);
  w.Close('}');
}

void JsonRules(JsonWriter& w, std::string_view key,
               const std::map<std::string, RuleCounts>& rules) {
  w.Key(key);
  w.Open('{');
  for (const auto& [rule, n] : rules) {
    w.Key(rule);
    w.Open('{');
    w.Int("blocks", n.blocks);
    w.Int("undecided", n.undecided);
    w.Int("holds", n.holds);
    w.Int("warns", n.warns);
    if (n.rollout_blocks > 0)
      w.Int("rollout_blocks", n.rollout_blocks);
    w.Close('}');
  }
  w.Close('}');
}

std::string BaselineName(const Summary& s) {
  return s.baseline == "recorded" ? "the recorded verdicts"
         : s.baseline.empty()     ? "no baseline"
                                  : "the baseline policy";
}

std::string Releases(size_t n) {
  return fmt::format("{} release{}", n, (n == 1 ? "" : "s"));
}

// "deps.cooldown from 2027-01-01, own from 2027-02-01"
std::string Rollouts(const Summary& s) {
  std::vector<std::string> parts;
  for (const auto& [rule, date] : s.rollouts)
    parts.push_back(fmt::format("{} from {}", rule, date));
  return Join(parts, ", ");
}

}  // namespace

int ExitCode(const Summary& s) {
  if (!s.newly_blocked.empty())
    return 1;
  return s.compared == 0 ? 2 : 0;
}

std::string Headline(const Summary& s) {
  const bool alone = s.baseline.empty();
  switch (ExitCode(s)) {
    case 1:
      return alone ? fmt::format("the candidate blocks {}", Releases(s.newly_blocked.size()))
                   : fmt::format("the candidate newly blocks {}", Releases(s.newly_blocked.size()));
    case 2:
      return s.releases == 0
                 ? "nothing compared: no release was read"
                 : fmt::format("nothing compared: {} decided none of the {}",
                               alone ? "the candidate" : "no release was decided by both; they",
                               Releases(static_cast<size_t>(s.releases)));
    default:
      return fmt::format("the candidate blocks {} ({} of {} compared)",
                         alone ? "no release" : "nothing the baseline allowed", s.compared,
                         Releases(static_cast<size_t>(s.releases)));
  }
}

std::string Counts(const Summary& s) {
  std::string out = fmt::format("{} replayed, {} compared",
                                Releases(static_cast<size_t>(s.releases)), s.compared);
  if (s.undecided_by_both > 0)
    out += fmt::format(", {} undecided by {} (not compared)", s.undecided_by_both,
                       s.baseline.empty() ? "the candidate" : "both");
  if (s.unreadable > 0)
    out += fmt::format(", {} unreadable", s.unreadable);
  return out;
}

std::string RenderText(const Summary& s) {
  const bool alone = s.baseline.empty();
  std::string out = fmt::format("REPLAY: {}\n{}", Headline(s), Counts(s));
  out += fmt::format("; blocked by the candidate {}", s.candidate_blocked);
  if (!alone)
    out += fmt::format(", by {} {}", BaselineName(s), s.baseline_blocked);
  out += "\n";
  out += alone ? "\nper rule: blocks, undecided, holds, warns\n"
               : "\nper rule (candidate / baseline): blocks, undecided, holds, warns\n";
  std::map<std::string, std::pair<RuleCounts, RuleCounts>> rules;
  for (const auto& [rule, n] : s.candidate_rules)
    rules[rule].first = n;
  for (const auto& [rule, n] : s.baseline_rules)
    rules[rule].second = n;
  auto pair = [alone](int64_t now, int64_t before) {
    return alone ? fmt::format("{}", now) : fmt::format("{} / {}", now, before);
  };
  for (const auto& [rule, n] : rules) {
    out += fmt::format("  {}  {}, {}, {}, {}\n", Printable(rule),
                       pair(n.first.blocks, n.second.blocks),
                       pair(n.first.undecided, n.second.undecided),
                       pair(n.first.holds, n.second.holds), pair(n.first.warns, n.second.warns));
  }
  TextChanges(out, alone ? "blocked" : "newly blocked", s.newly_blocked);
  if (!alone)
    TextChanges(out, "newly allowed", s.newly_allowed);
  if (!s.rollouts.empty()) {
    out += fmt::format("\nrolling out (advisory until then): {}\n", Printable(Rollouts(s)));
    TextChanges(out, "allowed now, blocked once rolled out", s.blocked_once_rolled_out);
  }
  if (!s.undecided.empty()) {
    out += "\nthe candidate cannot decide:\n";
    for (const auto& [cause, c] : s.undecided) {
      out += fmt::format("  {} release{} {} (e.g. {})\n", c.count, (c.count == 1 ? "" : "s"),
                         Printable(c.count == 1 && cause.rfind("lack ", 0) == 0
                                       ? fmt::format("lacks{}", cause.substr(4))
                                       : cause),
                         Printable(Join(c.examples, ", ")));
    }
  }
  if (!s.unreadable_releases.empty()) {
    out += "\nunreadable:\n";
    for (const auto& [id, reason] : s.unreadable_releases)
      out += fmt::format("  {}: {}\n", Printable(id), Printable(reason));
  }
  out += fmt::format("\ncandidate policy sha256:{}\n", s.candidate_digest);
  if (s.baseline != "recorded" && !alone)
    out += fmt::format("baseline policy sha256:{}\n", s.baseline);
  return out;
}

// A table cell: no line breaks or pipes from release ids or rule names.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : Printable(text)) {
    if (c == '|')
      out += "\\|";
    else
      out += c;
  }
  return out;
}

void MarkdownChanges(std::string& out, const char* title, const std::vector<Change>& changes) {
  out += fmt::format("\n### {} ({})\n\n", title, changes.size());
  if (changes.empty()) {
    out += "None.\n";
    return;
  }
  out += "| release | baseline | candidate | rule: first finding |\n| --- | --- | --- | --- |\n";
  for (const Change& c : changes) {
    std::vector<std::string> findings;
    for (size_t k = 0; k < c.rules.size() && k < c.findings.size(); ++k)
      findings.push_back(fmt::format("{}: {}", c.rules[k], c.findings[k]));
    out += fmt::format("| {} | {} | {} | {} |\n", Cell(c.id), c.baseline_verdict,
                       c.candidate_verdict, Cell(Join(findings, "; ")));
  }
}

std::string RenderMarkdown(const Summary& s) {
  const bool alone = s.baseline.empty();
  std::string out = fmt::format("## Policy replay: {}\n\n{}", Headline(s), Counts(s));
  out += fmt::format(". Blocked by the candidate: {}", s.candidate_blocked);
  if (!alone)
    out += fmt::format("; by {}: {}", BaselineName(s), s.baseline_blocked);
  out += ".\n";
  out += "\n| rule | blocks | undecided | holds | warns |\n| --- | --- | --- | --- | --- |\n";
  std::map<std::string, std::pair<RuleCounts, RuleCounts>> rules;
  for (const auto& [rule, n] : s.candidate_rules)
    rules[rule].first = n;
  for (const auto& [rule, n] : s.baseline_rules)
    rules[rule].second = n;
  auto pair = [alone](int64_t now, int64_t before) {
    return now == before || alone ? fmt::format("{}", now)
                                  : fmt::format("{} (was {})", now, before);
  };
  for (const auto& [rule, n] : rules) {
    out += fmt::format("| {} | {} | {} | {} | {} |\n", Cell(rule),
                       pair(n.first.blocks, n.second.blocks),
                       pair(n.first.undecided, n.second.undecided),
                       pair(n.first.holds, n.second.holds), pair(n.first.warns, n.second.warns));
  }
  MarkdownChanges(out, alone ? "Blocked" : "Newly blocked", s.newly_blocked);
  if (!alone)
    MarkdownChanges(out, "Newly allowed", s.newly_allowed);
  if (!s.rollouts.empty()) {
    out += fmt::format("\nRolling out (advisory until then): {}.\n", Cell(Rollouts(s)));
    MarkdownChanges(out, "Allowed now, blocked once rolled out", s.blocked_once_rolled_out);
  }
  if (!s.undecided.empty()) {
    out +=
        "\n### The candidate cannot decide\n\n| cause | releases | for example |\n"
        "| --- | --- | --- |\n";
    for (const auto& [cause, c] : s.undecided) {
      out += fmt::format("| {} | {} | {} |\n", Cell(cause), c.count, Cell(Join(c.examples, ", ")));
    }
  }
  return out;
}

std::string RenderJson(const Summary& s) {
  JsonWriter w;
  w.Open('{');
  w.Field("schema", "relgate.replay/v1");
  w.Int("exit_code", ExitCode(s));
  w.Key("candidate");
  w.Open('{');
  w.Field("digest", fmt::format("sha256:{}", s.candidate_digest));
  w.Close('}');
  w.Key("baseline");
  if (s.baseline == "recorded") {
    w.String("recorded");
  } else if (s.baseline.empty()) {
    w.Raw("null");
  } else {
    w.Open('{');
    w.Field("digest", fmt::format("sha256:{}", s.baseline));
    w.Close('}');
  }
  w.Int("releases", s.releases);
  w.Int("unreadable", s.unreadable);
  JsonCounts(w, "blocked", s.candidate_blocked, s.baseline_blocked);
  w.Int("compared", s.compared);
  w.Int("undecided_by_both", s.undecided_by_both);
  w.Key("rules");
  w.Open('{');
  JsonRules(w, "candidate", s.candidate_rules);
  JsonRules(w, "baseline", s.baseline_rules);
  w.Close('}');
  JsonChanges(w, "newly_blocked", s.newly_blocked);
  JsonChanges(w, "newly_allowed", s.newly_allowed);
  if (!s.rollouts.empty()) {
    w.Key("rollouts");
    w.Open('{');
    for (const auto& [rule, date] : s.rollouts)
      w.Field(rule, date);
    w.Close('}');
    JsonChanges(w, "blocked_once_rolled_out", s.blocked_once_rolled_out);
  }
  w.Key("undecided");
  w.Open('[');
  for (const auto& [cause, c] : s.undecided) {
    w.Open('{');
    w.Field("cause", cause);
    w.Int("releases", c.count);
    JsonList(w, "examples", c.examples);
    w.Close('}');
  }
  w.Close(']');
  w.Key("weeks");
  w.Open('[');
  for (const auto& [start, week] : s.weeks) {
    w.Open('{');
    w.Field("week", FormatRfc3339(start).substr(0, 10));
    w.Int("releases", week.releases);
    JsonCounts(w, "blocked", week.candidate_blocked, week.baseline_blocked);
    w.Key("rules");
    w.Open('{');
    for (const auto& [rule, n] : week.rule_blocks)
      JsonCounts(w, rule, n.first, n.second);
    w.Close('}');
    w.Close('}');
  }
  w.Close(']');
  w.Key("unreadable_releases");
  w.Open('[');
  for (const auto& [id, reason] : s.unreadable_releases) {
    w.Open('{');
    w.Field("release", id);
    w.Field("reason", reason);
    w.Close('}');
  }
  w.Close(']');
  w.Close('}');
  return w.TakeLine();
}

}  // namespace relgate::replay
