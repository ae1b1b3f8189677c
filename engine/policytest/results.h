// The outcome of a `relgate test` run and its two reports: the text a person reads
// (PASS/FAIL/ERROR per case with the diff, a summary line, coverage) and JUnit XML for CI
// systems that show test results natively.
#pragma once

#include <string>
#include <vector>

#include "engine/policytest/suite.h"

namespace relgate::policytest {

struct FileResults {
  std::string path;
  std::vector<CaseResult> cases;
};

struct RunResults {
  std::vector<FileResults> files;
  std::string coverage;  // rendered coverage of every policy run, when asked for

  int total() const;
  int failed() const;  // cases whose decision differed from the expected one
  int broken() const;  // cases that could not run
};

[[nodiscard]] std::string RenderResultsText(const RunResults& results);
[[nodiscard]] std::string RenderResultsJUnit(const RunResults& results);

}  // namespace relgate::policytest
