// The shipped rules (std.baseline plus rules using every construct that reads facts)
// over fuzzed facts: binding, evaluation, explanation and every report never crash. And,
// for every input: the verdict follows from the findings and errors (an evaluation that
// runs out of budget is undecided, never silent); the decision is the same byte for byte
// when made again, by a reused Decider and on another thread; every JSON document the
// decision is written as (the decision, SARIF) parses. And the kernels (compile/kernel.h)
// decide every item as the interpreter does: the outcome is the same when a recorder
// makes every condition go node by node.
#include <thread>

#include <fmt/format.h>

#include "engine/eval/bind.h"
#include "engine/eval/evaluator.h"
#include "engine/relgate.h"
#include "engine/report/renderers.h"
#include "engine/report/report.h"
#include "fuzz/fuzz_main.h"
#include "fuzz/properties.h"

namespace {

const char* kPolicy = R"(package fuzz
import std.baseline
facts {
  release: { id: string, branch: string, signer: string?, labels: map[string]string }
  artifact: { files: [string] }
}
hold main_branch "from {release.branch}": release.branch == "main"
warn signed "unsigned": has(release.signer) and release.signer.ends_with("@acme.com")
deny labels "no team label": "team" in release.labels and release.labels["team"] != ""
deny maps for f in artifact.files "{f}": not f.glob("**/*.map")
deny versions for d in dependencies where is_semver(d.version) "{d.name}":
  semver(d.version) >= semver("0.0.1")
deny reviewers for a in approvals where a.team != "" "{a.user}":
  a.user != release.author or (has(release.signer) and a.user.starts_with("bot-"))
deny owner_label "owner {release.labels["owner"] ?? "<none>"}": has(release.labels["owner"])
deny named for d in dependencies where d.name.contains(" ") "{string(d.version)} {d.name}"
warn words "{join(release.id.split("-"), "+")}": count(w in release.id.split("-"): w == "") < 3
except baseline.pinned_dependencies when d.name == "legacy" until 2030-01-01 owner "o" reason "r"
)";

const relgate::compile::Program& Program() {
  static const auto* program = [] {
    relgate::SourceMap sources;
    relgate::DiagnosticSink sink;
    auto compiled =
        relgate::CompilePolicyText("fuzz.gate", kPolicy, relgate::check::Stdlib(), sources, sink);
    if (!compiled)
      std::abort();
    return compiled.release();
  }();
  return *program;
}

using relgate::fuzz::Require;

class NoRecorder : public relgate::compile::Recorder {
 public:
  void Record(relgate::compile::NodeId, const relgate::Value&) override {}
};

std::string Summary(const relgate::eval::Outcome& o) {
  std::string out = std::to_string(static_cast<int>(o.verdict));
  for (const relgate::eval::RuleStatus status : o.rules)
    out += " " + std::to_string(static_cast<int>(status));
  for (const relgate::eval::RawFinding& f : o.findings) {
    out += fmt::format(" f{}:{}:{}:{}:{}", f.rule, f.item, static_cast<int>(f.status), f.exception,
                       f.expired);
  }
  for (const relgate::eval::RawError& e : o.errors)
    out += fmt::format(" e{}:{}:{}:{}", e.rule, e.item, e.error->path, e.error->message);
  return out;
}

void RequireKernelsAgree(const relgate::facts::FactSet& set,
                         const relgate::eval::EvalOptions& options) {
  const auto bound = relgate::eval::Bind(Program(), set);
  relgate::eval::EvalOptions slow = options;
  NoRecorder recorder;
  slow.coverage = &recorder;
  relgate::eval::Scratch a, b;
  const std::string fast = Summary(relgate::eval::Evaluate(Program(), *bound, options, a));
  Require(fast == Summary(relgate::eval::Evaluate(Program(), *bound, slow, b)),
          "kernels decide as the interpreter does");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  relgate::facts::LoadError error;
  auto doc = relgate::facts::ParseDocument(text, "fuzz", relgate::facts::Format::kAuto, error);
  if (!doc)
    return 0;
  relgate::facts::FactSet set;
  if (!set.Add(std::move(doc), error))
    return 0;
  relgate::eval::EvalOptions options;
  options.now = 1'800'000'000LL * 1'000'000'000;
  const relgate::eval::Decision decision = relgate::Decide(Program(), set, options);
  relgate::fuzz::RequireConsistentVerdict(decision);
  const std::string json = relgate::report::RenderJson(decision);
  relgate::fuzz::RequireJson(json, "the JSON decision parses");
  relgate::fuzz::RequireJson(relgate::report::RenderSarif(decision), "the SARIF report parses");
  (void)relgate::report::RenderText(decision, {});
  (void)relgate::report::RenderJunit(decision);
  (void)relgate::report::RenderGithub(decision);
  // Again, by a Decider that decided something else first, and on another thread.
  static relgate::Decider reused(Program());
  (void)reused.Decide(relgate::facts::FactSet(), options);
  Require(relgate::report::RenderJson(reused.Decide(set, options)) == json,
          "a reused Decider decides the same");
  std::string on_thread;
  std::thread([&] {
    on_thread = relgate::report::RenderJson(relgate::Decide(Program(), set, options));
  }).join();
  Require(on_thread == json, "another thread decides the same");
  RequireKernelsAgree(set, options);
  return 0;
}
