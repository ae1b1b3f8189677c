// The syntax stage: .gate source text -> AST (engine/syntax/ast.h).
//
// Parse errors, lexical errors, bad literals (durations, dates, string escapes) and
// nesting beyond limits::kMaxExprDepth are diagnostics with spans in the sink; the result
// is empty if any error was reported. ANTLR is used only inside this stage: its
// exceptions are caught here and its parse tree is lowered to the AST before returning.
#pragma once

#include <optional>

#include "engine/base/diagnostic.h"
#include "engine/base/source.h"
#include "engine/syntax/ast.h"

namespace relgate::syntax {

// Allocates dense expression ids across all files of one policy.
class IdAllocator {
 public:
  ExprId Next() { return next_++; }

  ExprId count() const { return next_; }

 private:
  ExprId next_ = 0;
};

// How many files this process has parsed: a policy bundle is loaded without the parser,
// and a test holds it to that.
[[nodiscard]] uint64_t ParseCount();

// Parses one file of `sources`.
[[nodiscard]] std::optional<Module> ParseModule(const SourceMap& sources, FileId file,
                                                IdAllocator& ids, DiagnosticSink& sink);

// Parses a single expression (the whole file is the expression); for tests and tools.
[[nodiscard]] ExprPtr ParseExpression(const SourceMap& sources, FileId file, IdAllocator& ids,
                                      DiagnosticSink& sink);

}  // namespace relgate::syntax
