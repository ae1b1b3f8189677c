#include "engine/replay/replay.h"

#include <algorithm>
#include <thread>

#include "engine/base/bounded_read.h"
#include "engine/base/limits.h"
#include "engine/base/time.h"
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

Outcome FromDecision(const eval::Decision& d) {
  Outcome o;
  o.verdict = eval::VerdictName(d.verdict);
  for (const eval::Finding& f : d.findings) {
    if (f.status == eval::FindingStatus::kAdvisory) {
      o.warned_rules.insert(f.rule);
    } else if (f.status == eval::FindingStatus::kBlocking) {
      (f.level == syntax::Level::kSoft ? o.held_rules : o.blocking_rules).insert(f.rule);
      o.why.emplace(f.rule, f.item.empty() ? f.message : f.message + " (" + f.item + ")");
    }
  }
  for (const eval::RuleError& e : d.errors) {
    if (!e.blocks)
      continue;
    o.blocking_rules.insert(e.rule);
    o.why.emplace(e.rule, e.path.empty() ? e.message : e.message + " (" + e.path + ")");
    const bool missing = !e.path.empty() && e.message.rfind("missing fact", 0) == 0;
    const std::string cause =
        missing ? "lack " + Pattern(e.path) : e.rule + ": " + Pattern(e.message);
    if (std::find(o.causes.begin(), o.causes.end(), cause) == o.causes.end())
      o.causes.push_back(cause);
  }
  return o;
}

// The rules a recorded decision (docs/decision.md) says blocked, held or warned, so that a
// replay against recorded verdicts can say which rules changed, not only the verdict.
Outcome FromRecorded(const std::string& verdict, const std::string& json) {
  Outcome o;
  o.verdict = verdict;
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
        o.warned_rules.insert(text(f, "rule"));
      } else if (status == "blocking") {
        const std::string rule = text(f, "rule");
        (text(f, "level") == "soft" ? o.held_rules : o.blocking_rules).insert(rule);
        const std::string item = text(f, "item");
        o.why.emplace(rule,
                      item.empty() ? text(f, "message") : text(f, "message") + " (" + item + ")");
      }
    }
  }
  if (const facts::Node* errors = doc->root().Find("errors");
      errors != nullptr && errors->kind == facts::NodeKind::kArray) {
    for (uint32_t k = 0; k < errors->len; ++k) {
      const facts::Node* blocks = errors->items[k].Find("blocks");
      if (blocks == nullptr || blocks->kind != facts::NodeKind::kBool || blocks->b) {
        const facts::Node* e = &errors->items[k];
        o.blocking_rules.insert(text(e, "rule"));
        const std::string path = text(e, "path");
        o.why.emplace(text(e, "rule"),
                      path.empty() ? text(e, "message") : text(e, "message") + " (" + path + ")");
      }
    }
  }
  return o;
}

bool Blocked(const Outcome& o) {
  return o.verdict != "open";
}

// One worker's view: a Decider per policy, reused across its releases.
class Worker {
 public:
  Worker(const compile::Program& candidate, const compile::Program* baseline,
         const Options& options)
      : candidate_(candidate), recorded_(options.recorded_baseline), filter_(options.filter) {
    if (baseline != nullptr)
      baseline_.emplace(*baseline);
  }

  void Run(const Release& release, ReleaseResult& result) {
    result.id = release.id;
    result.time = release.release_time;
    if (!release.error.empty()) {
      result.error = release.error;
      return;
    }
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
    result.candidate = FromDecision(candidate_.Decide(set, options));
    if (baseline_) {
      result.baseline = FromDecision(baseline_->Decide(set, options));
    } else if (recorded_) {
      result.baseline = FromRecorded(release.recorded_verdict, release.recorded_decision);
    } else {
      result.baseline.verdict = "open";  // no baseline: nothing was blocked before
    }
  }

 private:
  // The release's facts, merged into `set`; false with `error` (the release is already
  // named: say what and where in it).
  static bool Load(const Release& release, facts::FactSet& set, std::string& error) {
    auto add = [&](const std::string& bytes, const std::string& name) {
      facts::LoadError e;
      auto doc = facts::ParseDocument(bytes, name, facts::Format::kAuto, e);
      if (doc && set.Add(std::move(doc), e))
        return true;
      error = e.message;
      if (!e.path.empty())
        error += " (at `" + e.path + "`)";
      if (e.column > 0) {
        error += " (line " + std::to_string(e.line) + ", column " + std::to_string(e.column) +
                 " of " + (release.files.empty() ? "the document" : "`" + name + "`") + ")";
      } else if (!release.files.empty()) {
        error += " (in `" + name + "`)";
      }
      return false;
    };
    for (const history::StoredFacts& f : release.facts) {
      if (!add(f.bytes, f.name))
        return false;
    }
    std::string bytes;
    for (const std::string& path : release.files) {
      if (std::string why = ReadBounded(path, {limits::kMaxFactsBytes, false}, bytes);
          !why.empty()) {
        error = "`" + path + "` " + why;
        return false;
      }
      if (!add(bytes, path))
        return false;
    }
    return true;
  }

