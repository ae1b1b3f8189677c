// Every ``` code block of docs/language.md compiles (```text blocks are syntax sketches).
// Blocks are checked one at a time, after a prelude declaring the reference workload's
// facts (inserted after the block's imports, which must come first in a file).
#include <sstream>

#include <doctest/doctest.h>

#include "tests/test_util.h"

namespace relgate {
namespace {

const char* kPrelude = R"(facts {
  release: { id: string, author: string, branch: string, committed_at: time,
             built_at: time, signer: string?, labels: map[string]string }
  approvals: [{ user: string, team: string }]
  builder: { id: string, hosted: bool, ephemeral: bool }
  artifact: { digest: string, files: [string] }
  dependencies: [{ name: string, version: string, pinned: bool, integrity: string?,
                   has_install_script: bool }]
}
)";

TEST_CASE("every example in docs/language.md compiles") {
  std::istringstream doc(testing::ReadFile(testing::SourceDir() + "/docs/language.md"));
  std::vector<std::string> blocks;
  bool in_block = false;
  bool checked = false;
  std::string current;
  for (std::string line; std::getline(doc, line);) {
    if (line.rfind("```", 0) == 0) {
      if (in_block) {
        if (checked)
          blocks.push_back(current);
        in_block = false;
      } else {
        in_block = true;
        checked = line == "```";
        current.clear();
      }
      continue;
    }
    if (in_block)
      current += line + "\n";
  }
  CHECK(blocks.size() >= 10);
  for (const std::string& block : blocks) {
    CAPTURE(block);
    // Keep `package` and `import` lines first, then the prelude, then the rest.
    std::istringstream lines(block);
    std::string head, tail;
    bool in_head = true;
    for (std::string line; std::getline(lines, line);) {
      const bool header = line.rfind("package ", 0) == 0 || line.rfind("import ", 0) == 0 ||
                          (in_head && !head.empty() && (line.rfind("  ", 0) == 0 || line == "}"));
      if (in_head && (header || line.empty())) {
        head += line + "\n";
      } else {
        in_head = false;
        tail += line + "\n";
      }
    }
    // A fragment without rules (a facts block, some lets) is not a policy on its own: a
    // closing advisory rule makes it one.
    auto compiled =
        testing::CompileSource(head + kPrelude + tail + "\nwarn docs_fragment \"-\": true\n");
    INFO(compiled->diagnostics);
    CHECK(compiled->program != nullptr);
  }
}

}  // namespace
}  // namespace relgate
