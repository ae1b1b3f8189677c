// Evaluation semantics: each construct, fail-closed paths, exceptions, overrides,
// explanations, determinism, and folded vs unfolded programs agreeing.
#include <map>
#include <set>

#include <doctest/doctest.h>
#include <re2/re2.h>

#include "engine/base/same_bytes.h"
#include "engine/compile/regex_literal.h"
#include "engine/eval/cost_check.h"
#include "engine/report/report.h"
#include "tests/test_util.h"

namespace relgate::eval {
namespace {

using testing::CompileSource;
using testing::DecideText;
using testing::Time;

const char* kSchema = R"(facts {
  release: { author: string, branch: string, built_at: time, committed_at: time,
             signer: string?, version: string, labels: map[string]string, size: int,
             ratio: float, window: duration }
  approvals: [{ user: string, team: string }]
  deps: [{ name: string, version: string, integrity: string?, scripts: bool }]
  files: [string]
}
)";

const char* kFacts = R"(
release: { author: alice, branch: main, built_at: "2026-05-01T12:00:00Z",
           committed_at: "2026-05-01T10:00:00Z", version: "1.10.0",
           labels: { team: web, tier: "1" }, size: 42, ratio: 0.5, window: 90m }
approvals:
  - { user: bob, team: release-eng }
  - { user: alice, team: web }
  - { user: bob, team: release-eng }
deps:
  - { name: left-pad, version: 1.3.0, integrity: "sha512-abc", scripts: false }
  - { name: esbuild, version: 0.21.5, integrity: "sha256-def", scripts: true }
  - { name: legacy, version: 0.1.0, scripts: false }
files: [dist/index.js, dist/app.js.map, README.md]
)";

// Evaluates `condition` as the only rule (a `deny`) and returns true if it held.
bool Holds(const std::string& condition, const std::string& facts = kFacts) {
  auto compiled = CompileSource(std::string(kSchema) + "deny r \"m\": " + condition + "\n");
  INFO(compiled->diagnostics);
  REQUIRE(compiled->program != nullptr);
  const Decision d = DecideText(*compiled->program, facts);
  INFO(report::RenderJson(d));
  REQUIRE(d.errors.empty());
  return d.verdict == Verdict::kOpen;
}

TEST_CASE("constructs evaluate as documented") {
  struct Case {
    const char* condition;
    bool want;
  };

  const Case cases[] = {
      {"release.author == \"alice\"", true},
      {"release.author != \"alice\"", false},
      {"count(approvals) == 3", true},
      {"len(release.author) == 5", true},
      {"count({a.user for a in approvals}) == 2", true},
      {"count({a.user for a in approvals where a.user != release.author}) == 1", true},
      {"count([a.user for a in approvals]) == 3", true},
      {"all(d in deps: d.version != \"\")", true},
      {"any(a in approvals: a.team == \"release-eng\")", true},
      {"none(f in files: f.ends_with(\".map\"))", false},
      {"count(f in files: f.starts_with(\"dist/\")) == 2", true},
      {"\"esbuild\" in [d.name for d in deps]", true},
      {"\"sharp\" not in [d.name for d in deps]", true},
      {"\"team\" in release.labels", true},
      {"release.labels[\"tier\"] == \"1\"", true},
      {"release.author matches /^al/", true},
      {"release.author matches /^AL/", false},
      {"release.author matches /^alice$/", true},  // literal text: compared, not run
      {"release.author matches /^alic$/", false},
      {"release.author matches /lic/", true},
      {"release.author matches /ce$/", true},
      {"release.author matches /^a.ice$/", true},  // a regex
      {"release.author.upper() == \"ALICE\" and \"ALICE\".lower() == \"alice\"", true},
      {"\"a,b,c\".split(\",\") == [\"a\", \"b\", \"c\"]", true},
      {"\"  x \".trim() == \"x\"", true},
      {"release.author.contains(\"lic\")", true},
      {"\"dist/a/b/app.js.map\".glob(\"dist/**/*.map\")", true},
      {"\"dist/app.js.map\".glob(\"dist/*/*.map\")", false},
      {"semver(release.version) > semver(\"1.9.0\")", true},
      {"release.version > \"1.9.0\"", false},  // string order: a reason to use semver()
      {"is_semver(\"1.2\") == false", true},
      {"release.built_at - release.committed_at == 2h", true},
      {"release.committed_at + 2h == release.built_at", true},
      {"release.built_at - 1d < release.committed_at", true},
      {"release.window * 2 == 3h and release.window / 3 == 30m", true},
      {"(release.built_at - release.committed_at).hours() == 2", true},
      {"release.built_at < 2026-05-02", true},
      {"now > release.built_at", true},
      {"release.size * 2 + 1 == 85 and release.size % 5 == 2 and -release.size < 0", true},
      {"release.ratio * 4 == 2.0 and release.size > 41.5", true},
      {"(release.signer ?? \"nobody\") == \"nobody\"", true},
      {"not has(release.signer)", true},
      {"has(release.signer) and release.signer == \"x\"", false},
      {"release.author + \"!\" == \"alice!\"", true},
      {"time(\"2026-01-01T00:00:00Z\") < release.built_at", true},
      {"duration(\"1h30m\") == release.window", true},
      {"[1, 2, 3][1] == 2", true},
      {"{\"b\", \"a\", \"b\"} == {\"a\", \"b\"}", true},
  };
  for (const auto& c : cases) {
    CAPTURE(c.condition);
    CHECK(Holds(c.condition) == c.want);
  }
}

TEST_CASE("for rules yield one finding per offending item, with 0-based item paths") {
  auto compiled =
      CompileSource(std::string(kSchema) +
                    "deny no_maps for f in files \"ships {f}\": not f.ends_with(\".map\")\n"
                    "deny pinned for d in deps \"{d.name}@{d.version}\":\n"
                    "  (d.integrity ?? \"\").starts_with(\"sha512-\")\n");
  REQUIRE(compiled->program != nullptr);
  const Decision d = DecideText(*compiled->program, kFacts);
  CHECK(d.verdict == Verdict::kShut);
  REQUIRE(d.findings.size() == 3);
  CHECK(d.findings[0].rule == "no_maps");
  CHECK(d.findings[0].item == "files[1]");
  CHECK(d.findings[0].item_value == "\"dist/app.js.map\"");
  CHECK(d.findings[0].message == "ships dist/app.js.map");
  CHECK(d.findings[1].item == "deps[1]");
  CHECK(d.findings[1].message == "esbuild@0.21.5");
  REQUIRE(d.findings[1].because.size() == 1);
  CHECK(d.findings[1].because[0].expr == "(d.integrity ?? \"\")");
  CHECK(d.findings[1].because[0].value == "\"sha256-def\"");
  CHECK(d.findings[2].item == "deps[2]");
  CHECK(d.findings[2].because[0].value == "\"\"");
}

