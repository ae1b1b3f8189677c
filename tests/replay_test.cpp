// relgate replay through the binary: a candidate policy over the workload sample (JSON
// Lines) and over a recorded history, beside a baseline policy or the recorded verdicts;
// the diff, the causes of undecided releases, each exit code, unreadable lines, and the
// same report whatever the number of threads.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

using testing::Contains;

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
  CHECK(Contains(run.output,
                 "\"baseline.two_person_review\":{\"blocks\":65,\"undecided\":0,\"holds\":0"));
  // `signed` cannot decide any release (its fact is missing): 150 undecided, no blocks,
  // and no week's chart counts it.
  CHECK(Contains(run.output, "\"signed\":{\"blocks\":0,\"undecided\":150,\"holds\":0"));
  CHECK(!Contains(run.output, "\"signed\":{\"candidate\""));
  CHECK(Contains(run.output,
                 "{\"release\":\"r-000003\",\"baseline\":\"open\","
                 "\"candidate\":\"undecided\",\"rules\":[\"signed\"],\"findings\":[\"missing fact "
                 "(expected string) (provenance.signed_by)\"]}"));
  auto text = Replay("tests/data/replay/stricter", kSample + " --baseline policies");
  CHECK(Contains(text.output, "REPLAY: the candidate newly blocks 51 releases"));
  CHECK(Contains(text.output, "150 releases lack provenance.signed_by (e.g. r-000001"));
  // A terminal gets the first 20 changes; the other formats list all 51.
  CHECK(
      Contains(text.output, "  ... and 31 more (--format json, markdown or html lists them all)"));
}

TEST_CASE(
    "the example history: the candidate tightens one rule and needs a fact old releases lack") {
  auto run = Replay("examples/history/candidate",
                    "examples/history/releases.jsonl --baseline policies --format json");
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.output, "\"releases\":300,\"unreadable\":0"));
  CHECK(Contains(run.output, "\"baseline.fresh_build\":{\"blocks\":27,"));  // 12 h, not 24 h
  // Releases built before 2026-05-01 have no signed provenance.
  CHECK(Contains(run.output, "{\"cause\":\"lack provenance.signed_by\",\"releases\":214,"));
  CHECK(Contains(run.output, "\"newly_allowed\":[]"));
}

TEST_CASE("the same policy changes nothing, and a looser one newly allows and exits 0") {
  auto same = Replay("policies", kSample + " --baseline policies --format json");
  CHECK(same.exit_code == 0);
  CHECK(Contains(same.output, "\"newly_blocked\":[],\"newly_allowed\":[]"));
  auto looser = Replay("tests/data/replay/looser", kSample + " --baseline policies");
  CHECK(looser.exit_code == 0);
  CHECK(Contains(looser.output, "REPLAY: the candidate blocks nothing the baseline allowed"));
  CHECK(Contains(looser.output, "newly allowed: 11"));
  CHECK(Contains(looser.output,
                 "shut -> open  (baseline.two_person_review)\n"
                 "      baseline.two_person_review: needs 2 reviewers besides"));
}

TEST_CASE("the markdown report is tables a reviewer can read in a pull request") {
  auto md =
      Replay("tests/data/replay/stricter", kSample + " --baseline policies --format markdown");
  CHECK(md.exit_code == 1);
  CHECK(md.output.rfind("## Policy replay: the candidate newly blocks 51 releases\n", 0) == 0);
  CHECK(Contains(md.output, "| baseline.two_person_review | 65 (was 15) | 0 | 0 |"));
  CHECK(Contains(md.output, "### Newly blocked (51)"));
  CHECK(Contains(md.output,
                 "| r-000003 | open | undecided | signed: missing fact (expected string) "
                 "(provenance.signed_by) |"));
  CHECK(Contains(md.output, "| lack provenance.signed_by | 150 | r-000001, r-000002"));
}

TEST_CASE("the report is the same whatever the number of threads") {
  const std::string args = kSample + " --baseline policies --format json --threads ";
  const std::string one = Replay("tests/data/replay/stricter", args + "1").output;
  CHECK(one.size() > 1000);
  CHECK(Replay("tests/data/replay/stricter", args + "2").output == one);
  CHECK(Replay("tests/data/replay/stricter", args + "5").output == one);
}

