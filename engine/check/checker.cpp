// The checker. One pass over each declaration, with lets and consts checked on first use
// (so declaration order does not matter and cycles are found), and a scope that carries
// local variables and the optional facts proven present by `has(...)` (narrowing.cpp).
#include "engine/check/checker.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <re2/re2.h>

#include "engine/base/digest.h"
#include "engine/base/limits.h"
#include "engine/base/suggest.h"
#include "engine/check/internal/scope.h"

namespace relgate::check {
namespace {

using syntax::Expr;
using syntax::ExprKind;
using syntax::Op;

std::string Q(const std::string& s) {
  return "`" + s + "`";
}

class Checker {
 public:
  Checker(LoadedPolicy loaded, const SourceMap& sources, DiagnosticSink& sink)
      : loaded_(std::move(loaded)),
        sources_(sources),
        sink_(sink),
        out_(std::make_unique<CheckedPolicy>()) {}

  std::unique_ptr<CheckedPolicy> Run() {
    const size_t n = loaded_.ids.count();
    out_->expr_types.assign(n, out_->types->Error());
    out_->refs.assign(n, Ref{});
    out_->calls.assign(n, nullptr);
    out_->deps.assign(n, 0);
    depth_.assign(n, 0);
    BuildInstances();
    BuildSchema();
    DeclareNames();
    BindParams();
    for (uint32_t i = 0; i < out_->consts.size(); ++i)
      CheckConst(i);
    for (uint32_t i = 0; i < out_->lets.size(); ++i)
      CheckLet(i);
    for (uint32_t i = 0; i < out_->rules.size(); ++i)
      CheckRule(i);
    CheckExceptions();
    CheckNotEmpty();
    RecordSources();
    if (sink_.has_errors())
      return nullptr;
    return std::move(out_);
  }

 private:
  enum class State { kUnchecked, kChecking, kDone };

  struct Entry {
    RefKind kind;
    uint32_t index;
    Span span;
  };

  // ---------------------------------------------------------------- structure

  // A gate with nothing to check would open for every release, so a policy without
  // rules is an error, and so is a file without declarations (emptied or truncated to
  // its comments): in a directory of several files, its rules would go missing silently.
  void CheckNotEmpty() {
    for (const syntax::Module* file : out_->instances[0].files) {
      if (file->package.empty() && file->imports.empty() && file->facts.empty() &&
          file->bindings.empty() && file->rules.empty() && file->exceptions.empty()) {
        sink_.Error("empty-file", Span{file->file, 0, 0},
                    "policy file `" + sources_.file(file->file).path() +
                        "` holds no declarations, only comments or white space",
                    "an empty or truncated policy file must not open the gate; delete it or "
                    "restore its rules");
      }
    }
    if (out_->rules.empty() && !out_->instances[0].files.empty() && !sink_.has_errors()) {
      sink_.Error("no-rules", Span{out_->instances[0].files[0]->file, 0, 0},
                  "the policy has no rules, so it would let every release pass",
                  "declare rules with `deny`, `hold` or `warn`, or import a std module");
    }
  }

  void BuildInstances() {
    ModuleInstance root;
    std::map<std::string, const syntax::Module*> stdlib;
    for (LoadedModule& m : loaded_.modules) {
      if (m.is_stdlib) {
        stdlib[m.stdlib_name] = m.module.get();
      } else {
        root.files.push_back(m.module.get());
      }
    }
    // Every user file must declare the same package (or none).
    for (const syntax::Module* file : root.files) {
      if (file->package.empty())
        continue;
      if (root.package.empty()) {
        root.package = file->package;
        root_package_span_ = file->package_span;
      } else if (file->package != root.package) {
        Diagnostic d{Severity::kError,
                     "package-mismatch",
                     file->package_span,
                     true,
                     "package " + Q(file->package) + " differs from " + Q(root.package),
                     {{root_package_span_, "first declared here"}},
                     {}};
        sink_.Report(std::move(d));
      }
    }
    out_->package = root.package;
    out_->instances.push_back(root);
    for (const syntax::Module* file : root.files) {
      for (const syntax::Import& import : file->imports) {
        if (import.is_path)
          continue;
        const std::string name = import.target.substr(4);
        auto it = stdlib.find(name);
        if (it == stdlib.end())
          continue;  // reported by the loader
        if (imported_.count(name) != 0) {
          sink_.Error("duplicate-import", import.span,
                      "module " + Q(import.target) + " is imported more than once");
          continue;
        }
        for (const ModuleInstance& other : out_->instances) {
          if (other.alias == import.alias) {
            sink_.Error("duplicate-name", import.alias_span,
                        "import alias " + Q(import.alias) + " is already used");
          }
        }
        imported_[name] = &import;
        ModuleInstance instance;
        instance.alias = import.alias;
        instance.package = it->second->package.empty() ? import.target : it->second->package;
        instance.files.push_back(it->second);
        out_->instances.push_back(instance);
        instance_imports_.push_back(&import);
      }
    }
  }

