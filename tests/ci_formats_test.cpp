// The CI formats of `relgate eval` through the binary: JUnit validated with xmllint
// against the common JUnit structure (tests/data/junit/junit.xsd), SARIF checked for
// SARIF 2.1.0's required structure and for agreeing with the JSON decision, GitHub
// workflow commands in GitHub's documented form with facts that try to break out of
// them, the Markdown table, the step summary, and several --format/--output pairs.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <doctest/doctest.h>

#include "engine/facts/facts.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

using testing::Contains;

const char* const kReleases[] = {"open/release.yaml",
                                 "shut-supply-chain/release.yaml",
                                 "undecided-missing-fact/release.yaml",
                                 "excepted/release.yaml",
                                 "hold-branch/release.yaml",
                                 "shut-reviews/release.json"};

std::string Eval(const std::string& release, const std::string& rest) {
  return "eval --policy policies --now 2026-06-01 --facts examples/releases/" + release + " " +
         rest;
}

struct Dir {
  fs::path path;

  explicit Dir(const char* name)
      : path(fs::temp_directory_path() /
             ("relgate-ci-" + std::string(name) + "-" + std::to_string(getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }

  ~Dir() { fs::remove_all(path); }

  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// xmllint's verdict on `file` against the JUnit schema: its exit code.
int ValidateJunit(const std::string& file) {
  const std::string command = "xmllint --noout --schema '" + testing::SourceDir() +
                              "/tests/data/junit/junit.xsd' '" + file + "' >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_CASE("JUnit: valid against the common schema, a case per rule or per finding") {
  Dir dir("junit");
  // The validator can fail: a case with both a failure and an error is not JUnit.
  std::ofstream(dir / "bad.xml") << "<testsuites><testsuite name=\"p\" tests=\"1\"><testcase "
                                    "name=\"r\"><failure/><error/></testcase></testsuite>"
                                    "</testsuites>\n";
  CHECK(ValidateJunit(dir / "bad.xml") != 0);
  for (const char* release : kReleases) {
    CAPTURE(release);
    const std::string file = dir / "report.xml";
    auto run = RunRelgate(Eval(release, "--format junit --output " + file));
    CHECK(run.exit_code <= 2);
    CHECK(ValidateJunit(file) == 0);
  }
  auto shut = RunRelgate(Eval("shut-supply-chain/release.yaml", "--format junit"), false);
  CHECK(shut.exit_code == 1);
  // Per-item rules: one case per finding, named by the item.
  CHECK(Contains(shut.output,
                 "<testcase name=\"baseline.pinned_dependencies [dependencies[0]]\" "
                 "classname=\"acme.release\"><failure message=\"commander@12.1.0 is not pinned "
                 "by a sha256 or sha512 integrity hash\" type=\"hard\">"));
  CHECK(Contains(shut.output, "rule: std/baseline.gate:"));
  CHECK(Contains(shut.output,
                 "<testcase name=\"baseline.two_person_review\" "
                 "classname=\"acme.release\"/>"));  // passed
  // A rule that errs is an <error> naming the fact.
  auto undecided = RunRelgate(Eval("undecided-missing-fact/release.yaml", "--format junit"), false);
  CHECK(undecided.exit_code == 2);
  CHECK(Contains(undecided.output,
                 "<error message=\"missing fact (expected bool)\" "
                 "type=\"error\">missing fact (expected bool) (at "
                 "builder.ephemeral)"));
  // Advisory and excepted findings pass, with a note.
  auto excepted = RunRelgate(Eval("excepted/release.yaml", "--format junit"), false);
  CHECK(excepted.exit_code == 0);
  CHECK(Contains(excepted.output, "failures=\"0\" errors=\"0\""));
  CHECK(Contains(excepted.output, "<system-out>excepted until 2027-06-30 (sec-team): SEC-123"));
}

const facts::Node* At(const facts::Node* node, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    REQUIRE(node != nullptr);
    node = node->Find(key);
  }
  return node;
}

std::string Str(const facts::Node* node) {
  REQUIRE(node != nullptr);
  REQUIRE(node->kind == facts::NodeKind::kString);
  return std::string(node->str());
}

// SARIF 2.1.0's required structure (sarifLog: version, runs; run: tool.driver.name;
// result: message; reportingDescriptor: id; locations, regions, suppressions as the
// schema types them) and the links between its parts.
void CheckSarif(const facts::Node& log, size_t expected_results) {
  CHECK(Str(log.Find("version")) == "2.1.0");
  const facts::Node* runs = log.Find("runs");
  REQUIRE(runs != nullptr);
  REQUIRE(runs->kind == facts::NodeKind::kArray);
  REQUIRE(runs->len == 1);
  const facts::Node& run = runs->items[0];
  CHECK(Str(At(&run, {"tool", "driver", "name"})) == "relgate");
  const facts::Node* rules = At(&run, {"tool", "driver", "rules"});
  REQUIRE(rules->kind == facts::NodeKind::kArray);
  std::vector<std::string> ids;
  const std::set<std::string> levels = {"none", "note", "warning", "error"};
  for (uint32_t k = 0; k < rules->len; ++k) {
    ids.push_back(Str(rules->items[k].Find("id")));
    CHECK(levels.count(Str(At(&rules->items[k], {"defaultConfiguration", "level"}))) == 1);
  }
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
  const facts::Node* results = run.Find("results");
  REQUIRE(results->kind == facts::NodeKind::kArray);
  CHECK(results->len == expected_results);
  for (uint32_t k = 0; k < results->len; ++k) {
    const facts::Node& r = results->items[k];
    const std::string rule = Str(r.Find("ruleId"));
    CAPTURE(rule);
    const facts::Node* index = r.Find("ruleIndex");
    REQUIRE(index != nullptr);
    REQUIRE(index->i >= 0);
    REQUIRE(static_cast<size_t>(index->i) < ids.size());
    CHECK(ids[index->i] == rule);
    CHECK(levels.count(Str(r.Find("level"))) == 1);
    CHECK(!Str(At(&r, {"message", "text"})).empty());
    const facts::Node* locations = r.Find("locations");
    REQUIRE(locations->len >= 1);
    CHECK(!Str(At(&locations->items[0], {"physicalLocation", "artifactLocation", "uri"})).empty());
    const facts::Node* related = r.Find("relatedLocations");
    REQUIRE(related->len == 1);
    const facts::Node* region = At(&related->items[0], {"physicalLocation", "region"});
    REQUIRE(region != nullptr);
    CHECK(region->Find("startLine")->i >= 1);
    CHECK(region->Find("startColumn")->i >= 1);
    if (const facts::Node* suppressions = r.Find("suppressions"); suppressions != nullptr) {
      const std::string kind = Str(suppressions->items[0].Find("kind"));
      CHECK((kind == "inSource" || kind == "external"));
    }
  }
}

TEST_CASE("SARIF: 2.1.0 structure, a result per finding and error, located and related") {
  for (const char* release : kReleases) {
    CAPTURE(release);
    auto sarif = RunRelgate(Eval(release, "--format sarif"), false);
    auto json = RunRelgate(Eval(release, "--format json"), false);
    CHECK(sarif.exit_code == json.exit_code);
    facts::LoadError error;
    auto log = facts::ParseJson(sarif.output, "report.sarif", error);
    REQUIRE(log);
    auto decision = facts::ParseJson(json.output, "decision.json", error);
    REQUIRE(decision);
    CheckSarif(log->root(),
               decision->root().Find("findings")->len + decision->root().Find("errors")->len);
  }
  auto shut = RunRelgate(Eval("shut-supply-chain/release.yaml", "--format sarif"), false);
  // At the facts file and the item's path; related to the rule's line and column.
  CHECK(Contains(shut.output,
                 "\"ruleId\":\"baseline.pinned_dependencies\",\"ruleIndex\":5,\"level\":\"error\","
                 "\"message\":{\"text\":\"commander@12.1.0 is not pinned by a sha256 or sha512 "
                 "integrity hash\"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{"
                 "\"uri\":\"examples/releases/shut-supply-chain/release.yaml\"}},"
                 "\"logicalLocations\":[{\"fullyQualifiedName\":\"dependencies[0]\""));
  // A std module's rule is built into relgate: related to the policy's `import` of it, a
  // file in the repository.
  CHECK(Contains(shut.output,
                 "\"relatedLocations\":[{\"id\":1,\"physicalLocation\":{"
                 "\"artifactLocation\":{\"uri\":\"policies/release.gate\"},"
                 "\"region\":{\"startLine\":5,\"startColumn\":1}}"));
  CHECK(!Contains(shut.output, "std/baseline.gate\"}"));
  // Rules carry their doc comment as help.
  CHECK(Contains(shut.output,
                 "\"id\":\"main_branch\",\"shortDescription\":{\"text\":\"soft "
                 "rule main_branch of policy acme.release\"},\"fullDescription\":{"
                 "\"text\":\"Soft: a release from another branch needs a recorded "
                 "override (--override).\"},\"help\":{\"text\":"));
  auto excepted = RunRelgate(Eval("excepted/release.yaml", "--format sarif"), false);
  CHECK(Contains(excepted.output,
                 "\"suppressions\":[{\"kind\":\"inSource\",\"justification\":"
                 "\"SEC-123: vendored and reviewed (sec-team, until "
                 "2027-06-30)\"}]"));
}

TEST_CASE("SARIF and the VSA name files by relative URIs, never the machine's paths") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("relgate-uri-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "my evidence");
  fs::copy_file(testing::SourceDir() +
                    "/tests/data/import/npm-lock/"
                    "esbuild__scripts.package-lock.v2.json",
                dir / "my evidence" / "package-lock.json");
  std::ofstream(dir / "p.gate") << "import std.deps skip [cooldown, expected_source]\n";
  const std::string args =
      "eval --policy '" + (dir / "p.gate").string() +
      "' --facts 'npm-lock:" + (dir / "my evidence" / "package-lock.json").string() +
      "' --now 2026-06-01 --subject sha256:" + std::string(64, 'a') + " --attest '" +
      (dir / "vsa.json").string() + "' --format sarif";
  auto sarif = RunRelgate(args, false);
  CHECK(sarif.exit_code == 1);
  CHECK(!Contains(sarif.output, dir.string()));
  CHECK(!Contains(sarif.output, "(npm-lock)"));
  // At the lockfile entry's line.
  CHECK(
      Contains(sarif.output,
               "{\"artifactLocation\":{\"uri\":\"package-lock.json\"},\"region\":{\"startLine\":"));
  CHECK(Contains(sarif.output, "\"uri\":\"p.gate\"},\"region\":{\"startLine\":1"));
  const std::string vsa = testing::ReadFile((dir / "vsa.json").string());
  CHECK(!Contains(vsa, dir.string()));
  CHECK(Contains(vsa, "\"inputAttestations\":[{\"uri\":\"package-lock.json\""));
  // Under the working directory: relative to it, each reserved byte percent-encoded.
  auto inside = RunRelgate(
      "eval --policy policies --now 2026-06-01 --format sarif --facts "
      "'examples/releases/shut-supply-chain/release.yaml'",
      false);
  CHECK(Contains(inside.output, "\"uri\":\"examples/releases/shut-supply-chain/release.yaml\""));
  fs::remove_all(dir);
}

TEST_CASE("github: workflow commands in GitHub's form, facts cannot break out of them") {
  const std::regex command(
      "::(error|warning|notice) (file=[^,:]+,line=[0-9]+(,col=[0-9]+)?,)?title=[^:,]*::[^\r\n]*");
  for (const char* release : kReleases) {
    CAPTURE(release);
    auto run = RunRelgate(Eval(release, "--format github"), false);
    std::istringstream lines(run.output);
    int n = 0;
    for (std::string line; std::getline(lines, line); ++n) {
      CAPTURE(line);
      CHECK(std::regex_match(line, command));
    }
    CHECK(n >= 1);
  }
  auto shut = RunRelgate(Eval("shut-supply-chain/release.yaml", "--format github"), false);
  CHECK(Contains(shut.output, "::error file=policies/release.gate,line=5,col=1,"));
  CHECK(!Contains(shut.output, "file=std/"));
  CHECK(Contains(shut.output,
                 ",title=relgate baseline.no_source_maps%3A blocks the release::"
                 "package ships the source map dist/cli.js.map (artifact.files[1])"
                 "%0Af = \"dist/cli.js.map\"%0Aforbidden_suffix = \".map\"\n"));
  CHECK(Contains(shut.output, "::error title=relgate%3A gate shut::gate shut for policy"));
  auto hold = RunRelgate(Eval("hold-branch/release.yaml", "--format github"), false);
  CHECK(Contains(hold.output, "::warning file=policies/release.gate,line=16,col=6,"));

  // A file name that carries a newline, `::` and `%` stays inside its command: the
  // newline is shown as `\n`, not obeyed.
  Dir dir("github");
  std::string facts =
      testing::ReadFile(testing::SourceDir() + "/examples/releases/shut-supply-chain/release.yaml");
  facts.replace(facts.find("dist/cli.js.map"), 15, "\"100%\\n::error::forged.map\"");
  std::ofstream(dir / "release.yaml") << facts;
  auto forged = RunRelgate(
      "eval --policy policies --now 2026-06-01 --format github --facts " + (dir / "release.yaml"),
      false);
  CHECK(Contains(forged.output, "source map 100%25\\n::error::forged.map"));
  std::istringstream lines(forged.output);
  for (std::string line; std::getline(lines, line);)
    CHECK(line.rfind("::error::forged", 0) != 0);
}

TEST_CASE("github with GITHUB_STEP_SUMMARY appends the Markdown summary to it") {
  Dir dir("summary");
  const std::string summary = dir / "summary.md";
  std::ofstream(summary) << "earlier step\n";
  const std::string command = "cd '" + testing::SourceDir() + "' && GITHUB_STEP_SUMMARY='" +
                              summary + "' '" + RELGATE_BINARY +
                              "' eval --policy policies --now 2026-06-01 --format github "
                              "--facts examples/releases/shut-reviews/release.json >'" +
                              (dir / "stdout") + "'";
  REQUIRE(std::system(command.c_str()) != -1);
  const std::string written = testing::ReadFile(summary);
  CHECK(written.rfind("earlier step\n## relgate: gate shut\n", 0) == 0);
  CHECK(Contains(written, "| blocks | `baseline.two_person_review` | hard | needs 2 reviewers"));
  const std::string printed = testing::ReadFile(dir / "stdout");
  CHECK(Contains(printed, "::error "));
  CHECK(!Contains(printed, "## relgate"));  // the summary is not printed
}

TEST_CASE("markdown: a heading with the verdict and a table of what did not pass") {
  auto md = RunRelgate(Eval("shut-supply-chain/release.yaml", "--format markdown"), false);
  CHECK(md.exit_code == 1);
  CHECK(md.output.rfind("## relgate: gate shut\n\nPolicy `acme.release`: ", 0) == 0);
  CHECK(Contains(md.output, "| | rule | level | finding | item | declared at |"));
  CHECK(Contains(md.output,
                 "| blocks | `baseline.no_source_maps` | hard | package ships the "
                 "source map dist/cli.js.map | artifact.files[1] | std/baseline.gate:"));
}

TEST_CASE("several --format/--output pairs in one run, text still on the terminal") {
  Dir dir("pairs");
  auto run =
      RunRelgate(Eval("shut-reviews/release.json",
                      "--format json --output " + (dir / "d.json") + " --format sarif --output " +
                          (dir / "d.sarif") + " --format junit --output " + (dir / "d.xml")),
                 false);
  CHECK(run.exit_code == 1);
  CHECK(run.output.rfind("GATE SHUT", 0) == 0);
  CHECK(testing::ReadFile(dir / "d.json").rfind("{\"schema\":\"relgate.decision/v1\"", 0) == 0);
  CHECK(Contains(testing::ReadFile(dir / "d.sarif"), "\"version\":\"2.1.0\""));
  CHECK(ValidateJunit(dir / "d.xml") == 0);
  // One format may go to standard output beside the files.
  auto mixed = RunRelgate(Eval("shut-reviews/release.json",
                               "--format json --output " + (dir / "e.json") + " --format markdown"),
                          false);
  CHECK(mixed.output.rfind("## relgate: gate shut", 0) == 0);
  CHECK(fs::exists(dir / "e.json"));

  // Each --output goes with the --format next to it: a format given first without one
  // goes to standard output.
  auto adjacent = RunRelgate(Eval("shut-reviews/release.json",
                                  "--format github --format sarif --output " + (dir / "f.sarif")),
                             false);
  CHECK(adjacent.output.rfind("::error ", 0) == 0);
  CHECK(Contains(testing::ReadFile(dir / "f.sarif"), "\"version\":\"2.1.0\""));

  // Usage errors, before anything is decided or written.
  auto two_out = RunRelgate(Eval(
      "open/release.yaml", "--format json --output " + (dir / "a") + " --output " + (dir / "b")));
  CHECK(two_out.exit_code == 2);
  CHECK(Contains(two_out.output, "` follows no --format of its own"));
  auto in_a_row = RunRelgate(Eval("open/release.yaml", "--output " + (dir / "a") + " --output " +
                                                           (dir / "b") + " --format json"));
  CHECK(in_a_row.exit_code == 2);
  CHECK(Contains(in_a_row.output, "two --output in a row"));
  CHECK(!fs::exists(dir / "a"));
  auto stray = RunRelgate(Eval("open/release.yaml", "--format json --format sarif --output " +
                                                        (dir / "s") + " --output " + (dir / "t")));
  CHECK(stray.exit_code == 2);
  auto two_stdout = RunRelgate(Eval("open/release.yaml", "--format json --format sarif"));
  CHECK(two_stdout.exit_code == 2);
  CHECK(Contains(two_stdout.output, "only one --format can go to standard output"));
  auto unknown = RunRelgate(Eval("open/release.yaml", "--format xml"));
  CHECK(unknown.exit_code == 2);
  CHECK(Contains(unknown.output,
                 "unknown --format `xml`; formats: text json junit sarif github markdown"));
}

}  // namespace
}  // namespace relgate
