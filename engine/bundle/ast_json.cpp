#include "engine/bundle/ast_json.h"

#include <array>
#include <bit>

#include <fmt/format.h>

#include "engine/base/limits.h"

namespace relgate::bundle {
namespace {

using syntax::Expr;
using syntax::ExprKind;
using syntax::ExprPtr;
using syntax::Op;
using syntax::Quantifier;
using syntax::SelectionKind;
using syntax::TypeExpr;
using syntax::TypeExprKind;

// The names of each enum's values, in declaration order (the static_asserts keep them in
// step with ast.h).
constexpr std::array<std::string_view, 20> kExprKinds = {
    "int",   "float",  "string", "bool",  "duration",      "time",      "regex",
    "now",   "name",   "member", "index", "call",          "method",    "has",
    "unary", "binary", "list",   "set",   "comprehension", "quantifier"};
static_assert(static_cast<size_t>(ExprKind::kQuantifier) + 1 == kExprKinds.size());
constexpr std::array<std::string_view, 20> kOps = {
    "none", "neg", "not", "mul", "div", "mod", "add",    "sub",     "coalesce", "eq",
    "ne",   "lt",  "le",  "gt",  "ge",  "in",  "not_in", "matches", "and",      "or"};
static_assert(static_cast<size_t>(Op::kOr) + 1 == kOps.size());
constexpr std::array<std::string_view, 4> kQuantifiers = {"all", "any", "none", "count"};
static_assert(static_cast<size_t>(Quantifier::kCount) + 1 == kQuantifiers.size());
constexpr std::array<std::string_view, 4> kTypeKinds = {"named", "list", "record", "map"};
static_assert(static_cast<size_t>(TypeExprKind::kMap) + 1 == kTypeKinds.size());
constexpr std::array<std::string_view, 3> kLevels = {"warn", "hold", "deny"};
static_assert(static_cast<size_t>(Level::kHard) + 1 == kLevels.size());
constexpr std::array<std::string_view, 3> kSelections = {"skip", "warn", "from"};
static_assert(static_cast<size_t>(SelectionKind::kFrom) + 1 == kSelections.size());

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, E value) {
  return names[static_cast<size_t>(value)];
}

// ------------------------------------------------------------------------ writing

void WriteSpan(JsonWriter& w, std::string_view key, Span span) {
  w.Key(key);
  w.Raw(fmt::format("[{},{}]", span.begin, span.end));
}

void WriteExpr(const Expr& e, JsonWriter& w);

void WriteExprField(JsonWriter& w, std::string_view key, const ExprPtr& e) {
  if (e == nullptr)
    return;
  w.Key(key);
  WriteExpr(*e, w);
}

void WriteExpr(const Expr& e, JsonWriter& w) {
  w.Open('{');
  w.Field("k", NameOf(kExprKinds, e.kind));
  WriteSpan(w, "s", e.span);
  if (e.op != Op::kNone)
    w.Field("op", NameOf(kOps, e.op));
  if (e.kind == ExprKind::kQuantifier)
    w.Field("q", NameOf(kQuantifiers, e.quantifier));
  if (e.is_set)
    w.Bool("set", true);
  if (e.has_filter)
    w.Bool("filter", true);
  if (e.int_value != 0)
    w.Int("i", e.int_value);
  if (e.float_value != 0)  // the bits, exactly
    w.Int("f", std::bit_cast<int64_t>(e.float_value));
  if (e.bool_value)
    w.Bool("b", true);
  if (!e.text.empty())
    w.Field("t", e.text);
  if (!e.var.empty()) {
    w.Field("v", e.var);
    WriteSpan(w, "vs", e.var_span);
  }
  if (!e.children.empty()) {
    w.Key("c");
    w.Open('[');
    for (const ExprPtr& child : e.children) {
      if (child == nullptr)
        w.Raw("null");
      else
        WriteExpr(*child, w);
    }
    w.Close(']');
  }
  w.Close('}');
}

void WriteType(const TypeExpr& t, JsonWriter& w);

void WriteField(const syntax::FieldDecl& field, JsonWriter& w) {
  w.Open('{');
  w.Field("n", field.name);
  WriteSpan(w, "s", field.span);
  if (field.type != nullptr) {
    w.Key("t");
    WriteType(*field.type, w);
  }
  w.Close('}');
}

void WriteFields(JsonWriter& w, std::string_view key,
                 const std::vector<syntax::FieldDecl>& fields) {
  w.Key(key);
  w.Open('[');
  for (const syntax::FieldDecl& field : fields)
    WriteField(field, w);
  w.Close(']');
}

void WriteType(const TypeExpr& t, JsonWriter& w) {
  w.Open('{');
  w.Field("k", NameOf(kTypeKinds, t.kind));
  WriteSpan(w, "s", t.span);
  if (t.optional)
    w.Bool("opt", true);
  if (!t.name.empty())
    w.Field("n", t.name);
  if (t.element != nullptr) {
    w.Key("elem");
    WriteType(*t.element, w);
  }
  if (t.key != nullptr) {
    w.Key("key");
    WriteType(*t.key, w);
  }
  if (!t.fields.empty())
    WriteFields(w, "fields", t.fields);
  w.Close('}');
}

void WriteTemplate(JsonWriter& w, std::string_view key, const syntax::Template& t) {
  w.Key(key);
  w.Open('{');
  WriteSpan(w, "s", t.span);
  w.Key("parts");
  w.Open('[');
  for (const syntax::TemplatePart& part : t.parts) {
    w.Open('{');
    if (part.expr != nullptr)
      WriteExprField(w, "e", part.expr);
    else
      w.Field("l", part.literal);
    w.Close('}');
  }
  w.Close(']');
  w.Close('}');
}

void WriteRule(const syntax::Rule& rule, JsonWriter& w) {
  w.Open('{');
  w.Field("level", NameOf(kLevels, rule.level));
  w.Field("n", rule.name);
  WriteSpan(w, "s", rule.span);
  WriteSpan(w, "ns", rule.name_span);
  if (rule.has_for) {
    w.Bool("for", true);
    w.Field("v", rule.var);
    WriteSpan(w, "vs", rule.var_span);
  }
  WriteExprField(w, "over", rule.over);
  WriteExprField(w, "filter", rule.filter);
  WriteTemplate(w, "msg", rule.message);
  WriteExprField(w, "cond", rule.condition);
  if (rule.condition_implied)
    w.Bool("implied", true);
  if (rule.rollout != 0) {
    w.Int("rollout", rule.rollout);
    w.Field("rollout_text", rule.rollout_text);
  }
  w.Close('}');
}

void WriteException(const syntax::Exception& e, JsonWriter& w) {
  w.Open('{');
  w.Field("rule", e.rule);
  WriteSpan(w, "s", e.span);
  WriteSpan(w, "rs", e.rule_span);
  WriteExprField(w, "cond", e.condition);
  w.Int("until", e.until);
  w.Field("until_text", e.until_text);
  w.Field("owner", e.owner);
  w.Field("reason", e.reason);
  w.Close('}');
}

void WriteBinding(const syntax::Binding& b, JsonWriter& w) {
  w.Open('{');
  if (b.is_const)
    w.Bool("const", true);
  w.Field("n", b.name);
  WriteSpan(w, "s", b.span);
  WriteSpan(w, "ns", b.name_span);
  if (b.type != nullptr) {
    w.Key("type");
    WriteType(*b.type, w);
  }
  WriteExprField(w, "value", b.value);
  if (!b.constraints.empty()) {
    w.Key("constraints");
    w.Open('[');
    for (const syntax::Constraint& c : b.constraints) {
      w.Open('{');
      WriteExprField(w, "cond", c.condition);
      w.Field("msg", c.message);
      WriteSpan(w, "s", c.span);
      w.Close('}');
    }
    w.Close(']');
  }
  w.Close('}');
}

void WriteImport(const syntax::Import& import, JsonWriter& w) {
  w.Open('{');
  WriteSpan(w, "s", import.span);
  if (import.is_path)
    w.Bool("path", true);
  w.Field("target", import.target);
  w.Field("alias", import.alias);
  WriteSpan(w, "as", import.alias_span);
  w.Key("params");
  w.Open('[');
  for (const syntax::ImportParam& p : import.params) {
    w.Open('{');
    w.Field("n", p.name);
    WriteSpan(w, "s", p.span);
    WriteExprField(w, "value", p.value);
    w.Close('}');
  }
  w.Close(']');
  w.Key("sel");
  w.Open('[');
  for (const syntax::RuleSelection& s : import.selections) {
    w.Open('{');
    w.Field("k", NameOf(kSelections, s.kind));
    WriteSpan(w, "s", s.span);
    w.Key("rules");
    w.Open('[');
    for (const auto& [name, span] : s.rules) {
      w.Open('{');
      w.Field("n", name);
      WriteSpan(w, "s", span);
      w.Close('}');
    }
    w.Close(']');
    if (s.when != 0) {
      w.Int("when", s.when);
      w.Field("when_text", s.when_text);
    }
    w.Close('}');
  }
  w.Close(']');
  w.Close('}');
}

template <typename T, typename F>
void WriteList(JsonWriter& w, std::string_view key, const std::vector<T>& items, F write) {
  w.Key(key);
  w.Open('[');
  for (const T& item : items)
    write(item, w);
  w.Close(']');
}

// ------------------------------------------------------------------------ reading

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// "" when `e` has the children and names the parser gives its kind; else what is wrong.
// The checker and compiler take the parser's trees as they come, so a bundle's trees are
// held to the same shape before they get there.
std::string ShapeProblem(const Expr& e) {
  const size_t n = e.children.size();
  for (const ExprPtr& child : e.children) {
    if (child == nullptr)
      return "an expression has a null operand";
  }
  auto want = [&](bool ok, std::string_view what) {
    return ok ? std::string()
              : fmt::format("a `{}` expression {}", NameOf(kExprKinds, e.kind), what);
  };
  switch (e.kind) {
    case ExprKind::kInt:
    case ExprKind::kFloat:
    case ExprKind::kString:
    case ExprKind::kBool:
    case ExprKind::kDuration:
    case ExprKind::kTime:
    case ExprKind::kRegex:
    case ExprKind::kNow: return want(n == 0 && e.op == Op::kNone, "has operands");
    case ExprKind::kName: return want(n == 0 && !e.text.empty(), "needs a name and no operands");
    case ExprKind::kMember: return want(n == 1 && !e.text.empty(), "needs a field and one operand");
    case ExprKind::kIndex: return want(n == 2, "needs two operands");
    case ExprKind::kCall: return want(!e.text.empty(), "needs a function name");
    case ExprKind::kMethod: return want(n >= 1 && !e.text.empty(), "needs a name and a receiver");
    case ExprKind::kHas: return want(n == 1, "needs one operand");
    case ExprKind::kUnary:
      return want(n == 1 && (e.op == Op::kNeg || e.op == Op::kNot),
                  "needs `neg` or `not` and one operand");
    case ExprKind::kBinary:
      return want(n == 2 && e.op != Op::kNone && e.op != Op::kNeg && e.op != Op::kNot,
                  "needs a binary operator and two operands");
    case ExprKind::kList:
    case ExprKind::kSet: return "";
    case ExprKind::kComprehension:
      return want(n == (e.has_filter ? 3u : 2u) && !e.var.empty(),
                  "needs a variable, an element, a list and a filter when it has one");
    case ExprKind::kQuantifier:
      return want(n == 2 && !e.var.empty(), "needs a variable, a list and a condition");
  }
  return "an expression of no known kind";
}

// Reads members of the tree written above; the first problem is kept in `error`, with the
// path of the member it is at, and every later read returns a default.
class Reader {
 public:
  Reader(FileId file, uint32_t file_size, syntax::IdAllocator& ids, std::string& error)
      : file_(file), file_size_(file_size), ids_(ids), error_(error) {}

