#include "engine/syntax/ast.h"

namespace relgate::syntax {

const char* OpText(Op op) {
  switch (op) {
    case Op::kNone: return "";
    case Op::kNeg: return "-";
    case Op::kNot: return "not";
    case Op::kMul: return "*";
    case Op::kDiv: return "/";
    case Op::kMod: return "%";
    case Op::kAdd: return "+";
    case Op::kSub: return "-";
    case Op::kCoalesce: return "??";
    case Op::kEq: return "==";
    case Op::kNe: return "!=";
    case Op::kLt: return "<";
    case Op::kLe: return "<=";
    case Op::kGt: return ">";
    case Op::kGe: return ">=";
    case Op::kIn: return "in";
    case Op::kNotIn: return "not in";
    case Op::kMatches: return "matches";
    case Op::kAnd: return "and";
    case Op::kOr: return "or";
  }
  return "";
}

}  // namespace relgate::syntax
