#include "engine/base/value.h"

#include "engine/base/same_bytes.h"
#include "engine/base/semver.h"

namespace relgate {
namespace {

int Sign(int64_t a, int64_t b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

int CompareText(std::string_view a, std::string_view b) {
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

int Compare(const Value& a, const Value& b) {
  if (a.kind == ValueKind::kInt && b.kind == ValueKind::kFloat) {
    const double x = static_cast<double>(a.i);
    return x < b.f ? -1 : (x > b.f ? 1 : 0);
  }
  if (a.kind == ValueKind::kFloat && b.kind == ValueKind::kInt)
    return -Compare(b, a);
  if (a.kind != b.kind)
    return a.kind < b.kind ? -1 : 1;
  switch (a.kind) {
    case ValueKind::kNull: return 0;
    case ValueKind::kBool: return Sign(a.b, b.b);
    case ValueKind::kInt:
    case ValueKind::kTime:
    case ValueKind::kDuration: return Sign(a.i, b.i);
    case ValueKind::kFloat: return a.f < b.f ? -1 : (a.f > b.f ? 1 : 0);
    case ValueKind::kString: return CompareText(a.str(), b.str());
    case ValueKind::kVersion: return SemverCompare(a.str(), b.str());
    case ValueKind::kRegex:
    case ValueKind::kError: return a.ptr == b.ptr ? 0 : (a.ptr < b.ptr ? -1 : 1);
    case ValueKind::kList:
    case ValueKind::kSet:
    case ValueKind::kRecord: {
      const uint32_t n = a.len < b.len ? a.len : b.len;
      for (uint32_t k = 0; k < n; ++k) {
        if (const int c = Compare(a.items[k], b.items[k]); c != 0)
          return c;
      }
      return Sign(a.len, b.len);
    }
    case ValueKind::kMap: {
      const uint32_t n = (a.len < b.len ? a.len : b.len) * 2;
      for (uint32_t k = 0; k < n; ++k) {
        if (const int c = Compare(a.items[k], b.items[k]); c != 0)
          return c;
      }
      return Sign(a.len, b.len);
    }
  }
  return 0;
}

bool Equal(const Value& a, const Value& b) {
  if (a.kind == ValueKind::kString && b.kind == ValueKind::kString) {
    return a.len == b.len && SameBytes(a.s, b.s, a.len);
  }
  return Compare(a, b) == 0;
}

}  // namespace relgate
