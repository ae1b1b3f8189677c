// Binding: a FactSet (untyped, as the documents say) laid out by a Program's schema into
// Values, so that the evaluator reads a fact by slot number. A fact that is missing, null
// where not optional, or of the wrong type becomes an error value that names its path
// (`dependencies[3].integrity`) — it fails only the rules that read it. Keys the schema
// does not declare are not bound, but listed (unread_keys), so that a typo such as
// `dependecies` shows up as a warning in the decision instead of going unseen.
//
// BoundFacts points into the FactSet's strings: the FactSet must outlive it. Replay binds
// a JSON document in place instead, only the program's read set (JsonFacts, below).
#pragma once

#include <deque>
#include <memory>

#include "engine/base/arena.h"
#include "engine/base/list_columns.h"
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

  // The bool columns of the bound list whose first `len` items are at `items`
  // (base/list_columns.h), or nullptr. Lists of records that are not inside another list
  // have them, for the bool fields that are read. (A prefix of such a list, `len` short of
  // its length, has the same items and so the same bits.)
  const ListColumns* ColumnsOf(const Value* items, uint32_t len) const {
    for (const ListColumns& list : lists_) {
      if (list.items == items && len <= list.len)
        return &list;
    }
    return nullptr;
  }

  // Forgets the last binding; keeps the arena's largest block for the next one.
  void Reset() {
    arena_.Reset();
    errors_.clear();
    unread_.clear();
    lists_.clear();
    root_ = nullptr;
  }

 private:
  template <typename View>
  friend class Binder;
  Arena arena_;
  std::deque<ErrorInfo> errors_;

  struct Unread {
    std::string pattern;
    const types::Type* record;
    std::string_view key;  // into the facts, which outlive this
  };

  std::vector<Unread> unread_;  // sorted by pattern
  std::vector<ListColumns> lists_;
  const Value* root_ = nullptr;
};

template <typename View>
class Binder;

[[nodiscard]] std::unique_ptr<BoundFacts> Bind(const compile::Program& program,
                                               const facts::FactSet& facts);
// The same into `out`, reusing its memory: what a thread deciding many releases calls.
void BindInto(const compile::Program& program, const facts::FactSet& facts, BoundFacts& out);

// Replay's path: one JSON document (a release as a JSON Lines line or a `.json` file) read
// with simdjson's DOM and bound in place, only a read set (a program's, or the union of the
// read sets of the programs that decide on it), with no facts tree and no unread-key
// bookkeeping. One per thread; what it binds points into its parser, so bound facts are
// valid until its next Parse.
//
// Parse or Bind declines (false / kDeclined) when the strict path must read the document:
// it is not JSON simdjson accepts, its top level is not a mapping, it starts with a byte
// order mark or is over 1 MiB, or a read path holds a key twice or an integer beyond int64
// (the strict loader refuses those documents, with a message this path does not build).
// What no rule reads is not checked beyond simdjson's validation (UTF-8, nesting, numbers).
class JsonFacts {
 public:
  JsonFacts();
  ~JsonFacts();
  JsonFacts(const JsonFacts&) = delete;
  JsonFacts& operator=(const JsonFacts&) = delete;

  // Reads `text` in place when 64 readable bytes follow it (`padded`: a JSON Lines block
  // leaves them; a string whose capacity does), else from a padded copy.
  [[nodiscard]] bool Parse(std::string_view text, bool padded);

  [[nodiscard]] bool Parse(const std::string& text) {
    return Parse(text, text.capacity() >= text.size() + 64);
  }

  // The string at `object.field` of the parsed document ("" when absent or not a string).
  [[nodiscard]] std::string StringAt(std::string_view object, std::string_view field) const;

  // Whether the strict loader (facts::ParseJson, then a FactSet) would read the parsed
  // document too: no key twice in any mapping, no integer beyond int64, no more values or
  // deeper nesting than the facts limits allow. Parse checks only the read set's paths; a
  // replay whose report shows a release's findings asks this of the whole document, so
  // that what it explains in place is what `eval` would have read. Errs towards false:
  // a document near a limit is left to the strict path, which says what is wrong.
  [[nodiscard]] bool StrictlyReadable() const;

  enum class Binding { kBound, kDeclined };
  [[nodiscard]] Binding Bind(const compile::Program& program, const compile::ReadPath& reads,
                             BoundFacts& out) const;

 private:
  struct Parser;
  std::unique_ptr<Parser> parser_;
};

}  // namespace relgate::eval