  bool ok() const { return error_.empty(); }

  void Fail(std::string_view key, std::string_view what) {
    if (!ok())
      return;
    std::string path;
    for (const auto& [member, index] : path_) {
      path += fmt::format("{}{}", path.empty() ? "" : ".", member);
      if (index >= 0)
        path += fmt::format("[{}]", index);
    }
    error_ = fmt::format("{}{}{}: {}", path, path.empty() ? "" : ".", key, what);
  }

  // The member `key` of `o`, or a null element (`present` false) when it is absent.
  bool Member(object o, std::string_view key, element& out) {
    return ok() && o.at_key(key).get(out) == simdjson::SUCCESS;
  }

  bool Object(element e, std::string_view key, object& out) {
    if (e.get_object().get(out) != simdjson::SUCCESS) {
      Fail(key, "expected an object");
      return false;
    }
    return true;
  }

  std::string Text(object o, std::string_view key) {
    element e;
    std::string_view text;
    if (!Member(o, key, e))
      return "";
    if (e.get_string().get(text) != simdjson::SUCCESS)
      Fail(key, "expected a string");
    return std::string(text);
  }

  int64_t Int(object o, std::string_view key) {
    element e;
    int64_t value = 0;
    if (Member(o, key, e) && e.get_int64().get(value) != simdjson::SUCCESS)
      Fail(key, "expected an integer");
    return value;
  }

