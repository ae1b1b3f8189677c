// The formatter: over every .gate file in the repository and every policy of the fuzz
// corpus that parses, formatting keeps the syntax tree (the printed AST is the same),
// keeps every comment in order, and is idempotent; every policy of the repository, and
// one built on a formatted stdlib, compiles to the same program once formatted;
// `relgate fmt --check` and `-w` through the binary; a file that does not parse is left
// alone.
#include <filesystem>
#include <fstream>
#include <regex>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <re2/re2.h>

#include "engine/check/types.h"
#include "engine/compile/machine.h"
#include "engine/relgate.h"
#include "engine/syntax/ast_printer.h"
#include "engine/syntax/format.h"
#include "engine/syntax/parse.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
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

// What a compiled program does, without where its text stood: the rules, lets and
// exceptions with their node trees (kind, typed operator, slot, constant, regex, builtin,
// operands). Source lines and snippets are left out: formatting moves them.
class ProgramShape {
 public:
  explicit ProgramShape(const compile::Program& p) : p_(p) {}

  std::string Print() {
    out_ = fmt::format("package {} schema {}\n", p_.package(), types::TypeName(p_.schema()));
    for (const compile::CompiledLet& let : p_.lets()) {
      out_ += fmt::format("let {} = ", let.name);
      Node(let.root);
      out_ += "\n";
    }
    for (const compile::CompiledRule& r : p_.rules()) {
      out_ += fmt::format("rule {} level {} for {} {} over ", r.id, static_cast<int>(r.level),
                          r.has_for, r.var);
      Node(r.over);
      out_ += " where ";
      Node(r.filter);
      out_ += " if ";
      Node(r.condition);
      out_ += " message";
      for (const compile::TemplatePiece& piece : r.message) {
        out_ += fmt::format(" [{}]", piece.literal);
        Node(piece.expr);
      }
      out_ += fmt::format(" exceptions {}\n", fmt::join(r.exceptions, ","));
    }
    for (const compile::CompiledException& e : p_.exceptions()) {
      out_ += fmt::format("except {} until {} owner {} reason {} when ", e.rule, e.until, e.owner,
                          e.reason);
      Node(e.condition);
      out_ += "\n";
    }
    return out_;
  }

 private:
  void Node(compile::NodeId id) {
    if (id == compile::kNoNode) {
      out_ += "-";
      return;
    }
    const compile::Node& n = p_.node(id);
    // The union's first byte tells the typed operator apart (arith, compare, quantifier...).
    fmt::format_to(std::back_inserter(out_), "({} op{} set{} slot{} value{} regex{} fn{}",
                   compile::NodeKindName(n.kind), static_cast<int>(n.arith), n.is_set, n.slot,
                   n.kind == compile::NodeKind::kConst || n.kind == compile::NodeKind::kLocalFieldOr
                       ? compile::FormatValue(n.value, false)
                       : "",
                   n.regex != nullptr ? n.regex->pattern() : "",
                   reinterpret_cast<const void*>(n.fn));
    for (compile::NodeId operand : {n.a, n.b, n.c}) {
      if (operand != compile::kNoNode) {
        out_ += " ";
        Node(operand);
      }
    }
    for (uint32_t k = 0; k < n.count; ++k) {
      out_ += " ";
      Node(p_.operand(n.first + k));
    }
    if (n.kind == compile::NodeKind::kLocalField || n.kind == compile::NodeKind::kLocalFieldOr)
      out_ += fmt::format(" field{}", n.first);
    out_ += ")";
  }

  const compile::Program& p_;
  std::string out_;
};

std::string CompiledShape(const std::vector<std::string>& paths, const check::Stdlib& stdlib) {
  SourceMap sources;
  DiagnosticSink sink;
  auto program = CompilePolicy(paths, stdlib, sources, sink);
  REQUIRE(program != nullptr);
  return ProgramShape(*program).Print();
}

// A copy of `from`'s .gate files, each formatted, in `to`.
void FormatInto(const fs::path& from, const fs::path& to) {
  fs::create_directories(to);
  for (const auto& entry : fs::directory_iterator(from)) {
    if (entry.path().extension() == ".gate") {
      std::ofstream(to / entry.path().filename())
          << syntax::FormatSource(testing::ReadFile(entry.path().string()));
    }
  }
}

