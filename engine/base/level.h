// How a rule enforces: the rule keyword (`deny`, `hold`, `warn`). Its own header so that
// a decision (engine/eval/decision.h) names it without depending on the syntax tree.
#pragma once

namespace relgate {

enum class Level { kAdvisory, kSoft, kHard };  // warn, hold, deny

}  // namespace relgate
