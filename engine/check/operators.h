// The operator table: which operand types each arithmetic and ordering operator takes,
// what it yields, and which typed operation runs it. The checker types expressions from
// it, the compiler picks each node's operation from it, and the interpreter implements
// each operation once (compile/machine.cpp, a switch over Arith): the three cannot
// disagree about what `time - time` or `int * duration` means.
#pragma once

#include <cstdint>

#include "engine/check/types.h"
#include "engine/syntax/ast.h"

namespace relgate::check {

// The typed operations the interpreter implements.
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

struct ArithmeticRule {
  syntax::Op op;
  TypeKind left;
  TypeKind right;
  TypeKind result;
  Arith arith;
  bool swap;  // evaluate with the operands swapped (`duration + time` as time + duration)
};

// The rule for `left op right` (op one of + - * / %), or null when the types do not
// combine.
[[nodiscard]] const ArithmeticRule* FindArithmetic(syntax::Op op, TypeKind left, TypeKind right);

// Whether `<`, `<=`, `>`, `>=` order values of these kinds: numbers with numbers, and
// strings, times, durations and versions with their own kind.
[[nodiscard]] bool Orders(TypeKind left, TypeKind right);

}  // namespace relgate::check
