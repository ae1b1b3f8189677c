#include "engine/base/relative_uri.h"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;

bool Unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// The path relative to the working directory when it lies under it; else "".
std::string UnderWorkingDirectory(const fs::path& absolute) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec)
    return "";
  const fs::path relative = absolute.lexically_normal().lexically_relative(cwd);
  if (relative.empty() || *relative.begin() == "..")
    return "";
  return relative.generic_string();
}

}  // namespace

std::string RelativeUri(std::string_view text) {
  fs::path path{std::string(text)};
  std::string relative;
  if (path.is_absolute()) {
    relative = UnderWorkingDirectory(path);
    if (relative.empty())
      relative = path.filename().generic_string();
  } else {
    relative = path.lexically_normal().generic_string();
  }
  std::string out;
  for (unsigned char c : relative) {
    if (Unreserved(c) || c == '/')
      out += static_cast<char>(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

}  // namespace relgate
