// ParseTree -> AST. Typed functions dispatching on the labelled-alternative context
// classes (as cel-cpp's ParserVisitor does) rather than the generated visitor, whose
// return type differs between ANTLR runtime versions. Literal values (escapes, durations,
// dates) are decoded here, and malformed ones are diagnostics at the literal.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "GateParser.h"

#include "engine/base/limits.h"
#include "engine/base/time.h"
#include "engine/syntax/internal/lowering.h"

namespace relgate::syntax::internal {

using grammar::GateParser;

Span Lowerer::SpanOf(antlr4::ParserRuleContext* ctx) const {
  antlr4::Token* start = ctx->getStart();
  antlr4::Token* stop = ctx->getStop();
  const uint32_t begin = offsets_.Byte(start->getStartIndex());
  uint32_t end = begin;
  if (stop != nullptr && stop->getType() != antlr4::Token::EOF &&
      stop->getStopIndex() + 1 >= start->getStartIndex()) {
    end = offsets_.Byte(stop->getStopIndex() + 1);
  }
  return Span{offsets_.file, begin, end};
}

Span Lowerer::SpanOf(antlr4::Token* token) const {
  return Span{offsets_.file, offsets_.Byte(token->getStartIndex()),
              offsets_.Byte(token->getStopIndex() + 1)};
}

ExprPtr Lowerer::NewExpr(ExprKind kind, Span span) {
  auto expr = std::make_unique<Expr>();
  expr->kind = kind;
  expr->span = span;
  expr->id = ids_.Next();
  return expr;
}

std::string Lowerer::Unescape(antlr4::Token* token) {
  const std::string raw = token->getText();
  std::string out;
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    if (raw[i] != '\\') {
      out += raw[i];
      continue;
    }
    ++i;
    switch (raw[i]) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '{': out += "\\{"; break;  // kept escaped: templates decide what a brace means
      case '}': out += "\\}"; break;
      default: {
        Span span = SpanOf(token);
        sink_.Error("bad-escape", span, fmt::format("unknown escape `\\{}` in string", raw[i]),
                    "use \\n, \\t, \\r, \\\", \\\\, \\{ or \\}");
      }
    }
  }
  return out;
}

antlr4::Token* Lowerer::PlainString(GateParser::StrContext* ctx) {
  antlr4::Token* token = ctx->getStart();
  if (token->getType() != GateParser::TEMPLATE)
    return token;
  // Where a message could stand (before `:` or at the end of a line) the lexer takes the
  // longest template: `s == "{a" or s == "b}"` would read as one string. A quote inside
  // is the sign; outside a message that is never what was meant.
  const std::string raw = token->getText();
  for (size_t i = 1; i + 1 < raw.size(); ++i) {
    if (raw[i] == '\\') {
      ++i;
    } else if (raw[i] == '"') {
      sink_.Error("bad-literal", SpanOf(token),
                  "this reads as one string whose `{...}` holds strings, which only a rule's "
                  "message can have",
                  "if these are separate strings, write the brace as `\\{`");
      break;
    }
  }
  return token;
}

int64_t Lowerer::LowerTime(antlr4::Token* token, bool end_of_day) {
  const std::string text = token->getText();
  std::optional<int64_t> value;
  if (token->getType() == GateParser::DATE) {
    value = ParseDate(text);
    if (value && end_of_day && __builtin_add_overflow(*value, 86400 * kNanosPerSecond, &*value)) {
      value.reset();
    }
  } else {
    value = ParseRfc3339(text);
  }
  if (!value) {
    const std::string problem = TimeProblem(text);
    sink_.Error("bad-literal", SpanOf(token),
                problem.empty() ? fmt::format("invalid date `{}`", text)
                                : fmt::format("`{}` {}", text, problem),
                "write a calendar date between 1678 and 2261 as YYYY-MM-DD, or an RFC 3339 time");
    return 0;
  }
  return *value;
}

