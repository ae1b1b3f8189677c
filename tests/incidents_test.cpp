// The incident replays (examples/incidents/): the committed histories are what their
// generator writes, and replaying each through the organisation's policy blocks exactly
// the incident release, with the rules that name what happened, and no normal release.
#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

using testing::Contains;
using testing::RunRelgate;

TEST_CASE("the incident histories are exactly what generate.py writes") {
  CHECK(testing::CompareWithGenerator("examples/incidents/", "generate.py") == 32);
}

struct Incident {
  const char* name;
  const char* policy;
  const char* release;
  const char* rules;  // as the JSON report lists them
};

TEST_CASE("each incident release is blocked, and every normal release allowed") {
  const Incident incidents[] = {
      {"tj-actions-changed-files", "policies/org", "1.3.0", R"(["action_drift"])"},
      {"nx-s1ngularity", "policies/org", "1.3.0",
       R"(["deps.install_scripts","deps.new_install_scripts"])"},
      {"shai-hulud", "policies/org", "1.3.0", R"(["provenance"])"},
      {"ultralytics-cache-poisoning", "policies/org", "1.3.0", R"(["untrusted_cache"])"},
      {"pytorch-self-hosted-runner", "policies/org", "1.3.0", R"(["fork_on_self_hosted"])"},
      {"npm-source-map", "policies/org", "1.3.0",
       R"(["packaging.forbidden_files","packaging.size_growth"])"},
      {"xz-utils", "policies/org", "5.3.0", R"(["packaging.tarball_matches_tree"])"},
      {"model-weights-swapped", "policies/org-models", "1.3.0", R"(["models.digests_match"])"},
  };
  for (const Incident& i : incidents) {
    CAPTURE(i.name);
    auto run = RunRelgate(std::string("replay --policy ") + i.policy +
                              " --history examples/incidents/" + i.name + "/releases --format json",
                          false);
    CHECK(run.exit_code == 1);
    CHECK(Contains(run.output, "\"releases\":4,\"unreadable\":0"));
    CHECK(Contains(run.output, "\"blocked\":{\"candidate\":1,"));
    CHECK(Contains(run.output,
                   std::string("\"newly_blocked\":[{\"release\":\"") + i.release +
                       "\",\"baseline\":\"open\",\"candidate\":\"shut\",\"rules\":" + i.rules));
    CHECK(Contains(run.output, "\"undecided\":[]"));
  }
}

}  // namespace
}  // namespace relgate