TEST_CASE(
    "a baseline with the candidate's schema is bound once per release, with the same result") {
  // looser/ has the candidate's schema (facts bound once, for both); wider-schema/ declares
  // one more fact (bound twice): the figures must not depend on which.
  const std::string args = kSample + " --format json --baseline ";
  auto shared = Replay("tests/data/replay/looser", args + "policies");
  auto separate = Replay("tests/data/replay/looser", args + "tests/data/replay/wider-schema");
  auto strip = [](std::string report) {  // the baseline's digest differs, by design
    const size_t at = report.find("\"baseline\":{\"digest\"");
    REQUIRE(at != std::string::npos);
    return report.erase(at, report.find('}', at) - at);
  };
  CHECK(shared.output.size() > 1000);
  CHECK(strip(shared.output) == strip(separate.output));
  CHECK(Contains(shared.output, "\"newly_allowed\":[{\"release\":\"r-000023\""));
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
  auto same = Replay("policies", "'" + db + "' --baseline recorded");
  CHECK(same.exit_code == 0);
  CHECK(Contains(same.output,
                 "3 releases replayed, 3 compared; blocked by the candidate 2, by the recorded "
                 "verdicts 2"));
  auto stricter =
      Replay("tests/data/replay/stricter", "'" + db + "' --baseline recorded --format json");
  CHECK(stricter.exit_code == 1);
  CHECK(Contains(stricter.output, "\"baseline\":\"recorded\""));
  CHECK(Contains(stricter.output, "{\"release\":\"r-000101\",\"baseline\":\"open\""));
  // The recorded decisions say which rules blocked: per-rule counts for the baseline too.
  CHECK(Contains(stricter.output, "\"baseline\":{\"baseline.two_person_review\":{\"blocks\":1,"));
  auto filtered =
      Replay("tests/data/replay/stricter", "'" + db + "' --baseline recorded --repo acme/billing");
  // Only the release that was already shut, which the candidate cannot decide: nothing
  // was compared, and that is not a pass.
  CHECK(filtered.exit_code == 2);
  CHECK(Contains(filtered.output, "REPLAY: nothing compared: no release was decided by both"));
  CHECK(Contains(filtered.output, "1 release replayed, 0 compared"));
  fs::remove_all(dir);
}

