// The interpreter: a switch over node kinds, recursing along the expression tree.
// Instantiated twice: without a recorder (the fast path, no per-node overhead) and with
// one (explanations of failing rules).
#include "engine/compile/machine.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>

#include <fmt/format.h>
#include <re2/re2.h>

#include "engine/base/same_bytes.h"
#include "engine/base/time.h"
#include "engine/compile/regex_literal.h"

namespace relgate::compile {
namespace {

Value Fail(Frame& f, std::string message) {
  f.errors->push_back({"", std::move(message)});
  return Value::Error(&f.errors->back());
}

// Items of a list or set, or the keys of a map, as the loop sees them.
struct Items {
  const Value* data;
  uint32_t count;
  uint32_t stride;
};

Items ItemsOf(const Value& v) {
  if (v.kind == ValueKind::kMap)
    return {v.items, v.len, 2};
  return {v.items, v.len, 1};
}

void SortUnique(Value* items, uint32_t& count) {
  std::sort(items, items + count, [](const Value& x, const Value& y) { return Compare(x, y) < 0; });
  count = static_cast<uint32_t>(
      std::unique(items, items + count,
                  [](const Value& x, const Value& y) { return Equal(x, y); }) -
      items);
}

template <bool kRecord>
Value Eval(const Program& p, NodeId id, Frame& f);

// The value of `key` in a map (entries sorted by key), or null.
const Value* FindKey(const Value& map, const Value& key) {
  uint32_t lo = 0, hi = map.len;
  while (lo < hi) {
    const uint32_t mid = (lo + hi) / 2;
    const int c = Compare(map.items[2 * mid], key);
    if (c == 0)
      return &map.items[2 * mid + 1];
    if (c < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return nullptr;
}

template <bool kRecord>
Value Arithmetic(const Program& p, const Node& n, NodeId id, Frame& f) {
  const Value l = Eval<kRecord>(p, n.a, f);
  if (l.is_error())
    return l;
  const Value r = Eval<kRecord>(p, n.b, f);
  if (r.is_error())
    return r;
  int64_t out = 0;
  auto overflow = [&]() {
    return Fail(f, fmt::format("arithmetic overflow in `{}`", p.snippet(id)));
  };
  auto as_float = [](const Value& v) {
    return v.kind == ValueKind::kInt ? static_cast<double>(v.i) : v.f;
  };
  switch (n.arith) {
    case Arith::kAddInt:
    case Arith::kAddDuration:
    case Arith::kTimePlusDuration:
      if (__builtin_add_overflow(l.i, r.i, &out))
        return overflow();
      break;
    case Arith::kSubInt:
    case Arith::kSubDuration:
    case Arith::kTimeMinusDuration:
    case Arith::kTimeMinusTime:
      if (__builtin_sub_overflow(l.i, r.i, &out))
        return overflow();
      break;
    case Arith::kMulInt:
    case Arith::kMulDuration:
      if (__builtin_mul_overflow(l.i, r.i, &out))
        return overflow();
      break;
    case Arith::kDivInt:
    case Arith::kDivDuration:
    case Arith::kModInt:
      if (r.i == 0)
        return Fail(f, fmt::format("division by zero in `{}`", p.snippet(id)));
      if (l.i == std::numeric_limits<int64_t>::min() && r.i == -1)
        return overflow();
      out = n.arith == Arith::kModInt ? l.i % r.i : l.i / r.i;
      break;
    case Arith::kAddFloat: return Value::Float(as_float(l) + as_float(r));
    case Arith::kSubFloat: return Value::Float(as_float(l) - as_float(r));
    case Arith::kMulFloat: return Value::Float(as_float(l) * as_float(r));
    case Arith::kDivFloat: {
      if (as_float(r) == 0)
        return Fail(f, fmt::format("division by zero in `{}`", p.snippet(id)));
      return Value::Float(as_float(l) / as_float(r));
    }
    case Arith::kConcat: {
      char* buf = f.arena->AllocChars(size_t{l.len} + r.len);
      std::copy(l.s, l.s + l.len, buf);
      std::copy(r.s, r.s + r.len, buf + l.len);
      return Value::String(std::string_view(buf, size_t{l.len} + r.len));
    }
  }
  switch (n.arith) {
    case Arith::kAddInt:
    case Arith::kSubInt:
    case Arith::kMulInt:
    case Arith::kDivInt:
    case Arith::kModInt: return Value::Int(out);
    case Arith::kTimePlusDuration:
    case Arith::kTimeMinusDuration: return Value::Time(out);
    default: return Value::Duration(out);
  }
}

// A loop's condition on one item: by its kernel when it has one and the kernel decides,
// else by the interpreter.
template <bool kRecord>
Value Test(const Program& p, const Kernel* kernel, NodeId node, const Value& item, Frame& f) {
  if (kernel != nullptr) {
    switch (kernel->Run(item, f.facts, *f.budget)) {
      case Kernel::Result::kTrue: return Value::Bool(true);
      case Kernel::Result::kFalse: return Value::Bool(false);
      case Kernel::Result::kGiveUp: break;
    }
  }
  return Eval<kRecord>(p, node, f);
}

template <bool kRecord>
Value Loop(const Program& p, const Node& n, Frame& f) {
  const Value list = Eval<kRecord>(p, n.a, f);
  if (list.is_error())
    return list;
  const Items items = ItemsOf(list);
  Value* slot = &f.locals[n.slot];
  const Kernel* kernel = !kRecord && n.kernel != kNoKernel ? &p.kernel(n.kernel) : nullptr;
  if (n.kind == NodeKind::kQuantifier) {
    int64_t count = 0;
    for (uint32_t k = 0; k < items.count; ++k) {
      f.budget->Spend(1);
      *slot = items.data[k * items.stride];
      const Value v = Test<kRecord>(p, kernel, n.b, *slot, f);
      if (v.is_error())
        return v;
      switch (n.quantifier) {
        case Quantifier::kAll:
          if (!v.b)
            return Value::Bool(false);
          break;
        case Quantifier::kAny:
          if (v.b)
            return Value::Bool(true);
          break;
        case Quantifier::kNone:
          if (v.b)
            return Value::Bool(false);
          break;
        case Quantifier::kCount: count += v.b; break;
      }
    }
    switch (n.quantifier) {
      case Quantifier::kAll: return Value::Bool(true);
      case Quantifier::kAny: return Value::Bool(false);
      case Quantifier::kNone: return Value::Bool(true);
      case Quantifier::kCount: return Value::Int(count);
    }
  }
  // Comprehension: at most one output per input item.
  Value* out = f.arena->AllocValues(items.count);
  uint32_t produced = 0;
  for (uint32_t k = 0; k < items.count; ++k) {
    f.budget->Spend(1);
    *slot = items.data[k * items.stride];
    if (n.c != kNoNode) {
      const Value keep = Test<kRecord>(p, kernel, n.c, *slot, f);
      if (keep.is_error())
        return keep;
      if (!keep.b)
        continue;
    }
    const Value v = Eval<kRecord>(p, n.b, f);
    if (v.is_error())
      return v;
    // All 16 bytes from the registers the call returned them in: an assignment copies
    // Value's 13 meaningful bytes as two overlapping 8-byte moves through a stack copy,
    // and the second load stalls on the stores just made (15% of R1 in a profile).
    std::memcpy(&out[produced++], &v, sizeof(Value));
  }
  if (n.is_set) {
    SortUnique(out, produced);
    return Value::Sequence(ValueKind::kSet, out, produced);
  }
  return Value::Sequence(ValueKind::kList, out, produced);
}

template <bool kRecord>
Value EvalNode(const Program& p, NodeId id, Frame& f) {
  const Node& n = p.node(id);
  switch (n.kind) {
    case NodeKind::kConst: return n.value;
    case NodeKind::kFact: return f.facts[n.slot];
    case NodeKind::kLocal: return f.locals[n.slot];
    case NodeKind::kNow: return Value::Time(f.now);
    case NodeKind::kLet: {
      LetCache& cache = *f.lets;
      if (!cache.ready[n.slot]) {
        Frame inner = f;
        inner.locals = f.arena->AllocValues(std::max<uint32_t>(p.max_locals(), 1));
        cache.values[n.slot] = Eval<kRecord>(p, p.lets()[n.slot].root, inner);
        cache.ready[n.slot] = 1;
      }
      return cache.values[n.slot];
    }
    case NodeKind::kLocalField:
    case NodeKind::kLocalFieldOr: {
      const Value& record = f.locals[n.slot];
      if (record.kind != ValueKind::kRecord) {
        if (record.is_error())
          return record;
        return Fail(
            f, fmt::format("`{}` reads a field of a value that is not a record", p.snippet(id)));
      }
      const Value& v = record.items[n.first];
      if (n.kind == NodeKind::kLocalFieldOr && v.kind == ValueKind::kNull) {
        if constexpr (kRecord)
          f.recorder->Record(n.b, n.value);  // the default was taken (coverage sees it)
        return n.value;
      }
      return v;
    }
    case NodeKind::kStringTest: {
      const Value s = Eval<kRecord>(p, n.a, f);
      if (s.is_error())
        return s;
      const std::string_view text = s.str();
      const std::string_view part = n.value.str();
      switch (n.string_test) {
        case StringTest::kStartsWith:
          return Value::Bool(text.size() >= part.size() &&
                             SameBytes(text.data(), part.data(), part.size()));
        case StringTest::kEndsWith:
          return Value::Bool(
              text.size() >= part.size() &&
              SameBytes(text.data() + text.size() - part.size(), part.data(), part.size()));
        case StringTest::kContains:
          f.budget->Spend(text.size() / 16);
          return Value::Bool(text.find(part) != std::string_view::npos);
      }
      return s;
    }
    case NodeKind::kField: {
      const Value record = Eval<kRecord>(p, n.a, f);
      if (record.is_error())
        return record;
      // A field of a missing optional record is missing too: the checker allows that only
      // in a chain of fields on the left of `??`, which supplies the default.
      if (record.kind == ValueKind::kNull)
        return record;
      if (record.kind != ValueKind::kRecord) {
        return Fail(f, fmt::format("`{}` is not a record", p.snippet(n.a)));
      }
      return record.items[n.slot];
    }
    case NodeKind::kIndex: {
      const Value object = Eval<kRecord>(p, n.a, f);
      if (object.is_error())
        return object;
      const Value index = Eval<kRecord>(p, n.b, f);
      if (index.is_error())
        return index;
      if (object.kind == ValueKind::kList) {
        if (index.i < 0 || index.i >= object.len) {
          return Fail(f, fmt::format("index {} is out of range for `{}` ({} items)", index.i,
                                     p.snippet(n.a), object.len));
        }
        return object.items[index.i];
      }
      if (const Value* found = FindKey(object, index))
        return *found;
      return Fail(
          f, fmt::format("`{}` has no key \"{}\" (write `{} ?? <default>` if it may be absent)",
                         p.snippet(n.a), index.str(), p.snippet(id)));
    }
    case NodeKind::kIndexOr:
    case NodeKind::kHasKey: {
      const Value map = Eval<kRecord>(p, n.a, f);
      if (map.is_error())
        return map;
      const Value key = Eval<kRecord>(p, n.b, f);
      if (key.is_error())
        return key;
      const Value* found = FindKey(map, key);
      if (n.kind == NodeKind::kHasKey)
        return Value::Bool(found != nullptr);
      return found != nullptr ? *found : Eval<kRecord>(p, n.c, f);
    }
    case NodeKind::kCall: {
      // Uninitialised on purpose: zeroing four Values per call showed in profiles.
      union Args {
        Args() {}

        Value v[4];
      } storage;

      Value* args = storage.v;
      for (uint32_t k = 0; k < n.count; ++k) {
        args[k] = Eval<kRecord>(p, p.operand(n.first + k), f);
        if (args[k].is_error())
          return args[k];
      }
      // Builtins scan their arguments (a string's bytes, a list's items): charge for it.
      int64_t scanned = 0;
      for (uint32_t k = 0; k < n.count; ++k)
        scanned += args[k].kind >= ValueKind::kString ? args[k].len : 0;
      f.budget->Spend(1 + scanned / 16);
      builtins::CallContext ctx(*f.arena, *f.errors, n.fn_data);
      return n.fn(args, ctx);
    }
    case NodeKind::kNot: {
      const Value v = Eval<kRecord>(p, n.a, f);
      if (v.is_error())
        return v;
      return Value::Bool(!v.b);
    }
    case NodeKind::kNeg: {
      const Value v = Eval<kRecord>(p, n.a, f);
      if (v.is_error())
        return v;
      if (v.kind == ValueKind::kFloat)
        return Value::Float(-v.f);
      if (v.i == std::numeric_limits<int64_t>::min()) {
        return Fail(f, fmt::format("arithmetic overflow in `{}`", p.snippet(id)));
      }
      return v.kind == ValueKind::kInt ? Value::Int(-v.i) : Value::Duration(-v.i);
    }
    case NodeKind::kAnd: {
      const Value l = Eval<kRecord>(p, n.a, f);
      if (l.is_error() || !l.b)
        return l;
      return Eval<kRecord>(p, n.b, f);
    }
    case NodeKind::kOr: {
      const Value l = Eval<kRecord>(p, n.a, f);
      if (l.is_error() || l.b)
        return l;
      return Eval<kRecord>(p, n.b, f);
    }
    case NodeKind::kCoalesce: {
      const Value l = Eval<kRecord>(p, n.a, f);
      if (l.kind != ValueKind::kNull)
        return l;
      return Eval<kRecord>(p, n.b, f);
    }
    case NodeKind::kHas: {
      const Value v = Eval<kRecord>(p, n.a, f);
      if (v.is_error())
        return v;
      return Value::Bool(v.kind != ValueKind::kNull);
    }
    case NodeKind::kArith: return Arithmetic<kRecord>(p, n, id, f);
    case NodeKind::kCompare: {
      const Value l = Eval<kRecord>(p, n.a, f);
      if (l.is_error())
        return l;
      const Value r = Eval<kRecord>(p, n.b, f);
      if (r.is_error())
        return r;
      if (l.kind >= ValueKind::kList)
        f.budget->Spend(l.len);
      switch (n.compare) {
        case CompareOp::kEq: return Value::Bool(Equal(l, r));
        case CompareOp::kNe: return Value::Bool(!Equal(l, r));
        case CompareOp::kLt: return Value::Bool(Compare(l, r) < 0);
        case CompareOp::kLe: return Value::Bool(Compare(l, r) <= 0);
        case CompareOp::kGt: return Value::Bool(Compare(l, r) > 0);
        case CompareOp::kGe: return Value::Bool(Compare(l, r) >= 0);
      }
      return l;
    }
    case NodeKind::kIn: {
      const Value item = Eval<kRecord>(p, n.a, f);
      if (item.is_error())
        return item;
      const Value collection = Eval<kRecord>(p, n.b, f);
      if (collection.is_error())
        return collection;
      if (collection.kind == ValueKind::kList)
        f.budget->Spend(collection.len);
      return Value::Bool(ContainsValue(item, collection) != n.negate);
    }
    case NodeKind::kMatches: {
      const Value s = Eval<kRecord>(p, n.a, f);
      if (s.is_error())
        return s;
      const re2::RE2* re = n.regex;
      if (re == nullptr) {
        const Value pattern = Eval<kRecord>(p, n.b, f);
        if (pattern.is_error())
          return pattern;
        re = static_cast<const re2::RE2*>(pattern.ptr);
      }
      f.budget->Spend(1 + s.len / 16);
      if (n.literal != LiteralMatch::kNone)
        return Value::Bool(LiteralMatches(n.literal, s.str(), n.value.str()));
      return Value::Bool(re2::RE2::PartialMatch(re2::StringPiece(s.s, s.len), *re));
    }
    case NodeKind::kList:
    case NodeKind::kSet: {
      Value* items = f.arena->AllocValues(n.count);
      uint32_t count = n.count;
      for (uint32_t k = 0; k < n.count; ++k) {
        items[k] = Eval<kRecord>(p, p.operand(n.first + k), f);
        if (items[k].is_error())
          return items[k];
      }
      if (n.kind == NodeKind::kSet) {
        SortUnique(items, count);
        return Value::Sequence(ValueKind::kSet, items, count);
      }
      return Value::Sequence(ValueKind::kList, items, count);
    }
    case NodeKind::kComprehension:
    case NodeKind::kQuantifier: return Loop<kRecord>(p, n, f);
  }
  return Fail(f, "unknown node");
}

template <bool kRecord>
Value Eval(const Program& p, NodeId id, Frame& f) {
  const Value v = EvalNode<kRecord>(p, id, f);
  if constexpr (kRecord)
    f.recorder->Record(id, v);
  return v;
}

void AppendQuoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void Format(std::string& out, const Value& v, bool bare, const types::Type* type, int depth) {
  // Unwrap optional: the value is either null or of the element type.
  if (type != nullptr && type->kind == types::TypeKind::kOptional)
    type = type->element;
  const types::Type* element = type != nullptr ? type->element : nullptr;
  switch (v.kind) {
    case ValueKind::kNull: out += "none"; return;
    case ValueKind::kBool: out += v.b ? "true" : "false"; return;
    case ValueKind::kInt: out += fmt::to_string(v.i); return;
    case ValueKind::kFloat: {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof buf, v.f);
      out.append(buf, r.ptr);
      return;
    }
    case ValueKind::kString:
    case ValueKind::kVersion:
      if (bare) {
        out += v.str();
      } else {
        AppendQuoted(out, v.str());
      }
      return;
    case ValueKind::kTime: out += FormatRfc3339(v.i); return;
    case ValueKind::kDuration: out += FormatDuration(v.i); return;
    case ValueKind::kRegex: {
      // Written back as a literal: a slash inside the pattern is `\/` in .gate source.
      out += '/';
      for (char c : static_cast<const re2::RE2*>(v.ptr)->pattern()) {
        if (c == '/')
          out += '\\';
        out += c;
      }
      out += '/';
      return;
    }
    case ValueKind::kError: out += fmt::format("error: {}", v.error().message); return;
    case ValueKind::kList:
    case ValueKind::kSet: {
      if (depth > 3) {
        out += "[...]";
        return;
      }
      out += v.kind == ValueKind::kSet ? "{" : "[";
      const uint32_t shown = std::min<uint32_t>(v.len, 10);
      for (uint32_t k = 0; k < shown; ++k) {
        if (k > 0)
          out += ", ";
        Format(out, v.items[k], false, element, depth + 1);
      }
      if (v.len > shown)
        out += fmt::format(", ... ({} items)", v.len);
      out += v.kind == ValueKind::kSet ? "}" : "]";
      return;
    }
    case ValueKind::kMap: {
      out += "{";
      const uint32_t shown = std::min<uint32_t>(v.len, 10);
      for (uint32_t k = 0; k < shown; ++k) {
        if (k > 0)
          out += ", ";
        Format(out, v.items[2 * k], false, nullptr, depth + 1);
        out += ": ";
        Format(out, v.items[2 * k + 1], false, element, depth + 1);
      }
      if (v.len > shown)
        out += ", ...";
      out += "}";
      return;
    }
    case ValueKind::kRecord: {
      if (depth > 3) {
        out += "{...}";
        return;
      }
      out += "{";
      for (uint32_t k = 0; k < v.len; ++k) {
        if (k > 0)
          out += ", ";
        const types::Type* field_type = nullptr;
        if (type != nullptr && type->kind == types::TypeKind::kRecord && k < type->fields.size()) {
          out += fmt::format("{}: ", type->fields[k].name);
          field_type = type->fields[k].type;
        }
        Format(out, v.items[k], false, field_type, depth + 1);
      }
      out += "}";
      return;
    }
  }
}

}  // namespace

bool ContainsValue(const Value& item, const Value& collection) {
  switch (collection.kind) {
    case ValueKind::kList:
      for (uint32_t k = 0; k < collection.len; ++k) {
        if (Equal(item, collection.items[k]))
          return true;
      }
      return false;
    case ValueKind::kSet:
      return std::binary_search(collection.items, collection.items + collection.len, item,
                                [](const Value& x, const Value& y) { return Compare(x, y) < 0; });
    case ValueKind::kMap: {
      uint32_t lo = 0, hi = collection.len;
      while (lo < hi) {
        const uint32_t mid = (lo + hi) / 2;
        const int c = Compare(collection.items[2 * mid], item);
        if (c == 0)
          return true;
        if (c < 0) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return false;
    }
    default: return false;
  }
}

Value RunFast(const Program& program, NodeId node, Frame& frame) {
  return Eval<false>(program, node, frame);
}

Value Run(const Program& program, NodeId node, Frame& frame) {
  if (frame.recorder != nullptr)
    return Eval<true>(program, node, frame);
  return Eval<false>(program, node, frame);
}

std::string FormatValue(const Value& value, bool bare, const types::Type* type) {
  std::string out;
  Format(out, value, bare, type, 0);
  return out;
}

}  // namespace relgate::compile