ExprPtr Lowerer::LowerDottedHole(std::string_view hole, uint32_t base) {
  // What the lexer reads as a keyword cannot start a path (`{now}`, `{count(x)}`).
  static constexpr std::string_view kKeywords[] = {
      "package", "import", "as",   "with",  "facts",  "let",    "const", "deny",  "hold",
      "warn",    "for",    "in",   "where", "except", "when",   "until", "owner", "reason",
      "map",     "skip",   "from", "all",   "any",    "none",   "count", "has",   "now",
      "true",    "false",  "not",  "and",   "or",     "matches"};
  constexpr size_t kMaxSegments = 16;
  std::vector<std::pair<uint32_t, uint32_t>> segments;  // [begin, end) within the hole
  size_t at = 0;
  while (true) {
    const size_t start = at;
    if (at >= hole.size() ||
        !(std::isalpha(static_cast<unsigned char>(hole[at])) || hole[at] == '_'))
      return nullptr;
    while (at < hole.size() &&
           (std::isalnum(static_cast<unsigned char>(hole[at])) || hole[at] == '_'))
      ++at;
    segments.emplace_back(static_cast<uint32_t>(start), static_cast<uint32_t>(at));
    if (segments.size() > kMaxSegments)
      return nullptr;
    if (at == hole.size())
      break;
    if (hole[at] != '.')
      return nullptr;
    ++at;
  }
  const std::string_view first = hole.substr(0, segments[0].second);
  if (std::find(std::begin(kKeywords), std::end(kKeywords), first) != std::end(kKeywords))
    return nullptr;
  // The parser lowers `a.b.c` outside in: the outermost member first, the name last.
  std::vector<ExprPtr> members;
  for (size_t k = segments.size(); k-- > 1;) {
    ExprPtr member =
        NewExpr(ExprKind::kMember, Span{offsets_.file, base, base + segments[k].second});
    member->text =
        std::string(hole.substr(segments[k].first, segments[k].second - segments[k].first));
    member->var_span = Span{offsets_.file, base + segments[k].first, base + segments[k].second};
    members.push_back(std::move(member));
  }
  ExprPtr expr = NewExpr(ExprKind::kName, Span{offsets_.file, base, base + segments[0].second});
  expr->text = std::string(first);
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    (*it)->children.push_back(std::move(expr));
    expr = std::move(*it);
  }
  return expr;
}

// Splits a message template into literal parts and `{expr}` holes. `{{` and `}}` (or
// `\{`, `\}`) are literal braces; each hole is parsed as an expression with spans that
// point into the file.
Template Lowerer::LowerTemplate(antlr4::Token* token) {
  Template tmpl;
  tmpl.span = SpanOf(token);
  const std::string& text = sources_.file(offsets_.file).text();
  // Work on the raw bytes of the token so hole spans are exact.
  const uint32_t begin = tmpl.span.begin + 1;
  const uint32_t end = tmpl.span.end - 1;
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) {
      tmpl.parts.push_back({literal, nullptr});
      literal.clear();
    }
  };
  for (uint32_t i = begin; i < end; ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < end) {
      const char n = text[++i];
      switch (n) {
        case 'n': literal += '\n'; break;
        case 't': literal += '\t'; break;
        case 'r': literal += '\r'; break;
        case '"':
        case '\\':
        case '{':
        case '}': literal += n; break;
        default:
          sink_.Error("bad-escape", Span{offsets_.file, i - 1, i + 1},
                      fmt::format("unknown escape `\\{}` in string", n));
      }
    } else if (c == '{' && i + 1 < end && text[i + 1] == '{') {
      literal += '{';
      ++i;
    } else if (c == '}' && i + 1 < end && text[i + 1] == '}') {
      literal += '}';
      ++i;
    } else if (c == '{') {
      // Find the matching close brace, skipping string literals inside the hole.
      uint32_t j = i + 1;
      int depth = 1;
      bool in_string = false;
      for (; j < end; ++j) {
        if (text[j] == '\\') {
          ++j;  // an escaped character, in a string or not, is never a quote or a brace
        } else if (in_string) {
          if (text[j] == '"')
            in_string = false;
        } else if (text[j] == '"') {
          in_string = true;
        } else if (text[j] == '{') {
          ++depth;
        } else if (text[j] == '}' && --depth == 0) {
          break;
        }
      }
      if (j >= end) {
        sink_.Error("bad-template", Span{offsets_.file, i, i + 1},
                    "unclosed `{` in message template", "write `{{` for a literal brace");
        return tmpl;
      }
      flush();
      std::string_view hole(text.data() + i + 1, j - i - 1);
      if (hole.find_first_not_of(" \t") == std::string_view::npos) {
        sink_.Error("bad-template", Span{offsets_.file, i, j + 1}, "empty `{}` in message template",
                    "write `{{}}` for literal braces");
      } else {
        ExprPtr expr = LowerDottedHole(hole, i + 1);
        if (!expr)
          expr = ParseHole(sources_, offsets_.file, i + 1, hole, ids_, sink_);
        if (expr)
          tmpl.parts.push_back({"", std::move(expr)});
      }
      i = j;
    } else if (c == '}') {
      sink_.Error("bad-template", Span{offsets_.file, i, i + 1},
                  "unmatched `}` in message template", "write `}}` for a literal brace");
    } else {
      literal += c;
    }
  }
  flush();
  return tmpl;
}

