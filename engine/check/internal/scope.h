// Checker scope: the namespace being checked in, the loop variables in scope (innermost
// last, each with the frame slot it occupies at run time), and the optional fact paths
// that enclosing conditions have proven present. Internal to engine/check.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "engine/check/policy.h"
#include "engine/check/types.h"
#include "engine/syntax/ast.h"

namespace relgate::check {

struct Scope {
  struct Local {
    std::string name;
    uint32_t slot;
    const Type* type;
  };

  explicit Scope(uint32_t instance_index) : instance(instance_index) {}

  // Binds a loop variable; returns its slot (= nesting position).
  uint32_t Push(const std::string& name, const Type* type) {
    const uint32_t slot = static_cast<uint32_t>(locals.size());
    locals.push_back({name, slot, type});
    max_locals = std::max<uint32_t>(max_locals, slot + 1);
    return slot;
  }

  void Pop() { locals.pop_back(); }

  const Local* Find(const std::string& name) const {
    for (auto it = locals.rbegin(); it != locals.rend(); ++it) {
      if (it->name == name)
        return &*it;
    }
    return nullptr;
  }

  bool IsNarrowed(const std::string& key) const {
    return !key.empty() && std::find(narrowed.begin(), narrowed.end(), key) != narrowed.end();
  }

  uint32_t instance;
  std::vector<Local> locals;
  std::vector<std::string> narrowed;
  uint32_t loop_depth = 0;
  uint32_t max_locals = 0;
};

// Flow typing for optional facts (narrowing.cpp). A path key names a fact path
// independent of spelling: `F0.signer` for `release.signer` when `release` is fact 0,
// `L1.integrity` for `d.integrity` when `d` is the loop variable in slot 1.
struct Narrowing {
  static std::string Key(const syntax::Expr& expr, const CheckedPolicy& policy);
  // Adds the paths that `expr` being true proves present (`has(p)`, conjunctions of them).
  static void AddProvenTrue(const syntax::Expr& expr, const CheckedPolicy& policy,
                            std::vector<std::string>& out);
  // Adds the paths that `expr` being false proves present (`not has(p)`, disjunctions).
  static void AddProvenFalse(const syntax::Expr& expr, const CheckedPolicy& policy,
                             std::vector<std::string>& out);
};

}  // namespace relgate::check
