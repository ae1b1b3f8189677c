// Typing expressions: names and members resolved, operators typed from the operator
// table (check/operators.h), builtin calls against the registry, optionals narrowed, loop
// variables scoped, and the nesting depth through lets and consts measured.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "engine/base/limits.h"
#include "engine/base/suggest.h"
#include "engine/check/internal/checker.h"
#include "engine/check/operators.h"

namespace relgate::check::internal {

void Checker::ExpectBool(const Expr& e, const Type* type, const char* what) {
  if (type->kind == TypeKind::kError || type->kind == TypeKind::kBool)
    return;
  if (type->kind == TypeKind::kOptional && type->element->kind == TypeKind::kBool) {
    sink_.Error("optional-unhandled", e.span,
                fmt::format("{} may be missing; handle it with `??` or `has(...)`", Q(Text(e))),
                fmt::format("for example `{} ?? false`", Text(e)));
    return;
  }
  sink_.Error("type-mismatch", e.span,
              fmt::format("{} must be `bool`, found {}", what, Q(TypeName(type))));
}

const Type* Checker::ElementType(const Type* list, const Expr& e, const char* what) {
  switch (list->kind) {
    case TypeKind::kList:
    case TypeKind::kSet: return list->element;
    case TypeKind::kMap: return out_->types->String();  // iterate keys
    case TypeKind::kError: return list;
    case TypeKind::kOptional:
      sink_.Error("optional-unhandled", e.span,
                  fmt::format("{} may be missing; handle it with `??` or `has(...)`", Q(Text(e))),
                  fmt::format("for example `{} ?? []`", Text(e)));
      return out_->types->Error();
    default:
      sink_.Error("type-mismatch", e.span,
                  fmt::format("`{}` needs a list, set or map, found {}", what, Q(TypeName(list))));
      return out_->types->Error();
  }
}

const Type* Checker::Set(const Expr& e, const Type* type, uint32_t deps) {
  out_->expr_types[e.id] = type;
  out_->deps[e.id] = deps;
  return type;
}

const Type* Checker::CheckExpr(const Expr& e, Scope& scope) {
  if (nesting_ >= limits::kMaxNestingDepth) {
    TooDeep(e, nesting_ + 1);
    return Fail(e);
  }
  ++nesting_;
  const Type* type = CheckExprInner(e, scope);
  --nesting_;
  RecordDepth(e);
  // Narrowed optionals: `has(d.integrity) and d.integrity...` sees `string`.
  if (type->kind == TypeKind::kOptional && scope.IsNarrowed(Narrowing::Key(e, *out_))) {
    type = type->element;
    out_->expr_types[e.id] = type;
  }
  return type;
}

void Checker::RecordDepth(const Expr& e) {
  size_t deepest = 0;
  for (const auto& child : e.children)
    deepest = std::max(deepest, depth_[child->id]);
  const Ref& ref = out_->refs[e.id];
  if (ref.kind == RefKind::kLet && let_state_[ref.index] == State::kDone)
    deepest = std::max(deepest, let_depth_[ref.index]);
  if (ref.kind == RefKind::kConst && const_state_[ref.index] == State::kDone)
    deepest = std::max(deepest, const_depth_[ref.index]);
  depth_[e.id] = deepest + 1;
  if (depth_[e.id] > limits::kMaxNestingDepth)
    TooDeep(e, depth_[e.id]);
}

void Checker::TooDeep(const Expr& e, size_t depth) {
  if (reported_too_deep_)
    return;
  reported_too_deep_ = true;
  sink_.Error(
      "too-deep", e.span,
      fmt::format("{} nests {} levels deep, counting the lets and consts it uses; the limit is {}",
                  Q(Text(e).substr(0, 60)), depth, limits::kMaxNestingDepth),
      "break long chains of lets that use lets into independent parts");
}

void Checker::WarnIfShadowing(const Scope& scope, const std::string& name, Span span) {
  std::string what;
  if (scope.Find(name) != nullptr) {
    what = "the enclosing loop variable";
  } else if (auto it = namespaces_[scope.instance].find(name);
             it != namespaces_[scope.instance].end()) {
    switch (it->second.kind) {
      case RefKind::kLet: what = "the let"; break;
      case RefKind::kConst: what = "the const"; break;
      case RefKind::kModule: what = "the import"; break;
      default: what = "the name"; break;
    }
  } else if (out_->schema->FieldIndex(name) >= 0) {
    what = "the fact";
  }
  if (what.empty())
    return;
  sink_.Warning("shadowing", span,
                fmt::format("loop variable {} hides {} {}", Q(name), what, Q(name)),
                fmt::format("inside the loop, {} is the item; rename one of them", Q(name)));
}

bool Checker::IsMapEntry(const Expr& e) const {
  if (e.kind != ExprKind::kIndex)
    return false;
  const Type* object = out_->expr_types[e.children[0]->id];
  return object != nullptr && object->kind == TypeKind::kMap;
}

uint32_t Checker::ChildDeps(const Expr& e) const {
  uint32_t deps = 0;
  for (const auto& child : e.children)
    deps |= out_->deps[child->id];
  return deps;
}

const Type* Checker::CheckExprInner(const Expr& e, Scope& scope) {
  TypeArena& T = *out_->types;
  switch (e.kind) {
    case ExprKind::kInt: return Set(e, T.Int(), 0);
    case ExprKind::kFloat: return Set(e, T.Float(), 0);
    case ExprKind::kString: return Set(e, T.String(), 0);
    case ExprKind::kBool: return Set(e, T.Bool(), 0);
    case ExprKind::kDuration: return Set(e, T.Duration(), 0);
    case ExprKind::kTime: return Set(e, T.Time(), 0);
    case ExprKind::kRegex: CheckRegex(e); return Set(e, T.Regex(), 0);
    case ExprKind::kNow: return Set(e, T.Time(), kDependsOnRun);
    case ExprKind::kName: return CheckName(e, scope);
    case ExprKind::kMember: return CheckMember(e, scope);
    case ExprKind::kIndex: return CheckIndex(e, scope);
    case ExprKind::kCall:
    case ExprKind::kMethod: return CheckCall(e, scope);
    case ExprKind::kHas: return CheckHas(e, scope);
    case ExprKind::kUnary: return CheckUnary(e, scope);
    case ExprKind::kBinary: return CheckBinary(e, scope);
    case ExprKind::kList:
    case ExprKind::kSet: return CheckCollection(e, scope);
    case ExprKind::kComprehension:
    case ExprKind::kQuantifier: return CheckLoop(e, scope);
  }
  return Fail(e);
}

void Checker::CheckRegex(const Expr& e) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(limits::kMaxRegexMemory);
  RE2 re(e.text, options);
  if (!re.ok()) {
    sink_.Error("bad-regex", e.span, fmt::format("invalid regex: {}", re.error()));
  } else if (re.ProgramSize() > limits::kMaxRegexProgramSize) {
    sink_.Error("bad-regex", e.span,
                fmt::format("regex is too large ({} instructions, limit {})", re.ProgramSize(),
                            limits::kMaxRegexProgramSize));
  }
}

