// The core facade: compile a policy, decide releases on facts already in memory. No file
// of facts, no history, no importer: what an embedder needs (include/relgate/relgate.h
// builds on it), and what relgate.h adds the I/O to.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/base/diagnostic.h"
#include "engine/base/limits.h"
#include "engine/base/source.h"
#include "engine/check/loader.h"
#include "engine/compile/compiler.h"
#include "engine/compile/program.h"
#include "engine/eval/bind.h"
#include "engine/eval/cost_check.h"
#include "engine/eval/decision.h"
#include "engine/eval/evaluator.h"
#include "engine/facts/facts.h"

namespace relgate {

// Compiles the policy in `paths` (files, or one directory of .gate files). Diagnostics
// go to `sink` (render them with `sources`); null on any error.
[[nodiscard]] std::unique_ptr<compile::Program> CompilePolicy(const std::vector<std::string>& paths,
                                                              const check::Stdlib& stdlib,
                                                              SourceMap& sources,
                                                              DiagnosticSink& sink,
                                                              compile::CompileOptions options = {});

// Checks and compiles a policy already loaded: read from files, or from a policy bundle
// (engine/bundle), whose syntax trees never pass through the parser.
[[nodiscard]] std::unique_ptr<compile::Program> CompileLoaded(check::LoadedPolicy loaded,
                                                              const SourceMap& sources,
                                                              DiagnosticSink& sink,
                                                              compile::CompileOptions options = {});

// The same for policy text held in memory (tests, fuzzing): imports of files are refused.
[[nodiscard]] std::unique_ptr<compile::Program> CompilePolicyText(
    const std::string& name, const std::string& text, const check::Stdlib& stdlib,
    SourceMap& sources, DiagnosticSink& sink, compile::CompileOptions options = {});

// Decides releases one after another with one compiled program, reusing its working
// memory (bound facts, evaluation scratch) from one release to the next. One Decider per
// thread: the Program is shared read-only, and nothing in it is written while deciding.
class Decider {
 public:
  explicit Decider(const compile::Program& program) : program_(program) {}

  Decider(const Decider&) = delete;
  Decider& operator=(const Decider&) = delete;

  // Bind, check the cost bound, evaluate, explain (see Decide below).
  [[nodiscard]] eval::Decision Decide(const facts::FactSet& set, const eval::EvalOptions& options,
                                      int64_t cost_limit = limits::kMaxEvaluationCost);

  // The fast path for deciding many releases (replay): bind, check the cost bound,
  // evaluate; no messages, warnings or digests. Over the cost bound the outcome is
  // undecided with one error, as in Decide. Valid until the next call.
  [[nodiscard]] const eval::Outcome& Evaluate(const facts::FactSet& set,
                                              const eval::EvalOptions& options,
                                              int64_t cost_limit = limits::kMaxEvaluationCost);

  // As Evaluate, on facts bound by `other`'s last Evaluate for a program whose schema is
  // the same as this one's (types::SameType): a replay binds each release once for both
  // the candidate and the baseline when their schemas agree.
  [[nodiscard]] const eval::Outcome& EvaluateBoundBy(
      const Decider& other, const eval::EvalOptions& options,
      int64_t cost_limit = limits::kMaxEvaluationCost);

  // Replay's fast path: a parsed JSON document bound in place, only `reads` (this program's
  // read set, or a union with another's: eval::JsonFacts), then as Evaluate. nullptr when the
  // document must go the strict way (Evaluate on its FactSet): that path reads it as `eval`
  // does and says what is wrong with it.
  [[nodiscard]] const eval::Outcome* EvaluateJson(const eval::JsonFacts& json,
                                                  const compile::ReadPath& reads,
                                                  const eval::EvalOptions& options,
                                                  int64_t cost_limit = limits::kMaxEvaluationCost);

  // The whole decision for the outcome Evaluate just returned, on the same facts.
  [[nodiscard]] eval::Decision Explain(const facts::FactSet& set, const eval::EvalOptions& options);

  // The same for an outcome of EvaluateJson (or EvaluateBoundBy one), which has no FactSet:
  // every finding and error with its message and item, but not the facts file each is in.
  [[nodiscard]] eval::Decision Explain(const eval::EvalOptions& options);

 private:
  eval::Decision ExplainRules(const eval::EvalOptions& options);
  const eval::Outcome& EvaluateOn(const eval::BoundFacts& bound, const eval::EvalOptions& options,
                                  int64_t cost_limit);

  const compile::Program& program_;
  eval::BoundFacts bound_;
  const eval::BoundFacts* last_bound_ = &bound_;  // what the last evaluation read
  eval::Scratch scratch_;
  eval::CostVerdict cost_;
  ErrorInfo cost_error_;
  eval::Outcome cost_outcome_;
};

// Bind, check the cost bound, evaluate, explain: the whole decision for one release.
// Over the cost bound, no rule is evaluated and the decision is undecided.
[[nodiscard]] eval::Decision Decide(const compile::Program& program, const facts::FactSet& set,
                                    const eval::EvalOptions& options,
                                    int64_t cost_limit = limits::kMaxEvaluationCost);

}  // namespace relgate
