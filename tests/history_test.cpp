// The recorded history through the binary: recording, listing, the hash chain catching an
// edited, inserted or deleted record and a truncated tail (--head), recording refused
// without a release identity, two recorders at once, and kill -9 while recording.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

using testing::Contains;

struct HistoryDir {
  fs::path dir = fs::temp_directory_path() / ("relgate-history-" + std::to_string(getpid()));
  std::string db = (dir / "history.db").string();

  HistoryDir() {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }

  ~HistoryDir() { fs::remove_all(dir); }

  testing::RunResult Record(const std::string& release, const std::string& extra = "") const {
    return RunRelgate("eval --policy policies --facts examples/releases/" + release +
                      " --now 2026-06-01 --record '" + db + "' " + extra);
  }

  testing::RunResult History(const std::string& args) const {
    return RunRelgate("history " + args + " --history '" + db + "'");
  }

  void Sql(const std::string& sql) const {
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
    char* message = nullptr;
    const int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &message);
    CAPTURE(message != nullptr ? message : "");
    sqlite3_free(message);
    sqlite3_close(handle);
    REQUIRE(rc == SQLITE_OK);
  }
};

const char* kReleases[] = {"open/release.yaml", "shut-reviews/release.json",
                           "hold-branch/release.yaml"};

// The chain head a recorded decision printed (`chain head sha256:...`).
std::string HeadOf(const std::string& output) {
  const std::string marker = "chain head sha256:";
  const size_t at = output.find(marker);
  REQUIRE(at != std::string::npos);
  return output.substr(at + marker.size(), 64);
}

TEST_CASE("eval --record appends decisions that list, show and verify") {
  HistoryDir h;
  std::vector<std::string> heads;
  for (const char* release : kReleases) {
    auto run = h.Record(release);
    CAPTURE(run.output);
    CHECK(run.exit_code <= 1);
    CHECK(Contains(run.output, "recorded as history record"));
    heads.push_back(HeadOf(run.output));
  }
  auto json = h.Record("open/release.yaml", "--format json");
  CHECK(Contains(json.output, "\"history\":{\"seq\":4,\"head\":\"sha256:"));
  auto list = h.History("list");
  CHECK(list.exit_code == 0);
  CHECK(Contains(list.output, "1  2026-04-17T15:36:45Z  acme/web  r-000101  open"));
  CHECK(Contains(list.output, "2  2026-05-04T11:30:00Z  acme/billing  r-000103  shut"));
  CHECK(Contains(h.History("list --repo acme/billing").output, "r-000103"));
  CHECK(!Contains(h.History("list --repo acme/billing").output, "r-000101"));
  CHECK(!Contains(h.History("list --verdict shut").output, "  open  "));
  CHECK(!Contains(h.History("list --since 2026-05-01").output, "r-000101"));
  auto show = h.History("show 2");
  CHECK(show.exit_code == 0);
  CHECK(Contains(show.output, "release r-000103 of acme/billing"));
  CHECK(Contains(show.output, "facts examples/releases/shut-reviews/release.json (1027 bytes)"));
  // Text by default: each finding as eval prints it; --json the decision as recorded.
  CHECK(Contains(show.output, "decided shut at "));
  CHECK(Contains(show.output, "\nFAIL  baseline.two_person_review  hard  std/baseline.gate:44\n"));
  CHECK(!Contains(show.output, "\"verdict\":"));
  CHECK(Contains(h.History("show 2 --json").output, "\"verdict\":\"shut\""));
  auto verify = h.History("verify");
  CHECK(verify.exit_code == 0);
  CHECK(Contains(verify.output, "history intact: 4 records"));
  // Any head a decision printed is still led to.
  CHECK(h.History("verify --head " + heads[0]).exit_code == 0);
  CHECK(h.History("verify --head sha256:" + heads[2]).exit_code == 0);
  CHECK(h.History("show 99").exit_code == 2);
}

