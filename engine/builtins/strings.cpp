// String builtins. Results that need new bytes (lower, upper, split) go in the
// evaluation's arena; the others return views into their argument.
#include <cctype>

#include "engine/builtins/registry.h"

namespace relgate::builtins {
namespace {

Value StartsWith(const Value* a, CallContext&) {
  return Value::Bool(a[0].str().substr(0, a[1].len) == a[1].str());
}

Value EndsWith(const Value* a, CallContext&) {
  return Value::Bool(a[0].len >= a[1].len && a[0].str().substr(a[0].len - a[1].len) == a[1].str());
}

Value Contains(const Value* a, CallContext&) {
  return Value::Bool(a[0].str().find(a[1].str()) != std::string_view::npos);
}

template <int (*Convert)(int)>
Value MapChars(const Value* a, CallContext& ctx) {
  char* out = ctx.arena().AllocChars(a[0].len);
  for (uint32_t k = 0; k < a[0].len; ++k) {
    out[k] = static_cast<char>(Convert(static_cast<unsigned char>(a[0].s[k])));
  }
  return Value::String(std::string_view(out, a[0].len));
}

int ToLower(int c) {
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int ToUpper(int c) {
  return (c >= 'a' && c <= 'z') ? c - 32 : c;
}

Value Trim(const Value* a, CallContext&) {
  std::string_view s = a[0].str();
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos)
    return Value::String(s.substr(0, 0));
  const size_t end = s.find_last_not_of(" \t\r\n");
  return Value::String(s.substr(begin, end - begin + 1));
}

Value Split(const Value* a, CallContext& ctx) {
  std::string_view s = a[0].str();
  std::string_view sep = a[1].str();
  if (sep.empty())
    return ctx.Fail("split: the separator is empty");
  size_t count = 1;
  for (size_t pos = s.find(sep); pos != std::string_view::npos;
       pos = s.find(sep, pos + sep.size())) {
    ++count;
  }
  Value* items = ctx.arena().AllocValues(count);
  size_t k = 0;
  size_t start = 0;
  for (size_t pos = s.find(sep); pos != std::string_view::npos; pos = s.find(sep, start)) {
    items[k++] = Value::String(s.substr(start, pos - start));
    start = pos + sep.size();
  }
  items[k] = Value::String(s.substr(start));
  return Value::Sequence(ValueKind::kList, items, static_cast<uint32_t>(count));
}

Value Len(const Value* a, CallContext&) {
  if (a[0].kind == ValueKind::kString) {
    // Length in code points, as a user counts characters.
    int64_t n = 0;
    for (uint32_t k = 0; k < a[0].len; ++k) {
      if ((static_cast<unsigned char>(a[0].s[k]) & 0xC0) != 0x80)
        ++n;
    }
    return Value::Int(n);
  }
  return Value::Int(a[0].len);
}

}  // namespace

void RegisterStringBuiltins(Registry& r) {
  using T = ArgType;
  r.Add({"starts_with",
         {T::kString, T::kString},
         T::kBool,
         true,
         StartsWith,
         "`s.starts_with(prefix)`: true if `s` begins with `prefix`"});
  r.Add({"ends_with",
         {T::kString, T::kString},
         T::kBool,
         true,
         EndsWith,
         "`s.ends_with(suffix)`: true if `s` ends with `suffix`"});
  r.Add({"contains",
         {T::kString, T::kString},
         T::kBool,
         true,
         Contains,
         "`s.contains(part)`: true if `part` occurs in `s`"});
  r.Add({"lower",
         {T::kString},
         T::kString,
         true,
         MapChars<ToLower>,
         "`s.lower()`: ASCII letters in lower case"});
  r.Add({"upper",
         {T::kString},
         T::kString,
         true,
         MapChars<ToUpper>,
         "`s.upper()`: ASCII letters in upper case"});
  r.Add({"trim",
         {T::kString},
         T::kString,
         true,
         Trim,
         "`s.trim()`: without leading and trailing white space"});
  r.Add({"split",
         {T::kString, T::kString},
         T::kStringList,
         true,
         Split,
         "`s.split(sep)`: the parts of `s` between occurrences of `sep`",
         [](size_t arg, std::string_view text) -> std::string {
           return arg == 1 && text.empty() ? "the separator of `split` is empty" : "";
         }});
  r.Add({"len",
         {T::kSized},
         T::kInt,
         true,
         Len,
         "`len(x)`: characters of a string, items of a list, set or map"});
  r.Add({"count",
         {T::kSized},
         T::kInt,
         true,
         Len,
         "`count(xs)`: items of a list, set or map (same as `len`)"});
}

}  // namespace relgate::builtins
