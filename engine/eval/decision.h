// Decision: the complete, self-contained record of one gate decision, which reports,
// history and replay read without the Program. A value type of its own: it depends on
// nothing of the compiler (no syntax tree, no checker), and says where things are as
// structured locations (policy file, line, column; facts file and path), which every
// renderer (text, JSON, SARIF, JUnit, annotations) can use. docs/decision.md documents
// its JSON form.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/base/digest.h"
#include "engine/base/level.h"
#include "engine/base/policy_location.h"

namespace relgate::eval {

enum class Verdict {
  kOpen,       // exit 0
  kShut,       // exit 1: a hard rule failed, or a soft rule failed without an override
  kUndecided,  // exit 2: an evaluation error; the gate stays shut
};

enum class FindingStatus {
  kBlocking,    // keeps the gate shut
  kOverridden,  // soft rule, override recorded
  kExcepted,    // an active exception in the policy covers it
  kAdvisory,    // advisory rule: reported only
};

enum class RuleStatus { kPass, kFail, kError, kNotEvaluated };

const char* VerdictName(Verdict verdict);
const char* LevelName(Level level);  // "hard", "soft", "advisory"
const char* StatusName(FindingStatus status);
const char* RuleStatusName(RuleStatus status);
int ExitCode(Verdict verdict);

// One sub-expression's value, shown to say why a condition was false.
struct Because {
  std::string expr;
  std::string value;
};

struct AppliedException {
  std::string owner;
  std::string reason;
  std::string until;
  PolicyLocation location;
};

struct Finding {
  std::string rule;
  Level level = Level::kHard;
  FindingStatus status = FindingStatus::kBlocking;
  std::string message;
  std::string item;         // `dependencies[3]` for `for` rules, "" otherwise
  std::string item_value;   // the item rendered, for scalar items (`"dist/app.js.map"`)
  std::string facts_file;   // the facts document that holds `item`, "" when none
  std::string facts_path;   // that document's file, as given (no kind), "" when none
  uint32_t facts_line = 0;  // the item's line in that file (an importer's evidence), or 0
  std::vector<Because> because;
  PolicyLocation location;     // where the rule is declared
  PolicyLocation imported_at;  // a std module's rule: the policy's `import` of the module
  bool has_exception = false;
  AppliedException exception;      // when status == kExcepted
  bool expired_exception = false;  // an expired exception would have covered it
  AppliedException expired;
  // The rule is being rolled out: advisory until this date (as written), `level` from it.
  // Empty otherwise, and once the date is reached.
  std::string rollout_pending;
};

struct RuleError {
  std::string rule;
  Level level = Level::kHard;
  // False for an advisory rule's error: an advisory rule never blocks when it fails, so
  // its error cannot either (unless evaluation stopped on the budget: see evaluator.cpp).
  bool blocks = true;
  std::string item;
  std::string path;        // fact path, when a fact was missing or ill-typed
  std::string facts_file;  // the facts document that holds `path` (or its top key), if any
  std::string facts_path;  // that document's file, as given
  std::string message;
  PolicyLocation location;
  PolicyLocation imported_at;
  uint32_t facts_line = 0;  // the line of `path`'s item in `facts_path`, or 0
};

// Where in the user's repository a report can point for a rule: its declaration, or for a
// std module's rule (built into relgate) the policy's `import` of the module.
inline const PolicyLocation& InRepository(const PolicyLocation& location,
                                          const PolicyLocation& imported_at) {
  return imported_at.file.empty() ? location : imported_at;
}

// Where a finding's reader acts on it: the evidence (the lockfile entry, the workflow
// step) when its importer recorded the item's line, else InRepository. The file as given.
inline PolicyLocation ActionableAt(const std::string& facts_path, uint32_t facts_line,
                                   const PolicyLocation& location,
                                   const PolicyLocation& imported_at) {
  if (!facts_path.empty() && facts_line > 0)
    return PolicyLocation{facts_path, facts_line, 0};
  return InRepository(location, imported_at);
}

struct RuleResult {
  std::string rule;
  Level level = Level::kHard;
  RuleStatus status = RuleStatus::kPass;
  uint32_t findings = 0;         // all findings, including excepted and overridden ones
  std::string rollout;           // `from DATE` as written, "" for none
  bool rollout_pending = false;  // evaluated before that date: advisory
  std::string doc;               // the rule's doc comment
  PolicyLocation location;       // where it is declared
  PolicyLocation imported_at;    // a std module's rule: the policy's `import` of it
};

struct Override {
  std::string rule;
  std::string by;
  std::string reason;
  bool used = false;  // the rule had findings that the override let through
};

struct ExpiredException {
  std::string rule;
  AppliedException exception;
};

// A facts key no rule can read (not in the policy's facts schema): `dependecies`.
struct FactsWarning {
  std::string path;  // a pattern: `dependencies[].integrty`
  std::string message;
};

struct FactsDigest {
  std::string name;
  std::string sha256;
  std::string path;  // the file, as given ("" for facts made rather than read)
};

struct Decision {
  Verdict verdict = Verdict::kUndecided;
  int64_t evaluated_at = 0;  // ns since epoch: `--now` or the wall clock
  std::string package;
  std::string policy_digest;
  std::vector<SourceDigest> policy_sources;
  std::vector<std::string> policy_roots;  // each --policy path, as given
  // Decided with a policy bundle (engine/bundle): the bundle file's SHA-256 and the
  // revision it was built as. Empty otherwise.
  std::string bundle_digest;
  std::string bundle_revision;
  std::vector<FactsDigest> facts;
  std::vector<RuleResult> rules;
  std::vector<Finding> findings;
  std::vector<RuleError> errors;
  std::vector<Override> overrides;
  std::vector<ExpiredException> expired_exceptions;
  std::vector<FactsWarning> warnings;  // facts keys the policy does not declare
  // With `eval --record`: the chain head after this decision's record (its hash), and
  // the record's place in the history. Empty / 0 otherwise.
  std::string history_head;
  int64_t history_seq = 0;
};

}  // namespace relgate::eval
