// The shipped rules (std.baseline plus rules using every construct that reads facts)
// over fuzzed facts: binding, evaluation, explanation and every report never crash. And,
// for every input: the verdict follows from the findings and errors (an evaluation that
// runs out of budget is undecided, never silent); the decision is the same byte for byte
// when made again, by a reused Decider and on another thread; every JSON document the
// decision is written as (the decision, SARIF) parses.
#include <thread>

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
  return 0;
}
