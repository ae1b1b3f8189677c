// Semantic-version builtins. `semver(s)` turns text into a version value, which the
// ordinary comparison operators order by semver precedence (1.10.0 > 1.9.0).
#include "engine/base/semver.h"

#include <fmt/format.h>

#include "engine/builtins/registry.h"

namespace relgate::builtins {
namespace {

Value Semver(const Value* a, CallContext& ctx) {
  if (!IsSemver(a[0].str())) {
    return ctx.Fail(fmt::format("`{}` is not a semantic version (MAJOR.MINOR.PATCH)", a[0].str()));
  }
  return Value::Version(a[0].str());
}

Value IsSemverFn(const Value* a, CallContext&) {
  return Value::Bool(IsSemver(a[0].str()));
}

}  // namespace

void RegisterSemverBuiltins(Registry& r) {
  using T = ArgType;
  r.Add({"semver",
         {T::kString},
         T::kVersion,
         true,
         Semver,
         "`semver(s)`: `s` as a semantic version, compared by precedence; an error if invalid"});
  r.Add({"is_semver",
         {T::kString},
         T::kBool,
         true,
         IsSemverFn,
         "`is_semver(s)`: true if `s` is a semantic version"});
}

}  // namespace relgate::builtins