TEST_CASE("verify names the first record edited, inserted or deleted, and a cut tail") {
  HistoryDir h;
  std::string last_head;
  for (const char* release : kReleases)
    last_head = HeadOf(h.Record(release).output);

  struct Tamper {
    const char* sql;
    const char* problem;
  } cases[] = {
      {"UPDATE records SET verdict = 'open' WHERE seq = 2",
       "record 2 (release r-000103) was edited"},
      {"UPDATE facts SET bytes = CAST('{}' AS BLOB) WHERE seq = 3",
       "record 3 (release r-000107) was edited"},
      {"DELETE FROM records WHERE seq = 2", "record 3 (release r-000107) does not follow record 1"},
      {"DELETE FROM records WHERE seq = 1", "record 2 (release r-000103) is the first but"},
      {"INSERT INTO records (seq, release_id, release_time, repo, evaluated_at, policy_digest, "
       "verdict, decision, prev_hash, hash) SELECT 4, 'forged', 0, 'x', 0, '', 'open', '{}', "
       "hash, hash FROM records WHERE seq = 3",
       "record 4 (release forged) was edited"},
  };

  const fs::path pristine = h.dir / "pristine.db";
  fs::copy_file(h.db, pristine);
  for (const Tamper& t : cases) {
    CAPTURE(std::string(t.sql));
    fs::copy_file(pristine, h.db, fs::copy_options::overwrite_existing);
    fs::remove(h.db + "-wal");
    fs::remove(h.db + "-shm");
    h.Sql(t.sql);
    auto verify = h.History("verify");
    CAPTURE(verify.output);
    CHECK(verify.exit_code == 1);
    CHECK(Contains(verify.output, t.problem));
  }
  // The newest record deleted: the chain alone looks whole; the kept head does not.
  fs::copy_file(pristine, h.db, fs::copy_options::overwrite_existing);
  h.Sql("DELETE FROM records WHERE seq = 3");
  CHECK(h.History("verify").exit_code == 0);
  auto cut = h.History("verify --head " + last_head);
  CHECK(cut.exit_code == 1);
  CHECK(Contains(cut.output, "the chain no longer leads to head " + last_head));
}

// SQLite keeps whatever type a value was written with: the same bytes as a BLOB or as
// TEXT hash alike but compare unequal, which would drop a record from filters and from the
// chain walk. Every type trick is found, by verify and by every read.
TEST_CASE("a value stored with another type is found by verify, list and replay") {
  HistoryDir h;
  for (const char* release : kReleases)
    h.Record(release);
  const fs::path pristine = h.dir / "pristine.db";
  fs::copy_file(h.db, pristine);

  struct Trick {
    const char* sql;
    const char* problem;
  } tricks[] = {
      {"UPDATE records SET repo = CAST(repo AS BLOB) WHERE seq = 2",
       "record 2: its repo is stored as blob, not text"},
      // INTEGER affinity turns '123' back into 123; '123x' stays text, and reads as 123.
      {"UPDATE records SET release_time = release_time || 'x' WHERE seq = 3",
       "record 3: its release_time is stored as text, not integer"},
      {"UPDATE records SET verdict = CAST(verdict AS BLOB) WHERE seq = 1",
       "record 1: its verdict is stored as blob, not text"},
      {"UPDATE records SET release_id = CAST(release_id AS BLOB) WHERE seq = 3",
       "record 3: its release_id is stored as blob, not text"},
      {"UPDATE records SET hash = CAST(hash AS BLOB), prev_hash = CAST(prev_hash AS BLOB) WHERE "
       "seq = 3",
       "record 3: its prev_hash is stored as blob, not text"},
      {"UPDATE facts SET bytes = CAST(bytes AS TEXT) WHERE seq = 2",
       "the facts of record 2 (file 0) are stored with the wrong types"},
  };

  for (const Trick& t : tricks) {
    CAPTURE(std::string(t.sql));
    fs::copy_file(pristine, h.db, fs::copy_options::overwrite_existing);
    fs::remove(h.db + "-wal");
    fs::remove(h.db + "-shm");
    h.Sql(t.sql);
    auto verify = h.History("verify");
    CAPTURE(verify.output);
    CHECK(verify.exit_code == 1);
    CHECK(Contains(verify.output, t.problem));
    CHECK(Contains(verify.output, "edited outside relgate"));
    auto list = h.History("list --repo acme/billing");
    CHECK(list.exit_code == 2);
    CHECK(Contains(list.output, t.problem));
    auto replay =
        RunRelgate("replay --policy policies --history '" + h.db + "' --repo acme/billing");
    CHECK(replay.exit_code == 2);
    CHECK(Contains(replay.output, t.problem));
  }
  // A release time at the very end of time is still walked.
  fs::copy_file(pristine, h.db, fs::copy_options::overwrite_existing);
  fs::remove(h.db + "-wal");
  fs::remove(h.db + "-shm");
  h.Sql("UPDATE records SET release_time = 9223372036854775807 WHERE seq = 3");
  auto verify = h.History("verify");
  CHECK(verify.exit_code == 1);
  CHECK(Contains(verify.output, "record 3 (release r-000107) was edited"));
}

