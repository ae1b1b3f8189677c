// One compiled program shared by several threads, each deciding releases with its own
// Decider (reused scratch memory): the decisions equal the single-threaded ones byte for
// byte, whatever the number of threads. Built with -fsanitize=thread by `make tsan`
// (CI runs it), which checks that nothing in the program or the evaluator is written
// while it is shared.
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "engine/facts/json_lines.h"
#include "engine/report/report.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

std::vector<std::unique_ptr<facts::FactSet>> LoadSample() {
  std::vector<std::unique_ptr<facts::FactSet>> sets;
  facts::JsonLinesReader reader(testing::SourceDir() + "/tests/data/workload/sample.ndjson");
  REQUIRE(reader.ok());
  facts::JsonLine line;
  while (reader.Next(line)) {
    facts::LoadError error;
    auto doc = facts::ParseJson(line.text, "sample.ndjson:" + std::to_string(line.number), error);
    REQUIRE(doc != nullptr);
    auto set = std::make_unique<facts::FactSet>();
    REQUIRE(set->Add(std::move(doc), error));
    sets.push_back(std::move(set));
  }
  return sets;
}

TEST_CASE("one program on several threads decides as one thread does") {
  SourceMap sources;
  DiagnosticSink sink;
  auto program =
      CompilePolicy({testing::SourceDir() + "/policies"}, check::Stdlib(), sources, sink);
  REQUIRE(program != nullptr);
  const auto sets = LoadSample();
  REQUIRE(sets.size() == 150);
  eval::EvalOptions options;
  options.now = testing::Time("2026-06-01T00:00:00Z");

  std::vector<std::string> expected;
  {
    Decider decider(*program);
    for (const auto& set : sets)
      expected.push_back(report::RenderJson(decider.Decide(*set, options)));
  }
  // A fresh Decider per release gives the same: reuse leaves nothing behind.
  CHECK(report::RenderJson(Decide(*program, *sets[7], options)) == expected[7]);

  for (size_t threads : {2, 4}) {
    CAPTURE(threads);
    std::vector<std::string> got(sets.size());
    std::vector<std::thread> workers;
    for (size_t t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        Decider decider(*program);
        for (size_t k = t; k < sets.size(); k += threads)
          got[k] = report::RenderJson(decider.Decide(*sets[k], options));
      });
    }
    for (std::thread& w : workers)
      w.join();
    for (size_t k = 0; k < sets.size(); ++k) {
      CAPTURE(k);
      CHECK(got[k] == expected[k]);
    }
  }
}

}  // namespace
}  // namespace relgate