  // `regex` is a type for consts and lets only: facts never hold compiled patterns.
  const Type* LowerType(const syntax::TypeExpr& t, bool allow_regex = false) {
    const Type* type = nullptr;
    switch (t.kind) {
      case syntax::TypeExprKind::kNamed:
        type = out_->types->Named(t.name);
        if (type == nullptr || (type->kind == TypeKind::kRegex && !allow_regex)) {
          const std::vector<std::string> names = {"bool", "int",      "float",  "string",
                                                  "time", "duration", "version"};
          sink_.Error("unknown-type", t.span, "unknown type " + Q(t.name),
                      Suggest(t.name, names).empty()
                          ? "types are bool, int, float, string, time, duration, version"
                          : "did you mean " + Q(Suggest(t.name, names)) + "?");
          type = out_->types->Error();
        }
        break;
      case syntax::TypeExprKind::kList: type = out_->types->List(LowerType(*t.element)); break;
      case syntax::TypeExprKind::kMap:
        if (t.key->kind != syntax::TypeExprKind::kNamed || t.key->name != "string" ||
            t.key->optional) {
          sink_.Error("unknown-type", t.key->span, "map keys must be `string`");
        }
        type = out_->types->Map(LowerType(*t.element));
        break;
      case syntax::TypeExprKind::kRecord: {
        std::vector<Field> fields;
        std::set<std::string> names;
        for (const syntax::FieldDecl& f : t.fields) {
          if (!names.insert(f.name).second) {
            sink_.Error("duplicate-name", f.span, "field " + Q(f.name) + " is declared twice");
            continue;
          }
          fields.push_back({f.name, LowerType(*f.type)});
        }
        type = out_->types->Record(std::move(fields));
        break;
      }
    }
    return t.optional ? out_->types->Optional(type) : type;
  }

  // Union of two declarations of the same fact; nullptr if they conflict.
  const Type* MergeTypes(const Type* a, const Type* b) {
    if (a == b)
      return a;
    if (a->kind == TypeKind::kError)
      return b;
    if (b->kind == TypeKind::kError)
      return a;
    if (a->kind != b->kind)
      return nullptr;
    switch (a->kind) {
      case TypeKind::kList:
      case TypeKind::kSet:
      case TypeKind::kMap:
      case TypeKind::kOptional: {
        const Type* e = MergeTypes(a->element, b->element);
        if (e == nullptr)
          return nullptr;
        if (a->kind == TypeKind::kList)
          return out_->types->List(e);
        if (a->kind == TypeKind::kSet)
          return out_->types->Set(e);
        if (a->kind == TypeKind::kMap)
          return out_->types->Map(e);
        return out_->types->Optional(e);
      }
      case TypeKind::kRecord: {
        std::vector<Field> fields = a->fields;
        for (const Field& f : b->fields) {
          const int k = a->FieldIndex(f.name);
          if (k < 0) {
            fields.push_back(f);
          } else {
            const Type* m = MergeTypes(fields[k].type, f.type);
            if (m == nullptr)
              return nullptr;
            fields[k].type = m;
          }
        }
        return out_->types->Record(std::move(fields));
      }
      default: return nullptr;
    }
  }

  void BuildSchema() {
    std::vector<Field> roots;
    std::vector<Span> spans;
    for (const ModuleInstance& instance : out_->instances) {
      for (const syntax::Module* file : instance.files) {
        for (const syntax::FieldDecl& decl : file->facts) {
          const Type* type = LowerType(*decl.type);
          auto it = std::find_if(roots.begin(), roots.end(),
                                 [&](const Field& f) { return f.name == decl.name; });
          if (it == roots.end()) {
            roots.push_back({decl.name, type});
            spans.push_back(decl.span);
            continue;
          }
          const Type* merged = MergeTypes(it->type, type);
          if (merged == nullptr) {
            Diagnostic d{Severity::kError,
                         "conflicting-fact",
                         decl.span,
                         true,
                         "fact " + Q(decl.name) + " is declared as " + Q(TypeName(type)) +
                             " here and as " + Q(TypeName(it->type)) + " elsewhere",
                         {{spans[it - roots.begin()], "other declaration"}},
                         {}};
            sink_.Report(std::move(d));
          } else {
            it->type = merged;
          }
        }
      }
    }
    out_->schema = out_->types->Record(std::move(roots));
    fact_spans_ = std::move(spans);
  }

