// Program: the compiled, immutable form of a policy. Everything the evaluator needs is
// resolved here (fact slots, let slots, typed operators, compiled regexes, folded
// constants, builtin pointers); the evaluator never looks up a name or reads source
// text. A Program is immutable after Compile() and safe to share between threads.
//
// For explanations, the program keeps the source text of each node that came from a
// sub-expression (`count(reviewers)`), cut out at compile time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/base/arena.h"
#include "engine/base/digest.h"
#include "engine/base/level.h"
#include "engine/base/policy_location.h"
#include "engine/compile/cost.h"
#include "engine/compile/kernel.h"
#include "engine/compile/node.h"
#include "engine/compile/read_set.h"
#include "engine/types/types.h"

namespace relgate::compile {

struct TemplatePiece {
  std::string literal;  // used when expr == kNoNode
  NodeId expr = kNoNode;
};

struct CompiledRule {
  std::string id;
  Level level = Level::kHard;
  // Advisory while `now` is before it (ns since the epoch), `level` from it; 0: none.
  int64_t rollout = 0;
  std::string rollout_text;  // as written: `2027-01-01`
  PolicyLocation location;   // `policies/release.gate:12:6`
  // A std module's rule: the `import` that brought it into the user's policy, a file in
  // the repository that reports can point at (the module is built into relgate).
  PolicyLocation imported_at;
  std::string doc;  // the comment lines right above the rule, joined
  bool has_for = false;
  std::string var;
  NodeId over = kNoNode;  // the list iterated by `for`
  std::string over_path;  // `dependencies` when `over` is a plain fact path, else ""
  NodeId filter = kNoNode;
  NodeId condition = kNoNode;
  // The kernels of the filter and condition of a `for` rule (kernel.h), or kNoKernel.
  uint32_t filter_kernel = kNoKernel;
  uint32_t condition_kernel = kNoKernel;
  std::vector<TemplatePiece> message;
  std::vector<uint32_t> exceptions;  // indices into Program::exceptions()
  RuleCost cost;                     // evaluation cost bound (cost.h)
};

// Before its rollout date a rule is advisory.
inline bool RolloutPending(const CompiledRule& rule, int64_t now) {
  return rule.rollout != 0 && now < rule.rollout;
}

struct CompiledException {
  uint32_t rule = 0;
  NodeId condition = kNoNode;  // kNoNode: every finding of the rule
  std::string condition_text;
  int64_t until = 0;  // applies while now < until
  std::string until_text;
  std::string owner;
  std::string reason;
  PolicyLocation location;
};

struct CompiledLet {
  std::string name;
  NodeId root = kNoNode;
};

class Program {
 public:
  Program() = default;
  ~Program();  // out of line: RE2 is incomplete here
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  const Node& node(NodeId id) const { return nodes_[id]; }

  NodeId operand(uint32_t index) const { return operands_[index]; }

  size_t node_count() const { return nodes_.size(); }

  // Source text of the sub-expression a node was compiled from ("" if synthetic).
  const std::string& snippet(NodeId id) const { return snippets_[id]; }

  // The checked type of a node's value (for rendering records with field names).
  const types::Type* type(NodeId id) const { return node_types_[id]; }

  const std::vector<CompiledRule>& rules() const { return rules_; }

  const Kernel& kernel(uint32_t index) const { return kernels_[index]; }

  size_t kernel_count() const { return kernels_.size(); }

  const std::vector<CompiledException>& exceptions() const { return exceptions_; }

  const std::vector<CompiledLet>& lets() const { return lets_; }

  uint32_t max_locals() const { return max_locals_; }

  // The facts schema: a record type with one field per top-level fact.
  const types::Type* schema() const { return schema_; }

  const std::string& package() const { return package_; }

  const std::vector<SourceDigest>& sources() const { return sources_; }

  // Each --policy path, as given on the command line.
  const std::vector<std::string>& roots() const { return roots_; }

  // sha256 over the sorted (path, sha256) list of every source file of the policy.
  const std::string& digest() const { return digest_; }

  // What the rules, exceptions, lets and messages can read of the facts (read_set.h).
  const ReadPath& reads() const { return *reads_; }

 private:
  friend class Compiler;
  std::vector<Node> nodes_;
  std::vector<NodeId> operands_;
  std::vector<std::string> snippets_;
  std::vector<const types::Type*> node_types_;
  std::vector<CompiledRule> rules_;
  std::vector<CompiledException> exceptions_;
  std::vector<CompiledLet> lets_;
  std::vector<Kernel> kernels_;
  uint32_t max_locals_ = 0;
  const types::Type* schema_ = nullptr;
  std::string package_;
  std::vector<SourceDigest> sources_;
  std::vector<std::string> roots_;
  std::string digest_;
  std::unique_ptr<ReadPath> reads_ = std::make_unique<ReadPath>();
  std::unique_ptr<types::TypeArena> types_;
  std::vector<std::unique_ptr<re2::RE2>> regexes_;
  Arena constants_;  // strings and lists of folded constants
};

}  // namespace relgate::compile
