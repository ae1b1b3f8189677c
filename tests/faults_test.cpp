// Faults: a report that cannot be written is an error (exit 2) that leaves the old file;
// kill -9 in the middle of writing a large report leaves the old file or the complete new
// one, never a truncated one.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

TEST_CASE("--output writes the report atomically, and refuses what it must not replace") {
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-output-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string base =
      "eval --policy policies --facts examples/releases/open/release.yaml --now 2026-06-01 "
      "--format json ";
  auto ok = RunRelgate(base + "--output " + (dir / "report.json").string());
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.rfind("GATE OPEN", 0) == 0);  // the file gets JSON, the terminal text
  CHECK(testing::ReadFile((dir / "report.json").string()) ==
        RunRelgate(base, /*merge_stderr=*/false).output);

  auto device = RunRelgate(base + "--output /dev/full");
  CHECK(device.exit_code == 2);
  CHECK(device.output.find("cannot write `/dev/full`: it exists and is not a regular file") !=
        std::string::npos);
  struct stat st;
  REQUIRE(stat("/dev/full", &st) == 0);
  CHECK(S_ISCHR(st.st_mode));

  auto missing_dir = RunRelgate(base + "--output " + (dir / "no/such/dir/r.json").string());
  CHECK(missing_dir.exit_code == 2);
  CHECK(missing_dir.output.find("cannot create a temporary file beside it") != std::string::npos);

  auto into_proc = RunRelgate(base + "--output /proc/relgate-report.json");
  CHECK(into_proc.exit_code == 2);
  fs::remove_all(dir);
}

// A release with `n` dependencies that all fail pinned_dependencies: a large report.
std::string LargeFacts(size_t n) {
  std::string facts =
      testing::ReadFile(testing::SourceDir() + "/examples/releases/open/release.yaml");
  facts = facts.substr(0, facts.find("dependencies:"));
  facts += "dependencies:\n";
  for (size_t k = 0; k < n; ++k) {
    facts += "  - {name: dep-" + std::to_string(k) +
             ", version: 1.0.0, pinned: true, integrity: sha1-x, has_install_script: false}\n";
  }
  return facts;
}

pid_t Spawn(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

bool TempFileExists(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().find(".relgate-tmp-") != std::string::npos)
      return true;
  }
  return false;
}

TEST_CASE("kill -9 while writing a large report leaves the old file or the new one") {
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-kill-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "release.yaml") << LargeFacts(20000);
  const std::string report = (dir / "report.json").string();
  const std::vector<std::string> args = {RELGATE_BINARY, "eval",
                                         "--policy",     testing::SourceDir() + "/policies",
                                         "--facts",      (dir / "release.yaml").string(),
                                         "--now",        "2026-06-01",
                                         "--format",     "json",
                                         "--output",     report};
  // The complete new report, for comparison.
  int status = 0;
  pid_t pid = Spawn(args);
  waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 1);
  const std::string complete = testing::ReadFile(report);
  REQUIRE(complete.size() > 1'000'000);
  REQUIRE(complete.substr(complete.size() - 3) == "]}\n");

  const std::string old = "{\"previous\": \"report\"}\n";
  int killed_while_writing = 0;
  for (int round = 0; round < 6; ++round) {
    std::ofstream(report, std::ios::trunc) << old;
    pid = Spawn(args);
    // Wait until the temporary file exists (the write has begun), then kill at once or
    // a little later.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    bool writing = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (TempFileExists(dir)) {
        writing = true;
        break;
      }
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        break;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (pid > 0) {
      std::this_thread::sleep_for(std::chrono::microseconds(round * 300));
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
    }
    killed_while_writing += writing;
    const std::string now = testing::ReadFile(report);
    CAPTURE(round);
    CHECK((now == old || now == complete));
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().filename().string().find(".relgate-tmp-") != std::string::npos) {
        fs::remove(entry.path());
      }
    }
  }
  CHECK(killed_while_writing >= 3);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
