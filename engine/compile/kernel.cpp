// Building kernels from compiled nodes, and running them. See kernel.h.
#include "engine/compile/kernel.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <string_view>
#include <type_traits>

#include "engine/base/same_bytes.h"
#include "engine/compile/machine.h"
#include "engine/compile/program.h"

namespace relgate::compile {
namespace {

using From = KernelOperand::From;
using Op = KernelTest::Op;

// Where one operand is, or null when it is not where the kernel expects it (the item or
// an intermediate fact is not a record), and the interpreter must decide. A pointer, not
// a copy: copying Values field by field into the stack and reading them back whole
// stalled store forwarding in profiles. Specialised by where the operand is, so that a
// test of a field of the item is two loads.
template <From kFrom>
[[gnu::always_inline]] inline const Value* Load(const KernelOperand& o, const Value& item,
                                                const Value* facts) {
  if constexpr (kFrom == From::kItem) {
    return &item;
  } else if constexpr (kFrom == From::kItemField) {
    if (item.kind != ValueKind::kRecord) [[unlikely]]
      return nullptr;
    return &item.items[o.field];
  } else if constexpr (kFrom == From::kItemFieldOr) {
    if (item.kind != ValueKind::kRecord) [[unlikely]]
      return nullptr;
    const Value* v = &item.items[o.field];
    return v->kind == ValueKind::kNull ? &o.value : v;
  } else if constexpr (kFrom == From::kConst) {
    return &o.value;
  } else {
    const Value* v = &facts[o.path[0]];
    for (uint8_t k = 1; k < o.depth; ++k) {
      if (v->kind != ValueKind::kRecord)
        return nullptr;
      v = &v->items[o.path[k]];
    }
    return v;
  }
}

inline const Value* LoadAny(const KernelOperand& o, const Value& item, const Value* facts) {
  switch (o.from) {
    case From::kItem: return Load<From::kItem>(o, item, facts);
    case From::kItemField: return Load<From::kItemField>(o, item, facts);
    case From::kItemFieldOr: return Load<From::kItemFieldOr>(o, item, facts);
    case From::kConst: return Load<From::kConst>(o, item, facts);
    case From::kFact: return Load<From::kFact>(o, item, facts);
  }
  return nullptr;
}

inline KernelResult Holds(bool holds) {
  return holds ? KernelResult::kTrue : KernelResult::kFalse;
}

// Scalars a comparison can decide here exactly as Compare/Equal do.
inline bool Comparable(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kTime:
    case ValueKind::kDuration:
    case ValueKind::kString: return true;
    default: return false;
  }
}

template <From kA>
[[gnu::always_inline]] inline KernelResult Truth(const KernelTest& t, const Value& item,
                                                 const Value* facts, Budget&) {
  const Value* a = Load<kA>(t.a, item, facts);
  if (a == nullptr || a->kind != ValueKind::kBool) [[unlikely]]
    return KernelResult::kGiveUp;
  return Holds(a->b);
}

template <From kA>
[[gnu::always_inline]] inline KernelResult StartsWithWord(const KernelTest& t, const Value& item,
                                                          const Value* facts, Budget&) {
  const Value* a = Load<kA>(t.a, item, facts);
  if (a == nullptr || a->kind != ValueKind::kString) [[unlikely]]
    return KernelResult::kGiveUp;
  if (a->len >= 8) {
    uint64_t x;
    std::memcpy(&x, a->s, 8);
    return Holds((x & t.mask) == t.word);
  }
  const Value& part = t.b.value;
  return Holds(a->len >= part.len && SameBytes(a->s, part.s, part.len));
}

template <From kA>
[[gnu::always_inline]] inline KernelResult EndsWithWord(const KernelTest& t, const Value& item,
                                                        const Value* facts, Budget&) {
  const Value* a = Load<kA>(t.a, item, facts);
  if (a == nullptr || a->kind != ValueKind::kString) [[unlikely]]
    return KernelResult::kGiveUp;
  if (a->len >= 8) {
    uint64_t x;
    std::memcpy(&x, a->s + a->len - 8, 8);
    return Holds((x & t.mask) == t.word);
  }
  const Value& part = t.b.value;
  return Holds(a->len >= part.len && SameBytes(a->s + a->len - part.len, part.s, part.len));
}

KernelResult StringTestAny(const KernelTest& t, const Value& item, const Value* facts,
                           Budget& budget) {
  const Value* a = LoadAny(t.a, item, facts);
  if (a == nullptr || a->kind != ValueKind::kString) [[unlikely]]
    return KernelResult::kGiveUp;
  const std::string_view text = a->str(), part = t.b.value.str();
  switch (t.string_test) {
    case StringTest::kStartsWith:
      return Holds(text.size() >= part.size() && SameBytes(text.data(), part.data(), part.size()));
    case StringTest::kEndsWith:
      return Holds(text.size() >= part.size() &&
                   SameBytes(text.data() + text.size() - part.size(), part.data(), part.size()));
    case StringTest::kContains:
      budget.Spend(static_cast<int64_t>(text.size() / 16));
      return Holds(text.find(part) != std::string_view::npos);
  }
  return KernelResult::kGiveUp;
}

KernelResult CompareAny(const KernelTest& t, const Value& item, const Value* facts, Budget&) {
  const Value* pa = LoadAny(t.a, item, facts);
  const Value* pb = LoadAny(t.b, item, facts);
  if (pa == nullptr || pb == nullptr || pa->kind != pb->kind || !Comparable(pa->kind))
      [[unlikely]] {
    return KernelResult::kGiveUp;
  }
  const Value& a = *pa;
  const Value& b = *pb;
  if (a.kind == ValueKind::kString &&
      (t.compare == CompareOp::kEq || t.compare == CompareOp::kNe)) {
    const bool same = a.len == b.len && SameBytes(a.s, b.s, a.len);
    return Holds(same == (t.compare == CompareOp::kEq));
  }
  const int c = Compare(a, b);
  switch (t.compare) {
    case CompareOp::kEq: return Holds(c == 0);
    case CompareOp::kNe: return Holds(c != 0);
    case CompareOp::kLt: return Holds(c < 0);
    case CompareOp::kLe: return Holds(c <= 0);
    case CompareOp::kGt: return Holds(c > 0);
    case CompareOp::kGe: return Holds(c >= 0);
  }
  return KernelResult::kGiveUp;
}

KernelResult InAny(const KernelTest& t, const Value& item, const Value* facts, Budget& budget) {
  const Value* a = LoadAny(t.a, item, facts);
  const Value* b = LoadAny(t.b, item, facts);
  if (a == nullptr || b == nullptr || a->kind == ValueKind::kNull || a->is_error() ||
      (b->kind != ValueKind::kList && b->kind != ValueKind::kSet && b->kind != ValueKind::kMap))
      [[unlikely]] {
    return KernelResult::kGiveUp;
  }
  if (b->kind == ValueKind::kList)
    budget.Spend(b->len);
  return Holds(ContainsValue(*a, *b) != t.negate);
}

KernelResult HasAny(const KernelTest& t, const Value& item, const Value* facts, Budget&) {
  const Value* a = LoadAny(t.a, item, facts);
  if (a == nullptr || a->is_error()) [[unlikely]]
    return KernelResult::kGiveUp;
  return Holds(a->kind != ValueKind::kNull);
}

// Calls one(k, item) for each item whose bit is set in `at`. When `at` is a run of items
// from the first (a rule's first test, and most tests after one that nearly always holds),
// a plain count replaces finding each set bit.
template <class One>
[[gnu::always_inline]] inline void ForEachAt(const Value* items, uint32_t stride, uint64_t at,
                                             One&& one) {
  if ((at & (at + 1)) == 0) {
    const auto n = static_cast<uint32_t>(64 - std::countl_zero(at));
    const Value* item = items;
    for (uint32_t k = 0; k < n; ++k, item += stride)
      one(k, *item);
  } else {
    while (at != 0) {
      const auto k = static_cast<uint32_t>(std::countr_zero(at));
      at &= at - 1;
      one(k, items[size_t{k} * stride]);
    }
  }
}

// A test over the items whose bits are set in `at`, with the test inlined into the loop:
// the loads for one item do not wait on the answer for the one before. The test is
// copied to the stack first: read through the reference, its operands were loaded again
// for every item (the compiler cannot tell that nothing in the loop writes them); a local
// copy whose address does not escape lives in registers.
template <KernelTestFn kTest>
void Column(const KernelTest& test, const Value* items, uint32_t stride, uint64_t at,
            const Value* facts, Budget& budget, KernelColumn& out) {
  const KernelTest t = test;
  uint64_t yes = 0, no = 0, give_up = 0;
  ForEachAt(items, stride, at, [&](uint32_t k, const Value& item) {
    const uint64_t bit = uint64_t{1} << k;
    switch (kTest(t, item, facts, budget)) {
      case KernelResult::kTrue: yes |= bit; break;
      case KernelResult::kFalse: no |= bit; break;
      case KernelResult::kGiveUp: give_up |= bit; break;
    }
  });
  out = {yes, no, give_up};
}

// What a test says of a field's value, for FieldColumn: only what the test needs is
// copied out of it (a copy of the whole test did not fit in registers, and the loop
// reloaded its parts from the stack for every item).
struct TruthOf {
  explicit TruthOf(const KernelTest&) {}

