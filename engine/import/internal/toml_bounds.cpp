#include "engine/import/internal/toml_bounds.h"

#include <vector>

#include <fmt/format.h>

namespace relgate::import::internal {

bool CheckTomlBounds(std::string_view text, TomlBoundsError& error) {
  // Where the scanner is: in a key (counting its dots) or in a value, and the open arrays
  // ('[') and inline tables ('{') of the value; a table header is a key in brackets.
  std::vector<char> open;
  bool in_key = true, in_header = false;
  size_t parts = 1;
  uint32_t line = 1, column = 0;
  auto fail = [&](std::string message) {
    error = {line, column + 1, std::move(message)};  // columns count from 1
    return false;
  };
  auto start_key = [&] {
    in_key = true;
    parts = 1;
  };
  // A UTF-8 byte order mark may open the file.
  size_t i = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  auto advance = [&](size_t n) {
    for (size_t k = 0; k < n && i < text.size(); ++k, ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 0;
      } else {
        ++column;
      }
    }
  };
  while (i < text.size()) {
    const char c = text[i];
    const std::string_view rest = text.substr(i);
    if (c == '#') {
      while (i < text.size() && text[i] != '\n')
        advance(1);
      continue;
    }
    if (rest.starts_with("\"\"\"") || rest.starts_with("'''")) {
      const std::string_view quote = rest.substr(0, 3);
      advance(3);
      while (i < text.size() && !text.substr(i).starts_with(quote)) {
        if (text[i] != '\\' || quote[0] != '"') {
          advance(1);
          continue;
        }
        // toml++ 3.3 asks whether what follows a backslash (and the white space after a
        // line-ending backslash) is white space: see the note on non-ASCII below.
        advance(1);
        while (i < text.size() &&
               (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
          advance(1);
        if (i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80)
          return fail("a character other than ASCII after a backslash in a multi-line string");
        advance(1);
      }
      advance(3);
      continue;
    }
    if (c == '"' || c == '\'') {
      const bool key = in_key || in_header;
      advance(1);
      while (i < text.size() && text[i] != c && text[i] != '\n') {
        // toml++ 3.3 tests every character of a key for white space as it records it.
        if (key && static_cast<unsigned char>(text[i]) >= 0x80)
          return fail("a quoted key with a character other than ASCII");
        advance(text[i] == '\\' && c == '"' ? 2 : 1);
      }
      advance(1);
      continue;
    }
    if (c == '\n') {
      if (open.empty() && !in_header)
        start_key();
      advance(1);
      continue;
    }
    // TOML allows other than ASCII only in strings and comments. Refused here, before
    // toml++ 3.3's white-space test, whose table is incomplete for some code points
    // (U+00A1 to U+0499, among others) and reaches __builtin_unreachable on them — a jump
    // anywhere in an optimised build. The same test runs on quoted keys and after a
    // backslash in multi-line strings (above); elsewhere in strings and in comments it
    // does not, so those keep any character.
    if (static_cast<unsigned char>(c) >= 0x80)
      return fail("a character other than ASCII outside a string or comment");
    if (in_key && c == '.') {
      if (++parts > kMaxTomlKeyParts)
        return fail(fmt::format("a dotted key of more than {} parts", kMaxTomlKeyParts));
    } else if (in_header) {
      if (c == ']') {
        in_header = false;
        in_key = false;
      }
    } else if (in_key && c == '[' && open.empty()) {
      in_header = true;
      parts = 1;
      if (i + 1 < text.size() && text[i + 1] == '[')
        advance(1);
    } else if (in_key && c == '=') {
      in_key = false;
    } else if (!in_key && (c == '[' || c == '{')) {
      open.push_back(c);
      if (open.size() > kMaxTomlNesting)
        return fail(
            fmt::format("arrays and inline tables nested deeper than {} levels", kMaxTomlNesting));
      if (c == '{')
        start_key();
    } else if (!in_key && (c == ']' || c == '}') && !open.empty()) {
      open.pop_back();
    } else if (!in_key && c == ',' && !open.empty() && open.back() == '{') {
      start_key();
    } else if (in_key && c == '}' && !open.empty()) {
      open.pop_back();  // `{}`: an empty inline table
      in_key = false;
    }
    advance(1);
  }
  return true;
}

bool ParseBoundedToml(std::string_view bytes, const std::string& path, toml::table& root,
                      facts::LoadError& error) {
  error.file = path;
  if (TomlBoundsError bounds; !CheckTomlBounds(bytes, bounds)) {
    error.line = bounds.line;
    error.column = bounds.column;
    error.message = bounds.message;
    return false;
  }
  try {
    root = toml::parse(bytes, path);
  } catch (const toml::parse_error& e) {
    error.line = static_cast<uint32_t>(e.source().begin.line);
    error.column = static_cast<uint32_t>(e.source().begin.column);
    error.message = fmt::format("not TOML: {}", e.description());
    return false;
  }
  return true;
}

}  // namespace relgate::import::internal
