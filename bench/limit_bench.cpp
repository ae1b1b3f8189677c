// The hand-written limit beside replay, on the same JSON Lines file in the same run: what
// the hardware allows for the eight reference rules (R1-R8, bench/baseline_only.gate)
// written by hand over simdjson's DOM, and `relgate replay` of the same rules with one
// decision per release. README "Speed" quotes the ratio of the two.
//   $RELGATE_REPLAY_WORKLOAD  the JSON Lines (scripts/bench.sh generates 100,000 releases)
#include <algorithm>
#include <atomic>
#include <thread>

#include <benchmark/benchmark.h>
#include <re2/re2.h>
#include <simdjson.h>

#include "bench/workload.h"
#include "engine/base/time.h"
#include "engine/replay/source.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace relgate::bench {
namespace {

std::string LimitWorkload() {
  const char* path = std::getenv("RELGATE_REPLAY_WORKLOAD");
  if (path != nullptr && *path != '\0')
    return path;
  return std::string(RELGATE_SOURCE_DIR) + "/tests/data/workload/sample.ndjson";
}

std::string_view Str(simdjson::dom::element e, const char* key) {
  std::string_view out;
  return e[key].get(out) == simdjson::SUCCESS ? out : std::string_view();
}

bool Bool(simdjson::dom::element e, const char* key) {
  bool out = false;
  return e[key].get(out) == simdjson::SUCCESS && out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// R1-R8 by hand on one release; the failed rules as a bit mask (bit 0 = R1). A missing
// fact fails the rule that reads it, as relgate's verdict would be shut or undecided.
uint32_t HandWrittenRules(simdjson::dom::element root, const RE2& builder_re) {
  uint32_t failed = 0;
  const simdjson::dom::element release = root["release"].value_unsafe();
  const std::string_view author = Str(release, "author");
  simdjson::dom::array approvals;
  std::string_view seen[16];
  size_t distinct = 0;
  bool releng = false;
  if (root["approvals"].get(approvals) == simdjson::SUCCESS) {
    for (simdjson::dom::element a : approvals) {
      const std::string_view user = Str(a, "user");
      releng |= Str(a, "team") == "release-eng";
      if (user != author && std::find(seen, seen + distinct, user) == seen + distinct &&
          distinct < 16)
        seen[distinct++] = user;
    }
  }
  failed |= distinct < 2 ? 1u << 0 : 0;
  failed |= releng ? 0 : 1u << 1;
  simdjson::dom::element builder;
  if (root["builder"].get(builder) != simdjson::SUCCESS ||
      !RE2::PartialMatch(Str(builder, "id"), builder_re) || !Bool(builder, "hosted") ||
      !Bool(builder, "ephemeral"))
    failed |= 1u << 2;
  simdjson::dom::array deps;
  if (root["dependencies"].get(deps) == simdjson::SUCCESS) {
    for (simdjson::dom::element d : deps) {
      const std::string_view integrity = Str(d, "integrity");
      if (!Bool(d, "pinned") ||
          !(integrity.substr(0, 7) == "sha512-" || integrity.substr(0, 7) == "sha256-"))
        failed |= 1u << 3;
      if (Bool(d, "has_install_script")) {
        const std::string_view name = Str(d, "name");
        if (name != "esbuild" && name != "sharp" && name != "fsevents")
          failed |= 1u << 4;
      }
    }
  }
  const simdjson::dom::element artifact = root["artifact"].value_unsafe();
  if (Str(artifact, "digest") != Str(root["provenance"].value_unsafe(), "subject_digest"))
    failed |= 1u << 5;
  simdjson::dom::array files;
  if (artifact["files"].get(files) == simdjson::SUCCESS) {
    for (simdjson::dom::element f : files) {
      std::string_view name;
      if (f.get(name) == simdjson::SUCCESS && EndsWith(name, ".map"))
        failed |= 1u << 6;
    }
  }
  const auto committed = ParseRfc3339(Str(release, "committed_at"));
  const auto built = ParseRfc3339(Str(release, "built_at"));
  if (!committed || !built || *committed > *built ||
      *built - *committed > 24 * 3600 * int64_t{1'000'000'000})
    failed |= 1u << 7;
  return failed;
}

// The file mapped once and cut into one contiguous range of lines per thread, each thread
// with its own parser: the shape of a replay with nothing else in it (no reader thread, no
// batches, no report). Returns the releases decided and counts those shut.
int64_t HandWrittenLimit(const std::string& path, unsigned threads, int64_t& shut) {
  const int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0)
    return -1;

  struct stat st {};

  fstat(fd, &st);
  const size_t size = static_cast<size_t>(st.st_size);
  void* mapped = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (mapped == MAP_FAILED)
    return -1;
  madvise(mapped, size, MADV_SEQUENTIAL);
  const std::string_view text(static_cast<const char*>(mapped), size);
  // Range t starts after the first newline at or past t/threads of the file.
  std::vector<size_t> starts;
  for (unsigned t = 0; t <= threads; ++t) {
    size_t at = size * t / threads;
    if (t > 0 && t < threads) {
      at = text.find('\n', at);
      at = at == std::string_view::npos ? size : at + 1;
    }
    starts.push_back(at);
  }
  const RE2 builder_re("^https://github\\.com/actions/runner/github-hosted$");
  std::atomic<int64_t> releases{0}, denied{0};
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      simdjson::dom::parser parser;
      int64_t mine = 0, mine_shut = 0;
      for (size_t at = starts[t]; at < starts[t + 1];) {
        size_t nl = text.find('\n', at);
        if (nl == std::string_view::npos || nl > starts[t + 1])
          nl = starts[t + 1];
        simdjson::dom::element root;
        // simdjson reads up to 64 bytes past the end: a copy for the last line of the file.
        const std::string_view line = text.substr(at, nl - at);
        const bool padded = nl + simdjson::SIMDJSON_PADDING <= size;
        const std::string copy = padded ? std::string() : std::string(line);
        if (!line.empty() &&
            parser.parse(padded ? line.data() : copy.data(), line.size(), false).get(root) ==
                simdjson::SUCCESS) {
          ++mine;
          mine_shut += HandWrittenRules(root, builder_re) != 0;
        }
        at = nl + 1;
      }
      releases += mine;
      denied += mine_shut;
    });
  }
  for (std::thread& w : workers)
    w.join();
  munmap(mapped, size);
  shut = denied.load();
  return releases.load();
}