// `--facts npm-lock:release.yaml` names a file when one of that name exists: the gate reads
// it as facts, the history keeps it under a name a replay reads the same way (it used to
// import it as a lockfile: "unreadable"), and a JSON Lines file named like a kind is facts.
TEST_CASE("a facts file named like an importer's kind replays as the file the gate read") {
  const fs::path dir = fs::temp_directory_path() / ("relgate-kind-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string src = RELGATE_SOURCE_DIR;
  fs::copy_file(src + "/examples/releases/open/release.yaml", dir / "npm-lock:release.yaml");
  fs::copy_file(src + "/" + kSample, dir / "npm-lock");
  const std::string relgate_in_dir =
      "cd '" + dir.string() + "' && NO_COLOR=1 timeout 120 '" + RELGATE_BINARY + "' ";
  auto gate = testing::RunShell(relgate_in_dir + "eval --policy '" + src +
                                "/policies' --now 2026-06-01 --facts npm-lock:release.yaml "
                                "--record history.db 2>&1");
  CAPTURE(gate.output);
  REQUIRE(gate.exit_code == 0);
  auto replay = Replay("policies", "'" + (dir / "history.db").string() + "' --baseline recorded");
  CAPTURE(replay.output);
  CHECK(replay.exit_code == 0);
  CHECK(Contains(replay.output, "1 release replayed, 1 compared; blocked by the candidate 0"));
  CHECK(!Contains(replay.output, "unreadable"));
  auto lines = testing::RunShell(relgate_in_dir + "replay --policy '" + src +
                                 "/policies' --history npm-lock 2>&1");
  CAPTURE(lines.output);
  CHECK(Contains(lines.output, "150 releases replayed, 150 compared"));
  CHECK(!Contains(lines.output, "unreadable"));
  fs::remove_all(dir);
}

// A replay in which neither policy decides anything compared nothing: it says so, in every
// format, and exits 2, so a CI job gating on its exit code stays shut.
TEST_CASE("a replay that compared nothing is not a pass") {
  const std::string undecided = "tests/data/replay/stricter";  // needs provenance.signed_by
  for (const char* format : {"text", "json", "markdown", "html"}) {
    CAPTURE(format);
    auto both = Replay(undecided, kSample + " --baseline " + undecided + " --format " + format);
    CHECK(both.exit_code == 2);
    if (std::string(format) == "json") {
      CHECK(Contains(both.output, "\"exit_code\":2"));
      CHECK(Contains(both.output, "\"compared\":0,\"undecided_by_both\":150"));
    } else {
      CHECK(Contains(both.output,
                     "othing compared: no release was decided by both; they decided "
                     "none of the 150 releases"));
    }
  }
  auto text = Replay(undecided, kSample + " --baseline " + undecided);
  CHECK(Contains(text.output,
                 "150 releases replayed, 0 compared, 150 undecided by both (not "
                 "compared)"));
  // The candidate alone, deciding nothing; and a selection with no release at all.
  auto alone = Replay(undecided, kSample);
  CHECK(alone.exit_code == 1);  // every release it cannot decide counts as blocked
  auto none = Replay("policies", kSample + " --baseline policies --since 2099-01-01");
  CHECK(none.exit_code == 2);
  CHECK(Contains(none.output, "REPLAY: nothing compared: no release was read"));
  // Some releases compared: the undecided ones are counted apart, and the verdict stands.
  auto same = Replay("policies", kSample + " --baseline policies");
  CHECK(same.exit_code == 0);
  CHECK(Contains(same.output, "(150 of 150 releases compared)"));
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
  CHECK(Contains(run.output, "2 releases replayed, 2 compared, 2 unreadable"));
  CHECK(Contains(run.output,
                 "line 3: invalid JSON: expected a key in double quotes (line 1, "
                 "column 2 of the document)"));
  CHECK(Contains(run.output, "no-time: has no RFC 3339 `release.built_at` to decide it at"));
  fs::remove(file);

  // Recorded verdicts need a recorded history.
  CHECK(RunRelgate("replay --policy policies --baseline recorded --history " + kSample).exit_code ==
        2);
  CHECK(
      RunRelgate("replay --policy nope --history " + kSample + " --baseline policies").exit_code ==
      2);
  CHECK(RunRelgate("replay --policy policies --history nope.jsonl --baseline policies").exit_code ==
        2);
}

TEST_CASE("without a baseline the candidate alone is reported: every release it blocks") {
  auto run = Replay("policies", kSample);
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.output, "REPLAY: the candidate blocks 99 releases\n"));
  CHECK(Contains(run.output, "150 releases replayed, 150 compared; blocked by the candidate 99\n"));
  CHECK(Contains(run.output, "\nblocked: 99\n"));
  CHECK(!Contains(run.output, "newly allowed"));
  CHECK(Contains(run.output, "per rule: blocks, undecided, holds, warns\n"));
  CHECK(Contains(run.output, "  baseline.two_person_review  15, 0, 0, 0\n"));
  auto json = Replay("policies", kSample + " --format json");
  CHECK(Contains(json.output, "\"baseline\":null,"));
}

TEST_CASE("a progress line only on a terminal, cleared before the report") {
  // `script` gives relgate a terminal; RELGATE_PROGRESS_AFTER_MS=0 shows the line at once
  // instead of after a second.
  const fs::path log =
      fs::temp_directory_path() / ("relgate-progress-" + std::to_string(getpid()) + ".log");
  const std::string replay = std::string(RELGATE_BINARY) + " replay --policy policies --history " +
                             kSample + " --threads 1";
  const std::string command = "cd '" + testing::SourceDir() +
                              "' && RELGATE_PROGRESS_AFTER_MS=0 script -qec \"" + replay +
                              " >/dev/null\" " + log.string() + " >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) != -1);
  const std::string terminal = testing::ReadFile(log.string());
  CAPTURE(terminal);
  CHECK(Contains(terminal, "\r\033[K150 releases, "));
  CHECK(Contains(terminal, "/s, 100%, 0:00 left"));
  CHECK(Contains(terminal, "left\r\033[K"));  // cleared
  fs::remove(log);
  // Not a terminal: nothing on stderr.
  auto quiet =
      RunRelgate("replay --policy policies --history " + kSample, true, " 2>&1 >/dev/null");
  CHECK(quiet.output.empty());
}