TEST_CASE("a where clause selects the items a for rule checks") {
  auto compiled = CompileSource(std::string(kSchema) +
                                "deny scripts for d in deps where d.scripts \"{d.name}\": "
                                "d.name in [\"sharp\"]\n");
  const Decision d = DecideText(*compiled->program, kFacts);
  REQUIRE(d.findings.size() == 1);
  CHECK(d.findings[0].item == "deps[1]");
  CHECK(d.findings[0].because[0].expr == "d.name");
  CHECK(d.findings[0].because[0].value == "\"esbuild\"");
}

TEST_CASE("explanations show the sub-expressions that made the condition false") {
  auto compiled = CompileSource(std::string(kSchema) +
                                "const min = 2\n"
                                "let reviewers = {a.user for a in approvals where a.user != "
                                "release.author}\n"
                                "deny two \"has {count(reviewers)}\": count(reviewers) >= min\n"
                                "deny fresh \"x\": release.built_at - release.committed_at <= 1h "
                                "and release.branch == \"main\"\n");
  REQUIRE(compiled->program != nullptr);
  const Decision d = DecideText(*compiled->program, kFacts);
  REQUIRE(d.findings.size() == 2);
  CHECK(d.findings[0].message == "has 1");
  REQUIRE(d.findings[0].because.size() == 2);
  CHECK(d.findings[0].because[0].expr == "count(reviewers)");
  CHECK(d.findings[0].because[0].value == "1");
  CHECK(d.findings[0].because[1].expr == "min");
  CHECK(d.findings[0].because[1].value == "2");
  REQUIRE(d.findings[1].because.size() == 1);
  CHECK(d.findings[1].because[0].expr == "release.built_at - release.committed_at");
  CHECK(d.findings[1].because[0].value == "2h");
}

TEST_CASE("fail closed: a missing or ill-typed fact is an error naming its path") {
  auto compiled = CompileSource(std::string(kSchema) +
                                "deny names for d in deps \"x\": d.name != \"\"\n"
                                "deny branch \"x\": release.branch == \"main\"\n"
                                "deny other \"x\": count(files) > 0\n");
  REQUIRE(compiled->program != nullptr);
  const std::string facts = R"(
release: { author: alice, built_at: "2026-05-01T12:00:00Z", committed_at: "2026-05-01T10:00:00Z",
           version: "1", labels: {}, size: 1, ratio: 1, window: 1h }
approvals: []
deps: [{ name: a, version: "1", scripts: false }, { version: "1", scripts: false },
       { name: 7, version: "1", scripts: false }]
files: []
)";
  const Decision d = DecideText(*compiled->program, facts);
  CHECK(d.verdict == Verdict::kUndecided);
  CHECK(ExitCode(d.verdict) == 2);
  REQUIRE(d.errors.size() == 3);
  CHECK(d.errors[0].rule == "names");
  CHECK(d.errors[0].item == "deps[1]");
  CHECK(d.errors[0].path == "deps[1].name");
  CHECK(d.errors[0].message == "missing fact (expected string)");
  CHECK(d.errors[1].path == "deps[2].name");
  CHECK(d.errors[1].message == "expected string, found int 7");
  CHECK(d.errors[2].rule == "branch");
  CHECK(d.errors[2].path == "release.branch");
  // The rule that reads only good facts still fails on its own merits.
  REQUIRE(d.findings.size() == 1);
  CHECK(d.findings[0].rule == "other");
}

TEST_CASE("fail closed: null, bad times and missing roots") {
  auto compiled = CompileSource(std::string(kSchema) +
                                "deny a \"x\": release.built_at > release.committed_at\n"
                                "deny b \"x\": count(files) >= 0\n");
  const std::string facts = R"(
release: { author: alice, branch: null, built_at: "yesterday", committed_at: "2026-05-01T10:00:00Z",
           version: "1", labels: {}, size: 1, ratio: 1, window: 1h }
)";
  const Decision d = DecideText(*compiled->program, facts);
  CHECK(d.verdict == Verdict::kUndecided);
  REQUIRE(d.errors.size() == 2);
  CHECK(d.errors[0].path == "release.built_at");
  CHECK(d.errors[0].message == "expected an RFC 3339 time, found string \"yesterday\"");
  CHECK(d.errors[1].path == "files");
  CHECK(d.errors[1].message == "missing fact (expected [string])");
}

