// The read set: which parts of the facts a compiled program can read, laid over its schema
// (Cedar's entity manifest is the anchor). Every rule's list, filter, condition and message,
// every exception and every let is followed from the facts it starts at through field
// accesses, items and loop variables; a value used in any other way (compared, printed,
// passed to a builtin, collected) is read whole. Binding only what is read lets a replay
// skip the rest of each release: most of a real release's facts are read by no rule.
//
// The set is conservative: whatever a rule can read is in it, so binding only the read set
// decides every release exactly as binding everything does.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/types/types.h"

namespace relgate::compile {

class Program;

struct ReadPath {
  // Every part of the value below is read (its fields, items, and theirs).
  bool whole = false;
  // For a record: the fields read, by field index (null: not read). Fields past the end
  // are not read.
  std::vector<std::unique_ptr<ReadPath>> fields;
  // For a list its items, for a map its values (null: only the list itself is read).
  std::unique_ptr<ReadPath> element;

  // The child reached through field `index` / an item, created on first use; nullptr once
  // this path is read whole (then nothing below needs marking).
  ReadPath* Field(size_t index);
  ReadPath* Element();
  void MarkWhole();
  // Adds what `other` reads (a policy deciding beside another with the same schema).
  void Merge(const ReadPath& other);

  // Is field `index` read at all / read whole?
  const ReadPath* FieldRead(size_t index) const {
    return index < fields.size() ? fields[index].get() : nullptr;
  }

  // The paths read, as `dependencies[].name` (a whole value is named by its own path),
  // sorted; `type` is the schema record this path is laid over.
  std::vector<std::string> Describe(const types::Type* type) const;
};

// The read set of every rule, exception and let of `program`, over its schema.
std::unique_ptr<ReadPath> ComputeReadSet(const Program& program);

}  // namespace relgate::compile
