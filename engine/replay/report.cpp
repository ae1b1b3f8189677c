#include "engine/replay/report.h"

#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/report/report.h"

namespace relgate::replay {
namespace {

using report::JsonQuote;

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (size_t k = 0; k < items.size(); ++k)
    out += (k > 0 ? sep : "") + items[k];
  return out;
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t k = 0; k < items.size(); ++k)
    out += (k > 0 ? "," : "") + JsonQuote(items[k]);
  return out + "]";
}

// A terminal shows the first few; the other formats list every change.
constexpr size_t kTextChanges = 20;

void TextChanges(std::string& out, const char* title, const std::vector<Change>& changes) {
  out += "\n" + std::string(title) + ": " + std::to_string(changes.size()) + "\n";
  for (size_t n = 0; n < changes.size(); ++n) {
    const Change& c = changes[n];
    if (n == kTextChanges) {
      out += "  ... and " + std::to_string(changes.size() - n) +
             " more (--format json, markdown or html lists them all)\n";
      break;
    }
    out += "  " + Printable(c.id) + "  " + c.baseline_verdict + " -> " + c.candidate_verdict;
    if (!c.rules.empty())
      out += "  (" + Printable(Join(c.rules, ", ")) + ")";
    out += "\n";
    for (size_t k = 0; k < c.rules.size() && k < c.findings.size(); ++k)
      out += "      " + Printable(c.rules[k]) + ": " + Printable(c.findings[k]) + "\n";
  }
}

std::string JsonChanges(const std::vector<Change>& changes) {
  std::string out = "[";
  for (size_t k = 0; k < changes.size(); ++k) {
    const Change& c = changes[k];
    out += std::string(k > 0 ? "," : "") + "{\"release\":" + JsonQuote(c.id) +
           ",\"baseline\":" + JsonQuote(c.baseline_verdict) +
           ",\"candidate\":" + JsonQuote(c.candidate_verdict) + ",\"rules\":" + JsonList(c.rules) +
           ",\"findings\":" + JsonList(c.findings) + "}";
  }
  return out + "]";
}

std::string JsonRules(const std::map<std::string, RuleCounts>& rules) {
  std::string out = "{";
  bool first = true;
  for (const auto& [rule, n] : rules) {
    out += std::string(first ? "" : ",") + JsonQuote(rule) +
           ":{\"blocks\":" + std::to_string(n.blocks) + ",\"holds\":" + std::to_string(n.holds) +
           ",\"warns\":" + std::to_string(n.warns) + "}";
    first = false;
  }
  return out + "}";
}

std::string BaselineName(const Summary& s) {
  return s.baseline == "recorded" ? "the recorded verdicts"
         : s.baseline.empty()     ? "no baseline"
                                  : "the baseline policy";
}

std::string Releases(size_t n) {
  return std::to_string(n) + " release" + (n == 1 ? "" : "s");
}

}  // namespace

int ExitCode(const Summary& s) {
  return s.newly_blocked.empty() ? 0 : 1;
}

