// The command line as a user meets it: help for every subcommand, exit codes for each
// kind of outcome and mistake, and messages that name what is wrong.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include <doctest/doctest.h>

#include "engine/base/digest.h"
#include "engine/facts/facts.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace relgate {
namespace {

using testing::RunRelgate;

using testing::Contains;

TEST_CASE("--help works for the program and every subcommand") {
  auto top = RunRelgate("--help");
  CHECK(top.exit_code == 0);
  CHECK(Contains(top.output, "check"));
  CHECK(Contains(top.output, "eval"));
  auto check = RunRelgate("check --help");
  CHECK(check.exit_code == 0);
  CHECK(Contains(check.output, "--stdlib"));
  auto eval = RunRelgate("eval --help");
  CHECK(eval.exit_code == 0);
  for (const char* option :
       {"--policy", "--facts", "--format", "--now", "--override", "--by", "--reason"}) {
    CAPTURE(option);
    CHECK(Contains(eval.output, option));
  }
  CHECK(RunRelgate("--version").output ==
        "relgate 0.1.0\ntrusted root public-good: snapshot of 2025-09-22\n"
        "trusted root github: snapshot of 2026-06-29\nnpm registry keys: snapshot of "
        "2025-01-16\n");
}

TEST_CASE("relgate version says which relgate decided: commit, compiler, stdlib, trust roots") {
  auto text = RunRelgate("version");
  CHECK(text.exit_code == 0);
  CHECK(Contains(text.output, "relgate 0.1.0\ncommit: "));
  CHECK(Contains(text.output, "built with: "));
  CHECK(Contains(text.output, "trusted root github: snapshot of 2026-06-29\n"));
  auto json = RunRelgate("version --json");
  REQUIRE(json.exit_code == 0);
  facts::LoadError error;
  auto doc = facts::ParseJson(json.output, "version.json", error);
  REQUIRE(doc);
  const facts::Node& root = doc->root();
  CHECK(root.Find("version")->str() == "0.1.0");
  const std::string commit(root.Find("commit")->str());
  CHECK((commit == "unknown" || std::regex_match(commit, std::regex("[0-9a-f]{40}(-dirty)?"))));
  CHECK(Contains(text.output, fmt::format("commit: {}\n", commit)));
  CHECK(!std::string(root.Find("build")->Find("compiler")->str()).empty());
  // The stdlib digest, computed here from the sources the binary embeds.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator("stdlib")) {
    if (entry.path().extension() == ".gate")
      names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  std::string all;
  for (const std::string& name : names) {
    all += fmt::format("std/{}.gate", name);
    all += '\0';
    all += testing::ReadFile(fmt::format("stdlib/{}.gate", name));
    all += '\0';
  }
  const facts::Node* stdlib = root.Find("stdlib");
  CHECK(stdlib->Find("digest")->str() == "sha256:" + Sha256Hex(all));
  CHECK(stdlib->Find("modules")->len == names.size());
  CHECK(Contains(text.output,
                 fmt::format("stdlib: sha256:{} ({} modules)", Sha256Hex(all), names.size())));
  const facts::Node* roots = root.Find("trusted_roots");
  REQUIRE(roots->len == 2);
  CHECK(roots->items[0].Find("name")->str() == "public-good");
  CHECK(roots->items[0].Find("snapshot")->str() == "2025-09-22");
  CHECK(root.Find("npm_registry_keys")->Find("snapshot")->str() == "2025-01-16");
}

TEST_CASE("bad usage exits 2: the gate stays shut") {
  const char* cases[] = {
      "",
      "frobnicate",
      "eval --facts examples/releases/open/release.yaml",
      "eval --policy policies",
      "eval --policy policies --facts examples/releases/open/release.yaml --format xml",
      "eval --policy policies --facts examples/releases/open/release.yaml --bogus",
      "check",
  };
  for (const char* args : cases) {
    CAPTURE(args);
    CHECK(RunRelgate(args).exit_code == 2);
  }
}

TEST_CASE("--now must be a supported time when given: never silently the wall clock") {
  const std::string base = "eval --policy policies --facts examples/releases/open/release.yaml ";

  struct NowCase {
    const char* arg;
    const char* message;
  } cases[] = {
      {"--now ''", "--now is empty; give an RFC 3339 time or a date"},
      {"--now=", "--now"},
      {"--now 2300-01-01",
       "--now `2300-01-01` is outside the supported range, "
       "1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z"},
      {"--now 2026-06-30T12:30:60Z", "has second 60, but a leap second can only be 23:59:60 UTC"},
      {"--now tomorrow", "--now `tomorrow` is not an RFC 3339 time"},
  };

  for (const NowCase& c : cases) {
    CAPTURE(c.arg);
    auto run = RunRelgate(base + c.arg);
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.output, c.message));
  }
  CHECK(RunRelgate(base + "--now 2016-12-31T23:59:60Z").exit_code == 0);
}

