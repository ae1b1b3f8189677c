// Shared between parse.cpp and lower.cpp only: the two translation units that see the
// generated ANTLR headers. Nothing outside engine/syntax includes this file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "GateParser.h"

#include "engine/base/diagnostic.h"
#include "engine/syntax/ast.h"
#include "engine/syntax/parse.h"

namespace relgate::syntax::internal {

// Maps ANTLR's code-point indices to byte offsets in the file (they differ as soon as
// the file holds non-ASCII text), shifted by `base` for template holes parsed from a
// substring of the file.
struct OffsetMap {
  FileId file = 0;
  uint32_t base = 0;                   // byte offset of the parsed text in the file
  std::vector<uint32_t> byte_of_char;  // empty when the text is ASCII

  uint32_t Byte(size_t char_index) const {
    if (byte_of_char.empty())
      return base + static_cast<uint32_t>(char_index);
    if (char_index >= byte_of_char.size())
      return base + byte_of_char.back();
    return base + byte_of_char[char_index];
  }

  static OffsetMap For(FileId file, uint32_t base, std::string_view text);
};

// Parses `text` (a substring of the file starting at offsets.base) with the given entry
// rule and lowers it; used for whole files and for `{expr}` holes in templates.
ExprPtr ParseHole(const SourceMap& sources, FileId file, uint32_t base, std::string_view text,
                  IdAllocator& ids, DiagnosticSink& sink);

class Lowerer {
 public:
  Lowerer(const SourceMap& sources, OffsetMap offsets, IdAllocator& ids, DiagnosticSink& sink)
      : sources_(sources), offsets_(std::move(offsets)), ids_(ids), sink_(sink) {}

  Module LowerFile(grammar::GateParser::FileContext* ctx);
  ExprPtr LowerExpr(grammar::GateParser::ExprContext* ctx);

 private:
  Span SpanOf(antlr4::ParserRuleContext* ctx) const;
  Span SpanOf(antlr4::Token* token) const;
  ExprPtr NewExpr(ExprKind kind, Span span);
  ExprPtr LowerPrimary(grammar::GateParser::PrimaryContext* ctx);
  ExprPtr Binary(Op op, grammar::GateParser::ExprContext* ctx,
                 grammar::GateParser::ExprContext* lhs, grammar::GateParser::ExprContext* rhs);
  std::unique_ptr<TypeExpr> LowerType(grammar::GateParser::TypeExprContext* ctx);
  std::vector<FieldDecl> LowerFields(grammar::GateParser::FieldListContext* ctx);
  Template LowerTemplate(antlr4::Token* token);
  // A hole that is a plain fact path (`d.name`, `release.branch`), the common case,
  // lowered without starting a parser: the same nodes, ids and spans the parser's path
  // gives. Null when the hole is anything else (then it is parsed).
  ExprPtr LowerDottedHole(std::string_view hole, uint32_t base);
  std::string Unescape(antlr4::Token* token);
  // The token of a string outside a message; reports a template-shaped token (holes
  // with strings inside) that cannot be meant as one string.
  antlr4::Token* PlainString(grammar::GateParser::StrContext* ctx);
  int64_t LowerTime(antlr4::Token* token, bool end_of_day);

  const SourceMap& sources_;
  OffsetMap offsets_;
  IdAllocator& ids_;
  DiagnosticSink& sink_;
  size_t depth_ = 0;
};

}  // namespace relgate::syntax::internal
