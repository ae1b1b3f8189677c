// Outcome -> Decision: the words and values a person needs. Runs only for rules that
// failed or erred. A failing condition is evaluated once more with a recorder (exact,
// because evaluation is pure), and the recorded values are walked from the root to the
// sub-expressions that made it false:
//
//   count(reviewers) >= min_reviewers      ->  count(reviewers) = 1, min_reviewers = 2
//   d.pinned and (d.integrity ?? "")...    ->  (d.integrity ?? "") = "sha1-..."
#include <algorithm>

#include <fmt/format.h>

#include "engine/base/time.h"
#include "engine/eval/evaluator.h"

namespace relgate::eval {

using compile::kNoNode;
using compile::Node;
using compile::NodeId;
using compile::NodeKind;

namespace {

class ValueRecorder : public compile::Recorder {
 public:
  explicit ValueRecorder(size_t nodes) : values_(nodes), seen_(nodes, 0) {}

  void Record(NodeId node, const Value& value) override {
    values_[node] = value;
    seen_[node] = 1;
  }

  bool seen(NodeId node) const { return seen_[node] != 0; }

  const Value& value(NodeId node) const { return values_[node]; }

 private:
  std::vector<Value> values_;
  std::vector<uint8_t> seen_;
};

class BecauseCollector {
 public:
  BecauseCollector(const compile::Program& p, const ValueRecorder& r) : p_(p), r_(r) {}

  void Collect(NodeId id) {
    if (id == kNoNode || !r_.seen(id))
      return;
    const Node& n = p_.node(id);
    const Value& v = r_.value(id);
    switch (n.kind) {
      case NodeKind::kAnd:
        if (!v.is_error() && !v.b) {
          // Short-circuit: the first false operand decided it.
          if (r_.seen(n.a) && !r_.value(n.a).is_error() && !r_.value(n.a).b) {
            Collect(n.a);
          } else {
            Collect(n.b);
          }
          return;
        }
        break;
      case NodeKind::kOr:
        Collect(n.a);
        Collect(n.b);
        return;
      case NodeKind::kNot: Collect(n.a); return;
      case NodeKind::kCompare:
      case NodeKind::kIn:
      case NodeKind::kMatches:
      case NodeKind::kStringTest:
        Add(n.a);
        Add(n.b);
        return;
      case NodeKind::kCall:
        for (uint32_t k = 0; k < n.count; ++k)
          Add(p_.operand(n.first + k));
        return;
      case NodeKind::kHas: Add(n.a); return;
      case NodeKind::kQuantifier:
        // The list, and what the condition read that is the same for every element: the
        // value that decided (`(d.integrity ?? "") = "sha1-…"` against the prefixes).
        Add(n.a);
        Invariant(n.b, n.slot);
        return;
      default: break;
    }
    Add(id);
  }

  std::vector<Because> Take() { return std::move(out_); }

 private:
  // The operands a node reads, whichever way it holds them.
  template <typename F>
  void Operands(const Node& n, F&& f) const {
    for (NodeId c : {n.a, n.b, n.c}) {
      if (c != kNoNode)
        f(c);
    }
    if (n.kind == NodeKind::kCall || n.kind == NodeKind::kList || n.kind == NodeKind::kSet) {
      for (uint32_t k = 0; k < n.count; ++k)
        f(p_.operand(n.first + k));
    }
  }

  // Whether `id` reads frame slot `slot` (a loop variable).
  bool Reads(NodeId id, uint32_t slot) const {
    const Node& n = p_.node(id);
    if ((n.kind == NodeKind::kLocal || n.kind == NodeKind::kLocalField ||
         n.kind == NodeKind::kLocalFieldOr) &&
        n.slot == slot)
      return true;
    bool reads = false;
    Operands(n, [&](NodeId c) { reads = reads || Reads(c, slot); });
    return reads;
  }

  // The largest sub-expressions of a quantifier's condition that do not read its
  // variable: they had one value for every element.
  void Invariant(NodeId id, uint32_t slot) {
    if (id == kNoNode)
      return;
    if (!Reads(id, slot)) {
      if (p_.node(id).kind != NodeKind::kConst)
        Add(id);
      return;
    }
    Operands(p_.node(id), [&](NodeId c) { Invariant(c, slot); });
  }

  void Add(NodeId id) {
    if (id == kNoNode)
      return;
    // Constants the evaluator did not need to visit (a precompiled regex) still explain.
    const bool constant = p_.node(id).kind == NodeKind::kConst;
    if (!r_.seen(id) && !constant)
      return;
    const std::string& snippet = p_.snippet(id);
    if (snippet.empty())
      return;
    const Value& v = r_.seen(id) ? r_.value(id) : p_.node(id).value;
    const std::string value = compile::FormatValue(v, false, p_.type(id));
    if (value == snippet)
      return;  // a literal says nothing new
    for (const Because& b : out_) {
      if (b.expr == snippet)
        return;
    }
    out_.push_back({snippet, value});
  }

  const compile::Program& p_;
  const ValueRecorder& r_;
  std::vector<Because> out_;
};

AppliedException Describe(const compile::CompiledException& e) {
  return {e.owner, e.reason, e.until_text, e.location};
}

class Explainer {
 public:
  Explainer(const compile::Program& p, const BoundFacts& facts, const EvalOptions& options,
            Scratch& s)
      : p_(p), options_(options) {
    locals_.assign(p.max_locals(), Value());
    frame_.facts = facts.root();
    frame_.locals = locals_.data();
    frame_.lets = &s.lets;
    frame_.now = options.now;
    frame_.arena = &s.arena;
    frame_.errors = &s.errors;
    // Explaining gets a budget of its own, as large as the evaluation's: re-running the
    // failing conditions costs at most what evaluating them did, once per finding.
    s.budget.Reset();
    s.arena.set_limit(2 * limits::kMaxEvaluationBytes);
    frame_.budget = &s.budget;
  }

