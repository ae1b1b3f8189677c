// The typed operations the interpreter implements (compile/machine.cpp, a switch over
// Arith). The checker's operator table (check/operators.h) maps each operator and
// operand types to one; the compiled program stores it in its nodes.
#pragma once

#include <cstdint>

namespace relgate::types {

enum class Arith : uint8_t {
  kAddInt,
  kSubInt,
  kMulInt,
  kDivInt,
  kModInt,
  kAddFloat,
  kSubFloat,
  kMulFloat,
  kDivFloat,
  kConcat,
  kAddDuration,
  kSubDuration,
  kMulDuration,  // duration * int, int * duration
  kDivDuration,  // duration / int
  kTimePlusDuration,
  kTimeMinusDuration,
  kTimeMinusTime,
};

}  // namespace relgate::types
