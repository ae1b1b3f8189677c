// `relgate lsp` over its real transport: a JSON-RPC client (tests/lsp_client.h) starts the
// server, opens and edits policies in a scratch directory and checks each answer:
// diagnostics with exact ranges, hover, definition (into the stdlib's read-only copies),
// references, completion, signature help, symbols, formatting, rename, quick fixes,
// policy test files, UTF-16 and UTF-8 positions, and a session that survives bad input.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "engine/base/json_writer.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/lsp_client.h"
#include "tests/test_util.h"
#include <sys/stat.h>

namespace relgate::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMain = R"(# acme's gate.
package acme.release

import std.deps with { cooldown: 3d } skip [expected_source]

facts {
  # Who built the release.
  builder: { id: string, hosted: bool }
  release: { branch: string, title: string }
}

# The trusted builder's prefix.
const builder_prefix = "https://builder.example/"

# Only hosted runners of the trusted builder.
deny hosted "built on {builder.id}, not a hosted runner":
  builder.hosted and builder.id.starts_with(builder_prefix)

deny named for d in dependencies "{d.name} has an empty name":
  d.name.trim() != "" and on_main

except deps.pinned_with_hash when d.name == "legacy"
  until 2027-06-30 owner "sec" reason "SEC-1"
)";

constexpr const char* kLets = R"(package acme.release

let on_main = release.branch == "main"

warn title "café 🚀 {release.title}": on_main or release.title != ""
)";

void Write(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string Uri(const fs::path& path) {
  return "file://" + fs::weakly_canonical(path).string();
}

// The protocol position of the `nth` occurrence of `needle` in `text` (plus `shift`
// characters), counted in UTF-16 units or UTF-8 bytes.
std::string PositionOf(const std::string& text, const std::string& needle, int shift = 0,
                       int nth = 0, bool utf8 = false) {
  size_t at = text.find(needle);
  for (int i = 0; i < nth && at != std::string::npos; ++i)
    at = text.find(needle, at + 1);
  REQUIRE(at != std::string::npos);
  at += shift;
  const size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
  const size_t begin = line_start == std::string::npos ? 0 : line_start + 1;
  int line = 0;
  for (size_t i = 0; i < begin; ++i)
    line += text[i] == '\n';
  int character = 0;
  for (size_t i = begin; i < at;) {
    const auto c = static_cast<unsigned char>(text[i]);
    const int length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    character += utf8 ? length : (length == 4 ? 2 : 1);
    i += length;
  }
  return fmt::format(R"({{"line":{},"character":{}}})", line, character);
}

std::string At(const std::string& uri, const std::string& position) {
  return fmt::format(R"({{"textDocument":{{"uri":{}}},"position":{}}})", JsonQuote(uri), position);
}

std::string Range(const facts::Node* range) {
  return fmt::format("{}:{}-{}:{}", Int(testing::At(range, "start.line")),
                     Int(testing::At(range, "start.character")),
                     Int(testing::At(range, "end.line")), Int(testing::At(range, "end.character")));
}

struct Session {
  fs::path dir;
  fs::path cache;
  std::unique_ptr<LspClient> client;

  explicit Session(const std::string& name, const std::string& capabilities = "{}") {
    dir = TempDir("relgate-lsp-" + name);
    cache = dir / "cache";
    fs::create_directories(dir / "policy");
    Write(dir / "policy" / "main.gate", kMain);
    Write(dir / "policy" / "lets.gate", kLets);
    client = std::make_unique<LspClient>(fmt::format(
        "{} '{}' lsp --cache-dir '{}'", SanitizerEnv().empty() ? "" : "env" + SanitizerEnv(),
        RELGATE_BINARY, cache.string()));
    Message init = client->Request(
        "initialize", fmt::format(R"({{"processId":null,"rootUri":{},"capabilities":{}}})",
                                  JsonQuote(Uri(dir)), capabilities));
    REQUIRE(Str(testing::At(&init->root(), "result.serverInfo.name")) == "relgate");
    client->Notify("initialized", "{}");
  }

  std::string Open(const std::string& file, const std::string& text) {
    const std::string uri = Uri(dir / "policy" / file);
    client->Notify(
        "textDocument/didOpen",
        fmt::format(R"({{"textDocument":{{"uri":{},"languageId":"gate","version":1,"text":{}}}}})",
                    JsonQuote(uri), JsonQuote(text)));
    return uri;
  }

  void Replace(const std::string& uri, int version, const std::string& text) {
    client->Notify(
        "textDocument/didChange",
        fmt::format(
            R"({{"textDocument":{{"uri":{},"version":{}}},"contentChanges":[{{"text":{}}}]}})",
            JsonQuote(uri), version, JsonQuote(text)));
  }

  int Shutdown() {
    Message reply = client->Request("shutdown", "null");
    CHECK(testing::At(&reply->root(), "error") == nullptr);
    client->Notify("exit", "null");
    return client->Finish();
  }
};

}  // namespace