  // Puts item `k` of rule `r` in slot 0; returns its text (`dependencies[3]`).
  std::string BindItem(uint32_t r, uint32_t k, std::string* value_text) {
    const compile::CompiledRule& rule = p_.rules()[r];
    if (k == kNoItem || !rule.has_for)
      return "";
    const Value list = compile::Run(p_, rule.over, frame_);
    if (list.is_error() || k >= list.len)
      return "";
    const bool map = list.kind == ValueKind::kMap;
    const Value item = list.items[map ? 2 * k : k];
    frame_.locals[0] = item;
    const types::Type* list_type = p_.type(rule.over);
    const types::Type* item_type = list_type != nullptr && !map ? list_type->element : nullptr;
    if (value_text != nullptr && item.kind != ValueKind::kRecord && item.kind != ValueKind::kList &&
        item.kind != ValueKind::kMap) {
      *value_text = compile::FormatValue(item, false, item_type);
    }
    const std::string base = rule.over_path.empty() ? p_.snippet(rule.over) : rule.over_path;
    if (map)
      return fmt::format("{}[{}]", base, compile::FormatValue(item, false));
    return fmt::format("{}[{}]", base, k);
  }

  std::string Message(const compile::CompiledRule& rule) {
    std::string out;
    for (const compile::TemplatePiece& piece : rule.message) {
      if (piece.expr == kNoNode) {
        out += piece.literal;
        continue;
      }
      const Value v = compile::Run(p_, piece.expr, frame_);
      out += v.is_error() ? fmt::format("<{}>", v.error().message)
                          : compile::FormatValue(v, true, p_.type(piece.expr));
    }
    return out;
  }

  std::vector<Because> ExplainCondition(const compile::CompiledRule& rule) {
    ValueRecorder recorder(p_.node_count());
    compile::Frame traced = frame_;
    traced.recorder = &recorder;
    // Lets are cached from the fast path; a fresh cache records their insides too.
    compile::LetCache lets;
    lets.Reset(p_.lets().size());
    traced.lets = &lets;
    (void)compile::Run(p_, rule.condition, traced);
    BecauseCollector collector(p_, recorder);
    collector.Collect(rule.condition);
    return collector.Take();
  }

  Decision Build(const Outcome& outcome) {
    Decision d;
    d.verdict = outcome.verdict;
    d.evaluated_at = options_.now;
    d.package = p_.package();
    d.policy_digest = p_.digest();
    d.policy_sources = p_.sources();
    d.policy_roots = p_.roots();
    std::vector<uint32_t> counts(p_.rules().size(), 0);
    for (const RawFinding& f : outcome.findings)
      ++counts[f.rule];
    for (uint32_t r = 0; r < p_.rules().size(); ++r) {
      const compile::CompiledRule& rule = p_.rules()[r];
      d.rules.push_back({rule.id, rule.level, outcome.rules[r], counts[r], rule.rollout_text,
                         compile::RolloutPending(rule, options_.now), rule.doc, rule.location,
                         rule.imported_at});
    }
    for (const RawFinding& raw : outcome.findings) {
      const compile::CompiledRule& rule = p_.rules()[raw.rule];
      Finding f;
      f.rule = rule.id;
      f.level = rule.level;
      f.status = raw.status;
      f.location = rule.location;
      f.imported_at = rule.imported_at;
      if (compile::RolloutPending(rule, options_.now) && rule.level != Level::kAdvisory)
        f.rollout_pending = rule.rollout_text;
      try {
        f.item = BindItem(raw.rule, raw.item, &f.item_value);
        f.message = Message(rule);
        f.because = ExplainCondition(rule);
      } catch (const BudgetExceeded& exceeded) {
        // The verdict stands; only the words are cut short.
        f.message +=
            fmt::format("{}<not explained: {}>", f.message.empty() ? "" : " ", exceeded.what());
      }
      if (raw.exception != kNoItem) {
        f.has_exception = true;
        f.exception = Describe(p_.exceptions()[raw.exception]);
      }
      if (raw.expired != kNoItem) {
        f.expired_exception = true;
        f.expired = Describe(p_.exceptions()[raw.expired]);
      }
      d.findings.push_back(std::move(f));
    }
    for (const RawError& raw : outcome.errors) {
      const compile::CompiledRule& rule = p_.rules()[raw.rule];
      RuleError e;
      e.rule = rule.id;
      e.level = rule.level;
      e.blocks = raw.blocks;
      try {
        e.item = BindItem(raw.rule, raw.item, nullptr);
      } catch (const BudgetExceeded&) {
        e.item.clear();
      }
      e.path = raw.error->path;
      e.message = raw.error->message;
      e.location = rule.location;
      e.imported_at = rule.imported_at;
      d.errors.push_back(std::move(e));
    }
    for (size_t k = 0; k < options_.overrides.size(); ++k) {
      const OverrideRequest& o = options_.overrides[k];
      d.overrides.push_back({o.rule, o.by, o.reason, outcome.override_used[k] != 0});
    }
    for (const compile::CompiledException& e : p_.exceptions()) {
      if (options_.now >= e.until) {
        d.expired_exceptions.push_back({p_.rules()[e.rule].id, Describe(e)});
      }
    }
    return d;
  }

 private:
  const compile::Program& p_;
  const EvalOptions& options_;
  std::vector<Value> locals_;
  compile::Frame frame_;
};

}  // namespace

Decision Explain(const compile::Program& program, const BoundFacts& facts, const Outcome& outcome,
                 const EvalOptions& options, Scratch& scratch) {
  return Explainer(program, facts, options, scratch).Build(outcome);
}

}  // namespace relgate::eval
