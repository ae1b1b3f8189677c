// A regex that is only literal text, anchored or not — `^https://github\.com/actions/
// runner/github-hosted$`, the commonest pattern in release rules — matches exactly when a
// string comparison says so: equal (both anchors), a prefix (`^` alone), a suffix (`$`
// alone) or a substring (neither). The compiler finds such patterns so that `matches` on
// them compares bytes instead of running the regex engine.
#pragma once

#include <string>
#include <string_view>

#include "engine/compile/node.h"

namespace relgate::compile {

struct RegexLiteral {
  LiteralMatch match = LiteralMatch::kNone;
  std::string text;  // the text the pattern stands for, escapes resolved
};

// The literal form of an RE2 pattern compiled with RE2's default syntax and case
// sensitivity, or LiteralMatch::kNone when the pattern has anything but ASCII text and a
// backslash before punctuation between its optional anchors: an operator, a class, a group,
// a flag, an escape such as `\d` or `\Q`, or a byte beyond ASCII.
RegexLiteral LiteralOf(std::string_view pattern);

// Whether `text` matches the literal pattern `literal` the way `match` says.
inline bool LiteralMatches(LiteralMatch match, std::string_view text, std::string_view literal) {
  switch (match) {
    case LiteralMatch::kEquals: return text == literal;
    case LiteralMatch::kStartsWith: return text.starts_with(literal);
    case LiteralMatch::kEndsWith: return text.ends_with(literal);
    case LiteralMatch::kContains: return text.find(literal) != std::string_view::npos;
    case LiteralMatch::kNone: break;
  }
  return false;
}

}  // namespace relgate::compile