std::vector<std::string> Checker::VisibleNames(const Scope& scope) const {
  std::vector<std::string> names;
  for (auto it = scope.locals.rbegin(); it != scope.locals.rend(); ++it)
    names.push_back(it->name);
  for (const auto& [name, entry] : namespaces_[scope.instance])
    names.push_back(name);
  for (const Field& f : out_->schema->fields)
    names.push_back(f.name);
  return names;
}

const Type* Checker::ResolveEntry(const Expr& e, const Entry& entry) {
  out_->refs[e.id] = {entry.kind, entry.index};
  switch (entry.kind) {
    case RefKind::kConst:
      if (const_state_[entry.index] == State::kChecking) {
        sink_.Error("cycle", e.span,
                    fmt::format("const {} depends on itself", Q(out_->consts[entry.index].name)));
        return Fail(e);
      }
      CheckConst(entry.index);
      return Set(e, out_->consts[entry.index].type, 0);
    case RefKind::kLet:
      if (let_state_[entry.index] == State::kChecking) {
        sink_.Error("cycle", e.span,
                    fmt::format("let {} depends on itself", Q(out_->lets[entry.index].name)));
        return Fail(e);
      }
      CheckLet(entry.index);
      return Set(e, out_->lets[entry.index].type, kDependsOnRun);
    case RefKind::kModule:
      sink_.Error("type-mismatch", e.span, fmt::format("module {} is not a value", Q(Text(e))),
                  fmt::format("name one of its constants: `{}.<name>`", Text(e)));
      return Fail(e);
    default: return Fail(e);
  }
}

