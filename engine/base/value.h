// Value: the 16-byte, trivially copyable runtime value of the evaluator. Values never
// own memory: strings, lists and records point into the facts tree's arena, the
// program's constants, or the per-evaluation Scratch arena, all of which outlive the
// values that point into them for the duration of one evaluation.
//
//   kind       payload                 len
//   kNull      -                       -        a missing optional fact
//   kBool      b                       -
//   kInt       i                       -
//   kFloat     f                       -
//   kString    s (not NUL-terminated)  bytes
//   kTime      i (ns since epoch, UTC) -
//   kDuration  i (ns)                  -
//   kVersion   s (semver text)         bytes
//   kRegex     ptr (const re2::RE2*)   -
//   kList      items                   count
//   kSet       items (sorted, unique)  count
//   kMap       items (key, value)*     pairs    sorted by key
//   kRecord    items (fields, schema order) field count
//   kError     ptr (const ErrorInfo*)  -        evaluation failed; propagates
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace relgate {

enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kInt,
  kFloat,
  kString,
  kTime,
  kDuration,
  kVersion,
  kRegex,
  kList,
  kSet,
  kMap,
  kRecord,
  kError,
};

// Why a value could not be computed: the fact path (`dependencies[3].integrity`) when a
// fact is missing or ill-typed, else empty; and a message.
struct ErrorInfo {
  std::string path;
  std::string message;
};

struct Value {
  union {
    bool b;
    int64_t i;
    double f;
    const char* s;
    const Value* items;
    const void* ptr;
  };

  uint32_t len = 0;
  ValueKind kind = ValueKind::kNull;

  Value() : i(0) {}

  static Value Null() { return Value(); }

  static Value Bool(bool v) {
    Value r;
    r.kind = ValueKind::kBool;
    r.b = v;
    return r;
  }

  static Value Int(int64_t v) { return Scalar(ValueKind::kInt, v); }

  static Value Time(int64_t v) { return Scalar(ValueKind::kTime, v); }

  static Value Duration(int64_t v) { return Scalar(ValueKind::kDuration, v); }

  static Value Float(double v) {
    Value r;
    r.kind = ValueKind::kFloat;
    r.f = v;
    return r;
  }

  static Value String(std::string_view v) { return Text(ValueKind::kString, v); }

  static Value Version(std::string_view v) { return Text(ValueKind::kVersion, v); }

  static Value Sequence(ValueKind kind, const Value* items, uint32_t count) {
    Value r;
    r.kind = kind;
    r.items = items;
    r.len = count;
    return r;
  }

  static Value Pointer(ValueKind kind, const void* p) {
    Value r;
    r.kind = kind;
    r.ptr = p;
    return r;
  }

  static Value Error(const ErrorInfo* info) { return Pointer(ValueKind::kError, info); }

  bool is_error() const { return kind == ValueKind::kError; }

  std::string_view str() const { return std::string_view(s, len); }

  const ErrorInfo& error() const { return *static_cast<const ErrorInfo*>(ptr); }

 private:
  static Value Scalar(ValueKind kind, int64_t v) {
    Value r;
    r.kind = kind;
    r.i = v;
    return r;
  }

  static Value Text(ValueKind kind, std::string_view v) {
    Value r;
    r.kind = kind;
    r.s = v.data();
    r.len = static_cast<uint32_t>(v.size());
    return r;
  }
};

static_assert(sizeof(Value) == 16, "Value must stay 16 bytes");

// Total order on values of the same kind (used for sets, map keys, comparisons):
// negative, zero or positive. Kinds are compared first, so mixed kinds order stably.
int Compare(const Value& a, const Value& b);
// Structural equality (records, lists, maps element-wise; int and float numerically).
bool Equal(const Value& a, const Value& b);

}  // namespace relgate