TEST_CASE("the policy digest does not depend on how the policy path is spelled") {
  const std::string rest =
      " --facts examples/releases/open/release.yaml --now 2026-06-01 "
      "--format json";
  std::string first_digest;
  for (const char* spelling :
       {"policies", "./policies", "policies/", "policies//", "../main/policies",
        "policies/../policies", "policies/release.gate", "./policies//release.gate"}) {
    CAPTURE(spelling);
    auto run = RunRelgate(std::string("eval --policy ") + spelling + rest, false);
    if (std::string(spelling).rfind("../main", 0) == 0 &&
        run.output.find("\"verdict\"") == std::string::npos) {
      continue;  // the checkout is not named main
    }
    REQUIRE(run.exit_code == 0);
    const size_t at = run.output.find("\"digest\":\"sha256:");
    REQUIRE(at != std::string::npos);
    const std::string digest = run.output.substr(at, 84);
    if (first_digest.empty())
      first_digest = digest;
    CHECK(digest == first_digest);
    CHECK(Contains(run.output, "{\"path\":\"release.gate\""));
    CHECK(Contains(run.output, std::string("\"roots\":[\"") + spelling + "\"]"));
  }
}

TEST_CASE("exit codes: 0 open, 1 shut by policy, 2 undecided") {
  const std::string base = "eval --policy policies --now 2026-06-01T00:00:00Z ";
  CHECK(RunRelgate(base + "--facts examples/releases/open/release.yaml").exit_code == 0);
  CHECK(RunRelgate(base + "--facts examples/releases/shut-reviews/release.json").exit_code == 1);
  CHECK(RunRelgate(base + "--facts examples/releases/undecided-missing-fact/release.yaml")
            .exit_code == 2);
}

TEST_CASE("unreadable inputs are named, and the gate stays shut") {
  auto missing = RunRelgate("eval --policy policies --facts nope.yaml");
  CHECK(missing.exit_code == 2);
  CHECK(Contains(missing.output, "nope.yaml: error: does not exist"));
  CHECK(Contains(missing.output, "the gate stays shut"));
  auto no_policy =
      RunRelgate("eval --policy nope.gate --facts examples/releases/open/release.yaml");
  CHECK(no_policy.exit_code == 2);
  CHECK(Contains(no_policy.output, "policy file `nope.gate` does not exist"));
  auto bad_now =
      RunRelgate("eval --policy policies --facts examples/releases/open/release.yaml --now soon");
  CHECK(bad_now.exit_code == 2);
  CHECK(Contains(bad_now.output, "--now `soon` is not an RFC 3339 time"));
  auto override_unknown = RunRelgate(
      "eval --policy policies --facts examples/releases/open/release.yaml --override nope "
      "--by a --reason b");
  CHECK(override_unknown.exit_code == 2);
  CHECK(Contains(override_unknown.output,
                 "--override names no rule `nope`; soft rules: main_branch"));
  auto override_without_who = RunRelgate(
      "eval --policy policies --facts examples/releases/hold-branch/release.yaml --override "
      "main_branch");
  CHECK(override_without_who.exit_code == 2);
  CHECK(Contains(override_without_who.output, "needs --by WHO and --reason WHY"));
}

TEST_CASE("check reports success with counts, and failures with exit 2") {
  auto ok = RunRelgate("check policies");
  CHECK(ok.exit_code == 0);
  CHECK(ok.output == "ok: 10 rules, 2 source files\n");
  auto missing = RunRelgate("check nope.gate");
  CHECK(missing.exit_code == 2);
  CHECK(Contains(missing.output, "error: policy file `nope.gate` does not exist"));
}

TEST_CASE("a syntax error in one file leaves the type errors of the others reported") {
  // a.gate does not parse; b.gate uses `reviewers`, which a.gate declares (not reported:
  // it may be declared there), and has three errors of its own.
  auto both = RunRelgate("check tests/data/check/syntax_error_beside_type_errors");
  CHECK(both.exit_code == 2);
  CHECK(Contains(both.output, "a.gate:6:1: error: expected an expression after `==`"));
  CHECK(Contains(both.output, "b.gate:9:18: error: unknown fact `release.auther`"));
  CHECK(Contains(both.output, "b.gate:11:22: error: `==` cannot combine `string` and `int`"));
  CHECK(Contains(both.output, "b.gate:13:21: error: unknown name `relase`"));
  CHECK(!Contains(both.output, "reviewers"));
  // A file imported by path that does not parse, beside the file that imports it.
  auto imported = RunRelgate("check tests/data/check/broken_import/main.gate");
  CHECK(imported.exit_code == 2);
  CHECK(Contains(imported.output, "lib.gate:2:13: error: unexpected character"));
  CHECK(Contains(imported.output, "main.gate:7:13: error: `==` cannot combine `string` and `int`"));
  CHECK(!Contains(imported.output, "unknown name `limit`"));
  // Such a policy never decides: the gate stays shut.
  auto eval = RunRelgate(
      "eval --policy tests/data/check/syntax_error_beside_type_errors --facts "
      "examples/releases/open/release.yaml");
  CHECK(eval.exit_code == 2);
  CHECK(Contains(eval.output, "the policy does not compile; the gate stays shut"));
}

