#include "engine/syntax/parse.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/syntax/ast_printer.h"

namespace relgate::syntax {
namespace {

std::string ParseExpr(const std::string& text, std::string* diagnostics = nullptr) {
  SourceMap sources;
  const FileId file = sources.Add("expr.gate", text);
  DiagnosticSink sink;
  IdAllocator ids;
  ExprPtr expr = ParseExpression(sources, file, ids, sink);
  if (diagnostics != nullptr)
    *diagnostics = RenderAll(sink, sources);
  return expr ? PrintExpr(*expr) : "<error>";
}

struct Case {
  const char* src;
  const char* want;
};

TEST_CASE("expressions parse with the documented precedence") {
  const Case cases[] = {
      {"a or b and c", "(or a (and b c))"},
      {"not a == b", "(not (== a b))"},
      {"not a and b", "(and (not a) b)"},
      {"1 + 2 * 3", "(+ 1 (* 2 3))"},
      {"a - b - c", "(- (- a b) c)"},
      {"x ?? \"\" matches /^sha/", "(matches (?? x \"\") /^sha/)"},
      {"a ?? b ?? c", "(?? a (?? b c))"},
      {"-x.y", "(- (. x y))"},
      {"d.name in [\"a\", \"b\"]", "(in (. d name) (list \"a\" \"b\"))"},
      {"d.name not in xs", "(not in (. d name) xs)"},
      {"f.ends_with(\".map\")", "(method ends_with f \".map\")"},
      {"len(s) > 2", "(> (call len s) 2)"},
      {"count(reviewers) >= 2", "(>= (call count reviewers) 2)"},
      {"count(a in approvals: a.team == \"x\")", "(count a approvals (== (. a team) \"x\"))"},
      {"all(d in deps: d.pinned)", "(all d deps (. d pinned))"},
      {"none(f in files: f.glob(\"**/*.map\"))", "(none f files (method glob f \"**/*.map\"))"},
      {"{ a.user for a in approvals where a.user != author }",
       "(set-for a (. a user) approvals (!= (. a user) author))"},
      {"[d.name for d in deps]", "(list-for d (. d name) deps)"},
      {"has(release.signer)", "(has (. release signer))"},
      {"built - committed <= 24h", "(<= (- built committed) (duration 1d))"},
      {"t < 2026-12-31", "(< t (time 2026-12-31T00:00:00Z))"},
      {"t < 2026-12-31T10:00:00+02:00", "(< t (time 2026-12-31T08:00:00Z))"},
      {"1h30m", "(duration 1h30m)"},
      {"xs[0].name", "(. (index xs 0) name)"},
      {"a / b / c", "(/ (/ a b) c)"},
      {"x matches /a\\/b/", "(matches x /a/b/)"},
      {"x.count", "(. x count)"},
      {"1.5e3", "1500"},
      {"\"tab\\tquote\\\"\"", "\"tab\tquote\\\"\""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.src);
    CHECK(ParseExpr(c.src) == c.want);
  }
}

TEST_CASE("syntax errors are positioned and worded for people") {
  std::string diagnostics;
  CHECK(ParseExpr("a and", &diagnostics) == "<error>");
  CHECK(diagnostics ==
        "expr.gate:1:6: error: expected an expression after `and`, found end of file\n"
        " 1 | a and\n"
        "   |      ^\n");
  CHECK(ParseExpr("a $ b", &diagnostics) == "<error>");
  CHECK(diagnostics.find("expr.gate:1:3: error: unexpected character `$`") == 0);
  // C's operators, written from habit, get the word to use.
  CHECK(ParseExpr("a && b", &diagnostics) == "<error>");
  CHECK(diagnostics.find("expr.gate:1:3: error: unexpected character `&`") == 0);
  CHECK(diagnostics.find("= help: write `and` for a logical and (`&&` in other languages)") !=
        std::string::npos);
  CHECK(ParseExpr("a || b", &diagnostics) == "<error>");
  CHECK(diagnostics.find("= help: write `or` for a logical or") != std::string::npos);
  CHECK(ParseExpr("!a", &diagnostics) == "<error>");
  CHECK(diagnostics.find("= help: write `not` for a negation") != std::string::npos);
}

TEST_CASE("deep nesting is refused before the parser recurses") {
  std::string diagnostics;
  CHECK(ParseExpr(std::string(100000, '(') + "1" + std::string(100000, ')'), &diagnostics) ==
        "<error>");
  CHECK(diagnostics.find("error: expression nested deeper than 64 levels") != std::string::npos);
  std::string nots;
  for (int i = 0; i < 5000; ++i)
    nots += "not ";
  CHECK(ParseExpr(nots + "true", &diagnostics) == "<error>");
  CHECK(diagnostics.find("nested deeper than") != std::string::npos);
  // `??` is right-associative: each one is a level of parser recursion.
  std::string coalesce = "a";
  for (int i = 0; i < 30000; ++i)
    coalesce += " ?? a";
  CHECK(ParseExpr(coalesce, &diagnostics) == "<error>");
  CHECK(diagnostics.find("nested deeper than 64 levels") != std::string::npos);
  // The 150 KB line is shown as a window around the caret, not whole.
  CHECK(diagnostics.size() < 600);
  CHECK(diagnostics.find(" | ...") != std::string::npos);
  std::string chain = "a";
  for (int i = 0; i < 300; ++i)
    chain += " and a";
  CHECK(ParseExpr(chain, &diagnostics) == "<error>");
  CHECK(diagnostics.find("nested deeper than 256 levels") != std::string::npos);
}

TEST_CASE("modules: package, imports, facts, bindings, rules, exceptions, comments") {
  const char* text = R"(# leading comment
package acme.release
import std.baseline as base with { min_reviewers: 3 }
import "common.gate"
facts {
  release: { author: string, signer: string? }   # trailing comment
  deps: [{ name: string }]
  labels: map[string]string
}
let names = [d.name for d in deps]
const limit: int = 2
deny r1 "has {count(names)} names, {{literal}}": count(names) <= limit
hold r2 for d in deps where d.name != "x" "bad {d.name}": d.name.starts_with("a")
warn r3 "w": true
except r2 when d.name == "legacy" until 2026-12-31 owner "sec" reason "SEC-1"
)";
  SourceMap sources;
  const FileId file = sources.Add("m.gate", text);
  DiagnosticSink sink;
  IdAllocator ids;
  auto module = ParseModule(sources, file, ids, sink);
  REQUIRE(module.has_value());
  CHECK(PrintModule(*module) ==
        "package acme.release\n"
        "import std.baseline as base min_reviewers=3\n"
        "import \"common.gate\"\n"
        "fact release: {author: string, signer: string?}\n"
        "fact deps: [{name: string}]\n"
        "fact labels: map[string]string\n"
        "let names = (list-for d (. d name) deps)\n"
        "const limit: int = 2\n"
        "deny r1 msg(\"has \"{(call count names)}\" names, {literal}\"): (<= (call count names) "
        "limit)\n"
        "hold r2 for d in deps where (!= (. d name) \"x\") msg(\"bad \"{(. d name)}): "
        "(method starts_with (. d name) \"a\")\n"
        "warn r3 msg(\"w\"): true\n"
        "except r2 when (== (. d name) \"legacy\") until 2027-01-01T00:00:00Z owner \"sec\" "
        "reason \"SEC-1\"\n");
  REQUIRE(module->comments.size() == 2);
  CHECK(module->comments[0].text == "# leading comment");
  CHECK(module->comments[1].text == "# trailing comment");
}

TEST_CASE("bad literals and templates are diagnostics at the literal") {
  const Case cases[] = {
      {"deny r \"x {\": true", "unclosed `{` in message template"},
      {"deny r \"x }\": true", "unmatched `}` in message template"},
      {"deny r \"x {}\": true", "empty `{}` in message template"},
      {"deny r \"x {a +}\": true", "expected an expression after `+`"},
      {"deny r \"x\": t < 2026-02-30", "invalid date `2026-02-30`"},
      {"deny r \"x\": n > 99999999999999999999", "integer `99999999999999999999` is out of range"},
      {"deny r \"\\q\": true", "unknown escape `\\q` in string"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.src);
    SourceMap sources;
    const FileId file = sources.Add("t.gate", c.src);
    DiagnosticSink sink;
    IdAllocator ids;
    CHECK_FALSE(ParseModule(sources, file, ids, sink).has_value());
    CHECK(RenderAll(sink, sources).find(c.want) != std::string::npos);
  }
}

TEST_CASE("an unclosed brace in a message is reported once, at the brace") {
  for (const char* src :
       {"deny r \"abc {release.tag\": true", "deny r \"abc {release.tag ?? \"x\"\": true",
        "deny r for d in l where d.ok \"abc {d.name\"\n"}) {
    CAPTURE(src);
    SourceMap sources;
    const FileId file = sources.Add("t.gate", src);
    DiagnosticSink sink;
    IdAllocator ids;
    CHECK_FALSE(ParseModule(sources, file, ids, sink).has_value());
    REQUIRE(sink.diagnostics().size() == 1);
    const std::string rendered = RenderAll(sink, sources);
    const size_t brace = std::string(src).find('{');
    CHECK(rendered.find("t.gate:1:" + std::to_string(brace + 1) +
                        ": error: unclosed `{` in message template") == 0);
  }
}

TEST_CASE("a reserved word where a name must stand is named as such") {
  const Case cases[] = {
      {"let now = 1", "t.gate:1:5: error: `now` is a reserved word and cannot be used as a name"},
      {"let count = 5", "t.gate:1:5: error: `count` is a reserved word"},
      {"const in: int = 2", "t.gate:1:7: error: `in` is a reserved word"},
      {"deny for \"x\": true", "t.gate:1:6: error: `for` is a reserved word"},
      {"deny r for has in l \"x\": true", "t.gate:1:12: error: `has` is a reserved word"},
      {"deny r \"x\": [a for all in l]", "t.gate:1:20: error: `all` is a reserved word"},
      // Inside an expression a keyword may start one: the usual message.
      {"deny r \"x\": a and\ndeny s \"y\": true",
       "t.gate:2:1: error: expected an expression after `and`, found `deny`"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.src);
    SourceMap sources;
    const FileId file = sources.Add("t.gate", c.src);
    DiagnosticSink sink;
    IdAllocator ids;
    CHECK_FALSE(ParseModule(sources, file, ids, sink).has_value());
    CHECK(RenderAll(sink, sources).find(c.want) == 0);
  }
}

TEST_CASE("template hole spans point into the file") {
  SourceMap sources;
  const FileId file = sources.Add("t.gate", "deny r \"n={x.y z}\": true");
  DiagnosticSink sink;
  IdAllocator ids;
  CHECK_FALSE(ParseModule(sources, file, ids, sink).has_value());
  CHECK(RenderAll(sink, sources).find("t.gate:1:16: error: unexpected `z`") == 0);
}

// Kind, text, spans relative to `base` and ids relative to the first: what the checker and
// the bundle's syntax tree see of an expression.
std::string Dump(const Expr& e, uint32_t base, ExprId first) {
  std::string out = fmt::format("({} {} [{},{}) [{},{}) #{}", static_cast<int>(e.kind), e.text,
                                e.span.begin - base, e.span.end - base,
                                e.var_span.end > 0 ? e.var_span.begin - base : 0,
                                e.var_span.end > 0 ? e.var_span.end - base : 0, e.id - first);
  for (const auto& child : e.children)
    out += " " + Dump(*child, base, first);
  return out + ")";
}

TEST_CASE("a hole that is a fact path is lowered as the parser lowers it") {
  for (const char* hole : {"d", "d.name", "release.signer.name", "x.count", "_a.b_2.c3", "a.now",
                           "now", "true", "d .name", "d.name.starts_with(\"x\")", "a.b ?? c"}) {
    const std::string shown = hole;
    CAPTURE(shown);
    SourceMap sources;
    const std::string text = fmt::format("deny r \"m {{{}}} n\": true", hole);
    const FileId file = sources.Add("t.gate", text);
    DiagnosticSink sink;
    IdAllocator ids;
    auto module = ParseModule(sources, file, ids, sink);
    REQUIRE(module.has_value());
    const Expr& lowered = *module->rules[0].message.parts[1].expr;
    const uint32_t base = static_cast<uint32_t>(text.find('{')) + 1;
    SourceMap alone;
    const FileId hole_file = alone.Add("h.gate", hole);
    IdAllocator hole_ids;
    ExprPtr parsed = ParseExpression(alone, hole_file, hole_ids, sink);
    REQUIRE(parsed != nullptr);
    CHECK(Dump(lowered, base, lowered.id) == Dump(*parsed, 0, parsed->id));
  }
}

TEST_CASE("invalid UTF-8 in a policy is reported with its byte offset") {
  SourceMap sources;
  const FileId file = sources.Add("t.gate", std::string("deny r \"\xff\": true"));
  DiagnosticSink sink;
  IdAllocator ids;
  CHECK_FALSE(ParseModule(sources, file, ids, sink).has_value());
  CHECK(RenderAll(sink, sources).find("source is not valid UTF-8 at byte 8") != std::string::npos);
}

TEST_CASE("non-ASCII text keeps spans aligned") {
  SourceMap sources;
  const FileId file = sources.Add("t.gate", "deny r \"größe {x}\": y +");
  DiagnosticSink sink;
  IdAllocator ids;
  CHECK_FALSE(ParseModule(sources, file, ids, sink).has_value());
  // The caret sits under the end of input, counted in characters, not bytes.
  CHECK(RenderAll(sink, sources) ==
        "t.gate:1:24: error: expected an expression after `+`, found end of file\n"
        " 1 | deny r \"größe {x}\": y +\n"
        "   |                        ^\n");
}

}  // namespace
}  // namespace relgate::syntax
