// Binding: a FactSet (untyped, as the documents say) laid out by a Program's schema into
// Values, so that the evaluator reads a fact by slot number. A fact that is missing, null
// where not optional, or of the wrong type becomes an error value that names its path
// (`dependencies[3].integrity`) — it fails only the rules that read it. Keys the schema
// does not declare are not bound, but listed (unread_keys), so that a typo such as
// `dependecies` shows up as a warning in the decision instead of going unseen.
//
// BoundFacts points into the FactSet's strings: the FactSet must outlive it.
#pragma once

#include <deque>
#include <memory>

#include "engine/base/arena.h"
#include "engine/base/value.h"
#include "engine/compile/program.h"
#include "engine/facts/facts.h"

namespace relgate::eval {

class BoundFacts {
 public:
  BoundFacts() = default;
  BoundFacts(const BoundFacts&) = delete;
  BoundFacts& operator=(const BoundFacts&) = delete;

  // The root record's slots, one per top-level fact of the schema.
  const Value* root() const { return root_; }

  // Problems found while binding (each is also an error value in the tree).
  const std::deque<ErrorInfo>& errors() const { return errors_; }

  // Keys of the facts that the schema does not declare, by path pattern
  // (`dependencies[].integrty`), sorted; `message` says so, with a suggestion when a
  // declared sibling is spelled alike. At most kMaxUnreadKeys distinct patterns.
  // Built on request: binding itself only notes the key and its record type.
  static constexpr size_t kMaxUnreadKeys = 50;
  std::vector<ErrorInfo> unread_keys() const;

  // Forgets the last binding; keeps the arena's largest block for the next one.
  void Reset() {
    arena_.Reset();
    errors_.clear();
    unread_.clear();
    root_ = nullptr;
  }

 private:
  friend class Binder;
  Arena arena_;
  std::deque<ErrorInfo> errors_;

  struct Unread {
    std::string pattern;
    const check::Type* record;
    std::string_view key;  // into the facts, which outlive this
  };

  std::vector<Unread> unread_;  // sorted by pattern
  const Value* root_ = nullptr;
};

[[nodiscard]] std::unique_ptr<BoundFacts> Bind(const compile::Program& program,
                                               const facts::FactSet& facts);
// The same into `out`, reusing its memory: what a thread deciding many releases calls.
void BindInto(const compile::Program& program, const facts::FactSet& facts, BoundFacts& out);

}  // namespace relgate::eval