  bool Bool(object o, std::string_view key) {
    element e;
    bool value = false;
    if (Member(o, key, e) && e.get_bool().get(value) != simdjson::SUCCESS)
      Fail(key, "expected true or false");
    return value;
  }

  Span SpanOf(object o, std::string_view key) {
    element e;
    array pair;
    Span span{file_, 0, 0};
    if (!Member(o, key, e))
      return span;
    int64_t begin = -1, end = -1;
    if (e.get_array().get(pair) != simdjson::SUCCESS || pair.size() != 2 ||
        pair.at(0).get_int64().get(begin) != simdjson::SUCCESS ||
        pair.at(1).get_int64().get(end) != simdjson::SUCCESS || begin < 0 || end < begin ||
        end > file_size_) {
      Fail(key, "expected a byte range [begin, end] within the file");
      return span;
    }
    span.begin = static_cast<uint32_t>(begin);
    span.end = static_cast<uint32_t>(end);
    return span;
  }

  template <typename E, size_t N>
  E Enum(object o, std::string_view key, const std::array<std::string_view, N>& names, E fallback) {
    element e;
    std::string_view name;
    if (!Member(o, key, e))
      return fallback;
    if (e.get_string().get(name) == simdjson::SUCCESS) {
      for (size_t k = 0; k < N; ++k) {
        if (names[k] == name)
          return static_cast<E>(k);
      }
    }
    Fail(key, fmt::format("expected one of {}", fmt::join(names, ", ")));
    return fallback;
  }

