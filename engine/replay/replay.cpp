#include "engine/replay/replay.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "engine/base/bounded_read.h"
#include "engine/base/limits.h"
#include "engine/base/time.h"
#include "engine/import/importer.h"
#include "engine/relgate.h"

namespace relgate::replay {
namespace {

constexpr size_t kExamples = 5;

// `dependencies[3].integrity` -> `dependencies[].integrity`: one cause for every item.
std::string Pattern(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    out += path[i];
    if (path[i] == '[') {
      while (i + 1 < path.size() && path[i + 1] != ']')
        ++i;
    }
  }
  return out;
}

std::string CauseOf(const std::string& rule, const std::string& path, const std::string& message) {
  const bool missing = !path.empty() && message.rfind("missing fact", 0) == 0;
  return missing ? fmt::format("lack {}", Pattern(path))
                 : fmt::format("{}: {}", rule, Pattern(message));
}

bool Blocked(const Outcome& o) {
  return o.verdict != eval::Verdict::kOpen;
}

bool Has(const Outcome& o, Part part) {
  return std::any_of(o.rules.begin(), o.rules.end(),
                     [part](const RulePart& r) { return r.part == part; });
}

// The name of rule `rule` of an outcome: a recorded decision's, else the policy's.
const std::string& NameOf(const Outcome& o, const std::vector<std::string>& policy, uint32_t rule) {
  return o.recorded_rules.empty() ? policy[rule] : o.recorded_rules[rule];
}

// Sorts the outcome's rules and drops repeats (a `for` rule finds once per item).
void Settle(Outcome& o) {
  std::sort(o.rules.begin(), o.rules.end());
  o.rules.erase(std::unique(o.rules.begin(), o.rules.end()), o.rules.end());
}

// What an evaluation decided, without building its messages (most releases need none).
Outcome FromRaw(const compile::Program& program, const eval::Outcome& raw) {
  Outcome o;
  o.verdict = raw.verdict;
  for (const eval::RawFinding& f : raw.findings) {
    const Level level = program.rules()[f.rule].level;
    if (f.status == eval::FindingStatus::kAdvisory && level != Level::kAdvisory) {
      o.rules.push_back({f.rule, Part::kRollout});  // advisory only until its rollout date
    } else if (f.status == eval::FindingStatus::kAdvisory) {
      o.rules.push_back({f.rule, Part::kWarns});
    } else if (f.status == eval::FindingStatus::kBlocking) {
      o.rules.push_back({f.rule, level == Level::kSoft ? Part::kHolds : Part::kBlocks});
    }
  }
  for (const eval::RawError& e : raw.errors) {
    if (!e.blocks)
      continue;
    o.rules.push_back({e.rule, Part::kUndecided});
    const std::string cause = CauseOf(program.rules()[e.rule].id, e.error->path, e.error->message);
    if (std::find(o.causes.begin(), o.causes.end(), cause) == o.causes.end())
      o.causes.push_back(cause);
  }
  Settle(o);
  return o;
}

// Each blocking rule's first finding or error, worded as the decision words it.
std::map<std::string, std::string> Why(const eval::Decision& d) {
  std::map<std::string, std::string> why;
  for (const eval::Finding& f : d.findings) {
    if (f.status == eval::FindingStatus::kBlocking || !f.rollout_pending.empty())
      why.emplace(f.rule, f.item.empty() ? f.message : fmt::format("{} ({})", f.message, f.item));
  }
  for (const eval::RuleError& e : d.errors) {
    if (e.blocks)
      why.emplace(e.rule, e.path.empty() ? e.message : fmt::format("{} ({})", e.message, e.path));
  }
  return why;
}

// The rules a recorded decision (docs/decision.md) says blocked, held or warned, so that a
// replay against recorded verdicts can say which rules changed, not only the verdict.
Outcome FromRecorded(const std::string& verdict, const std::string& json) {
  Outcome o;
  // A history holds open, shut or undecided (checked when recorded); anything else is
  // counted as shut, as a gate would treat it.
  o.verdict = verdict == "open"        ? eval::Verdict::kOpen
              : verdict == "undecided" ? eval::Verdict::kUndecided
                                       : eval::Verdict::kShut;
  auto mark = [&o](const std::string& rule, Part part) {
    auto at = std::find(o.recorded_rules.begin(), o.recorded_rules.end(), rule);
    if (at == o.recorded_rules.end())
      at = o.recorded_rules.insert(at, rule);
    o.rules.push_back({static_cast<uint32_t>(at - o.recorded_rules.begin()), part});
  };
  facts::LoadError error;
  auto doc = facts::ParseJson(json, "recorded decision", error);
  if (!doc)
    return o;
  auto text = [](const facts::Node* node, std::string_view key) {
    const facts::Node* v = node->Find(key);
    return v != nullptr && v->kind == facts::NodeKind::kString ? std::string(v->str())
                                                               : std::string();
  };
  if (const facts::Node* findings = doc->root().Find("findings");
      findings != nullptr && findings->kind == facts::NodeKind::kArray) {
    for (uint32_t k = 0; k < findings->len; ++k) {
      const facts::Node* f = &findings->items[k];
      const std::string status = text(f, "status");
      if (status == "advisory") {
        mark(text(f, "rule"), Part::kWarns);
      } else if (status == "blocking") {
        const std::string rule = text(f, "rule");
        mark(rule, text(f, "level") == "soft" ? Part::kHolds : Part::kBlocks);
        const std::string item = text(f, "item");
        o.why.emplace(rule, item.empty() ? text(f, "message")
                                         : fmt::format("{} ({})", text(f, "message"), item));
      }
    }
  }
  if (const facts::Node* errors = doc->root().Find("errors");
      errors != nullptr && errors->kind == facts::NodeKind::kArray) {
    for (uint32_t k = 0; k < errors->len; ++k) {
      const facts::Node* blocks = errors->items[k].Find("blocks");
      if (blocks == nullptr || blocks->kind != facts::NodeKind::kBool || blocks->b) {
        const facts::Node* e = &errors->items[k];
        mark(text(e, "rule"), Part::kUndecided);
        const std::string path = text(e, "path");
        o.why.emplace(text(e, "rule"), path.empty()
                                           ? text(e, "message")
                                           : fmt::format("{} ({})", text(e, "message"), path));
      }
    }
  }
  Settle(o);
  return o;
}

// One worker's view: a Decider per policy, reused across its releases.
class Worker {
 public:
  Worker(const compile::Program& candidate, const compile::Program* baseline,
         const Options& options)
      : candidate_program_(candidate),
        baseline_program_(baseline),
        candidate_(candidate),
        recorded_(options.recorded_baseline),
        filter_(options.filter) {
    reads_.Merge(candidate.reads());
    if (baseline != nullptr) {
      baseline_.emplace(*baseline);
      same_schema_ = types::SameType(candidate.schema(), baseline->schema());
      if (same_schema_)
        reads_.Merge(baseline->reads());  // bound once, read by both
    }
  }

