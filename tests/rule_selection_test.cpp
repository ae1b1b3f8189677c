// Choosing which rules apply and rolling them out: an import's `skip [..]`, `warn [..]`
// and `from DATE [..]`, a rule's own `from DATE`, and what each does to decisions, reports
// and replay.
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

// One dependency that fails every std.deps rule it can: no hash, an install script, new
// since the previous release (none), from an unexpected source.
const char* kFacts = R"({"release": {"id": "2.0.0", "built_at": "2026-11-02T00:00:00Z",
 "signed": false},
 "dependencies": [{"name": "object-assign", "version": "4.1.1", "pinned": true,
   "integrity": "sha1-gq6p", "has_install_script": true,
   "source": "https://mirror.example/object-assign-4.1.1.tgz"}]})";

struct Dir {
  fs::path root = testing::TempDir("relgate-selection");

  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(root / name) << text;
    return (root / name).string();
  }
};

std::string Eval(const std::string& policy, const std::string& facts, const char* now,
                 const char* format = "text") {
  return "eval --policy " + policy + " --facts " + facts + " --now " + now + " --format " + format;
}

TEST_CASE("skip leaves an imported rule out and warn makes one advisory") {
  Dir d;
  const std::string facts = d.Write("f.json", kFacts);
  const std::string all = d.Write("all.gate", "import std.deps\n");
  auto before = RunRelgate(Eval(all, facts, "2026-12-01T00:00:00Z"));
  CHECK(before.exit_code == 1);
  CHECK(Contains(before.output, "FAIL  deps.pinned_with_hash"));
  CHECK(Contains(before.output, "FAIL  deps.install_scripts"));

  const std::string chosen =
      d.Write("chosen.gate",
              "import std.deps skip [pinned_with_hash, expected_source] warn [install_scripts]\n");
  auto after = RunRelgate(Eval(chosen, facts, "2026-12-01T00:00:00Z"));
  CHECK(after.exit_code == 0);
  CHECK(!Contains(after.output, "pinned_with_hash"));
  CHECK(Contains(after.output, "WARN  deps.install_scripts  advisory"));
  CHECK(Contains(after.output, "· 3 rules\n"));  // five less the two skipped
  auto json = RunRelgate(Eval(chosen, facts, "2026-12-01T00:00:00Z", "json"));
  CHECK(!Contains(json.output, "\"deps.pinned_with_hash\""));
  CHECK(Contains(json.output, "{\"id\":\"deps.install_scripts\",\"level\":\"advisory\""));
}

TEST_CASE("a selection names rules the module has, once each, and only of a std module") {
  Dir d;
  auto unknown = RunRelgate("check " + d.Write("a.gate", "import std.deps skip [cooldwn]\n"));
  CHECK(unknown.exit_code == 2);
  CHECK(Contains(unknown.output, "a.gate:1:23: error: module `std.deps` has no rule `cooldwn`"));
  CHECK(Contains(unknown.output, "did you mean `cooldown`?"));

  auto twice = RunRelgate(
      "check " + d.Write("b.gate", "import std.deps skip [cooldown]\n  warn [cooldown]\n"));
  CHECK(twice.exit_code == 2);
  CHECK(Contains(twice.output, "b.gate:2:9: error: rule `cooldown` is selected twice"));
  CHECK(Contains(twice.output, "first selected here"));

  d.Write("own.gate", "facts { x: bool }\ndeny own \"x\": x\n");
  auto file = RunRelgate("check " + d.Write("c.gate", "import \"own.gate\" skip [own]\n"));
  CHECK(file.exit_code == 2);
  CHECK(Contains(file.output, "select a std module's rules"));

  auto excepted = RunRelgate(
      "check " + d.Write("e.gate",
                         "import std.deps skip [cooldown]\n"
                         "except deps.cooldown until 2027-01-01 owner \"a\" reason \"b\"\n"));
  CHECK(excepted.exit_code == 2);
  CHECK(Contains(excepted.output, "rule `deps.cooldown` is skipped by its import"));
}