TEST_CASE("every policy compiles to the same program once formatted, stdlib included") {
  const fs::path scratch = testing::TempDir("relgate-fmt-programs");
  const std::string root = testing::SourceDir() + "/";
  const check::Stdlib builtin;
  for (const char* dir :
       {"policies", "policies/org", "policies/org-models", "policies/slsa-l3",
        "policies/relgate-release", "examples/history/candidate", "tests/data/replay/stricter"}) {
    CAPTURE(dir);
    const fs::path copy = scratch / fs::path(dir).filename();
    FormatInto(root + dir, copy);
    const std::string before = CompiledShape({root + dir}, builtin);
    CHECK(before.size() > 200);
    CHECK(CompiledShape({copy.string()}, builtin) == before);
  }
  // The rule modules and schemas: formatted, the policies built on them compile the same.
  const fs::path stdlib = scratch / "stdlib";
  FormatInto(root + "stdlib", stdlib);
  for (const char* dir : {"policies", "policies/org", "policies/org-models", "policies/slsa-l3"}) {
    CAPTURE(dir);
    CHECK(CompiledShape({root + dir}, check::Stdlib(stdlib.string())) ==
          CompiledShape({root + dir}, builtin));
  }
  // The shape sees a change of meaning: `>` for `>=` in one rule.
  const fs::path changed = scratch / "changed";
  fs::create_directories(changed);
  std::ofstream(changed / "p.gate") << "package p\nfacts { n: int }\ndeny r \"m\": n >= 2\n";
  const std::string ge = CompiledShape({changed.string()}, builtin);
  std::ofstream(changed / "p.gate") << "package p\nfacts { n: int }\ndeny r \"m\": n > 2\n";
  CHECK(CompiledShape({changed.string()}, builtin) != ge);
  std::ofstream(changed / "p.gate") << "package p\nfacts{n:int}\n\n\ndeny r \"m\":n>=2 # x\n";
  CHECK(CompiledShape({changed.string()}, builtin) == ge);
  fs::remove_all(scratch);
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
      "        deps: [{ name: string }] }\n"
      "deny r \"msg {release.id}\":\n"
      "  release.n > -1 and (release.id != \"\" or count(deps) == 0)  # why\n"
      "let xs = [d.name for d in deps where d.name.starts_with(\"a\")]\n";
  CHECK(syntax::FormatSource(messy) == want);
  CHECK(*Tree(messy) == *Tree(want));
  // A bracket that ends its line indents what follows by two from that line; one followed
  // on its line by more aligns the lines inside it with that (as the stdlib is laid out).
  const std::string block = "let xs = [\n\"a\",\n\"b\",\n]\nconst ys: [string] = [\"a\",\n\"b\"]\n";
  CHECK(syntax::FormatSource(block) ==
        "let xs = [\n  \"a\",\n  \"b\",\n]\nconst ys: [string] = [\"a\",\n                      "
        "\"b\"]\n");
}

