// The organisation-wide history on a real PostgreSQL server (tests/pg_server.h): the
// same commands as on SQLite (record, list, show, verify, replay), the schema made and
// refused when newer, and, run against both backends alike, 32 recorders at once on one
// chain, a recorder killed mid-transaction and --previous-from; then the server restarted
// under recorders, an unreachable server, passwords never shown, a user with rights on
// its own schema only, and histories moved between the two backends.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/pg_server.h"
#include "tests/test_util.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunRelgate;

const char* kReleases[] = {"open/release.yaml", "shut-reviews/release.json",
                           "hold-branch/release.yaml"};

testing::RunResult Record(const std::string& history, const std::string& release) {
  return RunRelgate("eval --policy policies --facts examples/releases/" + release +
                    " --now 2026-06-01 --record '" + history + "'");
}

testing::PgServer& Server() {
  static testing::PgServer server;
  return server;
}

TEST_CASE("postgresql: record, list, show, verify and replay, as on SQLite") {
  const std::string uri = Server().NewDatabase("basics");
  auto migrate = RunRelgate("history migrate --history " + uri);
  CHECK(migrate.exit_code == 0);
  CHECK(Contains(migrate.output, "schema version 1 created"));
  CHECK(Contains(RunRelgate("history migrate --history " + uri).output, "nothing to do"));
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-pg-basics-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string sqlite = (dir / "history.db").string();
  for (const char* release : kReleases) {
    CHECK(Record(uri, release).exit_code <= 1);
    CHECK(Record(sqlite, release).exit_code <= 1);
  }
  auto list = RunRelgate("history list --history " + uri, false);
  CHECK(list.exit_code == 0);
  CHECK(std::count(list.output.begin(), list.output.end(), '\n') == 3);
  auto show = RunRelgate("history show 2 --history " + uri, false);
  CHECK(Contains(show.output, "record 2"));
  CHECK(Contains(show.output, "release.json"));
  auto verify = RunRelgate("history verify --history " + uri, false);
  CHECK(verify.exit_code == 0);
  CHECK(Contains(verify.output, "history intact: 3 records"));
  // The same releases replayed from either backend give the same report.
  auto from_pg = RunRelgate("replay --policy policies --history " + uri + " --format json", false);
  auto from_sqlite =
      RunRelgate("replay --policy policies --history " + sqlite + " --format json", false);
  CHECK(from_pg.exit_code == from_sqlite.exit_code);
  CHECK(from_pg.output == from_sqlite.output);
  // $RELGATE_HISTORY stands for --history.
  auto by_env = testing::RunResult{};
  {
    const std::string command = std::string("cd '") + RELGATE_SOURCE_DIR +
                                "' && RELGATE_HISTORY='" + uri + "' '" + RELGATE_BINARY +
                                "' history verify 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
      by_env.output.append(buffer, n);
    by_env.exit_code = WEXITSTATUS(pclose(pipe));
  }
  CHECK(by_env.exit_code == 0);
  CHECK(Contains(by_env.output, "history intact: 3 records"));
  fs::remove_all(dir);
}

TEST_CASE("postgresql: an edited record breaks the chain, a newer schema is refused") {
  const std::string uri = Server().NewDatabase("tamper");
  for (const char* release : kReleases)
    CHECK(Record(uri, release).exit_code <= 1);
  REQUIRE(Server().Sql("tamper", "UPDATE relgate_records SET verdict = 'open' WHERE seq = 2"));
  auto verify = RunRelgate("history verify --history " + uri, false);
  CHECK(verify.exit_code == 1);
  CHECK(Contains(verify.output, "record 2"));
  REQUIRE(Server().Sql("tamper", "UPDATE relgate_meta SET value = '2'"));
  auto newer = RunRelgate("history list --history " + uri);
  CHECK(newer.exit_code == 2);
  CHECK(Contains(newer.output, "schema version 2, newer than this relgate knows (1)"));
  auto migrate = RunRelgate("history migrate --history " + uri);
  CHECK(migrate.exit_code == 2);
  CHECK(Contains(migrate.output, "refusing to touch it"));
}

// The same end-to-end behaviour on both backends: a SQLite file and a PostgreSQL URI.
std::vector<std::string> BothBackends(const std::string& name, const fs::path& dir) {
  return {(dir / (name + ".db")).string(), Server().NewDatabase(name)};
}

