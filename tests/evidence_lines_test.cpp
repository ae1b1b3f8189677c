// Findings point at the evidence: every importer of lockfiles and workflows records, for
// each entry it writes, the line of the file it came from. Checked over every real
// fixture in tests/data/import/ (SOURCES.md names where each comes from): each recorded
// line must be the entry's own (its name or key on that line, or a `uses:` of that
// action), and most entries must have one. And a decision carries the line to JSON,
// SARIF, GitHub annotations and text.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/import/importer.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace relgate::testing {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> LinesOf(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::string Field(const facts::Node& item, std::string_view key) {
  const facts::Node* value = item.Find(key);
  return value != nullptr && value->kind == facts::NodeKind::kString ? std::string(value->str())
                                                                     : "";
}

}  // namespace

TEST_CASE("each lockfile entry an importer writes carries its own line of the lockfile") {
  int files = 0;
  for (const char* kind : {"npm-lock", "pnpm-lock", "yarn-lock", "cargo-lock", "uv-lock",
                           "poetry-lock", "pylock", "go-sum", "pip-requirements"}) {
    const import::Kind* importer = import::FindKind(kind);
    REQUIRE(importer != nullptr);
    for (const auto& entry : fs::directory_iterator(SourceDir() + "/tests/data/import/" + kind)) {
      const std::string path = entry.path().string();
      if (path.ends_with(".facts.json") || path.ends_with(".md"))
        continue;
      CAPTURE(path);
      const std::string text = ReadFile(path);
      facts::LoadError error;
      auto doc = importer->import(text, path, error);
      if (!doc)
        continue;  // fixtures of refused files
      ++files;
      const std::vector<std::string> lines = LinesOf(text);
      const facts::Node* deps = doc->root().Find("dependencies");
      REQUIRE(deps != nullptr);
      uint32_t with_line = 0;
      for (uint32_t i = 0; i < deps->len; ++i) {
        const uint32_t line = doc->LineOf(fmt::format("dependencies[{}]", i));
        if (line == 0)
          continue;
        ++with_line;
        REQUIRE(line <= lines.size());
        // The entry's header line names it; a TOML table's header is followed by its name.
        const std::string name = Field(deps->items[i], "name");
        std::string around = lines[line - 1];
        if (line < lines.size())
          around += "\n" + lines[line];
        const std::string key = Field(deps->items[i], "path");
        CAPTURE(line);
        CAPTURE(name);
        CHECK((around.find(name) != std::string::npos ||
               (!key.empty() && around.find(key) != std::string::npos)));
      }
      // npm's v1 lockfiles nest entries by name, which the text alone cannot place.
      if (deps->len > 0 &&
          !(std::string(kind) == "npm-lock" && path.find(".v1.") != std::string::npos))
        CHECK(with_line * 10 >= deps->len * 9);
    }
  }
  CHECK(files >= 15);
}

TEST_CASE("each job and each use of a workflow carries its line") {
  const import::Kind* importer = import::FindKind("github-workflow");
  REQUIRE(importer != nullptr);
  int uses_checked = 0;
  for (const auto& entry :
       fs::directory_iterator(SourceDir() + "/tests/data/import/github-workflow")) {
    const std::string path = entry.path().string();
    if (path.ends_with(".facts.json") || path.ends_with(".md"))
      continue;
    CAPTURE(path);
    const std::string text = ReadFile(path);
    facts::LoadError error;
    auto doc = importer->import(text, path, error);
    if (!doc)
      continue;
    const std::vector<std::string> lines = LinesOf(text);
    const facts::Node* workflow = doc->root().Find("workflow");
    const facts::Node* jobs = workflow->Find("jobs");
    for (uint32_t j = 0; j < jobs->len; ++j) {
      const uint32_t line = doc->LineOf(fmt::format("workflow.jobs[{}]", j));
      const std::string id = Field(jobs->items[j], "id");
      CAPTURE(id);
      REQUIRE(line > 0);
      CHECK(lines[line - 1].find(id + ":") != std::string::npos);
    }
    const facts::Node* uses = workflow->Find("uses");
    for (uint32_t u = 0; u < uses->len; ++u) {
      const uint32_t line = doc->LineOf(fmt::format("workflow.uses[{}]", u));
      const std::string action = Field(uses->items[u], "action");
      CAPTURE(action);
      REQUIRE(line > 0);
      CHECK(lines[line - 1].find("uses:") != std::string::npos);
      CHECK(lines[line - 1].find(action) != std::string::npos);
      ++uses_checked;
    }
  }
  CHECK(uses_checked >= 20);
}

TEST_CASE("a finding on imported evidence points at its line in every report") {
  const std::string lock =
      "tests/data/import/npm-lock/cyclonedx-node-npm__demo-package-integrity.package-lock.v2.json";
  const std::string args = fmt::format(
      "eval --policy tests/data/real/deps.gate --facts npm-lock:{} --now 2026-12-01", lock);
  const RunResult json = RunRelgate(args + " --format json", false);
  CHECK(json.exit_code == 1);
  CHECK(Contains(json.output, "\"item\":\"dependencies[0]\""));
  CHECK(Contains(json.output, "\"facts_line\":15"));
  CHECK(Contains(json.output, "\"facts_line\":34"));
  const RunResult sarif = RunRelgate(args + " --format sarif", false);
  CHECK(Contains(sarif.output,
                 fmt::format("\"uri\":\"{}\"}},\"region\":{{\"startLine\":15}}", lock)));
  const RunResult github = RunRelgate(args + " --format github", false);
  CHECK(Contains(github.output, fmt::format("::error file={},line=15,", lock)));
  const RunResult text = RunRelgate(args, false);
  CHECK(Contains(text.output, fmt::format("      at: {}:34\n", lock)));
}

}  // namespace relgate::testing