std::vector<FieldDecl> Lowerer::LowerFields(GateParser::FieldListContext* ctx) {
  std::vector<FieldDecl> fields;
  for (auto* field : ctx->fieldType()) {
    FieldDecl decl;
    decl.name = field->name()->getText();
    decl.span = SpanOf(field->name());
    decl.type = LowerType(field->typeExpr());
    fields.push_back(std::move(decl));
  }
  return fields;
}

std::unique_ptr<TypeExpr> Lowerer::LowerType(GateParser::TypeExprContext* ctx) {
  auto type = std::make_unique<TypeExpr>();
  type->span = SpanOf(ctx);
  type->optional = ctx->QUESTION() != nullptr;
  GateParser::BaseTypeContext* base = ctx->baseType();
  if (auto* named = dynamic_cast<GateParser::NamedTypeContext*>(base)) {
    type->kind = TypeExprKind::kNamed;
    type->name = named->IDENT()->getText();
  } else if (auto* list = dynamic_cast<GateParser::ListTypeContext*>(base)) {
    type->kind = TypeExprKind::kList;
    type->element = LowerType(list->typeExpr());
  } else if (auto* record = dynamic_cast<GateParser::RecordTypeContext*>(base)) {
    type->kind = TypeExprKind::kRecord;
    type->fields = LowerFields(record->fieldList());
  } else if (auto* map = dynamic_cast<GateParser::MapTypeContext*>(base)) {
    type->kind = TypeExprKind::kMap;
    type->key = LowerType(map->typeExpr(0));
    type->element = LowerType(map->typeExpr(1));
  }
  return type;
}

ExprPtr Lowerer::Binary(Op op, GateParser::ExprContext* ctx, GateParser::ExprContext* lhs,
                        GateParser::ExprContext* rhs) {
  ExprPtr expr = NewExpr(ExprKind::kBinary, SpanOf(ctx));
  expr->op = op;
  expr->children.push_back(LowerExpr(lhs));
  expr->children.push_back(LowerExpr(rhs));
  return expr;
}

