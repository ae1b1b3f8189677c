#include "engine/lsp/text_position.h"

#include <algorithm>

namespace relgate::lsp {
namespace {

// Bytes of the UTF-8 sequence that starts with `lead` (1 for a stray continuation byte,
// so that invalid text still advances).
uint32_t SequenceLength(unsigned char lead) {
  if (lead >= 0xF0)
    return 4;
  if (lead >= 0xE0)
    return 3;
  if (lead >= 0xC0)
    return 2;
  return 1;
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n')
      line_starts_.push_back(i + 1);
  }
}

uint32_t LineIndex::OffsetOf(Position position, PositionEncoding encoding) const {
  if (position.line >= line_starts_.size())
    return static_cast<uint32_t>(text_.size());
  const uint32_t start = line_starts_[position.line];
  uint32_t end = position.line + 1 < line_starts_.size() ? line_starts_[position.line + 1] - 1
                                                         : static_cast<uint32_t>(text_.size());
  if (end > start && text_[end - 1] == '\r')
    --end;
  uint32_t offset = start;
  uint32_t units = 0;
  while (offset < end && units < position.character) {
    const uint32_t length = SequenceLength(static_cast<unsigned char>(text_[offset]));
    units += encoding == PositionEncoding::kUtf8 ? length : (length == 4 ? 2 : 1);
    offset = std::min(offset + length, end);
  }
  return offset;
}

Position LineIndex::PositionOf(uint32_t offset, PositionEncoding encoding) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  const auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const uint32_t line = static_cast<uint32_t>(it - line_starts_.begin()) - 1;
  uint32_t units = 0;
  for (uint32_t i = line_starts_[line]; i < offset;) {
    const uint32_t length = SequenceLength(static_cast<unsigned char>(text_[i]));
    units +=
        encoding == PositionEncoding::kUtf8 ? std::min(length, offset - i) : (length == 4 ? 2 : 1);
    i += length;
  }
  return {line, units};
}

}  // namespace relgate::lsp
