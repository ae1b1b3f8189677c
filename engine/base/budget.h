// The run-time budget of one decision: how many steps (loop iterations, list scans,
// bytes scanned by builtins) and how many bytes of temporaries its evaluation may use.
// The static cost bound (compile/cost.h) refuses most over-large work before it starts;
// the budget catches whatever the bound cannot see (lists built at run time, long
// strings scanned in loops) and ends it in an undecided decision, never in the OOM
// killer. Exceeding it throws BudgetExceeded, which the evaluator catches at the rule.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "engine/base/limits.h"

namespace relgate {

class BudgetExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Budget {
  int64_t max_steps = limits::kMaxEvaluationSteps;
  int64_t steps_left = limits::kMaxEvaluationSteps;

  Budget() = default;

  explicit Budget(int64_t steps) : max_steps(steps), steps_left(steps) {}

  void Reset() { steps_left = max_steps; }

  void Spend(int64_t steps) {
    steps_left -= steps;
    if (steps_left < 0) [[unlikely]]
      Exhausted();
  }

  [[noreturn]] void Exhausted() const {
    throw BudgetExceeded(
        fmt::format("evaluation stopped after {} steps, the run-time budget of one decision (loop "
                    "iterations, list scans and bytes scanned by builtins)",
                    max_steps));
  }
};

}  // namespace relgate
