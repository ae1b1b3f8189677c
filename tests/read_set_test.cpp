// The read set (compile/read_set.h) and replay's in-place JSON binding (eval::JsonFacts):
// what a policy reads, and that deciding on the read set alone gives the same outcome as
// the strict path (whole facts tree, every declared fact bound) on every release.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/facts/json_lines.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

using testing::CompileSource;

std::string ReadsOf(const std::string& source) {
  auto compiled = CompileSource(source);
  INFO(compiled->diagnostics);
  REQUIRE(compiled->program != nullptr);
  const compile::Program& p = *compiled->program;
  return fmt::format("{}", fmt::join(p.reads().Describe(p.schema()), ", "));
}

const char* kSchema = R"(facts {
  release: { author: string, branch: string, built_at: time, committed_at: time,
             labels: map[string]string, notes: string }
  builder: { id: string, hosted: bool }
  approvals: [{ user: string, team: string, at: time }]
  deps: [{ name: string, version: string, integrity: string?, scripts: bool }]
  files: [string]
  unused: { a: string }
}
)";

TEST_CASE("the read set follows fields, items, loop variables, lets and messages") {
  CHECK(ReadsOf(std::string(kSchema) + R"(deny r "m": release.author != "x")"
                                       "\n") == "release.author");
  // A rule over a list reads the item fields its condition and message read.
  CHECK(ReadsOf(std::string(kSchema) +
                "deny r for d in deps \"{d.name}@{d.version}\": (d.integrity ?? \"\") != \"\"\n") ==
        "deps[].integrity, deps[].name, deps[].version");
  // A let is followed through: only `team` of each approval.
  CHECK(ReadsOf(std::string(kSchema) + "let teams = { a.team for a in approvals }\n" +
                "deny r \"m\": \"web\" in teams\n") == "approvals[].team");
  // A record used as a value (compared, printed) is read whole; so is a list in count().
  CHECK(ReadsOf(std::string(kSchema) + "deny r \"{builder}\": count(files) > 0\n") ==
        "builder, files");
  // Quantifiers, maps, exceptions and filters.
  CHECK(
      ReadsOf(std::string(kSchema) +
              "deny r for d in deps where d.scripts \"m\": any(a in approvals: a.user == "
              "release.labels[\"owner\"])\n"
              "except r when d.name == \"esbuild\" until 2030-01-01 owner \"o\" reason \"r\"\n") ==
      "approvals[].user, deps[].name, deps[].scripts, release.labels[]");
  // Times: a difference of two facts reads both.
  CHECK(ReadsOf(std::string(kSchema) +
                "deny r \"m\": release.built_at - release.committed_at <= 24h\n") ==
        "release.built_at, release.committed_at");
}

TEST_CASE("relgate check --reads prints the evidence a policy needs") {
  const testing::RunResult r = testing::RunRelgate("check bench/baseline_only.gate --reads");
  CHECK(r.exit_code == 0);
  CHECK(r.output ==
        "ok: 8 rules, 2 source files\n"
        "reads approvals[].team\nreads approvals[].user\nreads artifact.digest\n"
        "reads artifact.files[]\nreads builder.ephemeral\nreads builder.hosted\n"
        "reads builder.id\nreads dependencies[].has_install_script\n"
        "reads dependencies[].integrity\nreads dependencies[].name\n"
        "reads dependencies[].pinned\nreads dependencies[].version\n"
        "reads provenance.subject_digest\nreads release.author\nreads release.built_at\n"
        "reads release.committed_at\n");
}

// One line of an outcome per finding and error: what must not differ between the paths.
std::string Render(const compile::Program& p, const eval::Outcome& o) {
  std::string out = fmt::format("verdict {}\n", eval::VerdictName(o.verdict));
  for (size_t r = 0; r < o.rules.size(); ++r)
    out += fmt::format("rule {} {}\n", p.rules()[r].id, static_cast<int>(o.rules[r]));
  for (const eval::RawFinding& f : o.findings)
    out += fmt::format("finding {} {} {} {}\n", p.rules()[f.rule].id, f.item,
                       static_cast<int>(f.status), f.exception);
  for (const eval::RawError& e : o.errors)
    out += fmt::format("error {} {} {} {} {}\n", p.rules()[e.rule].id, e.item, e.error->path,
                       e.error->message, e.blocks);
  return out;
}

// The strict path's outcome; "unreadable: ..." when the document is refused.
std::string Strict(const compile::Program& p, const std::string& json, int64_t now) {
  facts::LoadError error;
  auto doc = facts::ParseJson(json, "release.json", error, facts::Digest::kSkip);
  facts::FactSet set;
  if (!doc || !set.Add(std::move(doc), error))
    return "unreadable: " + error.message;
  Decider decider(p);
  eval::EvalOptions options;
  options.now = now;
  return Render(p, decider.Evaluate(set, options));
}

