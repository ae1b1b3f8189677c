// The compile stage: CheckedPolicy -> Program. Builds the node tree, compiles every regex
// once (a bad pattern or one beyond limits::kMaxRegexProgramSize is a diagnostic at the
// literal), folds constant sub-expressions by running them once (an error while folding
// is a diagnostic at the expression), and cuts out the source snippets used by
// explanations. Empty result if any error was reported.
#pragma once

#include <memory>

#include "engine/base/diagnostic.h"
#include "engine/base/source.h"
#include "engine/check/policy.h"
#include "engine/compile/program.h"

namespace relgate::compile {

struct CompileOptions {
  bool fold_constants = true;  // off only in tests that compare folded and unfolded runs
  // The functions policies may call; nullptr: builtins::DefaultRegistry(). A registry with
  // an organisation's functions must outlive the programs compiled with it.
  const builtins::Registry* builtins = nullptr;
};

[[nodiscard]] std::unique_ptr<Program> Compile(std::unique_ptr<check::CheckedPolicy> policy,
                                               const SourceMap& sources, DiagnosticSink& sink,
                                               CompileOptions options = {});

}  // namespace relgate::compile
