#include "engine/base/semver.h"

#include <vector>

namespace relgate {
namespace {

struct Parsed {
  std::string_view core[3];
  std::vector<std::string_view> pre;
};

bool IsNumeric(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsIdentChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

bool Parse(std::string_view text, Parsed& out) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V')) text.remove_prefix(1);
  const size_t plus = text.find('+');
  if (plus != std::string_view::npos) {
    std::string_view build = text.substr(plus + 1);
    text = text.substr(0, plus);
    if (build.empty()) return false;
    for (char c : build) {
      if (!IsIdentChar(c) && c != '.') return false;
    }
  }
  std::string_view pre;
  const size_t dash = text.find('-');
  if (dash != std::string_view::npos) {
    pre = text.substr(dash + 1);
    text = text.substr(0, dash);
    if (pre.empty()) return false;
  }
  for (int k = 0; k < 3; ++k) {
    const size_t dot = text.find('.');
    std::string_view part = k < 2 ? text.substr(0, dot) : text;
    if (k < 2 && dot == std::string_view::npos) return false;
    if (!IsNumeric(part) || (part.size() > 1 && part[0] == '0') || part.size() > 18) return false;
    out.core[k] = part;
    if (k < 2) text = text.substr(dot + 1);
  }
  while (!pre.empty()) {
    const size_t dot = pre.find('.');
    std::string_view id = pre.substr(0, dot);
    if (id.empty()) return false;
    for (char c : id) {
      if (!IsIdentChar(c)) return false;
    }
    if (IsNumeric(id) && id.size() > 1 && id[0] == '0') return false;
    out.pre.push_back(id);
    if (dot == std::string_view::npos) break;
    pre = pre.substr(dot + 1);
    if (pre.empty()) return false;
  }
  return true;
}

int CompareNumeric(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

bool IsSemver(std::string_view text) {
  Parsed parsed;
  return Parse(text, parsed);
}

int SemverCompare(std::string_view a, std::string_view b) {
  Parsed x, y;
  if (!Parse(a, x) || !Parse(b, y)) {
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  for (int k = 0; k < 3; ++k) {
    if (const int c = CompareNumeric(x.core[k], y.core[k]); c != 0) return c;
  }
  // A version without pre-release fields has higher precedence.
  if (x.pre.empty() != y.pre.empty()) return x.pre.empty() ? 1 : -1;
  for (size_t k = 0; k < x.pre.size() && k < y.pre.size(); ++k) {
    const bool xn = IsNumeric(x.pre[k]);
    const bool yn = IsNumeric(y.pre[k]);
    int c;
    if (xn && yn) {
      c = CompareNumeric(x.pre[k], y.pre[k]);
    } else if (xn != yn) {
      c = xn ? -1 : 1;  // numeric identifiers have lower precedence
    } else {
      c = x.pre[k].compare(y.pre[k]);
      c = c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    if (c != 0) return c;
  }
  if (x.pre.size() != y.pre.size()) return x.pre.size() < y.pre.size() ? -1 : 1;
  return 0;
}

}  // namespace relgate