const Type* Checker::CheckName(const Expr& e, Scope& scope) {
  if (const Scope::Local* local = scope.Find(e.text)) {
    out_->refs[e.id] = {RefKind::kLocal, local->slot};
    return Set(e, local->type, LocalBit(local->slot));
  }
  auto& ns = namespaces_[scope.instance];
  if (auto it = ns.find(e.text); it != ns.end())
    return ResolveEntry(e, it->second);
  const int fact = out_->schema->FieldIndex(e.text);
  if (fact >= 0) {
    out_->refs[e.id] = {RefKind::kFact, static_cast<uint32_t>(fact)};
    return Set(e, out_->schema->fields[fact].type, kDependsOnRun);
  }
  const std::string guess = Suggest(e.text, VisibleNames(scope));
  sink_.Error("unknown-name", e.span, fmt::format("unknown name {}", Q(e.text)),
              guess.empty() ? "declare it as a fact, a `let` or a `const`"
                            : fmt::format("did you mean {}?", Q(guess)));
  return Fail(e);
}

const Type* Checker::CheckMember(const Expr& e, Scope& scope) {
  const Expr& object = *e.children[0];
  // `alias.name` names a let or const of an imported module.
  if (object.kind == ExprKind::kName && scope.Find(object.text) == nullptr) {
    auto& ns = namespaces_[scope.instance];
    auto it = ns.find(object.text);
    if (it != ns.end() && it->second.kind == RefKind::kModule) {
      auto& module_ns = namespaces_[it->second.index];
      auto member = module_ns.find(e.text);
      if (member == module_ns.end() || member->second.kind == RefKind::kModule) {
        std::vector<std::string> names;
        for (const auto& [name, entry] : module_ns)
          names.push_back(name);
        const std::string guess = Suggest(e.text, names);
        sink_.Error("unknown-name", e.var_span,
                    fmt::format("module {} has no constant or let {}", Q(object.text), Q(e.text)),
                    guess.empty() ? "" : fmt::format("did you mean {}?", Q(guess)));
        return Fail(e);
      }
      out_->refs[object.id] = {RefKind::kModule, it->second.index};
      return ResolveEntry(e, member->second);
    }
  }
  const Type* type = CheckExpr(object, scope);
  if (type->kind == TypeKind::kError)
    return Fail(e);
  bool through_optional = false;
  if (chaining_ && type->kind == TypeKind::kOptional && type->element->kind == TypeKind::kRecord) {
    type = type->element;  // `release.signer.name ?? "unknown"`: missing with the signer
    through_optional = true;
  }
  if (type->kind == TypeKind::kOptional) {
    sink_.Error(
        "optional-unhandled", object.span,
        fmt::format("{} may be missing; handle it with `??` or `has(...)`", Q(Text(object))),
        fmt::format("for example `has({}) and {} ...`", Text(object), Text(e)));
    return Fail(e);
  }
  if (type->kind != TypeKind::kRecord) {
    std::string help;
    if (type->kind == TypeKind::kMap)
      help = fmt::format("read a map entry with `{}[\"{}\"]`", Text(object), e.text);
    sink_.Error("type-mismatch", e.var_span,
                fmt::format("{} is {}, which has no fields", Q(Text(object)), Q(TypeName(type))),
                help);
    return Fail(e);
  }
  const int index = type->FieldIndex(e.text);
  if (index < 0) {
    std::vector<std::string> names;
    for (const Field& f : type->fields)
      names.push_back(f.name);
    const std::string guess = Suggest(e.text, names);
    const bool root =
        object.kind == ExprKind::kName && out_->refs[object.id].kind == RefKind::kFact;
    sink_.Error(root ? "unknown-fact" : "unknown-field", e.span,
                fmt::format("unknown {} {}", root ? "fact" : "field", Q(Text(e))),
                guess.empty() ? "declare it in the `facts` block"
                              : fmt::format("did you mean {}?",
                                            Q(fmt::format("{}.{}", Text(object), guess))));
    return Fail(e);
  }
  out_->refs[e.id] = {RefKind::kNone, static_cast<uint32_t>(index)};
  const Type* field = type->fields[index].type;
  return Set(e, through_optional ? out_->types->Optional(field) : field, out_->deps[object.id]);
}

