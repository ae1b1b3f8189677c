#include "engine/base/semver.h"

namespace relgate {
namespace {

// A parsed version: views into the text, no allocation (semver() runs per dependency).
struct Parsed {
  std::string_view core[3];
  std::string_view pre;  // dot-separated identifiers, "" if none
};

bool IsNumeric(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
  }
  return true;
}

bool IsIdentChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// Dot-separated non-empty identifiers of IsIdentChar; numeric ones without leading zeros
// when `strict_numbers` (pre-release), any when not (build metadata).
bool ValidIdentifiers(std::string_view s, bool strict_numbers) {
  if (s.empty())
    return false;
  size_t start = 0;
  for (size_t k = 0; k <= s.size(); ++k) {
    if (k == s.size() || s[k] == '.') {
      const std::string_view id = s.substr(start, k - start);
      if (id.empty())
        return false;
      if (strict_numbers && id.size() > 1 && id[0] == '0' && IsNumeric(id))
        return false;
      start = k + 1;
    } else if (!IsIdentChar(s[k])) {
      return false;
    }
  }
  return true;
}

bool Parse(std::string_view text, Parsed& out) {
  if (!text.empty() && (text[0] == 'v' || text[0] == 'V'))
    text.remove_prefix(1);
  const size_t plus = text.find('+');
  if (plus != std::string_view::npos) {
    if (!ValidIdentifiers(text.substr(plus + 1), false))
      return false;
    text = text.substr(0, plus);
  }
  const size_t dash = text.find('-');
  if (dash != std::string_view::npos) {
    out.pre = text.substr(dash + 1);
    if (!ValidIdentifiers(out.pre, true))
      return false;
    text = text.substr(0, dash);
  }
  size_t start = 0;
  int part = 0;
  for (size_t k = 0; k <= text.size(); ++k) {
    if (k < text.size() && text[k] != '.') {
      if (text[k] < '0' || text[k] > '9')
        return false;
      continue;
    }
    if (part == 3)
      return false;
    const std::string_view number = text.substr(start, k - start);
    if (number.empty() || (number.size() > 1 && number[0] == '0') || number.size() > 18) {
      return false;
    }
    out.core[part++] = number;
    start = k + 1;
  }
  return part == 3;
}

int CompareNumeric(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

std::string_view NextIdentifier(std::string_view& rest) {
  const size_t dot = rest.find('.');
  const std::string_view id = rest.substr(0, dot);
  rest = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
  return id;
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
    if (const int c = CompareNumeric(x.core[k], y.core[k]); c != 0)
      return c;
  }
  // A version without pre-release fields has higher precedence.
  if (x.pre.empty() != y.pre.empty())
    return x.pre.empty() ? 1 : -1;
  std::string_view xs = x.pre, ys = y.pre;
  while (!xs.empty() && !ys.empty()) {
    const std::string_view xi = NextIdentifier(xs), yi = NextIdentifier(ys);
    const bool xn = IsNumeric(xi);
    const bool yn = IsNumeric(yi);
    int c;
    if (xn && yn) {
      c = CompareNumeric(xi, yi);
    } else if (xn != yn) {
      c = xn ? -1 : 1;  // numeric identifiers have lower precedence
    } else {
      c = xi.compare(yi);
      c = c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    if (c != 0)
      return c;
  }
  if (xs.empty() != ys.empty())
    return xs.empty() ? -1 : 1;
  return 0;
}

}  // namespace relgate