ExprPtr Lowerer::LowerExpr(GateParser::ExprContext* ctx) {
  struct DepthGuard {
    size_t& depth;

    explicit DepthGuard(size_t& d) : depth(d) { ++depth; }

    ~DepthGuard() { --depth; }
  } guard(depth_);

  if (depth_ > limits::kMaxExprDepth) {
    if (depth_ == limits::kMaxExprDepth + 1) {
      sink_.Error("too-deep", SpanOf(ctx),
                  fmt::format("expression nested deeper than {} levels", limits::kMaxExprDepth),
                  "split it with `let` bindings");
    }
    return NewExpr(ExprKind::kBool, SpanOf(ctx));
  }

  if (auto* c = dynamic_cast<GateParser::PrimaryExprContext*>(ctx)) {
    return LowerPrimary(c->primary());
  }
  if (auto* c = dynamic_cast<GateParser::MethodExprContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kMethod, SpanOf(ctx));
    expr->text = c->name()->getText();
    expr->var_span = SpanOf(c->name());
    expr->children.push_back(LowerExpr(c->expr()));
    if (c->args() != nullptr) {
      for (auto* arg : c->args()->expr())
        expr->children.push_back(LowerExpr(arg));
    }
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::MemberExprContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kMember, SpanOf(ctx));
    expr->text = c->name()->getText();
    expr->var_span = SpanOf(c->name());
    expr->children.push_back(LowerExpr(c->expr()));
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::IndexExprContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kIndex, SpanOf(ctx));
    expr->children.push_back(LowerExpr(c->expr(0)));
    expr->children.push_back(LowerExpr(c->expr(1)));
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::NegateExprContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kUnary, SpanOf(ctx));
    expr->op = Op::kNeg;
    expr->children.push_back(LowerExpr(c->expr()));
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::NotExprContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kUnary, SpanOf(ctx));
    expr->op = Op::kNot;
    expr->children.push_back(LowerExpr(c->expr()));
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::MulExprContext*>(ctx)) {
    const Op op = c->op->getType() == GateParser::STAR    ? Op::kMul
                  : c->op->getType() == GateParser::SLASH ? Op::kDiv
                                                          : Op::kMod;
    return Binary(op, ctx, c->expr(0), c->expr(1));
  }
  if (auto* c = dynamic_cast<GateParser::AddExprContext*>(ctx)) {
    return Binary(c->op->getType() == GateParser::PLUS ? Op::kAdd : Op::kSub, ctx, c->expr(0),
                  c->expr(1));
  }
  if (auto* c = dynamic_cast<GateParser::CoalesceExprContext*>(ctx)) {
    return Binary(Op::kCoalesce, ctx, c->expr(0), c->expr(1));
  }
  if (auto* c = dynamic_cast<GateParser::CompareExprContext*>(ctx)) {
    Op op = Op::kEq;
    switch (c->op->getType()) {
      case GateParser::EQ: op = Op::kEq; break;
      case GateParser::NE: op = Op::kNe; break;
      case GateParser::LT: op = Op::kLt; break;
      case GateParser::LE: op = Op::kLe; break;
      case GateParser::GT: op = Op::kGt; break;
      case GateParser::GE: op = Op::kGe; break;
      default: break;
    }
    return Binary(op, ctx, c->expr(0), c->expr(1));
  }
  if (auto* c = dynamic_cast<GateParser::InExprContext*>(ctx)) {
    return Binary(c->NOT() != nullptr ? Op::kNotIn : Op::kIn, ctx, c->expr(0), c->expr(1));
  }
  if (auto* c = dynamic_cast<GateParser::MatchesExprContext*>(ctx)) {
    return Binary(Op::kMatches, ctx, c->expr(0), c->expr(1));
  }
  if (auto* c = dynamic_cast<GateParser::AndExprContext*>(ctx)) {
    return Binary(Op::kAnd, ctx, c->expr(0), c->expr(1));
  }
  if (auto* c = dynamic_cast<GateParser::OrExprContext*>(ctx)) {
    return Binary(Op::kOr, ctx, c->expr(0), c->expr(1));
  }
  throw InternalError(fmt::format("unhandled expression alternative: {}", ctx->getText()));
}