  // Calls `read(element)` for each item of the array member `key` (absent: none).
  template <typename F>
  void Each(object o, std::string_view key, F read) {
    element e;
    array items;
    if (!Member(o, key, e))
      return;
    if (e.get_array().get(items) != simdjson::SUCCESS) {
      Fail(key, "expected an array");
      return;
    }
    int64_t index = 0;
    for (element item : items) {
      if (!ok())
        return;
      path_.emplace_back(key, index++);
      read(item);
      path_.pop_back();
    }
  }

  // Reads the object member `key` with `read(object)`, its path kept for errors.
  template <typename F>
  void Nested(object o, std::string_view key, F read) {
    element e;
    object inner;
    if (!Member(o, key, e) || !Object(e, key, inner))
      return;
    path_.emplace_back(key, -1);
    read(inner);
    path_.pop_back();
  }

  ExprPtr ExprMember(object o, std::string_view key) {
    ExprPtr out;
    Nested(o, key, [&](object inner) { out = ReadExpr(inner); });
    return out;
  }

  ExprPtr ReadExpr(object o) {
    if (++depth_ > limits::kMaxExprDepth + 8) {
      Fail("c", "nested deeper than a policy can be");
      return nullptr;
    }
    auto e = std::make_unique<Expr>();
    e->kind = Enum(o, "k", kExprKinds, ExprKind::kInt);
    e->span = SpanOf(o, "s");
    e->id = ids_.Next();
    e->op = Enum(o, "op", kOps, Op::kNone);
    e->quantifier = Enum(o, "q", kQuantifiers, Quantifier::kAll);
    e->is_set = Bool(o, "set");
    e->has_filter = Bool(o, "filter");
    e->int_value = Int(o, "i");
    e->float_value = std::bit_cast<double>(Int(o, "f"));
    e->bool_value = Bool(o, "b");
    e->text = Text(o, "t");
    e->var = Text(o, "v");
    e->var_span = SpanOf(o, "vs");
    Each(o, "c", [&](element item) {
      object child;
      if (Object(item, "c", child))
        e->children.push_back(ReadExpr(child));
    });
    --depth_;
    if (ok()) {
      if (std::string problem = ShapeProblem(*e); !problem.empty())
        Fail("k", problem);
    }
    return e;
  }