TEST_CASE("recording needs a release id, time and repository, before anything is evaluated") {
  HistoryDir h;
  const std::string facts = (h.dir / "anonymous.yaml").string();
  std::string text =
      testing::ReadFile(testing::SourceDir() + "/examples/releases/open/release.yaml");
  for (const char* key : {"  id: r-000101\n", "  repo: acme/web\n"}) {
    const size_t at = text.find(key);
    REQUIRE(at != std::string::npos);
    text.erase(at, std::string(key).size());
  }
  std::ofstream(facts) << text;
  const std::string base =
      "eval --policy policies --now 2026-06-01 --facts '" + facts + "' --record '" + h.db + "' ";
  auto no_id = RunRelgate(base);
  CHECK(no_id.exit_code == 2);
  CHECK(Contains(no_id.output, "--record needs the release id: give --release-id"));
  CHECK(!Contains(no_id.output, "GATE"));
  auto no_repo = RunRelgate(base + "--release-id r-1");
  CHECK(no_repo.exit_code == 2);
  CHECK(Contains(no_repo.output, "--record needs the repository"));
  auto bad_time = RunRelgate(base + "--release-id r-1 --repo acme/x --release-time soon");
  CHECK(bad_time.exit_code == 2);
  CHECK(Contains(bad_time.output, "the release time `soon` is not an RFC 3339 time"));
  auto ok = RunRelgate(base + "--release-id r-1 --repo acme/x");
  CHECK(ok.exit_code == 0);
  CHECK(Contains(h.History("list").output, "1  2026-04-17T15:36:45Z  acme/x  r-1  open"));
}

TEST_CASE("two recorders at once both succeed, on one chain") {
  HistoryDir h;
  const int per_recorder = 12;
  auto recorder = [&](const char* release) {
    for (int k = 0; k < per_recorder; ++k) {
      auto run = h.Record(release);
      CHECK(run.exit_code <= 1);
    }
  };
  std::thread a(recorder, "open/release.yaml");
  std::thread b(recorder, "shut-reviews/release.json");
  a.join();
  b.join();
  auto verify = h.History("verify");
  CAPTURE(verify.output);
  CHECK(verify.exit_code == 0);
  CHECK(Contains(verify.output, "history intact: " + std::to_string(2 * per_recorder)));
}

