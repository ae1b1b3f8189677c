// `relgate check FILE...`: compile policies and print every diagnostic.

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/relgate.h"
#include <unistd.h>

namespace relgate::cli {
namespace {

struct CheckArgs {
  std::vector<std::string> paths;
  std::string stdlib;
  bool reads = false;
};

}  // namespace

Command SetupCheck(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand(
      "check", "Compile policies and report every diagnostic (exit 2 if any error)");
  cmd->add_option("paths", args->paths,
                  ".gate files, or a directory whose .gate files form one policy")
      ->required();
  cmd->add_option("--stdlib", args->stdlib,
                  "Directory of std.* modules (default: $RELGATE_STDLIB, else built in)");
  cmd->add_flag("--reads", args->reads,
                "Also print the facts the policy can read (its read set), one path a line: "
                "the evidence a release must carry");
  return [args]() {
    SourceMap sources;
    DiagnosticSink sink;
    auto program = CompileForCommand(args->paths, args->stdlib, sources, sink);
    if (!program)
      return 2;
    size_t warnings = 0;
    for (const Diagnostic& d : sink.diagnostics())
      warnings += d.severity == Severity::kWarning;
    const size_t rules = program->rules().size();
    const size_t files = program->sources().size();
    Out("ok: {}{}{}{}", rules, (rules == 1 ? " rule, " : " rules, "), files,
        (files == 1 ? " source file" : " source files"));
    if (warnings > 0)
      Out(", {} warning{}", warnings, (warnings == 1 ? "" : "s"));
    Out("\n");
    if (args->reads) {
      for (const std::string& path : program->reads().Describe(program->schema()))
        Out("reads {}\n", path);
    }
    return 0;
  };
}

}  // namespace relgate::cli
