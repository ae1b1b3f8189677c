// Comparing a release with the previous one in one line: what a list gained or lost,
// which keys changed their value, and how much a number grew. Lists of keys are built
// with comprehensions, so any record list compares by any field:
//
//   added([d.name for d in dependencies], [p.name for p in previous.dependencies])
//   changed([d.name for d in dependencies], [d.version for d in dependencies],
//           [p.name for p in previous.dependencies], [p.version for p in previous.dependencies])
//   ratio(artifact.size, previous.artifact.size) <= 2.0
//
// Each runs in time linear in its lists (hash sets), whatever their order.
#include <unordered_map>
#include <unordered_set>

#include "engine/builtins/registry.h"

namespace relgate::builtins {
namespace {

// The strings of `list` that `other` does not hold, in `list`'s order, each once.
Value Difference(const Value& list, const Value& other, CallContext& ctx) {
  std::unordered_set<std::string_view> exclude;
  exclude.reserve(other.len);
  for (uint32_t k = 0; k < other.len; ++k)
    exclude.insert(other.items[k].str());
  std::unordered_set<std::string_view> seen;
  std::vector<uint32_t> kept;
  for (uint32_t k = 0; k < list.len; ++k) {
    const std::string_view s = list.items[k].str();
    if (exclude.count(s) == 0 && seen.insert(s).second)
      kept.push_back(k);
  }
  Value* items = ctx.arena().AllocValues(kept.size());
  for (size_t k = 0; k < kept.size(); ++k)
    items[k] = list.items[kept[k]];
  return Value::Sequence(ValueKind::kList, items, static_cast<uint32_t>(kept.size()));
}

Value Added(const Value* a, CallContext& ctx) {
  return Difference(a[0], a[1], ctx);
}

Value Removed(const Value* a, CallContext& ctx) {
  return Difference(a[1], a[0], ctx);
}

// The keys present in both whose value differs: (keys, values) now, then before.
Value Changed(const Value* a, CallContext& ctx) {
  if (a[0].len != a[1].len || a[2].len != a[3].len)
    return ctx.Fail("changed: each list of keys needs a list of values of the same length");
  std::unordered_map<std::string_view, std::string_view> before;
  before.reserve(a[2].len);
  for (uint32_t k = 0; k < a[2].len; ++k)
    before.emplace(a[2].items[k].str(), a[3].items[k].str());
  std::unordered_set<std::string_view> seen;
  std::vector<uint32_t> kept;
  for (uint32_t k = 0; k < a[0].len; ++k) {
    const auto it = before.find(a[0].items[k].str());
    if (it != before.end() && it->second != a[1].items[k].str() &&
        seen.insert(a[0].items[k].str()).second)
      kept.push_back(k);
  }
  Value* items = ctx.arena().AllocValues(kept.size());
  for (size_t k = 0; k < kept.size(); ++k)
    items[k] = a[0].items[kept[k]];
  return Value::Sequence(ValueKind::kList, items, static_cast<uint32_t>(kept.size()));
}

Value Ratio(const Value* a, CallContext& ctx) {
  if (a[1].i == 0)
    return ctx.Fail("ratio: the divisor is 0 (nothing to compare with)");
  return Value::Float(static_cast<double>(a[0].i) / static_cast<double>(a[1].i));
}

}  // namespace

void RegisterDiffBuiltins(Registry& r) {
  using T = ArgType;
  r.Add({"added",
         {T::kStringList, T::kStringList},
         T::kStringList,
         true,
         Added,
         "`added(now, before)`: the strings of `now` that `before` does not hold (new "
         "dependencies, new files), in `now`'s order, each once"});
  r.Add({"removed",
         {T::kStringList, T::kStringList},
         T::kStringList,
         true,
         Removed,
         "`removed(now, before)`: the strings of `before` that `now` no longer holds"});
  r.Add({"changed",
         {T::kStringList, T::kStringList, T::kStringList, T::kStringList},
         T::kStringList,
         true,
         Changed,
         "`changed(keys, values, keys_before, values_before)`: the keys in both whose value "
         "differs (dependencies whose version changed)"});
  r.Add({"ratio",
         {T::kInt, T::kInt},
         T::kFloat,
         true,
         Ratio,
         "`ratio(a, b)`: `a / b` as a float (a package's size against the previous one's); "
         "an error when `b` is 0"});
}

}  // namespace relgate::builtins