  void DeclareNames() {
    namespaces_.resize(out_->instances.size());
    for (uint32_t inst = 0; inst < out_->instances.size(); ++inst) {
      const ModuleInstance& instance = out_->instances[inst];
      const std::string prefix = instance.alias.empty() ? "" : instance.alias + ".";
      auto& ns = namespaces_[inst];
      auto declare = [&](const std::string& name, Span span, RefKind kind, uint32_t index) {
        auto it = ns.find(name);
        if (it != ns.end()) {
          Diagnostic d{Severity::kError,
                       "duplicate-name",
                       span,
                       true,
                       Q(name) + " is already declared",
                       {{it->second.span, "first declared here"}},
                       {}};
          sink_.Report(std::move(d));
          return;
        }
        const int fact = out_->schema->FieldIndex(name);
        if (fact >= 0) {
          Diagnostic d{Severity::kError,
                       "duplicate-name",
                       span,
                       true,
                       Q(name) + " is already the name of a fact",
                       {{fact_spans_[fact], "fact declared here"}},
                       "choose another name"};
          sink_.Report(std::move(d));
          return;
        }
        ns[name] = {kind, index, span};
      };
      for (const syntax::Module* file : instance.files) {
        for (const syntax::Binding& b : file->bindings) {
          CheckedBinding cb;
          cb.name = prefix + b.name;
          cb.instance = inst;
          cb.value = b.value.get();
          cb.span = b.name_span;
          cb.decl = &b;
          if (b.is_const) {
            declare(b.name, b.name_span, RefKind::kConst,
                    static_cast<uint32_t>(out_->consts.size()));
            out_->consts.push_back(cb);
            const_decls_.push_back(&b);
            const_value_instance_.push_back(inst);
          } else {
            declare(b.name, b.name_span, RefKind::kLet, static_cast<uint32_t>(out_->lets.size()));
            out_->lets.push_back(cb);
            let_decls_.push_back(&b);
          }
        }
      }
      std::map<std::string, Span> rule_names;
      for (const syntax::Module* file : instance.files) {
        for (const syntax::Rule& rule : file->rules) {
          auto [it, fresh] = rule_names.emplace(rule.name, rule.name_span);
          if (!fresh) {
            Diagnostic d{Severity::kError,
                         "duplicate-rule",
                         rule.name_span,
                         true,
                         "rule " + Q(rule.name) + " is already declared",
                         {{it->second, "first declared here"}},
                         {}};
            sink_.Report(std::move(d));
            continue;
          }
          CheckedRule cr;
          cr.id = prefix + rule.name;
          cr.level = rule.level;
          cr.rule = &rule;
          cr.instance = inst;
          out_->rules.push_back(cr);
        }
      }
    }
    // Import aliases are names in the user's namespace.
    for (uint32_t inst = 1; inst < out_->instances.size(); ++inst) {
      const syntax::Import* import = instance_imports_[inst - 1];
      auto& ns = namespaces_[0];
      const int fact = out_->schema->FieldIndex(import->alias);
      if (fact >= 0) {
        sink_.Error("duplicate-name", import->alias_span,
                    "import alias " + Q(import->alias) + " hides the fact " + Q(import->alias),
                    "name the import: `import " + import->target + " as <alias>`");
      } else if (ns.count(import->alias) != 0) {
        sink_.Error("duplicate-name", import->alias_span,
                    "import alias " + Q(import->alias) + " is already declared");
      } else {
        ns[import->alias] = {RefKind::kModule, inst, import->alias_span};
      }
    }
    if (out_->rules.size() > limits::kMaxRules) {
      sink_.Error("too-many-rules", out_->rules.back().rule->name_span,
                  "policy has more than " + std::to_string(limits::kMaxRules) + " rules");
    }
    const_state_.assign(out_->consts.size(), State::kUnchecked);
    let_state_.assign(out_->lets.size(), State::kUnchecked);
    const_depth_.assign(out_->consts.size(), 0);
    let_depth_.assign(out_->lets.size(), 0);
  }

  // Import parameters replace the value of the module's consts.
  void BindParams() {
    for (uint32_t inst = 1; inst < out_->instances.size(); ++inst) {
      const syntax::Import* import = instance_imports_[inst - 1];
      auto& ns = namespaces_[inst];
      std::set<std::string> set_names;
      for (const syntax::ImportParam& param : import->params) {
        auto it = ns.find(param.name);
        if (it == ns.end() || it->second.kind != RefKind::kConst) {
          std::vector<std::string> consts;
          for (const auto& [name, entry] : ns) {
            if (entry.kind == RefKind::kConst)
              consts.push_back(name);
          }
          const std::string guess = Suggest(param.name, consts);
          sink_.Error("unknown-param", param.span,
                      "module " + Q(import->target) + " has no parameter " + Q(param.name),
                      guess.empty() ? "" : "did you mean " + Q(guess) + "?");
          continue;
        }
        if (!set_names.insert(param.name).second) {
          sink_.Error("duplicate-name", param.span, "parameter " + Q(param.name) + " is set twice");
          continue;
        }
        out_->consts[it->second.index].value = param.value.get();
        out_->consts[it->second.index].set_by_import = true;
        const_value_instance_[it->second.index] = 0;
      }
      for (const auto& [name, entry] : ns) {
        if (entry.kind == RefKind::kConst && out_->consts[entry.index].value == nullptr) {
          sink_.Error("missing-param", import->span,
                      "module " + Q(import->target) + " needs parameter " + Q(name),
                      "set it with `with { " + name + ": ... }`");
        }
      }
    }
    // A const without a value in the user's own policy is an error too.
    for (uint32_t i = 0; i < out_->consts.size(); ++i) {
      if (out_->consts[i].instance == 0 && out_->consts[i].value == nullptr) {
        sink_.Error("missing-param", out_->consts[i].span,
                    "const " + Q(out_->consts[i].name) + " has no value");
      }
    }
  }