TEST_CASE("runtime errors: index out of range, division by zero, bad semver") {
  struct Case {
    const char* condition;
    const char* message;
  };

  const Case cases[] = {
      {"approvals[5].user == \"x\"", "index 5 is out of range for `approvals` (3 items)"},
      {"release.size / (release.size - 42) > 0",
       "division by zero in `release.size / (release.size - 42)`"},
      {"semver(deps[0].name) > semver(\"1.0.0\")",
       "`left-pad` is not a semantic version (MAJOR.MINOR.PATCH)"},
      {"release.labels[\"nope\"] == \"x\"",
       "`release.labels` has no key \"nope\" (write `release.labels[\"nope\"] ?? <default>` if it "
       "may be absent)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.condition);
    auto compiled = CompileSource(std::string(kSchema) + "deny r \"m\": " + c.condition + "\n");
    REQUIRE(compiled->program != nullptr);
    const Decision d = DecideText(*compiled->program, kFacts);
    CHECK(d.verdict == Verdict::kUndecided);
    REQUIRE(d.errors.size() == 1);
    CHECK(d.errors[0].message == c.message);
  }
}

TEST_CASE("and/or decide left to right: errors after the deciding operand are not reached") {
  // `false and <error>` is false (a finding), `<error> and false` is the error.
  CHECK_FALSE(Holds("release.size > 100 and approvals[9].user == \"x\""));
  auto compiled = CompileSource(
      std::string(kSchema) + "deny r \"m\": approvals[9].user == \"x\" and release.size > 100\n");
  CHECK(DecideText(*compiled->program, kFacts).verdict == Verdict::kUndecided);
  CHECK(Holds("release.size > 1 or approvals[9].user == \"x\""));
}

TEST_CASE("levels: advisory reports, soft blocks unless overridden, hard blocks") {
  auto compiled = CompileSource(std::string(kSchema) +
                                "warn advise \"a\": release.size > 100\n"
                                "hold soft \"s\": release.branch == \"release\"\n");
  REQUIRE(compiled->program != nullptr);
  Decision d = DecideText(*compiled->program, kFacts);
  CHECK(d.verdict == Verdict::kShut);
  REQUIRE(d.findings.size() == 2);
  CHECK(d.findings[0].status == FindingStatus::kAdvisory);
  CHECK(d.findings[1].status == FindingStatus::kBlocking);
  d = DecideText(*compiled->program, kFacts, Time("2026-06-01T00:00:00Z"),
                 {{"soft", "ops-lead", "INC-1"}});
  CHECK(d.verdict == Verdict::kOpen);
  CHECK(d.findings[1].status == FindingStatus::kOverridden);
  REQUIRE(d.overrides.size() == 1);
  CHECK(d.overrides[0].by == "ops-lead");
  CHECK(d.overrides[0].used);
  CHECK(ValidateOverrides(*compiled->program, {{"advise", "x", "y"}}) ==
        "rule `advise` is advisory; only soft (`hold`) rules can be overridden");
  CHECK(ValidateOverrides(*compiled->program, {{"sotf", "x", "y"}}) ==
        "--override names no rule `sotf`; soft rules: soft");
  CHECK(ValidateOverrides(*compiled->program, {{"soft", "", "y"}}) ==
        "--override `soft` needs --by WHO and --reason WHY");
}

TEST_CASE("exceptions apply until their expiry, then stop and are reported") {
  auto compiled = CompileSource(
      std::string(kSchema) +
      "deny pinned for d in deps \"{d.name}\": has(d.integrity)\n"
      "except pinned when d.name == \"legacy\" until 2026-12-31 owner \"sec\" reason \"SEC-9\"\n");
  REQUIRE(compiled->program != nullptr);
  Decision d = DecideText(*compiled->program, kFacts, Time("2026-12-31T23:59:59Z"));
  CHECK(d.verdict == Verdict::kOpen);
  REQUIRE(d.findings.size() == 1);
  CHECK(d.findings[0].status == FindingStatus::kExcepted);
  CHECK(d.findings[0].exception.owner == "sec");
  CHECK(d.findings[0].exception.until == "2026-12-31");
  CHECK(d.expired_exceptions.empty());

  d = DecideText(*compiled->program, kFacts, Time("2027-01-01T00:00:00Z"));
  CHECK(d.verdict == Verdict::kShut);
  CHECK(d.findings[0].status == FindingStatus::kBlocking);
  CHECK(d.findings[0].expired_exception);
  REQUIRE(d.expired_exceptions.size() == 1);
  CHECK(d.expired_exceptions[0].rule == "pinned");
  CHECK(d.expired_exceptions[0].exception.reason == "SEC-9");
}

TEST_CASE("the decision is deterministic and records time and digests") {
  auto compiled = CompileSource(std::string(kSchema) +
                                "deny maps for f in files \"{f}\": not f.ends_with(\".map\")\n");
  const Decision a = DecideText(*compiled->program, kFacts);
  const Decision b = DecideText(*compiled->program, kFacts);
  CHECK(report::RenderJson(a) == report::RenderJson(b));
  CHECK(report::RenderText(a, {}) == report::RenderText(b, {}));
  CHECK(a.evaluated_at == Time("2026-06-01T00:00:00Z"));
  CHECK(a.policy_digest.size() == 64);
  REQUIRE(a.policy_sources.size() == 1);
  CHECK(a.policy_sources[0].path == "test.gate");
  REQUIRE(a.facts.size() == 1);
  CHECK(a.facts[0].sha256.size() == 64);
}

TEST_CASE("folded and unfolded programs decide identically") {
  const std::string policy = std::string(kSchema) +
                             "const allow = [\"left-pad\", \"esbuild\"]\n"
                             "const limit = 1h + 30m * 2\n"
                             "deny a for d in deps \"{d.name}\": d.name in allow\n"
                             "deny b \"x\": release.built_at - release.committed_at <= limit\n"
                             "deny c \"x\": \"ABC\".lower() == \"abc\" and len([1, 2]) == 2\n";
  auto folded = CompileSource(policy);
  auto unfolded = CompileSource(policy, compile::CompileOptions{.fold_constants = false});
  REQUIRE(folded->program != nullptr);
  REQUIRE(unfolded->program != nullptr);
  const Decision x = DecideText(*folded->program, kFacts);
  const Decision y = DecideText(*unfolded->program, kFacts);
  CHECK(report::RenderJson(x) == report::RenderJson(y));
  REQUIRE(x.findings.size() == 1);
  REQUIRE(x.findings[0].because.size() == 2);
  CHECK(x.findings[0].because[1].expr == "allow");
  CHECK(x.findings[0].because[1].value == "[\"left-pad\", \"esbuild\"]");
}

}  // namespace
}  // namespace relgate::eval

