// The fast path: every rule over every item, exceptions and overrides, the verdict.
// Allocates only in the scratch arena (reset, not freed, per call) and in the outcome
// vectors (cleared, capacity kept).
#include "engine/eval/evaluator.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace relgate::eval {

using compile::CompiledException;
using compile::CompiledRule;
using compile::Frame;
using compile::Kernel;
using compile::kNoNode;

std::string ValidateOverrides(const compile::Program& program,
                              const std::vector<OverrideRequest>& overrides) {
  for (const OverrideRequest& o : overrides) {
    const CompiledRule* found = nullptr;
    for (const CompiledRule& rule : program.rules()) {
      if (rule.id == o.rule)
        found = &rule;
    }
    if (found == nullptr) {
      std::vector<std::string> known;
      for (const CompiledRule& rule : program.rules()) {
        if (rule.level == Level::kSoft)
          known.push_back(rule.id);
      }
      return fmt::format("--override names no rule `{}`{}", o.rule,
                         known.empty() ? "; the policy has no soft rules"
                                       : fmt::format("; soft rules: {}", fmt::join(known, ", ")));
    }
    if (found->level != Level::kSoft) {
      return fmt::format("rule `{}` is {}; only soft (`hold`) rules can be overridden", o.rule,
                         LevelName(found->level));
    }
    if (o.by.empty() || o.reason.empty()) {
      return fmt::format("--override `{}` needs --by WHO and --reason WHY", o.rule);
    }
  }
  return "";
}

namespace {

class Run {
 public:
  Run(const compile::Program& program, const BoundFacts& facts, const EvalOptions& options,
      Scratch& scratch, Frame& frame)
      : p_(program), facts_(facts), options_(options), frame_(frame), o_(scratch.outcome) {}

  // The fast path, or with the coverage recorder when one is set.
  Value Eval(compile::NodeId node) {
    return frame_.recorder != nullptr ? compile::Run(p_, node, frame_)
                                      : compile::RunFast(p_, node, frame_);
  }

  // A `for` rule's filter or condition on the item in frame slot 0: by its kernel when it
  // has one and the kernel decides, else by the interpreter. Coverage records every node,
  // so it always takes the interpreter.
  Value Test(compile::NodeId node, const compile::Kernel* kernel, const Value& item) {
    if (kernel != nullptr) {
      switch (kernel->Run(item, frame_.facts, *frame_.budget)) {
        case compile::Kernel::Result::kTrue: return Value::Bool(true);
        case compile::Kernel::Result::kFalse: return Value::Bool(false);
        case compile::Kernel::Result::kGiveUp: break;
      }
    }
    return Eval(node);
  }

  // A test whose kernel already ran on the item in frame slot 0: its answer, or the
  // interpreter's where the kernel gave up.
  Value Known(Kernel::Result known, compile::NodeId node) {
    switch (known) {
      case Kernel::Result::kTrue: return Value::Bool(true);
      case Kernel::Result::kFalse: return Value::Bool(false);
      case Kernel::Result::kGiveUp: break;
    }
    return Eval(node);
  }

  const compile::Kernel* KernelOf(uint32_t kernel) const {
    return kernel != compile::kNoKernel && frame_.recorder == nullptr ? &p_.kernel(kernel)
                                                                      : nullptr;
  }

  void Rule(uint32_t r) {
    const CompiledRule& rule = p_.rules()[r];
    if (!rule.has_for) {
      const Value v = Eval(rule.condition);
      if (v.is_error()) {
        Error(r, kNoItem, v);
      } else if (!v.b) {
        Finding(r, kNoItem);
      }
      return;
    }
    const Value list = Eval(rule.over);
    if (list.is_error()) {
      Error(r, kNoItem, list);
      return;
    }
    const uint32_t stride = list.kind == ValueKind::kMap ? 2 : 1;
    const compile::Kernel* filter = KernelOf(rule.filter_kernel);
    const compile::Kernel* condition = KernelOf(rule.condition_kernel);
    // The kernel of the rule's first test passes over the items that need nothing more:
    // those its filter leaves out, or (with no filter) those its condition holds for.
    const bool filtered = rule.filter != kNoNode;
    const compile::Kernel* first = filtered ? filter : condition;
    const Kernel::Result pass = filtered ? Kernel::Result::kFalse : Kernel::Result::kTrue;
    compile::KernelCursor cursor;
    const ListColumns* columns =
        first != nullptr ? facts_.ColumnsOf(list.items, list.len) : nullptr;
    for (uint32_t k = 0; k < list.len; ++k) {
      Kernel::Result known = Kernel::Result::kGiveUp;  // what `first` said of item k
      if (first != nullptr) {
        k = first->Skip(list.items, k, list.len, stride, pass, frame_.facts, *frame_.budget, known,
                        cursor, columns);
        if (k == list.len)
          break;
      }
      const Value& item = list.items[k * stride];
      frame_.locals[0] = item;
      if (filtered) {
        const Value keep = first != nullptr ? Known(known, rule.filter) : Eval(rule.filter);
        if (keep.is_error()) {
          Error(r, k, keep);
          continue;
        }
        if (!keep.b)
          continue;
      }
      const Value v = !filtered && first != nullptr ? Known(known, rule.condition)
                                                    : Test(rule.condition, condition, item);
      if (v.is_error()) {
        Error(r, k, v);
      } else if (!v.b) {
        Finding(r, k);
      }
    }
  }

