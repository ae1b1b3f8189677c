#include "engine/eval/cost_check.h"

#include <limits>

#include <fmt/format.h>

#include "engine/base/limits.h"

namespace relgate::eval {
namespace {

using compile::CostSource;
using compile::CostStep;

constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max() / 4;

int64_t SaturatingAdd(int64_t a, int64_t b) {
  return a > kSaturated - b ? kSaturated : a + b;
}

int64_t SaturatingMul(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_mul_overflow(a, b, &out) || out > kSaturated)
    return kSaturated;
  return out;
}

// Items of the lists at `path` below `v`, summed over every parent item.
int64_t ListItems(const Value& v, const std::vector<CostStep>& path, size_t step) {
  if (step == path.size()) {
    const bool list =
        v.kind == ValueKind::kList || v.kind == ValueKind::kSet || v.kind == ValueKind::kMap;
    return list ? v.len : 0;
  }
  if (path[step].field == CostStep::kEach) {
    if (v.kind != ValueKind::kList && v.kind != ValueKind::kSet)
      return 0;
    int64_t total = 0;
    for (uint32_t k = 0; k < v.len; ++k)
      total = SaturatingAdd(total, ListItems(v.items[k], path, step + 1));
    return total;
  }
  if (v.kind != ValueKind::kRecord || path[step].field >= v.len)
    return 0;
  return ListItems(v.items[path[step].field], path, step + 1);
}

// Every list item and every string byte anywhere in the facts: the bound for lists the
// compiler could not trace. A list built at run time is made from the facts: a
// comprehension yields at most one item per item it iterates, and `split` at most one
// item per byte of the string it splits.
int64_t AllListItems(const Value& v, int depth) {
  if (depth > 64)
    return 0;
  int64_t total = 0;
  switch (v.kind) {
    case ValueKind::kString:
    case ValueKind::kVersion: return int64_t{v.len} + 1;
    case ValueKind::kList:
    case ValueKind::kSet:
      total = v.len;
      for (uint32_t k = 0; k < v.len; ++k)
        total = SaturatingAdd(total, AllListItems(v.items[k], depth + 1));
      return total;
    case ValueKind::kMap:
      total = v.len;
      for (uint32_t k = 0; k < v.len; ++k) {
        total = SaturatingAdd(total, AllListItems(v.items[2 * k], depth + 1));
        total = SaturatingAdd(total, AllListItems(v.items[2 * k + 1], depth + 1));
      }
      return total;
    case ValueKind::kRecord:
      for (uint32_t k = 0; k < v.len; ++k)
        total = SaturatingAdd(total, AllListItems(v.items[k], depth + 1));
      return total;
    default: return 0;
  }
}

bool IsParentList(const std::vector<CostStep>& parent, const std::vector<CostStep>& child) {
  if (parent.empty() || child.size() <= parent.size() ||
      child[parent.size()].field != CostStep::kEach) {
    return false;
  }
  for (size_t k = 0; k < parent.size(); ++k) {
    if (parent[k].field != child[k].field)
      return false;
  }
  return true;
}

}  // namespace

CostVerdict CheckCost(const compile::Program& program, const BoundFacts& facts, int64_t limit) {
  Value root = Value::Sequence(ValueKind::kRecord, facts.root(),
                               static_cast<uint32_t>(program.schema()->fields.size()));
  int64_t all_items = -1;
  CostVerdict verdict;
  for (uint32_t r = 0; r < program.rules().size(); ++r) {
    const compile::RuleCost& cost = program.rules()[r].cost;
    std::vector<int64_t> sizes;
    for (const CostSource& s : cost.sources) {
      if (s.fixed >= 0) {
        sizes.push_back(s.fixed);
      } else if (s.unknown || s.path.empty()) {
        if (all_items < 0)
          all_items = AllListItems(root, 0);
        sizes.push_back(all_items);
      } else {
        sizes.push_back(ListItems(root, s.path, 0));
      }
    }
    int64_t total = 1;
    int64_t worst_term = -1;
    size_t worst = 0;
    for (size_t t = 0; t < cost.terms.size(); ++t) {
      const auto& term = cost.terms[t].sources;
      int64_t product = 1;
      for (uint32_t s : term) {
        // A parent list whose child list is also in the term is already counted by it.
        bool covered = false;
        for (uint32_t other : term) {
          if (IsParentList(cost.sources[s].path, cost.sources[other].path))
            covered = true;
        }
        if (!covered)
          product = SaturatingMul(product, std::max<int64_t>(sizes[s], 1));
      }
      total = SaturatingAdd(total, product);
      if (product > worst_term) {
        worst_term = product;
        worst = t;
      }
    }
    if (total > verdict.estimate) {
      verdict.estimate = total;
      verdict.rule = r;
    }
    if (total > limit && verdict.ok) {
      verdict.ok = false;
      verdict.rule = r;
      verdict.estimate = total;
      std::string lists;
      for (uint32_t s : cost.terms[worst].sources) {
        if (!lists.empty())
          lists += " x ";
        lists += fmt::format("`{}` ({} items)", cost.sources[s].text, sizes[s]);
      }
      verdict.message = fmt::format(
          "rule `{}` would take about {} loop steps on these facts, more than the limit of {}; its "
          "costliest part loops over {}; nothing was evaluated",
          program.rules()[r].id, total, limit, lists);
    }
  }
  return verdict;
}

}  // namespace relgate::eval