  void Run(const Release& release, ReleaseResult& result) {
    result.id = release.id;
    result.time = release.release_time;
    if (!release.error.empty()) {
      result.error = release.error;
      return;
    }
    if (RunInPlace(release, result))
      return;
    facts::FactSet set;
    if (!Load(release, set, result.error))
      return;
    eval::EvalOptions options;
    options.now = release.time;
    if (release.time == 0) {
      // A release that names itself: by its release.id, decided at its build time.
      if (const std::string id = set.StringAt("release", "id"); !id.empty())
        result.id = id;
      const std::string built = set.StringAt("release", "built_at");
      const auto t = ParseRfc3339(built);
      if (!t) {
        result.error = "has no RFC 3339 `release.built_at` to decide it at";
        return;
      }
      options.now = result.time = *t;
      if (*t < filter_.since || *t >= filter_.until ||
          (!filter_.repo.empty() && set.StringAt("release", "repo") != filter_.repo)) {
        result.skipped = true;
        return;
      }
    }
    result.candidate = FromRaw(candidate_program_, candidate_.Evaluate(set, options));
    if (baseline_) {
      result.baseline =
          FromRaw(*baseline_program_, same_schema_ ? baseline_->EvaluateBoundBy(candidate_, options)
                                                   : baseline_->Evaluate(set, options));
    } else if (recorded_) {
      result.baseline = FromRecorded(release.recorded_verdict, release.recorded_decision);
    } else {
      result.baseline.verdict = eval::Verdict::kOpen;  // no baseline: nothing was blocked
    }
    // Messages only for a release whose fate changed: the report shows its findings.
    if ((Blocked(result.candidate) && !Blocked(result.baseline)) ||
        (!Blocked(result.candidate) && Has(result.candidate, Part::kRollout))) {
      result.candidate.why = Why(candidate_.Explain(set, options));
    } else if (!Blocked(result.candidate) && Blocked(result.baseline) && baseline_) {
      result.baseline.why = Why(baseline_->Explain(set, options));
    }
  }

