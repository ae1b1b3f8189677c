// Kernels: a per-item condition compiled to a graph of tests. The commonest shape in
// release rules is a test of each item of a list — `d.pinned and
// (d.integrity ?? "").starts_with("sha512-")`, `d.name in allowlist`, `not
// f.ends_with(".map")`, `a.team == release_team` — and walking such a condition node by
// node costs a dispatch, a returned Value and an error check per node, per item.
//
// A kernel is the same condition as a decision graph: each test reads its operands (the
// item, a field of it, a constant or a fact path) and goes to its true or its false
// successor; `and`, `or` and `not` are only wiring between tests, so they cost nothing.
// A test whose operands are not the kinds it was built for (an error value for a missing
// or ill-typed fact, null, a value that is not a record) gives up: the caller then evaluates the
// condition with the interpreter, which produces exactly the value or error it always has. So a
// kernel is never a second semantics — it is a shortcut taken only where it agrees with the
// interpreter, and it charges the budget the same steps (a test that gives up after an
// earlier `in` test has passed leaves that test's steps charged twice: deterministic, and
// only ever more cautious).
#pragma once

#include <cstdint>
#include <vector>

#include "engine/base/budget.h"
#include "engine/base/list_columns.h"
#include "engine/base/value.h"
#include "engine/compile/node.h"

namespace relgate::compile {

class Program;

// Where a test reads one operand.
struct KernelOperand {
  // kItemFieldOr: `d.x ?? value`, the field or (where it is null) the default, `value`.
  enum class From : uint8_t { kItem, kItemField, kItemFieldOr, kConst, kFact };
  From from = From::kConst;
  uint8_t depth = 0;   // kFact: path length (1 to kMaxPath)
  uint32_t field = 0;  // kItemField, kItemFieldOr: field index
  static constexpr int kMaxPath = 4;
  uint32_t path[kMaxPath] = {};  // kFact: root slot, then field indices
  Value value;                   // kConst: the constant; kItemFieldOr: the default
};

enum class KernelResult : uint8_t { kFalse, kTrue, kGiveUp };

struct KernelTest;
// One test, specialised for its operation and where its operands are (kernel.cpp).
using KernelTestFn = KernelResult (*)(const KernelTest& test, const Value& item, const Value* facts,
                                      Budget& budget);

// What one test said of up to 64 items, one bit per item.
struct KernelColumn {
  uint64_t yes = 0, no = 0, give_up = 0;
};

// The same test run on the items whose bits are set in `at` (item k at items[k * stride]).
using KernelColumnFn = void (*)(const KernelTest& test, const Value* items, uint32_t stride,
                                uint64_t at, const Value* facts, Budget& budget, KernelColumn& out);

// Where a scan of a list has got to: the answers of the chunk of 64 items it last ran
// (kernel.cpp, Kernel::Skip), so that a rule that stops on many items runs each once.
struct KernelCursor {
  uint32_t base = 0xFFFFFFFF;  // the chunk's first item; none yet
  uint32_t size = 0;
  KernelColumn answers;
};

struct KernelTest {
  enum class Op : uint8_t { kTruth, kStringTest, kCompare, kIn, kHas };
  KernelTestFn fn = nullptr;
  KernelColumnFn column = nullptr;     // fn over a chunk of items, inlined into its loop
  uint32_t on_true = 0, on_false = 0;  // the next test, or Kernel::kTrue/kFalse
  Op op = Op::kTruth;
  StringTest string_test = StringTest::kStartsWith;
  CompareOp compare = CompareOp::kEq;
  bool negate = false;  // kIn: `not in`
  // A truth or short-pattern test of kItemFieldOr: the answer for an item whose field is
  // null (the test of the default, a constant), worked out when the kernel is built.
  KernelResult on_default = KernelResult::kGiveUp;
  // A truth test of a field of the item with no default (`d.pinned`): the list's bool
  // column, where binding wrote one, answers it (base/list_columns.h).
  bool field_truth = false;
  // kStringTest with a pattern of up to 8 bytes: the pattern as a word and which of its
  // bytes count, so that starts_with/ends_with on a string of 8 bytes or more is one load
  // and one compare (little-endian byte order).
  uint64_t word = 0, mask = 0;
  KernelOperand a, b;  // b: kStringTest's pattern, kCompare's right side, kIn's collection
};

class Kernel {
 public:
  static constexpr uint32_t kTrue = 0xFFFFFFFF;
  static constexpr uint32_t kFalse = 0xFFFFFFFE;

  using Result = KernelResult;

  // The condition on `item` (the loop variable), reading facts from `facts` (the root
  // record's slots). kGiveUp: evaluate the condition with the interpreter instead.
  // Inline: it runs once per item, and the loop around it is the caller's.
  Result Run(const Value& item, const Value* facts, Budget& budget) const {
    uint32_t at = entry_;
    while (at < kFalse) {
      const KernelTest& t = tests_[at];
      const Result r = t.fn(t, item, facts, budget);
      if (r == Result::kGiveUp) [[unlikely]]
        return r;
      at = r == Result::kTrue ? t.on_true : t.on_false;
    }
    return at == kTrue ? Result::kTrue : Result::kFalse;
  }

  // The position of the first item of a list, from `from` on (every `stride`-th Value,
  // `count` items), that the kernel gives anything but `skip` for, with that answer in
  // `stopped`; or `count`. A rule's items then cost one tight loop: the evaluator does
  // more only for an item that needs it (a finding, an error, the interpreter).
  //
  // A kernel whose tests never spend budget runs a column at a time (SkipColumns): each
  // test over a chunk of 64 items in a loop of its own, the test inlined, so that the
  // loads of one item do not wait on the answer for the one before. The chunk's answers
  // stay in `cursor` for the next call. A kernel with a test that spends budget (`in` a
  // list, `contains`) runs item by item, so that steps are charged in order. `columns`:
  // the list's bool columns from binding, if it has them (else nullptr).
  uint32_t Skip(const Value* items, uint32_t from, uint32_t count, uint32_t stride, Result skip,
                const Value* facts, Budget& budget, Result& stopped, KernelCursor& cursor,
                const ListColumns* columns) const {
    if (columnar_) {
      return SkipColumns(items, from, count, stride, skip, facts, budget, stopped, cursor, columns);
    }
    for (uint32_t k = from; k < count; ++k) {
      const Result r = Run(items[size_t{k} * stride], facts, budget);
      if (r != skip) {
        stopped = r;
        return k;
      }
    }
    return count;
  }

  // The kernel of a boolean condition whose loop variable is frame slot `slot`, if every
  // node of it is a shape a test can take; else an empty kernel (valid() is false).
  static Kernel Build(const Program& program, NodeId condition, uint32_t slot);

  bool valid() const { return valid_; }

  size_t test_count() const { return tests_.size(); }

 private:
  // A column-at-a-time kernel has at most this many tests (a mask each on the stack).
  static constexpr size_t kMaxColumnTests = 32;

  uint32_t SkipColumns(const Value* items, uint32_t from, uint32_t count, uint32_t stride,
                       Result skip, const Value* facts, Budget& budget, Result& stopped,
                       KernelCursor& cursor, const ListColumns* columns) const;
  // The answers for items [base, base + size) (size <= 64).
  KernelColumn RunColumns(const Value* items, uint32_t base, uint32_t size, uint32_t stride,
                          const Value* facts, Budget& budget, const ListColumns* columns) const;

  std::vector<KernelTest> tests_;
  uint32_t entry_ = kFalse;
  bool valid_ = false;
  bool columnar_ = false;
};

}  // namespace relgate::compile