std::string RenderText(const Summary& s) {
  const bool alone = s.baseline.empty();
  std::string out = ExitCode(s) == 0 ? (alone ? "REPLAY: the candidate blocks no release"
                                              : "REPLAY: the candidate blocks nothing the "
                                                "baseline allowed")
                    : alone
                        ? "REPLAY: the candidate blocks " + Releases(s.newly_blocked.size())
                        : "REPLAY: the candidate newly blocks " + Releases(s.newly_blocked.size());
  out += "\n" + std::to_string(s.releases) + " releases replayed";
  if (s.unreadable > 0)
    out += ", " + std::to_string(s.unreadable) + " unreadable";
  out += "; blocked by the candidate " + std::to_string(s.candidate_blocked);
  if (!alone)
    out += ", by " + BaselineName(s) + " " + std::to_string(s.baseline_blocked);
  out += "\n";
  out += alone ? "\nper rule: blocks, holds, warns\n"
               : "\nper rule (candidate / baseline): blocks, holds, warns\n";
  std::map<std::string, std::pair<RuleCounts, RuleCounts>> rules;
  for (const auto& [rule, n] : s.candidate_rules)
    rules[rule].first = n;
  for (const auto& [rule, n] : s.baseline_rules)
    rules[rule].second = n;
  auto pair = [alone](int64_t now, int64_t before) {
    return std::to_string(now) + (alone ? "" : " / " + std::to_string(before));
  };
  for (const auto& [rule, n] : rules) {
    out += "  " + Printable(rule) + "  " + pair(n.first.blocks, n.second.blocks) + ", " +
           pair(n.first.holds, n.second.holds) + ", " + pair(n.first.warns, n.second.warns) + "\n";
  }
  TextChanges(out, alone ? "blocked" : "newly blocked", s.newly_blocked);
  if (!alone)
    TextChanges(out, "newly allowed", s.newly_allowed);
  if (!s.undecided.empty()) {
    out += "\nthe candidate cannot decide:\n";
    for (const auto& [cause, c] : s.undecided) {
      out += "  " + std::to_string(c.count) + " release" + (c.count == 1 ? "" : "s") + " " +
             Printable(c.count == 1 && cause.rfind("lack ", 0) == 0 ? "lacks" + cause.substr(4)
                                                                    : cause) +
             " (e.g. " + Printable(Join(c.examples, ", ")) + ")\n";
    }
  }
  if (!s.unreadable_releases.empty()) {
    out += "\nunreadable:\n";
    for (const auto& [id, reason] : s.unreadable_releases)
      out += "  " + Printable(id) + ": " + Printable(reason) + "\n";
  }
  out += "\ncandidate policy sha256:" + s.candidate_digest + "\n";
  if (s.baseline != "recorded" && !alone)
    out += "baseline policy sha256:" + s.baseline + "\n";
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
  out += "\n### " + std::string(title) + " (" + std::to_string(changes.size()) + ")\n\n";
  if (changes.empty()) {
    out += "None.\n";
    return;
  }
  out += "| release | baseline | candidate | rule: first finding |\n| --- | --- | --- | --- |\n";
  for (const Change& c : changes) {
    std::vector<std::string> findings;
    for (size_t k = 0; k < c.rules.size() && k < c.findings.size(); ++k)
      findings.push_back(c.rules[k] + ": " + c.findings[k]);
    out += "| " + Cell(c.id) + " | " + c.baseline_verdict + " | " + c.candidate_verdict + " | " +
           Cell(Join(findings, "; ")) + " |\n";
  }
}

std::string RenderMarkdown(const Summary& s) {
  const bool alone = s.baseline.empty();
  std::string out = "## Policy replay: ";
  out += ExitCode(s) == 0
             ? (alone ? "blocks no release\n" : "blocks nothing the baseline allowed\n")
         : alone ? "blocks " + Releases(s.newly_blocked.size()) + "\n"
                 : "newly blocks " + Releases(s.newly_blocked.size()) + "\n";
  out += "\n" + std::to_string(s.releases) + " releases replayed";
  if (s.unreadable > 0)
    out += ", " + std::to_string(s.unreadable) + " unreadable";
  out += ". Blocked by the candidate: " + std::to_string(s.candidate_blocked);
  if (!alone)
    out += "; by " + BaselineName(s) + ": " + std::to_string(s.baseline_blocked);
  out += ".\n";
  out += "\n| rule | blocks | holds | warns |\n| --- | --- | --- | --- |\n";
  std::map<std::string, std::pair<RuleCounts, RuleCounts>> rules;
  for (const auto& [rule, n] : s.candidate_rules)
    rules[rule].first = n;
  for (const auto& [rule, n] : s.baseline_rules)
    rules[rule].second = n;
  auto pair = [alone](int64_t now, int64_t before) {
    return std::to_string(now) +
           (now == before || alone ? "" : " (was " + std::to_string(before) + ")");
  };
  for (const auto& [rule, n] : rules) {
    out += "| " + Cell(rule) + " | " + pair(n.first.blocks, n.second.blocks) + " | " +
           pair(n.first.holds, n.second.holds) + " | " + pair(n.first.warns, n.second.warns) +
           " |\n";
  }
  MarkdownChanges(out, alone ? "Blocked" : "Newly blocked", s.newly_blocked);
  if (!alone)
    MarkdownChanges(out, "Newly allowed", s.newly_allowed);
  if (!s.undecided.empty()) {
    out +=
        "\n### The candidate cannot decide\n\n| cause | releases | for example |\n"
        "| --- | --- | --- |\n";
    for (const auto& [cause, c] : s.undecided) {
      out += "| " + Cell(cause) + " | " + std::to_string(c.count) + " | " +
             Cell(Join(c.examples, ", ")) + " |\n";
    }
  }
  return out;
}