namespace relgate::eval {
namespace {

TEST_CASE("cost bound: estimated before evaluation from the facts, naming the rule") {
  auto compiled = testing::CompileSource(std::string(kSchema) +
                                         "deny cross for d in deps \"x\": "
                                         "none(a in approvals: a.user == d.name)\n"
                                         "deny nested for d in deps \"x\": all(f in files: "
                                         "any(g in files: f != g or d.name != \"\"))\n"
                                         "deny cheap \"x\": count(files) >= 0\n");
  REQUIRE(compiled->program != nullptr);
  const compile::Program& p = *compiled->program;
  // deps x approvals: 3 + 3*3 (+1)
  facts::LoadError error;
  facts::FactSet set;
  REQUIRE(set.Add(facts::ParseYaml(kFacts, "f.yaml", error), error));
  auto bound = Bind(p, set);
  CostVerdict ok = CheckCost(p, *bound, 1000);
  CHECK(ok.ok);
  CHECK(ok.rule == 1);  // nested: 3 + 3*3 + 3*3*3 (+1) = 40
  CHECK(ok.estimate == 40);
  CostVerdict over = CheckCost(p, *bound, 30);
  CHECK_FALSE(over.ok);
  CHECK(over.message ==
        "rule `nested` would take about 40 loop steps on these facts, more than the limit of 30; "
        "its costliest part loops over `files` (3 items) x `files` (3 items) x `deps` (3 items); "
        "nothing was evaluated");
  // Through Decide: undecided, every rule not evaluated.
  EvalOptions options;
  const Decision d = Decide(p, set, options, 30);
  CHECK(d.verdict == Verdict::kUndecided);
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].rule == "nested");
  CHECK(d.findings.empty());
  CHECK(d.rules[2].status == RuleStatus::kNotEvaluated);
}

TEST_CASE("cost bound: `in` over a list counts as a scan") {
  auto compiled = testing::CompileSource(std::string(kSchema) +
                                         "let users = [a.user for a in approvals]\n"
                                         "deny r for d in deps \"x\": d.name in users\n");
  REQUIRE(compiled->program != nullptr);
  facts::LoadError error;
  facts::FactSet set;
  REQUIRE(set.Add(facts::ParseYaml(kFacts, "f.yaml", error), error));
  auto bound = Bind(*compiled->program, set);
  // 1 + |approvals| (the let, once) + |deps| + |deps| x |approvals| (the scans) = 1+3+3+9
  CHECK(CheckCost(*compiled->program, *bound, 1000).estimate == 16);
}

TEST_CASE("cost bound: a child list of the loop variable does not multiply") {
  auto compiled = testing::CompileSource(
      "facts { pkgs: [{ files: [string] }] }\n"
      "deny maps for p in pkgs \"x\": none(f in p.files: f.ends_with(\".map\"))\n");
  REQUIRE(compiled->program != nullptr);
  facts::LoadError error;
  facts::FactSet set;
  REQUIRE(set.Add(
      facts::ParseYaml("pkgs: [{files: [a, b]}, {files: [c, d, e]}]\n", "f.yaml", error), error));
  auto bound = Bind(*compiled->program, set);
  // 1 + |pkgs| (2) + |pkgs[].files| (5): the files of all packages, not 2 x 5.
  CHECK(CheckCost(*compiled->program, *bound, 1000).estimate == 8);
}

TEST_CASE("an error in an advisory rule is reported but does not block, in others it does") {
  const char* facts = "release: {tag: v1, labels: {tier: '1'}}\n";
  const std::string schema = "facts { release: { tag: string, labels: map[string]string } }\n";
  const std::string failing = "release.labels[\"team\"] != \"x\"\n";

  struct LevelCase {
    const char* keyword;
    Verdict verdict;
    bool blocks;
  } cases[] = {
      {"warn", Verdict::kOpen, false},
      {"hold", Verdict::kUndecided, true},
      {"deny", Verdict::kUndecided, true},
  };

  for (const LevelCase& c : cases) {
    CAPTURE(c.keyword);
    auto compiled = CompileSource(schema + "deny tagged \"x\": release.tag != \"\"\n" + c.keyword +
                                  " team \"x\": " + failing);
    REQUIRE(compiled->program != nullptr);
    const Decision d = DecideText(*compiled->program, facts);
    CHECK(d.verdict == c.verdict);
    REQUIRE(d.errors.size() == 1);
    CHECK(d.errors[0].rule == "team");
    CHECK(d.errors[0].blocks == c.blocks);
    const std::string json = report::RenderJson(d);
    CHECK(json.find(std::string("\"blocks\":") + (c.blocks ? "true" : "false")) !=
          std::string::npos);
    const std::string text = report::RenderText(d, {});
    CHECK(text.find(c.blocks ? "1 error" : "1 advisory error") != std::string::npos);
  }
  // An advisory rule whose exception condition errs is the same: reported, not blocking.
  auto excepted = CompileSource(schema + "warn w \"x\": release.tag == \"v2\"\n" +
                                "except w when release.labels[\"team\"] == \"a\" until 2099-01-01 "
                                "owner \"o\" reason \"r\"\n");
  REQUIRE(excepted->program != nullptr);
  const Decision d = DecideText(*excepted->program, facts);
  CHECK(d.verdict == Verdict::kOpen);
  CHECK(d.errors.size() == 1);
}

TEST_CASE("a for ... where rule without a condition makes every selected item a finding") {
  auto compiled = CompileSource(std::string(kSchema) +
                                "deny maps for f in files where f.ends_with(\".map\") "
                                "\"package ships {f}\"\n"
                                "warn scripts for d in deps where d.scripts \"{d.name} runs a "
                                "script\"\n");
  INFO(compiled->diagnostics);
  REQUIRE(compiled->program != nullptr);
  const Decision d = DecideText(*compiled->program, kFacts);
  CHECK(d.verdict == Verdict::kShut);
  REQUIRE(d.findings.size() == 2);
  CHECK(d.findings[0].message == "package ships dist/app.js.map");
  CHECK(d.findings[0].item == "files[1]");
  CHECK(d.findings[1].message == "esbuild runs a script");
  // Without `for ... where`, the condition is required.
  auto bare = CompileSource(std::string(kSchema) + "deny r \"message\"\n");
  CHECK(bare->program == nullptr);
  CHECK(bare->diagnostics.find("a rule needs `: condition` after its message") !=
        std::string::npos);
  auto no_where = CompileSource(std::string(kSchema) + "deny r for f in files \"m {f}\"\n");
  CHECK(no_where->program == nullptr);
}

