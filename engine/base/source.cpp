#include "engine/base/source.h"

#include <algorithm>

namespace relgate {

SourceFile::SourceFile(std::string path, std::string text, std::string relative_path)
    : path_(std::move(path)), relative_path_(std::move(relative_path)), text_(std::move(text)) {
  if (relative_path_.empty())
    relative_path_ = path_;
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n')
      line_starts_.push_back(i + 1);
  }
}

Location SourceFile::LocationOf(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const uint32_t line = static_cast<uint32_t>(it - line_starts_.begin());
  const uint32_t start = line_starts_[line - 1];
  uint32_t column = 1;
  for (uint32_t i = start; i < offset; ++i) {
    // Count code points: skip UTF-8 continuation bytes.
    if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80)
      ++column;
  }
  return {line, column};
}

std::string_view SourceFile::Line(uint32_t line) const {
  if (line == 0 || line > line_starts_.size())
    return {};
  const uint32_t start = line_starts_[line - 1];
  uint32_t end =
      line < line_starts_.size() ? line_starts_[line] - 1 : static_cast<uint32_t>(text_.size());
  if (end > start && text_[end - 1] == '\r')
    --end;
  return std::string_view(text_).substr(start, end - start);
}

FileId SourceMap::Add(std::string path, std::string text, std::string relative_path) {
  files_.push_back(
      std::make_unique<SourceFile>(std::move(path), std::move(text), std::move(relative_path)));
  return static_cast<FileId>(files_.size() - 1);
}

std::string_view SourceMap::Text(Span span) const {
  const std::string& text = file(span.file).text();
  if (span.begin > text.size() || span.end > text.size() || span.end < span.begin)
    return {};
  return std::string_view(text).substr(span.begin, span.end - span.begin);
}

}  // namespace relgate
