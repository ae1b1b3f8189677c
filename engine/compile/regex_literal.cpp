// Finding the literal text of a pattern. See regex_literal.h.
#include "engine/compile/regex_literal.h"

namespace relgate::compile {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Characters with a meaning of their own in RE2's syntax when not escaped.
bool IsOperator(char c) {
  switch (c) {
    case '\\':
    case '.':
    case '+':
    case '*':
    case '?':
    case '(':
    case ')':
    case '|':
    case '[':
    case ']':
    case '{':
    case '}':
    case '^':
    case '$': return true;
    default: return false;
  }
}

}  // namespace

RegexLiteral LiteralOf(std::string_view pattern) {
  const bool starts = pattern.starts_with('^');
  if (starts)
    pattern.remove_prefix(1);
  // A trailing `$` anchors unless it is escaped: `\$` is a dollar sign. Whether a `\`
  // before it is itself escaped is settled by the scan below, which rejects a lone `\`.
  bool ends = false;
  if (pattern.ends_with('$') && !(pattern.size() >= 2 && pattern[pattern.size() - 2] == '\\')) {
    ends = true;
    pattern.remove_suffix(1);
  }
  RegexLiteral out;
  for (size_t k = 0; k < pattern.size(); ++k) {
    const char c = pattern[k];
    if (static_cast<unsigned char>(c) >= 0x80 || c == '\0')
      return {};
    if (c == '\\') {
      // `\` before ASCII punctuation is that character; before a letter or a digit it is
      // a class, an assertion or a code (`\d`, `\b`, `\x41`, `\Q`): not literal.
      if (k + 1 == pattern.size())
        return {};
      const char next = pattern[++k];
      if (static_cast<unsigned char>(next) >= 0x80 || IsAsciiAlnum(next) || next < 0x20)
        return {};
      out.text += next;
      continue;
    }
    if (IsOperator(c) || c < 0x20)
      return {};
    out.text += c;
  }
  out.match = starts && ends ? LiteralMatch::kEquals
              : starts       ? LiteralMatch::kStartsWith
              : ends         ? LiteralMatch::kEndsWith
                             : LiteralMatch::kContains;
  return out;
}

}  // namespace relgate::compile