  [[gnu::always_inline]] KernelResult operator()(const Value& v) const {
    if (v.kind != ValueKind::kBool) [[unlikely]]
      return KernelResult::kGiveUp;
    return Holds(v.b);
  }
};

// starts_with (kEnd false) or ends_with (kEnd true) a pattern of up to 8 bytes.
template <bool kEnd>
struct WordOf {
  explicit WordOf(const KernelTest& t)
      : word(t.word), mask(t.mask), pattern(t.b.value.s), size(t.b.value.len) {}

  [[gnu::always_inline]] KernelResult operator()(const Value& v) const {
    if (v.kind != ValueKind::kString) [[unlikely]]
      return KernelResult::kGiveUp;
    if (v.len >= 8) [[likely]] {
      uint64_t x;
      std::memcpy(&x, kEnd ? v.s + v.len - 8 : v.s, 8);
      return Holds((x & mask) == word);
    }
    return Holds(v.len >= size && SameBytes(kEnd ? v.s + v.len - size : v.s, pattern, size));
  }

  uint64_t word, mask;
  const char* pattern;
  uint32_t size;
};

// The commonest column: a test of one field of each item (`d.pinned`, `(d.integrity ??
// "").starts_with("sha512-")`), with or without a default. The item's record is read once
// and the default's answer is a constant. (Setting the three masks without a branch, from
// comparisons, measured slower than these branches, which the workload's items predict.)
template <class TestOf, bool kDefault>
void FieldColumn(const KernelTest& test, const Value* items, uint32_t stride, uint64_t at,
                 const Value*, Budget&, KernelColumn& out) {
  const TestOf decide(test);
  const uint32_t field = test.a.field;
  const KernelResult on_null = test.on_default;
  uint64_t yes = 0, no = 0, give_up = 0;
  ForEachAt(items, stride, at, [&](uint32_t k, const Value& item) {
    const uint64_t bit = uint64_t{1} << k;
    if (item.kind != ValueKind::kRecord) [[unlikely]] {
      give_up |= bit;
      return;
    }
    const Value& v = item.items[field];
    switch (kDefault && v.kind == ValueKind::kNull ? on_null : decide(v)) {
      case KernelResult::kTrue: yes |= bit; break;
      case KernelResult::kFalse: no |= bit; break;
      case KernelResult::kGiveUp: give_up |= bit; break;
    }
  });
  out = {yes, no, give_up};
}

// Sets a test's function, item by item and a column at a time.
template <KernelTestFn kTest>
void Use(KernelTest& t) {
  t.fn = kTest;
  t.column = &Column<kTest>;
}

template <From kA>
void UseStringTest(KernelTest& t) {
  if (t.b.value.len <= 8 && t.string_test == StringTest::kStartsWith)
    return Use<&StartsWithWord<kA>>(t);
  if (t.b.value.len <= 8 && t.string_test == StringTest::kEndsWith)
    return Use<&EndsWithWord<kA>>(t);
  Use<&StringTestAny>(t);
}

// Whether a test may spend budget: `in` a list (one step per element) and `contains`.
// A kernel with such a test runs item by item, so that steps are charged in item order.
bool MaySpend(const KernelTest& t) {
  if (t.op == Op::kStringTest)
    return t.string_test == StringTest::kContains;
  if (t.op == Op::kIn)
    return t.b.from != From::kConst || t.b.value.kind == ValueKind::kList;
  return false;
}

// Picks the specialised function of a test and, for a short string pattern, its word.
void ChooseFunctions(KernelTest& t) {
  static_assert(std::endian::native == std::endian::little,
                "the word compare of short patterns assumes little-endian byte order");
  switch (t.op) {
    case Op::kTruth:
      switch (t.a.from) {
        case From::kItem: return Use<&Truth<From::kItem>>(t);
        case From::kItemField: return Use<&Truth<From::kItemField>>(t);
        case From::kItemFieldOr: return Use<&Truth<From::kItemFieldOr>>(t);
        case From::kConst: return Use<&Truth<From::kConst>>(t);
        case From::kFact: return Use<&Truth<From::kFact>>(t);
      }
      return;
    case Op::kStringTest: {
      const uint32_t len = t.b.value.len;
      if (len <= 8) {
        unsigned char bytes[8] = {};
        const size_t at = t.string_test == StringTest::kEndsWith ? 8 - len : 0;
        std::memcpy(bytes + at, t.b.value.s, len);
        std::memcpy(&t.word, bytes, 8);
        unsigned char ones[8] = {};
        std::memset(ones + at, 0xFF, len);
        std::memcpy(&t.mask, ones, 8);
      }
      switch (t.a.from) {
        case From::kItem: return UseStringTest<From::kItem>(t);
        case From::kItemField: return UseStringTest<From::kItemField>(t);
        case From::kItemFieldOr: return UseStringTest<From::kItemFieldOr>(t);
        case From::kConst: return UseStringTest<From::kConst>(t);
        case From::kFact: return UseStringTest<From::kFact>(t);
      }
      return;
    }
    case Op::kCompare: return Use<&CompareAny>(t);
    case Op::kIn: return Use<&InAny>(t);
    case Op::kHas: return Use<&HasAny>(t);
  }
}

// A column that reads the field directly (FieldColumn). With a default, the test's answer
// on the default is worked out here, once: these tests read nothing but the field and a
// constant pattern, and spend no budget.
template <class TestOf>
void UseFieldColumn(KernelTest& t) {
  if (t.a.from == From::kItemField) {
    t.field_truth = std::is_same_v<TestOf, TruthOf>;
    t.column = &FieldColumn<TestOf, false>;
    return;
  }
  KernelTest of_default = t;
  of_default.a.from = From::kConst;  // its value is the default
  ChooseFunctions(of_default);
  Budget unused;
  t.on_default = of_default.fn(of_default, Value(), nullptr, unused);
  t.column = &FieldColumn<TestOf, true>;
}

// The test's functions; for a truth or a short pattern on one field of the item, the
// column that reads the field directly.
void Specialise(KernelTest& t) {
  ChooseFunctions(t);
  if (t.fn == &Truth<From::kItemField> || t.fn == &Truth<From::kItemFieldOr>) {
    UseFieldColumn<TruthOf>(t);
  } else if (t.fn == &StartsWithWord<From::kItemField> ||
             t.fn == &StartsWithWord<From::kItemFieldOr>) {
    UseFieldColumn<WordOf<false>>(t);
  } else if (t.fn == &EndsWithWord<From::kItemField> || t.fn == &EndsWithWord<From::kItemFieldOr>) {
    UseFieldColumn<WordOf<true>>(t);
  }
}

class Builder {
 public:
  Builder(const Program& program, uint32_t slot) : p_(program), slot_(slot) {}

