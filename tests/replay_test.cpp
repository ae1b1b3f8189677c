// relgate replay through the binary: a candidate policy over the workload sample (JSON
// Lines) and over a recorded history, beside a baseline policy or the recorded verdicts;
// the diff, the causes of undecided releases, each exit code, unreadable lines, and the
// same report whatever the number of threads.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

const std::string kSample = "tests/data/workload/sample.ndjson";

testing::RunResult Replay(const std::string& candidate, const std::string& rest) {
  return RunRelgate("replay --policy " + candidate + " --history " + rest, false);
}

TEST_CASE("a stricter candidate newly blocks releases, names why, and exits 1") {
  auto run = Replay("tests/data/replay/stricter", kSample + " --baseline policies --format json");
  CAPTURE(run.output);
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.output, "\"schema\":\"relgate.replay/v1\",\"exit_code\":1"));
  CHECK(Contains(run.output, "\"releases\":150,\"unreadable\":0"));
  // Every release lacks provenance.signed_by: undecided, so blocked; the baseline blocked
  // the 99 releases the oracle denies (tests/data/workload/expected.tsv).
  CHECK(Contains(run.output, "\"blocked\":{\"candidate\":150,\"baseline\":99}"));
  CHECK(Contains(run.output,
                 "{\"cause\":\"lack provenance.signed_by\",\"releases\":150,"
                 "\"examples\":[\"r-000001\",\"r-000002\",\"r-000003\""));
  CHECK(Contains(run.output, "\"baseline.two_person_review\":{\"blocks\":65,\"holds\":0"));
  CHECK(Contains(run.output,
                 "{\"release\":\"r-000003\",\"baseline\":\"open\","
                 "\"candidate\":\"undecided\",\"rules\":[\"signed\"]}"));
  auto text = Replay("tests/data/replay/stricter", kSample + " --baseline policies");
  CHECK(Contains(text.output, "REPLAY: the candidate newly blocks 51 releases"));
  CHECK(Contains(text.output, "150 releases lack provenance.signed_by (e.g. r-000001"));
}

TEST_CASE("the same policy changes nothing, and a looser one newly allows and exits 0") {
  auto same = Replay("policies", kSample + " --baseline policies --format json");
  CHECK(same.exit_code == 0);
  CHECK(Contains(same.output, "\"newly_blocked\":[],\"newly_allowed\":[]"));
  auto looser = Replay("tests/data/replay/looser", kSample + " --baseline policies");
  CHECK(looser.exit_code == 0);
  CHECK(Contains(looser.output, "REPLAY: the candidate blocks nothing the baseline allowed"));
  CHECK(Contains(looser.output, "newly allowed: 11"));
  CHECK(Contains(looser.output, "shut -> open  (baseline.two_person_review)"));
}

TEST_CASE("the markdown report is tables a reviewer can read in a pull request") {
  auto md =
      Replay("tests/data/replay/stricter", kSample + " --baseline policies --format markdown");
  CHECK(md.exit_code == 1);
  CHECK(md.output.rfind("## Policy replay: newly blocks 51 releases\n", 0) == 0);
  CHECK(Contains(md.output, "| baseline.two_person_review | 65 (was 15) | 0 | 0 |"));
  CHECK(Contains(md.output, "### Newly blocked (51)"));
  CHECK(Contains(md.output, "| r-000003 | open | undecided | signed |"));
  CHECK(Contains(md.output, "| lack provenance.signed_by | 150 | r-000001, r-000002"));
}

TEST_CASE("the report is the same whatever the number of threads") {
  const std::string args = kSample + " --baseline policies --format json --threads ";
  const std::string one = Replay("tests/data/replay/stricter", args + "1").output;
  CHECK(one.size() > 1000);
  CHECK(Replay("tests/data/replay/stricter", args + "2").output == one);
  CHECK(Replay("tests/data/replay/stricter", args + "5").output == one);
}

TEST_CASE("a recorded history replays against its recorded verdicts") {
  const fs::path dir = fs::temp_directory_path() / ("relgate-replay-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "history.db").string();
  for (const char* release :
       {"open/release.yaml", "shut-reviews/release.json", "hold-branch/release.yaml"}) {
    RunRelgate(std::string("eval --policy policies --now 2026-06-01 --facts examples/releases/") +
               release + " --record '" + db + "'");
  }
  auto same = Replay("policies", "'" + db + "'");
  CHECK(same.exit_code == 0);
  CHECK(Contains(same.output,
                 "3 releases replayed; blocked by the candidate 2, by the baseline "
                 "(recorded verdicts) 2"));
  auto stricter = Replay("tests/data/replay/stricter", "'" + db + "' --format json");
  CHECK(stricter.exit_code == 1);
  CHECK(Contains(stricter.output, "\"baseline\":\"recorded\""));
  CHECK(Contains(stricter.output, "{\"release\":\"r-000101\",\"baseline\":\"open\""));
  // The recorded decisions say which rules blocked: per-rule counts for the baseline too.
  CHECK(Contains(stricter.output, "\"baseline\":{\"baseline.two_person_review\":{\"blocks\":1,"));
  auto filtered = Replay("tests/data/replay/stricter", "'" + db + "' --repo acme/billing");
  CHECK(filtered.exit_code == 0);  // only the release that was already shut
  CHECK(Contains(filtered.output, "1 releases replayed"));
  fs::remove_all(dir);
}

TEST_CASE("unreadable releases are counted and the replay goes on, and bad inputs exit 2") {
  const fs::path file =
      fs::temp_directory_path() / ("relgate-replay-" + std::to_string(getpid()) + ".jsonl");
  std::string lines = testing::ReadFile(testing::SourceDir() + "/" + kSample);
  lines = lines.substr(0, lines.find('\n', lines.find('\n') + 1) + 1);  // two releases
  lines += "{not json\n{\"release\": {\"id\": \"no-time\"}}\n";
  std::ofstream(file) << lines;
  auto run = Replay("policies", "'" + file.string() + "' --baseline policies");
  CAPTURE(run.output);
  CHECK(run.exit_code == 0);
  CHECK(Contains(run.output, "2 releases replayed, 2 unreadable"));
  CHECK(Contains(run.output,
                 "line 3: invalid JSON: expected a key in double quotes (line 1, "
                 "column 2 of the document)"));
  CHECK(Contains(run.output, "no-time: has no RFC 3339 `release.built_at` to decide it at"));
  fs::remove(file);

  CHECK(RunRelgate("replay --policy policies --history " + kSample).exit_code == 2);  // no baseline
  CHECK(
      RunRelgate("replay --policy nope --history " + kSample + " --baseline policies").exit_code ==
      2);
  CHECK(RunRelgate("replay --policy policies --history nope.jsonl --baseline policies").exit_code ==
        2);
}

}  // namespace
}  // namespace relgate
