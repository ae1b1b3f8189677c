// What every fuzz target asserts beyond "no crash": properties that hold for every input,
// each of which can fail (the process aborts with a line on stderr, and libFuzzer keeps the
// input). Shared by the targets, in the fuzz build and in the ctest replay of the corpus.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/eval/decision.h"
#include "engine/facts/facts.h"
#include "engine/import/facts_json.h"

namespace relgate::fuzz {

[[noreturn]] inline void Violated(const char* property) {
  std::fprintf(stderr, "fuzz property violated: %s\n", property);
  std::abort();
}

inline void Require(bool holds, const char* property) {
  if (!holds)
    Violated(property);
}

// A JSON document relgate wrote is JSON: its own parser (simdjson) reads it back.
inline void RequireJson(std::string_view text, const char* property) {
  facts::LoadError error;
  Require(facts::ParseJson(text, "written", error, facts::Digest::kSkip) != nullptr, property);
}

// A facts document written as JSON (what `relgate import` prints) reads back as the same
// document: writing the re-read one gives the same bytes.
inline void RequireFactsRoundTrip(const facts::Document& document, const char* property) {
  const std::string once = import::FactsJson(document);
  facts::LoadError error;
  auto again = facts::ParseJson(once, "written", error, facts::Digest::kSkip);
  Require(again != nullptr, property);
  Require(import::FactsJson(*again) == once, property);
}

// The verdict is what the findings and errors say: shut only with a blocking finding,
// undecided exactly when an error blocks (an evaluation that ran out of budget included:
// it is never silent), open otherwise.
inline void RequireConsistentVerdict(const eval::Decision& d) {
  bool blocking_finding = false, blocking_error = false;
  for (const eval::Finding& f : d.findings)
    blocking_finding = blocking_finding || f.status == eval::FindingStatus::kBlocking;
  for (const eval::RuleError& e : d.errors)
    blocking_error = blocking_error || e.blocks;
  const eval::Verdict expected = blocking_error     ? eval::Verdict::kUndecided
                                 : blocking_finding ? eval::Verdict::kShut
                                                    : eval::Verdict::kOpen;
  Require(d.verdict == expected, "the verdict follows from the findings and errors");
  for (const eval::RuleResult& r : d.rules) {
    Require(r.status != eval::RuleStatus::kNotEvaluated || d.verdict == eval::Verdict::kUndecided,
            "a rule left unevaluated (the budget ran out) leaves the gate undecided");
  }
}

}  // namespace relgate::fuzz
