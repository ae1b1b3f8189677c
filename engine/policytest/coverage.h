// Coverage of a policy by its tests (`relgate test --coverage`): for every rule, whether
// some test made its condition true and some made it false; and for every branch inside
// (each operand of `and`/`or`, each `where` filter, each `??` default) whether both of
// its outcomes occurred. Collected by recording every node's value while the tests'
// decisions are evaluated (eval::EvalOptions::coverage).
#pragma once

#include <string>
#include <vector>

#include "engine/base/policy_location.h"
#include "engine/compile/machine.h"
#include "engine/compile/program.h"

namespace relgate::policytest {

struct Branch {
  std::string kind;     // "operand", "filter", "default"
  std::string snippet;  // its source text
  std::string yes, no;  // the two outcomes' names: "true"/"false", "taken"/"not taken"
  bool seen_yes = false, seen_no = false;
};

struct RuleCoverage {
  std::string rule;  // or `let NAME`
  PolicyLocation location;
  bool seen_true = false, seen_false = false;  // the condition (no meaning for a let)
  // A constant condition (`warn ... : false`, a notice for every item its filter keeps)
  // has one outcome only; the rule is covered when that one is seen.
  bool constant = false;
  bool is_let = false;
  bool imported = false;  // a std module's rule or let, not the policy's own
  std::vector<Branch> branches;
};

// Outcomes seen of the rules and branches counted: the policy's own, or everything.
struct CoverageTotals {
  size_t rules = 0, full_rules = 0, outcomes = 0, covered = 0;

  [[nodiscard]] double Percent() const {
    return outcomes == 0 ? 100.0 : 100.0 * static_cast<double>(covered) / outcomes;
  }
};

[[nodiscard]] CoverageTotals Totals(const std::vector<RuleCoverage>& coverage, bool own_only);

class Coverage : public compile::Recorder {
 public:
  explicit Coverage(const compile::Program& program);

  void Record(compile::NodeId node, const Value& value) override;

  // Per rule (then per let with branches), in policy order.
  [[nodiscard]] std::vector<RuleCoverage> Report() const;

 private:
  struct Counts {
    int64_t yes = 0, no = 0, any = 0;
  };

  void Walk(compile::NodeId node, std::vector<Branch>& out, std::vector<bool>& seen) const;
  Branch Outcomes(const char* kind, compile::NodeId node) const;

  const compile::Program& program_;
  std::vector<Counts> counts_;  // by node
};

// The report for people: per rule its outcomes, and each branch not fully covered; with
// imported module rules, the policy's own counted apart.
[[nodiscard]] std::string RenderCoverage(const std::vector<RuleCoverage>& coverage);

}  // namespace relgate::policytest