// The in-place path's outcome; "declined" when it leaves the document to the strict path.
std::string InPlace(const compile::Program& p, const std::string& json, int64_t now) {
  eval::JsonFacts reader;
  if (!reader.Parse(json))
    return "declined";
  Decider decider(p);
  eval::EvalOptions options;
  options.now = now;
  const eval::Outcome* o = decider.EvaluateJson(reader, p.reads(), options);
  return o != nullptr ? Render(p, *o) : "declined";
}

// What a replay report shows of a decision: each finding's and error's rule, message and
// item or path.
std::string Explained(const eval::Decision& d) {
  std::string out;
  for (const eval::Finding& f : d.findings)
    out += fmt::format("finding {} {} {} ({})\n", f.rule, static_cast<int>(f.status), f.message,
                       f.item);
  for (const eval::RuleError& e : d.errors)
    out += fmt::format("error {} {} {} ({}, {})\n", e.rule, e.blocks, e.message, e.item, e.path);
  return out;
}

std::string ExplainedStrictly(const compile::Program& p, const std::string& json, int64_t now) {
  facts::LoadError error;
  auto doc = facts::ParseJson(json, "release.json", error, facts::Digest::kSkip);
  facts::FactSet set;
  REQUIRE((doc && set.Add(std::move(doc), error)));
  Decider decider(p);
  eval::EvalOptions options;
  options.now = now;
  return Explained(decider.Decide(set, options));
}

// Explained on the facts bound in place; "declined" when the strict loader must read it.
std::string ExplainedInPlace(const compile::Program& p, const std::string& json, int64_t now) {
  eval::JsonFacts reader;
  if (!reader.Parse(json) || !reader.StrictlyReadable())
    return "declined";
  Decider decider(p);
  eval::EvalOptions options;
  options.now = now;
  if (decider.EvaluateJson(reader, p.reads(), options) == nullptr)
    return "declined";
  return Explained(decider.Explain(options));
}

std::unique_ptr<compile::Program> Shipped(const std::string& path, SourceMap& sources) {
  DiagnosticSink sink;
  auto program =
      CompilePolicy({std::string(RELGATE_SOURCE_DIR) + "/" + path}, check::Stdlib(), sources, sink);
  REQUIRE(program != nullptr);
  return program;
}

// Calls `check` with every release of the committed workload sample (its JSON text) under
// the shipped policy and under R1-R8; returns how many releases there were.
template <typename Check>
size_t ForEachSampleRelease(Check&& check) {
  SourceMap sources;
  auto shipped = Shipped("policies", sources);
  auto baseline = Shipped("bench/baseline_only.gate", sources);
  facts::JsonLinesReader lines(std::string(RELGATE_SOURCE_DIR) +
                               "/tests/data/workload/sample.ndjson");
  facts::JsonLine line;
  size_t releases = 0;
  while (lines.Next(line)) {
    ++releases;
    for (const compile::Program* p : {shipped.get(), baseline.get()}) {
      INFO("line ", line.number, " policy ", p->package());
      check(*p, std::string(line.text));
    }
  }
  return releases;
}

TEST_CASE("in place on the read set, every workload release is decided as the strict path does") {
  const int64_t now = testing::Time("2026-07-01T00:00:00Z");
  size_t shut = 0;
  const size_t releases =
      ForEachSampleRelease([&](const compile::Program& p, const std::string& text) {
        const std::string strict = Strict(p, text, now);
        CHECK(InPlace(p, text, now) == strict);
        shut += strict.rfind("verdict open", 0) != 0;
      });
  CHECK(releases == 150);
  CHECK(shut > 50);  // the sample holds blocked releases, not only open ones
}

TEST_CASE("explained in place, every workload release has the findings the strict path gives") {
  const int64_t now = testing::Time("2026-07-01T00:00:00Z");
  size_t findings = 0;
  const size_t releases =
      ForEachSampleRelease([&](const compile::Program& p, const std::string& text) {
        const std::string strict = ExplainedStrictly(p, text, now);
        CHECK(ExplainedInPlace(p, text, now) == strict);
        findings += strict.find("finding ") != std::string::npos;
      });
  CHECK(releases == 150);
  CHECK(findings > 50);  // messages were rendered, not only verdicts compared
}

