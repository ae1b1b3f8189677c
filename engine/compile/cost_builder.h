// Internal to engine/compile: derives a RuleCost (cost.h) from a checked rule.
#pragma once

#include <optional>
#include <set>
#include <vector>

#include "engine/base/source.h"
#include "engine/check/policy.h"
#include "engine/compile/cost.h"

namespace relgate::compile {

class CostBuilder {
 public:
  CostBuilder(const check::CheckedPolicy& policy, const SourceMap& sources)
      : policy_(policy), sources_(sources) {}

  RuleCost ForRule(const check::CheckedRule& rule,
                   const std::vector<const syntax::Expr*>& exception_conditions);

 private:
  std::vector<CostTerm> Cost(const syntax::Expr& e);
  uint32_t SourceOf(const syntax::Expr& list);
  std::optional<std::vector<CostStep>> PathOf(const syntax::Expr& e) const;
  static void Append(std::vector<CostTerm>& to, std::vector<CostTerm> terms);
  void Add(const std::vector<CostTerm>& terms, const std::vector<uint32_t>& times);

  const check::CheckedPolicy& policy_;
  const SourceMap& sources_;
  RuleCost cost_;
  std::vector<uint32_t> env_;  // source of the loop variable in each frame slot
  std::set<uint32_t> lets_seen_;
};

}  // namespace relgate::compile
