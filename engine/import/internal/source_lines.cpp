#include "engine/import/internal/source_lines.h"

#include <algorithm>

namespace relgate::import::internal {

uint32_t SourceLines::MoveTo(size_t at) {
  line_ += static_cast<uint32_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                            text_.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
  pos_ = at;
  return line_;
}

template <typename Match>
uint32_t SourceLines::NextLine(Match matches) {
  // From the next line that starts at or after the position (a matched line is passed).
  size_t start = pos_;
  if (start > 0 && text_[start - 1] != '\n') {
    const size_t newline = text_.find('\n', start);
    start = newline == std::string_view::npos ? text_.size() : newline + 1;
  }
  for (size_t at = start; at < text_.size();) {
    const size_t end = std::min(text_.find('\n', at), text_.size());
    std::string_view line = text_.substr(at, end - at);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    const size_t first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos) {
      line.remove_prefix(first);
      if (line.substr(0, 2) == "- ") {
        const size_t item = line.find_first_not_of(' ', 2);
        line.remove_prefix(item == std::string_view::npos ? line.size() : item);
      }
      if (matches(line)) {
        last_line_offset_ = at;
        const uint32_t found = MoveTo(at);
        MoveTo(end);
        return found;
      }
    }
    at = end + 1;
  }
  return 0;
}

uint32_t SourceLines::NextLineStartingWith(std::string_view head) {
  if (head.empty())
    return 0;
  return NextLine([&](std::string_view line) { return line.substr(0, head.size()) == head; });
}

uint32_t SourceLines::NextYamlKey(std::string_view key) {
  if (key.empty())
    return 0;
  return NextLine([&](std::string_view line) {
    if (!line.empty() && (line[0] == '\'' || line[0] == '"')) {
      const char quote = line[0];
      return line.size() >= key.size() + 3 && line.substr(1, key.size()) == key &&
             line[key.size() + 1] == quote && line[key.size() + 2] == ':';
    }
    return line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':';
  });
}

uint32_t SourceLines::NextJsonKey(std::string_view key) {
  for (size_t at = pos_; at < text_.size();) {
    at = text_.find(key, at);
    if (at == std::string_view::npos)
      return 0;
    const size_t after = at + key.size();
    size_t colon = after;
    if (at > 0 && text_[at - 1] == '"' && after < text_.size() && text_[after] == '"') {
      colon = after + 1;
      while (colon < text_.size() && (text_[colon] == ' ' || text_[colon] == '\t' ||
                                      text_[colon] == '\n' || text_[colon] == '\r'))
        ++colon;
      if (colon < text_.size() && text_[colon] == ':') {
        last_line_offset_ =
            text_.rfind('\n', at) == std::string_view::npos ? 0 : text_.rfind('\n', at) + 1;
        const uint32_t found = MoveTo(at);
        MoveTo(colon);
        return found;
      }
    }
    at = after;
  }
  return 0;
}

uint32_t SourceLines::NextKeyWithValue(std::string_view key, std::string_view value) {
  if (key.empty() || value.empty())
    return 0;
  return NextLine([&](std::string_view line) {
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':')
      return false;
    std::string_view rest = line.substr(key.size() + 1);
    if (const size_t comment = rest.find(" #"); comment != std::string_view::npos)
      rest = rest.substr(0, comment);
    const size_t first = rest.find_first_not_of(" \t");
    if (first == std::string_view::npos)
      return false;
    rest.remove_prefix(first);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t'))
      rest.remove_suffix(1);
    if (rest.size() >= 2 && (rest.front() == '\'' || rest.front() == '"') &&
        rest.back() == rest.front())
      rest = rest.substr(1, rest.size() - 2);
    return rest == value;
  });
}

}  // namespace relgate::import::internal
