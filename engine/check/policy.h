// The checker's output: a whole policy (the user's files, the stdlib modules they import)
// with names resolved and every expression typed against the facts schema. It owns the
// ASTs; the compiler reads it and never sees source text or unresolved names.
//
// Side tables are indexed by syntax::ExprId (dense across the policy):
//   expr_types[id]  the type of the expression
//   refs[id]        what a name (or `alias.member`) refers to
//   calls[id]       the builtin a call or method expression resolved to
//   deps[id]        what the value depends on: kDependsOnRun (facts, lets, `now`)
//                   and LocalBit(slot) for each free loop variable; 0 = foldable
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/base/digest.h"
#include "engine/base/source.h"
#include "engine/builtins/registry.h"
#include "engine/check/types.h"
#include "engine/syntax/ast.h"

namespace relgate::check {

inline constexpr uint32_t kDependsOnRun = 1;

inline constexpr uint32_t LocalBit(uint32_t slot) {
  return slot < 31 ? 2u << slot : 0;
}

enum class RefKind { kNone, kFact, kLet, kConst, kLocal, kModule };

struct Ref {
  RefKind kind = RefKind::kNone;
  uint32_t index = 0;  // fact: root field; let/const: policy-wide index; local: slot
};

// One namespace: the user's policy (alias "") or one imported stdlib module instance.
struct ModuleInstance {
  std::string alias;    // "" for the user's policy
  std::string package;  // declared package (`acme.release`, `std.release`)
  std::vector<const syntax::Module*> files;
  Span import_span;  // a std module's `import` in the user's policy
};

struct CheckedBinding {
  std::string name;  // qualified for stdlib instances: `release.min_reviewers`
  uint32_t instance = 0;
  const syntax::Expr* value = nullptr;  // for consts: the import parameter if one is set
  const Type* type = nullptr;
  Span span;
  const syntax::Binding* decl = nullptr;  // for the constraints of a const
  bool set_by_import = false;             // `value` is an import parameter
};

struct CheckedRule {
  std::string id;  // qualified for stdlib instances: `release.pinned`
  syntax::Level level = syntax::Level::kHard;
  const syntax::Rule* rule = nullptr;
  uint32_t instance = 0;
  const Type* item_type = nullptr;  // for `for` rules
  std::vector<uint32_t> exceptions;
  // Advisory before this time (ns since the epoch), `level` from it; 0: no rollout. Set by
  // the rule's `from DATE` or its import's `from DATE [rule]`.
  int64_t rollout = 0;
  std::string rollout_text;
};

struct CheckedException {
  const syntax::Exception* exception = nullptr;
  uint32_t rule = 0;  // index into rules
};

using relgate::SourceDigest;  // engine/base/digest.h

struct CheckedPolicy {
  std::vector<std::unique_ptr<syntax::Module>> modules;  // owned ASTs
  std::vector<ModuleInstance> instances;                 // [0] is the user's policy
  std::vector<SourceDigest> sources;                     // every file read, sorted by path
  std::vector<std::string> roots;                        // each --policy path, as given
  std::string package;
  std::unique_ptr<TypeArena> types = std::make_unique<TypeArena>();  // moved into the Program
  const Type* schema = nullptr;  // record type of the facts root
  std::vector<const Type*> expr_types;
  std::vector<Ref> refs;
  std::vector<const builtins::Builtin*> calls;
  std::vector<uint32_t> deps;
  std::vector<CheckedBinding> lets;
  std::vector<CheckedBinding> consts;
  std::vector<CheckedRule> rules;          // in source order: user's files first, then imports
  std::vector<std::string> skipped_rules;  // imported rules left out by `skip [...]`
  std::vector<CheckedException> exceptions;
  uint32_t max_locals = 0;  // local variable slots a frame needs
};

}  // namespace relgate::check