const Type* Checker::CheckIndex(const Expr& e, Scope& scope) {
  const Type* object = CheckExpr(*e.children[0], scope);
  const Type* index = CheckExpr(*e.children[1], scope);
  if (object->kind == TypeKind::kError || index->kind == TypeKind::kError)
    return Fail(e);
  const uint32_t constant = ChildDeps(e);
  if (object->kind == TypeKind::kList && index->kind == TypeKind::kInt) {
    return Set(e, object->element, constant);
  }
  if (object->kind == TypeKind::kMap && index->kind == TypeKind::kString) {
    return Set(e, object->element, constant);
  }
  if (object->kind == TypeKind::kOptional) {
    sink_.Error("optional-unhandled", e.children[0]->span,
                fmt::format("{} may be missing; handle it with `??` or `has(...)`",
                            Q(Text(*e.children[0]))));
    return Fail(e);
  }
  sink_.Error("type-mismatch", e.span,
              fmt::format("cannot index {} with {}", Q(TypeName(object)), Q(TypeName(index))),
              "lists take an int index, maps a string key");
  return Fail(e);
}

const Type* Checker::ArgTypeOf(builtins::ArgType t) {
  switch (t) {
    case builtins::ArgType::kBool: return out_->types->Bool();
    case builtins::ArgType::kInt: return out_->types->Int();
    case builtins::ArgType::kFloat: return out_->types->Float();
    case builtins::ArgType::kString: return out_->types->String();
    case builtins::ArgType::kTime: return out_->types->Time();
    case builtins::ArgType::kDuration: return out_->types->Duration();
    case builtins::ArgType::kVersion: return out_->types->Version();
    case builtins::ArgType::kStringList: return out_->types->List(out_->types->String());
    case builtins::ArgType::kSized:
    case builtins::ArgType::kScalar: return nullptr;
  }
  return nullptr;
}

const Type* Checker::CheckCall(const Expr& e, Scope& scope) {
  std::vector<const Type*> args;
  for (const auto& child : e.children)
    args.push_back(CheckExpr(*child, scope));
  auto found = builtins_.Find(e.text);
  if (found.empty()) {
    std::vector<std::string> names;
    for (const builtins::Builtin& b : builtins_.all())
      names.push_back(b.name);
    const std::string guess = Suggest(e.text, names);
    sink_.Error("unknown-function", e.var_span, fmt::format("unknown function {}", Q(e.text)),
                guess.empty() ? "" : fmt::format("did you mean {}?", Q(guess)));
    return Fail(e);
  }
  const builtins::Builtin* b = found.front();
  if (args.size() != b->params.size()) {
    const bool method = e.kind == ExprKind::kMethod;
    const size_t want = b->params.size() - (method ? 1 : 0);
    const size_t have = args.size() - (method ? 1 : 0);
    sink_.Error("wrong-arg-count", e.span,
                fmt::format("{} takes {} argument{}, found {}", Q(e.text), want,
                            (want == 1 ? "" : "s"), have),
                b->doc);
    return Fail(e);
  }
  bool ok = true;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i]->kind == TypeKind::kError) {
      ok = false;
      continue;
    }
    const Type* want = ArgTypeOf(b->params[i]);
    bool fits;
    std::string want_name;
    if (b->params[i] == builtins::ArgType::kScalar) {
      fits = args[i]->IsScalar() && args[i]->kind != TypeKind::kRegex;
      want_name = "a bool, number, string, time, duration or version";
    } else if (want == nullptr) {
      fits = args[i]->kind == TypeKind::kString || args[i]->kind == TypeKind::kList ||
             args[i]->kind == TypeKind::kSet || args[i]->kind == TypeKind::kMap;
      want_name = "a string, list, set or map";
    } else {
      fits = Assignable(args[i], want);
      want_name = Q(TypeName(want));
    }
    if (!fits) {
      ok = false;
      const bool optional = args[i]->kind == TypeKind::kOptional;
      sink_.Error(optional ? "optional-unhandled" : "type-mismatch", e.children[i]->span,
                  optional ? fmt::format("{} may be missing; handle it with `??` or `has(...)`",
                                         Q(Text(*e.children[i])))
                           : fmt::format("{} expects {}, found {}", Q(e.text), want_name,
                                         Q(TypeName(args[i]))),
                  optional ? fmt::format("for example `({} ?? <default>)`, or test `has({})` first",
                                         Text(*e.children[i]), Text(*e.children[i]))
                           : b->doc);
    }
  }
  if (!ok)
    return Fail(e);
  // An argument written as a literal can be checked now rather than fail every run.
  if (b->check_literal != nullptr) {
    for (size_t i = 0; i < args.size(); ++i) {
      if (e.children[i]->kind != ExprKind::kString)
        continue;
      if (std::string problem = b->check_literal(i, e.children[i]->text); !problem.empty()) {
        sink_.Error("bad-argument", e.children[i]->span, problem, b->doc);
        return Fail(e);
      }
    }
  }
  out_->calls[e.id] = b;
  return Set(e, ArgTypeOf(b->result), ChildDeps(e) | (b->pure ? 0 : kDependsOnRun));
}