std::string RenderJson(const Summary& s) {
  std::string out =
      "{\"schema\":\"relgate.replay/v1\",\"exit_code\":" + std::to_string(ExitCode(s)) +
      ",\"candidate\":{\"digest\":\"sha256:" + s.candidate_digest + "\"}" + ",\"baseline\":" +
      (s.baseline == "recorded" ? std::string("\"recorded\"")
       : s.baseline.empty()     ? std::string("null")
                                : "{\"digest\":\"sha256:" + s.baseline + "\"}") +
      ",\"releases\":" + std::to_string(s.releases) +
      ",\"unreadable\":" + std::to_string(s.unreadable) +
      ",\"blocked\":{\"candidate\":" + std::to_string(s.candidate_blocked) +
      ",\"baseline\":" + std::to_string(s.baseline_blocked) + "}" +
      ",\"rules\":{\"candidate\":" + JsonRules(s.candidate_rules) +
      ",\"baseline\":" + JsonRules(s.baseline_rules) + "}" +
      ",\"newly_blocked\":" + JsonChanges(s.newly_blocked) +
      ",\"newly_allowed\":" + JsonChanges(s.newly_allowed) + ",\"undecided\":[";
  bool first = true;
  for (const auto& [cause, c] : s.undecided) {
    out += std::string(first ? "" : ",") + "{\"cause\":" + JsonQuote(cause) +
           ",\"releases\":" + std::to_string(c.count) + ",\"examples\":" + JsonList(c.examples) +
           "}";
    first = false;
  }
  out += "],\"weeks\":[";
  first = true;
  for (const auto& [start, w] : s.weeks) {
    out += std::string(first ? "" : ",") + "{\"week\":\"" + FormatRfc3339(start).substr(0, 10) +
           "\",\"releases\":" + std::to_string(w.releases) +
           ",\"blocked\":{\"candidate\":" + std::to_string(w.candidate_blocked) +
           ",\"baseline\":" + std::to_string(w.baseline_blocked) + "},\"rules\":{";
    bool first_rule = true;
    for (const auto& [rule, n] : w.rule_blocks) {
      out += std::string(first_rule ? "" : ",") + JsonQuote(rule) +
             ":{\"candidate\":" + std::to_string(n.first) +
             ",\"baseline\":" + std::to_string(n.second) + "}";
      first_rule = false;
    }
    out += "}}";
    first = false;
  }
  out += "],\"unreadable_releases\":[";
  for (size_t k = 0; k < s.unreadable_releases.size(); ++k) {
    out += std::string(k > 0 ? "," : "") +
           "{\"release\":" + JsonQuote(s.unreadable_releases[k].first) +
           ",\"reason\":" + JsonQuote(s.unreadable_releases[k].second) + "}";
  }
  return out + "]}\n";
}

}  // namespace relgate::replay
