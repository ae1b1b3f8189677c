#include "engine/check/operators.h"

namespace relgate::check {
namespace {

using syntax::Op;
using K = TypeKind;

// clang-format off
constexpr ArithmeticRule kArithmetic[] = {
  // op       left         right        result       operation                  swap
  {Op::kAdd, K::kInt,      K::kInt,      K::kInt,      Arith::kAddInt,            false},
  {Op::kAdd, K::kInt,      K::kFloat,    K::kFloat,    Arith::kAddFloat,          false},
  {Op::kAdd, K::kFloat,    K::kInt,      K::kFloat,    Arith::kAddFloat,          false},
  {Op::kAdd, K::kFloat,    K::kFloat,    K::kFloat,    Arith::kAddFloat,          false},
  {Op::kAdd, K::kString,   K::kString,   K::kString,   Arith::kConcat,            false},
  {Op::kAdd, K::kDuration, K::kDuration, K::kDuration, Arith::kAddDuration,       false},
  {Op::kAdd, K::kTime,     K::kDuration, K::kTime,     Arith::kTimePlusDuration,  false},
  {Op::kAdd, K::kDuration, K::kTime,     K::kTime,     Arith::kTimePlusDuration,  true},
  {Op::kSub, K::kInt,      K::kInt,      K::kInt,      Arith::kSubInt,            false},
  {Op::kSub, K::kInt,      K::kFloat,    K::kFloat,    Arith::kSubFloat,          false},
  {Op::kSub, K::kFloat,    K::kInt,      K::kFloat,    Arith::kSubFloat,          false},
  {Op::kSub, K::kFloat,    K::kFloat,    K::kFloat,    Arith::kSubFloat,          false},
  {Op::kSub, K::kDuration, K::kDuration, K::kDuration, Arith::kSubDuration,       false},
  {Op::kSub, K::kTime,     K::kDuration, K::kTime,     Arith::kTimeMinusDuration, false},
  {Op::kSub, K::kTime,     K::kTime,     K::kDuration, Arith::kTimeMinusTime,     false},
  {Op::kMul, K::kInt,      K::kInt,      K::kInt,      Arith::kMulInt,            false},
  {Op::kMul, K::kInt,      K::kFloat,    K::kFloat,    Arith::kMulFloat,          false},
  {Op::kMul, K::kFloat,    K::kInt,      K::kFloat,    Arith::kMulFloat,          false},
  {Op::kMul, K::kFloat,    K::kFloat,    K::kFloat,    Arith::kMulFloat,          false},
  {Op::kMul, K::kDuration, K::kInt,      K::kDuration, Arith::kMulDuration,       false},
  {Op::kMul, K::kInt,      K::kDuration, K::kDuration, Arith::kMulDuration,       false},
  {Op::kDiv, K::kInt,      K::kInt,      K::kInt,      Arith::kDivInt,            false},
  {Op::kDiv, K::kInt,      K::kFloat,    K::kFloat,    Arith::kDivFloat,          false},
  {Op::kDiv, K::kFloat,    K::kInt,      K::kFloat,    Arith::kDivFloat,          false},
  {Op::kDiv, K::kFloat,    K::kFloat,    K::kFloat,    Arith::kDivFloat,          false},
  {Op::kDiv, K::kDuration, K::kInt,      K::kDuration, Arith::kDivDuration,       false},
  {Op::kMod, K::kInt,      K::kInt,      K::kInt,      Arith::kModInt,            false},
};
// clang-format on

}  // namespace

const ArithmeticRule* FindArithmetic(syntax::Op op, TypeKind left, TypeKind right) {
  for (const ArithmeticRule& rule : kArithmetic) {
    if (rule.op == op && rule.left == left && rule.right == right)
      return &rule;
  }
  return nullptr;
}

bool Orders(TypeKind left, TypeKind right) {
  const auto numeric = [](TypeKind k) { return k == K::kInt || k == K::kFloat; };
  if (numeric(left) && numeric(right))
    return true;
  return left == right &&
         (left == K::kString || left == K::kTime || left == K::kDuration || left == K::kVersion);
}

}  // namespace relgate::check
