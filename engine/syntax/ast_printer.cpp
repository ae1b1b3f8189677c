#include "engine/syntax/ast_printer.h"

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
  return out + "\"";
}

std::string PrintType(const TypeExpr& type) {
  std::string out;
  switch (type.kind) {
    case TypeExprKind::kNamed: out = type.name; break;
    case TypeExprKind::kList: out = "[" + PrintType(*type.element) + "]"; break;
    case TypeExprKind::kMap:
      out = "map[" + PrintType(*type.key) + "]" + PrintType(*type.element);
      break;
    case TypeExprKind::kRecord: {
      out = "{";
      for (size_t i = 0; i < type.fields.size(); ++i) {
        if (i > 0)
          out += ", ";
        out += type.fields[i].name + ": " + PrintType(*type.fields[i].type);
      }
      out += "}";
      break;
    }
  }
  return type.optional ? out + "?" : out;
}

}  // namespace

std::string PrintExpr(const Expr& e) {
  auto kids = [&](size_t from) {
    std::string out;
    for (size_t i = from; i < e.children.size(); ++i)
      out += " " + PrintExpr(*e.children[i]);
    return out;
  };
  switch (e.kind) {
    case ExprKind::kInt: return std::to_string(e.int_value);
    case ExprKind::kFloat: {
      char buf[64];
      snprintf(buf, sizeof buf, "%g", e.float_value);
      return buf;
    }
    case ExprKind::kString: return Quote(e.text);
    case ExprKind::kBool: return e.bool_value ? "true" : "false";
    case ExprKind::kDuration: return "(duration " + FormatDuration(e.int_value) + ")";
    case ExprKind::kTime: return "(time " + FormatRfc3339(e.int_value) + ")";
    case ExprKind::kRegex: return "/" + e.text + "/";
    case ExprKind::kNow: return "now";
    case ExprKind::kName: return e.text;
    case ExprKind::kMember: return "(. " + PrintExpr(*e.children[0]) + " " + e.text + ")";
    case ExprKind::kIndex: return "(index" + kids(0) + ")";
    case ExprKind::kCall: return "(call " + e.text + kids(0) + ")";
    case ExprKind::kMethod: return "(method " + e.text + kids(0) + ")";
    case ExprKind::kHas: return "(has" + kids(0) + ")";
    case ExprKind::kUnary:
    case ExprKind::kBinary: return std::string("(") + OpText(e.op) + kids(0) + ")";
    case ExprKind::kList: return "(list" + kids(0) + ")";
    case ExprKind::kSet: return "(set" + kids(0) + ")";
    case ExprKind::kComprehension:
      return std::string(e.is_set ? "(set-for " : "(list-for ") + e.var + kids(0) + ")";
    case ExprKind::kQuantifier: {
      static const char* kNames[] = {"all", "any", "none", "count"};
      return std::string("(") + kNames[static_cast<int>(e.quantifier)] + " " + e.var + kids(0) +
             ")";
    }
  }
  return "?";
}

std::string PrintModule(const Module& m) {
  std::string out;
  if (!m.package.empty())
    out += "package " + m.package + "\n";
  for (const Import& i : m.imports) {
    out += "import " + (i.is_path ? Quote(i.target) : i.target);
    if (!i.alias.empty())
      out += " as " + i.alias;
    for (const ImportParam& p : i.params)
      out += " " + p.name + "=" + PrintExpr(*p.value);
    out += "\n";
  }
  for (const FieldDecl& f : m.facts)
    out += "fact " + f.name + ": " + PrintType(*f.type) + "\n";
  for (const Binding& b : m.bindings) {
    out += std::string(b.is_const ? "const " : "let ") + b.name;
    if (b.type)
      out += ": " + PrintType(*b.type);
    if (b.value)
      out += " = " + PrintExpr(*b.value);
    out += "\n";
  }
  static const char* kLevels[] = {"warn", "hold", "deny"};
  for (const Rule& r : m.rules) {
    out += std::string(kLevels[static_cast<int>(r.level)]) + " " + r.name;
    if (r.has_for) {
      out += " for " + r.var + " in " + PrintExpr(*r.over);
      if (r.filter)
        out += " where " + PrintExpr(*r.filter);
    }
    out += " msg(";
    for (const TemplatePart& p : r.message.parts) {
      out += p.expr ? "{" + PrintExpr(*p.expr) + "}" : Quote(p.literal);
    }
    out += "): " + PrintExpr(*r.condition) + "\n";
  }
  for (const Exception& e : m.exceptions) {
    out += "except " + e.rule;
    if (e.condition)
      out += " when " + PrintExpr(*e.condition);
    out += " until " + FormatRfc3339(e.until) + " owner " + Quote(e.owner) + " reason " +
           Quote(e.reason) + "\n";
  }
  return out;
}

}  // namespace relgate::syntax
