// Time builtins: parsing text into times and durations at run time (for facts declared as
// strings), and whole-unit conversions. Arithmetic itself is built into the operators.
#include "engine/base/time.h"

#include <fmt/format.h>

#include "engine/builtins/registry.h"

namespace relgate::builtins {
namespace {

Value ParseTime(const Value* a, CallContext& ctx) {
  auto t = ParseRfc3339(a[0].str());
  if (!t)
    return ctx.Fail(fmt::format("`{}` is not an RFC 3339 time", a[0].str()));
  return Value::Time(*t);
}

Value ParseDurationFn(const Value* a, CallContext& ctx) {
  auto d = ParseDuration(a[0].str());
  if (!d)
    return ctx.Fail(fmt::format("`{}` is not a duration like 24h or 90m", a[0].str()));
  return Value::Duration(*d);
}

Value Hours(const Value* a, CallContext&) {
  return Value::Int(a[0].i / (3600 * kNanosPerSecond));
}

Value Days(const Value* a, CallContext&) {
  return Value::Int(a[0].i / (86400 * kNanosPerSecond));
}

}  // namespace

void RegisterTimeBuiltins(Registry& r) {
  using T = ArgType;
  r.Add({"time",
         {T::kString},
         T::kTime,
         true,
         ParseTime,
         "`time(s)`: the RFC 3339 time written in `s`; an error if it is not one"});
  r.Add({"duration",
         {T::kString},
         T::kDuration,
         true,
         ParseDurationFn,
         "`duration(s)`: the duration written in `s` (`24h`, `1h30m`)"});
  r.Add({"hours", {T::kDuration}, T::kInt, true, Hours, "`d.hours()`: whole hours in `d`"});
  r.Add({"days", {T::kDuration}, T::kInt, true, Days, "`d.days()`: whole days in `d`"});
}

}  // namespace relgate::builtins
