// The formatter: over every .gate file in the repository and every policy of the fuzz
// corpus that parses, formatting keeps the syntax tree (the printed AST is the same),
// keeps every comment in order, and is idempotent; `relgate fmt --check` and `-w` through
// the binary; a file that does not parse is left alone.
#include <filesystem>
#include <fstream>
#include <regex>

#include <doctest/doctest.h>

#include "engine/syntax/ast_printer.h"
#include "engine/syntax/format.h"
#include "engine/syntax/parse.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

// The printed syntax tree of `text`, or nullopt when it does not parse.
std::optional<std::string> Tree(const std::string& text) {
  SourceMap sources;
  const FileId id = sources.Add("x.gate", text);
  DiagnosticSink sink;
  syntax::IdAllocator ids;
  auto module = syntax::ParseModule(sources, id, ids, sink);
  if (!module)
    return std::nullopt;
  return syntax::PrintModule(*module);
}

std::vector<std::string> Comments(const std::string& text) {
  std::vector<std::string> out;
  const std::regex comment(R"(#[^\n]*)");
  // Only comments outside strings matter here; the files below keep `#` out of strings.
  for (auto it = std::sregex_iterator(text.begin(), text.end(), comment);
       it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  return out;
}

TEST_CASE("formatting keeps the tree and the comments, and is idempotent, on every policy") {
  std::vector<fs::path> files;
  for (const char* dir :
       {"policies", "stdlib", "examples", "bench", "tests", "fuzz/corpus/policy"}) {
    for (const auto& entry : fs::recursive_directory_iterator(testing::SourceDir() + "/" + dir)) {
      if (entry.is_regular_file() &&
          (entry.path().extension() == ".gate" || std::string(dir) == "fuzz/corpus/policy"))
        files.push_back(entry.path());
    }
  }
  size_t formatted = 0, changed = 0;
  for (const fs::path& file : files) {
    CAPTURE(file.string());
    const std::string text = testing::ReadFile(file.string());
    const auto before = Tree(text);
    if (!before)
      continue;  // syntax errors on purpose (tests/golden/check/error_*, fuzz inputs)
    const std::string once = syntax::FormatSource(text);
    const auto after = Tree(once);
    REQUIRE(after);
    CHECK(*after == *before);
    CHECK(syntax::FormatSource(once) == once);
    if (text.find('"') == std::string::npos || text.find("\"#") == std::string::npos)
      CHECK(Comments(once) == Comments(text));
    ++formatted;
    changed += once != text;
  }
  CHECK(formatted >= 30);
  CHECK(changed >= 1);
}

TEST_CASE("the canonical layout: indentation by brackets and declarations, fixed spacing") {
  const std::string messy =
      "package   acme.x\n\n\n\n# the facts\nfacts{release:{id:string,n:int,m:map [ string ] int}\n"
      "  deps : [ { name : string } ]}\n"
      "deny  r  \"msg {release.id}\" :\n"
      "        release.n>-1 and(release.id!=\"\"or count( deps )==0)   # why\n"
      "let xs=[d.name for d in deps where d.name.starts_with(\"a\")]\n";
  const std::string want =
      "package acme.x\n\n# the facts\nfacts { release: { id: string, n: int, m: map[string]int }\n"
      "  deps: [{ name: string }] }\n"
      "deny r \"msg {release.id}\":\n"
      "  release.n > -1 and (release.id != \"\" or count(deps) == 0)  # why\n"
      "let xs = [d.name for d in deps where d.name.starts_with(\"a\")]\n";
  CHECK(syntax::FormatSource(messy) == want);
  CHECK(*Tree(messy) == *Tree(want));
}

TEST_CASE("relgate fmt --check lists what would change, -w rewrites, broken files are left") {
  const fs::path dir = fs::temp_directory_path() / ("relgate-fmt-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "a.gate") << "package p\ndeny r \"m\":  1==1\n";
  std::ofstream(dir / "b.gate") << "package p\n\ndeny s \"m\": 1 == 1\n";
  auto check = RunRelgate("fmt --check '" + dir.string() + "'", false);
  CHECK(check.exit_code == 1);
  CHECK(check.output == (dir / "a.gate").string() + "\n");
  auto write = RunRelgate("fmt -w '" + dir.string() + "'", false);
  CHECK(write.exit_code == 0);
  CHECK(testing::ReadFile((dir / "a.gate").string()) == "package p\ndeny r \"m\": 1 == 1\n");
  CHECK(RunRelgate("fmt --check '" + dir.string() + "'").exit_code == 0);
  auto one = RunRelgate("fmt '" + (dir / "b.gate").string() + "'", false);
  CHECK(one.output == "package p\n\ndeny s \"m\": 1 == 1\n");

  const std::string broken = "package p\ndeny r \"m\":  1 ==\n";
  std::ofstream(dir / "c.gate") << broken;
  auto bad = RunRelgate("fmt -w '" + dir.string() + "'");
  CHECK(bad.exit_code == 2);
  CHECK(bad.output.find("c.gate` does not parse; not formatted") != std::string::npos);
  CHECK(testing::ReadFile((dir / "c.gate").string()) == broken);
  CHECK(RunRelgate("fmt '" + dir.string() + "'").exit_code == 2);  // several files: a flag
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