  // -------------------------------------------------------------- declarations

  void CheckConst(uint32_t i) {
    if (const_state_[i] == State::kDone)
      return;
    if (const_state_[i] == State::kChecking)
      return;  // cycle: reported at the reference
    const_state_[i] = State::kChecking;
    CheckedBinding& c = out_->consts[i];
    const syntax::Binding* decl = const_decls_[i];
    const Type* declared = decl->type ? LowerType(*decl->type, /*allow_regex=*/true) : nullptr;
    const Type* type = declared != nullptr ? declared : out_->types->Error();
    if (c.value != nullptr) {
      Scope scope(const_value_instance_[i]);
      const Type* actual = CheckExpr(*c.value, scope);
      if (declared != nullptr && !Assignable(actual, declared)) {
        sink_.Error("type-mismatch", c.value->span,
                    "expected " + Q(TypeName(declared)) + ", found " + Q(TypeName(actual)));
      }
      if ((out_->deps[c.value->id] & kDependsOnRun) != 0 && actual->kind != TypeKind::kError) {
        sink_.Error("not-constant", c.value->span,
                    "the value of const " + Q(c.name) + " depends on facts or `now`",
                    "use `let` for values computed from facts");
      }
      if (declared == nullptr)
        type = actual;
      const_depth_[i] = depth_[c.value->id];
    }
    c.type = type;
    const_state_[i] = State::kDone;
    // Constraints read the const itself (and other consts) in its own module.
    for (const syntax::Constraint& constraint : decl->constraints) {
      Scope scope(c.instance);
      const Type* t = CheckExpr(*constraint.condition, scope);
      ExpectBool(*constraint.condition, t, "a `where` constraint");
      if ((out_->deps[constraint.condition->id] & kDependsOnRun) != 0 &&
          t->kind != TypeKind::kError) {
        sink_.Error("not-constant", constraint.condition->span,
                    "a constraint on const " + Q(c.name) + " depends on facts or `now`",
                    "a constraint is checked when the policy compiles: use consts only");
      }
    }
  }

  void CheckLet(uint32_t i) {
    if (let_state_[i] != State::kUnchecked)
      return;
    let_state_[i] = State::kChecking;
    CheckedBinding& l = out_->lets[i];
    const syntax::Binding* decl = let_decls_[i];
    Scope scope(l.instance);
    const Type* actual = CheckExpr(*l.value, scope);
    if (decl->type) {
      const Type* declared = LowerType(*decl->type, /*allow_regex=*/true);
      if (!Assignable(actual, declared)) {
        sink_.Error("type-mismatch", l.value->span,
                    "expected " + Q(TypeName(declared)) + ", found " + Q(TypeName(actual)));
      }
      actual = declared;
    }
    l.type = actual;
    let_depth_[i] = depth_[l.value->id];
    out_->max_locals = std::max(out_->max_locals, scope.max_locals);
    let_state_[i] = State::kDone;
  }

  void CheckRule(uint32_t i) {
    CheckedRule& cr = out_->rules[i];
    const syntax::Rule& rule = *cr.rule;
    Scope scope(cr.instance);
    if (rule.has_for) {
      const Type* list = CheckExpr(*rule.over, scope);
      cr.item_type = ElementType(list, *rule.over, "for");
      WarnIfShadowing(scope, rule.var, rule.var_span);
      scope.Push(rule.var, cr.item_type);
      if (rule.filter) {
        ExpectBool(*rule.filter, CheckExpr(*rule.filter, scope), "a `where` condition");
        Narrowing::AddProvenTrue(*rule.filter, *out_, scope.narrowed);
      }
    }
    for (const syntax::TemplatePart& part : rule.message.parts) {
      if (part.expr)
        CheckExpr(*part.expr, scope);
    }
    ExpectBool(*rule.condition, CheckExpr(*rule.condition, scope), "a rule condition");
    out_->max_locals = std::max(out_->max_locals, scope.max_locals);
  }

  void CheckExceptions() {
    std::map<std::string, uint32_t> by_id;
    std::vector<std::string> ids;
    for (uint32_t i = 0; i < out_->rules.size(); ++i) {
      by_id[out_->rules[i].id] = i;
      ids.push_back(out_->rules[i].id);
    }
    for (uint32_t inst = 0; inst < out_->instances.size(); ++inst) {
      const std::string prefix =
          out_->instances[inst].alias.empty() ? "" : out_->instances[inst].alias + ".";
      for (const syntax::Module* file : out_->instances[inst].files) {
        for (const syntax::Exception& e : file->exceptions) {
          auto it = by_id.find(prefix + e.rule);
          if (it == by_id.end()) {
            const std::string guess = Suggest(prefix + e.rule, ids);
            sink_.Error("unknown-rule", e.rule_span, "no rule named " + Q(e.rule),
                        guess.empty() ? "" : "did you mean " + Q(guess) + "?");
            continue;
          }
          CheckedRule& cr = out_->rules[it->second];
          if (e.condition) {
            Scope scope(inst);
            if (cr.rule->has_for) {
              scope.Push(cr.rule->var, cr.item_type);
              if (cr.rule->filter) {
                Narrowing::AddProvenTrue(*cr.rule->filter, *out_, scope.narrowed);
              }
            }
            ExpectBool(*e.condition, CheckExpr(*e.condition, scope), "an exception condition");
            out_->max_locals = std::max(out_->max_locals, scope.max_locals);
          }
          cr.exceptions.push_back(static_cast<uint32_t>(out_->exceptions.size()));
          out_->exceptions.push_back({&e, it->second});
        }
      }
    }
  }

