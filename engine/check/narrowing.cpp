// `has(p) and p.x`: the right operand is checked with `p` known present. Only whole
// conditions that are true (or false) prove anything, so `and` and `or` pass proofs
// down and everything else stops them.
#include <fmt/format.h>

#include "engine/check/internal/scope.h"

namespace relgate::check {

using syntax::Expr;
using syntax::ExprKind;
using syntax::Op;

std::string Narrowing::Key(const Expr& expr, const CheckedPolicy& policy) {
  if (expr.kind == ExprKind::kName) {
    const Ref& ref = policy.refs[expr.id];
    switch (ref.kind) {
      case RefKind::kFact: return fmt::format("F{}", ref.index);
      case RefKind::kLet: return fmt::format("T{}", ref.index);
      case RefKind::kLocal: return fmt::format("L{}", ref.index);
      default: return "";
    }
  }
  if (expr.kind == ExprKind::kMember) {
    const std::string base = Key(*expr.children[0], policy);
    return base.empty() ? "" : fmt::format("{}.{}", base, expr.text);
  }
  return "";
}

void Narrowing::AddProvenTrue(const Expr& expr, const CheckedPolicy& policy,
                              std::vector<std::string>& out) {
  if (expr.kind == ExprKind::kHas) {
    const std::string key = Key(*expr.children[0], policy);
    if (!key.empty())
      out.push_back(key);
  } else if (expr.kind == ExprKind::kBinary && expr.op == Op::kAnd) {
    AddProvenTrue(*expr.children[0], policy, out);
    AddProvenTrue(*expr.children[1], policy, out);
  } else if (expr.kind == ExprKind::kUnary && expr.op == Op::kNot) {
    AddProvenFalse(*expr.children[0], policy, out);
  }
}

void Narrowing::AddProvenFalse(const Expr& expr, const CheckedPolicy& policy,
                               std::vector<std::string>& out) {
  if (expr.kind == ExprKind::kBinary && expr.op == Op::kOr) {
    AddProvenFalse(*expr.children[0], policy, out);
    AddProvenFalse(*expr.children[1], policy, out);
  } else if (expr.kind == ExprKind::kUnary && expr.op == Op::kNot) {
    AddProvenTrue(*expr.children[0], policy, out);
  }
}

}  // namespace relgate::check
