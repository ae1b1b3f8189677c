// Positions as the Language Server Protocol counts them: a 0-based line and a character
// offset in UTF-16 code units (the protocol's default) or UTF-8 bytes (when the client
// offers `positionEncodings: ["utf-8"]`), converted to and from the byte offsets that
// spans use. Out-of-range positions clamp to the end of their line or of the text, as the
// protocol asks.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace relgate::lsp {

enum class PositionEncoding { kUtf16, kUtf8 };

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
};

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  uint32_t OffsetOf(Position position, PositionEncoding encoding) const;
  Position PositionOf(uint32_t offset, PositionEncoding encoding) const;

 private:
  std::string_view text_;
  std::vector<uint32_t> line_starts_;
};

}  // namespace relgate::lsp