  void RecordSources() {
    for (size_t f = 0; f < sources_.size(); ++f) {
      const SourceFile& file = sources_.file(static_cast<FileId>(f));
      out_->sources.push_back({file.relative_path(), Sha256Hex(file.text())});
    }
    std::sort(out_->sources.begin(), out_->sources.end(),
              [](const SourceDigest& a, const SourceDigest& b) {
                return a.path != b.path ? a.path < b.path : a.sha256 < b.sha256;
              });
    for (LoadedModule& m : loaded_.modules)
      out_->modules.push_back(std::move(m.module));
    out_->roots = loaded_.roots;
  }

  // --------------------------------------------------------------- expressions

  void ExpectBool(const Expr& e, const Type* type, const char* what) {
    if (type->kind == TypeKind::kError || type->kind == TypeKind::kBool)
      return;
    if (type->kind == TypeKind::kOptional && type->element->kind == TypeKind::kBool) {
      sink_.Error("optional-unhandled", e.span,
                  Q(Text(e)) + " may be missing; handle it with `??` or `has(...)`",
                  "for example `" + Text(e) + " ?? false`");
      return;
    }
    sink_.Error("type-mismatch", e.span,
                std::string(what) + " must be `bool`, found " + Q(TypeName(type)));
  }

  std::string Text(const Expr& e) const { return std::string(sources_.Text(e.span)); }

  const Type* ElementType(const Type* list, const Expr& e, const char* what) {
    switch (list->kind) {
      case TypeKind::kList:
      case TypeKind::kSet: return list->element;
      case TypeKind::kMap: return out_->types->String();  // iterate keys
      case TypeKind::kError: return list;
      case TypeKind::kOptional:
        sink_.Error("optional-unhandled", e.span,
                    Q(Text(e)) + " may be missing; handle it with `??` or `has(...)`",
                    "for example `" + Text(e) + " ?? []`");
        return out_->types->Error();
      default:
        sink_.Error(
            "type-mismatch", e.span,
            std::string("`") + what + "` needs a list, set or map, found " + Q(TypeName(list)));
        return out_->types->Error();
    }
  }

  const Type* Set(const Expr& e, const Type* type, uint32_t deps) {
    out_->expr_types[e.id] = type;
    out_->deps[e.id] = deps;
    return type;
  }

  const Type* Fail(const Expr& e) { return Set(e, out_->types->Error(), kDependsOnRun); }