TEST_CASE("kill -9 while recording leaves a readable history without a partial record") {
  HistoryDir h;
  // A release with many dependencies, so that each record takes a while to write.
  std::string facts =
      testing::ReadFile(testing::SourceDir() + "/examples/releases/open/release.yaml");
  facts = facts.substr(0, facts.find("dependencies:")) + "dependencies:\n";
  for (int k = 0; k < 20000; ++k) {
    facts += "  - {name: dep-" + std::to_string(k) +
             ", version: 1.0.0, pinned: true, integrity: sha512-x, has_install_script: false}\n";
  }
  const std::string path = (h.dir / "large.yaml").string();
  std::ofstream(path) << facts;
  auto spawn = [&]() {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, STDOUT_FILENO);
      dup2(null, STDERR_FILENO);
      execl(RELGATE_BINARY, RELGATE_BINARY, "eval", "--policy",
            (testing::SourceDir() + "/policies").c_str(), "--facts", path.c_str(), "--now",
            "2026-06-01", "--record", h.db.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    return pid;
  };
  // One whole run, timed: the kills below land at fractions of it, so some fall while
  // the record is being written.
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  waitpid(spawn(), &status, 0);
  REQUIRE(WIFEXITED(status));
  const auto whole = std::chrono::steady_clock::now() - start;
  int killed = 0;
  for (int round = 1; round <= 10; ++round) {
    const pid_t pid = spawn();
    std::this_thread::sleep_for(whole * (0.5 + 0.06 * round));
    if (waitpid(pid, &status, WNOHANG) == 0) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ++killed;
    }
  }
  CHECK(killed >= 2);
  auto verify = h.History("verify");
  CAPTURE(verify.output);
  CHECK(verify.exit_code == 0);
  CHECK(Contains(verify.output, "history intact"));
  // And it still takes new records.
  CHECK(h.Record("open/release.yaml").exit_code == 0);
  CHECK(h.History("verify").exit_code == 0);
}

TEST_CASE("export and import move a history with its chain checked") {
  HistoryDir h;
  std::string head;
  for (const char* release : kReleases)
    head = HeadOf(h.Record(release).output);
  const std::string exported = (h.dir / "export.jsonl").string();
  auto out = h.History("export -o '" + exported + "'");
  CHECK(out.exit_code == 0);
  CHECK(Contains(out.output, "exported 3 records"));
  const std::string text = testing::ReadFile(exported);
  CHECK(std::count(text.begin(), text.end(), '\n') == 3);
  CHECK(Contains(text, "\"schema\":\"relgate.history/v1\",\"seq\":1,\"release_id\":\"r-000101\""));

  // Into an empty history: the same chain, the same head (hashes do not cover seq).
  const std::string copy = (h.dir / "copy.db").string();
  auto imported = RunRelgate("history import --history '" + copy + "' '" + exported + "'");
  CHECK(imported.exit_code == 0);
  CHECK(Contains(imported.output, "imported 3 records"));
  CHECK(Contains(imported.output, "chain head sha256:" + head));
  CHECK(RunRelgate("history verify --history '" + copy + "' --head " + head).exit_code == 0);
  CHECK(RunRelgate("history show --history '" + copy + "' 2").output == h.History("show 2").output);

  // Onto a history that has records of its own: appended to its chain.
  auto again = h.History("import '" + exported + "'");
  CHECK(again.exit_code == 0);
  auto verify = h.History("verify");
  CHECK(verify.exit_code == 0);
  CHECK(Contains(verify.output, "history intact: 6 records"));

  // A tampered or cut export is refused before anything is written.
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
      lines.push_back(line);
  }

  struct Broken {
    std::string text;
    const char* problem;
  } broken[] = {
      {lines[0] + "\n" + lines[2] + "\n", "export.jsonl:2: record 3 does not follow the line"},
      {lines[0] + "\n" + std::string(lines[1]).replace(lines[1].find("\"shut\""), 6, "\"open\"") +
           "\n",
       "export.jsonl:2: record 2 was edited"},
      {lines[1] + "\n", "export.jsonl:1: record 2 does not follow"},
      {"{\"schema\": \"other\"}\n", "export.jsonl:1: schema `other` is not relgate.history/v1"},
      {"not json\n", "export.jsonl:1: invalid JSON"},
  };

  for (const Broken& b : broken) {
    CAPTURE(b.problem);
    std::ofstream(exported, std::ios::trunc) << b.text;
    const std::string target = (h.dir / "refused.db").string();
    auto run = RunRelgate("history import --history '" + target + "' '" + exported + "'");
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.output, "nothing imported"));
    CHECK(Contains(run.output, b.problem));
    CHECK(!fs::exists(target));
  }
}

}  // namespace
}  // namespace relgate
