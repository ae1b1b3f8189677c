#include "engine/base/printable.h"

#include <cstdint>
#include <iterator>

#include <fmt/format.h>

namespace relgate {
namespace {

// Length of the valid UTF-8 sequence at `s[i]` and its code point; 0 if invalid.
size_t Decode(std::string_view s, size_t i, uint32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  size_t len;
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size())
    return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

bool ActsOnTerminal(uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x061C ||
         cp == 0xFEFF;
}

template <typename Replace>
std::string Clean(std::string_view text, Replace replace) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    const size_t len = Decode(text, i, cp);
    if (len == 0) {
      replace(out, static_cast<unsigned char>(text[i]), false);
      ++i;
      continue;
    }
    if (ActsOnTerminal(cp)) {
      replace(out, cp, true);
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

}  // namespace

std::string Printable(std::string_view text) {
  return Clean(text, [](std::string& out, uint32_t cp, bool valid) {
    auto put = std::back_inserter(out);
    if (!valid || (cp < 0x80 && cp != '\n' && cp != '\r' && cp != '\t')) {
      fmt::format_to(put, "\\x{:02x}", cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else {
      fmt::format_to(put, "\\u{{{:x}}}", cp);
    }
  });
}

std::string PrintableColumns(std::string_view text) {
  return Clean(text, [](std::string& out, uint32_t cp, bool) {
    // A tab keeps its meaning in source lines: the renderer expands it.
    out += cp == '\t' ? "\t" : "\xEF\xBF\xBD";
  });
}

}  // namespace relgate