 private:
  // A rule being rolled out is advisory until its date.
  Level LevelNow(const CompiledRule& rule) const {
    return compile::RolloutPending(rule, options_.now) ? Level::kAdvisory : rule.level;
  }

  void Error(uint32_t rule, uint32_t item, const Value& v) {
    const bool blocks = LevelNow(p_.rules()[rule]) != Level::kAdvisory;
    o_.errors.push_back({rule, item, &v.error(), blocks});
    o_.rules[rule] = RuleStatus::kError;
  }

  // The item (if any) is in frame slot 0, where exception conditions read it.
  void Finding(uint32_t r, uint32_t item) {
    const CompiledRule& rule = p_.rules()[r];
    RawFinding f{
        r, item,
        LevelNow(rule) == Level::kAdvisory ? FindingStatus::kAdvisory : FindingStatus::kBlocking,
        kNoItem, kNoItem};
    for (uint32_t e : rule.exceptions) {
      const CompiledException& ex = p_.exceptions()[e];
      const bool active = options_.now < ex.until;
      if (f.exception != kNoItem && !active)
        continue;
      bool matches = true;
      if (ex.condition != kNoNode) {
        const Value v = Eval(ex.condition);
        if (v.is_error()) {
          // An exception that cannot be decided does not apply, and the rule errs.
          Error(r, item, v);
          continue;
        }
        matches = v.b;
      }
      if (!matches)
        continue;
      if (active && f.exception == kNoItem) {
        f.exception = e;
        f.status = FindingStatus::kExcepted;
      } else if (!active && f.expired == kNoItem) {
        f.expired = e;
      }
    }
    if (f.status == FindingStatus::kBlocking && rule.level == Level::kSoft) {
      for (size_t k = 0; k < options_.overrides.size(); ++k) {
        if (options_.overrides[k].rule == rule.id) {
          f.status = FindingStatus::kOverridden;
          o_.override_used[k] = 1;
        }
      }
    }
    if (o_.rules[r] == RuleStatus::kPass)
      o_.rules[r] = RuleStatus::kFail;
    o_.findings.push_back(f);
  }

  const compile::Program& p_;
  const BoundFacts& facts_;
  const EvalOptions& options_;
  Frame& frame_;
  Outcome& o_;
};

}  // namespace

const Outcome& Evaluate(const compile::Program& program, const BoundFacts& facts,
                        const EvalOptions& options, Scratch& scratch) {
  scratch.arena.Reset();
  scratch.arena.set_limit(limits::kMaxEvaluationBytes);
  scratch.budget.Reset();
  scratch.errors.clear();
  scratch.lets.Reset(program.lets().size());
  scratch.locals.assign(program.max_locals(), Value());
  Outcome& o = scratch.outcome;
  o.rules.assign(program.rules().size(), RuleStatus::kPass);
  o.findings.clear();
  o.errors.clear();
  o.override_used.assign(options.overrides.size(), 0);
  Frame frame;
  frame.facts = facts.root();
  frame.locals = scratch.locals.data();
  frame.lets = &scratch.lets;
  frame.now = options.now;
  frame.arena = &scratch.arena;
  frame.errors = &scratch.errors;
  frame.budget = &scratch.budget;
  frame.recorder = options.coverage;
  Run run(program, facts, options, scratch, frame);
  for (uint32_t r = 0; r < program.rules().size(); ++r) {
    try {
      run.Rule(r);
    } catch (const BudgetExceeded& exceeded) {
      // The rule that ran out is an error; the rest are not evaluated. The gate stays
      // shut: this decision cannot be made within the budget.
      scratch.errors.push_back({"", exceeded.what()});
      // Blocks whatever the rule's level: the rules after it were never evaluated.
      o.errors.push_back({r, kNoItem, &scratch.errors.back(), /*blocks=*/true});
      o.rules[r] = RuleStatus::kError;
      for (uint32_t rest = r + 1; rest < program.rules().size(); ++rest)
        o.rules[rest] = RuleStatus::kNotEvaluated;
      break;
    }
  }
  o.verdict = Verdict::kOpen;
  for (const RawFinding& f : o.findings) {
    if (f.status == FindingStatus::kBlocking)
      o.verdict = Verdict::kShut;
  }
  for (const RawError& e : o.errors) {
    if (e.blocks)
      o.verdict = Verdict::kUndecided;
  }
  return o;
}

}  // namespace relgate::eval
