// The check stage: names, imports and types. Proves that every fact path a policy reads
// exists in the declared facts schema with the type it is used at, that optional facts
// are handled (`??`, `has(...)`), that consts are constant, that lets do not depend on
// themselves, and that rule conditions are bool. Errors are diagnostics with spans, many
// per run; the result is empty if any error was reported.
#pragma once

#include <memory>

#include "engine/base/diagnostic.h"
#include "engine/builtins/registry.h"
#include "engine/check/loader.h"
#include "engine/check/policy.h"

namespace relgate::check {

// `builtins`: the functions policies may call (the default ones, or a copy with an
// organisation's functions added).
[[nodiscard]] std::unique_ptr<CheckedPolicy> Check(
    LoadedPolicy loaded, const SourceMap& sources, DiagnosticSink& sink,
    const builtins::Registry& builtins = builtins::DefaultRegistry());

// Check for tools that show what they can of a policy with errors (the language server):
// the policy even when errors were reported, its side tables typed `error` where they
// were. Never compiled or evaluated.
[[nodiscard]] std::unique_ptr<CheckedPolicy> CheckKeepingErrors(
    LoadedPolicy loaded, const SourceMap& sources, DiagnosticSink& sink,
    const builtins::Registry& builtins = builtins::DefaultRegistry());

}  // namespace relgate::check
