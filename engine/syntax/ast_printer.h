// A compact, deterministic S-expression dump of the AST, used by parser tests and
// goldens: `(and (>= (call count reviewers) 2) builder.hosted)`.
#pragma once

#include <string>

#include "engine/syntax/ast.h"

namespace relgate::syntax {

[[nodiscard]] std::string PrintExpr(const Expr& expr);
[[nodiscard]] std::string PrintModule(const Module& module);

}  // namespace relgate::syntax