 private:
  // The common case, decided without a facts tree: a release that is one JSON document,
  // bound in place on the policies' read set (eval::JsonFacts). False when the release
  // needs the strict path below: several documents, an imported kind, YAML, a document the
  // in-place reader declines, a release it cannot name or time, or a release whose fate
  // changed (the report shows its findings, which need the whole facts). The strict path
  // then decides it from the start, as `eval` would.
  bool RunInPlace(const Release& release, ReleaseResult& result) {
    std::string_view bytes;
    const std::string* name = nullptr;
    bool padded = false;
    bool stored = false;  // a history's document, whose name may be `kind:path`
    if (release.line_block != nullptr && release.facts.empty() && release.files.empty()) {
      bytes = release.line;
      name = &release.line_name;
      padded = true;  // the reader's blocks leave room after each line
    } else if (release.facts.size() == 1 && release.files.empty()) {
      bytes = release.facts.front().bytes;
      name = &release.facts.front().name;
      padded = release.facts.front().bytes.capacity() >= bytes.size() + 64;
      stored = true;
    } else if (release.facts.empty() && release.files.size() == 1) {
      name = &release.files.front();
      if (!ReadBounded(*name, {limits::kMaxFactsBytes, false}, file_).empty())
        return false;
      bytes = file_;
      padded = file_.capacity() >= bytes.size() + 64;
    } else {
      return false;
    }
    const import::Kind* kind = nullptr;
    std::string imported;
    if ((stored && import::SplitKindPath(*name, kind, imported)) ||
        facts::DetectFormat(*name, bytes) != facts::Format::kJson || !json_.Parse(bytes, padded))
      return false;
    eval::EvalOptions options;
    options.now = release.time;
    std::string id = release.id;
    int64_t time = release.release_time;
    if (release.time == 0) {
      if (std::string named = json_.StringAt("release", "id"); !named.empty())
        id = std::move(named);
      const auto t = ParseRfc3339(json_.StringAt("release", "built_at"));
      if (!t)
        return false;
      options.now = time = *t;
      if (*t < filter_.since || *t >= filter_.until ||
          (!filter_.repo.empty() && json_.StringAt("release", "repo") != filter_.repo)) {
        result.id = id;
        result.time = time;
        result.skipped = true;
        return true;
      }
    }
    const eval::Outcome* candidate = candidate_.EvaluateJson(json_, reads_, options);
    if (candidate == nullptr)
      return false;
    Outcome now = FromRaw(candidate_program_, *candidate);
    Outcome before;
    if (baseline_) {
      const eval::Outcome* b =
          same_schema_ ? &baseline_->EvaluateBoundBy(candidate_, options)
                       : baseline_->EvaluateJson(json_, baseline_program_->reads(), options);
      if (b == nullptr)
        return false;
      before = FromRaw(*baseline_program_, *b);
    } else if (recorded_) {
      before = FromRecorded(release.recorded_verdict, release.recorded_decision);
    } else {
      before.verdict = eval::Verdict::kOpen;
    }
    // The report shows the findings of a release whose fate changed: explained on the facts
    // bound here when the strict loader would have read the document too (else decided
    // again the strict way, which says what is wrong with it).
    const bool newly_blocked = Blocked(now) && !Blocked(before);
    const bool newly_allowed = !Blocked(now) && Blocked(before);
    const bool rolling_out = !Blocked(now) && Has(now, Part::kRollout);
    if (newly_blocked || newly_allowed || rolling_out) {
      if (!json_.StrictlyReadable())
        return false;
      if (newly_blocked || rolling_out)
        now.why = Why(candidate_.Explain(options));
      else if (baseline_)
        before.why = Why(baseline_->Explain(options));
    }
    result.id = std::move(id);
    result.time = time;
    result.candidate = std::move(now);
    result.baseline = std::move(before);
    return true;
  }