  // Every recursive stage after this one (cost bound, compiler, evaluator) follows the
  // expression tree and the lets and consts it names, so the checker bounds the depth of
  // that walk: live while checking (lets are checked on first use, so checking recurses
  // the same way), and as each expression's depth counted through the lets and consts
  // it references, which is what the evaluator will recurse.
  const Type* CheckExpr(const Expr& e, Scope& scope) {
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

  void RecordDepth(const Expr& e) {
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

  // Reported once: every expression above the first one that crosses the limit crosses
  // it too.
  void TooDeep(const Expr& e, size_t depth) {
    if (reported_too_deep_)
      return;
    reported_too_deep_ = true;
    sink_.Error("too-deep", e.span,
                Q(Text(e).substr(0, 60)) + " nests " + std::to_string(depth) +
                    " levels deep, counting the lets and consts it uses; the limit is " +
                    std::to_string(limits::kMaxNestingDepth),
                "break long chains of lets that use lets into independent parts");
  }

  // A loop variable named like something already visible hides it for the loop's body:
  // `let d = ...` then `for d in deps` reads the item where the author may have meant
  // the let.
  void WarnIfShadowing(const Scope& scope, const std::string& name, Span span) {
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
    sink_.Warning("shadowing", span, "loop variable " + Q(name) + " hides " + what + " " + Q(name),
                  "inside the loop, " + Q(name) + " is the item; rename one of them");
  }

  // `m[k]` on a map: an entry that may be missing (`??` and `has` treat it so).
  bool IsMapEntry(const Expr& e) const {
    if (e.kind != ExprKind::kIndex)
      return false;
    const Type* object = out_->expr_types[e.children[0]->id];
    return object != nullptr && object->kind == TypeKind::kMap;
  }

  uint32_t ChildDeps(const Expr& e) const {
    uint32_t deps = 0;
    for (const auto& child : e.children)
      deps |= out_->deps[child->id];
    return deps;
  }

  const Type* CheckExprInner(const Expr& e, Scope& scope) {
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

  // Validated here, so a bad pattern is reported with every other error; the compiler
  // compiles it again for the program (cheap: patterns are short, once per policy).
  void CheckRegex(const Expr& e) {
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(limits::kMaxRegexMemory);
    RE2 re(e.text, options);
    if (!re.ok()) {
      sink_.Error("bad-regex", e.span, "invalid regex: " + re.error());
    } else if (re.ProgramSize() > limits::kMaxRegexProgramSize) {
      sink_.Error("bad-regex", e.span,
                  "regex is too large (" + std::to_string(re.ProgramSize()) +
                      " instructions, limit " + std::to_string(limits::kMaxRegexProgramSize) + ")");
    }
  }

  std::vector<std::string> VisibleNames(const Scope& scope) const {
    std::vector<std::string> names;
    for (auto it = scope.locals.rbegin(); it != scope.locals.rend(); ++it)
      names.push_back(it->name);
    for (const auto& [name, entry] : namespaces_[scope.instance])
      names.push_back(name);
    for (const Field& f : out_->schema->fields)
      names.push_back(f.name);
    return names;
  }

  const Type* ResolveEntry(const Expr& e, const Entry& entry) {
    out_->refs[e.id] = {entry.kind, entry.index};
    switch (entry.kind) {
      case RefKind::kConst:
        if (const_state_[entry.index] == State::kChecking) {
          sink_.Error("cycle", e.span,
                      "const " + Q(out_->consts[entry.index].name) + " depends on itself");
          return Fail(e);
        }
        CheckConst(entry.index);
        return Set(e, out_->consts[entry.index].type, 0);
      case RefKind::kLet:
        if (let_state_[entry.index] == State::kChecking) {
          sink_.Error("cycle", e.span,
                      "let " + Q(out_->lets[entry.index].name) + " depends on itself");
          return Fail(e);
        }
        CheckLet(entry.index);
        return Set(e, out_->lets[entry.index].type, kDependsOnRun);
      case RefKind::kModule:
        sink_.Error("type-mismatch", e.span, "module " + Q(Text(e)) + " is not a value",
                    "name one of its constants: `" + Text(e) + ".<name>`");
        return Fail(e);
      default: return Fail(e);
    }
  }

  const Type* CheckName(const Expr& e, Scope& scope) {
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
    sink_.Error("unknown-name", e.span, "unknown name " + Q(e.text),
                guess.empty() ? "declare it as a fact, a `let` or a `const`"
                              : "did you mean " + Q(guess) + "?");
    return Fail(e);
  }

  const Type* CheckMember(const Expr& e, Scope& scope) {
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
                      "module " + Q(object.text) + " has no constant or let " + Q(e.text),
                      guess.empty() ? "" : "did you mean " + Q(guess) + "?");
          return Fail(e);
        }
        out_->refs[object.id] = {RefKind::kModule, it->second.index};
        return ResolveEntry(e, member->second);
      }
    }
    const Type* type = CheckExpr(object, scope);
    if (type->kind == TypeKind::kError)
      return Fail(e);
    if (type->kind == TypeKind::kOptional) {
      sink_.Error("optional-unhandled", object.span,
                  Q(Text(object)) + " may be missing; handle it with `??` or `has(...)`",
                  "for example `has(" + Text(object) + ") and " + Text(e) + " ...`");
      return Fail(e);
    }
    if (type->kind != TypeKind::kRecord) {
      std::string help;
      if (type->kind == TypeKind::kMap)
        help = "read a map entry with `" + Text(object) + "[\"" + e.text + "\"]`";
      sink_.Error("type-mismatch", e.var_span,
                  Q(Text(object)) + " is " + Q(TypeName(type)) + ", which has no fields", help);
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
                  std::string(root ? "unknown fact " : "unknown field ") + Q(Text(e)),
                  guess.empty() ? "declare it in the `facts` block"
                                : "did you mean " + Q(Text(object) + "." + guess) + "?");
      return Fail(e);
    }
    out_->refs[e.id] = {RefKind::kNone, static_cast<uint32_t>(index)};
    return Set(e, type->fields[index].type, out_->deps[object.id]);
  }

