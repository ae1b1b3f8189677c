// Evaluator nodes: what the compiler turns each checked expression into. Names are
// resolved to slots, operators to typed variants, regexes to compiled RE2 objects and
// builtins to function pointers, so that the interpreter (machine.cpp) only switches on
// the kind and follows indices. A node's operands are `a`, `b`, `c` (NodeIds) or, for
// variadic nodes, `count` entries of Program::operands starting at `first`.
//
//   kind           operands                        data
//   kConst         -                               value
//   kFact          -                               slot (root fact)
//   kLet           -                               slot (let index)
//   kLocal         -                               slot (frame slot)
//   kNow           -                               -
//   kField         a: record                       slot (field index)
//   kIndex         a: list or map, b: index/key    -
//   kCall          first/count: arguments          fn
//   kNot, kNeg     a                               -
//   kAnd, kOr      a, b (short-circuit)            -
//   kCoalesce      a: optional, b: default         -
//   kArith         a, b                            arith
//   kCompare       a, b                            compare
//   kIn            a: item, b: list/set/map        negate
//   kMatches       a: string, b: regex             regex (when b is constant);
//                                                  literal, value (its text)
//   kList, kSet    first/count: items              -
//   kComprehension a: list, b: element, c: filter  slot, is_set
//   kQuantifier    a: list, b: condition           slot, quantifier
//   kHas           a                               -
//   kLocalField    -                               slot (frame slot), first (field)
//   kStringTest    a: string, b: kConst string     string_test
//   kLocalFieldOr  b: kConst default               slot, first, value (the default)
//   kIndexOr       a: map, b: key, c: default      -   `m[k] ?? d`: d when k is absent
//   kHasKey        a: map, b: key                  -   `has(m[k])`
//
// The last three are specialisations the compiler picks for the commonest shapes in
// release rules (`d.name`, `f.ends_with(".map")`, `d.integrity ?? ""`): one dispatch instead of two
// or three, and no builtin call. Explanations see them like the general nodes they replace.
#pragma once

#include <cstdint>

#include "engine/base/quantifier.h"
#include "engine/base/value.h"
#include "engine/builtins/registry.h"
#include "engine/types/arith.h"

namespace re2 {
class RE2;
}

namespace relgate::compile {

using NodeId = uint32_t;
inline constexpr NodeId kNoNode = 0xFFFFFFFF;
inline constexpr uint32_t kNoKernel = 0xFFFFFFFF;

// Laid out by hand: clang-format does not settle on one layout for this list.
// clang-format off
#define RELGATE_NODE_KINDS(X)                                                      \
  X(Const) X(Fact) X(Let) X(Local) X(Now) X(Field) X(Index) X(Call) X(Not) X(Neg) \
  X(And) X(Or) X(Coalesce) X(Arith) X(Compare) X(In) X(Matches) X(List) X(Set)    \
  X(Comprehension) X(Quantifier) X(Has) X(LocalField) X(StringTest) X(LocalFieldOr) \
  X(IndexOr) X(HasKey)
// clang-format on

enum class NodeKind : uint8_t {
#define RELGATE_NODE_ENUM(name) k##name,
  RELGATE_NODE_KINDS(RELGATE_NODE_ENUM)
#undef RELGATE_NODE_ENUM
};

const char* NodeKindName(NodeKind kind);

// Typed arithmetic, chosen by the compiler from the operator table (check/operators.h).
using types::Arith;

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

enum class StringTest : uint8_t { kStartsWith, kEndsWith, kContains };

// kMatches with a pattern that is literal text (regex_literal.h): the comparison that
// decides it, or kNone to run the regex.
enum class LiteralMatch : uint8_t { kNone, kEquals, kStartsWith, kEndsWith, kContains };

struct Node {
  NodeKind kind = NodeKind::kConst;

  union {
    Arith arith;
    CompareOp compare;
    Quantifier quantifier;
    StringTest string_test;
    LiteralMatch literal;
    bool negate;
  };

  bool is_set = false;
  uint32_t slot = 0;
  NodeId a = kNoNode, b = kNoNode, c = kNoNode;
  uint32_t first = 0, count = 0;
  // kQuantifier: its condition's kernel; kComprehension: its filter's (kernel.h).
  uint32_t kernel = kNoKernel;
  Value value;                       // kConst
  const re2::RE2* regex = nullptr;   // kMatches with a constant pattern
  builtins::BuiltinFn fn = nullptr;  // kCall
  const void* fn_data = nullptr;     // kCall: the builtin's data

  Node() : arith(Arith::kAddInt) {}
};

}  // namespace relgate::compile
