// The policy AST: what the parser produces from one .gate file. It holds no ANTLR types
// (the parse tree never leaves engine/syntax) and no semantic information: names are
// unresolved and there are no types. Every node carries its Span; every expression also
// carries a dense ExprId, unique across all files of one policy, that the checker uses
// to key its side tables (types, resolved names).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/level.h"
#include "engine/base/quantifier.h"
#include "engine/base/source.h"

namespace relgate::syntax {

using ExprId = uint32_t;

enum class ExprKind {
  kInt,            // int_value
  kFloat,          // float_value
  kString,         // text (unescaped)
  kBool,           // bool_value
  kDuration,       // int_value (nanoseconds)
  kTime,           // int_value (nanoseconds since the Unix epoch, UTC)
  kRegex,          // text (the pattern between the slashes, escapes kept for RE2)
  kNow,            // the evaluation time
  kName,           // text: a let, const, fact root, loop variable or import alias
  kMember,         // children[0].text
  kIndex,          // children[0][children[1]]
  kCall,           // text(children...)           free function style
  kMethod,         // children[0].text(children[1..])
  kHas,            // has(children[0])
  kUnary,          // op children[0]              (kNeg, kNot)
  kBinary,         // children[0] op children[1]
  kList,           // [children...]
  kSet,            // {children...}
  kComprehension,  // [children[0] for var in children[1] where children[2]] (or {...} when is_set)
  kQuantifier,     // quantifier(var in children[0]: children[1])
};

enum class Op {
  kNone,
  kNeg,
  kNot,
  kMul,
  kDiv,
  kMod,
  kAdd,
  kSub,
  kCoalesce,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kNotIn,
  kMatches,
  kAnd,
  kOr,
};

using relgate::Quantifier;  // engine/base/quantifier.h

struct Expr {
  ExprKind kind = ExprKind::kInt;
  Span span;
  ExprId id = 0;
  Op op = Op::kNone;
  Quantifier quantifier = Quantifier::kAll;
  bool is_set = false;      // comprehension builds a set
  bool has_filter = false;  // comprehension has a `where`
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  std::string text;  // name, member, function, string value, regex pattern
  std::string var;   // comprehension / quantifier variable
  Span var_span;
  std::vector<std::unique_ptr<Expr>> children;
};

using ExprPtr = std::unique_ptr<Expr>;

// Printable name of an operator, as written in source.
const char* OpText(Op op);

// ------------------------------------------------------------------------- types

enum class TypeExprKind { kNamed, kList, kRecord, kMap };

struct TypeExpr;

struct FieldDecl {
  std::string name;
  Span span;
  std::unique_ptr<TypeExpr> type;
};

struct TypeExpr {
  TypeExprKind kind = TypeExprKind::kNamed;
  Span span;
  bool optional = false;
  std::string name;                   // kNamed
  std::unique_ptr<TypeExpr> element;  // kList, kMap (value type)
  std::unique_ptr<TypeExpr> key;      // kMap
  std::vector<FieldDecl> fields;      // kRecord
};

// ------------------------------------------------------------------ declarations

// A message template: literal text with `{expr}` holes.
struct TemplatePart {
  std::string literal;  // used when expr is null
  ExprPtr expr;
};

struct Template {
  Span span;
  std::vector<TemplatePart> parts;
};

using relgate::Level;  // engine/base/level.h

struct Rule {
  Level level = Level::kHard;
  std::string name;
  Span span;  // whole rule
  Span name_span;
  bool has_for = false;
  std::string var;
  Span var_span;
  ExprPtr over;    // the list iterated by `for`
  ExprPtr filter;  // `where`, may be null
  Template message;
  ExprPtr condition;
  bool condition_implied = false;  // `for ... where ... "message"`: condition is `false`
  // `from DATE`: advisory before this time (ns since the epoch, the day's start), as
  // written from it; 0 without.
  int64_t rollout = 0;
  std::string rollout_text;
};

struct Exception {
  std::string rule;  // possibly qualified: `release.pinned`
  Span span;
  Span rule_span;
  ExprPtr condition;  // may be null: applies to every finding of the rule
  int64_t until = 0;  // nanoseconds since the epoch; a date means the end of that day
  std::string until_text;
  std::string owner;
  std::string reason;
};

// `const n: int = 2 where n >= 1 "message"`: checked at compile time against the value
// the const ends up with (its default or an import parameter).
struct Constraint {
  ExprPtr condition;
  std::string message;
  Span span;
};

struct Binding {  // let or const
  bool is_const = false;
  std::string name;
  Span span;
  Span name_span;
  std::unique_ptr<TypeExpr> type;       // may be null
  ExprPtr value;                        // may be null for a const parameter without default
  std::vector<Constraint> constraints;  // consts only
};

struct ImportParam {
  std::string name;
  Span span;
  ExprPtr value;
};

// `skip [a]`, `warn [b]` or `from DATE [c]` after an import's parameters.
enum class SelectionKind { kSkip, kWarn, kFrom };

struct RuleSelection {
  SelectionKind kind = SelectionKind::kSkip;
  Span span;
  std::vector<std::pair<std::string, Span>> rules;
  int64_t when = 0;  // kFrom: the rollout's start, ns since the epoch
  std::string when_text;
};

struct Import {
  Span span;
  bool is_path = false;  // "sibling.gate" rather than std.module
  std::string target;    // module name (`std.release`) or relative path
  std::string alias;     // defaults to the last module segment; empty for paths
  Span alias_span;
  std::vector<ImportParam> params;
  std::vector<RuleSelection> selections;
};

struct Comment {
  Span span;
  std::string text;
};

// One parsed .gate file.
struct Module {
  FileId file = 0;
  std::string package;
  Span package_span;
  std::vector<Import> imports;
  std::vector<FieldDecl> facts;   // all `facts { }` blocks of the file, in order
  std::vector<Binding> bindings;  // let and const, in order
  std::vector<Rule> rules;
  std::vector<Exception> exceptions;
  std::vector<Comment> comments;
};

}  // namespace relgate::syntax