TEST_CASE("lsp: a clean policy has no diagnostics, an edit gets them with ranges and help") {
  Session s("diagnostics");
  const std::string uri = s.Open("main.gate", kMain);
  Message clean = s.client->Diagnostics(uri);
  CHECK(testing::At(&clean->root(), "params.diagnostics")->len == 0);

  std::string broken = kMain;
  broken.replace(broken.find("builder.hosted and"), 14, "builder.hostd");
  s.Replace(uri, 2, broken);
  Message d = s.client->Diagnostics(uri);
  CHECK(Int(testing::At(&d->root(), "params.version")) == 2);
  const facts::Node* first = testing::At(&d->root(), "params.diagnostics.0");
  REQUIRE(first != nullptr);
  CHECK(Str(testing::At(first, "code")) == "unknown-fact");
  CHECK(Str(testing::At(first, "message")) ==
        "unknown fact `builder.hostd`\nhelp: did you mean `builder.hosted`?");
  CHECK(Int(testing::At(first, "severity")) == 1);
  CHECK(Range(testing::At(first, "range")) == "16:2-16:15");

  // The quick fix takes the suggestion.
  Message actions = s.client->Request(
      "textDocument/codeAction",
      fmt::format(
          R"({{"textDocument":{{"uri":{}}},"range":{},"context":{{"diagnostics":[{}]}}}})",
          JsonQuote(uri), R"({"start":{"line":16,"character":2},"end":{"line":16,"character":15}})",
          R"({"range":{"start":{"line":16,"character":2},"end":{"line":16,"character":15}},"source":"relgate","code":"unknown-fact","message":"unknown fact","data":{"help":"did you mean `builder.hosted`?"}})"));
  CHECK(Str(testing::At(&actions->root(), "result.0.title")) == "Replace with `builder.hosted`");
  const std::string edit_path = "result.0.edit.changes." + uri;
  // The URI holds dots: find the edit by walking the one key of `changes`.
  const facts::Node* changes = testing::At(&actions->root(), "result.0.edit.changes");
  REQUIRE(changes != nullptr);
  REQUIRE(changes->len == 1);
  CHECK(changes->members[0].name() == uri);
  CHECK(Str(testing::At(&changes->members[0].value, "0.newText")) == "builder.hosted");

  // Fixed again: the diagnostics are cleared.
  s.Replace(uri, 3, kMain);
  Message fixed = s.client->Diagnostics(uri);
  CHECK(testing::At(&fixed->root(), "params.diagnostics")->len == 0);

  // A syntax error is reported where it is, and the session goes on.
  std::string unparsable = kMain;
  unparsable.replace(unparsable.find("deny named"), 4, "dney");
  s.Replace(uri, 4, unparsable);
  Message syntax = s.client->Diagnostics(uri);
  const facts::Node* error = testing::At(&syntax->root(), "params.diagnostics.0");
  REQUIRE(error != nullptr);
  CHECK(Str(testing::At(error, "code")) == "syntax");
  CHECK(Range(testing::At(error, "range")) == "18:0-18:4");
  // Above the broken line the last text that parsed still answers hover and definition.
  Message hover =
      s.client->Request("textDocument/hover", At(uri, PositionOf(kMain, "builder_prefix =")));
  CHECK(Str(testing::At(&hover->root(), "result.contents.value"))
            .rfind("```gate\nconst builder_prefix", 0) == 0);
  Message below = s.client->Request("textDocument/hover", At(uri, PositionOf(kMain, "on_main")));
  CHECK(testing::At(&below->root(), "result")->kind == facts::NodeKind::kNull);
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: diagnostics of a sibling file follow an edit of the file it depends on") {
  Session s("siblings");
  const std::string main_uri = s.Open("main.gate", kMain);
  s.client->Diagnostics(main_uri);
  const std::string lets_uri = s.Open("lets.gate", kLets);
  s.client->Diagnostics(lets_uri);
  s.client->Diagnostics(main_uri);
  std::string renamed = kLets;
  renamed.replace(renamed.find("let on_main"), 11, "let on_trunk");
  s.Replace(lets_uri, 2, renamed);
  Message d = s.client->Diagnostics(main_uri);
  const facts::Node* first = testing::At(&d->root(), "params.diagnostics.0");
  REQUIRE(first != nullptr);
  CHECK(Str(testing::At(first, "message")).find("unknown name `on_main`") == 0);
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: a syntax error in one file leaves the type errors of the others reported") {
  Session s("syntax-beside-types");
  const std::string lets_uri = s.Open("lets.gate", kLets);
  s.client->Diagnostics(lets_uri);
  std::string broken_lets = kLets;
  broken_lets.replace(broken_lets.find("warn title"), 4, "wran");
  s.Replace(lets_uri, 2, broken_lets);
  Message lets = s.client->Diagnostics(lets_uri);
  CHECK(testing::At(&lets->root(), "params.diagnostics")->len == 1);
  CHECK(Str(testing::At(&lets->root(), "params.diagnostics.0.code")) == "syntax");

  // main.gate uses `on_main`, declared in the file that does not parse: not reported; its
  // own type error is.
  std::string typed = kMain;
  typed.replace(typed.find("d.name.trim() != \"\""), 19, "d.name.trim() != 3");
  const std::string main_uri = s.Open("main.gate", typed);
  // Skip what was published for main.gate before it was opened (the text on disk).
  Message d = s.client->Diagnostics(main_uri);
  while (testing::At(&d->root(), "params.version") == nullptr)
    d = s.client->Diagnostics(main_uri);
  REQUIRE(testing::At(&d->root(), "params.diagnostics")->len == 1);
  const facts::Node* error = testing::At(&d->root(), "params.diagnostics.0");
  CHECK(Str(testing::At(error, "message")) == "`!=` cannot combine `string` and `int`");
  CHECK(Range(testing::At(error, "range")) == "19:2-19:20");
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: hover tells types, rules, consts, modules and builtins") {
  Session s("hover");
  const std::string uri = s.Open("main.gate", kMain);
  auto hover = [&](const std::string& needle, int shift = 0, int nth = 0) {
    Message m =
        s.client->Request("textDocument/hover", At(uri, PositionOf(kMain, needle, shift, nth)));
    return Str(testing::At(&m->root(), "result.contents.value"));
  };
  CHECK(hover("builder.hosted and", 9) ==
        "```gate\n(fact) builder.hosted: bool\n```\n\nWho built the release.");
  CHECK(hover("hosted \"built") ==
        "```gate\ndeny hosted\n```\n\nMessage: \"built on {builder.id}, not a hosted runner\"\n\n"
        "Only hosted runners of the trusted builder.");
  CHECK(hover("builder_prefix)") ==
        "```gate\nconst builder_prefix: string = \"https://builder.example/\"\n```\n\n"
        "The trusted builder's prefix.");
  CHECK(hover("starts_with") ==
        "```gate\nstarts_with(string, string) -> bool\n```\n\n`s.starts_with(prefix)`: true if `s` "
        "begins with `prefix`");
  CHECK(hover("d.name.trim", 0) ==
        "```gate\n(variable) d: {name: string, version: string, pinned: "
        "bool, integrity: string?, source: string?, has_install_script: "
        "bool?, published_at: time?, go_mod_only: bool?, bundled: bool?}\n```");
  const std::string module = hover("std.deps");
  CHECK(module.rfind("```gate\nimport std.deps as deps\n```\n\nstd.deps: rules over a release's",
                     0) == 0);
  CHECK(module.find("- `cooldown: duration` = `7d` where `cooldown >= 0s`") != std::string::npos);
  CHECK(hover("cooldown:").find("const deps.cooldown: duration = 3d") != std::string::npos);
  CHECK(hover("pinned_with_hash").find("deny deps.pinned_with_hash for d in dependencies") !=
        std::string::npos);
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: definition and references, across files and into the stdlib") {
  Session s("navigation");
  const std::string uri = s.Open("main.gate", kMain);
  const std::string lets_uri = Uri(s.dir / "policy" / "lets.gate");
  auto definition = [&](const std::string& needle, int shift = 0) {
    return s.client->Request("textDocument/definition", At(uri, PositionOf(kMain, needle, shift)));
  };
  // A let of the sibling file.
  Message let = definition("on_main");
  CHECK(Str(testing::At(&let->root(), "result.0.uri")) == lets_uri);
  CHECK(Range(testing::At(&let->root(), "result.0.range")) == "2:4-2:11");
  // A loop variable.
  Message local = definition("d.name.trim");
  CHECK(Range(testing::At(&local->root(), "result.0.range")) == "18:15-18:16");
  // A stdlib rule: its read-only copy in the cache, the same text as the embedded module.
  Message rule = definition("pinned_with_hash");
  const std::string std_uri = Str(testing::At(&rule->root(), "result.0.uri"));
  REQUIRE(std_uri.rfind(Uri(s.cache) + "/stdlib/", 0) == 0);
  const std::string std_path = std_uri.substr(7);
  CHECK(ReadFile(std_path) == ReadFile(SourceDir() + "/stdlib/deps.gate"));

  struct stat st {};

  REQUIRE(stat(std_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0222) == 0);
  const std::string deps = ReadFile(SourceDir() + "/stdlib/deps.gate");
  CHECK(fmt::format("{{\"line\":{},\"character\":{}}}",
                    Int(testing::At(&rule->root(), "result.0.range.start.line")),
                    Int(testing::At(&rule->root(), "result.0.range.start.character"))) ==
        PositionOf(deps, "pinned_with_hash"));
  // A fact field: its declaration in this file's facts block.
  Message fact = definition("builder.id}", 8);
  CHECK(Str(testing::At(&fact->root(), "result.0.uri")) == uri);
  CHECK(Range(testing::At(&fact->root(), "result.0.range")) == "7:13-7:15");
  // References of the const: its declaration and its one use.
  Message refs = s.client->Request(
      "textDocument/references",
      fmt::format(
          R"({{"textDocument":{{"uri":{}}},"position":{},"context":{{"includeDeclaration":true}}}})",
          JsonQuote(uri), PositionOf(kMain, "builder_prefix =")));
  const facts::Node* list = testing::At(&refs->root(), "result");
  REQUIRE(list != nullptr);
  CHECK(list->len == 2);
  CHECK(Range(testing::At(list, "0.range")) == "12:6-12:20");
  CHECK(Range(testing::At(list, "1.range")) == "16:44-16:58");
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: completion of fields, modules, parameters, rules and names") {
  Session s("completion");
  const std::string uri = s.Open("main.gate", kMain);
  auto labels = [&](const std::string& text, const std::string& needle, int shift) {
    s.Replace(uri, 2, text);
    Message m =
        s.client->Request("textDocument/completion", At(uri, PositionOf(text, needle, shift)));
    std::vector<std::string> out;
    const facts::Node* items = testing::At(&m->root(), "result.items");
    for (uint32_t i = 0; items && i < items->len; ++i)
      out.push_back(Str(testing::At(&items->items[i], "label")));
    return out;
  };
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  // After a `.` mid-edit (the text does not parse): the record's fields, then methods.
  std::string text = kMain;
  text.replace(text.find("builder.hosted and"), 14, "builder.");
  auto fields = labels(text, "builder. and", 8);
  CHECK(has(fields, "hosted"));
  CHECK(has(fields, "id"));
  CHECK(!has(fields, "branch"));
  // Fields of a loop variable's items.
  text = kMain;
  text.replace(text.find("d.name.trim()"), 13, "d.");
  auto item_fields = labels(text, "d. !=", 2);
  CHECK(has(item_fields, "integrity"));
  CHECK(has(item_fields, "has_install_script"));
  // Methods of a string.
  text = kMain;
  text.replace(text.find("starts_with(builder_prefix)"), 27, "");
  auto methods = labels(text, "builder.id.\n", 11);
  CHECK(has(methods, "starts_with"));
  CHECK(has(methods, "trim"));
  CHECK(!has(methods, "hosted"));
  // Module names after `import std.`.
  text = std::string(kMain).insert(std::string(kMain).find("facts {"), "import std.\n");
  auto modules = labels(text, "import std.\n", 11);
  CHECK(has(modules, "workflows"));
  CHECK(has(modules, "deps"));
  // A module's parameters inside `with { }`.
  text = kMain;
  text.replace(text.find("cooldown: 3d"), 12, "cooldown: 3d, ");
  auto params = labels(text, "3d, ", 4);
  CHECK(has(params, "install_script_allowlist"));
  CHECK(has(params, "allowed_sources"));
  // Rule names in `skip [...]` and after `except`.
  text = kMain;
  text.replace(text.find("[expected_source]"), 17, "[]");
  auto rules = labels(text, "skip [", 6);
  CHECK(has(rules, "cooldown"));
  CHECK(has(rules, "install_scripts"));
  text = std::string(kMain) + "except \n";
  auto excepted = labels(text, "except \n", 7);
  CHECK(has(excepted, "hosted"));
  CHECK(has(excepted, "deps.cooldown"));
  // At the start of a condition: facts, lets, consts, modules, builtins.
  text = kMain;
  auto names = labels(text, "builder.hosted and", 0);
  for (const char* name : {"builder", "release", "dependencies", "on_main", "builder_prefix",
                           "deps", "starts_with", "not"})
    CHECK_MESSAGE(has(names, name), name);
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: signature help counts arguments, a method's receiver first") {
  Session s("signature");
  std::string text = kMain;
  text.replace(text.find("builder.id.starts_with(builder_prefix)"), 38, "starts_with(builder.id, ");
  const std::string uri = s.Open("main.gate", text);
  Message m = s.client->Request("textDocument/signatureHelp",
                                At(uri, PositionOf(text, "builder.id, ", 12)));
  CHECK(Str(testing::At(&m->root(), "result.signatures.0.label")) ==
        "starts_with(string, string) -> bool");
  CHECK(Int(testing::At(&m->root(), "result.activeParameter")) == 1);
  Message method =
      s.client->Request("textDocument/signatureHelp", At(uri, PositionOf(kMain, "trim()", 5)));
  CHECK(Str(testing::At(&method->root(), "result.signatures.0.label")).rfind("trim(", 0) == 0);
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: document symbols, formatting and rename") {
  Session s("edits");
  const std::string uri = s.Open("main.gate", kMain);
  Message symbols =
      s.client->Request("textDocument/documentSymbol",
                        fmt::format(R"({{"textDocument":{{"uri":{}}}}})", JsonQuote(uri)));
  std::vector<std::string> names;
  const facts::Node* list = testing::At(&symbols->root(), "result");
  for (uint32_t i = 0; list && i < list->len; ++i)
    names.push_back(Str(testing::At(&list->items[i], "name")));
  CHECK(names == std::vector<std::string>{"std.deps", "builder", "release", "builder_prefix",
                                          "hosted", "named", "except deps.pinned_with_hash"});

  // Formatting gives what `relgate fmt` prints.
  const std::string messy = std::string(kMain).replace(
      std::string(kMain).find("const builder_prefix = "), 23, "const   builder_prefix=");
  const fs::path messy_file = s.dir / "messy.gate";
  Write(messy_file, messy);
  const std::string formatted = RunRelgate("fmt '" + messy_file.string() + "'", false).output;
  s.Replace(uri, 2, messy);
  Message edits = s.client->Request(
      "textDocument/formatting",
      fmt::format(
          R"({{"textDocument":{{"uri":{}}},"options":{{"tabSize":2,"insertSpaces":true}}}})",
          JsonQuote(uri)));
  CHECK(Str(testing::At(&edits->root(), "result.0.newText")) == formatted);
  CHECK(formatted == kMain);
  // A file that does not parse is not formatted, and the client is told why.
  s.Replace(uri, 3, "deny x \"m\": (");
  Message refused = s.client->Request(
      "textDocument/formatting",
      fmt::format(
          R"({{"textDocument":{{"uri":{}}},"options":{{"tabSize":2,"insertSpaces":true}}}})",
          JsonQuote(uri)));
  CHECK(Int(testing::At(&refused->root(), "error.code")) == -32803);

  // Rename a let: its declaration in lets.gate and its use here.
  s.Replace(uri, 4, kMain);
  Message rename = s.client->Request(
      "textDocument/rename",
      fmt::format(R"({{"textDocument":{{"uri":{}}},"position":{},"newName":"on_trunk"}})",
                  JsonQuote(uri), PositionOf(kMain, "on_main")));
  const facts::Node* changes = testing::At(&rename->root(), "result.changes");
  REQUIRE(changes != nullptr);
  CHECK(changes->len == 2);
  size_t edits_total = 0;
  for (uint32_t i = 0; i < changes->len; ++i) {
    edits_total += changes->members[i].value.len;
    CHECK(Str(testing::At(&changes->members[i].value, "0.newText")) == "on_trunk");
  }
  CHECK(edits_total == 3);  // the declaration, the use here, the use in lets.gate
  // Names the stdlib defines cannot be renamed; nor can a name become a keyword.
  Message stdlib = s.client->Request("textDocument/prepareRename",
                                     At(uri, PositionOf(kMain, "pinned_with_hash")));
  CHECK(testing::At(&stdlib->root(), "result")->kind == facts::NodeKind::kNull);
  Message keyword = s.client->Request(
      "textDocument/rename",
      fmt::format(R"({{"textDocument":{{"uri":{}}},"position":{},"newName":"deny"}})",
                  JsonQuote(uri), PositionOf(kMain, "on_main")));
  CHECK(Int(testing::At(&keyword->root(), "error.code")) == -32803);
  // An exception skeleton for the rule at the cursor.
  Message action = s.client->Request(
      "textDocument/codeAction",
      fmt::format(
          R"({{"textDocument":{{"uri":{}}},"range":{{"start":{},"end":{}}},"context":{{"diagnostics":[]}}}})",
          JsonQuote(uri), PositionOf(kMain, "hosted \""), PositionOf(kMain, "hosted \"")));
  CHECK(Str(testing::At(&action->root(), "result.0.title")) == "Add an exception to rule `hosted`");
  const std::string skeleton = Str(testing::At(
      &action->root().Find("result")->items[0].Find("edit")->Find("changes")->members[0].value,
      "0.newText"));
  CHECK(skeleton.rfind("\nexcept hosted\n  until ", 0) == 0);
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: positions in UTF-16 units by default, UTF-8 bytes when the client asks") {
  for (const bool utf8 : {false, true}) {
    CAPTURE(utf8);
    Session s(utf8 ? "utf8" : "utf16",
              utf8 ? R"({"general":{"positionEncodings":["utf-8","utf-16"]}})" : "{}");
    const std::string uri = s.Open("lets.gate", kLets);
    const std::string position = PositionOf(kLets, "release.title}", 8, 0, utf8);
    Message m = s.client->Request("textDocument/hover", At(uri, position));
    CHECK(Str(testing::At(&m->root(), "result.contents.value")) ==
          "```gate\n(fact) release.title: string\n```");
    const int begin = utf8 ? 24 : 21;  // `warn title "café 🚀 {` in bytes or in UTF-16 units
    CHECK(Range(testing::At(&m->root(), "result.range")) ==
          fmt::format("4:{}-4:{}", begin + 8, begin + 13));
    CHECK(s.Shutdown() == 0);
  }
}

