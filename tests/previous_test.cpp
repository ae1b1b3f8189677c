// Comparison with the previous release: `previous.<fact>` typed by the policy's own
// schema, from files (--previous) or from the last release of the repository the gate let
// through (--previous-from a history), a first release handled explicitly, and a history
// that keeps the comparison so a replay decides the same.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunRelgate;

const std::string kDir = "tests/data/previous/";
const std::string kPolicy = " --policy " + kDir + "policy.gate";

TEST_CASE("--previous: a dependency that newly runs an install script is blocked") {
  auto gained =
      RunRelgate("eval" + kPolicy + " --facts " + kDir + "v2.json --previous " + kDir + "v1.json");
  CHECK(gained.exit_code == 1);
  CHECK(Contains(gained.output, "left-pad@1.3.1 newly runs an install script"));
  CHECK(!Contains(gained.output, "esbuild@0.19.12 newly"));  // it had one before
  CHECK(Contains(gained.output, "facts  previous: " + kDir + "v1.json sha256:"));
  auto unchanged =
      RunRelgate("eval" + kPolicy + " --facts " + kDir + "v3.json --previous " + kDir + "v2.json");
  CHECK(unchanged.exit_code == 0);
  // No previous release: the policy said what then (it passes).
  CHECK(RunRelgate("eval" + kPolicy + " --facts " + kDir + "v2.json").exit_code == 0);
}

TEST_CASE("previous is optional: reading it unhandled does not compile, declaring it is refused") {
  const fs::path dir = testing::TempDir("relgate-previous");
  std::ofstream(dir / "careless.gate")
      << "package careless\nfacts { dependencies: [{ name: string }] }\n"
         "deny same \"fewer dependencies\": count(dependencies) >= "
         "count(previous.dependencies)\n";
  auto careless = RunRelgate("check " + (dir / "careless.gate").string());
  CHECK(careless.exit_code == 2);
  CHECK(Contains(careless.output, "`previous` may be missing"));
  std::ofstream(dir / "reserved.gate") << "package reserved\nfacts { previous: { id: string } }\n"
                                          "deny r \"x\": true\n";
  auto reserved = RunRelgate("check " + (dir / "reserved.gate").string());
  CHECK(reserved.exit_code == 2);
  CHECK(Contains(reserved.output, "`previous` cannot be declared"));
  fs::remove_all(dir);
}

TEST_CASE("--previous-from: the last release the gate let through, recorded for replay") {
  const fs::path dir = testing::TempDir("relgate-previous-from");
  const std::string db = (dir / "history.db").string();
  auto missing =
      RunRelgate("eval" + kPolicy + " --facts " + kDir + "v1.json --previous-from " + db);
  CHECK(missing.exit_code == 2);
  CHECK(Contains(missing.output, "does not exist: create it with `relgate history migrate"));
  REQUIRE(RunRelgate("history migrate --history " + db).exit_code == 0);
  auto record = [&](const char* file, const char* time) {
    return RunRelgate("eval" + kPolicy + " --facts " + kDir + file + " --previous-from " + db +
                      " --record " + db + " --release-time " + time);
  };
  CHECK(record("v1.json", "2026-01-01T00:00:00Z").exit_code == 0);  // first: no previous
  CHECK(record("v2.json", "2026-01-02T00:00:00Z").exit_code == 1);  // gained a script
  // v2 was not let through: v3 is compared with v1, and blocked for the same script.
  auto third = record("v3.json", "2026-01-03T00:00:00Z");
  CHECK(third.exit_code == 1);
  CHECK(Contains(third.output, "previous: release 1.0.0 (record 1)"));
  // The history kept each comparison: a replay against the recorded verdicts agrees.
  auto replay = RunRelgate("replay" + kPolicy + " --history " + db + " --baseline recorded");
  CAPTURE(replay.output);
  CHECK(replay.exit_code == 0);
  CHECK(Contains(replay.output, "blocked by the candidate 2, by the recorded verdicts 2"));
  fs::remove_all(dir);
}

TEST_CASE("diff builtins: added, removed, changed and ratio against the previous release") {
  const fs::path dir = testing::TempDir("relgate-diff");
  std::ofstream(dir / "diff.gate")
      << "package diff\n"
         "facts { dependencies: [{ name: string, version: string }],\n"
         "        artifact: { files: [string], size: int } }\n"
         "let names = [d.name for d in dependencies]\n"
         "deny added_deps \"added {join(added(names, []), \",\")}\": not has(previous) or\n"
         "  count(added(names, [p.name for p in previous.dependencies])) == 0\n"
         "deny removed_deps \"removed\": not has(previous) or\n"
         "  removed(names, [p.name for p in previous.dependencies]) == [\"gone\"]\n"
         "deny bumped \"bumped\": not has(previous) or\n"
         "  changed(names, [d.version for d in dependencies], [p.name for p in "
         "previous.dependencies],\n"
         "          [p.version for p in previous.dependencies]) == [\"b\"]\n"
         "deny new_files \"new files\": not has(previous) or\n"
         "  added(artifact.files, previous.artifact.files) == [\"dist/app.js.map\"]\n"
         "deny growth \"grew\": not has(previous) or ratio(artifact.size, "
         "previous.artifact.size) <= 2.0\n";
  std::ofstream(dir / "before.json")
      << R"({"dependencies": [{"name": "a", "version": "1"}, {"name": "b", "version": "1"},
            {"name": "gone", "version": "1"}],
            "artifact": {"files": ["dist/app.js"], "size": 100}})";
  std::ofstream(dir / "now.json")
      << R"({"dependencies": [{"name": "a", "version": "1"}, {"name": "b", "version": "2"},
            {"name": "c", "version": "1"}, {"name": "c", "version": "1"}],
            "artifact": {"files": ["dist/app.js", "dist/app.js.map"], "size": 700}})";
  auto run =
      RunRelgate("eval --policy " + (dir / "diff.gate").string() + " --facts " +
                 (dir / "now.json").string() + " --previous " + (dir / "before.json").string());
  CAPTURE(run.output);
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.output, "FAIL  added_deps"));  // c is new
  CHECK(!Contains(run.output, "FAIL  removed_deps"));
  CHECK(!Contains(run.output, "FAIL  bumped"));
  CHECK(!Contains(run.output, "FAIL  new_files"));
  CHECK(Contains(run.output, "FAIL  growth"));  // 7x
  CHECK(Contains(run.output, "3 of 5 rules passed"));
  // ratio by zero is an error: the gate stays shut rather than pass.
  std::ofstream(dir / "empty.json")
      << R"({"dependencies": [], "artifact": {"files": [], "size": 0}})";
  auto zero =
      RunRelgate("eval --policy " + (dir / "diff.gate").string() + " --facts " +
                 (dir / "now.json").string() + " --previous " + (dir / "empty.json").string());
  CHECK(zero.exit_code == 2);
  CHECK(Contains(zero.output, "ratio: the divisor is 0"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