TEST_CASE("a document is strictly readable in place only when the strict loader reads it") {
  auto strict_reads = [](const std::string& json) {
    facts::LoadError error;
    return facts::ParseJson(json, "release.json", error, facts::Digest::kSkip) != nullptr;
  };
  auto in_place = [](const std::string& json) {
    eval::JsonFacts reader;
    return reader.Parse(json) && reader.StrictlyReadable();
  };
  std::string many_keys = "{";
  for (int k = 0; k < 40; ++k)
    many_keys += fmt::format("\"k{}\": {}, ", k, k);
  const std::string deep_ok = std::string(100, '[') + std::string(100, ']');
  for (const std::string& json :
       {std::string(R"({"release": {"author": "a"}, "deps": [{"name": "x"}, {"name": "x"}]})"),
        std::string(R"({"a": {"x": 1, "y": -9223372036854775808, "z": 1.5e300}, "b": [{}]})"),
        many_keys + "\"k40\": 0}", "{\"deep\": " + deep_ok + "}"}) {
    INFO(json);
    CHECK(strict_reads(json));
    CHECK(in_place(json));
  }
  // Refused by the strict loader after simdjson accepted them: a key twice (in a small
  // and in a large mapping, however deep and wherever no rule reads it), an integer beyond
  // int64, nesting at the facts' limit.
  for (const std::string& json :
       {std::string(R"({"unused": {"a": "1", "a": "2"}})"),
        std::string(R"({"deps": [{"name": "x"}, {"n": 1, "m": {"q": [{"k": 1, "k": 1}]}}]})"),
        many_keys + "\"k7\": 0}", std::string(R"({"x": [18446744073709551615]})"),
        "{\"deep\": " + std::string(128, '[') + std::string(128, ']') + "}"}) {
    INFO(json);
    CHECK(!strict_reads(json));
    CHECK(!in_place(json));
  }
}

TEST_CASE("in place: missing, null and mistyped facts fail the same rules with the same messages") {
  auto compiled = CompileSource(std::string(kSchema) + R"(
deny author "m": release.author != ""
deny fresh "m": release.built_at >= release.committed_at
deny pinned for d in deps "{d.name}": (d.integrity ?? "").starts_with("sha512-")
deny hosted "m": builder.hosted
deny labelled "m": release.labels["owner"] ?? "" != ""
)");
  INFO(compiled->diagnostics);
  REQUIRE(compiled->program != nullptr);
  const compile::Program& p = *compiled->program;
  const int64_t now = testing::Time("2026-07-01T00:00:00Z");
  const char* documents[] = {
      R"({"release": {"author": "a", "built_at": "2026-06-01T00:00:00Z", "committed_at": "2026-05-01T00:00:00Z", "labels": {"owner": "x"}}, "builder": {"hosted": true}, "deps": [{"name": "l", "integrity": "sha512-x"}]})",
      R"({"release": {"author": null, "built_at": "yesterday", "labels": {"b": "1", "a": "2"}}, "builder": {"hosted": "yes"}, "deps": [{"name": 3, "integrity": null}, {"integrity": 7}]})",
      R"({"release": {"author": "a", "built_at": 5, "committed_at": "2026-13-01T00:00:00Z", "labels": []}, "deps": {}})",
      R"({"builder": null, "deps": null, "release": "text"})",
      R"({})",
      // Unread parts are not bound: an out-of-range integer or a repeated key there does not
      // change the outcome of the rules (the strict loader refuses the document).
      R"({"release": {"author": "a", "built_at": "2026-06-01T00:00:00Z", "committed_at": "2026-05-01T00:00:00Z", "labels": {}}, "builder": {"hosted": true}, "deps": []})",
  };
  for (const char* json : documents) {
    INFO(json);
    CHECK(InPlace(p, json, now) == Strict(p, json, now));
  }
  // Documents the strict loader refuses are declined, so that replay reports the loader's
  // message: a read key twice, an integer beyond int64 on a read path, a byte order mark,
  // a top level that is not a mapping, invalid JSON.
  const char* refused[] = {
      R"({"release": {"author": "a", "author": "b"}})",
      R"({"deps": [{"name": "x", "name": "y"}]})",
      R"({"release": {"labels": {"k": "1", "k": "2"}}})",
      R"({"builder": {"hosted": true}, "release": {"author": 18446744073709551615}})",
      "\xEF\xBB\xBF{}",
      "[1, 2]",
      R"({"release": )",
  };
  for (const char* json : refused) {
    INFO(json);
    CHECK(InPlace(p, json, now) == "declined");
    CHECK(Strict(p, json, now).rfind("unreadable: ", 0) == 0);
  }
  // What no rule reads is passed over: the strict loader refuses these, the in-place path
  // decides them (docs/replay.md says so).
  const std::string unread_twice =
      R"({"unused": {"a": "1", "a": "2"}, "release": {"author": "a"}, "x": 18446744073709551615})";
  CHECK(InPlace(p, unread_twice, now).rfind("verdict", 0) == 0);
  CHECK(Strict(p, unread_twice, now).rfind("unreadable: ", 0) == 0);
}

}  // namespace
}  // namespace relgate