  // The release's facts, merged into `set`; false with `error` (the release is already
  // named: say what and where in it). Only a history's documents are named `kind:path`
  // when imported; a JSON Lines line or a file of a directory is facts as it stands,
  // whatever its name.
  static bool Load(const Release& release, facts::FactSet& set, std::string& error) {
    auto add = [&](const std::string& bytes, const std::string& name, bool stored) {
      facts::LoadError e;
      auto doc =
          stored ? ParseStoredFacts(name, bytes, facts::Digest::kSkip, e)
                 : facts::ParseDocument(bytes, name, facts::Format::kAuto, e, facts::Digest::kSkip);
      if (doc && set.Add(std::move(doc), e))
        return true;
      error = e.message;
      if (!e.path.empty())
        error += fmt::format(" (at `{}`)", e.path);
      if (e.column > 0) {
        error += fmt::format(" (line {}, column {} of {})", e.line, e.column,
                             (release.files.empty() ? "the document" : fmt::format("`{}`", name)));
      } else if (!release.files.empty()) {
        error += fmt::format(" (in `{}`)", name);
      }
      return false;
    };
    if (release.line_block != nullptr &&
        !add(std::string(release.line), release.line_name, /*stored=*/false))
      return false;
    for (const history::StoredFacts& f : release.facts) {
      if (!add(f.bytes, f.name, /*stored=*/true))
        return false;
    }
    std::string bytes;
    for (const std::string& path : release.files) {
      if (std::string why = ReadBounded(path, {limits::kMaxFactsBytes, false}, bytes);
          !why.empty()) {
        error = fmt::format("`{}` {}", path, why);
        return false;
      }
      if (!add(bytes, path, /*stored=*/false))
        return false;
    }
    return true;
  }

 private:
  const compile::Program& candidate_program_;
  const compile::Program* baseline_program_;
  Decider candidate_;
  std::optional<Decider> baseline_;
  bool same_schema_ = false;  // bind each release once, for both
  bool recorded_;
  const history::ListFilter& filter_;
  compile::ReadPath reads_;  // what the candidate (and a baseline bound with it) read
  eval::JsonFacts json_;     // this worker's in-place reader
  std::string file_;         // a facts file's bytes, reused
};

// Counts what each rule of `o` did: by index for a policy's rules, by name for a recorded
// decision's.
void Count(std::vector<RuleCounts>& by_index, std::map<std::string, RuleCounts>& by_name,
           const Outcome& o) {
  for (const RulePart& r : o.rules) {
    RuleCounts& c = o.recorded_rules.empty() ? by_index[r.rule] : by_name[o.recorded_rules[r.rule]];
    switch (r.part) {
      case Part::kBlocks: ++c.blocks; break;
      case Part::kUndecided: ++c.undecided; break;
      case Part::kHolds: ++c.holds; break;
      case Part::kWarns: ++c.warns; break;
      case Part::kRollout: ++c.rollout_blocks; break;
    }
  }
}

// The names of the rules of `o` that took the given parts, sorted.
std::set<std::string> RulesIn(const Outcome& o, const std::vector<std::string>& policy,
                              std::initializer_list<Part> parts) {
  std::set<std::string> rules;
  for (const RulePart& r : o.rules) {
    if (std::find(parts.begin(), parts.end(), r.part) != parts.end())
      rules.insert(NameOf(o, policy, r.rule));
  }
  return rules;
}

// A release that `a` blocks and `b` does not: the rules that keep it shut in `a` only
// (blocking, holding, or unable to decide), each with its first finding (or error) there.
Change Difference(const std::string& id, const Outcome& a, const std::vector<std::string>& a_names,
                  const Outcome& b, const std::vector<std::string>& b_names) {
  const std::set<std::string> in_a =
      RulesIn(a, a_names, {Part::kBlocks, Part::kHolds, Part::kUndecided});
  const std::set<std::string> in_b =
      RulesIn(b, b_names, {Part::kBlocks, Part::kHolds, Part::kUndecided});
  Change change;
  change.id = id;
  std::set_difference(in_a.begin(), in_a.end(), in_b.begin(), in_b.end(),
                      std::back_inserter(change.rules));
  for (const std::string& rule : change.rules) {
    auto it = a.why.find(rule);
    change.findings.push_back(it != a.why.end() ? it->second : "");
  }
  return change;
}

constexpr int64_t kNanosPerDay = 86'400 * kNanosPerSecond;

// The start of the week (Monday 00:00 UTC) that `t` falls in; 1970-01-01 was a Thursday.
int64_t WeekOf(int64_t t) {
  int64_t day = t / kNanosPerDay - (t % kNanosPerDay < 0 ? 1 : 0);
  int64_t weekday = (day + 3) % 7;  // 0 = Monday
  if (weekday < 0)
    weekday += 7;
  return (day - weekday) * kNanosPerDay;
}

void CountWeek(Week& week, const ReleaseResult& r, const std::vector<std::string>& candidate,
               const std::vector<std::string>& baseline) {
  ++week.releases;
  week.candidate_blocked += Blocked(r.candidate);
  week.baseline_blocked += Blocked(r.baseline);
  for (const RulePart& p : r.candidate.rules) {
    if (p.part == Part::kBlocks)
      ++week.rule_blocks[NameOf(r.candidate, candidate, p.rule)].first;
  }
  for (const RulePart& p : r.baseline.rules) {
    if (p.part == Part::kBlocks)
      ++week.rule_blocks[NameOf(r.baseline, baseline, p.rule)].second;
  }
}

}  // namespace

