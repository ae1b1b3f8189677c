// Where a GitHub Actions job runs (internal to engine/import): its `runs-on`, with
// `${{ matrix.KEY }}` expanded over a literal matrix (its lists and `include:` entries),
// as the sets of labels a run may ask for.
#pragma once

#include <string>
#include <vector>

#include "engine/facts/facts.h"

namespace relgate::import::internal {

struct RunnerSet {
  std::vector<std::string> labels;
  // Not provably one of GitHub's hosted images: a `self-hosted` label, a label GitHub does
  // not host, a runner group, or an expression relgate cannot resolve from the file.
  bool self_hosted = false;
};

// Every label set `job` may run on (at most kMaxRunnerSets; one empty set without
// `runs-on`, as a reusable-workflow call has).
std::vector<RunnerSet> JobRunners(const facts::Node& job);

inline constexpr size_t kMaxRunnerSets = 256;

}  // namespace relgate::import::internal