TEST_CASE("a rule's own rollout date: advisory before it, as written from it") {
  Dir d;
  const std::string facts = d.Write("f.json", kFacts);
  const std::string policy = d.Write(
      "own.gate",
      "facts { release: { id: string, signed: bool } }\n"
      "deny signed from 2027-01-01 \"release {release.id} is not signed\": release.signed\n");
  auto before = RunRelgate(Eval(policy, facts, "2026-12-31T23:59:59Z"));
  CHECK(before.exit_code == 0);
  CHECK(Contains(before.output, "WARN  signed  hard"));
  CHECK(Contains(before.output, "rolling out: advisory until 2027-01-01, hard from then"));
  auto json = RunRelgate(Eval(policy, facts, "2026-12-31T23:59:59Z", "json"));
  CHECK(Contains(json.output, "\"status\":\"advisory\""));
  CHECK(Contains(json.output, "\"becomes_blocking_on\":\"2027-01-01\""));
  CHECK(Contains(json.output, "\"rollout\":\"2027-01-01\",\"rollout_pending\":true"));
  auto on = RunRelgate(Eval(policy, facts, "2027-01-01T00:00:00Z"));
  CHECK(on.exit_code == 1);
  CHECK(Contains(on.output, "FAIL  signed  hard"));
  CHECK(!Contains(on.output, "rolling out"));
}

TEST_CASE("an import rolls out a module's rule, and replay shows what the date will block") {
  Dir d;
  const std::string policy = d.Write("p.gate",
                                     "import std.deps skip [pinned_with_hash, expected_source]\n"
                                     "  from 2027-03-01 [install_scripts]\n");
  const std::string facts = d.Write("f.json", kFacts);
  auto before = RunRelgate(Eval(policy, facts, "2026-12-01T00:00:00Z"));
  CHECK(before.exit_code == 0);
  CHECK(Contains(before.output, "rolling out: advisory until 2027-03-01, hard from then"));
  CHECK(RunRelgate(Eval(policy, facts, "2027-03-01T00:00:00Z")).exit_code == 1);

  // Two past releases: one with an install script, one without.
  std::string second = kFacts;
  second.replace(second.find("\"has_install_script\": true"), 26, "\"has_install_script\": false");
  second.replace(second.find("2.0.0"), 5, "2.1.0");
  second.replace(second.find("2026-11-02"), 10, "2026-11-09");
  std::string lines;
  for (std::string r : {std::string(kFacts), second}) {
    std::erase(r, '\n');
    lines += r + "\n";
  }
  const std::string history = d.Write("releases.jsonl", lines);
  auto text = RunRelgate("replay --policy " + policy + " --history " + history);
  CHECK(text.exit_code == 0);
  CHECK(Contains(text.output,
                 "rolling out (advisory until then): deps.install_scripts from "
                 "2027-03-01\n"));
  CHECK(Contains(text.output,
                 "allowed now, blocked once rolled out: 1\n  2.0.0  open -> open  "
                 "(deps.install_scripts)\n      deps.install_scripts: "
                 "object-assign@4.1.1 may run an install script"));
  auto json = RunRelgate("replay --format json --policy " + policy + " --history " + history);
  CHECK(Contains(json.output, "\"rollouts\":{\"deps.install_scripts\":\"2027-03-01\"}"));
  CHECK(Contains(json.output, "\"blocked_once_rolled_out\":[{\"release\":\"2.0.0\""));
  CHECK(Contains(json.output, "\"rollout_blocks\":1"));
}

TEST_CASE("fmt keeps selections and rollout dates, laid out") {
  Dir d;
  const std::string policy =
      d.Write("p.gate",
              "import std.deps with {cooldown: 3d} skip [cooldown ,expected_source]\n"
              "warn [install_scripts]   from 2027-01-01[new_install_scripts]\n"
              "facts { x: bool }\ndeny own from   2027-02-01T00:00:00Z \"x\": x\n");
  auto out = RunRelgate("fmt " + policy, false);
  CHECK(out.exit_code == 0);
  CHECK(out.output ==
        "import std.deps with { cooldown: 3d } skip [cooldown, expected_source]\n"
        "  warn [install_scripts] from 2027-01-01 [new_install_scripts]\n"
        "facts { x: bool }\ndeny own from 2027-02-01T00:00:00Z \"x\": x\n");
}

}  // namespace
}  // namespace relgate