const Type* Checker::CheckHas(const Expr& e, Scope& scope) {
  const Expr& inner = *e.children[0];
  // Check without the narrowing that `has` itself may be establishing.
  ++nesting_;
  const Type* type = CheckExprInner(inner, scope);
  --nesting_;
  RecordDepth(inner);
  if (type->kind == TypeKind::kError)
    return Fail(e);
  if (inner.kind != ExprKind::kMember && inner.kind != ExprKind::kName && !IsMapEntry(inner)) {
    sink_.Error("type-mismatch", inner.span,
                "`has` takes a fact path such as `release.signer`, or a map entry such as "
                "`labels[\"team\"]`");
    return Fail(e);
  }
  if (type->kind != TypeKind::kOptional && !IsMapEntry(inner)) {
    sink_.Warning("has-not-optional", inner.span,
                  fmt::format("{} is not optional, so `has` is always true", Q(Text(inner))),
                  fmt::format("declare it as `{}?` in the facts schema if it may be missing",
                              TypeName(type)));
  }
  return Set(e, out_->types->Bool(), ChildDeps(e));
}

const Type* Checker::CheckUnary(const Expr& e, Scope& scope) {
  const Type* t = CheckExpr(*e.children[0], scope);
  if (t->kind == TypeKind::kError)
    return Fail(e);
  const uint32_t constant = ChildDeps(e);
  if (e.op == Op::kNot) {
    if (t->kind == TypeKind::kBool)
      return Set(e, t, constant);
    ExpectBool(*e.children[0], t, "the operand of `not`");
    return Fail(e);
  }
  if (t->IsNumeric() || t->kind == TypeKind::kDuration)
    return Set(e, t, constant);
  sink_.Error("type-mismatch", e.span, fmt::format("cannot negate {}", Q(TypeName(t))));
  return Fail(e);
}

const Type* Checker::ScalarOf(TypeKind kind) {
  TypeArena& T = *out_->types;
  switch (kind) {
    case TypeKind::kBool: return T.Bool();
    case TypeKind::kInt: return T.Int();
    case TypeKind::kFloat: return T.Float();
    case TypeKind::kString: return T.String();
    case TypeKind::kTime: return T.Time();
    case TypeKind::kDuration: return T.Duration();
    case TypeKind::kVersion: return T.Version();
    default: throw InternalError("the operator table names a result that is not a scalar");
  }
}

const Type* Checker::OptionalError(const Expr& operand) {
  sink_.Error("optional-unhandled", operand.span,
              fmt::format("{} may be missing; handle it with `??` or `has(...)`", Q(Text(operand))),
              fmt::format("for example `{} ?? <default>`", Text(operand)));
  return out_->types->Error();
}

