// The bool fields of a bound list of records as bit columns, one bit per item, written
// while the list is bound. A rule's per-item truth test of such a field (`d.pinned`,
// `where d.has_install_script`) then answers 64 items with a few word operations instead of
// reading every item's record: for the reference rules, two of the three passes over a
// release's ~140 dependencies.
//
// The bits say exactly what the bound Values say, and no more: `truth` is set where the item
// is a record whose field is the bool true; `other` is set where the item is not a record
// or its field is not a bool (an error value for a missing or ill-typed fact), which the
// kernel hands to the interpreter as it would have without the bits.
#pragma once

#include <cstdint>

#include "engine/base/value.h"

namespace relgate {

struct BoolColumn {
  uint32_t field = 0;  // the field's index in the record
  // (len + 63) / 64 words each, written by the binder only.
  uint64_t* truth = nullptr;
  uint64_t* other = nullptr;
};

struct ListColumns {
  const Value* items = nullptr;  // the list's items: which list these columns describe
  uint32_t len = 0;
  uint32_t count = 0;
  const BoolColumn* columns = nullptr;

  const BoolColumn* Find(uint32_t field) const {
    for (uint32_t k = 0; k < count; ++k) {
      if (columns[k].field == field)
        return &columns[k];
    }
    return nullptr;
  }

  // Bits [base, base + 64) of a column, item `base` in bit 0 (bits past the end are
  // whatever the last word holds there: callers mask them).
  uint64_t Bits(const uint64_t* words, uint32_t base) const {
    const uint32_t w = base / 64, shift = base % 64;
    if (shift == 0)
      return words[w];
    const uint64_t high = w + 1 < (len + 63) / 64 ? words[w + 1] << (64 - shift) : 0;
    return (words[w] >> shift) | high;
  }
};

}  // namespace relgate
