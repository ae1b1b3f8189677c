// The JSON Lines reader: line numbers, blank lines, CRLF, a last line without a newline,
// lines across chunk boundaries, and an over-long line reported and skipped.
#include "engine/facts/json_lines.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include <doctest/doctest.h>

#include "engine/base/limits.h"
#include <unistd.h>

namespace relgate::facts {
namespace {

namespace fs = std::filesystem;

struct TempFile {
  fs::path path = fs::temp_directory_path() / ("relgate-jsonl-" + std::to_string(getpid()));

  explicit TempFile(const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
  }

  ~TempFile() { fs::remove(path); }
};

std::vector<JsonLine> ReadAll(const std::string& path) {
  JsonLinesReader reader(path);
  REQUIRE(reader.ok());
  std::vector<JsonLine> lines;
  JsonLine line;
  while (reader.Next(line))
    lines.push_back(line);
  CHECK(reader.error().empty());
  return lines;
}

TEST_CASE("lines are numbered, blank lines skipped, CRLF and a missing last newline accepted") {
  TempFile file("{\"a\": 1}\n\n   \n{\"b\": 2}\r\n{\"c\": 3}");
  const auto lines = ReadAll(file.path.string());
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].number == 1);
  CHECK(lines[0].text == "{\"a\": 1}");
  CHECK(lines[1].number == 4);
  CHECK(lines[1].text == "{\"b\": 2}");
  CHECK(lines[2].number == 5);
  CHECK(lines[2].text == "{\"c\": 3}");
  TempFile empty("");
  CHECK(ReadAll(empty.path.string()).empty());
}

TEST_CASE("a line across read chunks is whole, and an over-long line is reported and skipped") {
  const std::string three_mb(3 << 20, 'x');
  std::string content = "{\"s\": \"" + three_mb + "\"}\n";
  content += std::string(limits::kMaxFactsBytes + 10, 'y') + "\n";
  content += "{\"after\": true}\n";
  TempFile file(content);
  const auto lines = ReadAll(file.path.string());
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == "{\"s\": \"" + three_mb + "\"}");
  CHECK(lines[1].number == 2);
  CHECK(lines[1].text.empty());
  CHECK(lines[1].error == "line is longer than the limit of 67108864 bytes");
  CHECK(lines[2].number == 3);
  CHECK(lines[2].text == "{\"after\": true}");
}

TEST_CASE("lines are views that stay whole while held, across blocks that are reused") {
  // 5,000 lines of 1 to 3,000 bytes: many cross a 1 MiB block boundary. Every third line
  // is kept, the rest dropped at once, so the reader reuses blocks that no line holds any
  // more: a kept line must never change.
  std::string content;
  std::vector<std::string> want;
  for (int k = 0; k < 5000; ++k) {
    want.push_back(
        "{\"k\": " + std::to_string(k) + ", \"s\": \"" +
        std::string(static_cast<size_t>((k * 7919) % 3000), static_cast<char>('a' + k % 26)) +
        "\"}");
    content += want.back() + "\n";
  }
  TempFile file(content);
  JsonLinesReader reader(file.path.string());
  REQUIRE(reader.ok());
  std::vector<JsonLine> kept;
  JsonLine line;
  size_t n = 0;
  while (reader.Next(line)) {
    REQUIRE(n < want.size());
    CHECK(line.text == want[n]);
    if (n % 3 == 0)
      kept.push_back(line);
    ++n;
  }
  CHECK(n == want.size());
  for (size_t k = 0; k < kept.size(); ++k)
    CHECK(kept[k].text == want[3 * k]);
}

TEST_CASE("a missing file or a directory is an error before reading") {
  JsonLinesReader missing("/nonexistent/history.jsonl");
  CHECK_FALSE(missing.ok());
  CHECK(missing.error() == "does not exist");
  JsonLinesReader dir(fs::temp_directory_path().string());
  CHECK_FALSE(dir.ok());
  CHECK(dir.error() == "is a directory, not a file");
}

}  // namespace
}  // namespace relgate::facts