TEST_CASE("message holes may hold string literals and nested braces") {
  auto compiled = CompileSource(
      std::string(kSchema) +
      "deny r \"signer {release.signer ?? \"<none>\"}, team {release.labels[\"team\"]}, "
      "{count({a.user for a in approvals})} approvers, {{literal}}\": false\n");
  INFO(compiled->diagnostics);
  REQUIRE(compiled->program != nullptr);
  const Decision d = DecideText(*compiled->program, kFacts);
  REQUIRE(d.findings.size() == 1);
  CHECK(d.findings[0].message == "signer <none>, team web, 2 approvers, {literal}");
  // Elsewhere braces in strings are plain characters, and two strings stay two.
  CHECK(Holds("[\"{a\", \"b}\"] == [\"{a\", \"b}\"] and \"{x}\".ends_with(\"}\")"));
}

TEST_CASE("a missing map key is missing for ?? and has(), and an error otherwise") {
  CHECK(Holds("(release.labels[\"owner\"] ?? \"none\") == \"none\""));
  CHECK(Holds("(release.labels[\"team\"] ?? \"none\") == \"web\""));
  CHECK(Holds("has(release.labels[\"team\"]) and not has(release.labels[\"owner\"])"));
  CHECK(Holds("all(k in [\"team\", \"tier\"]: has(release.labels[k]))"));
  auto compiled = CompileSource(std::string(kSchema) +
                                "deny r \"x\": (release.labels[\"a\"] ?? \"b\") == \"b\"\n");
  CHECK(compiled->sink.diagnostics().empty());  // no "never missing" warning
  auto plain =
      CompileSource(std::string(kSchema) + "deny r \"x\": release.labels[\"owner\"] == \"a\"\n");
  REQUIRE(plain->program != nullptr);
  const Decision d = DecideText(*plain->program, kFacts);
  CHECK(d.verdict == Verdict::kUndecided);
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].message ==
        "`release.labels` has no key \"owner\" (write `release.labels[\"owner\"] ?? <default>` if "
        "it may be absent)");
  // The default is evaluated only when the key is absent.
  CHECK(Holds("(release.labels[\"team\"] ?? deps[9].name) == \"web\""));
}

TEST_CASE("string() and join() build text from values") {
  CHECK(Holds("string(semver(release.version)) == \"1.10.0\""));
  CHECK(Holds("string(release.size) == \"42\" and string(release.ratio) == \"0.5\""));
  CHECK(Holds("string(release.window) == \"1h30m\" and string(true) == \"true\""));
  CHECK(Holds("string(release.built_at) == \"2026-05-01T12:00:00Z\""));
  CHECK(Holds("\"v\" + release.size.string() == \"v42\""));
  CHECK(Holds("join([d.name for d in deps], \", \") == \"left-pad, esbuild, legacy\""));
  CHECK(Holds("[].join(\"-\") == \"\" and files.join(\"\") != \"\""));
  auto list = CompileSource(std::string(kSchema) + "deny r \"x\": string(files) == \"\"\n");
  CHECK(list->program == nullptr);
  CHECK(list->diagnostics.find("`string` expects a bool, number, string, time, duration or "
                               "version, found `[string]`") != std::string::npos);
}

TEST_CASE("builtin arguments written as literals are checked at compile time") {
  for (const char* call : {"release.author.split(\"\")", "split(release.author, \"\")"}) {
    CAPTURE(call);
    auto compiled = CompileSource(std::string(kSchema) + "deny r \"x\": count(" + call + ") > 0\n");
    CHECK(compiled->program == nullptr);
    CHECK(compiled->HasCode("bad-argument"));
    CHECK(compiled->diagnostics.find("error: the separator of `split` is empty") !=
          std::string::npos);
  }
}

TEST_CASE("facts keys the policy does not declare are listed as warnings") {
  auto compiled = CompileSource(
      "facts { release: { tag: string }, dependencies: [{ name: string, integrity: string? }] "
      "}\ndeny r \"x\": release.tag != \"\"\n");
  REQUIRE(compiled->program != nullptr);
  const Decision d = DecideText(*compiled->program,
                                "release: {tag: v1, commit: abc}\n"
                                "dependecies: []\n"
                                "dependencies:\n"
                                "  - {name: a, integrty: sha512-x}\n"
                                "  - {name: b, integrty: sha512-y}\n"
                                "  - {name: c, integrity: sha512-z}\n");
  CHECK(d.verdict == Verdict::kOpen);  // warnings never decide
  REQUIRE(d.warnings.size() == 3);
  CHECK(d.warnings[0].path == "dependecies");
  CHECK(d.warnings[0].message ==
        "not declared in the policy's facts schema, so no rule reads it; did you mean "
        "`dependencies`?");
  CHECK(d.warnings[1].path == "dependencies[].integrty");  // once for every item
  CHECK(d.warnings[1].message.find("did you mean `integrity`?") != std::string::npos);
  CHECK(d.warnings[2].path == "release.commit");
  const std::string text = report::RenderText(d, {});
  CHECK(text.find("note: facts key `dependecies` is not declared") != std::string::npos);
  CHECK(report::RenderJson(d).find("\"warnings\":[{\"path\":\"dependecies\"") != std::string::npos);
  // A map's keys are data, not schema: never warned.
  auto map = CompileSource("facts { labels: map[string]string }\ndeny r \"x\": true\n");
  CHECK(DecideText(*map->program, "labels: {anything: x}\n").warnings.empty());
}

}  // namespace
}  // namespace relgate::eval