ExprPtr Lowerer::LowerPrimary(GateParser::PrimaryContext* ctx) {
  const Span span = SpanOf(ctx);
  if (auto* c = dynamic_cast<GateParser::IntLitContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kInt, span);
    const std::string text = c->INT()->getText();
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (errno == ERANGE) {
      sink_.Error("bad-literal", span, fmt::format("integer `{}` is out of range", text),
                  "integers are 64-bit signed");
    }
    expr->int_value = value;
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::FloatLitContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kFloat, span);
    expr->float_value = std::strtod(c->FLOAT()->getText().c_str(), nullptr);
    if (!std::isfinite(expr->float_value)) {
      sink_.Error("bad-literal", span,
                  fmt::format("number `{}` is out of range", c->FLOAT()->getText()));
    }
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::StringLitContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kString, span);
    expr->text = Unescape(PlainString(c->str()));
    // Outside templates, `\{` is just a brace.
    std::string plain;
    for (size_t i = 0; i < expr->text.size(); ++i) {
      if (expr->text[i] == '\\' && i + 1 < expr->text.size() &&
          (expr->text[i + 1] == '{' || expr->text[i + 1] == '}')) {
        continue;
      }
      plain += expr->text[i];
    }
    expr->text = plain;
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::BoolLitContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kBool, span);
    expr->bool_value = c->TRUE() != nullptr;
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::DurationLitContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kDuration, span);
    const std::string text = c->DURATION()->getText();
    auto value = ParseDuration(text);
    if (!value) {
      sink_.Error("bad-literal", span, fmt::format("duration `{}` is out of range", text));
    }
    expr->int_value = value.value_or(0);
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::TimeLitContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kTime, span);
    expr->int_value = LowerTime(
        c->DATE() != nullptr ? c->DATE()->getSymbol() : c->DATETIME()->getSymbol(), false);
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::RegexLitContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kRegex, span);
    const std::string raw = c->REGEX()->getText();
    // `\/` is how a slash is written inside /.../; RE2 wants a plain `/`.
    std::string pattern;
    for (size_t i = 1; i + 1 < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 2 < raw.size() && raw[i + 1] == '/') {
        pattern += '/';
        ++i;
      } else {
        pattern += raw[i];
      }
    }
    expr->text = pattern;
    return expr;
  }
  if (dynamic_cast<GateParser::NowLitContext*>(ctx) != nullptr) {
    return NewExpr(ExprKind::kNow, span);
  }
  if (auto* c = dynamic_cast<GateParser::QuantifierContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kQuantifier, span);
    switch (c->quant->getType()) {
      case GateParser::ALL: expr->quantifier = Quantifier::kAll; break;
      case GateParser::ANY: expr->quantifier = Quantifier::kAny; break;
      case GateParser::NONE: expr->quantifier = Quantifier::kNone; break;
      default: expr->quantifier = Quantifier::kCount; break;
    }
    expr->var = c->IDENT()->getText();
    expr->var_span = SpanOf(c->IDENT()->getSymbol());
    expr->children.push_back(LowerExpr(c->expr(0)));
    expr->children.push_back(LowerExpr(c->expr(1)));
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::HasCallContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kHas, span);
    expr->children.push_back(LowerExpr(c->expr()));
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::CallContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kCall, span);
    antlr4::tree::TerminalNode* name = c->IDENT() != nullptr ? c->IDENT() : c->COUNT();
    expr->text = name->getText();
    expr->var_span = SpanOf(name->getSymbol());
    if (c->args() != nullptr) {
      for (auto* arg : c->args()->expr())
        expr->children.push_back(LowerExpr(arg));
    }
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::NameRefContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kName, span);
    expr->text = c->IDENT()->getText();
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::ParenContext*>(ctx)) {
    ExprPtr inner = LowerExpr(c->expr());
    inner->span = span;  // the parentheses belong to the sub-expression's text
    return inner;
  }
  auto comprehension = [&](bool is_set, std::vector<GateParser::ExprContext*> exprs,
                           antlr4::tree::TerminalNode* var, bool has_where) {
    ExprPtr expr = NewExpr(ExprKind::kComprehension, span);
    expr->is_set = is_set;
    expr->has_filter = has_where;
    expr->var = var->getText();
    expr->var_span = SpanOf(var->getSymbol());
    for (auto* e : exprs)
      expr->children.push_back(LowerExpr(e));
    return expr;
  };
  if (auto* c = dynamic_cast<GateParser::ListCompContext*>(ctx)) {
    return comprehension(false, c->expr(), c->IDENT(), c->WHERE() != nullptr);
  }
  if (auto* c = dynamic_cast<GateParser::SetCompContext*>(ctx)) {
    return comprehension(true, c->expr(), c->IDENT(), c->WHERE() != nullptr);
  }
  if (auto* c = dynamic_cast<GateParser::ListLitContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kList, span);
    for (auto* e : c->expr())
      expr->children.push_back(LowerExpr(e));
    return expr;
  }
  if (auto* c = dynamic_cast<GateParser::SetLitContext*>(ctx)) {
    ExprPtr expr = NewExpr(ExprKind::kSet, span);
    for (auto* e : c->expr())
      expr->children.push_back(LowerExpr(e));
    return expr;
  }
  throw InternalError(fmt::format("unhandled primary alternative: {}", ctx->getText()));
}

