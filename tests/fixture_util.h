// Helpers for tests of importers whose fixtures a committed script generates: a fresh
// temporary directory per test process, and the check that the committed fixtures are
// byte for byte what their generator writes today.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "tests/test_util.h"
#include <unistd.h>

namespace relgate::testing {

// `/tmp/<name>-<pid>`, emptied.
inline std::filesystem::path TempDir(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Runs `dir`/`script` into a scratch directory and compares every file it writes with
// the committed one; the number of files compared.
inline int CompareWithGenerator(const std::string& dir,
                                const std::string& script = "make_fixtures.py") {
  const std::filesystem::path out = TempDir("relgate-fixtures");
  REQUIRE(std::system(("python3 '" + SourceDir() + "/" + dir + script + "' '" + out.string() + "'")
                          .c_str()) == 0);
  int compared = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(out)) {
    if (!entry.is_regular_file())
      continue;
    const std::string relative = std::filesystem::relative(entry.path(), out).string();
    CAPTURE(relative);
    CHECK(ReadFile(entry.path().string()) == ReadFile(SourceDir() + "/" + dir + relative));
    ++compared;
  }
  std::filesystem::remove_all(out);
  return compared;
}

}  // namespace relgate::testing