  const Type* CheckIndex(const Expr& e, Scope& scope) {
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
                  Q(Text(*e.children[0])) + " may be missing; handle it with `??` or `has(...)`");
      return Fail(e);
    }
    sink_.Error("type-mismatch", e.span,
                "cannot index " + Q(TypeName(object)) + " with " + Q(TypeName(index)),
                "lists take an int index, maps a string key");
    return Fail(e);
  }

  const Type* ArgTypeOf(builtins::ArgType t) {
    switch (t) {
      case builtins::ArgType::kBool: return out_->types->Bool();
      case builtins::ArgType::kInt: return out_->types->Int();
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

  const Type* CheckCall(const Expr& e, Scope& scope) {
    std::vector<const Type*> args;
    for (const auto& child : e.children)
      args.push_back(CheckExpr(*child, scope));
    auto found = builtins::DefaultRegistry().Find(e.text);
    if (found.empty()) {
      std::vector<std::string> names;
      for (const builtins::Builtin& b : builtins::DefaultRegistry().all())
        names.push_back(b.name);
      const std::string guess = Suggest(e.text, names);
      sink_.Error("unknown-function", e.var_span, "unknown function " + Q(e.text),
                  guess.empty() ? "" : "did you mean " + Q(guess) + "?");
      return Fail(e);
    }
    const builtins::Builtin* b = found.front();
    if (args.size() != b->params.size()) {
      const bool method = e.kind == ExprKind::kMethod;
      const size_t want = b->params.size() - (method ? 1 : 0);
      const size_t have = args.size() - (method ? 1 : 0);
      sink_.Error("wrong-arg-count", e.span,
                  Q(e.text) + " takes " + std::to_string(want) + " argument" +
                      (want == 1 ? "" : "s") + ", found " + std::to_string(have),
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
        sink_.Error(
            optional ? "optional-unhandled" : "type-mismatch", e.children[i]->span,
            optional
                ? Q(Text(*e.children[i])) + " may be missing; handle it with `??` or `has(...)`"
                : Q(e.text) + " expects " + want_name + ", found " + Q(TypeName(args[i])),
            optional ? "for example `(" + Text(*e.children[i]) + " ?? <default>)`, or test `has(" +
                           Text(*e.children[i]) + ")` first"
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

  const Type* CheckHas(const Expr& e, Scope& scope) {
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
      sink_.Warning(
          "has-not-optional", inner.span,
          Q(Text(inner)) + " is not optional, so `has` is always true",
          "declare it as `" + TypeName(type) + "?` in the facts schema if it may be missing");
    }
    return Set(e, out_->types->Bool(), ChildDeps(e));
  }

  const Type* CheckUnary(const Expr& e, Scope& scope) {
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
    sink_.Error("type-mismatch", e.span, "cannot negate " + Q(TypeName(t)));
    return Fail(e);
  }

  const Type* OptionalError(const Expr& operand) {
    sink_.Error("optional-unhandled", operand.span,
                Q(Text(operand)) + " may be missing; handle it with `??` or `has(...)`",
                "for example `" + Text(operand) + " ?? <default>`");
    return out_->types->Error();
  }

  const Type* CheckBinary(const Expr& e, Scope& scope) {
    TypeArena& T = *out_->types;
    const Expr& lhs_expr = *e.children[0];
    const Expr& rhs_expr = *e.children[1];
    const Type* lhs = CheckExpr(lhs_expr, scope);
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
      sink_.Error("type-mismatch", e.span,
                  "`" + op + "` cannot combine " + Q(TypeName(lhs)) + " and " + Q(TypeName(rhs)));
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
          ExpectBool(lhs_expr, lhs, ("an operand of `" + op + "`").c_str());
          return Fail(e);
        }
        if (k(rhs) != TypeKind::kBool) {
          ExpectBool(rhs_expr, rhs, ("an operand of `" + op + "`").c_str());
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
                        Q(Text(lhs_expr)) + " is never missing, so `??` never uses its right side");
          if (!Assignable(rhs, lhs))
            return mismatch();
          return Set(e, lhs, constant);
        }
        if (!Assignable(rhs, lhs->element)) {
          sink_.Error(
              "type-mismatch", rhs_expr.span,
              "the default must be " + Q(TypeName(lhs->element)) + ", found " + Q(TypeName(rhs)));
          return Fail(e);
        }
        return Set(e, lhs->element, constant);
      case Op::kAdd:
        if (k(lhs) == TypeKind::kString && k(rhs) == TypeKind::kString)
          return Set(e, lhs, constant);
        if (k(lhs) == TypeKind::kTime && k(rhs) == TypeKind::kDuration)
          return Set(e, lhs, constant);
        if (k(lhs) == TypeKind::kDuration && k(rhs) == TypeKind::kTime)
          return Set(e, rhs, constant);
        [[fallthrough]];
      case Op::kSub:
        if (e.op == Op::kSub && k(lhs) == TypeKind::kTime && k(rhs) == TypeKind::kTime) {
          return Set(e, T.Duration(), constant);
        }
        if (e.op == Op::kSub && k(lhs) == TypeKind::kTime && k(rhs) == TypeKind::kDuration) {
          return Set(e, lhs, constant);
        }
        if (k(lhs) == TypeKind::kDuration && k(rhs) == TypeKind::kDuration) {
          return Set(e, lhs, constant);
        }
        [[fallthrough]];
      case Op::kMul:
      case Op::kDiv:
      case Op::kMod:
        if (lhs->IsNumeric() && rhs->IsNumeric()) {
          if (e.op == Op::kMod && (k(lhs) != TypeKind::kInt || k(rhs) != TypeKind::kInt)) {
            return mismatch();
          }
          return Set(e, k(lhs) == TypeKind::kInt && k(rhs) == TypeKind::kInt ? T.Int() : T.Float(),
                     constant);
        }
        if ((e.op == Op::kMul || e.op == Op::kDiv) && k(lhs) == TypeKind::kDuration &&
            k(rhs) == TypeKind::kInt) {
          return Set(e, lhs, constant);
        }
        if (e.op == Op::kMul && k(lhs) == TypeKind::kInt && k(rhs) == TypeKind::kDuration) {
          return Set(e, rhs, constant);
        }
        return mismatch();
      case Op::kEq:
      case Op::kNe:
        if ((lhs->IsNumeric() && rhs->IsNumeric()) || Assignable(lhs, rhs) ||
            Assignable(rhs, lhs)) {
          if (k(lhs) == TypeKind::kRegex)
            return mismatch();
          return Set(e, T.Bool(), constant);
        }
        return mismatch();
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        if (lhs->IsNumeric() && rhs->IsNumeric())
          return Set(e, T.Bool(), constant);
        const bool ordered = k(lhs) == TypeKind::kString || k(lhs) == TypeKind::kTime ||
                             k(lhs) == TypeKind::kDuration || k(lhs) == TypeKind::kVersion;
        if (ordered && lhs == rhs)
          return Set(e, T.Bool(), constant);
        if (k(lhs) == TypeKind::kString && k(rhs) == TypeKind::kVersion) {
          sink_.Error("type-mismatch", lhs_expr.span, "cannot order a string against a version",
                      "compare versions as `semver(" + Text(lhs_expr) + ")`");
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
                      "test for a substring with `" + Text(rhs_expr) + ".contains(" +
                          Text(lhs_expr) + ")`");
          return Fail(e);
        }
        return mismatch();
      case Op::kMatches:
        if (k(lhs) != TypeKind::kString)
          return mismatch();
        if (k(rhs) != TypeKind::kRegex) {
          sink_.Error("type-mismatch", rhs_expr.span,
                      "`matches` needs a regex such as /^v[0-9]+/, found " + Q(TypeName(rhs)),
                      k(rhs) == TypeKind::kString ? "write the pattern between slashes" : "");
          return Fail(e);
        }
        return Set(e, T.Bool(), constant);
      default: return mismatch();
    }
  }

  const Type* CheckCollection(const Expr& e, Scope& scope) {
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
                    "items must all have one type: expected " + Q(TypeName(element)) + ", found " +
                        Q(TypeName(t)));
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

  const Type* CheckLoop(const Expr& e, Scope& scope) {
    const bool comprehension = e.kind == ExprKind::kComprehension;
    const Expr& list_expr = comprehension ? *e.children[1] : *e.children[0];
    const Type* list = CheckExpr(list_expr, scope);
    const Type* element = ElementType(list, list_expr, comprehension ? "for" : "in");
    if (scope.loop_depth + 1 > limits::kMaxQuantifierNesting) {
      sink_.Error("too-deep", e.span,
                  "more than " + std::to_string(limits::kMaxQuantifierNesting) +
                      " nested loops (`for`, quantifiers, comprehensions)",
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
                    "set items must be strings, numbers, booleans, times, durations or versions, "
                    "found " +
                        Q(TypeName(item)));
        result = out_->types->Error();
      } else {
        result = e.is_set ? out_->types->Set(item) : out_->types->List(item);
      }
    } else {
      const Type* cond = CheckExpr(*e.children[1], scope);
      ExpectBool(*e.children[1], cond, "a quantifier condition");
      result =
          e.quantifier == syntax::Quantifier::kCount ? out_->types->Int() : out_->types->Bool();
    }
    scope.narrowed.resize(saved);
    scope.Pop();
    --scope.loop_depth;
    if (result->kind == TypeKind::kError)
      return Fail(e);
    // The loop variable is bound here, so it is not a free dependency of the loop.
    return Set(e, result, ChildDeps(e) & ~LocalBit(slot));
  }

  LoadedPolicy loaded_;
  const SourceMap& sources_;
  DiagnosticSink& sink_;
  std::unique_ptr<CheckedPolicy> out_;
  Span root_package_span_;
  std::map<std::string, const syntax::Import*> imported_;
  std::vector<const syntax::Import*> instance_imports_;  // per instance after the root
  std::vector<Span> fact_spans_;
  std::vector<std::map<std::string, Entry>> namespaces_;
  std::vector<const syntax::Binding*> const_decls_;
  std::vector<uint32_t> const_value_instance_;  // where a const's value is checked
  std::vector<const syntax::Binding*> let_decls_;
  std::vector<State> const_state_;
  std::vector<State> let_state_;
  std::vector<size_t> depth_;  // by ExprId: nesting through lets and consts (CheckExpr)
  std::vector<size_t> const_depth_;
  std::vector<size_t> let_depth_;
  size_t nesting_ = 0;  // live recursion depth of CheckExpr
  bool reported_too_deep_ = false;
};

}  // namespace

std::unique_ptr<CheckedPolicy> Check(LoadedPolicy loaded, const SourceMap& sources,
                                     DiagnosticSink& sink) {
  return Checker(std::move(loaded), sources, sink).Run();
}

}  // namespace relgate::check