namespace relgate::eval {
namespace {

// Records nothing: with a recorder set, every condition is evaluated node by node by the
// interpreter, never by a kernel, which is what the kernel test compares against.
class NoRecorder : public compile::Recorder {
 public:
  void Record(compile::NodeId, const Value&) override {}
};

std::string Summary(const compile::Program& program, const Outcome& o) {
  std::string out = fmt::format("verdict {}\n", static_cast<int>(o.verdict));
  for (size_t r = 0; r < o.rules.size(); ++r)
    out += fmt::format("{} {}\n", program.rules()[r].id, static_cast<int>(o.rules[r]));
  for (const RawFinding& f : o.findings) {
    out += fmt::format("finding {} {} {} {}\n", program.rules()[f.rule].id, f.item,
                       static_cast<int>(f.status), f.exception);
  }
  for (const RawError& e : o.errors) {
    out += fmt::format("error {} {} {} {}\n", program.rules()[e.rule].id, e.item, e.error->path,
                       e.error->message);
  }
  return out;
}

// The facts in `text` (YAML) decided by kernels and by the interpreter alone: checks the
// two agree, and returns the kernels' findings and errors counted by rule id.
struct RuleCounts {
  std::string summary;
  std::map<std::string, int> findings, errors;
};

RuleCounts DecideBothWays(const compile::Program& program, const std::string& text) {
  facts::LoadError error;
  auto doc = facts::ParseDocument(text, "facts.yaml", facts::Format::kAuto, error);
  REQUIRE(doc != nullptr);
  facts::FactSet set;
  REQUIRE(set.Add(std::move(doc), error));
  auto bound = Bind(program, set);
  EvalOptions fast;
  fast.now = Time("2026-06-01T00:00:00Z");
  EvalOptions slow = fast;
  NoRecorder recorder;
  slow.coverage = &recorder;
  Scratch a, b;
  const Outcome& by_kernels = Evaluate(program, *bound, fast, a);
  RuleCounts counts{Summary(program, by_kernels), {}, {}};
  CHECK(counts.summary == Summary(program, Evaluate(program, *bound, slow, b)));
  for (const RawFinding& f : by_kernels.findings)
    ++counts.findings[program.rules()[f.rule].id];
  for (const RawError& e : by_kernels.errors)
    ++counts.errors[program.rules()[e.rule].id];
  return counts;
}

TEST_CASE("kernels decide every item exactly as the interpreter does") {
  // Per-item conditions of every shape a kernel takes (item fields, the item itself,
  // constants, fact paths, defaults, and/or/not, string tests with short and long
  // patterns, comparisons, `in`, has), and items that make a kernel give up: a required
  // field that is missing or of the wrong type, a fact path through a missing record.
  const std::string policy =
      "facts {\n"
      "  release: { author: string, owner: { team: string }, size: int }\n"
      "  approvals: [{ user: string, team: string }]\n"
      "  deps: [{ name: string, integrity: string?, scripts: bool, size: int, at: time }]\n"
      "  files: [string]\n"
      "  tags: [string?]\n"
      "}\n"
      "const allow = [\"esbuild\", \"sharp\"]\n"
      "deny pinned for d in deps \"{d.name}\": (d.integrity ?? \"\").starts_with(\"sha512-\")\n"
      "  or (d.integrity ?? \"\").starts_with(\"sha256-\")\n"
      "deny long for d in deps \"{d.name}\": not (d.integrity ?? "
      "\"\").starts_with(\"sha512-abc\")\n"
      "deny raw for d in deps \"{d.name}\": has(d.integrity) and d.integrity.ends_with(\"==\")\n"
      "deny scripts for d in deps where d.scripts \"{d.name}\": d.name in allow\n"
      "deny sizes for d in deps where d.size > 2 \"{d.name}\": d.size <= release.size\n"
      "deny dated for d in deps \"{d.name}\": d.at >= 2026-01-01T00:00:00Z and d.name != \"x\"\n"
      "deny maps for f in files \"{f}\": not f.ends_with(\".map\") and not f.contains(\"..\")\n"
      "deny author for a in approvals \"{a.user}\": a.user != release.author\n"
      "  or a.team == release.owner.team\n"
      "deny tagged for t in tags \"{t ?? \"\"}\": has(t) and t != \"\"\n"
      "deny present for t in tags \"x\": has(t)\n"
      "deny team \"x\": any(a in approvals: a.team == \"release-eng\" and a.user != "
      "release.author)\n"
      "deny two \"x\": count({a.user for a in approvals where a.user != release.author}) >= 2\n";
  auto compiled = CompileSource(policy);
  INFO(compiled->diagnostics);
  REQUIRE(compiled->program != nullptr);
  const compile::Program& program = *compiled->program;
  // Every `for` rule got kernels, or this test would compare the interpreter with itself.
  for (const compile::CompiledRule& rule : program.rules()) {
    INFO(rule.id);
    if (rule.has_for) {
      CHECK(rule.condition_kernel != compile::kNoKernel);
      if (rule.filter != compile::kNoNode)
        CHECK(rule.filter_kernel != compile::kNoKernel);
    }
  }
  CHECK(program.kernel_count() == 14);  // 12 for the rules, `any`, the comprehension

  const char* facts[] = {
      R"(
release: { author: alice, owner: { team: web }, size: 5 }
approvals:
  - { user: bob, team: release-eng }
  - { user: alice, team: web }
  - { user: carol, team: web }
deps:
  - { name: left-pad, integrity: "sha512-abcdefgh==", scripts: false, size: "1", at: "2026-02-01T00:00:00Z" }
  - { name: esbuild, integrity: "sha256-x", scripts: true, size: 9, at: "2025-02-01T00:00:00Z" }
  - { name: evil, integrity: "md5-zz", scripts: true, size: 3, at: "2026-02-01T00:00:00Z" }
  - { name: none, scripts: "yes", size: 3, at: "2026-02-01T00:00:00Z" }
  - { integrity: "sha512-abcdefgh", scripts: true, size: 4, at: "2026-02-01T00:00:00Z" }
  - { name: short, integrity: "sha5", scripts: false, size: 0, at: "2026-02-01T00:00:00Z" }
  - { name: exact, integrity: "sha512-a", scripts: false, size: 0, at: "2026-02-01T00:00:00Z" }
  - { name: empty, integrity: "", scripts: true, size: 0, at: "2026-02-01T00:00:00Z" }
files: [dist/index.js, dist/app.js.map, .map, "a/../b", README.md, "", "dist/ünï.map"]
tags: [v1, "", null, 5]
)",
      // No owner: `release.owner.team` cannot be read, and the kernel gives up there.
      R"(
release: { author: alice, size: 1 }
owner_missing: true
approvals: [{ user: alice, team: release-eng }, { user: bob, team: web }]
deps: []
files: []
tags: []
)",
  };
  for (const char* text : facts)
    CHECK(DecideBothWays(program, text).summary.find("finding") != std::string::npos);
}