Module Lowerer::LowerFile(GateParser::FileContext* ctx) {
  Module module;
  module.file = offsets_.file;
  if (auto* pkg = ctx->packageDecl()) {
    module.package = pkg->qualifiedName()->getText();
    module.package_span = SpanOf(pkg->qualifiedName());
  }
  for (auto* imp : ctx->importDecl()) {
    Import import;
    import.span = SpanOf(imp);
    if (imp->str() != nullptr) {
      import.is_path = true;
      import.target = Unescape(PlainString(imp->str()));
    } else {
      import.target = imp->qualifiedName()->getText();
      auto names = imp->qualifiedName()->name();
      import.alias = names.back()->getText();
      import.alias_span = SpanOf(names.back());
    }
    if (imp->AS() != nullptr) {
      import.alias = imp->IDENT()->getText();
      import.alias_span = SpanOf(imp->IDENT()->getSymbol());
    }
    for (auto* param : imp->paramSet()) {
      import.params.push_back(
          {param->name()->getText(), SpanOf(param->name()), LowerExpr(param->expr())});
    }
    for (auto* sel : imp->ruleSelection()) {
      RuleSelection selection;
      selection.span = SpanOf(sel);
      if (sel->FROM() != nullptr) {
        selection.kind = SelectionKind::kFrom;
        selection.when_text = sel->when->getText();
        selection.when = LowerTime(sel->when, /*end_of_day=*/false);
      } else {
        selection.kind =
            sel->kind->getType() == GateParser::SKIP_ ? SelectionKind::kSkip : SelectionKind::kWarn;
      }
      for (auto* name : sel->ruleList()->IDENT())
        selection.rules.emplace_back(name->getText(), SpanOf(name->getSymbol()));
      import.selections.push_back(std::move(selection));
    }
    module.imports.push_back(std::move(import));
  }
  for (auto* decl : ctx->decl()) {
    if (auto* facts = decl->factsDecl()) {
      for (FieldDecl& field : LowerFields(facts->fieldList())) {
        module.facts.push_back(std::move(field));
      }
    } else if (auto* let = decl->letDecl()) {
      Binding binding;
      binding.name = let->IDENT()->getText();
      binding.span = SpanOf(let);
      binding.name_span = SpanOf(let->IDENT()->getSymbol());
      if (let->typeExpr() != nullptr)
        binding.type = LowerType(let->typeExpr());
      binding.value = LowerExpr(let->expr());
      module.bindings.push_back(std::move(binding));
    } else if (auto* cst = decl->constDecl()) {
      Binding binding;
      binding.is_const = true;
      binding.name = cst->IDENT()->getText();
      binding.span = SpanOf(cst);
      binding.name_span = SpanOf(cst->IDENT()->getSymbol());
      if (cst->typeExpr() != nullptr)
        binding.type = LowerType(cst->typeExpr());
      if (cst->expr() != nullptr)
        binding.value = LowerExpr(cst->expr());
      for (auto* constraint : cst->constraint()) {
        binding.constraints.push_back({LowerExpr(constraint->expr()),
                                       Unescape(PlainString(constraint->str())),
                                       SpanOf(constraint)});
      }
      module.bindings.push_back(std::move(binding));
    } else if (auto* rule = decl->ruleDecl()) {
      Rule r;
      switch (rule->level->getType()) {
        case GateParser::WARN: r.level = Level::kAdvisory; break;
        case GateParser::HOLD: r.level = Level::kSoft; break;
        default: r.level = Level::kHard; break;
      }
      r.span = SpanOf(rule);
      r.name = rule->IDENT(0)->getText();
      r.name_span = SpanOf(rule->IDENT(0)->getSymbol());
      if (rule->FROM() != nullptr) {
        r.rollout_text = rule->when->getText();
        r.rollout = LowerTime(rule->when, /*end_of_day=*/false);
      }
      auto exprs = rule->expr();
      size_t next = 0;
      if (rule->FOR() != nullptr) {
        r.has_for = true;
        r.var = rule->IDENT(1)->getText();
        r.var_span = SpanOf(rule->IDENT(1)->getSymbol());
        r.over = LowerExpr(exprs[next++]);
        if (rule->WHERE() != nullptr)
          r.filter = LowerExpr(exprs[next++]);
      }
      r.message = LowerTemplate(rule->str()->getStart());
      if (next < exprs.size()) {
        r.condition = LowerExpr(exprs[next]);
      } else if (r.filter) {
        // `deny r for x in L where C "message"`: every item the filter selects is a
        // finding, as if the condition were `false`. The synthetic literal has an empty
        // span, so explanations show the filter's values, not a made-up `false`.
        r.condition =
            NewExpr(ExprKind::kBool, Span{offsets_.file, r.message.span.end, r.message.span.end});
        r.condition->bool_value = false;
        r.condition_implied = true;
      } else {
        sink_.Error("syntax", r.message.span, "a rule needs `: condition` after its message",
                    "only a `for ... where ...` rule may leave it out: every item it selects "
                    "is then a finding");
        r.condition = NewExpr(ExprKind::kBool, r.message.span);
      }
      module.rules.push_back(std::move(r));
    } else if (auto* exc = decl->exceptDecl()) {
      Exception e;
      e.span = SpanOf(exc);
      e.rule = exc->qualifiedName()->getText();
      e.rule_span = SpanOf(exc->qualifiedName());
      if (exc->expr() != nullptr)
        e.condition = LowerExpr(exc->expr());
      e.until_text = exc->until->getText();
      e.until = LowerTime(exc->until, /*end_of_day=*/true);
      e.owner = Unescape(PlainString(exc->str(0)));
      e.reason = Unescape(PlainString(exc->str(1)));
      module.exceptions.push_back(std::move(e));
    }
  }
  return module;
}

}  // namespace relgate::syntax::internal