TEST_CASE("lsp: policy test files: malformed cases, missing fixtures, unknown rules") {
  Session s("tests");
  const std::string text = R"(tests:
  - name: hosted builds pass
    facts: [missing/release.yaml]
    expect:
      verdict: shut
      findings:
        - { rule: hostd }
        - { rule: deps.expected_source }
)";
  const fs::path file = s.dir / "policy" / "main.test.yaml";
  Write(file, text);
  const std::string uri = Uri(file);
  s.client->Notify(
      "textDocument/didOpen",
      fmt::format(R"({{"textDocument":{{"uri":{},"languageId":"yaml","version":1,"text":{}}}}})",
                  JsonQuote(uri), JsonQuote(text)));
  Message d = s.client->Diagnostics(uri);
  const facts::Node* list = testing::At(&d->root(), "params.diagnostics");
  REQUIRE(list != nullptr);
  REQUIRE(list->len == 3);
  CHECK(Str(testing::At(list, "0.code")) == "missing-fixture");
  CHECK(Range(testing::At(list, "0.range")) == "2:12-2:32");
  CHECK(Str(testing::At(list, "1.message")) == "the policy has no rule `hostd`");
  CHECK(Range(testing::At(list, "1.range")) == "6:18-6:23");
  CHECK(Str(testing::At(list, "2.message")) ==
        "the policy has no rule `deps.expected_source` (its import skips it)");
  // Malformed: the loader's message on its line.
  s.Replace(uri, 2, "tests:\n  - name: x\n    expect: { verdict: maybe }\n    facts: [a.yaml]\n");
  Message malformed = s.client->Diagnostics(uri);
  const facts::Node* m = testing::At(&malformed->root(), "params.diagnostics.0");
  REQUIRE(m != nullptr);
  CHECK(Str(testing::At(m, "code")) == "malformed-test");
  CHECK(Str(testing::At(m, "message")) == "`verdict` is open, shut or undecided");
  CHECK(Range(testing::At(m, "range")).rfind("2:", 0) == 0);
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: a buffer whose file is not on disk yet is checked, beside its directory or alone") {
  Session s("unsaved");
  const std::string text = "package acme.release\n\nlet on_trunk = release.brnch == \"trunk\"\n";
  // In the policy's directory: checked with the files on disk (the schema is theirs).
  const std::string uri = s.Open("new.gate", text);
  Message d = s.client->Diagnostics(uri);
  const facts::Node* first = testing::At(&d->root(), "params.diagnostics.0");
  REQUIRE(first != nullptr);
  CHECK(Str(testing::At(first, "code")) == "unknown-fact");
  CHECK(Range(testing::At(first, "range")) == "2:15-2:28");
  CHECK(Str(testing::At(first, "message")).find("did you mean `release.branch`?") !=
        std::string::npos);
  // In a directory that does not exist: the file on its own.
  const std::string alone = "file://" + (s.dir / "nowhere" / "alone.gate").string();
  s.client->Notify(
      "textDocument/didOpen",
      fmt::format(R"({{"textDocument":{{"uri":{},"languageId":"gate","version":1,"text":{}}}}})",
                  JsonQuote(alone), JsonQuote(kMain)));
  Message own = s.client->Diagnostics(alone);
  const facts::Node* missing = testing::At(&own->root(), "params.diagnostics.0");
  REQUIRE(missing != nullptr);
  CHECK(Str(testing::At(missing, "message")).find("unknown name `on_main`") == 0);
  Message hover =
      s.client->Request("textDocument/hover", At(alone, PositionOf(kMain, "builder_prefix)")));
  CHECK(Str(testing::At(&hover->root(), "result.contents.value"))
            .rfind("```gate\nconst builder_prefix", 0) == 0);
  CHECK(s.Shutdown() == 0);
}

