// Source files and spans. A Span is a byte range in one file of a SourceMap; line and
// column are computed only when a diagnostic or snippet is rendered, never during
// parsing or evaluation. A SourceMap only grows: FileIds stay valid for its lifetime.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relgate {

using FileId = uint32_t;

// A byte range [begin, end) in one file.
struct Span {
  FileId file = 0;
  uint32_t begin = 0;
  uint32_t end = 0;
};

// 1-based line and column (column counts UTF-8 code points, tabs as one).
struct Location {
  uint32_t line = 1;
  uint32_t column = 1;
};

class SourceFile {
 public:
  SourceFile(std::string path, std::string text, std::string relative_path = {});

  // How the file was named (for diagnostics).
  const std::string& path() const { return path_; }

  // The path relative to the policy root (`release.gate`), which the policy digest
  // covers: the same sources give the same digest however the root was spelled.
  const std::string& relative_path() const { return relative_path_; }

  const std::string& text() const { return text_; }

  // Line and column of a byte offset; offsets past the end map to the last position.
  Location LocationOf(uint32_t offset) const;
  // The text of 1-based line `line`, without its line terminator.
  std::string_view Line(uint32_t line) const;

 private:
  std::string path_;
  std::string relative_path_;
  std::string text_;
  std::vector<uint32_t> line_starts_;
};

class SourceMap {
 public:
  FileId Add(std::string path, std::string text, std::string relative_path = {});

  const SourceFile& file(FileId id) const { return *files_.at(id); }

  size_t size() const { return files_.size(); }

  // The source text a span covers.
  std::string_view Text(Span span) const;

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace relgate
