// Glob matching for artifact paths. Iterative with backtracking points for `*` and `**`,
// so matching is O(pattern x path) in the worst case and never recurses.
#include "engine/builtins/registry.h"

namespace relgate::builtins {
namespace {

// Matches one character class starting at pattern[p] == '['; sets `next` past `]`.
bool MatchClass(std::string_view pattern, size_t p, char c, size_t& next) {
  size_t k = p + 1;
  bool negate = k < pattern.size() && (pattern[k] == '!' || pattern[k] == '^');
  if (negate)
    ++k;
  bool matched = false;
  bool first = true;
  for (; k < pattern.size() && (first || pattern[k] != ']'); ++k, first = false) {
    if (k + 2 < pattern.size() && pattern[k + 1] == '-' && pattern[k + 2] != ']') {
      if (pattern[k] <= c && c <= pattern[k + 2])
        matched = true;
      k += 2;
    } else if (pattern[k] == c) {
      matched = true;
    }
  }
  next = k < pattern.size() ? k + 1 : k;
  return matched != negate;
}

Value Glob(const Value* a, CallContext&) {
  return Value::Bool(GlobMatch(a[1].str(), a[0].str()));
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) {
  size_t p = 0, s = 0;
  size_t star_p = std::string_view::npos, star_s = 0;    // last `*` (segment-local)
  size_t dstar_p = std::string_view::npos, dstar_s = 0;  // last `**`
  while (s < path.size()) {
    if (p < pattern.size()) {
      if (pattern.substr(p, 2) == "**") {
        // `**/` also matches zero segments.
        p += 2;
        if (p < pattern.size() && pattern[p] == '/')
          ++p;
        dstar_p = p;
        dstar_s = s;
        star_p = std::string_view::npos;
        continue;
      }
      if (pattern[p] == '*') {
        star_p = ++p;
        star_s = s;
        continue;
      }
      if (pattern[p] == '?' && path[s] != '/') {
        ++p;
        ++s;
        continue;
      }
      if (pattern[p] == '[') {
        size_t next;
        if (path[s] != '/' && MatchClass(pattern, p, path[s], next)) {
          p = next;
          ++s;
          continue;
        }
      } else if (pattern[p] == path[s]) {
        ++p;
        ++s;
        continue;
      }
    }
    // Mismatch: extend the innermost `*` within its segment, else the last `**`.
    if (star_p != std::string_view::npos && path[star_s] != '/') {
      p = star_p;
      s = ++star_s;
      continue;
    }
    if (dstar_p != std::string_view::npos) {
      p = dstar_p;
      s = ++dstar_s;
      star_p = std::string_view::npos;
      continue;
    }
    return false;
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

void RegisterGlobBuiltins(Registry& r) {
  r.Add({"glob",
         {ArgType::kString, ArgType::kString},
         ArgType::kBool,
         true,
         Glob,
         "`path.glob(pattern)`: `*` and `?` within a path segment, `**` across segments"});
}

}  // namespace relgate::builtins
