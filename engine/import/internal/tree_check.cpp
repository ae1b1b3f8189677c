#include "engine/import/internal/tree_check.h"

#include <cstdlib>
#include <deque>
#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "engine/base/printable.h"
#include <unicase.h>
#include <uninorm.h>

namespace relgate::import::internal {
namespace {

// Links followed while resolving one path, as Linux's MAXSYMLINKS.
constexpr int kMaxLinkHops = 40;

std::vector<std::string> Components(std::string_view path) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = path.find('/', begin);
    if (end == std::string_view::npos)
      end = path.size();
    if (end > begin)
      out.emplace_back(path.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts, size_t count) {
  std::string out;
  for (size_t k = 0; k < count; ++k) {
    if (k > 0)
      out += '/';
    out += parts[k];
  }
  return out;
}

std::string Parent(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

enum class Resolved { kInside, kEscapes, kLoops };

// Follows `path` (relative to the root) through the tree's symbolic links, component by
// component, `..` applying to where a link led (as the kernel does).
Resolved Resolve(const std::map<std::string, std::string>& links, const std::string& path) {
  std::deque<std::string> rest;
  for (std::string& part : Components(path))
    rest.push_back(std::move(part));
  std::vector<std::string> done;
  int hops = 0;
  while (!rest.empty()) {
    const std::string part = std::move(rest.front());
    rest.pop_front();
    if (part == ".")
      continue;
    if (part == "..") {
      if (done.empty())
        return Resolved::kEscapes;
      done.pop_back();
      continue;
    }
    done.push_back(part);
    const auto link = links.find(Join(done, done.size()));
    if (link == links.end())
      continue;
    if (++hops > kMaxLinkHops)
      return Resolved::kLoops;
    done.pop_back();
    const std::string& target = link->second;
    if (target.empty() || target.front() == '/' || target.front() == '\\')
      return Resolved::kEscapes;
    std::vector<std::string> parts = Components(target);
    rest.insert(rest.begin(), parts.begin(), parts.end());
  }
  return Resolved::kInside;
}

// The name a case-insensitive, normalising file system compares: case-folded NFD.
std::string FoldedName(const std::string& path) {
  size_t length = 0;
  uint8_t* folded = u8_casefold(reinterpret_cast<const uint8_t*>(path.data()), path.size(), nullptr,
                                UNINORM_NFD, nullptr, &length);
  if (folded == nullptr)
    return path;
  std::string out(reinterpret_cast<const char*>(folded), length);
  std::free(folded);
  return out;
}

}  // namespace

std::string CheckTree(const std::vector<TreeEntry>& entries) {
  std::map<std::string, std::string> links;
  for (const TreeEntry& e : entries) {
    if (e.type == "symlink")
      links[e.path] = e.link_target;
  }
  // Below a link, or resolving out of the tree through links.
  for (const TreeEntry& e : entries) {
    const std::vector<std::string> parts = Components(e.path);
    for (size_t k = 1; k < parts.size(); ++k) {
      const std::string above = Join(parts, k);
      if (links.count(above) != 0)
        return fmt::format(
            "`{}` is below the symbolic link `{}`: extracting it writes wherever "
            "the link points",
            Printable(e.path), Printable(above));
    }
    if (e.type == "symlink") {
      const std::string dir = Parent(e.path);
      const Resolved r =
          Resolve(links, dir.empty() ? e.link_target : fmt::format("{}/{}", dir, e.link_target));
      if (r == Resolved::kEscapes)
        return fmt::format(
            "the symbolic link `{}` -> `{}` leads out of the tree (through the "
            "tree's own links)",
            Printable(e.path), Printable(e.link_target));
      if (r == Resolved::kLoops)
        return fmt::format("the symbolic link `{}` -> `{}` loops (more than {} links followed)",
                           Printable(e.path), Printable(e.link_target), kMaxLinkHops);
    } else if (e.type == "hardlink") {
      const std::vector<std::string> target = Components(e.link_target);
      for (size_t k = 1; k <= target.size(); ++k) {
        if (links.count(Join(target, k)) != 0)
          return fmt::format("the hard link `{}` -> `{}` goes through the symbolic link `{}`",
                             Printable(e.path), Printable(e.link_target),
                             Printable(Join(target, k)));
      }
    }
  }
  // One name on a case-insensitive or normalising file system; a file that is a directory.
  std::map<std::string, const TreeEntry*> by_folded;
  for (const TreeEntry& e : entries) {
    const auto [it, inserted] = by_folded.emplace(FoldedName(e.path), &e);
    if (inserted)
      continue;
    const TreeEntry& other = *it->second;
    if (e.type == "directory" && other.type == "directory" && e.path == other.path)
      continue;
    return other.path == e.path
               ? fmt::format(
                     "`{}` is in the archive twice: which one is extracted depends on the tool",
                     Printable(e.path))
               : fmt::format(
                     "`{}` and `{}` are one name on case-insensitive or normalising file "
                     "systems (macOS, Windows): which one is extracted depends on the "
                     "system",
                     Printable(other.path), Printable(e.path));
  }
  for (const auto& [folded, entry] : by_folded) {
    if (entry->type == "directory")
      continue;
    const auto below = by_folded.lower_bound(fmt::format("{}/", folded));
    if (below != by_folded.end() && below->first.rfind(fmt::format("{}/", folded), 0) == 0)
      return fmt::format("`{}` is a {} and also a directory (`{}`)", Printable(entry->path),
                         entry->type == "file" ? "file" : entry->type,
                         Printable(below->second->path));
  }
  return "";
}

}  // namespace relgate::import::internal