// Resident memory of a process and its children, in KiB (the server may run under `sh -c`).
long ResidentKib(pid_t pid) {
  long total = 0;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0)
      total += std::stol(line.substr(6));
  }
  std::ifstream children("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                         "/children");
  for (long child; children >> child;)
    total += ResidentKib(static_cast<pid_t>(child));
  return total;
}

TEST_CASE("lsp: memory stays bounded over a long editing session") {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return;  // the sanitizers keep freed memory in quarantine on purpose
#endif
  Session s("memory");
  const std::string uri = s.Open("main.gate", kMain);
  s.client->Diagnostics(uri);
  auto edit = [&](int version) {
    std::string text = kMain;
    text.replace(text.find("SEC-1"), 5, fmt::format("SEC-{}", version));
    s.Replace(uri, version, text);
    s.client->Diagnostics(uri);
    s.client->Request("textDocument/hover", At(uri, PositionOf(kMain, "builder.hosted and", 9)));
    s.client->Request("textDocument/completion",
                      At(uri, PositionOf(kMain, "builder.hosted and", 8)));
  };
  for (int v = 2; v < 60; ++v)
    edit(v);
  const long warm = ResidentKib(s.client->pid());
  for (int v = 60; v < 600; ++v)
    edit(v);
  const long after = ResidentKib(s.client->pid());
  CAPTURE(warm);
  CAPTURE(after);
  CHECK(warm > 0);
  CHECK(after < warm + 4 * 1024);  // 540 more edits, hovers and completions: no growth
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: the session survives bad input, protocol errors are answered") {
  Session s("robust");
  // Invalid JSON, a request for an unknown method, bad params, positions out of range.
  s.client->Send("{not json");
  Message parse_error = s.client->Read();
  CHECK(Int(testing::At(&parse_error->root(), "error.code")) == -32700);
  Message unknown = s.client->Request("textDocument/inlayHint", "{}");
  CHECK(Int(testing::At(&unknown->root(), "error.code")) == -32601);
  const std::string uri = s.Open("main.gate", kMain);
  Message far = s.client->Request("textDocument/hover", At(uri, R"({"line":4000,"character":99})"));
  CHECK(testing::At(&far->root(), "error") == nullptr);
  Message bad = s.client->Request("textDocument/hover", R"({"textDocument":7,"position":"x"})");
  CHECK(testing::At(&bad->root(), "error") == nullptr);
  Message nothing = s.client->Request("textDocument/definition",
                                      At("file:///nowhere.gate", R"({"line":0,"character":0})"));
  CHECK(testing::At(&nothing->root(), "result")->kind == facts::NodeKind::kNull);
  CHECK(s.Shutdown() == 0);
}

TEST_CASE("lsp: before initialize requests are refused, exit without shutdown is status 1") {
  const fs::path dir = TempDir("relgate-lsp-lifecycle");
  LspClient client(
      fmt::format("'{}' lsp --cache-dir '{}'", RELGATE_BINARY, (dir / "cache").string()));
  Message early = client.Request("textDocument/hover", "{}");
  CHECK(Int(testing::At(&early->root(), "error.code")) == -32002);
  client.Notify("exit", "null");
  CHECK(client.Finish() == 1);
  // A broken header ends the session (the stream cannot be resynchronised), status 1.
  LspClient broken(fmt::format("'{}' lsp --cache-dir '{}' 2>/dev/null", RELGATE_BINARY,
                               (dir / "cache").string()));
  broken.SendRaw("Content-Length: 99999999999999999999\r\n\r\n");
  CHECK(broken.Finish() == 1);
}

}  // namespace relgate::testing
