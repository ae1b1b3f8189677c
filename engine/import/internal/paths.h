// Paths inside a package or a model tree (internal to engine/import): normalised, and
// links resolved, without ever leaving the tree's root.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace relgate::import::internal {

// `a/./b/../c` -> `a/c`; false when the path is absolute (`/x`, a backslash, `C:x`) or climbs
// above the root.
inline bool Normalise(std::string_view raw, std::string& out) {
  if (raw.empty() || raw.front() == '/' || raw.front() == '\\' || (raw.size() > 1 && raw[1] == ':'))
    return false;
  std::vector<std::string_view> parts;
  size_t begin = 0;
  while (begin <= raw.size()) {
    size_t end = raw.find('/', begin);
    if (end == std::string_view::npos)
      end = raw.size();
    const std::string_view part = raw.substr(begin, end - begin);
    begin = end + 1;
    if (part.empty() || part == ".")
      continue;
    if (part == "..") {
      if (parts.empty())
        return false;
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  out = fmt::format("{}", fmt::join(parts, "/"));
  return true;
}

// The path a symbolic link at `link_path` points to, relative to the link's directory;
// false when the target is absolute or leaves the tree.
inline bool ResolveLink(const std::string& link_path, const std::string& target,
                        std::string& resolved) {
  if (target.empty() || target.front() == '/')
    return false;
  return Normalise(link_path.substr(0, link_path.rfind('/') + 1) + target, resolved);
}

}  // namespace relgate::import::internal
