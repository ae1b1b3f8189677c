// Building text from values: `string(x)` renders any scalar as a message would show it,
// and `join(xs, sep)` glues a list of strings. With `+` on strings they make any text a
// rule needs: `"v" + string(semver(d.version))`, `join([d.name for d in deps], ", ")`.
#include <charconv>

#include <fmt/format.h>

#include "engine/base/time.h"
#include "engine/builtins/registry.h"

namespace relgate::builtins {
namespace {

Value ToString(const Value* a, CallContext& ctx) {
  const Value& v = a[0];
  std::string text;
  switch (v.kind) {
    case ValueKind::kString:
    case ValueKind::kVersion: return Value::String(v.str());
    case ValueKind::kBool: return Value::String(v.b ? "true" : "false");
    case ValueKind::kInt: text = fmt::to_string(v.i); break;
    case ValueKind::kFloat: {
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, v.f);
      text.assign(buf, r.ptr);
      break;
    }
    case ValueKind::kTime: text = FormatRfc3339(v.i); break;
    case ValueKind::kDuration: text = FormatDuration(v.i); break;
    default: return ctx.Fail("`string` takes a scalar value");
  }
  return Value::String(ctx.arena().CopyString(text));
}

Value Join(const Value* a, CallContext& ctx) {
  const Value& list = a[0];
  const std::string_view sep = a[1].str();
  size_t size = 0;
  for (uint32_t k = 0; k < list.len; ++k)
    size += list.items[k].len + (k > 0 ? sep.size() : 0);
  char* out = ctx.arena().AllocChars(size);
  size_t at = 0;
  for (uint32_t k = 0; k < list.len; ++k) {
    if (k > 0) {
      std::copy(sep.begin(), sep.end(), out + at);
      at += sep.size();
    }
    std::copy(list.items[k].s, list.items[k].s + list.items[k].len, out + at);
    at += list.items[k].len;
  }
  return Value::String(std::string_view(out, size));
}

}  // namespace

void RegisterConvertBuiltins(Registry& r) {
  using T = ArgType;
  r.Add({"string",
         {T::kScalar},
         T::kString,
         true,
         ToString,
         "`string(x)`: `x` as text, as a message shows it (`1.2.0`, `42`, `1d2h`, "
         "`2026-05-01T00:00:00Z`, `true`)"});
  r.Add({"join",
         {T::kStringList, T::kString},
         T::kString,
         true,
         Join,
         "`xs.join(sep)`: the strings of `xs` with `sep` between them"});
}

}  // namespace relgate::builtins
