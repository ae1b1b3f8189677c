// `relgate replay --policy CANDIDATE --history SOURCE [--baseline POLICY|recorded]`: what
// a policy change would have done to past releases. Exit codes: 0 the candidate blocks
// nothing the baseline allowed, 1 it newly blocks (or cannot decide) a release, 2 the
// replay cannot run (a policy does not compile, the source cannot be read, bad usage).

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "engine/base/atomic_file.h"
#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/relgate.h"
#include "engine/replay/report.h"
#include "engine/replay/source.h"
#include <unistd.h>

namespace relgate::cli {
namespace {

struct ReplayArgs {
  std::string trusted_root;
  std::vector<std::string> policy;
  std::string history;
  std::vector<std::string> baseline;
  std::string since;
  std::string until;
  std::string repo;
  std::string format = "text";
  std::string output;
  std::string stdlib;
  std::string bundle_key;
  unsigned threads = 0;
};

// A candidate or baseline that is a policy bundle is verified with `bundle_key` (one key
// for both: an organisation signs its bundles with one).
std::unique_ptr<compile::Program> CompileOrSay(const std::vector<std::string>& paths,
                                               const std::string& stdlib,
                                               const std::string& bundle_key, SourceMap& sources,
                                               const char* what) {
  DiagnosticSink sink;
  const bool bundled = paths.size() == 1 && bundle::LooksLikeBundle(paths.front());
  auto program = CompileForCommand(paths, stdlib, sources, sink, bundled ? bundle_key : "");
  if (!program)
    Err("relgate: the {} policy does not compile; nothing replayed\n", what);
  return program;
}

}  // namespace

Command SetupReplay(CLI::App& app) {
  auto args = std::make_shared<ReplayArgs>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Dry-run a candidate policy over past releases: exit 0 it blocks nothing the baseline "
      "allowed, 1 it newly blocks a release, 2 it cannot run");
  cmd->add_option("--policy", args->policy, "The candidate policy (file or directory)")->required();
  cmd->add_option("--history", args->history,
                  "The releases: a history (a SQLite file from eval --record, or a "
                  "postgresql:// URI), a JSON Lines file of facts (one release per line; - "
                  "for stdin), or a directory (one facts file or sub-directory of facts "
                  "files per release); default $RELGATE_HISTORY")
      ->envname("RELGATE_HISTORY")
      ->required();
  cmd->add_option("--baseline", args->baseline,
                  "The policy in force to compare with, or `recorded` (the verdicts a "
                  "history recorded); without one, the candidate alone");
  cmd->add_option("--since", args->since, "Only releases at or after this time");
  cmd->add_option("--until", args->until, "Only releases before this time");
  cmd->add_option("--repo", args->repo, "Only this repository");
  cmd->add_option("--format", args->format, "Report format")
      ->check(CLI::IsMember({"text", "json", "markdown", "html"}));
  cmd->add_option("--output", args->output, "Write the report to this file (atomically)");
  cmd->add_option("--threads", args->threads, "Worker threads (default: every core)");
  cmd->add_option("--stdlib", args->stdlib, "Directory of std.* modules");
  AddBundleKeyOption(cmd, args->bundle_key);
  AddTrustedRootOption(cmd, args->trusted_root);
  return [args]() {
    if (!ApplyTrustedRoot(args->trusted_root))
      return 2;
    history::ListFilter filter;
    filter.repo = args->repo;
    if (!ParseTimeFlag("--since", args->since, filter.since) ||
        !ParseTimeFlag("--until", args->until, filter.until)) {
      return 2;
    }
    replay::SourceKind kind;
    if (std::string error = replay::DetectSource(args->history, kind); !error.empty()) {
      Err("relgate: error: {}\n", Printable(error));
      return 2;
    }
    const bool recorded = args->baseline.size() == 1 && args->baseline[0] == "recorded";
    if (recorded && kind != replay::SourceKind::kHistory) {
      Err("relgate: error: --baseline recorded needs a recorded history (relgate eval --record); a "
          "JSON Lines file or a directory has no recorded verdicts\n");
      return 2;
    }
    auto is_bundle = [](const std::vector<std::string>& paths) {
      return paths.size() == 1 && bundle::LooksLikeBundle(paths.front());
    };
    if (!args->bundle_key.empty() && !is_bundle(args->policy) && !is_bundle(args->baseline)) {
      Err("relgate: error: --bundle-key is for a policy bundle (a --policy or --baseline named "
          "*.bundle, made by relgate bundle build)\n");
      return 2;
    }
    SourceMap candidate_sources, baseline_sources;
    auto candidate =
        CompileOrSay(args->policy, args->stdlib, args->bundle_key, candidate_sources, "candidate");
    if (!candidate)
      return 2;
    std::unique_ptr<compile::Program> baseline;
    if (!recorded && !args->baseline.empty()) {
      baseline = CompileOrSay(args->baseline, args->stdlib, args->bundle_key, baseline_sources,
                              "baseline");
      if (!baseline)
        return 2;
    }
    replay::SourceProgress read;
    ProgressLine progress;
    replay::Options options;
    options.recorded_baseline = recorded;
    options.threads = args->threads;
    options.filter = filter;
    options.progress = [&](int64_t releases) { progress.Update(releases, read.done, read.total); };
    replay::Replayer replayer(*candidate, baseline.get(), options);
    std::string error;
    if (!replay::ReadSource(
            args->history, kind, filter,
            [&](replay::Release release) { replayer.Add(std::move(release)); }, error, &read)) {
      Err("relgate: error: {}\n", Printable(error));
      return 2;
    }
    const replay::Summary summary = replayer.Finish();
    progress.Clear();
    const std::string report = args->format == "json"       ? replay::RenderJson(summary)
                               : args->format == "markdown" ? replay::RenderMarkdown(summary)
                               : args->format == "html"     ? replay::RenderHtml(summary)
                                                            : replay::RenderText(summary);
    if (!args->output.empty()) {
      if (std::string failed = WriteFileAtomically(args->output, report); !failed.empty()) {
        Err("relgate: error: {}\n", Printable(failed));
        return 2;
      }
    } else {
      if (!WriteOut(report) || !OutFlushed())
        return 2;
    }
    return replay::ExitCode(summary);
  };
}

}  // namespace relgate::cli
