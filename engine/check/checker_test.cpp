// One case per diagnostic code: the code, and the first rendered line with its position.
#include <filesystem>

#include <doctest/doctest.h>

#include "tests/test_util.h"
#include <unistd.h>

namespace relgate::check {
namespace {

using testing::CompileSource;

const char* kFacts = R"(
facts {
  release: { author: string, built_at: time, committed_at: time, signer: string?,
             labels: map[string]string, version: string }
  approvals: [{ user: string, team: string }]
  deps: [{ name: string, integrity: string?, pinned: bool }]
}
)";

struct Case {
  const char* code;
  const char* src;   // after kFacts (6 lines: rules start on line 7); imports before it
  const char* want;  // first line of the rendered diagnostics
};

std::string FirstLine(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

TEST_CASE("each diagnostic code, with its position") {
  const Case cases[] = {
      {"unknown-name", "deny r \"x\": releese.author == \"a\"",
       "test.gate:7:13: error: unknown name `releese`"},
      {"unknown-fact", "deny r \"x\": release.auther == \"a\"",
       "test.gate:7:13: error: unknown fact `release.auther`"},
      {"unknown-field", "deny r for a in approvals \"x\": a.usr == \"a\"",
       "test.gate:7:32: error: unknown field `a.usr`"},
      {"type-mismatch", "deny r \"x\": release.author == 3",
       "test.gate:7:13: error: `==` cannot combine `string` and `int`"},
      {"type-mismatch", "deny r \"x\": count(approvals)",
       "test.gate:7:13: error: a rule condition must be `bool`, found `int`"},
      {"optional-unhandled", "deny r \"x\": release.signer == \"bob\"",
       "test.gate:7:13: error: `release.signer` may be missing; handle it with `??` or "
       "`has(...)`"},
      {"optional-unhandled", "deny r for d in deps \"x\": d.integrity.starts_with(\"sha\")",
       "test.gate:7:27: error: `d.integrity` may be missing; handle it with `??` or "
       "`has(...)`"},
      {"has-not-optional", "deny r \"x\": has(release.author)",
       "test.gate:7:17: warning: `release.author` is not optional, so `has` is always "
       "true"},
      {"coalesce-not-optional", "deny r \"x\": (release.author ?? \"\") == \"a\"",
       "test.gate:7:14: warning: `release.author` is never missing, so `??` never uses "
       "its right side"},
      {"unknown-function", "deny r \"x\": release.author.endswith(\"a\")",
       "test.gate:7:28: error: unknown function `endswith`"},
      {"wrong-arg-count", "deny r \"x\": release.author.starts_with()",
       "test.gate:7:13: error: `starts_with` takes 1 argument, found 0"},
      {"unknown-type", "facts { extra: strng }", "test.gate:7:16: error: unknown type `strng`"},
      {"conflicting-fact", "facts { release: string }",
       "test.gate:7:9: error: fact `release` is declared as `string` here and as "
       "`{author: string, built_at: time, committed_at: time, signer: string?, labels: "
       "map[string]string, version: string}` elsewhere"},
      {"duplicate-name", "let x = 1\nlet x = 2", "test.gate:8:5: error: `x` is already declared"},
      {"duplicate-name", "let release = 1",
       "test.gate:7:5: error: `release` is already the name of a fact"},
      {"duplicate-rule", "deny r \"x\": true\ndeny r \"y\": true",
       "test.gate:8:6: error: rule `r` is already declared"},
      {"not-constant", "const n = count(approvals)",
       "test.gate:7:11: error: the value of const `n` depends on facts or `now`"},
      {"missing-param", "const n: int", "test.gate:7:7: error: const `n` has no value"},
      {"cycle", "let a = b\nlet b = a", "test.gate:8:9: error: let `a` depends on itself"},
      {"unknown-rule",
       "deny rule_one \"x\": true\nexcept rule_on until 2026-01-01 owner \"o\" "
       "reason \"r\"",
       "test.gate:8:8: error: no rule named `rule_on`"},
      {"bad-regex", "deny r \"x\": release.author matches /a(/",
       "test.gate:7:36: error: invalid regex: missing ): a("},
      {"constant-error", "const n = 1 / 0\ndeny r \"x\": count(approvals) > n",
       "test.gate:7:11: error: this constant expression fails: division by zero in `1 / "
       "0`"},
      {"too-deep",
       "deny r \"x\": all(a in approvals: all(b in approvals: all(c in approvals: all(d in deps: "
       "all(e in deps: true)))))",
       "test.gate:7:88: error: more than 4 nested loops (`for`, quantifiers, "
       "comprehensions)"},
      {"unknown-module", "import std.nope", "test.gate:1:1: error: unknown module `std.nope`"},
      {"unknown-param", "import std.baseline as b with { min_reviewer: 3 }",
       "test.gate:1:33: error: module `std.baseline` has no parameter `min_reviewer`"},
      {"duplicate-name", "import std.baseline as approvals",
       "test.gate:1:24: error: import alias `approvals` hides the fact `approvals`"},
      {"", "import std.baseline", ""},  // the alias `baseline` is fine: not a fact name
      {"import-escapes", "import \"../x.gate\"",
       "test.gate:1:1: error: file imports are not available here"},
      {"type-mismatch", "deny r \"x\": release.author matches \"^a\"",
       "test.gate:7:36: error: `matches` needs a regex such as /^v[0-9]+/, found "
       "`string`"},
      {"type-mismatch", "deny r \"x\": release.version < semver(\"1.0.0\")",
       "test.gate:7:13: error: cannot order a string against a version"},
      {"type-mismatch", "deny r \"x\": \"a\" in release.author",
       "test.gate:7:13: error: `in` looks in lists, sets and maps"},
      {"type-mismatch", "deny r \"x\": release.labels.team == \"a\"",
       "test.gate:7:28: error: `release.labels` is `map[string]string`, which has no "
       "fields"},
      {"type-mismatch", "deny r \"x\": {a for a in approvals} == {}",
       "test.gate:7:14: error: set items must be strings, numbers, booleans, times, "
       "durations or versions, found `{user: string, team: string}`"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.src);
    // Imports come first in a file; everything else follows the facts prelude.
    const std::string src = c.src;
    auto compiled = src.rfind("import", 0) == 0
                        ? CompileSource(src + "\n" + std::string(kFacts).substr(1))
                        : CompileSource(std::string(kFacts).substr(1) + src + "\n");
    if (std::string(c.want).empty()) {
      CHECK(compiled->program != nullptr);
      CHECK(compiled->sink.error_count() == 0);
      continue;
    }
    CHECK(compiled->HasCode(c.code));
    // The first diagnostic with the code under test (rule-less snippets also warn no-rules).
    std::string rendered;
    for (const Diagnostic& d : compiled->sink.Sorted()) {
      if (d.code == c.code && rendered.empty())
        rendered = Render(d, compiled->sources);
    }
    CHECK(FirstLine(rendered) == c.want);
    const bool warning = std::string(c.want).find(": warning:") != std::string::npos;
    CHECK((compiled->program != nullptr) == warning);
  }
}

TEST_CASE("several errors are reported at once, sorted by position") {
  auto compiled = CompileSource(std::string(kFacts).substr(1) +
                                "deny b \"x\": release.nope\n"
                                "deny a \"x\": approvals.x == 1 and undefined_thing\n");
  CHECK(compiled->program == nullptr);
  CHECK(compiled->sink.error_count() == 3);
  const std::string& d = compiled->diagnostics;
  const size_t first = d.find("test.gate:7:13: error: unknown fact `release.nope`");
  const size_t second = d.find(
      "test.gate:8:23: error: `approvals` is `[{user: string, team: "
      "string}]`, which has no fields");
  const size_t third = d.find("test.gate:8:34: error: unknown name `undefined_thing`");
  CHECK(third != std::string::npos);
  CHECK(first < second);
  CHECK(second < third);
}

TEST_CASE("suggestions name the closest declared name") {
  auto compiled =
      CompileSource(std::string(kFacts).substr(1) + "deny r \"x\": release.auther == \"a\"\n");
  CHECK(compiled->diagnostics.find("= help: did you mean `release.author`?") != std::string::npos);
}

TEST_CASE("has() narrows an optional fact in the rest of a conjunction and in where") {
  const std::string base = std::string(kFacts).substr(1);
  CHECK(CompileSource(base + "deny r \"x\": not has(release.signer) or release.signer != \"m\"\n")
            ->program != nullptr);
  CHECK(CompileSource(base + "deny r \"x\": has(release.signer) and release.signer != \"m\"\n")
            ->program != nullptr);
  CHECK(CompileSource(base + "deny r for d in deps where has(d.integrity) \"{d.integrity}\": "
                             "d.integrity.starts_with(\"sha512-\")\n")
            ->program != nullptr);
  // `or` does not prove presence for its right operand.
  CHECK(CompileSource(base + "deny r \"x\": has(release.signer) or release.signer != \"m\"\n")
            ->HasCode("optional-unhandled"));
}

TEST_CASE("stdlib parameters: types are checked and required ones must be set") {
  auto wrong = CompileSource("import std.baseline with { min_reviewers: \"two\" }\n");
  CHECK(wrong->HasCode("type-mismatch"));
  CHECK(FirstLine(wrong->diagnostics) == "test.gate:1:43: error: expected `int`, found `string`");
  auto ok = CompileSource("import std.baseline as b with { min_reviewers: 3 }\n");
  CHECK(ok->program != nullptr);
  auto alias = CompileSource("import std.baseline as release\n");
  CHECK(FirstLine(alias->diagnostics) ==
        "test.gate:1:24: error: import alias `release` hides the fact `release`");
}

TEST_CASE("file imports are confined to the policy directory") {
  namespace fs = std::filesystem;
  const fs::path root =
      fs::temp_directory_path() / ("relgate-import-test-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root / "policy");
  std::ofstream(root / "outside.gate") << "deny outside \"x\": true\n";
  std::ofstream(root / "policy" / "common.gate") << "deny common \"x\": true\n";
  std::error_code ec;
  fs::create_symlink(root / "outside.gate", root / "policy" / "link.gate", ec);

  struct ImportCase {
    const char* import;
    const char* want;
  };

  const ImportCase cases[] = {
      {"import \"common.gate\"", ""},
      {"import \"../outside.gate\"", "leads outside the policy directory"},
      {"import \"/etc/passwd\"", "must be relative to the policy directory"},
      {"import \"link.gate\"", "leads outside the policy directory"},
      {"import \"missing.gate\"", "does not exist"},
  };
  for (const ImportCase& c : cases) {
    CAPTURE(c.import);
    std::ofstream(root / "policy" / "main.gate") << c.import << "\n";
    SourceMap sources;
    DiagnosticSink sink;
    auto program =
        CompilePolicy({(root / "policy" / "main.gate").string()}, Stdlib(), sources, sink);
    const std::string rendered = RenderAll(sink, sources);
    if (std::string(c.want).empty()) {
      CHECK(program != nullptr);
      CHECK(program->rules().size() == 1);
    } else {
      CHECK(program == nullptr);
      CHECK(rendered.find(c.want) != std::string::npos);
    }
  }
  fs::remove_all(root);
}

TEST_CASE("a directory is one policy whose files share a package") {
  namespace fs = std::filesystem;
  const fs::path root =
      fs::temp_directory_path() / ("relgate-dir-test-" + std::to_string(getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  std::ofstream(root / "a.gate") << "package p\nfacts { n: int }\ndeny a \"x\": n > 1\n";
  std::ofstream(root / "b.gate") << "package p\nfacts { m: int }\ndeny b \"x\": m > n\n";
  SourceMap sources;
  DiagnosticSink sink;
  auto program = CompilePolicy({root.string()}, Stdlib(), sources, sink);
  REQUIRE(program != nullptr);
  CHECK(program->rules().size() == 2);
  std::ofstream(root / "c.gate") << "package q\n";
  SourceMap sources2;
  DiagnosticSink sink2;
  CHECK(CompilePolicy({root.string()}, Stdlib(), sources2, sink2) == nullptr);
  CHECK(RenderAll(sink2, sources2).find("error: package `q` differs from `p`") !=
        std::string::npos);
  fs::remove_all(root);
}

}  // namespace
}  // namespace relgate::check

namespace relgate::check {
namespace {

TEST_CASE("duplicate-import: a module imported twice") {
  auto compiled = testing::CompileSource("import std.baseline\nimport std.baseline as again\n");
  CHECK(compiled->HasCode("duplicate-import"));
  CHECK(compiled->diagnostics.rfind(
            "test.gate:2:1: error: module `std.baseline` is imported more than once", 0) == 0);
}

TEST_CASE("stdlib-import: a stdlib module cannot import") {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-stdlib-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "a.gate") << "import std.b\n";
  std::ofstream(dir / "b.gate") << "deny b \"x\": true\n";
  SourceMap sources;
  DiagnosticSink sink;
  auto program =
      CompilePolicyText("test.gate", "import std.a\n", Stdlib(dir.string()), sources, sink);
  CHECK(program == nullptr);
  CHECK(RenderAll(sink, sources)
            .rfind("std/a.gate:1:1: error: stdlib modules cannot import other modules", 0) == 0);
  fs::remove_all(dir);
}

TEST_CASE("too-many-rules: the rule count is bounded") {
  std::string text;
  for (int k = 0; k <= 1000; ++k)
    text += "deny r" + std::to_string(k) + " \"x\": true\n";
  auto compiled = testing::CompileSource(text);
  CHECK(compiled->HasCode("too-many-rules"));
  CHECK(compiled->diagnostics.find("error: policy has more than 1000 rules") != std::string::npos);
}

}  // namespace
}  // namespace relgate::check

namespace relgate::check {
namespace {

TEST_CASE("limits: regex program size and policy source size") {
  auto big_regex = testing::CompileSource(
      "facts { s: string }\ndeny r \"x\": s matches "
      "/a{1000}b{1000}c{1000}d{1000}e{1000}f{1000}/\n");
  CHECK(big_regex->HasCode("bad-regex"));
  CHECK(big_regex->diagnostics.find("error: regex is too large (") != std::string::npos);

  namespace fs = std::filesystem;
  const fs::path file =
      fs::temp_directory_path() / ("relgate-big-" + std::to_string(getpid()) + ".gate");
  {
    std::ofstream out(file);
    for (int k = 0; k < 40000; ++k)
      out << "# a comment line that pads the policy file\n";
  }
  SourceMap sources;
  DiagnosticSink sink;
  CHECK(CompilePolicy({file.string()}, Stdlib(), sources, sink) == nullptr);
  CHECK(RenderAll(sink, sources).find("is larger than the limit of 1048576 bytes") !=
        std::string::npos);
  fs::remove(file);
}

}  // namespace
}  // namespace relgate::check

namespace relgate::check {
namespace {

TEST_CASE("a policy without rules, or a file without declarations, is an error") {
  struct EmptyCase {
    const char* text;
    const char* code;
    const char* first_line;
  } cases[] = {
      {"facts { release: { id: string } }\n", "no-rules",
       "test.gate:1:1: error: the policy has no rules, so it would let every release pass"},
      {"let x = 1\nconst y = 2\n", "no-rules", "test.gate:1:1: error: the policy has no rules"},
      {"", "empty-file",
       "test.gate:1:1: error: policy file `test.gate` holds no declarations, only comments or "
       "white space"},
      {"# only a comment\n\n   # and another\n", "empty-file",
       "test.gate:1:1: error: policy file `test.gate` holds no declarations"},
      {"\n\n\t  \n", "empty-file", "test.gate:1:1: error: policy file `test.gate` holds no"},
  };

  for (const EmptyCase& c : cases) {
    CAPTURE(c.text);
    auto compiled = testing::CompileSource(c.text);
    CHECK(compiled->program == nullptr);
    CHECK(compiled->HasCode(c.code));
    CHECK(compiled->diagnostics.rfind(c.first_line, 0) == 0);
  }
}

TEST_CASE("an emptied file in a policy directory is an error even beside good files") {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-empty-file-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "a.gate") << "facts { r: { ok: bool } }\ndeny ok \"x\": r.ok\n";
  std::ofstream(dir / "b.gate") << "# rules moved? truncated?\n";
  SourceMap sources;
  DiagnosticSink sink;
  CHECK(CompilePolicy({dir.string()}, Stdlib(), sources, sink) == nullptr);
  const std::string rendered = RenderAll(sink, sources);
  CHECK(rendered.find("b.gate` holds no declarations") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a loop variable that hides a let, const, fact or outer variable is warned") {
  const char* facts = "facts { deps: [{ name: string }], files: [string] }\n";

  struct ShadowCase {
    const char* src;
    const char* first_line;
  } cases[] = {
      {"let d = 1\ndeny r for d in deps \"x\": d.name != \"\"\n",
       "test.gate:3:12: warning: loop variable `d` hides the let `d`"},
      {"const f = \"a\"\ndeny r \"x\": all(f in files: f != \"\")\n",
       "test.gate:3:17: warning: loop variable `f` hides the const `f`"},
      {"deny r \"x\": all(files in files: files != \"\")\n",
       "test.gate:2:17: warning: loop variable `files` hides the fact `files`"},
      {"deny r for d in deps \"x\": all(d in files: d != \"\")\n",
       "test.gate:2:31: warning: loop variable `d` hides the enclosing loop variable `d`"},
  };

  for (const ShadowCase& c : cases) {
    CAPTURE(c.src);
    auto compiled = testing::CompileSource(std::string(facts) + c.src);
    CHECK(compiled->program != nullptr);
    CHECK(compiled->HasCode("shadowing"));
    CHECK(compiled->diagnostics.rfind(c.first_line, 0) == 0);
  }
  auto clean = testing::CompileSource(std::string(facts) +
                                      "deny r for d in deps \"x\": all(f in files: f != d.name)\n");
  CHECK(clean->sink.diagnostics().empty());
}

TEST_CASE("module parameters are checked against their constraints at compile time") {
  struct ParamCase {
    const char* params;
    const char* first_line;
  } cases[] = {
      {"min_reviewers: 0",
       "test.gate:1:43: error: parameter `min_reviewers` is 0, which breaks its constraint "
       "`min_reviewers >= 1`"},
      {"min_reviewers: 100", "test.gate:1:43: error: parameter `min_reviewers` is 100"},
      {"builder_pattern: /.*/", "test.gate:1:45: error: parameter `builder_pattern` is /.*/"},
      {"builder_pattern: /runner/", "test.gate:1:45: error: parameter `builder_pattern`"},
      {"max_build_delay: -1h", "test.gate:1:45: error: parameter `max_build_delay` is -1h"},
      {"max_build_delay: 0s", "test.gate:1:45: error: parameter `max_build_delay` is 0s"},
      {"release_team: \" \"", "test.gate:1:42: error: parameter `release_team` is \" \""},
      {"forbidden_suffix: \"\"", "test.gate:1:46: error: parameter `forbidden_suffix`"},
  };

  for (const ParamCase& c : cases) {
    CAPTURE(c.params);
    auto compiled =
        testing::CompileSource(std::string("import std.baseline with { ") + c.params + " }\n");
    CHECK(compiled->program == nullptr);
    CHECK(compiled->HasCode("bad-param"));
    CHECK(compiled->diagnostics.rfind(c.first_line, 0) == 0);
  }
  auto ok = testing::CompileSource(
      "import std.baseline with { min_reviewers: 3, max_build_delay: 2h }\n");
  CHECK(ok->program != nullptr);
  // A constraint on a const of the policy itself, and one that reads facts.
  auto own = testing::CompileSource(
      "const n: int = 0 where n > 0 \"n must be positive\"\ndeny r \"x\": n > 0\n");
  CHECK(own->diagnostics.rfind(
            "test.gate:1:18: error: const `n` is 0, which breaks its constraint `n > 0`: n must "
            "be positive",
            0) == 0);
  auto facts = testing::CompileSource(
      "facts { r: { k: int } }\nconst n: int = 1 where n < r.k \"x\"\ndeny r \"x\": true\n");
  CHECK(facts->HasCode("not-constant"));
}

}  // namespace
}  // namespace relgate::check