  // The entry of `id` given where true and false go; nullopt when `id` has a node no
  // test can take.
  std::optional<uint32_t> Wire(NodeId id, uint32_t on_true, uint32_t on_false) {
    const Node& n = p_.node(id);
    switch (n.kind) {
      case NodeKind::kAnd: {
        const auto right = Wire(n.b, on_true, on_false);
        if (!right)
          return std::nullopt;
        return Wire(n.a, *right, on_false);
      }
      case NodeKind::kOr: {
        const auto right = Wire(n.b, on_true, on_false);
        if (!right)
          return std::nullopt;
        return Wire(n.a, on_true, *right);
      }
      case NodeKind::kNot: return Wire(n.a, on_false, on_true);
      case NodeKind::kConst:
        if (n.value.kind != ValueKind::kBool)
          return std::nullopt;
        return n.value.b ? on_true : on_false;
      case NodeKind::kStringTest: {
        KernelTest t;
        t.op = Op::kStringTest;
        t.string_test = n.string_test;
        t.b.value = n.value;  // the constant pattern
        if (n.value.kind != ValueKind::kString || !Operand(n.a, t.a))
          return std::nullopt;
        return Add(t, on_true, on_false);
      }
      case NodeKind::kCompare: {
        KernelTest t;
        t.op = Op::kCompare;
        t.compare = n.compare;
        if (!Operand(n.a, t.a) || !Operand(n.b, t.b))
          return std::nullopt;
        return Add(t, on_true, on_false);
      }
      case NodeKind::kIn: {
        KernelTest t;
        t.op = Op::kIn;
        t.negate = n.negate;
        if (!Operand(n.a, t.a) || !Operand(n.b, t.b))
          return std::nullopt;
        return Add(t, on_true, on_false);
      }
      case NodeKind::kHas: {
        KernelTest t;
        t.op = Op::kHas;
        if (!Operand(n.a, t.a))
          return std::nullopt;
        return Add(t, on_true, on_false);
      }
      default: {
        // A boolean read directly: `d.pinned`, `builder.hosted`.
        KernelTest t;
        t.op = Op::kTruth;
        if (!Operand(id, t.a) || t.a.from == From::kConst)
          return std::nullopt;
        return Add(t, on_true, on_false);
      }
    }
  }

