// Lists built at run time: the static bound counts them (as every list item and string
// byte of the facts), and the run-time budget stops whatever the bound cannot see, in
// steps and in bytes, with an undecided decision naming the rule. Several shapes: `in`
// over a split, nested splits, comprehensions over splits, long strings scanned in a
// loop, strings doubled in a loop, and constant expressions folded at compile time.
#include <doctest/doctest.h>

#include "engine/eval/cost_check.h"
#include "tests/test_util.h"

namespace relgate::eval {
namespace {

using testing::CompileSource;

const char* kSchema = "facts { release: { changelog: string }, deps: [{ name: string }] }\n";

// A changelog of `lines` lines and `deps` dependencies, as JSON.
std::string Facts(int lines, int deps) {
  std::string log;
  for (int k = 0; k < lines; ++k)
    log += "fixed issue " + std::to_string(k) + "\\n";
  std::string out = "{\"release\": {\"changelog\": \"" + log + "\"}, \"deps\": [";
  for (int k = 0; k < deps; ++k)
    out += std::string(k ? "," : "") + "{\"name\": \"dep" + std::to_string(k) + "\"}";
  return out + "]}";
}

Decision DecideWith(const std::string& rules, const std::string& facts_json,
                    int64_t cost_limit = limits::kMaxEvaluationCost) {
  auto compiled = CompileSource(std::string(kSchema) + rules);
  INFO(compiled->diagnostics);
  REQUIRE(compiled->program != nullptr);
  facts::LoadError error;
  facts::FactSet set;
  REQUIRE(set.Add(facts::ParseJson(facts_json, "f.json", error), error));
  EvalOptions options;
  return Decide(*compiled->program, set, options, cost_limit);
}

TEST_CASE("the static bound counts lists that builtins and comprehensions build") {
  const std::string facts = Facts(200000, 2000);
  for (const char* rule : {
           "deny r for d in deps \"x\": d.name in release.changelog.split(\"\\n\")\n",
           "deny r \"x\": all(l in release.changelog.split(\"\\n\"): "
           "all(w in l.split(\" \"): w != \"\"))\n",
           "let lines = [l for l in release.changelog.split(\"\\n\") where l != \"\"]\n"
           "deny r for d in deps \"x\": d.name in lines\n",
           "deny r for d in deps \"x\": count(l in release.changelog.split(\"\\n\"): "
           "l == d.name) == 0\n",
       }) {
    CAPTURE(rule);
    const Decision d = DecideWith(rule, facts);
    CHECK(d.verdict == Verdict::kUndecided);
    REQUIRE(d.errors.size() == 1);
    CHECK(d.errors[0].message.find("more than the limit of 50000000") != std::string::npos);
    // The costliest list is named as the rule wrote it: the split, or the let made of it.
    CHECK((d.errors[0].message.find("release.changelog.split") != std::string::npos ||
           d.errors[0].message.find("`lines`") != std::string::npos));
  }
  // The same rules on a small changelog are decided.
  const Decision small = DecideWith(
      "deny r for d in deps \"x\": d.name in release.changelog.split(\"\\n\")\n", Facts(10, 3));
  CHECK(small.verdict == Verdict::kShut);
  CHECK(small.findings.size() == 3);
}

TEST_CASE("the run-time budget stops work the bound cannot see, in steps and in bytes") {
  const std::string facts = Facts(200000, 2000);
  const int64_t no_bound = int64_t{1} << 60;

  struct Case {
    const char* rule;
    const char* message;
  } cases[] = {
      // ~2.4 MB scanned per dependency: steps.
      {"deny r for d in deps \"x\": not release.changelog.contains(d.name + \"!\")\n",
       "evaluation stopped after 200000000 steps"},
      {"deny r for d in deps \"x\": not (release.changelog matches /zz$/)\n",
       "evaluation stopped after 200000000 steps"},
      // A string doubled per dependency: bytes.
      {"deny r for d in deps \"x\": (release.changelog + release.changelog) != d.name\n",
       "MiB, the memory budget of one decision"},
      // A split rebuilt per dependency, the bound switched off: bytes or steps.
      {"deny r for d in deps \"x\": d.name in release.changelog.split(\"\\n\")\n",
       "evaluation stopped"},
  };

  for (const Case& c : cases) {
    CAPTURE(c.rule);
    const Decision d = DecideWith(c.rule, facts, no_bound);
    CHECK(d.verdict == Verdict::kUndecided);
    REQUIRE(!d.errors.empty());
    CHECK(d.errors.back().rule == "r");
    CHECK(d.errors.back().message.find(c.message) != std::string::npos);
  }
}

TEST_CASE("a rule that runs out of budget stops the rules after it") {
  const Decision d = DecideWith(
      "deny r for d in deps \"x\": not release.changelog.contains(d.name + \"!\")\n"
      "deny later \"x\": true\n",
      Facts(200000, 2000), int64_t{1} << 60);
  CHECK(d.verdict == Verdict::kUndecided);
  REQUIRE(d.rules.size() == 2);
  CHECK(d.rules[0].status == RuleStatus::kError);
  CHECK(d.rules[1].status == RuleStatus::kNotEvaluated);
}

TEST_CASE("a constant expression too costly to fold is a compile error, not a hang") {
  std::string list = "[";
  for (int k = 0; k < 1000; ++k)
    list += std::string(k ? "," : "") + std::to_string(k);
  list += "]";
  auto compiled = CompileSource("const l = " + list +
                                "\ndeny r \"x\": count(a in l: count(b in l: count(c in l: "
                                "a + b + c > 0) > 0) > 0) > 0\n");
  INFO(compiled->diagnostics);
  CHECK(compiled->program == nullptr);
  CHECK(compiled->HasCode("constant-too-costly"));
  CHECK(compiled->sink.diagnostics().size() == 1);
  CHECK(compiled->diagnostics.find("test.gate:2:13: error: this constant expression cannot be "
                                   "computed: evaluation stopped after 10000000 steps") !=
        std::string::npos);
}

}  // namespace
}  // namespace relgate::eval