const Type* Checker::CheckBinary(const Expr& e, Scope& scope) {
  TypeArena& T = *out_->types;
  const Expr& lhs_expr = *e.children[0];
  const Expr& rhs_expr = *e.children[1];
  // Only a plain chain of fields may pass through an optional record: nothing in it could
  // be handed a missing value (a call, an index, an operator).
  auto field_chain = [](const Expr* x) {
    while (x->kind == ExprKind::kMember)
      x = x->children[0].get();
    return x->kind == ExprKind::kName;
  };
  const bool saved_chaining = chaining_;
  chaining_ = e.op == Op::kCoalesce && lhs_expr.kind == ExprKind::kMember && field_chain(&lhs_expr);
  const Type* lhs = CheckExpr(lhs_expr, scope);
  chaining_ = saved_chaining;
  const Type* rhs;
  if (e.op == Op::kAnd || e.op == Op::kOr) {
    auto saved = scope.narrowed.size();
    if (e.op == Op::kAnd) {
      Narrowing::AddProvenTrue(lhs_expr, *out_, scope.narrowed);
    } else {
      Narrowing::AddProvenFalse(lhs_expr, *out_, scope.narrowed);
    }
    rhs = CheckExpr(rhs_expr, scope);
    scope.narrowed.resize(saved);
  } else {
    rhs = CheckExpr(rhs_expr, scope);
  }
  if (lhs->kind == TypeKind::kError || rhs->kind == TypeKind::kError)
    return Fail(e);
  const uint32_t constant = ChildDeps(e);
  const std::string op = syntax::OpText(e.op);
  auto mismatch = [&]() {
    sink_.Error(
        "type-mismatch", e.span,
        fmt::format("`{}` cannot combine {} and {}", op, Q(TypeName(lhs)), Q(TypeName(rhs))));
    return Fail(e);
  };
  if (e.op != Op::kCoalesce) {
    if (lhs->kind == TypeKind::kOptional) {
      OptionalError(lhs_expr);
      return Fail(e);
    }
    if (rhs->kind == TypeKind::kOptional) {
      OptionalError(rhs_expr);
      return Fail(e);
    }
  }
  const auto k = [](const Type* t) { return t->kind; };
  switch (e.op) {
    case Op::kAnd:
    case Op::kOr:
      if (k(lhs) != TypeKind::kBool) {
        ExpectBool(lhs_expr, lhs, (fmt::format("an operand of `{}`", op)).c_str());
        return Fail(e);
      }
      if (k(rhs) != TypeKind::kBool) {
        ExpectBool(rhs_expr, rhs, (fmt::format("an operand of `{}`", op)).c_str());
        return Fail(e);
      }
      return Set(e, T.Bool(), constant);
    case Op::kCoalesce:
      if (IsMapEntry(lhs_expr)) {
        // `m["k"] ?? x`: a missing key is missing, not an error (compiled to IndexOr).
        if (!Assignable(rhs, lhs))
          return mismatch();
        return Set(e, lhs, constant);
      }
      if (k(lhs) != TypeKind::kOptional) {
        sink_.Warning("coalesce-not-optional", lhs_expr.span,
                      fmt::format("{} is never missing, so `??` never uses its right side",
                                  Q(Text(lhs_expr))));
        if (!Assignable(rhs, lhs))
          return mismatch();
        return Set(e, lhs, constant);
      }
      if (!Assignable(rhs, lhs->element)) {
        sink_.Error("type-mismatch", rhs_expr.span,
                    fmt::format("the default must be {}, found {}", Q(TypeName(lhs->element)),
                                Q(TypeName(rhs))));
        return Fail(e);
      }
      return Set(e, lhs->element, constant);
    case Op::kAdd:
    case Op::kSub:
    case Op::kMul:
    case Op::kDiv:
    case Op::kMod: {
      const ArithmeticRule* rule = FindArithmetic(e.op, k(lhs), k(rhs));
      if (rule == nullptr)
        return mismatch();
      return Set(e, ScalarOf(rule->result), constant);
    }
    case Op::kEq:
    case Op::kNe:
      if ((lhs->IsNumeric() && rhs->IsNumeric()) || Assignable(lhs, rhs) || Assignable(rhs, lhs)) {
        if (k(lhs) == TypeKind::kRegex)
          return mismatch();
        return Set(e, T.Bool(), constant);
      }
      return mismatch();
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe: {
      if (Orders(k(lhs), k(rhs)))
        return Set(e, T.Bool(), constant);
      if (k(lhs) == TypeKind::kString && k(rhs) == TypeKind::kVersion) {
        sink_.Error("type-mismatch", lhs_expr.span, "cannot order a string against a version",
                    fmt::format("compare versions as `semver({})`", Text(lhs_expr)));
        return Fail(e);
      }
      return mismatch();
    }
    case Op::kIn:
    case Op::kNotIn:
      if (k(rhs) == TypeKind::kList || k(rhs) == TypeKind::kSet) {
        if (Assignable(lhs, rhs->element) || (lhs->IsNumeric() && rhs->element->IsNumeric())) {
          return Set(e, T.Bool(), constant);
        }
        return mismatch();
      }
      if (k(rhs) == TypeKind::kMap && k(lhs) == TypeKind::kString) {
        return Set(e, T.Bool(), constant);
      }
      if (k(rhs) == TypeKind::kString && k(lhs) == TypeKind::kString) {
        sink_.Error("type-mismatch", e.span, "`in` looks in lists, sets and maps",
                    fmt::format("test for a substring with `{}.contains({})`", Text(rhs_expr),
                                Text(lhs_expr)));
        return Fail(e);
      }
      return mismatch();
    case Op::kMatches:
      if (k(lhs) != TypeKind::kString)
        return mismatch();
      if (k(rhs) != TypeKind::kRegex) {
        sink_.Error(
            "type-mismatch", rhs_expr.span,
            fmt::format("`matches` needs a regex such as /^v[0-9]+/, found {}", Q(TypeName(rhs))),
            k(rhs) == TypeKind::kString ? "write the pattern between slashes" : "");
        return Fail(e);
      }
      return Set(e, T.Bool(), constant);
    default: return mismatch();
  }
}

