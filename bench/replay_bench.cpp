// Replay and recording: releases per second from each source form, and where the time
// goes (reading lines, parsing, deciding, reporting), on the reference workload.
//   $RELGATE_REPLAY_WORKLOAD  JSON Lines to replay (scripts/bench.sh generates 100,000
//                             releases, --seed 42); the directory and SQLite forms are
//                             built once from its first 10,000 releases, in build-bench/.
// The PostgreSQL forms start a server of their own (tests/pg_server.h).
// Each replay decides every release with the shipped policy as candidate and as baseline
// (two decisions per release), as `relgate replay --baseline policies` does.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <benchmark/benchmark.h>

#include "bench/workload.h"
#include "engine/base/time.h"
#include "engine/facts/json_lines.h"
#include "engine/history/sqlite_history.h"
#include "engine/history/store.h"
#include "engine/replay/report.h"
#include "engine/replay/source.h"
#include "tests/pg_server.h"

namespace relgate::bench {
namespace {

namespace fs = std::filesystem;

constexpr size_t kSubset = 10'000;  // releases in the directory and SQLite forms

std::string ReplayWorkload() {
  const char* path = std::getenv("RELGATE_REPLAY_WORKLOAD");
  if (path != nullptr && *path != '\0')
    return path;
  return std::string(RELGATE_SOURCE_DIR) + "/tests/data/workload/sample.ndjson";
}

fs::path Scratch() {
  const fs::path dir = fs::path(RELGATE_SOURCE_DIR) / "build-bench" / "replay";
  fs::create_directories(dir);
  return dir;
}

// The first `n` lines of the workload.
std::vector<std::string> FirstLines(size_t n) {
  facts::JsonLinesReader reader(ReplayWorkload());
  std::vector<std::string> out;
  facts::JsonLine line;
  while (out.size() < n && reader.Next(line))
    out.emplace_back(line.text);
  return out;
}

// One file per release, built once.
std::string DirectorySource() {
  const fs::path dir = Scratch() / ("dir-" + std::to_string(kSubset));
  if (!fs::exists(dir / ".done")) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::vector<std::string> lines = FirstLines(kSubset);
    for (size_t k = 0; k < lines.size(); ++k) {
      char name[32];
      std::snprintf(name, sizeof name, "%06zu.json", k);
      std::ofstream(dir / name) << lines[k];
    }
    std::ofstream(dir / ".done");  // hidden: replay leaves it out
  }
  return dir.string();
}

// The first kSubset workload releases recorded in `location` (a SQLite file or a
// PostgreSQL URI): each record's facts as given, no recorded decision, as the replay
// compares with the baseline policy. False when the history cannot be written.
bool Record(const std::string& location) {
  std::string error;
  auto store = history::OpenStore(location, /*create=*/true, error);
  if (store == nullptr)
    return false;
  const std::vector<std::string> lines = FirstLines(kSubset);
  for (size_t k = 0; k < lines.size(); ++k) {
    history::Record r;
    r.release_id = "r" + std::to_string(k);
    r.release_time = r.evaluated_at = int64_t{1'780'000'000} * kNanosPerSecond;
    r.repo = "acme/bench";
    r.policy_digest = "0";
    r.verdict = "open";
    r.facts.push_back({"release.json", lines[k]});
    if (!store->Append(r, error))
      return false;
  }
  return true;
}

// A recorded SQLite history, built once.
std::string HistorySource() {
  const fs::path db = Scratch() / ("history-" + std::to_string(kSubset) + ".db");
  if (!fs::exists(db) && !Record(db.string()))
    return "";
  return db.string();
}

// A real PostgreSQL server for the benchmarks, started once (tests/pg_server.h).
testing::PgServer& Postgres() {
  static testing::PgServer server;
  return server;
}

// The same releases as HistorySource, recorded in PostgreSQL.
std::string PostgresSource() {
  static const std::string uri = [] {
    const std::string u = Postgres().NewDatabase("replay");
    return Record(u) ? u : std::string();
  }();
  return uri;
}

void Replay(benchmark::State& state, const std::string& source) {
  Workload& w = GetWorkload();
  if (source.empty()) {
    state.SkipWithError("the source could not be built");
    return;
  }
  replay::SourceKind kind;
  if (!replay::DetectSource(source, kind).empty()) {
    state.SkipWithError("unreadable source");
    return;
  }
  int64_t releases = 0;
  for (auto _ : state) {
    replay::Options options;
    options.threads = static_cast<unsigned>(state.range(0));
    replay::Replayer replayer(*w.program, w.program.get(), options);
    std::string error;
    replay::SourceProgress read;
    if (!replay::ReadSource(
            source, kind, {}, [&](replay::Release r) { replayer.Add(std::move(r)); }, error,
            &read)) {
      state.SkipWithError(error.c_str());
      return;
    }
    const replay::Summary summary = replayer.Finish();
    if (summary.unreadable > 0) {
      state.SkipWithError("unreadable releases");
      return;
    }
    releases += summary.releases;
    benchmark::DoNotOptimize(summary.candidate_blocked);
  }
  state.SetItemsProcessed(releases);
  std::error_code ec;
  if (kind == replay::SourceKind::kJsonLines)
    state.SetBytesProcessed(static_cast<int64_t>(fs::file_size(source, ec)) * state.iterations());
}

void BM_ReplayJsonLines(benchmark::State& state) {
  Replay(state, ReplayWorkload());
}

void BM_ReplayDirectory(benchmark::State& state) {
  Replay(state, DirectorySource());
}

void BM_ReplaySqlite(benchmark::State& state) {
  Replay(state, HistorySource());
}

BENCHMARK(BM_ReplayJsonLines)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplayDirectory)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_ReplayPostgres(benchmark::State& state) {
  Replay(state, PostgresSource());
}

BENCHMARK(BM_ReplayPostgres)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Records per second with N recorders at once on one PostgreSQL history, each its own
// connection (as N CI runners are), 32 records each.
void BM_RecordPostgres(benchmark::State& state) {
  Workload& w = GetWorkload();
  const int recorders = static_cast<int>(state.range(0));
  const int each = 32;
  static int database = 0;
  const std::string decision(2000, 'd');
  int64_t records = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const std::string uri = Postgres().NewDatabase("record" + std::to_string(database++));
    std::string error;
    std::vector<std::unique_ptr<history::Store>> stores;
    for (int k = 0; k < recorders; ++k)
      stores.push_back(history::OpenStore(uri, /*create=*/true, error));
    state.ResumeTiming();
    std::vector<std::thread> threads;
    std::atomic<int> failed{0};
    for (int k = 0; k < recorders; ++k) {
      threads.emplace_back([&, k] {
        for (int j = 0; j < each; ++j) {
          history::Record r;
          r.release_id = "r" + std::to_string(k) + "-" + std::to_string(j);
          r.release_time = r.evaluated_at = int64_t{1'780'000'000} * kNanosPerSecond;
          r.repo = "acme/bench";
          r.policy_digest = w.program->digest();
          r.verdict = "open";
          r.decision_json = decision;
          r.facts.push_back({"release.json", w.releases[j % w.releases.size()].json});
          std::string e;
          if (stores[k] == nullptr || !stores[k]->Append(r, e))
            ++failed;
        }
      });
    }
    for (std::thread& t : threads)
      t.join();
    if (failed > 0) {
      state.SkipWithError("a record failed");
      break;
    }
    records += recorders * each;
  }
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_RecordPostgres)
    ->Arg(1)
    ->Arg(8)
    ->Arg(32)
    ->Iterations(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_ReplaySqlite)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Stages of one replayed release, each alone: splitting the input into lines ...
void BM_ReplayReadLines(benchmark::State& state) {
  int64_t lines = 0, bytes = 0;
  for (auto _ : state) {
    facts::JsonLinesReader reader(ReplayWorkload());
    facts::JsonLine line;
    while (reader.Next(line)) {
      ++lines;
      bytes += static_cast<int64_t>(line.text.size());
    }
  }
  state.SetItemsProcessed(lines);
  state.SetBytesProcessed(bytes);
}

BENCHMARK(BM_ReplayReadLines)->Iterations(1)->Unit(benchmark::kMillisecond);

// ... parsing a line into a facts tree (no digest, as replay does) ...
void BM_ReplayParse(benchmark::State& state) {
  Workload& w = GetWorkload();
  size_t k = 0, bytes = 0;
  for (auto _ : state) {
    const Release& r = w.releases[k++ % w.releases.size()];
    facts::LoadError error;
    auto doc = facts::ParseJson(r.json, "line", error, facts::Digest::kSkip);
    benchmark::DoNotOptimize(doc.get());
    bytes += r.json.size();
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

BENCHMARK(BM_ReplayParse)->Unit(benchmark::kMicrosecond);

// ... binding and evaluating one policy (the raw outcome, no messages) ...
void BM_ReplayDecide(benchmark::State& state) {
  Workload& w = GetWorkload();
  Decider decider(*w.program);
  eval::EvalOptions options;
  options.now = int64_t{1'780'000'000} * kNanosPerSecond;
  size_t k = 0;
  for (auto _ : state) {
    const Release& r = w.releases[k++ % w.releases.size()];
    benchmark::DoNotOptimize(decider.Evaluate(*r.facts, options).verdict);
  }
}

BENCHMARK(BM_ReplayDecide)->Unit(benchmark::kMicrosecond);

// ... and the report of a replay, once per replay.
void BM_ReplayReport(benchmark::State& state) {
  Workload& w = GetWorkload();
  replay::Options options;
  options.threads = 1;
  replay::Replayer replayer(*w.program, w.program.get(), options);
  for (const Release& r : w.releases) {
    replay::Release release;
    release.facts.push_back({"line", r.json});
    replayer.Add(std::move(release));
  }
  const replay::Summary summary = replayer.Finish();
  const bool html = state.range(0) == 1;
  for (auto _ : state) {
    const std::string report = html ? replay::RenderHtml(summary) : replay::RenderJson(summary);
    benchmark::DoNotOptimize(report.data());
  }
  state.SetLabel(html ? "html" : "json");
}

BENCHMARK(BM_ReplayReport)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// Recording: one record appended to a history, in process (open, one transaction, close),
// as `eval --record` does after deciding.
void BM_RecordAppend(benchmark::State& state) {
  Workload& w = GetWorkload();
  const fs::path db = Scratch() / "record-bench.db";
  fs::remove(db);
  fs::remove(db.string() + "-wal");
  fs::remove(db.string() + "-shm");
  const std::string decision(2000, 'd');  // about a typical JSON decision's size
  size_t k = 0;
  for (auto _ : state) {
    std::string error;
    auto store = history::SqliteHistory::Open(db.string(), /*create=*/true, error);
    history::Record r;
    r.release_id = "r" + std::to_string(k);
    r.release_time = r.evaluated_at = int64_t{1'780'000'000} * kNanosPerSecond;
    r.repo = "acme/bench";
    r.policy_digest = w.program->digest();
    r.verdict = "open";
    r.decision_json = decision;
    r.facts.push_back({"release.json", w.releases[k++ % w.releases.size()].json});
    if (store == nullptr || !store->Append(r, error)) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
}

BENCHMARK(BM_RecordAppend)->Unit(benchmark::kMillisecond);

// The whole `relgate eval` process, with and without --record: the difference is what
// recording costs a CI job.
void BM_EvalProcessRecording(benchmark::State& state) {
  Workload& w = GetWorkload();
  const fs::path dir = Scratch();
  const std::string path = (dir / "release.json").string();
  std::ofstream(path) << w.releases.front().json;
  const std::string db = (dir / "process-record.db").string();
  fs::remove(db);
  const std::string policy = std::string(RELGATE_SOURCE_DIR) + "/policies";
  std::vector<std::string> args = {RELGATE_BINARY, "eval",  "--policy",   policy,     "--facts",
                                   path,           "--now", "2026-06-01", "--format", "json"};
  if (state.range(0) == 1) {
    args.push_back("--record");
    args.push_back(db);
  }
  RunProcessLoop(state, args);
  state.SetLabel(state.range(0) == 1 ? "--record" : "no record");
}

BENCHMARK(BM_EvalProcessRecording)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace relgate::bench
