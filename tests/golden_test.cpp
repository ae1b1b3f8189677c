// Golden files: what the relgate binary prints, byte for byte.
//
//   tests/golden/check/<name>.gate      `relgate check <name>.gate` -> <name>.expected
//                                       (names starting with error_ must exit 2, others 0)
//   tests/golden/eval/<name>.args       `relgate eval <args>` -> <name>.expected, whose
//                                       first line is `exit: N`
//
// On a mismatch the test prints a unified diff. RELGATE_UPDATE_GOLDEN=1 rewrites the
// expected files instead; review every rewritten file by eye before committing it.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

namespace fs = std::filesystem;

bool Updating() {
  const char* env = std::getenv("RELGATE_UPDATE_GOLDEN");
  return env != nullptr && std::string(env) == "1";
}

std::string Diff(const std::string& want, const std::string& got) {
  const fs::path dir = fs::temp_directory_path();
  const fs::path a = dir / "relgate-golden-want";
  const fs::path b = dir / "relgate-golden-got";
  std::ofstream(a, std::ios::binary) << want;
  std::ofstream(b, std::ios::binary) << got;
  FILE* pipe = popen(("diff -u '" + a.string() + "' '" + b.string() + "'").c_str(), "r");
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    out.append(buffer, n);
  pclose(pipe);
  return out;
}

void Compare(const fs::path& expected_path, const std::string& got) {
  CAPTURE(expected_path.string());
  if (Updating()) {
    std::ofstream(expected_path, std::ios::binary) << got;
    return;
  }
  const std::string want = testing::ReadFile(expected_path.string());
  if (want != got)
    FAIL_CHECK(Diff(want, got));
}

std::vector<fs::path> Files(const std::string& dir, const std::string& ext) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(testing::SourceDir() + "/" + dir)) {
    if (entry.path().extension() == ext)
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("golden diagnostics of relgate check") {
  const auto files = Files("tests/golden/check", ".gate");
  CHECK(files.size() >= 10);
  for (const fs::path& gate : files) {
    const std::string name = gate.stem().string();
    CAPTURE(name);
    const auto result = testing::RunRelgate("check tests/golden/check/" + name + ".gate");
    CHECK(result.exit_code == (name.rfind("error_", 0) == 0 ? 2 : 0));
    fs::path expected = gate;
    expected.replace_extension(".expected");
    Compare(expected, result.output);
  }
}

TEST_CASE("golden reports of relgate eval") {
  const auto files = Files("tests/golden/eval", ".args");
  CHECK(files.size() >= 8);
  for (const fs::path& args_path : files) {
    std::string args = testing::ReadFile(args_path.string());
    args.erase(std::remove(args.begin(), args.end(), '\n'), args.end());
    CAPTURE(args);
    const auto result = testing::RunRelgate("eval " + args);
    fs::path expected = args_path;
    expected.replace_extension(".expected");
    Compare(expected, "exit: " + std::to_string(result.exit_code) + "\n" + result.output);
  }
}

}  // namespace
}  // namespace relgate
