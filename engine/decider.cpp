#include "engine/decider.h"

#include "engine/check/checker.h"
#include "engine/eval/cost_check.h"

namespace relgate {

namespace {

std::unique_ptr<compile::Program> CheckAndCompile(std::optional<check::LoadedPolicy> loaded,
                                                  const SourceMap& sources, DiagnosticSink& sink,
                                                  compile::CompileOptions options) {
  if (!loaded)
    return nullptr;
  return CompileLoaded(std::move(*loaded), sources, sink, options);
}

// The facts document that defines the top-level key of `path` (`dependencies[3].name`
// -> the file that has `dependencies`), or "".
// `dependencies[12].name` -> `dependencies` and 12 (-1 when the path has no index).
std::pair<std::string_view, int64_t> TopLevel(const std::string& path) {
  const std::string_view key = std::string_view(path).substr(0, path.find_first_of(".["));
  int64_t index = -1;
  if (key.size() < path.size() && path[key.size()] == '[')
    index = std::atoll(path.c_str() + key.size() + 1);
  return {key, index};
}

std::string FactsFileOf(const facts::FactSet& set, const std::string& path) {
  if (path.empty())
    return "";
  const auto [key, index] = TopLevel(path);
  return set.SourceOf(key, index);
}

std::string FactsPathOf(const facts::FactSet& set, const std::string& path) {
  if (path.empty())
    return "";
  const auto [key, index] = TopLevel(path);
  return set.SourcePathOf(key, index);
}

void AddWarnings(const eval::BoundFacts& bound, eval::Decision& d) {
  for (const ErrorInfo& unread : bound.unread_keys())
    d.warnings.push_back({unread.path, unread.message});
}

}  // namespace

std::unique_ptr<compile::Program> CompileLoaded(check::LoadedPolicy loaded,
                                                const SourceMap& sources, DiagnosticSink& sink,
                                                compile::CompileOptions options) {
  auto checked =
      check::Check(std::move(loaded), sources, sink,
                   options.builtins != nullptr ? *options.builtins : builtins::DefaultRegistry());
  if (!checked)
    return nullptr;
  return compile::Compile(std::move(checked), sources, sink, options);
}

std::unique_ptr<compile::Program> CompilePolicy(const std::vector<std::string>& paths,
                                                const check::Stdlib& stdlib, SourceMap& sources,
                                                DiagnosticSink& sink,
                                                compile::CompileOptions options) {
  // Files that parsed are checked even when another did not, so that every error is
  // reported at once; such a policy is never compiled (Check gives nothing).
  return CheckAndCompile(check::LoadPolicyKeepingErrors(paths, stdlib, sources, sink), sources,
                         sink, options);
}

std::unique_ptr<compile::Program> CompilePolicyText(const std::string& name,
                                                    const std::string& text,
                                                    const check::Stdlib& stdlib, SourceMap& sources,
                                                    DiagnosticSink& sink,
                                                    compile::CompileOptions options) {
  return CheckAndCompile(check::LoadPolicyText(name, text, stdlib, sources, sink), sources, sink,
                         options);
}

const eval::Outcome& Decider::Evaluate(const facts::FactSet& set, const eval::EvalOptions& options,
                                       int64_t cost_limit) {
  eval::BindInto(program_, set, bound_);
  return EvaluateOn(bound_, options, cost_limit);
}

const eval::Outcome* Decider::EvaluateJson(const eval::JsonFacts& json,
                                           const compile::ReadPath& reads,
                                           const eval::EvalOptions& options, int64_t cost_limit) {
  if (json.Bind(program_, reads, bound_) != eval::JsonFacts::Binding::kBound)
    return nullptr;
  return &EvaluateOn(bound_, options, cost_limit);
}

const eval::Outcome& Decider::EvaluateBoundBy(const Decider& other,
                                              const eval::EvalOptions& options,
                                              int64_t cost_limit) {
  return EvaluateOn(other.bound_, options, cost_limit);
}

const eval::Outcome& Decider::EvaluateOn(const eval::BoundFacts& bound,
                                         const eval::EvalOptions& options, int64_t cost_limit) {
  last_bound_ = &bound;
  cost_ = eval::CheckCost(program_, bound, cost_limit);
  if (cost_.ok)
    return eval::Evaluate(program_, bound, options, scratch_);
  // Over the bound: nothing is evaluated, and the gate stays shut.
  cost_outcome_ = eval::Outcome();
  cost_outcome_.verdict = eval::Verdict::kUndecided;
  cost_outcome_.rules.assign(program_.rules().size(), eval::RuleStatus::kNotEvaluated);
  cost_error_ = {"", cost_.message};
  cost_outcome_.errors.push_back({cost_.rule, eval::kNoItem, &cost_error_, true});
  return cost_outcome_;
}

eval::Decision Decider::Explain(const eval::EvalOptions& options) {
  eval::Decision d = ExplainRules(options);
  AddWarnings(*last_bound_, d);
  return d;
}

eval::Decision Decider::ExplainRules(const eval::EvalOptions& options) {
  eval::Decision d;
  if (cost_.ok) {
    d = eval::Explain(program_, *last_bound_, scratch_.outcome, options, scratch_);
  } else {
    d.verdict = eval::Verdict::kUndecided;
    d.evaluated_at = options.now;
    d.package = program_.package();
    d.policy_digest = program_.digest();
    d.policy_sources = program_.sources();
    d.policy_roots = program_.roots();
    for (const compile::CompiledRule& rule : program_.rules())
      d.rules.push_back({rule.id, rule.level, eval::RuleStatus::kNotEvaluated, 0, rule.rollout_text,
                         false, rule.doc, rule.location, rule.imported_at});
    const compile::CompiledRule& rule = program_.rules()[cost_.rule];
    d.errors.push_back({rule.id, rule.level, true, "", "", "", "", cost_.message, rule.location,
                        rule.imported_at});
  }
  return d;
}

eval::Decision Decider::Explain(const facts::FactSet& set, const eval::EvalOptions& options) {
  eval::Decision d = ExplainRules(options);
  for (const auto& doc : set.documents())
    d.facts.push_back({doc->name(), doc->sha256(), doc->source_path()});
  // Which facts file each finding's item, and each error's fact, is in.
  for (eval::Finding& f : d.findings) {
    f.facts_file = FactsFileOf(set, f.item);
    f.facts_path = FactsPathOf(set, f.item);
    f.facts_line = f.item.empty() ? 0 : set.LineOf(f.item);
  }
  for (eval::RuleError& e : d.errors) {
    e.facts_file = FactsFileOf(set, !e.path.empty() ? e.path : e.item);
    e.facts_path = FactsPathOf(set, !e.path.empty() ? e.path : e.item);
    e.facts_line = e.item.empty() ? 0 : set.LineOf(e.item);
  }
  AddWarnings(*last_bound_, d);
  return d;
}

eval::Decision Decider::Decide(const facts::FactSet& set, const eval::EvalOptions& options,
                               int64_t cost_limit) {
  (void)Evaluate(set, options, cost_limit);
  return Explain(set, options);
}

eval::Decision Decide(const compile::Program& program, const facts::FactSet& set,
                      const eval::EvalOptions& options, int64_t cost_limit) {
  Decider decider(program);
  return decider.Decide(set, options, cost_limit);
}

}  // namespace relgate