TEST_CASE("the stdlib, the shipped policies and the examples are in fmt's layout") {
  auto check = RunRelgate(
      "fmt --check stdlib stdlib/testdata/deps stdlib/testdata/models "
      "stdlib/testdata/packaging stdlib/testdata/provenance "
      "stdlib/testdata/reviews stdlib/testdata/runners "
      "stdlib/testdata/workflows policies policies/org policies/slsa-l3 policies/relgate-release");
  CHECK(check.output == "");
  CHECK(check.exit_code == 0);
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

// What ends a line: the lexer, the line table and fmt agree, and a character that an editor
// shows as a line break (or that reorders text) is refused wherever it stands, with its
// position, so the same bytes cannot read one way to a reviewer and another to relgate.
TEST_CASE(
    "characters that break lines for editors but not for relgate are refused, fmt "
    "included") {
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-fmt-hidden-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string head = "package p\nfacts { release: { repo: string } }\n";

  struct Shape {
    const char* name;
    std::string bytes;
    const char* code;
  };

  const std::vector<Shape> shapes = {
      {"lone CR", "\r", "U+000D"},
      {"vertical tab", "\v", "U+000B"},
      {"form feed", "\f", "U+000C"},
      {"next line", "\xC2\x85", "U+0085"},
      {"line separator", "\xE2\x80\xA8", "U+2028"},
      {"paragraph separator", "\xE2\x80\xA9", "U+2029"},
      {"right-to-left override", "\xE2\x80\xAE", "U+202E"},
      {"first-strong isolate", "\xE2\x81\xA8", "U+2068"},
      {"NUL", std::string(1, '\0'), "U+0000"},
  };
  for (const Shape& shape : shapes) {
    CAPTURE(shape.name);
    // In a comment (hiding a rule), in a string, and between tokens.
    for (const std::string& line :
         {"# note" + shape.bytes + "deny hidden \"h\": release.repo == \"x\"\n",
          "deny s \"a" + shape.bytes + "b\": release.repo == \"x\"\n",
          "deny t \"t\":" + shape.bytes + " release.repo == \"x\"\n"}) {
      const std::string text = head + line;
      std::ofstream(dir / "p.gate", std::ios::binary) << text;
      auto check = RunRelgate("check '" + (dir / "p.gate").string() + "'");
      CHECK(check.exit_code == 2);
      CHECK(testing::Contains(check.output, "p.gate:3:"));
      CHECK(testing::Contains(check.output, shape.code));
      auto write = RunRelgate("fmt -w '" + (dir / "p.gate").string() + "'");
      CHECK(write.exit_code == 2);
      CHECK(testing::ReadFile((dir / "p.gate").string()) == text);
      std::string problem;
      CHECK(!Tree(text));
    }
  }
  // CRLF ends a line like LF: diagnostics count it once, fmt writes LF, the tree is the same.
  const std::string crlf =
      "package p\r\nfacts { release: { repo: string } }\r\n# note\r\ndeny r \"m\":\r\n"
      "  release.repo == \"x\"  # trailing\r\n  and relase.repo != \"\"\r\n";
  std::ofstream(dir / "crlf.gate", std::ios::binary) << crlf;
  auto crlf_check = RunRelgate("check '" + (dir / "crlf.gate").string() + "'");
  CHECK(crlf_check.exit_code == 2);
  CHECK(testing::Contains(crlf_check.output, "crlf.gate:6:7:"));
  std::string problem;
  const auto formatted = syntax::FormatSourceChecked(crlf, problem);
  REQUIRE(formatted);
  CHECK(formatted->find('\r') == std::string::npos);
  CHECK(Tree(*formatted) == Tree(crlf));
  fs::remove_all(dir);
}

// Sources built to trip a token-based formatter: `#` inside strings, templates, holes and
// regexes, comments on continuation lines and at the end of the file without a newline,
// tabs, blank-line runs, brackets opened and closed on other lines. Each formats to the
// same tree and comments (FormatSourceChecked proves it) and to the same compiled program.
TEST_CASE("adversarial layouts keep their meaning through fmt") {
  const std::string head = "package p\nfacts { release: { repo: string, tags: [string] } }\n";
  const std::vector<std::string> bodies = {
      "deny a \"# not a comment {release.repo}\": release.repo != \"#x\"\n",
      "deny b \"{release.repo ?? \"#\"}\":\n  release.repo matches /^[#a-z]+$/  # real\n",
      "deny c \"m\": release.repo == \"x\" # c1\n# c2\n  or release.repo == \"y\"",
      "deny d for t in release.tags\n\t\"{t}\":\n\t\tt != \"#\"\n\n\n\n# gap\n",
      "let x = [\n  \"a\", # one\n  \"b\"\n]\ndeny e \"m\": release.repo in x\n",
      "deny f \"m\": (\nrelease.repo\n==\n\"x\"\n)\n",
      "deny g \"\\\"#\\\" {release.repo}\": not (release.repo == \"\\\\\")\n",
      "deny h \"m\":release.repo==\"x\"and not(release.repo==\"y\")#tight",
  };
  for (const std::string& body : bodies) {
    const std::string text = head + body;
    CAPTURE(text);
    REQUIRE(Tree(text));
    std::string problem;
    const auto formatted = syntax::FormatSourceChecked(text, problem);
    REQUIRE(formatted);
    CHECK(problem.empty());
    SourceMap a_sources, b_sources;
    DiagnosticSink a_sink, b_sink;
    auto a = CompilePolicyText("p.gate", text, check::Stdlib(), a_sources, a_sink);
    auto b = CompilePolicyText("p.gate", *formatted, check::Stdlib(), b_sources, b_sink);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(ProgramShape(*a).Print() == ProgramShape(*b).Print());
  }
}

}  // namespace
}  // namespace relgate
