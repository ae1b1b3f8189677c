// The interpreter of compiled nodes: Run(program, node, frame) -> Value. Recursion
// follows the expression tree, whose depth the syntax stage bounds
// (limits::kMaxExprDepth), and loops run over finite lists, so evaluation always
// terminates. Errors are values (ValueKind::kError) that propagate to the rule; nothing
// here throws for bad facts.
//
// Work is charged to frame.budget (loop iterations, list scans, bytes that builtins and
// regexes scan), and temporaries to the arena's limit: past either, BudgetExceeded is
// thrown, and the evaluator turns it into an error of the rule being evaluated.
//
// Semantics worth knowing: `and`/`or` evaluate left to right and stop at the first
// operand that decides the result, so `false and <error>` is false but `<error> and
// false` is the error. Quantifiers stop at the first item that decides; `count` and
// comprehensions visit every item. An error met before the result is decided is the
// result.
#pragma once

#include <deque>
#include <vector>

#include "engine/base/arena.h"
#include "engine/base/budget.h"
#include "engine/base/value.h"
#include "engine/compile/program.h"

namespace relgate::compile {

// Receives (node, value) for every node evaluated; used to explain a failing rule.
class Recorder {
 public:
  virtual ~Recorder() = default;
  virtual void Record(NodeId node, const Value& value) = 0;
};

// Lazily computed let values of one evaluation.
struct LetCache {
  std::vector<Value> values;
  std::vector<uint8_t> ready;

  void Reset(size_t count) {
    values.assign(count, Value());
    ready.assign(count, 0);
  }
};

struct Frame {
  const Value* facts = nullptr;  // the root record's field slots
  Value* locals = nullptr;       // Program::max_locals() slots
  LetCache* lets = nullptr;
  int64_t now = 0;
  Arena* arena = nullptr;                   // temporaries of this evaluation
  std::deque<ErrorInfo>* errors = nullptr;  // error table of this evaluation
  Recorder* recorder = nullptr;             // non-null only when explaining
  Budget* budget = nullptr;                 // steps left in this decision
};

[[nodiscard]] Value Run(const Program& program, NodeId node, Frame& frame);
// Run without a recorder (frame.recorder is ignored): the evaluator's per-item fast path.
[[nodiscard]] Value RunFast(const Program& program, NodeId node, Frame& frame);

// `item in collection` for a list, set (sorted) or map (by key); false for anything else.
[[nodiscard]] bool ContainsValue(const Value& item, const Value& collection);

// Renders a value for messages and explanations: strings unquoted when `bare`, times in
// RFC 3339, durations as `1d2h`, lists as `["a", "b"]`, records as `{...}` (fields by
// schema name when `type` is given).
[[nodiscard]] std::string FormatValue(const Value& value, bool bare,
                                      const types::Type* type = nullptr);

}  // namespace relgate::compile
