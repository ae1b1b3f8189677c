// A rule with hundreds of findings on real evidence (sigstore-js's lockfile: 811 entries
// npm locked without an integrity hash): the formats people read show each rule's first
// --max-findings and how many more; JSON and SARIF keep every finding.
#include <algorithm>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

using testing::Contains;
using testing::RunRelgate;

const std::string kEval =
    "eval --policy tests/data/findings/deps.gate --now 2026-12-01 --facts "
    "npm-lock:tests/data/import/npm-lock/sigstore-js__package-lock.v3.json";

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

TEST_CASE("text shows each rule's first findings and how many more") {
  auto text = RunRelgate(kEval, false);
  CHECK(text.exit_code == 1);
  CHECK(Contains(text.output, "GATE SHUT  811 blocking findings"));
  CHECK(Count(text.output, "FAIL  deps.pinned_with_hash") == 10);
  CHECK(Contains(text.output,
                 "... and 801 more findings of deps.pinned_with_hash (811 in all; "
                 "--max-findings 0 or --format json lists every one)\n"));
  // Ten findings of at most eight lines (rule, message, evidence line, why), the summary.
  CHECK(Count(text.output, "\n") < 90);
  // The value that decided, not only the allowed forms.
  CHECK(Contains(text.output,
                 "argparse@2.0.1 is not pinned to one version with an accepted hash "
                 "(pinned: true, integrity: none)\n"));

  auto all = RunRelgate(kEval + " --max-findings 0", false);
  CHECK(Count(all.output, "FAIL  deps.pinned_with_hash") == 811);
  CHECK(!Contains(all.output, "more findings"));
  auto three = RunRelgate(kEval + " --max-findings 3", false);
  CHECK(Count(three.output, "FAIL  deps.pinned_with_hash") == 3);
  CHECK(Contains(three.output, "... and 808 more findings"));
}

TEST_CASE("GitHub gets one annotation per rule, Markdown a capped table") {
  auto github = RunRelgate(kEval + " --format github", false);
  CHECK(github.exit_code == 1);
  CHECK(Count(github.output, "\n") == 2);  // the rule's annotation and the verdict
  CHECK(Contains(github.output,
                 "title=relgate deps.pinned_with_hash%3A 811 findings block the release::811 "
                 "findings; first 10:%0A- @apidevtools/json-schema-ref-parser@11.6.1 is not "
                 "pinned"));
  CHECK(Contains(github.output,
                 "%0A... and 801 more (the step summary and --format json list "
                 "them; --max-findings 0 annotates all)\n"));
  CHECK(github.output.size() < 4000);

  auto markdown = RunRelgate(kEval + " --format markdown", false);
  CHECK(Count(markdown.output, "| blocks | `deps.pinned_with_hash` |") == 10);
  CHECK(Contains(markdown.output,
                 "| ... | `deps.pinned_with_hash` | | 801 more findings of this "
                 "rule (811 in all; the JSON decision lists every one) | | |\n"));
  CHECK(markdown.output.size() < 8000);
}

TEST_CASE("JSON and SARIF keep every finding") {
  auto json = RunRelgate(kEval + " --format json", false);
  CHECK(Count(json.output, "\"rule\":\"deps.pinned_with_hash\"") == 811);
  auto sarif = RunRelgate(kEval + " --format sarif", false);
  CHECK(Count(sarif.output, "\"ruleId\":\"deps.pinned_with_hash\"") == 811);
}

}  // namespace
}  // namespace relgate
