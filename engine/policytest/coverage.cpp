#include "engine/policytest/coverage.h"

#include <algorithm>

#include <fmt/format.h>

namespace relgate::policytest {

using compile::kNoNode;
using compile::Node;
using compile::NodeId;
using compile::NodeKind;

Coverage::Coverage(const compile::Program& program)
    : program_(program), counts_(program.node_count()) {}

void Coverage::Record(NodeId node, const Value& value) {
  if (node >= counts_.size())
    return;
  Counts& c = counts_[node];
  ++c.any;
  if (value.kind == ValueKind::kBool)
    ++(value.b ? c.yes : c.no);
}

Branch Coverage::Outcomes(const char* kind, NodeId node) const {
  const Counts& c = counts_[node];
  return {kind, program_.snippet(node), "true", "false", c.yes > 0, c.no > 0};
}

// The branches under `node`, in source order; lets are reported on their own.
void Coverage::Walk(NodeId id, std::vector<Branch>& out, std::vector<bool>& seen) const {
  if (id == kNoNode || id >= seen.size() || seen[id])
    return;
  seen[id] = true;
  const Node& n = program_.node(id);
  switch (n.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr:
      out.push_back(Outcomes("operand", n.a));
      Walk(n.a, out, seen);
      out.push_back(Outcomes("operand", n.b));
      Walk(n.b, out, seen);
      return;
    case NodeKind::kCoalesce:
    case NodeKind::kIndexOr:
    case NodeKind::kLocalFieldOr: {
      // The default's node is recorded only when the default is taken.
      const NodeId fallback = n.kind == NodeKind::kIndexOr ? n.c : n.b;
      const int64_t taken = fallback != kNoNode ? counts_[fallback].any : 0;
      out.push_back({"default", program_.snippet(id), "default taken", "value present", taken > 0,
                     counts_[id].any > taken});
      break;
    }
    case NodeKind::kComprehension:
      if (n.c != kNoNode)
        out.push_back(Outcomes("filter", n.c));
      break;
    case NodeKind::kLet: return;  // a let's branches are listed under the let
    default: break;
  }
  Walk(n.a, out, seen);
  Walk(n.b, out, seen);
  Walk(n.c, out, seen);
  if (n.kind == NodeKind::kCall || n.kind == NodeKind::kList || n.kind == NodeKind::kSet) {
    for (uint32_t k = 0; k < n.count; ++k)
      Walk(program_.operand(n.first + k), out, seen);
  }
}

std::vector<RuleCoverage> Coverage::Report() const {
  std::vector<RuleCoverage> out;
  std::vector<bool> seen(counts_.size(), false);
  for (const compile::CompiledRule& rule : program_.rules()) {
    RuleCoverage r;
    r.rule = rule.id;
    r.location = rule.location;
    r.imported = !rule.imported_at.file.empty();
    r.seen_true = counts_[rule.condition].yes > 0;
    r.seen_false = counts_[rule.condition].no > 0;
    r.constant = program_.node(rule.condition).kind == NodeKind::kConst;
    if (rule.filter != kNoNode) {
      r.branches.push_back(Outcomes("filter", rule.filter));
      Walk(rule.filter, r.branches, seen);
    }
    Walk(rule.condition, r.branches, seen);
    for (uint32_t e : rule.exceptions)
      Walk(program_.exceptions()[e].condition, r.branches, seen);
    out.push_back(std::move(r));
  }
  for (const compile::CompiledLet& let : program_.lets()) {
    RuleCoverage r;
    r.rule = fmt::format("let {}", let.name);
    r.is_let = true;
    r.imported = let.name.find('.') != std::string::npos;  // `baseline.reviewers`
    Walk(let.root, r.branches, seen);
    if (!r.branches.empty())
      out.push_back(std::move(r));
  }
  return out;
}

namespace {

// Source text on one line: each run of whitespace (line breaks and indentation of a
// condition written over several lines) as one space.
std::string OneLine(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty())
      out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

CoverageTotals Totals(const std::vector<RuleCoverage>& coverage, bool own_only) {
  CoverageTotals t;
  for (const RuleCoverage& r : coverage) {
    if (own_only && r.imported)
      continue;
    if (r.constant && !r.is_let) {
      ++t.rules;
      t.full_rules += r.seen_true || r.seen_false;
      t.outcomes += 1;
      t.covered += r.seen_true || r.seen_false;
    } else if (!r.is_let) {
      ++t.rules;
      t.full_rules += r.seen_true && r.seen_false;
      t.outcomes += 2;
      t.covered += r.seen_true + r.seen_false;
    }
    for (const Branch& b : r.branches) {
      t.outcomes += 2;
      t.covered += b.seen_yes + b.seen_no;
    }
  }
  return t;
}

std::string RenderCoverage(const std::vector<RuleCoverage>& coverage) {
  size_t rules = 0, full_rules = 0, outcomes = 0, covered = 0;
  std::string lines;
  for (const RuleCoverage& r : coverage) {
    std::string line = fmt::format("  {}", r.rule);
    if (!r.location.file.empty())
      line += fmt::format("  {}", r.location.ToString());
    if (r.is_let) {
      // no outcome of its own
    } else if (r.constant) {
      ++rules;
      full_rules += r.seen_true || r.seen_false;
      outcomes += 1;
      covered += r.seen_true || r.seen_false;
      line += fmt::format("  constant condition, reached: {}",
                          (r.seen_true || r.seen_false ? "yes" : "NO"));
    } else {
      ++rules;
      full_rules += r.seen_true && r.seen_false;
      outcomes += 2;
      covered += r.seen_true + r.seen_false;
      line += fmt::format("  passes: {}, fails: {}", (r.seen_true ? "yes" : "NO"),
                          (r.seen_false ? "yes" : "NO"));
    }
    lines += fmt::format("{}\n", line);
    for (const Branch& b : r.branches) {
      outcomes += 2;
      covered += b.seen_yes + b.seen_no;
      if (b.seen_yes && b.seen_no)
        continue;
      lines += fmt::format("      {} `{}`: ", b.kind, OneLine(b.snippet));
      lines += b.seen_yes ? "" : fmt::format("never {}", b.yes);
      lines += !b.seen_yes && !b.seen_no ? ", " : "";
      lines += b.seen_no ? "" : fmt::format("never {}", b.no);
      lines += "\n";
    }
  }
  std::string split;
  if (std::any_of(coverage.begin(), coverage.end(), [](const auto& r) { return r.imported; })) {
    const CoverageTotals own = Totals(coverage, true);
    split = fmt::format(
        "  the policy's own: {} of {} rules, {} of {} outcomes; imported modules' rules: {} of "
        "{}, {} of {} outcomes\n",
        own.full_rules, own.rules, own.covered, own.outcomes, full_rules - own.full_rules,
        rules - own.rules, covered - own.covered, outcomes - own.outcomes);
  }
  return fmt::format(
      "coverage: {} of {} rules fully covered; {} of {} rule and branch outcomes seen\n{}{}",
      full_rules, rules, covered, outcomes, split, lines);
}

}  // namespace relgate::policytest
