// The checker's one class, shared by the files that implement it along its seams:
// checker.cpp (the driver, module structure, names, declarations), schema.cpp (the facts
// schema: declared types, merged across files and modules), expressions.cpp (typing
// every expression, operators from check/operators.h). Internal to engine/check.
//
// One pass over each declaration, with lets and consts checked on first use (so
// declaration order does not matter and cycles are found), and a scope that carries
// local variables and the optional facts proven present by `has(...)` (narrowing.cpp).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/base/diagnostic.h"
#include "engine/builtins/registry.h"
#include "engine/check/internal/scope.h"
#include "engine/check/loader.h"
#include "engine/check/policy.h"

namespace relgate::check::internal {

using syntax::Expr;
using syntax::ExprKind;
using syntax::Op;

inline std::string Q(const std::string& s) {
  return fmt::format("`{}`", s);
}

class Checker {
 public:
  Checker(LoadedPolicy loaded, const SourceMap& sources, DiagnosticSink& sink,
          const builtins::Registry& builtins)
      : loaded_(std::move(loaded)),
        sources_(sources),
        sink_(sink),
        builtins_(builtins),
        out_(std::make_unique<CheckedPolicy>()) {}

  std::unique_ptr<CheckedPolicy> Run(bool keep_on_errors);

 private:
  enum class State { kUnchecked, kChecking, kDone };

  struct Entry {
    RefKind kind;
    uint32_t index;
    Span span;
  };

  std::string Text(const Expr& e) const { return std::string(sources_.Text(e.span)); }

  const Type* Fail(const Expr& e) { return Set(e, out_->types->Error(), kDependsOnRun); }

  // structure and schema (checker.cpp, schema.cpp)
  // A gate with nothing to check would open for every release, so a policy without
  // rules is an error, and so is a file without declarations (emptied or truncated to
  // its comments): in a directory of several files, its rules would go missing silently.
  void CheckNotEmpty();
  void BuildInstances();
  // `regex` is a type for consts and lets only: facts never hold compiled patterns.
  const Type* LowerType(const syntax::TypeExpr& t, bool allow_regex = false);
  // Union of two declarations of the same fact; nullptr if they conflict.
  const Type* MergeTypes(const Type* a, const Type* b);
  void BuildSchema();
  void DeclareNames();
  // Import parameters replace the value of the module's consts.
  void BindParams();
  void SelectRules();  // an import's `skip`, `warn` and `from` lists

  // declarations (checker.cpp)
  void CheckConst(uint32_t i);
  void CheckLet(uint32_t i);
  void CheckRule(uint32_t i);
  void CheckExceptions();
  void RecordSources();

  // expressions (expressions.cpp)
  void ExpectBool(const Expr& e, const Type* type, const char* what);
  const Type* ElementType(const Type* list, const Expr& e, const char* what);
  const Type* Set(const Expr& e, const Type* type, uint32_t deps);
  // Every recursive stage after this one (cost bound, compiler, evaluator) follows the
  // expression tree and the lets and consts it names, so the checker bounds the depth of
  // that walk: live while checking (lets are checked on first use, so checking recurses
  // the same way), and as each expression's depth counted through the lets and consts
  // it references, which is what the evaluator will recurse.
  const Type* CheckExpr(const Expr& e, Scope& scope);
  void RecordDepth(const Expr& e);
  // Reported once: every expression above the first one that crosses the limit crosses
  // it too.
  void TooDeep(const Expr& e, size_t depth);
  // A loop variable named like something already visible hides it for the loop's body:
  // `let d = ...` then `for d in deps` reads the item where the author may have meant
  // the let.
  void WarnIfShadowing(const Scope& scope, const std::string& name, Span span);
  // `m[k]` on a map: an entry that may be missing (`??` and `has` treat it so).
  bool IsMapEntry(const Expr& e) const;
  uint32_t ChildDeps(const Expr& e) const;
  const Type* CheckExprInner(const Expr& e, Scope& scope);
  // Validated here, so a bad pattern is reported with every other error; the compiler
  // compiles it again for the program (cheap: patterns are short, once per policy).
  void CheckRegex(const Expr& e);
  std::vector<std::string> VisibleNames(const Scope& scope) const;
  const Type* ResolveEntry(const Expr& e, const Entry& entry);
  const Type* CheckName(const Expr& e, Scope& scope);
  const Type* CheckMember(const Expr& e, Scope& scope);
  const Type* CheckIndex(const Expr& e, Scope& scope);
  const Type* ArgTypeOf(builtins::ArgType t);
  const Type* CheckCall(const Expr& e, Scope& scope);
  const Type* CheckHas(const Expr& e, Scope& scope);
  const Type* CheckUnary(const Expr& e, Scope& scope);
  const Type* ScalarOf(TypeKind kind);
  const Type* OptionalError(const Expr& operand);
  const Type* CheckBinary(const Expr& e, Scope& scope);
  const Type* CheckCollection(const Expr& e, Scope& scope);
  const Type* CheckLoop(const Expr& e, Scope& scope);

  LoadedPolicy loaded_;
  const SourceMap& sources_;
  DiagnosticSink& sink_;
  const builtins::Registry& builtins_;  // the functions policies may call
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
  // Checking the left side of `??` when it is a chain of fields (`a.b.c ?? x`): a field of
  // an optional record is then optional itself, and missing when the record is.
  bool chaining_ = false;
};

}  // namespace relgate::check::internal
