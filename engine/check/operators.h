// The operator table: which operand types each arithmetic and ordering operator takes,
// what it yields, and which typed operation runs it. The checker types expressions from
// it, the compiler picks each node's operation from it, and the interpreter implements
// each operation once (compile/machine.cpp, a switch over Arith): the three cannot
// disagree about what `time - time` or `int * duration` means.
#pragma once

#include <cstdint>

#include "engine/check/types.h"
#include "engine/syntax/ast.h"
#include "engine/types/arith.h"

namespace relgate::check {

using types::Arith;  // engine/types/arith.h

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