Replayer::Replayer(const compile::Program& candidate, const compile::Program* baseline,
                   Options options)
    : candidate_(candidate), baseline_(baseline), options_(options) {
  if (options_.threads == 0)
    options_.threads = std::max(1u, std::thread::hardware_concurrency());
  if (options_.batch == 0)
    options_.batch = 1;
  summary_.candidate_digest = candidate.digest();
  for (const compile::CompiledRule& rule : candidate.rules())
    candidate_names_.push_back(rule.id);
  candidate_counts_.resize(candidate_names_.size());
  if (baseline != nullptr) {
    for (const compile::CompiledRule& rule : baseline->rules())
      baseline_names_.push_back(rule.id);
    baseline_counts_.resize(baseline_names_.size());
  }
  for (const compile::CompiledRule& rule : candidate.rules()) {
    if (rule.rollout != 0 && rule.level != Level::kAdvisory)
      summary_.rollouts[rule.id] = rule.rollout_text;
  }
  summary_.baseline = baseline != nullptr          ? baseline->digest()
                      : options_.recorded_baseline ? "recorded"
                                                   : "";
}

// The worker threads: each decides releases of the batch in flight, taking the next by
// an atomic counter, with its own Worker (Deciders, scratch memory) for the whole replay.
class Replayer::Pool {
 public:
  Pool(const compile::Program& candidate, const compile::Program* baseline,
       const Options& options) {
    for (unsigned t = 0; t < options.threads; ++t) {
      threads_.emplace_back([this, &candidate, baseline, &options] {
        Worker worker(candidate, baseline, options);
        Loop(worker);
      });
    }
  }

  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    work_.notify_all();
    for (std::thread& t : threads_)
      t.join();
  }

  // Starts deciding `batch` into `results` (sized alike); returns at once.
  void Start(const std::vector<Release>& batch, std::vector<ReleaseResult>& results) {
    std::lock_guard<std::mutex> lock(mutex_);
    batch_ = &batch;
    results_ = &results;
    next_.store(0);
    busy_ = threads_.size();
    ++generation_;
    work_.notify_all();
  }

  // Waits until every release of the batch started last is decided.
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
  }

 private:
  void Loop(Worker& worker) {
    uint64_t seen = 0;
    for (;;) {
      const std::vector<Release>* batch;
      std::vector<ReleaseResult>* results;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        work_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_)
          return;
        seen = generation_;
        batch = batch_;
        results = results_;
      }
      for (size_t k = next_.fetch_add(1); k < batch->size(); k = next_.fetch_add(1))
        worker.Run((*batch)[k], (*results)[k]);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--busy_ == 0)
        done_.notify_one();
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable work_, done_;
  const std::vector<Release>* batch_ = nullptr;
  std::vector<ReleaseResult>* results_ = nullptr;
  std::atomic<size_t> next_{0};
  size_t busy_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

Replayer::~Replayer() = default;

void Replayer::Add(Release release) {
  filling_.push_back(std::move(release));
  if (filling_.size() >= options_.batch)
    Flush();
}

// Hands the filled batch to the pool once it has decided the one before, then counts
// that one's results while the pool works: the source reads the next batch meanwhile.
void Replayer::Flush() {
  if (pool_ == nullptr)
    pool_ = std::make_unique<Pool>(candidate_, baseline_, options_);
  const std::vector<ReleaseResult> decided = TakeDecided();
  std::swap(filling_, in_flight_);
  filling_.clear();
  results_.assign(in_flight_.size(), ReleaseResult());
  if (!in_flight_.empty())
    pool_->Start(in_flight_, results_);
  Tally(decided);
}

