// The decision as GitHub Actions workflow commands: an annotation per blocking,
// advisory, excepted or overridden finding (a rule's several findings of one status as one
// annotation: their number and the first --max-findings) and per rule error, placed at the rule's
// declaration in the policy (a file in the repository, where GitHub can show it), then
// one line with the verdict. Levels: deny -> error, hold -> warning, warn and the
// findings that did not block -> notice. Values are escaped as GitHub's toolkit does
// (`%`, CR and LF in messages; also `:` and `,` in properties), so that no fact can end a
// command early or start another. The Markdown summary for $GITHUB_STEP_SUMMARY is
// RenderMarkdown's.
#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/printable.h"
#include "engine/base/relative_uri.h"
#include "engine/report/renderers.h"

namespace relgate::report {
namespace {

std::string EscapeData(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeProperty(const std::string& text) {
  std::string out;
  for (char c : EscapeData(text)) {
    switch (c) {
      case ':': out += "%3A"; break;
      case ',': out += "%2C"; break;
      default: out += c;
    }
  }
  return out;
}

// One workflow command. Each of `lines` is shown escaped (Printable: a fact's newline,
// control characters and bidi overrides are shown, not obeyed), then joined with line
// breaks, which GitHub shows inside the annotation (%0A).
std::string Command(const char* kind, const PolicyLocation& at, const std::string& title,
                    const std::vector<std::string>& lines) {
  std::string where;
  if (!at.file.empty()) {
    where = fmt::format("file={},line={}{},", EscapeProperty(at.file), at.line,
                        at.column > 0 ? fmt::format(",col={}", at.column) : "");
  }
  std::vector<std::string> shown;
  for (const std::string& line : lines)
    shown.push_back(Printable(line));
  const std::string message = fmt::format("{}", fmt::join(shown, "\n"));
  return fmt::format("::{} {}title={}::{}\n", kind, where, EscapeProperty(Printable(title)),
                     EscapeData(message));
}

const char* Kind(const eval::Finding& f) {
  if (f.status != eval::FindingStatus::kBlocking)
    return "notice";
  return f.level == Level::kSoft ? "warning" : "error";
}

std::string Shown(const eval::Finding& f) {
  return f.item.empty() ? f.message : fmt::format("{} ({})", f.message, f.item);
}

// A rule's findings of one status, in the order found.
struct Group {
  std::vector<const eval::Finding*> findings;
};

std::vector<Group> GroupFindings(const eval::Decision& d) {
  std::vector<Group> groups;
  std::map<std::pair<std::string, eval::FindingStatus>, size_t> index;
  for (const eval::Finding& f : d.findings) {
    auto [it, fresh] = index.emplace(std::pair(f.rule, f.status), groups.size());
    if (fresh)
      groups.emplace_back();
    groups[it->second].findings.push_back(&f);
  }
  return groups;
}

// Where an annotation goes: the evidence's line (a lockfile entry, a workflow step) when
// the importer recorded it, else the rule in the repository.
PolicyLocation At(const eval::Finding& f) {
  return eval::ActionableAt(f.facts_path.empty() ? "" : RelativeUri(f.facts_path), f.facts_line,
                            f.location, f.imported_at);
}

// Several findings of one rule as one annotation: how many, the first `cap`, how many
// more. GitHub shows only the first annotations of a step, so one rule's hundreds must
// not hide the others.
std::string GroupCommand(const Group& g, size_t cap) {
  const eval::Finding& first = *g.findings.front();
  const size_t n = g.findings.size();
  std::string title = fmt::format("relgate {}: {} findings", first.rule, n);
  switch (first.status) {
    case eval::FindingStatus::kBlocking:
      title += first.level == Level::kSoft ? " hold the release" : " block the release";
      break;
    case eval::FindingStatus::kAdvisory: title += " (warnings)"; break;
    case eval::FindingStatus::kExcepted: title += " (excepted)"; break;
    case eval::FindingStatus::kOverridden: title += " (overridden)"; break;
  }
  const size_t shown = cap == 0 ? n : std::min(cap, n);
  std::vector<std::string> lines = {shown == n ? fmt::format("{} findings:", n)
                                               : fmt::format("{} findings; first {}:", n, shown)};
  for (size_t k = 0; k < shown; ++k)
    lines.push_back(fmt::format("- {}", Shown(*g.findings[k])));
  if (shown < n) {
    lines.push_back(
        fmt::format("... and {} more (the step summary and --format json list "
                    "them; --max-findings 0 annotates all)",
                    n - shown));
  }
  return Command(Kind(first), At(first), title, lines);
}

}  // namespace

std::string RenderGithub(const eval::Decision& d, size_t max_findings) {
  std::string out;
  for (const Group& g : GroupFindings(d)) {
    if (g.findings.size() > 1) {
      out += GroupCommand(g, max_findings);
      continue;
    }
    const eval::Finding& f = *g.findings.front();
    std::string title = fmt::format("relgate {}", f.rule);
    std::vector<std::string> lines = {Shown(f)};
    switch (f.status) {
      case eval::FindingStatus::kBlocking:
        title += f.level == Level::kSoft ? ": holds the release" : ": blocks the release";
        break;
      case eval::FindingStatus::kAdvisory: title += ": warning"; break;
      case eval::FindingStatus::kExcepted:
        title += ": excepted";
        lines.push_back(fmt::format("excepted until {} ({}): {}", f.exception.until,
                                    f.exception.owner, f.exception.reason));
        break;
      case eval::FindingStatus::kOverridden: title += ": overridden"; break;
    }
    for (const eval::Because& b : f.because)
      lines.push_back(fmt::format("{} = {}", b.expr, b.value));
    out += Command(Kind(f), At(f), title, lines);
  }
  for (const eval::RuleError& e : d.errors) {
    out += Command(e.blocks ? "error" : "notice",
                   eval::ActionableAt(e.facts_path.empty() ? "" : RelativeUri(e.facts_path),
                                      e.facts_line, e.location, e.imported_at),
                   fmt::format("relgate {}: could not be evaluated", e.rule),
                   {e.path.empty() ? e.message : fmt::format("{} (at {})", e.message, e.path)});
  }
  const std::string verdict = eval::VerdictName(d.verdict);
  out += Command(
      d.verdict == eval::Verdict::kOpen ? "notice" : "error", {},
      fmt::format("relgate: gate {}", verdict),
      {fmt::format("gate {} for policy {} (sha256:{})", verdict, d.package, d.policy_digest)});
  return out;
}

}  // namespace relgate::report