TEST_CASE("both backends: 32 recorders at once keep one valid chain") {
  const fs::path dir = testing::TempDir("relgate-concurrent");
  for (const std::string& history : BothBackends("concurrent", dir)) {
    CAPTURE(history);
    REQUIRE(RunRelgate("history migrate --history " + history).exit_code == 0);
    std::vector<std::thread> recorders;
    std::vector<int> codes(32, -1);
    for (int k = 0; k < 32; ++k)
      recorders.emplace_back([&, k] { codes[k] = Record(history, kReleases[k % 3]).exit_code; });
    for (std::thread& t : recorders)
      t.join();
    for (int code : codes)
      CHECK(code <= 1);
    auto verify = RunRelgate("history verify --history " + history, false);
    CAPTURE(verify.output);
    CHECK(verify.exit_code == 0);
    CHECK(Contains(verify.output, "history intact: 32 records"));
  }
  fs::remove_all(dir);
}

TEST_CASE("both backends: a recorder killed mid-transaction leaves no partial record") {
  const fs::path dir = testing::TempDir("relgate-killed");
  for (const std::string& uri : BothBackends("killed", dir)) {
    CAPTURE(uri);
    CHECK(Record(uri, kReleases[0]).exit_code <= 1);
    const pid_t child = fork();
    if (child == 0) {
      setenv("RELGATE_TEST_PAUSE_BEFORE_COMMIT_MS", "5000", 1);
      const std::string binary = RELGATE_BINARY;
      const std::string facts =
          std::string(RELGATE_SOURCE_DIR) + "/examples/releases/" + kReleases[1];
      const std::string policy = std::string(RELGATE_SOURCE_DIR) + "/policies";
      const int null = open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      execl(binary.c_str(), binary.c_str(), "eval", "--policy", policy.c_str(), "--facts",
            facts.c_str(), "--now", "2026-06-01", "--record", uri.c_str(), nullptr);
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // inside its transaction
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
    // Rolled back: the chain is the one record, and the next recorder is not blocked by the
    // dead one's lock.
    CHECK(Contains(RunRelgate("history verify --history " + uri, false).output,
                   "history intact: 1 records"));
    CHECK(Record(uri, kReleases[2]).exit_code <= 1);
    CHECK(Contains(RunRelgate("history verify --history " + uri, false).output,
                   "history intact: 2 records"));
  }
  fs::remove_all(dir);
}

TEST_CASE("both backends: --previous-from takes the last release let through") {
  const fs::path dir = testing::TempDir("relgate-previous-both");
  const std::string policy = " --policy tests/data/previous/policy.gate";
  for (const std::string& history : BothBackends("previous", dir)) {
    CAPTURE(history);
    REQUIRE(RunRelgate("history migrate --history " + history).exit_code == 0);
    auto record = [&](const char* file, const char* time) {
      return RunRelgate("eval" + policy + " --facts tests/data/previous/" + file +
                        " --previous-from " + history + " --record " + history +
                        " --release-time " + time);
    };
    CHECK(record("v1.json", "2026-01-01T00:00:00Z").exit_code == 0);
    CHECK(record("v2.json", "2026-01-02T00:00:00Z").exit_code == 1);
    auto third = record("v3.json", "2026-01-03T00:00:00Z");
    CHECK(third.exit_code == 1);
    CHECK(Contains(third.output, "previous: release 1.0.0 (record 1)"));
  }
  fs::remove_all(dir);
}

TEST_CASE("postgresql: the server restarted under recorders loses nothing committed") {
  const std::string uri = Server().NewDatabase("restart");
  REQUIRE(RunRelgate("history migrate --history " + uri).exit_code == 0);
  std::vector<int> codes;
  std::thread recorders([&] {
    for (int k = 0; k < 24; ++k) {
      codes.push_back(Record(uri, kReleases[k % 3]).exit_code);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(Server().Restart());
  recorders.join();
  const long recorded = std::count_if(codes.begin(), codes.end(), [](int c) { return c <= 1; });
  const long refused = std::count(codes.begin(), codes.end(), 2);
  CHECK(recorded + refused == 24);
  CHECK(recorded > 0);
  auto verify = RunRelgate("history verify --history " + uri, false);
  CAPTURE(verify.output);
  CHECK(verify.exit_code == 0);
  // Every recorder that said it recorded did; none that failed left a record.
  CHECK(Contains(verify.output, "history intact: " + std::to_string(recorded) + " records"));
}

TEST_CASE("postgresql: an unreachable server shuts the gate in bounded time, no password shown") {
  // A port nothing listens on (the server's, plus one, is free enough for a refusal).
  const std::string uri =
      "postgresql://relgate:s3cret-password@127.0.0.1:" + std::to_string(Server().port() + 1) +
      "/none?connect_timeout=3";
  const auto start = std::chrono::steady_clock::now();
  auto run = Record(uri, kReleases[0]);
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start)
          .count();
  CHECK(run.exit_code == 2);
  CHECK(seconds < 10);
  CHECK(Contains(run.output, "cannot connect to history postgresql://relgate:***@127.0.0.1"));
  CHECK(!Contains(run.output, "s3cret"));
  auto list = RunRelgate("history list --history '" + uri + "'");
  CHECK(list.exit_code == 2);
  CHECK(!Contains(list.output, "s3cret"));
}

// libpq decodes a URI before it connects, and quotes what it cannot parse: each spelling
// of a password stays off the terminal, through every command that opens a history.
TEST_CASE("postgresql: no spelling of a password reaches a message") {
  const std::string port = std::to_string(Server().port() + 1);
  const std::vector<std::pair<std::string, std::vector<std::string>>> shapes = {
      {"postgresql://bob@127.0.0.1:" + port + "/db?%70assword=Pw1secret", {"Pw1secret"}},
      {"postgresql://bob@127.0.0.1:" + port + "/db?pass%77ord=Pw2secret", {"Pw2secret"}},
      {"postgresql://bob@127.0.0.1:" + port + "/db?password=Pw3secret%zz", {"Pw3secret"}},
      {"postgresql://bob:Pw4secret@[::1/db", {"Pw4secret"}},
      {"postgresql://bob:Pw%355secret@127.0.0.1:" + port + "/db", {"Pw%355secret", "Pw55secret"}},
      {"postgresql://bob@127.0.0.1:" + port + "/db?sslpassword=Pw6secret&sslmode=require",
       {"Pw6secret"}},
      {"postgresql://bob:Pw7secret@127.0.0.1:" + port + "/Pw7secret", {"Pw7secret"}},
      {"postgresql://bob@127.0.0.1:" + port + "/db?password=%50w8secret&connect_timeout=x",
       {"%50w8secret", "Pw8secret"}},
  };
  for (const auto& [uri, secrets] : shapes) {
    CAPTURE(uri);
    for (const std::string& command :
         {"history list --history '" + uri + "'", "history verify --history '" + uri + "'",
          "history migrate --history '" + uri + "'",
          "replay --policy policies/ --history '" + uri + "' --baseline recorded"}) {
      auto run = RunRelgate(command);
      CAPTURE(run.output);
      CHECK(run.exit_code == 2);
      CHECK(Contains(run.output, "cannot connect to history postgresql://"));
      for (const std::string& secret : secrets)
        CHECK(!Contains(run.output, secret));
    }
  }
}

TEST_CASE("postgresql: a history user with rights on its own schema only") {
  Server().NewDatabase("limited");
  REQUIRE(Server().Sql("limited",
                       "CREATE ROLE recorder LOGIN; CREATE SCHEMA recorder AUTHORIZATION recorder; "
                       "ALTER ROLE recorder SET search_path = recorder; "
                       "REVOKE ALL ON SCHEMA public FROM PUBLIC"));
  const std::string uri =
      "postgresql://recorder@127.0.0.1:" + std::to_string(Server().port()) + "/limited";
  CHECK(RunRelgate("history migrate --history " + uri).exit_code == 0);
  CHECK(Record(uri, kReleases[0]).exit_code <= 1);
  CHECK(Contains(RunRelgate("history verify --history " + uri, false).output,
                 "history intact: 1 records"));
  // The tables are in its schema, not public.
  REQUIRE(Server().Sql("limited", "SELECT 1 FROM recorder.relgate_records"));
}

TEST_CASE("postgresql: export and import move a history between the backends") {
  const std::string uri = Server().NewDatabase("moved");
  const fs::path dir = fs::temp_directory_path() / ("relgate-pg-moved-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string sqlite = (dir / "a.db").string(), back = (dir / "b.db").string();
  for (const char* release : kReleases)
    CHECK(Record(sqlite, release).exit_code <= 1);
  const std::string exported = (dir / "a.jsonl").string();
  REQUIRE(RunRelgate("history export --history " + sqlite + " -o " + exported).exit_code == 0);
  auto into_pg = RunRelgate("history import --history " + uri + " " + exported);
  CHECK(into_pg.exit_code == 0);
  CHECK(Contains(into_pg.output, "imported 3 records"));
  const std::string from_pg = (dir / "pg.jsonl").string();
  REQUIRE(RunRelgate("history export --history " + uri + " -o " + from_pg).exit_code == 0);
  CHECK(testing::ReadFile(from_pg) == testing::ReadFile(exported));  // hashes and all
  REQUIRE(RunRelgate("history import --history " + back + " " + from_pg).exit_code == 0);
  CHECK(RunRelgate("history verify --history " + back).exit_code == 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
