// relgate's verdicts on a sample of the reference workload (tests/data/workload, made by
// ../shared/workload/generate.mjs --n 150 --seed 11 --violation-rate 0.6) equal the ones
// the workload README defines, as computed by its reference.mjs oracle (expected.tsv:
// id, allow|deny, failed rules).
#include <map>
#include <set>
#include <sstream>

#include <doctest/doctest.h>

#include "tests/test_util.h"

namespace relgate {
namespace {

const std::map<std::string, std::string> kRuleOf = {
    {"baseline.two_person_review", "R1"}, {"baseline.release_team_approval", "R2"},
    {"baseline.trusted_builder", "R3"},   {"baseline.pinned_dependencies", "R4"},
    {"baseline.install_scripts", "R5"},   {"baseline.provenance_subject", "R6"},
    {"baseline.no_source_maps", "R7"},    {"baseline.fresh_build", "R8"},
};

TEST_CASE("verdicts and failed rules equal the reference oracle on the workload sample") {
  const std::string dir = testing::SourceDir() + "/tests/data/workload/";
  SourceMap sources;
  DiagnosticSink sink;
  auto program =
      CompilePolicy({testing::SourceDir() + "/policies"}, check::Stdlib(), sources, sink);
  INFO(RenderAll(sink, sources));
  REQUIRE(program != nullptr);

  std::map<std::string, std::pair<std::string, std::string>> expected;
  std::istringstream tsv(testing::ReadFile(dir + "expected.tsv"));
  for (std::string line; std::getline(tsv, line);) {
    std::istringstream fields(line);
    std::string id, verdict, failed;
    std::getline(fields, id, '\t');
    std::getline(fields, verdict, '\t');
    std::getline(fields, failed, '\t');
    expected[id] = {verdict, failed};
  }
  REQUIRE(expected.size() == 150);

  std::istringstream ndjson(testing::ReadFile(dir + "sample.ndjson"));
  size_t checked = 0, denied = 0;
  eval::Scratch scratch;
  eval::EvalOptions options;
  options.now = testing::Time("2026-11-01T00:00:00Z");
  for (std::string line; std::getline(ndjson, line);) {
    facts::LoadError error;
    auto doc = facts::ParseJson(line, "release.json", error);
    REQUIRE(doc != nullptr);
    facts::FactSet set;
    REQUIRE(set.Add(std::move(doc), error));
    auto bound = eval::Bind(*program, set);
    const eval::Outcome& outcome = eval::Evaluate(*program, *bound, options, scratch);
    std::set<std::string> failed;
    for (const eval::RawFinding& f : outcome.findings) {
      if (f.status != eval::FindingStatus::kBlocking)
        continue;
      const std::string& id = program->rules()[f.rule].id;
      REQUIRE(kRuleOf.count(id) == 1);
      failed.insert(kRuleOf.at(id));
    }
    std::string joined;
    for (const std::string& r : failed)
      joined += (joined.empty() ? "" : ",") + r;
    const std::string release_id(set.Find("release")->Find("id")->str());
    CAPTURE(release_id);
    REQUIRE(expected.count(release_id) == 1);
    CHECK(outcome.errors.empty());
    CHECK(joined == expected[release_id].second);
    CHECK((outcome.verdict == eval::Verdict::kOpen ? "allow" : "deny") ==
          expected[release_id].first);
    denied += outcome.verdict != eval::Verdict::kOpen;
    ++checked;
  }
  CHECK(checked == 150);
  CHECK(denied == 99);
}

}  // namespace
}  // namespace relgate