TEST_CASE("a kernel run a column at a time stops at the items the interpreter stops at") {
  // Lists longer than a chunk of 64 items: findings, items the kernel gives up on (a field
  // of the wrong type or missing, an item that is not a record: binding's bool columns say
  // so, base/list_columns.h), filtered items, on both sides of each chunk boundary; a rule that
  // stops on every item (each chunk is run once, not once per item); a map's keys (every
  // second Value).
  const std::string policy =
      "facts {\n"
      "  deps: [{ name: string, pinned: bool, integrity: string?, scripts: bool }]\n"
      "  files: [string]\n"
      "  labels: map[string]string\n"
      "}\n"
      "deny pinned for d in deps \"{d.name}\": d.pinned and\n"
      "  ((d.integrity ?? \"\").starts_with(\"sha512-\") or (d.integrity ?? "
      "\"\").starts_with(\"sha256-\"))\n"
      "deny scripts for d in deps where d.scripts \"{d.name}\": d.name == \"esbuild\"\n"
      "deny maps for f in files \"{f}\": not f.ends_with(\".map\")\n"
      "deny defaulted for d in deps \"{d.name}\": (d.integrity ?? \"sha512-none\")"
      ".starts_with(\"sha512-\")\n"
      "deny every for f in files \"{f}\": f == \"none of them\"\n"
      "deny keys for k in labels \"{k}\": not k.ends_with(\".map\")\n";
  auto compiled = CompileSource(policy);
  INFO(compiled->diagnostics);
  REQUIRE(compiled->program != nullptr);
  const compile::Program& program = *compiled->program;
  const std::set<int> unpinned = {0, 1, 62, 63, 64, 65, 127, 128, 129, 191, 192, 199};
  const std::set<int> wrong_type = {61, 66, 126, 130};
  const std::set<int> scripts = {5, 63, 64, 100, 128, 150};
  const std::set<int> no_integrity = {30, 90, 160};  // null: the default "" is read
  std::string text = "deps:\n";
  for (int k = 0; k < 200; ++k) {
    if (k == 140) {  // not a record: every rule over deps errs on it
      text += "  - \"p140\"\n";
      continue;
    }
    const std::string integrity =
        no_integrity.count(k) != 0
            ? ""
            : fmt::format(", integrity: \"{}\"",
                          unpinned.count(k) != 0 ? "md5-x" : "sha512-abcdefghijkl==");
    const std::string pinned =
        k == 20 ? "" : fmt::format(", pinned: {}", wrong_type.count(k) != 0 ? "\"yes\"" : "true");
    text += fmt::format("  - {{ name: p{}{}{}, scripts: {} }}\n", k, pinned, integrity,
                        scripts.count(k) != 0 ? "true" : "false");
  }
  text += "files:\n";
  for (int k = 0; k < 150; ++k)
    text += fmt::format("  - \"dist/f{}.js{}\"\n", k, k % 64 == 63 || k == 64 ? ".map" : "");
  text += "labels:\n";
  for (int k = 0; k < 140; ++k)
    text += fmt::format("  k{:03}{}: v\n", k, k == 63 || k == 64 || k == 139 ? ".map" : "");

  // The kernels' answers themselves, not only their agreement with the interpreter:
  // 12 unpinned and 3 with no integrity, 6 errors, 6 install scripts not from esbuild, 3
  // source maps, 150 files that are not "none of them", 3 map keys.
  RuleCounts counts = DecideBothWays(program, text);
  auto& findings = counts.findings;
  auto& errors = counts.errors;
  CHECK(findings["pinned"] == 15);
  CHECK(findings["defaulted"] == 12);  // the default matches: no integrity is no finding
  CHECK(errors["pinned"] == 6);        // 4 of the wrong type, 1 missing, 1 not a record
  CHECK(errors["scripts"] == 1);
  CHECK(errors["defaulted"] == 1);
  CHECK(findings["scripts"] == 6);
  CHECK(findings["maps"] == 3);
  CHECK(findings["every"] == 150);
  CHECK(findings["keys"] == 3);
}

// The bits of one bool column for items [0, len) against the bound items themselves:
// truth where the item is a record whose field is true, other where it is not a record or
// the field is not a bool.
void CheckColumn(const ListColumns& list, uint32_t field) {
  const BoolColumn* column = list.Find(field);
  REQUIRE(column != nullptr);
  for (uint32_t k = 0; k < list.len; ++k) {
    INFO("item " << k << ", field " << field);
    const Value& item = list.items[k];
    const bool is_bool =
        item.kind == ValueKind::kRecord && item.items[field].kind == ValueKind::kBool;
    const uint64_t bit = uint64_t{1} << (k % 64);
    CHECK(((column->truth[k / 64] & bit) != 0) == (is_bool && item.items[field].b));
    CHECK(((column->other[k / 64] & bit) != 0) == !is_bool);
    // Bits read from any item on, as a chunk of the kernel reads them.
    CHECK(((list.Bits(column->truth, k) & 1) != 0) == (is_bool && item.items[field].b));
    CHECK(((list.Bits(column->other, k) & 1) != 0) == !is_bool);
  }
}