  std::unique_ptr<TypeExpr> ReadType(object o) {
    auto t = std::make_unique<TypeExpr>();
    t->kind = Enum(o, "k", kTypeKinds, TypeExprKind::kNamed);
    t->span = SpanOf(o, "s");
    t->optional = Bool(o, "opt");
    t->name = Text(o, "n");
    Nested(o, "elem", [&](object inner) { t->element = ReadType(inner); });
    Nested(o, "key", [&](object inner) { t->key = ReadType(inner); });
    t->fields = Fields(o, "fields");
    const bool shaped = t->kind == TypeExprKind::kNamed  ? !t->name.empty()
                        : t->kind == TypeExprKind::kList ? t->element != nullptr
                        : t->kind == TypeExprKind::kMap ? t->element != nullptr && t->key != nullptr
                                                        : true;
    if (!shaped)
      Fail("k", "a type lacks its name, element or key type");
    return t;
  }

  std::vector<syntax::FieldDecl> Fields(object o, std::string_view key) {
    std::vector<syntax::FieldDecl> fields;
    Each(o, key, [&](element item) {
      object f;
      if (!Object(item, key, f))
        return;
      syntax::FieldDecl field;
      field.name = Text(f, "n");
      field.span = SpanOf(f, "s");
      Nested(f, "t", [&](object inner) { field.type = ReadType(inner); });
      if (field.name.empty() || field.type == nullptr)
        Fail("t", "a field needs a name and a type");
      fields.push_back(std::move(field));
    });
    return fields;
  }

  syntax::Template ReadTemplate(object o) {
    syntax::Template t;
    t.span = SpanOf(o, "s");
    Each(o, "parts", [&](element item) {
      object p;
      if (!Object(item, "parts", p))
        return;
      syntax::TemplatePart part;
      part.literal = Text(p, "l");
      part.expr = ExprMember(p, "e");
      t.parts.push_back(std::move(part));
    });
    return t;
  }

  syntax::Rule ReadRule(object o) {
    syntax::Rule rule;
    rule.level = Enum(o, "level", kLevels, Level::kHard);
    rule.name = Text(o, "n");
    rule.span = SpanOf(o, "s");
    rule.name_span = SpanOf(o, "ns");
    rule.has_for = Bool(o, "for");
    rule.var = Text(o, "v");
    rule.var_span = SpanOf(o, "vs");
    rule.over = ExprMember(o, "over");
    rule.filter = ExprMember(o, "filter");
    Nested(o, "msg", [&](object inner) { rule.message = ReadTemplate(inner); });
    rule.condition = ExprMember(o, "cond");
    rule.condition_implied = Bool(o, "implied");
    rule.rollout = Int(o, "rollout");
    rule.rollout_text = Text(o, "rollout_text");
    if (rule.name.empty() || rule.condition == nullptr || rule.has_for != (rule.over != nullptr) ||
        (rule.has_for && rule.var.empty()) || (!rule.has_for && rule.filter != nullptr))
      Fail("cond", "a rule needs a name and a condition, and `for` needs a variable and a list");
    return rule;
  }

  syntax::Exception ReadException(object o) {
    syntax::Exception e;
    e.rule = Text(o, "rule");
    e.span = SpanOf(o, "s");
    e.rule_span = SpanOf(o, "rs");
    e.condition = ExprMember(o, "cond");
    e.until = Int(o, "until");
    e.until_text = Text(o, "until_text");
    e.owner = Text(o, "owner");
    e.reason = Text(o, "reason");
    if (e.rule.empty())
      Fail("rule", "an exception needs the rule it is to");
    return e;
  }

  syntax::Binding ReadBinding(object o) {
    syntax::Binding b;
    b.is_const = Bool(o, "const");
    b.name = Text(o, "n");
    b.span = SpanOf(o, "s");
    b.name_span = SpanOf(o, "ns");
    Nested(o, "type", [&](object inner) { b.type = ReadType(inner); });
    b.value = ExprMember(o, "value");
    Each(o, "constraints", [&](element item) {
      object c;
      if (!Object(item, "constraints", c))
        return;
      syntax::Constraint constraint;
      constraint.condition = ExprMember(c, "cond");
      constraint.message = Text(c, "msg");
      constraint.span = SpanOf(c, "s");
      if (constraint.condition == nullptr)
        Fail("cond", "a constraint needs a condition");
      b.constraints.push_back(std::move(constraint));
    });
    if (b.name.empty() || (b.value == nullptr && (!b.is_const || b.type == nullptr)))
      Fail("value", "a let needs a name and a value; a const a value or a type");
    return b;
  }