  std::vector<KernelTest> Take() { return std::move(tests_); }

 private:
  uint32_t Add(KernelTest t, uint32_t on_true, uint32_t on_false) {
    t.on_true = on_true;
    t.on_false = on_false;
    Specialise(t);
    tests_.push_back(t);
    return static_cast<uint32_t>(tests_.size() - 1);
  }

  bool Operand(NodeId id, KernelOperand& out) {
    const Node& n = p_.node(id);
    switch (n.kind) {
      case NodeKind::kLocal:
        if (n.slot != slot_)
          return false;
        out.from = From::kItem;
        return true;
      case NodeKind::kLocalField:
      case NodeKind::kLocalFieldOr:
        if (n.slot != slot_)
          return false;
        out.from = n.kind == NodeKind::kLocalFieldOr ? From::kItemFieldOr : From::kItemField;
        out.field = n.first;
        if (out.from == From::kItemFieldOr)
          out.value = n.value;
        return true;
      case NodeKind::kConst:
        out.from = From::kConst;
        out.value = n.value;
        return true;
      case NodeKind::kFact:
      case NodeKind::kField: return FactPath(id, out);
      default: return false;
    }
  }

  // `release.author`: a root fact, then fields.
  bool FactPath(NodeId id, KernelOperand& out) {
    uint32_t reversed[KernelOperand::kMaxPath];
    int depth = 0;
    while (p_.node(id).kind == NodeKind::kField) {
      if (depth == KernelOperand::kMaxPath - 1)
        return false;
      reversed[depth++] = p_.node(id).slot;
      id = p_.node(id).a;
    }
    if (p_.node(id).kind != NodeKind::kFact)
      return false;
    out.from = From::kFact;
    out.path[0] = p_.node(id).slot;
    for (int k = 0; k < depth; ++k)
      out.path[k + 1] = reversed[depth - 1 - k];
    out.depth = static_cast<uint8_t>(depth + 1);
    return true;
  }