TEST_CASE("JSON output goes to stdout alone, diagnostics go to stderr") {
  auto json = RunRelgate(
      "eval --policy policies --facts examples/releases/open/release.yaml --now 2026-06-01 "
      "--format json",
      /*merge_stderr=*/false);
  CHECK(json.exit_code == 0);
  CHECK(json.output.rfind("{\"schema\":\"relgate.decision/v1\",\"verdict\":\"open\"", 0) == 0);
  CHECK(Contains(json.output, "\"evaluated_at\":\"2026-06-01T00:00:00Z\""));
}

TEST_CASE("a report that cannot be written is an error, not a silent open gate") {
  auto full = RunRelgate("eval --policy policies --facts examples/releases/open/release.yaml", true,
                         " 2>&1 >/dev/full");
  CHECK(full.exit_code == 2);
  CHECK(Contains(full.output, "could not write the report"));
}

}  // namespace
}  // namespace relgate

namespace relgate {
namespace {

// Colour only on a terminal, and never with NO_COLOR: run under script(1) for a pty.
// Runs relgate with its standard output on a pseudo-terminal (as a CI log viewer or a
// person's shell would have it) and returns what it wrote there.
std::string RunOnTerminal(bool no_color) {
  const int master = posix_openpt(O_RDWR | O_NOCTTY);
  REQUIRE(master >= 0);
  REQUIRE(grantpt(master) == 0);
  REQUIRE(unlockpt(master) == 0);
  const std::string slave_name = ptsname(master);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int slave = open(slave_name.c_str(), O_RDWR);
    if (slave < 0)
      _exit(127);
    dup2(slave, STDOUT_FILENO);
    dup2(slave, STDERR_FILENO);
    if (chdir(RELGATE_SOURCE_DIR) != 0)
      _exit(127);
    if (no_color) {
      setenv("NO_COLOR", "1", 1);
    } else {
      unsetenv("NO_COLOR");
    }
    execl(RELGATE_BINARY, RELGATE_BINARY, "eval", "--policy", "policies", "--facts",
          "examples/releases/shut-reviews/release.json", "--now", "2026-06-01",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::string out;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(master, buffer, sizeof buffer);
    if (n <= 0)
      break;  // EIO once the child has exited and closed the terminal
    out.append(buffer, static_cast<size_t>(n));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 1);
  return out;
}

TEST_CASE("colour on a terminal, none with NO_COLOR or through a pipe") {
  const std::string tty = RunOnTerminal(/*no_color=*/false);
  CHECK(tty.find("\x1b[1;31mGATE SHUT") != std::string::npos);
  const std::string no_color = RunOnTerminal(/*no_color=*/true);
  CHECK(no_color.find('\x1b') == std::string::npos);
  CHECK(no_color.find("GATE SHUT") != std::string::npos);
  // Through a pipe, with NO_COLOR unset: still no colour.
  const std::string command = std::string("cd '") + RELGATE_SOURCE_DIR + "' && env -u NO_COLOR '" +
                              RELGATE_BINARY +
                              "' eval --policy policies --facts "
                              "examples/releases/shut-reviews/release.json --now 2026-06-01 | cat";
  std::string piped;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    piped.append(buffer, n);
  pclose(pipe);
  CHECK(piped.find('\x1b') == std::string::npos);
  CHECK(piped.find("GATE SHUT") != std::string::npos);
}

}  // namespace
}  // namespace relgate

namespace relgate {
namespace {

// `x.y ?? d` where `x` is an optional record: missing with `x`, so a message can show a
// nested optional value. Only a plain chain of fields passes through the optional.
TEST_CASE("a chain of fields through an optional record on the left of ??") {
  const std::filesystem::path dir = testing::TempDir("relgate-chain");
  std::ofstream(dir / "p.gate")
      << "facts { release: { id: string, signer: { name: string, email: string? }? } }\n"
         "deny r \"signed by {release.signer.name ?? \"unknown\"} "
         "<{release.signer.email ?? \"no email\"}>\": false\n";
  std::ofstream(dir / "none.json") << "{\"release\": {\"id\": \"1\"}}";
  std::ofstream(dir / "ann.json")
      << "{\"release\": {\"id\": \"1\", \"signer\": {\"name\": \"ann\"}}}";
  const std::string eval = "eval --now 2026-01-01 --policy " + (dir / "p.gate").string();
  CHECK(testing::Contains(
      testing::RunRelgate(eval + " --facts " + (dir / "none.json").string()).output,
      "signed by unknown <no email>\n"));
  CHECK(testing::Contains(
      testing::RunRelgate(eval + " --facts " + (dir / "ann.json").string()).output,
      "signed by ann <no email>\n"));
  std::ofstream(dir / "call.gate")
      << "facts { release: { signer: { name: string }? } }\n"
         "deny r \"x\": (release.signer.name.trim() ?? \"\") == \"a\"\n";
  auto call = testing::RunRelgate("check " + (dir / "call.gate").string());
  CHECK(call.exit_code == 2);
  CHECK(testing::Contains(call.output, "`release.signer` may be missing"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace relgate
