// The benchmark workload: release documents from the reference generator
// ($RELGATE_WORKLOAD, an NDJSON file; scripts/bench.sh makes 1,000 releases with
// --seed 42), or the committed test sample when it is not set.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "engine/relgate.h"

namespace relgate::bench {

struct Release {
  std::string json;
  std::string yaml;  // the same facts written as block YAML
  std::unique_ptr<facts::FactSet> facts;
  std::unique_ptr<eval::BoundFacts> bound;           // for the shipped policy
  std::unique_ptr<eval::BoundFacts> bound_baseline;  // for bench/baseline_only.gate
};

struct Workload {
  std::unique_ptr<compile::Program> program;  // policies/ (what `make demo` runs)
  // R1-R8 only; or, when RELGATE_BENCH_RULES names a policy file (relative to the source
  // tree), that policy: the cost of one rule alone is its file's time less an empty rule's.
  std::unique_ptr<compile::Program> baseline;
  std::vector<Release> releases;
  std::string source;  // where the documents came from
};

// Loads once per process; aborts with a message if the policy does not compile.
Workload& GetWorkload();

// Runs the process `args` (stdout to /dev/null) once per benchmark iteration; an exit
// code above 1 (relgate could not decide) skips the benchmark with an error.
void RunProcessLoop(benchmark::State& state, std::vector<std::string> args);

// YAML for a facts tree (block style, strings quoted), to benchmark the YAML loader on the
// same documents.
std::string ToYaml(const facts::Node& node);

}  // namespace relgate::bench