  const Program& p_;
  uint32_t slot_;
  std::vector<KernelTest> tests_;
};

}  // namespace

Kernel Kernel::Build(const Program& program, NodeId condition, uint32_t slot) {
  Kernel kernel;
  Builder builder(program, slot);
  const auto entry = builder.Wire(condition, kTrue, kFalse);
  if (!entry)
    return kernel;
  kernel.tests_ = builder.Take();
  kernel.entry_ = *entry;
  kernel.valid_ = true;
  // A column at a time needs every test's successors below it (Wire adds a test after its
  // successors, so they are) and no test that spends budget.
  kernel.columnar_ = kernel.tests_.size() <= kMaxColumnTests;
  for (uint32_t k = 0; k < kernel.tests_.size(); ++k) {
    const KernelTest& t = kernel.tests_[k];
    if (MaySpend(t) || (t.on_true < kFalse && t.on_true >= k) ||
        (t.on_false < kFalse && t.on_false >= k)) {
      kernel.columnar_ = false;
    }
  }
  return kernel;
}

KernelColumn Kernel::RunColumns(const Value* items, uint32_t base, uint32_t size, uint32_t stride,
                                const Value* facts, Budget& budget,
                                const ListColumns* columns) const {
  const uint64_t all = size == 64 ? ~uint64_t{0} : (uint64_t{1} << size) - 1;
  KernelColumn done;
  if (entry_ >= kFalse) {  // a constant condition
    (entry_ == kTrue ? done.yes : done.no) = all;
    return done;
  }
  // at[t]: the items that reached test t. Successors are below their test, so one pass
  // from the entry down runs each test once, on every item that reaches it.
  uint64_t at[kMaxColumnTests];
  std::fill(at, at + entry_ + 1, uint64_t{0});
  at[entry_] = all;
  const Value* first = items + size_t{base} * stride;
  auto route = [&](uint32_t to, uint64_t bits) {
    if (to == kTrue)
      done.yes |= bits;
    else if (to == kFalse)
      done.no |= bits;
    else
      at[to] |= bits;
  };
  for (uint32_t t = entry_ + 1; t-- > 0;) {
    if (at[t] == 0)
      continue;
    const KernelTest& test = tests_[t];
    KernelColumn answers;
    const BoolColumn* bits =
        columns != nullptr && test.field_truth ? columns->Find(test.a.field) : nullptr;
    if (bits != nullptr) {
      const uint64_t truth = columns->Bits(bits->truth, base) & at[t];
      const uint64_t other = columns->Bits(bits->other, base) & at[t];
      answers = {truth, at[t] & ~(truth | other), other};
    } else {
      test.column(test, first, stride, at[t], facts, budget, answers);
    }
    route(test.on_true, answers.yes);
    route(test.on_false, answers.no);
    done.give_up |= answers.give_up;
  }
  return done;
}

