#include "engine/syntax/ast_printer.h"

#include <fmt/format.h>

#include "engine/base/time.h"

namespace relgate::syntax {
namespace {

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += "\"";
  return out;
}

std::string PrintType(const TypeExpr& type) {
  std::string out;
  switch (type.kind) {
    case TypeExprKind::kNamed: out = type.name; break;
    case TypeExprKind::kList: out = fmt::format("[{}]", PrintType(*type.element)); break;
    case TypeExprKind::kMap:
      out = fmt::format("map[{}]{}", PrintType(*type.key), PrintType(*type.element));
      break;
    case TypeExprKind::kRecord: {
      out = "{";
      for (size_t i = 0; i < type.fields.size(); ++i) {
        if (i > 0)
          out += ", ";
        out += fmt::format("{}: {}", type.fields[i].name, PrintType(*type.fields[i].type));
      }
      out += "}";
      break;
    }
  }
  return type.optional ? fmt::format("{}?", out) : out;
}

}  // namespace

std::string PrintExpr(const Expr& e) {
  auto kids = [&](size_t from) {
    std::string out;
    for (size_t i = from; i < e.children.size(); ++i)
      out += fmt::format(" {}", PrintExpr(*e.children[i]));
    return out;
  };
  switch (e.kind) {
    case ExprKind::kInt: return fmt::to_string(e.int_value);
    case ExprKind::kFloat: return fmt::format("{:g}", e.float_value);
    case ExprKind::kString: return Quote(e.text);
    case ExprKind::kBool: return e.bool_value ? "true" : "false";
    case ExprKind::kDuration: return fmt::format("(duration {})", FormatDuration(e.int_value));
    case ExprKind::kTime: return fmt::format("(time {})", FormatRfc3339(e.int_value));
    case ExprKind::kRegex: return fmt::format("/{}/", e.text);
    case ExprKind::kNow: return "now";
    case ExprKind::kName: return e.text;
    case ExprKind::kMember: return fmt::format("(. {} {})", PrintExpr(*e.children[0]), e.text);
    case ExprKind::kIndex: return fmt::format("(index{})", kids(0));
    case ExprKind::kCall: return fmt::format("(call {}{})", e.text, kids(0));
    case ExprKind::kMethod: return fmt::format("(method {}{})", e.text, kids(0));
    case ExprKind::kHas: return fmt::format("(has{})", kids(0));
    case ExprKind::kUnary:
    case ExprKind::kBinary: return fmt::format("({}{})", OpText(e.op), kids(0));
    case ExprKind::kList: return fmt::format("(list{})", kids(0));
    case ExprKind::kSet: return fmt::format("(set{})", kids(0));
    case ExprKind::kComprehension:
      return fmt::format("{}{}{})", e.is_set ? "(set-for " : "(list-for ", e.var, kids(0));
    case ExprKind::kQuantifier: {
      static const char* kNames[] = {"all", "any", "none", "count"};
      return fmt::format("({} {}{})", kNames[static_cast<int>(e.quantifier)], e.var, kids(0));
    }
  }
  return "?";
}

std::string PrintModule(const Module& m) {
  std::string out;
  if (!m.package.empty())
    out += fmt::format("package {}\n", m.package);
  for (const Import& i : m.imports) {
    out += fmt::format("import {}", (i.is_path ? Quote(i.target) : i.target));
    if (!i.alias.empty())
      out += fmt::format(" as {}", i.alias);
    for (const ImportParam& p : i.params)
      out += fmt::format(" {}={}", p.name, PrintExpr(*p.value));
    for (const RuleSelection& s : i.selections) {
      static const char* kKinds[] = {"skip", "warn", "from"};
      out += fmt::format(" {}", kKinds[static_cast<int>(s.kind)]);
      if (s.kind == SelectionKind::kFrom)
        out += fmt::format(" {}", FormatRfc3339(s.when));
      for (const auto& [name, span] : s.rules)
        out += fmt::format(" {}", name);
    }
    out += "\n";
  }
  for (const FieldDecl& f : m.facts)
    out += fmt::format("fact {}: {}\n", f.name, PrintType(*f.type));
  for (const Binding& b : m.bindings) {
    out += fmt::format("{} {}", b.is_const ? "const" : "let", b.name);
    if (b.type)
      out += fmt::format(": {}", PrintType(*b.type));
    if (b.value)
      out += fmt::format(" = {}", PrintExpr(*b.value));
    out += "\n";
  }
  static const char* kLevels[] = {"warn", "hold", "deny"};
  for (const Rule& r : m.rules) {
    out += fmt::format("{} {}", kLevels[static_cast<int>(r.level)], r.name);
    if (r.rollout != 0)
      out += fmt::format(" from {}", FormatRfc3339(r.rollout));
    if (r.has_for) {
      out += fmt::format(" for {} in {}", r.var, PrintExpr(*r.over));
      if (r.filter)
        out += fmt::format(" where {}", PrintExpr(*r.filter));
    }
    out += " msg(";
    for (const TemplatePart& p : r.message.parts) {
      out += p.expr ? fmt::format("{{{}}}", PrintExpr(*p.expr)) : Quote(p.literal);
    }
    out += fmt::format("): {}\n", PrintExpr(*r.condition));
  }
  for (const Exception& e : m.exceptions) {
    out += fmt::format("except {}", e.rule);
    if (e.condition)
      out += fmt::format(" when {}", PrintExpr(*e.condition));
    out += fmt::format(" until {} owner {} reason {}\n", FormatRfc3339(e.until), Quote(e.owner),
                       Quote(e.reason));
  }
  return out;
}

}  // namespace relgate::syntax