TEST_CASE("binding writes the read bool fields of a list of records as bit columns") {
  // deps: the read bool fields `pinned` and `scripts` get columns; `opt` is optional and
  // `unread` is not read, so neither does; the list inside each item is not a top-level
  // list and gets none. Items whose field is true, false, of the wrong type or missing,
  // and an item that is not a record, across two chunks of 64.
  const std::string policy =
      "facts {\n"
      "  deps: [{ name: string, pinned: bool, scripts: bool, opt: bool?, unread: bool,\n"
      "           inner: [{ flag: bool }] }]\n"
      "}\n"
      "deny pinned for d in deps \"{d.name}\": d.pinned and not (d.opt ?? false)\n"
      "deny scripts for d in deps where d.scripts \"{d.name}\": all(i in d.inner: i.flag)\n";
  auto compiled = CompileSource(policy);
  INFO(compiled->diagnostics);
  REQUIRE(compiled->program != nullptr);
  const compile::Program& program = *compiled->program;
  std::string json = "{\"deps\": [";
  for (int k = 0; k < 130; ++k) {
    const char* pinned = k % 7 == 0 ? "false" : k % 11 == 0 ? "\"yes\"" : "true";
    std::string item = k == 65 ? "\"not a record\""
                               : fmt::format(
                                     "{{\"name\": \"p{}\", {}\"scripts\": {}, \"opt\": {}, "
                                     "\"unread\": true, \"inner\": [{{\"flag\": {}}}]}}",
                                     k, k % 13 == 0 ? "" : fmt::format("\"pinned\": {}, ", pinned),
                                     k % 5 == 0 ? "true" : "false", k % 3 == 0 ? "null" : "false",
                                     k % 2 == 0 ? "true" : "false");
    json += (k == 0 ? "" : ", ") + item;
  }
  json += "]}";
  // The strict loader binds every declared field (the decision lists the missing ones);
  // replay's in-place path only the read set.
  auto check = [&](const BoundFacts& bound, bool everything) {
    const Value& deps = bound.root()[0];
    REQUIRE(deps.kind == ValueKind::kList);
    REQUIRE(deps.len == 130);
    const ListColumns* list = bound.ColumnsOf(deps.items, deps.len);
    REQUIRE(list != nullptr);
    CHECK(list->count == (everything ? 3 : 2));
    CHECK(list->len == 130);
    CHECK(bound.ColumnsOf(deps.items, 131) == nullptr);  // longer than the bound list
    CheckColumn(*list, 1);                               // pinned
    CheckColumn(*list, 2);                               // scripts
    CHECK(list->Find(3) == nullptr);                     // opt: optional
    if (everything)
      CheckColumn(*list, 4);
    else
      CHECK(list->Find(4) == nullptr);                                   // unread
    CHECK(bound.ColumnsOf(deps.items[1].items[5].items, 1) == nullptr);  // inner
  };
  SUBCASE("the strict loader's facts") {
    facts::LoadError error;
    auto doc = facts::ParseJson(json, "release.json", error, facts::Digest::kSkip);
    REQUIRE(doc != nullptr);
    facts::FactSet set;
    REQUIRE(set.Add(std::move(doc), error));
    check(*Bind(program, set), true);
  }
  SUBCASE("replay's in-place binding") {
    JsonFacts reader;
    REQUIRE(reader.Parse(json));
    BoundFacts bound;
    REQUIRE(reader.Bind(program, program.reads(), bound) == JsonFacts::Binding::kBound);
    check(bound, false);
  }
}

TEST_CASE("strings compare equal byte for byte, whatever their length and wherever they differ") {
  // SameBytes (base/same_bytes.h) compares eight bytes at a time and the rest one by one.
  const std::string text = "sha512-0123456789abcdefghijklmnopqrstuvwxyz";
  for (size_t size = 0; size <= text.size(); ++size) {
    const std::string a = text.substr(0, size);
    CHECK(SameBytes(a.data(), text.data(), size));
    CHECK(Equal(Value::String(a), Value::String(text.substr(0, size))));
    CHECK(!Equal(Value::String(a), Value::String(text.substr(0, size + 1))) ==
          (size < text.size()));
    for (size_t at = 0; at < size; ++at) {
      std::string b = a;
      b[at] ^= 0x20;
      INFO("size " << size << ", differs at " << at);
      CHECK(!SameBytes(a.data(), b.data(), size));
      CHECK(!Equal(Value::String(a), Value::String(b)));
    }
  }
}

TEST_CASE("a regex of literal text is decided by comparing bytes, as the regex engine would") {
  struct Literal {
    const char* pattern;
    compile::LiteralMatch match;
    const char* text;
  };

  const Literal literals[] = {
      {R"(^https://github\.com/actions/runner/github-hosted$)", compile::LiteralMatch::kEquals,
       "https://github.com/actions/runner/github-hosted"},
      {"^release/", compile::LiteralMatch::kStartsWith, "release/"},
      {R"(\.map$)", compile::LiteralMatch::kEndsWith, ".map"},
      {"main", compile::LiteralMatch::kContains, "main"},
      {R"(\$HOME\^)", compile::LiteralMatch::kContains, "$HOME^"},
      {R"(a\$)", compile::LiteralMatch::kContains, "a$"},  // an escaped `$` is a dollar sign
      {R"(^a b-c_d:e@f/g$)", compile::LiteralMatch::kEquals, "a b-c_d:e@f/g"},
      {"^$", compile::LiteralMatch::kEquals, ""},
      {"", compile::LiteralMatch::kContains, ""},
  };
  for (const Literal& l : literals) {
    INFO(l.pattern);
    const compile::RegexLiteral found = compile::LiteralOf(l.pattern);
    CHECK(found.match == l.match);
    CHECK(found.text == l.text);
  }
  // Anything but text between the anchors runs the regex.
  for (const char* pattern :
       {"^a.c$", "a+", "^(a)$", "a|b", "[a]", "a{2}", R"(\d)", R"(\Qa\E)", "(?i)abc", R"(a\\$)",
        "a^", "$a", R"(\x41)", "caf\xc3\xa9", R"(\)", "a\nb"}) {
    INFO(pattern);
    CHECK(compile::LiteralOf(pattern).match == compile::LiteralMatch::kNone);
  }
  // Every pattern, literal or not, against texts on each side of each comparison: where
  // the pattern is literal, the comparison agrees with RE2.
  const char* patterns[] = {"^abc$", "^abc", "abc$", "abc", R"(^a\.c$)", R"(^a\.c)", R"(\.c$)",
                            "^$",    "",     "^",    "$",   R"(\$)",     R"(^\^)",   "^a b$"};
  const char* texts[] = {"abc", "abcd", "xabc", "xabcx", "ab",    "a.c",   "a.cd", "xa.c",
                         "aXc", "",     "$",    "^",     "abc\n", "\nabc", "a b",  "ABC"};
  int literal = 0;
  for (const char* pattern : patterns) {
    const compile::RegexLiteral l = compile::LiteralOf(pattern);
    if (l.match == compile::LiteralMatch::kNone)
      continue;
    ++literal;
    const re2::RE2 re(pattern);
    REQUIRE(re.ok());
    for (const char* text : texts) {
      INFO(pattern << " on " << text);
      CHECK(compile::LiteralMatches(l.match, text, l.text) == re2::RE2::PartialMatch(text, re));
    }
  }
  CHECK(literal == 14);
}

}  // namespace
}  // namespace relgate::eval