uint32_t Kernel::SkipColumns(const Value* items, uint32_t from, uint32_t count, uint32_t stride,
                             Result skip, const Value* facts, Budget& budget, Result& stopped,
                             KernelCursor& cursor, const ListColumns* columns) const {
  uint32_t k = from;
  while (k < count) {
    if (cursor.base == 0xFFFFFFFF || k < cursor.base || k >= cursor.base + cursor.size) {
      cursor.base = k;
      cursor.size = std::min<uint32_t>(64, count - k);
      cursor.answers = RunColumns(items, k, cursor.size, stride, facts, budget, columns);
    }
    const KernelColumn& a = cursor.answers;
    const uint64_t stops = (skip == Result::kTrue ? a.no : a.yes) | a.give_up;
    const uint32_t offset = k - cursor.base;
    const uint64_t ahead = stops >> offset;
    if (ahead != 0) {
      const uint32_t at = offset + static_cast<uint32_t>(std::countr_zero(ahead));
      const uint64_t bit = uint64_t{1} << at;
      stopped = (a.give_up & bit) != 0 ? Result::kGiveUp
                : (a.yes & bit) != 0   ? Result::kTrue
                                       : Result::kFalse;
      return cursor.base + at;
    }
    k = cursor.base + cursor.size;
  }
  return count;
}

}  // namespace relgate::compile
