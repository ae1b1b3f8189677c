#include "engine/lsp/json_rpc.h"

#include <cctype>
#include <charconv>

#include <fmt/format.h>

namespace relgate::lsp {
namespace {

// One header line without its CR LF; false at end of input before any byte.
bool ReadHeaderLine(std::FILE* in, std::string& line, bool& too_long) {
  line.clear();
  too_long = false;
  int c;
  bool any = false;
  while ((c = std::getc(in)) != EOF) {
    any = true;
    if (c == '\n')
      break;
    if (line.size() >= kMaxHeaderLine) {
      too_long = true;
      continue;
    }
    line.push_back(static_cast<char>(c));
  }
  if (!line.empty() && line.back() == '\r')
    line.pop_back();
  return any;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

ReadResult ReadMessage(std::FILE* in, std::string& body, std::string& error) {
  std::string line;
  bool too_long = false;
  bool have_length = false;
  size_t length = 0;
  bool first = true;
  while (true) {
    if (!ReadHeaderLine(in, line, too_long)) {
      if (first)
        return ReadResult::kEnd;
      error = "input ended inside a message header";
      return ReadResult::kMalformed;
    }
    first = false;
    if (too_long) {
      error = fmt::format("header line longer than {} bytes", kMaxHeaderLine);
      return ReadResult::kMalformed;
    }
    if (line.empty())
      break;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) {
      error = "header line without `:`";
      return ReadResult::kMalformed;
    }
    if (!EqualsIgnoringCase(std::string_view(line).substr(0, colon), "Content-Length"))
      continue;  // Content-Type and any future header
    std::string_view value = std::string_view(line).substr(colon + 1);
    while (!value.empty() && value.front() == ' ')
      value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ')
      value.remove_suffix(1);
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (ec != std::errc() || end != value.data() + value.size()) {
      error = "Content-Length is not a number";
      return ReadResult::kMalformed;
    }
    have_length = true;
  }
  if (!have_length) {
    error = "message without Content-Length";
    return ReadResult::kMalformed;
  }
  if (length > kMaxMessageBytes) {
    error = fmt::format("message of {} bytes is larger than {} bytes", length, kMaxMessageBytes);
    return ReadResult::kMalformed;
  }
  body.resize(length);
  if (length > 0 && std::fread(body.data(), 1, length, in) != length) {
    error = "input ended inside a message body";
    return ReadResult::kMalformed;
  }
  return ReadResult::kMessage;
}

std::string Frame(std::string_view body) {
  return fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body);
}

void WriteMessage(std::FILE* out, std::string_view body) {
  const std::string framed = Frame(body);
  std::fwrite(framed.data(), 1, framed.size(), out);
  std::fflush(out);
}

}  // namespace relgate::lsp