 private:
  Decider candidate_;
  std::optional<Decider> baseline_;
  bool recorded_;
  const history::ListFilter& filter_;
};

void Count(std::map<std::string, RuleCounts>& counts, const Outcome& o) {
  for (const std::string& r : o.blocking_rules)
    ++counts[r].blocks;
  for (const std::string& r : o.held_rules)
    ++counts[r].holds;
  for (const std::string& r : o.warned_rules)
    ++counts[r].warns;
}

// A release that `a` blocks and `b` does not: the rules that keep it shut in `a` only,
// each with its first finding there.
Change Difference(const std::string& id, const Outcome& a, const Outcome& b) {
  std::set<std::string> in_a = a.blocking_rules;
  in_a.insert(a.held_rules.begin(), a.held_rules.end());
  std::set<std::string> in_b = b.blocking_rules;
  in_b.insert(b.held_rules.begin(), b.held_rules.end());
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

void CountWeek(Week& week, const ReleaseResult& r) {
  ++week.releases;
  week.candidate_blocked += Blocked(r.candidate);
  week.baseline_blocked += Blocked(r.baseline);
  for (const std::string& rule : r.candidate.blocking_rules)
    ++week.rule_blocks[rule].first;
  for (const std::string& rule : r.baseline.blocking_rules)
    ++week.rule_blocks[rule].second;
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
  summary_.baseline = baseline != nullptr          ? baseline->digest()
                      : options_.recorded_baseline ? "recorded"
                                                   : "";
}

void Replayer::Add(Release release) {
  batch_.push_back(std::move(release));
  if (batch_.size() >= options_.batch)
    Flush();
}

void Replayer::Flush() {
  std::vector<ReleaseResult> results(batch_.size());
  const size_t threads = std::min<size_t>(options_.threads, batch_.size());
  std::vector<std::thread> workers;
  for (size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      Worker worker(candidate_, baseline_, options_);
      for (size_t k = t; k < batch_.size(); k += threads)
        worker.Run(batch_[k], results[k]);
    });
  }
  for (std::thread& w : workers)
    w.join();
  // In input order, so the summary does not depend on the number of threads.
  for (const ReleaseResult& r : results) {
    if (r.skipped)
      continue;
    if (!r.error.empty()) {
      ++summary_.unreadable;
      summary_.unreadable_releases.push_back({r.id, r.error});
      continue;
    }
    ++summary_.releases;
    Count(summary_.candidate_rules, r.candidate);
    Count(summary_.baseline_rules, r.baseline);
    const bool now_blocked = Blocked(r.candidate);
    const bool was_blocked = Blocked(r.baseline);
    summary_.candidate_blocked += now_blocked;
    summary_.baseline_blocked += was_blocked;
    if (now_blocked && !was_blocked) {
      Change c = Difference(r.id, r.candidate, r.baseline);
      c.candidate_verdict = r.candidate.verdict;
      c.baseline_verdict = r.baseline.verdict;
      summary_.newly_blocked.push_back(std::move(c));
    } else if (!now_blocked && was_blocked) {
      Change c = Difference(r.id, r.baseline, r.candidate);
      c.candidate_verdict = r.candidate.verdict;
      c.baseline_verdict = r.baseline.verdict;
      summary_.newly_allowed.push_back(std::move(c));
    }
    CountWeek(summary_.weeks[WeekOf(r.time)], r);
    for (const std::string& cause : r.candidate.causes) {
      Cause& c = summary_.undecided[cause];
      ++c.count;
      if (c.examples.size() < kExamples)
        c.examples.push_back(r.id);
    }
  }
  taken_ += static_cast<int64_t>(batch_.size());
  batch_.clear();
  if (options_.progress)
    options_.progress(taken_);
}

Summary Replayer::Finish() {
  if (!batch_.empty())
    Flush();
  return std::move(summary_);
}

}  // namespace relgate::replay
