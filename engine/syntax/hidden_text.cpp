#include "engine/syntax/internal/hidden_text.h"

#include <string>

#include <fmt/format.h>

namespace relgate::syntax::internal {
namespace {

constexpr size_t kReported = 10;

enum class Kind { kNone, kLineBreak, kReorders, kInvisible };

struct Hidden {
  Kind kind = Kind::kNone;
  size_t length = 0;  // bytes
  unsigned code_point = 0;
};

// What starts at text[i] (valid UTF-8), when it is one of the refused characters.
Hidden Classify(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) {
    return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u;
  };
  const unsigned c = byte(i);
  if (c < 0x80) {
    if (c == '\r' && byte(i + 1) != '\n')
      return {Kind::kLineBreak, 1, c};
    if (c == 0x0B || c == 0x0C)
      return {Kind::kLineBreak, 1, c};
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
      return {Kind::kInvisible, 1, c};
    return {};
  }
  unsigned cp = 0;
  size_t length = 0;
  if ((c & 0xE0) == 0xC0) {
    cp = ((c & 0x1F) << 6) | (byte(i + 1) & 0x3F);
    length = 2;
  } else if ((c & 0xF0) == 0xE0) {
    cp = ((c & 0x0F) << 12) | ((byte(i + 1) & 0x3F) << 6) | (byte(i + 2) & 0x3F);
    length = 3;
  } else {
    return {};
  }
  if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
    return {Kind::kLineBreak, length, cp};
  if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2066 && cp <= 0x2069))
    return {Kind::kReorders, length, cp};
  if (cp >= 0x80 && cp < 0xA0)
    return {Kind::kInvisible, length, cp};
  return {};
}

std::string Describe(const Hidden& hidden) {
  switch (hidden.kind) {
    case Kind::kLineBreak:
      return fmt::format("U+{:04X} ({}) breaks the line in editors and diffs, but not for relgate",
                         hidden.code_point,
                         hidden.code_point == 0x0D     ? "a carriage return without a line feed"
                         : hidden.code_point == 0x0B   ? "a vertical tab"
                         : hidden.code_point == 0x0C   ? "a form feed"
                         : hidden.code_point == 0x85   ? "next line"
                         : hidden.code_point == 0x2028 ? "line separator"
                                                       : "paragraph separator");
    case Kind::kReorders:
      return fmt::format("U+{:04X} (a bidirectional control) reorders the text a reviewer sees",
                         hidden.code_point);
    default: return fmt::format("U+{:04X} (a control character) is invisible", hidden.code_point);
  }
}

}  // namespace

size_t RefuseHiddenText(std::string_view text, FileId file, uint32_t base, DiagnosticSink& sink) {
  size_t found = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const Hidden hidden = Classify(text, i);
    if (hidden.kind == Kind::kNone)
      continue;
    if (++found <= kReported) {
      const auto begin = static_cast<uint32_t>(base + i);
      sink.Error("hidden-text", Span{file, begin, static_cast<uint32_t>(begin + hidden.length)},
                 fmt::format("{}: refused in policy sources", Describe(hidden)),
                 hidden.kind == Kind::kLineBreak
                     ? "relgate ends lines only at LF (or CRLF): remove it, or write `\\r` in "
                       "a string"
                     : "remove it, or write it as an escape in a regex (`\\x{...}`)");
    }
    i += hidden.length - 1;
  }
  if (found > kReported) {
    sink.Error("hidden-text", Span{file, base, base},
               fmt::format("{} more such characters in the source", found - kReported));
  }
  return found;
}

}  // namespace relgate::syntax::internal
