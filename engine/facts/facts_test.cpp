// Facts loading: both formats into one tree, strictness (duplicates, numbers, UTF-8,
// depth, alias expansion) with positions, and merging by top-level key.
#include "engine/facts/facts.h"

#include <doctest/doctest.h>

namespace relgate::facts {
namespace {

std::unique_ptr<Document> Yaml(const std::string& text, LoadError& error) {
  return ParseYaml(text, "f.yaml", error);
}

std::unique_ptr<Document> Json(const std::string& text, LoadError& error) {
  return ParseJson(text, "f.json", error);
}

TEST_CASE("YAML plain scalars resolve by the core schema, quoted ones stay strings") {
  LoadError error;
  auto doc = Yaml(
      "a: 12\nb: -3\nc: 1.5\nd: true\ne: null\nf: ~\ng: \"12\"\nh: 1.10.0\ni: 0x1f\nj: 'true'\n"
      "k: 1e3\nl:\n",
      error);
  REQUIRE(doc);
  const Node& root = doc->root();
  CHECK(root.Find("a")->kind == NodeKind::kInt);
  CHECK(root.Find("a")->i == 12);
  CHECK(root.Find("b")->i == -3);
  CHECK(root.Find("c")->kind == NodeKind::kFloat);
  CHECK(root.Find("d")->kind == NodeKind::kBool);
  CHECK(root.Find("e")->kind == NodeKind::kNull);
  CHECK(root.Find("f")->kind == NodeKind::kNull);
  CHECK(root.Find("g")->kind == NodeKind::kString);
  CHECK(root.Find("h")->kind == NodeKind::kString);
  CHECK(root.Find("h")->str() == "1.10.0");
  CHECK(root.Find("i")->i == 31);
  CHECK(root.Find("j")->kind == NodeKind::kString);
  CHECK(root.Find("k")->kind == NodeKind::kFloat);
  CHECK(root.Find("l")->kind == NodeKind::kNull);
}

TEST_CASE("YAML's escapes are characters: \\N and \\_ as UTF-8, like \\L and \\xE9") {
  LoadError error;
  auto doc = Yaml("a: \"x\\_y\\Nz\\Lw\\xE9\"\n\"k\\_\": 1\n", error);
  REQUIRE(doc);
  CHECK(doc->root().Find("a")->str() == "x\u00a0y\u0085z\u2028w\u00e9");
  CHECK(doc->root().Find("k\u00a0") != nullptr);
  // Invalid UTF-8 in the text itself is still refused, at its place.
  auto bad = Yaml("a: \"x\xA0\"\n", error);
  CHECK(!bad);
  CHECK(error.message == "invalid UTF-8");
}

TEST_CASE("JSON and YAML give the same tree") {
  LoadError error;
  auto y = Yaml("deps:\n  - {name: a, pinned: true, n: 3}\n", error);
  auto j = Json(R"({"deps": [{"name": "a", "pinned": true, "n": 3}]})", error);
  REQUIRE(y);
  REQUIRE(j);
  const Node* yd = y->root().Find("deps");
  const Node* jd = j->root().Find("deps");
  REQUIRE(yd->len == 1);
  REQUIRE(jd->len == 1);
  CHECK(yd->items[0].Find("name")->str() == jd->items[0].Find("name")->str());
  CHECK(yd->items[0].Find("pinned")->b == jd->items[0].Find("pinned")->b);
  CHECK(yd->items[0].Find("n")->i == jd->items[0].Find("n")->i);
}

TEST_CASE("strict loading: each rejection names the place") {
  struct Case {
    bool json;
    std::string text;
    std::string want;
  };

  const std::string deep_json = std::string(100000, '[') + std::string(100000, ']');
  const std::string deep_yaml = "a: " + std::string(100000, '[') + std::string(100000, ']');
  const Case cases[] = {
      {false, "a: 1\nb: 2\na: 3\n", "f.yaml:3:1: error: duplicate key \"a\""},
      {false, "x:\n  y: 1\n  y: 2\n", "f.yaml:3:3: error: duplicate key \"y\" (at `x.y`)"},
      {true, R"({"r": {"a": 1, "a": 2}})", "f.json: error: duplicate key \"a\" (at `r.a`)"},
      {true, R"({"n": 9223372036854775808})",
       "f.json: error: integer 9223372036854775808 is out of range (facts integers are 64-bit "
       "signed) (at `n`)"},
      {false, "n: 9223372036854775808\n",
       "f.yaml:1:4: error: integer 9223372036854775808 is out of range (facts integers are "
       "64-bit signed) (at `n`)"},
      {false, "n: .nan\n",
       "f.yaml:1:4: error: `.nan` (NaN or Infinity) is not allowed in facts (at `n`)"},
      {false, "n: -.inf\n",
       "f.yaml:1:4: error: `-.inf` (NaN or Infinity) is not allowed in facts (at `n`)"},
      {true, R"({"n": NaN})", "f.json:1:7: error: invalid JSON: expected a value"},
      {true, "{\"s\": \"\xff\"}", "f.json:1:8: error: invalid UTF-8"},
      {false, "s: \"ok\"\nt: \xc3\x28\n", "f.yaml:2:4: error: invalid UTF-8"},
      {true, deep_json, "f.json:1:129: error: nested deeper than the limit of 128 levels"},
      {false, deep_yaml, "error: nested too deeply for the YAML parser"},
      {false, "a: [1, 2\n", "f.yaml:2:1: error: invalid YAML:"},
      {false, "a: !custom x\n", "f.yaml:1:4: error: unsupported YAML tag `!custom`"},
      {false, "? [a]\n: 1\n", "f.yaml:1:3: error: mapping keys must be scalars"},
      {true, "{\"a\": 1", "f.json:1:8: error: invalid JSON: expected `,` or `}`"},
      {true, "{\n  \"a\": [1, 2,],\n}", "f.json:2:14: error: invalid JSON: expected a value"},
      {true, "{\"a\" 1}", "f.json:1:6: error: invalid JSON: expected `:`"},
      {true, "{\"a\": tru}", "f.json:1:7: error: invalid JSON: expected a value"},
      {true, "{\"a\": 1} x", "f.json:1:10: error: invalid JSON: expected end of input"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.want);
    LoadError error;
    auto doc = c.json ? Json(c.text, error) : Yaml(c.text, error);
    CHECK(doc == nullptr);
    CHECK(error.ToString().find(c.want) != std::string::npos);
  }
}

TEST_CASE("a billion-laughs YAML document fails fast instead of expanding") {
  std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (int level = 0; level < 9; ++level) {
    const std::string name = "l" + std::to_string(level);
    text += name + ": &" + name + " [";
    for (int k = 0; k < 10; ++k)
      text += (k ? ", *" : "*") + prev;
    text += "]\n";
    prev = name;
  }
  LoadError error;
  auto doc = Yaml(text, error);
  CHECK(doc == nullptr);
  CHECK(error.message.find("expands to more than") != std::string::npos);
}

TEST_CASE("YAML alias cycles are reported as such, with a readable path") {
  LoadError error;
  CHECK(Yaml("a: &x [1, *x]\n", error) == nullptr);
  CHECK(error.message == "a YAML alias refers to itself (a cycle)");
  CHECK(error.path.size() <= 120);
  CHECK(Yaml("a: &x\n  b: *x\n", error) == nullptr);
  CHECK(error.message == "a YAML alias refers to itself (a cycle)");
}

TEST_CASE("several documents merge by top-level key, and a key in two is an error") {
  LoadError error;
  FactSet set;
  CHECK(set.Add(Yaml("release: {id: r1}\napprovals: []\n", error), error));
  CHECK(set.Add(ParseJson(R"({"dependencies": []})", "deps.json", error), error));
  CHECK(set.Find("release") != nullptr);
  CHECK(set.Find("dependencies") != nullptr);
  CHECK(set.SourceOf("dependencies") == "deps.json");
  CHECK_FALSE(set.Add(ParseYaml("approvals: [x]\n", "more.yaml", error), error));
  CHECK(error.ToString() ==
        "more.yaml: error: fact `approvals` is also defined in f.yaml; each top-level fact may "
        "come from one file only (at `approvals`)");
  CHECK_FALSE(set.Add(ParseYaml("- 1\n", "list.yaml", error), error));
  CHECK(error.message == "the top level must be a mapping of fact names, found a list");
}

TEST_CASE("missing and oversized files are errors, never a silent empty tree") {
  LoadError error;
  CHECK(LoadFile("/nonexistent/facts.yaml", Format::kAuto, error) == nullptr);
  CHECK(error.ToString() == "/nonexistent/facts.yaml: error: does not exist");
  CHECK(LoadFile("/", Format::kAuto, error) == nullptr);
  CHECK(error.message == "is a directory, not a file");
  LoadError big;
  CHECK(ParseJson(std::string(65 << 20, ' '), "big.json", big) == nullptr);
  CHECK(big.message.find("larger than the limit") != std::string::npos);
}

TEST_CASE("a YAML facts file is one document: whatever follows it is an error") {
  struct MultiCase {
    const char* text;
    const char* message;
    uint32_t line;
  } cases[] = {
      {"a: 1\n---\na: 2\n", "a facts file holds one YAML document, but a second one starts here",
       2},
      {"---\na: 1\n---\nb: 2\n---\nc: 3\n", "a second one starts here", 3},
      {"a: 1\n---\n", "a second one starts here", 2},
      {"a: 1\n...\nb: [unclosed\n", "invalid YAML", 0},
      {"a: 1\n---\n: : [\n", "invalid YAML", 0},
  };

  for (const MultiCase& c : cases) {
    CAPTURE(c.text);
    LoadError error;
    CHECK(Yaml(c.text, error) == nullptr);
    CHECK(error.message.find(c.message) != std::string::npos);
    if (c.line != 0)
      CHECK(error.line == c.line);
  }
  LoadError error;
  CHECK(Yaml("---\na: 1\n...\n", error) != nullptr);
}

TEST_CASE("errors that name the actual problem: BOM, merge keys, YAML 1.1 tags, numbers") {
  struct NamedCase {
    bool json;
    const char* text;
    const char* message;
    uint32_t line, column;
  } cases[] = {
      {true, "\xEF\xBB\xBF{\"a\": 1}", "starts with a UTF-8 byte order mark", 1, 1},
      {true, "{\n  \"n\": -9223372036854775809\n}", "number -9223372036854775809 is out of range",
       2, 8},
      {true, "[1,\n 2,\n -99999999999999999999]", "number -99999999999999999999 is out of range", 3,
       2},
      {true, "{\"s\": \"-99999999999999999999\", \"f\": 1e999}", "number 1e999 is out of range", 1,
       37},
      {false, "base: &b {x: 1}\nrelease:\n  <<: *b\n  tag: v1\n",
       "YAML merge keys (`<<`) are not supported in facts", 3, 3},
      {false, "a: !!binary aGVsbG8=\n", "the YAML tag `!!binary` is not supported in facts", 1, 4},
      {false, "a: !!timestamp 2001-12-14\n", "the YAML tag `!!timestamp` is not supported", 1, 4},
      {false, "a: !custom x\n", "unsupported YAML tag `!custom`", 1, 4},
  };

  for (const NamedCase& c : cases) {
    CAPTURE(c.text);
    LoadError error;
    CHECK((c.json ? Json(c.text, error) : Yaml(c.text, error)) == nullptr);
    CHECK(error.message.find(c.message) != std::string::npos);
    CHECK(error.line == c.line);
    CHECK(error.column == c.column);
  }
  // Quoted `<<` is an ordinary key; a BOM is allowed in YAML.
  LoadError error;
  CHECK(Yaml("\"<<\": 1\n", error) != nullptr);
  CHECK(Yaml("\xEF\xBB\xBF"
             "a: 1\n",
             error) != nullptr);
}

}  // namespace
}  // namespace relgate::facts