const Type* Checker::CheckCollection(const Expr& e, Scope& scope) {
  const Type* element = out_->types->Empty();
  for (const auto& child : e.children) {
    const Type* t = CheckExpr(*child, scope);
    if (t->kind == TypeKind::kError)
      return Fail(e);
    if (element->kind == TypeKind::kEmpty) {
      element = t;
    } else if (!Assignable(t, element)) {
      if (element->IsNumeric() && t->IsNumeric()) {
        element = out_->types->Float();
        continue;
      }
      sink_.Error("type-mismatch", child->span,
                  fmt::format("items must all have one type: expected {}, found {}",
                              Q(TypeName(element)), Q(TypeName(t))));
      return Fail(e);
    }
  }
  if (e.kind == ExprKind::kSet) {
    if (element->kind != TypeKind::kEmpty && !element->IsScalar()) {
      sink_.Error("type-mismatch", e.span,
                  "set items must be strings, numbers, booleans, times, durations or versions");
      return Fail(e);
    }
    return Set(e, out_->types->Set(element), ChildDeps(e));
  }
  return Set(e, out_->types->List(element), ChildDeps(e));
}

const Type* Checker::CheckLoop(const Expr& e, Scope& scope) {
  const bool comprehension = e.kind == ExprKind::kComprehension;
  const Expr& list_expr = comprehension ? *e.children[1] : *e.children[0];
  const Type* list = CheckExpr(list_expr, scope);
  const Type* element = ElementType(list, list_expr, comprehension ? "for" : "in");
  if (scope.loop_depth + 1 > limits::kMaxQuantifierNesting) {
    sink_.Error("too-deep", e.span,
                fmt::format("more than {} nested loops (`for`, quantifiers, comprehensions)",
                            limits::kMaxQuantifierNesting),
                "evaluation cost grows with the product of nested list sizes");
    return Fail(e);
  }
  ++scope.loop_depth;
  WarnIfShadowing(scope, e.var, e.var_span);
  const uint32_t slot = scope.Push(e.var, element);
  const size_t saved = scope.narrowed.size();
  const Type* result;
  if (comprehension) {
    if (e.has_filter) {
      ExpectBool(*e.children[2], CheckExpr(*e.children[2], scope), "a `where` condition");
      Narrowing::AddProvenTrue(*e.children[2], *out_, scope.narrowed);
    }
    const Type* item = CheckExpr(*e.children[0], scope);
    if (item->kind == TypeKind::kError || element->kind == TypeKind::kError) {
      result = out_->types->Error();
    } else if (e.is_set && !item->IsScalar()) {
      sink_.Error("type-mismatch", e.children[0]->span,
                  fmt::format("set items must be strings, numbers, booleans, times, durations or "
                              "versions, found {}",
                              Q(TypeName(item))));
      result = out_->types->Error();
    } else {
      result = e.is_set ? out_->types->Set(item) : out_->types->List(item);
    }
  } else {
    const Type* cond = CheckExpr(*e.children[1], scope);
    ExpectBool(*e.children[1], cond, "a quantifier condition");
    result = e.quantifier == syntax::Quantifier::kCount ? out_->types->Int() : out_->types->Bool();
  }
  scope.narrowed.resize(saved);
  scope.Pop();
  --scope.loop_depth;
  if (result->kind == TypeKind::kError)
    return Fail(e);
  // The loop variable is bound here, so it is not a free dependency of the loop.
  return Set(e, result, ChildDeps(e) & ~LocalBit(slot));
}
}  // namespace relgate::check::internal
