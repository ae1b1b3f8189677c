// Replay: a candidate policy decided over past releases, beside a baseline (another
// policy, or the verdicts recorded in the history), to show what a policy change would
// block or allow before it goes live.
//
//   releases (history or JSON Lines) -> batches -> worker threads, one Decider each per
//   policy, sharing the compiled programs read-only -> results in input order ->
//   aggregate and diff -> report
//
// Each release is decided at its own time: the recorded evaluation time for a history
// record, else the release's `release.built_at`. An undecided release counts as blocked,
// as at the gate. Memory is bounded by the batch, whatever the size of the history; the
// summary is the same byte for byte whatever the number of threads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/compile/program.h"
#include "engine/eval/decision.h"
#include "engine/history/record.h"
#include "engine/history/store.h"

namespace relgate::replay {

// One release to replay: its facts as given, and what the history recorded about it.
struct Release {
  std::string id;
  std::string repo;
  int64_t time = 0;          // the evaluation time to use; 0: the facts' release.built_at
  int64_t release_time = 0;  // when it was released (a history's record); 0: from the facts
  std::vector<history::StoredFacts> facts;
  // A JSON Lines line, read in place: a view into the block `line_block` holds, padded for
  // a JSON parser (facts::JsonLine); `line_name` is `path:N`. `facts` is then empty.
  std::string_view line;
  std::shared_ptr<const char[]> line_block;
  std::string line_name;
  std::vector<std::string> files;  // facts files to read (by the worker) and merge
  std::string recorded_verdict;    // "" when the source has none
  std::string recorded_decision;   // the recorded JSON decision, "" when none
  std::string error;               // the source could not give this release
};

// How a rule took part in what one policy made of one release.
enum class Part : uint8_t {
  kBlocks,     // a blocking finding keeps the release shut
  kUndecided,  // an evaluation error: keeps it shut as at the gate, but is not a finding
  kHolds,      // a blocking finding of a soft rule (overridable)
  kWarns,      // an advisory finding
  kRollout,    // a finding that will block once the rule's rollout date (`from DATE`) is reached
};

struct RulePart {
  uint32_t rule;  // an index into the side's rule names (see Outcome)
  Part part;

  bool operator<(const RulePart& o) const { return rule != o.rule ? rule < o.rule : part < o.part; }

  bool operator==(const RulePart& o) const { return rule == o.rule && part == o.part; }
};

// What one policy made of one release: the verdict and the rules that took part, by index
// (names are looked up only when a report needs them).
struct Outcome {
  eval::Verdict verdict = eval::Verdict::kOpen;
  std::vector<RulePart> rules;  // sorted, distinct
  // The rule names `rules` indexes when the outcome is a recorded decision; empty: the
  // policy's rules, in the program's order.
  std::vector<std::string> recorded_rules;
  std::vector<std::string> causes;         // why undecided: `lack provenance.subject_digest`, ...
  std::map<std::string, std::string> why;  // rule -> its first finding's message or error
};

struct ReleaseResult {
  std::string id;
  std::string error;     // the release could not be read; not decided
  bool skipped = false;  // left out by the filter
  int64_t time = 0;      // release time, for the weekly figures
  Outcome candidate;
  Outcome baseline;
};

struct RuleCounts {
  int64_t blocks = 0;     // releases its findings block
  int64_t undecided = 0;  // releases it could not decide (an error; they stay shut)
  int64_t holds = 0;
  int64_t warns = 0;
  int64_t rollout_blocks = 0;  // releases its findings would block once rolled out
};

struct Cause {
  int64_t count = 0;
  std::vector<std::string> examples;  // the first few release ids
};

struct Change {
  std::string id;
  std::string candidate_verdict;
  std::string baseline_verdict;
  std::vector<std::string> rules;  // the rules that block in one and not the other
  // For each of those rules, its first finding (or error) on the side that blocks.
  std::vector<std::string> findings;
};

// One week (from Monday 00:00 UTC) of the replayed period.
struct Week {
  int64_t releases = 0;
  int64_t candidate_blocked = 0;
  int64_t baseline_blocked = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> rule_blocks;  // candidate, baseline
};

struct Summary {
  int64_t releases = 0;    // read and evaluated
  int64_t unreadable = 0;  // could not be read (listed in `unreadable_releases`)
  // Of `releases`: decided by both policies (open or shut on each side; with no baseline,
  // decided by the candidate) -- the releases the comparison says something about -- and
  // undecided by both, which say nothing.
  int64_t compared = 0;
  int64_t undecided_by_both = 0;
  std::vector<std::pair<std::string, std::string>> unreadable_releases;  // id, reason
  std::map<std::string, RuleCounts> candidate_rules;
  std::map<std::string, RuleCounts> baseline_rules;
  int64_t candidate_blocked = 0;
  int64_t baseline_blocked = 0;
  std::vector<Change> newly_blocked;
  std::vector<Change> newly_allowed;
  // Releases the candidate lets through only because rules are still being rolled out:
  // what those rules will block once their dates are reached. `rollouts`: each such rule
  // of the candidate and its date.
  std::vector<Change> blocked_once_rolled_out;
  std::map<std::string, std::string> rollouts;
  std::map<std::string, Cause> undecided;  // by cause, for the candidate
  std::map<int64_t, Week> weeks;           // by the week's start (ns since the epoch)
  std::string candidate_digest;
  std::string baseline;  // "recorded", "" (none) or the baseline policy's digest
};

struct Options {
  // With no baseline policy: compare with the verdicts recorded in the history (true), or
  // with nothing (false: the candidate alone; every release it blocks counts as new).
  bool recorded_baseline = false;
  unsigned threads = 0;  // 0: every core
  size_t batch = 256;
  // Applied to releases that name themselves in their facts (JSON Lines, directories); a
  // history applies it when listing.
  history::ListFilter filter;
  // Called after each batch with the releases taken so far (a progress bar).
  std::function<void(int64_t)> progress;
};

// Decides releases as they come; call Add for each, then Finish.
class Replayer {
 public:
  // `baseline` null: compare with the recorded verdicts or with nothing (Options).
  Replayer(const compile::Program& candidate, const compile::Program* baseline, Options options);

  ~Replayer();
  Replayer(const Replayer&) = delete;
  Replayer& operator=(const Replayer&) = delete;

  void Add(Release release);
  Summary Finish();

 private:
  class Pool;

  void Flush();
  std::vector<ReleaseResult> TakeDecided();
  void Tally(const std::vector<ReleaseResult>& decided);

  const compile::Program& candidate_;
  const compile::Program* baseline_;
  Options options_;
  std::vector<Release> filling_;    // being read from the source
  std::vector<Release> in_flight_;  // being decided by the pool
  std::vector<ReleaseResult> results_;
  // Each policy's rule names, and what its rules did over the releases so far, by index.
  std::vector<std::string> candidate_names_, baseline_names_;
  std::vector<RuleCounts> candidate_counts_, baseline_counts_;
  std::unique_ptr<Pool> pool_;
  int64_t taken_ = 0;
  Summary summary_;
};

}  // namespace relgate::replay
