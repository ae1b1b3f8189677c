// The yardstick: rules R1-R8 written by hand in C++ over the same bound facts the
// evaluator reads (slots resolved once by field name), returning the failed rules as a
// bit mask (bit 0 = R1). What the interpreter is compared against.
#pragma once

#include <cstdint>

#include "engine/compile/program.h"
#include "engine/eval/bind.h"

namespace relgate::bench {

class HandWritten {
 public:
  explicit HandWritten(const compile::Program& program);
  uint32_t Evaluate(const eval::BoundFacts& facts) const;

 private:
  struct Slots;
  const Slots* slots_;
};

}  // namespace relgate::bench