  syntax::Import ReadImport(object o) {
    syntax::Import import;
    import.span = SpanOf(o, "s");
    import.is_path = Bool(o, "path");
    import.target = Text(o, "target");
    import.alias = Text(o, "alias");
    import.alias_span = SpanOf(o, "as");
    Each(o, "params", [&](element item) {
      object p;
      if (!Object(item, "params", p))
        return;
      syntax::ImportParam param;
      param.name = Text(p, "n");
      param.span = SpanOf(p, "s");
      param.value = ExprMember(p, "value");
      if (param.name.empty() || param.value == nullptr)
        Fail("value", "an import parameter needs a name and a value");
      import.params.push_back(std::move(param));
    });
    Each(o, "sel", [&](element item) {
      object s;
      if (!Object(item, "sel", s))
        return;
      syntax::RuleSelection selection;
      selection.kind = Enum(s, "k", kSelections, SelectionKind::kSkip);
      selection.span = SpanOf(s, "s");
      Each(s, "rules", [&](element rule_item) {
        object r;
        if (Object(rule_item, "rules", r))
          selection.rules.emplace_back(Text(r, "n"), SpanOf(r, "s"));
      });
      selection.when = Int(s, "when");
      selection.when_text = Text(s, "when_text");
      import.selections.push_back(std::move(selection));
    });
    if (import.target.empty())
      Fail("target", "an import needs what it imports");
    return import;
  }

  template <typename T, typename F>
  std::vector<T> List(object o, std::string_view key, F read) {
    std::vector<T> out;
    Each(o, key, [&](element item) {
      object inner;
      if (Object(item, key, inner))
        out.push_back(read(inner));
    });
    return out;
  }

 private:
  FileId file_;
  uint32_t file_size_;
  syntax::IdAllocator& ids_;
  std::string& error_;
  // Where the reader is, for messages: each member's name (the callers' string literals)
  // and its index in an array (-1 for an object member).
  std::vector<std::pair<std::string_view, int64_t>> path_;
  size_t depth_ = 0;
};

}  // namespace

void WriteModule(const syntax::Module& module, JsonWriter& w) {
  w.Open('{');
  w.Field("package", module.package);
  WriteSpan(w, "ps", module.package_span);
  WriteList(w, "imports", module.imports, WriteImport);
  WriteFields(w, "facts", module.facts);
  WriteList(w, "bindings", module.bindings, WriteBinding);
  WriteList(w, "rules", module.rules, WriteRule);
  WriteList(w, "exceptions", module.exceptions, WriteException);
  WriteList(w, "comments", module.comments, [](const syntax::Comment& c, JsonWriter& out) {
    out.Open('{');
    WriteSpan(out, "s", c.span);
    out.Field("t", c.text);
    out.Close('}');
  });
  w.Close('}');
}

std::unique_ptr<syntax::Module> ReadModule(element json, FileId file, uint32_t file_size,
                                           syntax::IdAllocator& ids, std::string& error) {
  Reader r(file, file_size, ids, error);
  object o;
  if (!r.Object(json, "ast", o))
    return nullptr;
  auto module = std::make_unique<syntax::Module>();
  module->file = file;
  module->package = r.Text(o, "package");
  module->package_span = r.SpanOf(o, "ps");
  module->imports =
      r.List<syntax::Import>(o, "imports", [&](object item) { return r.ReadImport(item); });
  module->facts = r.Fields(o, "facts");
  module->bindings =
      r.List<syntax::Binding>(o, "bindings", [&](object item) { return r.ReadBinding(item); });
  module->rules = r.List<syntax::Rule>(o, "rules", [&](object item) { return r.ReadRule(item); });
  module->exceptions = r.List<syntax::Exception>(
      o, "exceptions", [&](object item) { return r.ReadException(item); });
  module->comments = r.List<syntax::Comment>(o, "comments", [&](object item) {
    return syntax::Comment{r.SpanOf(item, "s"), r.Text(item, "t")};
  });
  if (!r.ok())
    return nullptr;
  return module;
}

}  // namespace relgate::bundle