// The results of the batch in flight, once decided (its releases are let go: their lines'
// blocks go back to the reader).
std::vector<ReleaseResult> Replayer::TakeDecided() {
  if (in_flight_.empty())
    return {};
  pool_->Wait();
  in_flight_.clear();
  return std::move(results_);
}

void Replayer::Tally(const std::vector<ReleaseResult>& decided) {
  if (decided.empty())
    return;
  // In input order, so the summary does not depend on the number of threads.
  for (const ReleaseResult& r : decided) {
    if (r.skipped)
      continue;
    if (!r.error.empty()) {
      ++summary_.unreadable;
      summary_.unreadable_releases.push_back({r.id, r.error});
      continue;
    }
    ++summary_.releases;
    Count(candidate_counts_, summary_.candidate_rules, r.candidate);
    Count(baseline_counts_, summary_.baseline_rules, r.baseline);
    const bool now_blocked = Blocked(r.candidate);
    const bool was_blocked = Blocked(r.baseline);
    const bool now_decided = r.candidate.verdict != eval::Verdict::kUndecided;
    const bool was_decided = r.baseline.verdict != eval::Verdict::kUndecided;
    const char* now_verdict = eval::VerdictName(r.candidate.verdict);
    const char* was_verdict = eval::VerdictName(r.baseline.verdict);
    summary_.compared += now_decided && was_decided;
    summary_.undecided_by_both += !now_decided && !was_decided;
    summary_.candidate_blocked += now_blocked;
    summary_.baseline_blocked += was_blocked;
    if (now_blocked && !was_blocked) {
      Change c = Difference(r.id, r.candidate, candidate_names_, r.baseline, baseline_names_);
      c.candidate_verdict = now_verdict;
      c.baseline_verdict = was_verdict;
      summary_.newly_blocked.push_back(std::move(c));
    } else if (!now_blocked && was_blocked) {
      Change c = Difference(r.id, r.baseline, baseline_names_, r.candidate, candidate_names_);
      c.candidate_verdict = now_verdict;
      c.baseline_verdict = was_verdict;
      summary_.newly_allowed.push_back(std::move(c));
    }
    if (!now_blocked && Has(r.candidate, Part::kRollout)) {
      Change c;
      c.id = r.id;
      c.candidate_verdict = now_verdict;
      c.baseline_verdict = was_verdict;
      for (const std::string& rule : RulesIn(r.candidate, candidate_names_, {Part::kRollout})) {
        c.rules.push_back(rule);
        auto it = r.candidate.why.find(rule);
        c.findings.push_back(it != r.candidate.why.end() ? it->second : "");
      }
      summary_.blocked_once_rolled_out.push_back(std::move(c));
    }
    CountWeek(summary_.weeks[WeekOf(r.time)], r, candidate_names_, baseline_names_);
    for (const std::string& cause : r.candidate.causes) {
      Cause& c = summary_.undecided[cause];
      ++c.count;
      if (c.examples.size() < kExamples)
        c.examples.push_back(r.id);
    }
  }
  taken_ += static_cast<int64_t>(decided.size());
  if (options_.progress)
    options_.progress(taken_);
}

namespace {

// Adds what each rule of a policy did to the summary's counts by name: the rules that
// did something, as counting by name makes.
void AddCounts(const std::vector<std::string>& names, const std::vector<RuleCounts>& counts,
               std::map<std::string, RuleCounts>& out) {
  for (size_t k = 0; k < names.size(); ++k) {
    const RuleCounts& c = counts[k];
    if (c.blocks == 0 && c.undecided == 0 && c.holds == 0 && c.warns == 0 && c.rollout_blocks == 0)
      continue;
    RuleCounts& sum = out[names[k]];
    sum.blocks += c.blocks;
    sum.undecided += c.undecided;
    sum.holds += c.holds;
    sum.warns += c.warns;
    sum.rollout_blocks += c.rollout_blocks;
  }
}

}  // namespace

Summary Replayer::Finish() {
  Flush();               // the last, partial batch
  Tally(TakeDecided());  // and its results
  AddCounts(candidate_names_, candidate_counts_, summary_.candidate_rules);
  AddCounts(baseline_names_, baseline_counts_, summary_.baseline_rules);
  return std::move(summary_);
}

}  // namespace relgate::replay
