// Every resource limit relgate enforces, with its default, in one place. docs/security.md
// lists them; each is reported as a diagnostic naming the file and place, and an input
// that hits a limit is never half-evaluated: the gate stays shut (exit 2).
#pragma once

#include <cstddef>
#include <cstdint>

namespace relgate::limits {

// Policies.
inline constexpr size_t kMaxPolicySourceBytes = 1 << 20;  // per .gate file
inline constexpr size_t kMaxPolicyFiles = 256;            // files in one policy
inline constexpr size_t kMaxBracketDepth = 64;            // nested ( [ { and prefix not / -
inline constexpr size_t kMaxExprDepth = 256;              // AST depth (long and/or chains)
inline constexpr size_t kMaxQuantifierNesting = 4;   // for / all / any / count / comprehensions
inline constexpr size_t kMaxRules = 1000;            // rules in one policy
inline constexpr int64_t kMaxRegexMemory = 1 << 20;  // RE2 max_mem per literal
inline constexpr int kMaxRegexProgramSize = 5000;    // RE2 ProgramSize()
// Loop iterations one rule may need on the facts at hand, estimated before evaluation
// from the rule's cost polynomial and the facts' list sizes (compile/cost.h).
inline constexpr int64_t kMaxEvaluationCost = 50'000'000;
// The run-time budget of one decision (base/budget.h): what the static bound cannot see.
inline constexpr int64_t kMaxEvaluationSteps = 200'000'000;       // about 1-2 s of work
inline constexpr size_t kMaxEvaluationBytes = size_t{256} << 20;  // temporaries (arena)
// Steps one constant expression may take when folded at compile time: compiling stays
// quick however a policy is written.
inline constexpr int64_t kMaxFoldSteps = 10'000'000;
// Nesting of expressions and of lets that use lets, summed along the deepest path: what
// every recursive stage (checker, cost bound, compiler, evaluator, explanations) needs
// in stack.
inline constexpr size_t kMaxNestingDepth = 1000;

// Facts documents.
inline constexpr size_t kMaxFactsBytes = 64u << 20;  // per facts file
inline constexpr size_t kMaxFactsDepth = 128;        // nested arrays / objects
inline constexpr size_t kMaxFactsNodes = 1u << 20;   // values after alias expansion

}  // namespace relgate::limits
