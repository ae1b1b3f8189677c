// The evaluation cost bound. The compiler describes how much work each rule can do as a
// sum of terms, each the product of the sizes of the lists its nested loops iterate:
//
//   deny r for d in dependencies: any(a in approvals: a.user == d.name)
//     cost = |dependencies| + |dependencies| x |approvals|
//
// List sizes come from the facts, so the bound is computed before evaluation
// (EstimateCost in engine/eval) and a policy whose estimate is over
// limits::kMaxEvaluationCost is refused, naming the costliest rule, rather than being
// half-evaluated. A list reached through a loop variable (`d.files` inside
// `for d in dependencies`) counts its items over all of its parents, so nesting a loop
// over a child list does not multiply.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace relgate::compile {

// A path through the facts schema to a list: field slots, and kEach for "every item of
// the list so far" (`dependencies[].files` is {Field dependencies, Each, Field files}).
struct CostStep {
  static constexpr uint32_t kEach = 0xFFFFFFFF;
  uint32_t field;  // or kEach
};

struct CostSource {
  std::vector<CostStep> path;  // empty: not a fact list (see `fixed`)
  int64_t fixed = -1;          // a list of known size (a literal); -1 = use `path`
  bool unknown =
      false;  // computed at run time: bounded by every list item and string byte in the facts
  std::string text;  // how the policy wrote it, for messages
};

struct CostTerm {
  std::vector<uint32_t> sources;  // indices into RuleCost::sources; their sizes multiply
};

struct RuleCost {
  std::vector<CostSource> sources;
  std::vector<CostTerm> terms;
};

}  // namespace relgate::compile
