// Findings grouped by rule for the formats people read (text, GitHub annotations,
// Markdown): a rule with hundreds of findings (811 dependencies without an integrity hash)
// shows its first few and says how many more, instead of burying everything else. JSON,
// SARIF and JUnit keep every finding.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "engine/eval/decision.h"

namespace relgate::report {

// The default of `--max-findings`: per rule, in the formats people read.
inline constexpr size_t kDefaultMaxFindings = 10;

class FindingGroups {
 public:
  // `cap` 0: no cap.
  FindingGroups(const eval::Decision& d, size_t cap) : cap_(cap) {
    for (const eval::Finding& f : d.findings)
      ++total_[f.rule];
  }

  // Call once per finding, in order: whether to show it.
  bool Show(const eval::Finding& f) { return cap_ == 0 || ++seen_[f.rule] <= cap_; }

  // After showing `f`: how many of its rule's findings are not shown when `f` was the
  // last one shown; 0 otherwise.
  [[nodiscard]] size_t HiddenAfter(const eval::Finding& f) const {
    const size_t total = total_.at(f.rule);
    if (cap_ == 0 || total <= cap_)
      return 0;
    auto it = seen_.find(f.rule);
    return it != seen_.end() && it->second == cap_ ? total - cap_ : 0;
  }

  [[nodiscard]] size_t Total(const std::string& rule) const { return total_.at(rule); }

  [[nodiscard]] size_t cap() const { return cap_; }

 private:
  size_t cap_;
  std::map<std::string, size_t> total_;
  std::map<std::string, size_t> seen_;
};

}  // namespace relgate::report
