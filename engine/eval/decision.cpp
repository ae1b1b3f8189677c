// The decision's names: its own small target (relgate_decision), so that what renders or
// records a decision links no evaluator.
#include "engine/eval/decision.h"

namespace relgate::eval {

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOpen: return "open";
    case Verdict::kShut: return "shut";
    case Verdict::kUndecided: return "undecided";
  }
  return "undecided";
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kHard: return "hard";
    case Level::kSoft: return "soft";
    case Level::kAdvisory: return "advisory";
  }
  return "hard";
}

const char* StatusName(FindingStatus status) {
  switch (status) {
    case FindingStatus::kBlocking: return "blocking";
    case FindingStatus::kOverridden: return "overridden";
    case FindingStatus::kExcepted: return "excepted";
    case FindingStatus::kAdvisory: return "advisory";
  }
  return "blocking";
}

const char* RuleStatusName(RuleStatus status) {
  switch (status) {
    case RuleStatus::kPass: return "pass";
    case RuleStatus::kFail: return "fail";
    case RuleStatus::kError: return "error";
    case RuleStatus::kNotEvaluated: return "not_evaluated";
  }
  return "error";
}

int ExitCode(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOpen: return 0;
    case Verdict::kShut: return 1;
    case Verdict::kUndecided: return 2;
  }
  return 2;
}

}  // namespace relgate::eval
