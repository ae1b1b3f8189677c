// Evaluation of a compiled policy over bound facts, in two steps so that a passing
// release pays only for the first:
//
//   Evaluate(program, facts, options, scratch) -> Outcome    the fast path: rule results,
//       which items failed, exceptions and overrides applied, the verdict. No strings
//       are built for passing rules; the scratch arena is reused across releases.
//   Explain(program, facts, outcome, options, scratch) -> Decision
//       messages, items, the values that made each failing condition false (found by
//       re-running that condition with a recorder), digests.
//
// Both are deterministic for the same program, facts and options.now, and always
// terminate. A program may be evaluated from several threads at once, each with its
// own Scratch.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "engine/base/arena.h"
#include "engine/compile/machine.h"
#include "engine/compile/program.h"
#include "engine/eval/bind.h"
#include "engine/eval/decision.h"

namespace relgate::eval {

struct OverrideRequest {
  std::string rule;
  std::string by;
  std::string reason;
};

struct EvalOptions {
  int64_t now = 0;                         // what exception expiry compares against
  std::vector<OverrideRequest> overrides;  // validated by ValidateOverrides first
  // When set, receives every node's value as rules are evaluated (the slower recording
  // path): `relgate test --coverage`. Null for gate decisions.
  compile::Recorder* coverage = nullptr;
};

// Checks that each override names a soft rule of the program. Returns "" if they are all
// valid, else a message for the user (the command line exits 2).
[[nodiscard]] std::string ValidateOverrides(const compile::Program& program,
                                            const std::vector<OverrideRequest>& overrides);

inline constexpr uint32_t kNoItem = 0xFFFFFFFF;

struct RawFinding {
  uint32_t rule;
  uint32_t item;  // index in the iterated list, or kNoItem
  FindingStatus status;
  uint32_t exception;  // index into program.exceptions() when excepted, else kNoItem
  uint32_t expired;    // expired exception that would have covered it, else kNoItem
};

struct RawError {
  uint32_t rule;
  uint32_t item;
  const ErrorInfo* error;
  bool blocks;  // see RuleError::blocks
};

struct Outcome {
  Verdict verdict = Verdict::kUndecided;
  std::vector<RuleStatus> rules;  // by rule index
  std::vector<RawFinding> findings;
  std::vector<RawError> errors;
  std::vector<uint8_t> override_used;  // by EvalOptions::overrides index
};

// Per-thread working memory, reused across evaluations.
class Scratch {
 public:
  Arena arena;
  std::deque<ErrorInfo> errors;
  compile::LetCache lets;
  std::vector<Value> locals;
  Budget budget;
  Outcome outcome;
};

// Evaluates every rule. The returned reference is into `scratch` and valid until the
// next call with the same scratch.
const Outcome& Evaluate(const compile::Program& program, const BoundFacts& facts,
                        const EvalOptions& options, Scratch& scratch);

[[nodiscard]] Decision Explain(const compile::Program& program, const BoundFacts& facts,
                               const Outcome& outcome, const EvalOptions& options,
                               Scratch& scratch);

}  // namespace relgate::eval
