// `relgate replay --policy CANDIDATE --history SOURCE [--baseline POLICY|recorded]`: what
// a policy change would have done to past releases. Exit codes: 0 the candidate blocks
// nothing the baseline allowed, 1 it newly blocks (or cannot decide) a release, 2 the
// replay cannot run (a policy does not compile, the source cannot be read, bad usage).
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "engine/base/atomic_file.h"
#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/facts/json_lines.h"
#include "engine/history/sqlite_history.h"
#include "engine/relgate.h"
#include "engine/replay/report.h"
#include <unistd.h>

namespace relgate::cli {
namespace {

struct ReplayArgs {
  std::vector<std::string> policy;
  std::string history;
  std::vector<std::string> baseline;
  std::string since;
  std::string until;
  std::string repo;
  std::string format = "text";
  std::string output;
  std::string stdlib;
  unsigned threads = 0;
};

bool IsSqlite(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char header[16] = {};
  in.read(header, sizeof header);
  return in.gcount() == 16 && std::string(header, 16) == std::string("SQLite format 3\0", 16);
}

std::unique_ptr<compile::Program> CompileOrSay(const std::vector<std::string>& paths,
                                               const std::string& stdlib, SourceMap& sources,
                                               const char* what) {
  DiagnosticSink sink;
  auto program = CompilePolicy(paths, StdlibFrom(stdlib), sources, sink);
  std::cerr << RenderAll(sink, sources, ColorFor(STDERR_FILENO));
  if (!program)
    std::cerr << "relgate: the " << what << " policy does not compile; nothing replayed\n";
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
                  "The releases: a history (SQLite, from eval --record) or a JSON Lines file "
                  "of facts, one release per line")
      ->required();
  cmd->add_option("--baseline", args->baseline,
                  "The policy in force to compare with, or `recorded` (a history's recorded "
                  "verdicts; the default for a history)");
  cmd->add_option("--since", args->since, "Only releases at or after this time");
  cmd->add_option("--until", args->until, "Only releases before this time");
  cmd->add_option("--repo", args->repo, "Only this repository");
  cmd->add_option("--format", args->format, "Report format")
      ->check(CLI::IsMember({"text", "json", "markdown"}));
  cmd->add_option("--output", args->output, "Write the report to this file (atomically)");
  cmd->add_option("--threads", args->threads, "Worker threads (default: every core)");
  cmd->add_option("--stdlib", args->stdlib, "Directory of std.* modules");
  return [args]() {
    history::ListFilter filter;
    filter.repo = args->repo;
    if (!ParseTimeFlag("--since", args->since, filter.since) ||
        !ParseTimeFlag("--until", args->until, filter.until)) {
      return 2;
    }
    const bool sqlite = IsSqlite(args->history);
    const bool recorded =
        args->baseline.empty() || (args->baseline.size() == 1 && args->baseline[0] == "recorded");
    if (recorded && !sqlite) {
      std::cerr << "relgate: error: a JSON Lines source has no recorded verdicts: give "
                   "--baseline POLICY\n";
      return 2;
    }
    SourceMap candidate_sources, baseline_sources;
    auto candidate = CompileOrSay(args->policy, args->stdlib, candidate_sources, "candidate");
    if (!candidate)
      return 2;
    std::unique_ptr<compile::Program> baseline;
    if (!recorded) {
      baseline = CompileOrSay(args->baseline, args->stdlib, baseline_sources, "baseline");
      if (!baseline)
        return 2;
    }
    replay::Replayer replayer(*candidate, baseline.get(), {args->threads, 256});
    std::string error;
    if (sqlite) {
      auto store = history::SqliteHistory::Open(args->history, /*create=*/false, error);
      if (store == nullptr) {
        std::cerr << "relgate: error: " << Printable(error) << "\n";
        return 2;
      }
      const bool ok = store->List(
          filter, /*with_facts=*/true,
          [&](const history::Record& r) {
            replay::Release release;
            release.id = r.release_id;
            release.repo = r.repo;
            release.time = r.evaluated_at;  // as it was decided
            release.facts = r.facts;
            release.recorded_verdict = r.verdict;
            release.recorded_decision = r.decision_json;
            replayer.Add(std::move(release));
            return true;
          },
          error);
      if (!ok) {
        std::cerr << "relgate: error: the history cannot be read: " << Printable(error) << "\n";
        return 2;
      }
    } else {
      if (!args->repo.empty() || !args->since.empty() || !args->until.empty()) {
        std::cerr << "relgate: error: --repo, --since and --until filter a recorded history; "
                     "filter a JSON Lines file before replaying it\n";
        return 2;
      }
      facts::JsonLinesReader reader(args->history);
      if (!reader.ok()) {
        std::cerr << "relgate: error: `" << Printable(args->history) << "` " << reader.error()
                  << "\n";
        return 2;
      }
      facts::JsonLine line;
      while (reader.Next(line)) {
        replay::Release release;
        release.id = "line " + std::to_string(line.number);
        release.error = line.error;
        release.facts.push_back(
            {args->history + ":" + std::to_string(line.number), std::move(line.text)});
        release.time = 0;  // decided at its release.built_at
        replayer.Add(std::move(release));
      }
      if (!reader.error().empty()) {
        std::cerr << "relgate: error: `" << Printable(args->history) << "` " << reader.error()
                  << "\n";
        return 2;
      }
    }
    const replay::Summary summary = replayer.Finish();
    const std::string report = args->format == "json"       ? replay::RenderJson(summary)
                               : args->format == "markdown" ? replay::RenderMarkdown(summary)
                                                            : replay::RenderText(summary);
    if (!args->output.empty()) {
      if (std::string failed = WriteFileAtomically(args->output, report); !failed.empty()) {
        std::cerr << "relgate: error: " << Printable(failed) << "\n";
        return 2;
      }
    } else {
      std::cout << report;
      std::cout.flush();
      if (!std::cout)
        return 2;
    }
    return replay::ExitCode(summary);
  };
}

}  // namespace relgate::cli