TEST_CASE("JSON Lines releases are filtered by their own repository and build time") {
  auto repo = Replay("policies", kSample + " --baseline policies --repo acme/auth");
  CHECK(Contains(repo.output, "24 releases replayed"));
  auto june = Replay("policies", kSample +
                                     " --baseline policies --since 2026-06-28 --until "
                                     "2026-06-29T12:00:00Z --format json");
  CHECK(Contains(june.output, "\"releases\":3,"));
}

// The first `n` releases of the sample, one line each.
std::vector<std::string> SampleLines(size_t n) {
  std::istringstream in(testing::ReadFile(testing::SourceDir() + "/" + kSample));
  std::vector<std::string> out;
  for (std::string line; out.size() < n && std::getline(in, line);)
    out.push_back(line);
  return out;
}

TEST_CASE("a directory of releases replays like the same releases in JSON Lines") {
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-replay-dir-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "releases");
  const std::vector<std::string> lines = SampleLines(40);
  std::string jsonl;
  for (size_t k = 0; k < lines.size(); ++k) {
    jsonl += lines[k] + "\n";
    char name[32];
    std::snprintf(name, sizeof name, "%03zu", k);
    if (k % 4 == 0) {
      // One release in two files that merge by top-level key: `release` alone in YAML (JSON
      // is YAML), the rest in JSON.
      const fs::path sub = dir / "releases" / name;
      fs::create_directories(sub);
      const size_t end = lines[k].find("},\"approvals\"");
      REQUIRE(end != std::string::npos);
      std::ofstream(sub / "a-release.yaml") << lines[k].substr(0, end + 1) << "}\n";
      std::ofstream(sub / "b-rest.json") << "{" << lines[k].substr(end + 2) << "\n";
    } else {
      std::ofstream(dir / "releases" / (std::string(name) + ".json")) << lines[k] << "\n";
    }
  }
  std::ofstream(dir / "sample.jsonl") << jsonl;
  std::ofstream(dir / "releases" / ".hidden") << "left out";
  const std::string args = " --baseline tests/data/replay/stricter --format json";
  auto from_lines = Replay("policies", "'" + (dir / "sample.jsonl").string() + "'" + args);
  auto from_dir = Replay("policies", "'" + (dir / "releases").string() + "'" + args);
  CAPTURE(from_dir.output);
  CHECK(Contains(from_dir.output, "\"releases\":40,\"unreadable\":0"));
  CHECK(from_dir.exit_code == from_lines.exit_code);
  CHECK(from_dir.output == from_lines.output);

  // What is not a release is reported, and the replay goes on.
  std::ofstream(dir / "releases" / "notes.txt") << "not facts";
  fs::create_directories(dir / "releases" / "empty");
  std::ofstream(dir / "releases" / "zz-broken.json") << "{\"release\": [1,\n";
  auto mixed = Replay("policies", "'" + (dir / "releases").string() + "'" + args);
  CHECK(Contains(mixed.output, "\"releases\":40,\"unreadable\":3"));
  CHECK(Contains(mixed.output,
                 "{\"release\":\"empty\",\"reason\":\"holds no facts file (.json, "
                 ".yaml, .yml)\"}"));
  CHECK(Contains(mixed.output, "{\"release\":\"notes.txt\",\"reason\":\"is not a facts file"));
  CHECK(Contains(mixed.output, "{\"release\":\"zz-broken.json\",\"reason\":\"invalid JSON"));
  CHECK(Contains(mixed.output, "zz-broken.json`)"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