void BM_HandWrittenLimit(benchmark::State& state) {
  const std::string path = LimitWorkload();
  int64_t releases = 0, shut = 0;
  for (auto _ : state)
    releases += HandWrittenLimit(path, static_cast<unsigned>(state.range(0)), shut);
  state.SetItemsProcessed(releases);
  state.counters["shut"] = static_cast<double>(shut);
}

// `relgate replay --policy bench/baseline_only.gate` with no baseline: one decision per
// release, as the limit makes.
void BM_ReplayBaselineOnly(benchmark::State& state) {
  Workload& w = GetWorkload();
  const std::string source = LimitWorkload();
  int64_t releases = 0, shut = 0;
  for (auto _ : state) {
    replay::Options options;
    options.threads = static_cast<unsigned>(state.range(0));
    replay::Replayer replayer(*w.baseline, nullptr, options);
    std::string error;
    if (!replay::ReadSource(
            source, replay::SourceKind::kJsonLines, {},
            [&](replay::Release r) { replayer.Add(std::move(r)); }, error, nullptr)) {
      state.SkipWithError(error.c_str());
      return;
    }
    const replay::Summary summary = replayer.Finish();
    releases += summary.releases;
    shut = summary.candidate_blocked;
  }
  state.SetItemsProcessed(releases);
  state.counters["shut"] = static_cast<double>(shut);
}

// Replay's reading thread alone: the JSON Lines read and cut into releases, which are
// dropped. What the workers cannot go faster than, and what shares their two cores.
void BM_ReplayReadOnly(benchmark::State& state) {
  const std::string source = LimitWorkload();
  int64_t releases = 0;
  for (auto _ : state) {
    std::string error;
    if (!replay::ReadSource(
            source, replay::SourceKind::kJsonLines, {},
            [&](replay::Release r) {
              releases += !r.line.empty();
              benchmark::DoNotOptimize(r);
            },
            error, nullptr)) {
      state.SkipWithError(error.c_str());
      return;
    }
  }
  state.SetItemsProcessed(releases);
}

BENCHMARK(BM_ReplayReadOnly)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_HandWrittenLimit)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReplayBaselineOnly)
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace relgate::bench
