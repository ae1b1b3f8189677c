// Builds each rule's cost polynomial from the checked AST (see cost.h). Loop variables
// are tracked by frame slot, as the checker assigned them, so `d.files` inside
// `for d in dependencies` is known to be the list `dependencies[].files`.
#include "engine/compile/cost_builder.h"

namespace relgate::compile {

using check::RefKind;
using syntax::Expr;
using syntax::ExprKind;

RuleCost CostBuilder::ForRule(const check::CheckedRule& cr,
                              const std::vector<const syntax::Expr*>& exception_conditions) {
  cost_ = RuleCost();
  env_.clear();
  lets_seen_.clear();
  const syntax::Rule& rule = *cr.rule;
  if (!rule.has_for) {
    Add(Cost(*rule.condition), {});
    return std::move(cost_);
  }
  Add(Cost(*rule.over), {});
  const uint32_t source = SourceOf(*rule.over);
  env_.push_back(source);
  std::vector<CostTerm> body;
  if (rule.filter)
    Append(body, Cost(*rule.filter));
  Append(body, Cost(*rule.condition));
  for (const Expr* condition : exception_conditions)
    Append(body, Cost(*condition));
  env_.pop_back();
  Add({CostTerm{}}, {source});
  Add(body, {source});
  return std::move(cost_);
}

void CostBuilder::Append(std::vector<CostTerm>& to, std::vector<CostTerm> terms) {
  for (CostTerm& t : terms)
    to.push_back(std::move(t));
}

void CostBuilder::Add(const std::vector<CostTerm>& terms, const std::vector<uint32_t>& times) {
  for (const CostTerm& t : terms) {
    CostTerm scaled = t;
    scaled.sources.insert(scaled.sources.end(), times.begin(), times.end());
    cost_.terms.push_back(std::move(scaled));
  }
}

std::vector<CostTerm> CostBuilder::Cost(const Expr& e) {
  std::vector<CostTerm> terms;
  if (e.kind == ExprKind::kComprehension || e.kind == ExprKind::kQuantifier) {
    const Expr& list = e.kind == ExprKind::kComprehension ? *e.children[1] : *e.children[0];
    Append(terms, Cost(list));
    const uint32_t source = SourceOf(list);
    env_.push_back(source);
    std::vector<CostTerm> body;
    for (const auto& child : e.children) {
      if (child.get() != &list)
        Append(body, Cost(*child));
    }
    env_.pop_back();
    terms.push_back(CostTerm{{source}});
    for (CostTerm& t : body) {
      t.sources.push_back(source);
      terms.push_back(std::move(t));
    }
    return terms;
  }
  if (e.kind == ExprKind::kName || e.kind == ExprKind::kMember) {
    const check::Ref& ref = policy_.refs[e.id];
    if (ref.kind == RefKind::kLet && lets_seen_.insert(ref.index).second) {
      // A let is evaluated at most once per release: count it once, outside any loop.
      std::vector<uint32_t> saved_env;
      saved_env.swap(env_);
      std::vector<CostTerm> let_terms = Cost(*policy_.lets[ref.index].value);
      env_.swap(saved_env);
      Add(let_terms, {});
      return terms;
    }
  }
  for (const auto& child : e.children)
    Append(terms, Cost(*child));
  // `x in L` scans a list item by item (sets and maps are searched, not scanned).
  if (e.kind == ExprKind::kBinary && (e.op == syntax::Op::kIn || e.op == syntax::Op::kNotIn)) {
    const types::Type* type = policy_.expr_types[e.children[1]->id];
    if (type != nullptr && type->kind == types::TypeKind::kList) {
      terms.push_back(CostTerm{{SourceOf(*e.children[1])}});
    }
  }
  return terms;
}

std::optional<std::vector<CostStep>> CostBuilder::PathOf(const Expr& e) const {
  const check::Ref& ref = policy_.refs[e.id];
  if (e.kind == ExprKind::kName) {
    if (ref.kind == RefKind::kFact)
      return std::vector<CostStep>{{ref.index}};
    if (ref.kind == RefKind::kLocal && ref.index < env_.size()) {
      const CostSource& source = cost_.sources[env_[ref.index]];
      if (source.path.empty())
        return std::nullopt;
      std::vector<CostStep> path = source.path;
      path.push_back({CostStep::kEach});
      return path;
    }
    return std::nullopt;
  }
  if (e.kind == ExprKind::kMember && ref.kind == RefKind::kNone) {
    auto base = PathOf(*e.children[0]);
    if (!base)
      return std::nullopt;
    base->push_back({ref.index});
    return base;
  }
  return std::nullopt;
}

uint32_t CostBuilder::SourceOf(const Expr& list) {
  CostSource source;
  source.text = std::string(sources_.Text(list.span));
  if (auto path = PathOf(list)) {
    source.path = std::move(*path);
  } else if (list.kind == ExprKind::kList || list.kind == ExprKind::kSet) {
    source.fixed = static_cast<int64_t>(list.children.size());
  } else if (list.kind == ExprKind::kComprehension) {
    // Its output is no longer than the list it iterates.
    const uint32_t inner = SourceOf(*list.children[1]);
    source = cost_.sources[inner];
    source.text = std::string(sources_.Text(list.span));
  } else {
    const check::Ref& ref = policy_.refs[list.id];
    const Expr* value = nullptr;
    if (ref.kind == RefKind::kLet)
      value = policy_.lets[ref.index].value;
    if (ref.kind == RefKind::kConst)
      value = policy_.consts[ref.index].value;
    if (value != nullptr && (list.kind == ExprKind::kName || list.kind == ExprKind::kMember)) {
      std::vector<uint32_t> saved_env;
      saved_env.swap(env_);
      const uint32_t inner = SourceOf(*value);
      env_.swap(saved_env);
      source.path = cost_.sources[inner].path;
      source.fixed = cost_.sources[inner].fixed;
      source.unknown = cost_.sources[inner].unknown;
    } else {
      source.unknown = true;
    }
  }
  cost_.sources.push_back(std::move(source));
  return static_cast<uint32_t>(cost_.sources.size() - 1);
}

}  // namespace relgate::compile
