// The evaluation cost bound, checked against the facts before any rule runs: each
// rule's cost polynomial (compile/cost.h) with the facts' list sizes plugged in. A policy
// whose rule would exceed limits::kMaxEvaluationCost on these facts is not evaluated at
// all: the decision is undecided (exit 2) and names the rule and the lists that make it
// costly.
#pragma once

#include <cstdint>
#include <string>

#include "engine/compile/program.h"
#include "engine/eval/bind.h"

namespace relgate::eval {

struct CostVerdict {
  bool ok = true;
  uint32_t rule = 0;     // the costliest rule
  int64_t estimate = 0;  // its estimated loop iterations (saturating)
  std::string message;   // set when !ok
};

[[nodiscard]] CostVerdict CheckCost(const compile::Program& program, const BoundFacts& facts,
                                    int64_t limit);

}  // namespace relgate::eval
