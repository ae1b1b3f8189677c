// The type system of the .gate language. Types are interned in a TypeArena, so two types
// are equal exactly when their pointers are equal. Types are immutable after creation
// and live as long as their arena (the CheckedPolicy, then the Program, that owns it).
// Their own layer, below the checker, so that a compiled program (engine/compile/
// program.h) and what evaluates it name types without the checker's or the AST's headers.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace relgate::types {

// The fact that holds the previous release's facts, typed by the same schema.
inline constexpr const char* kPreviousFact = "previous";

enum class TypeKind {
  kBool,
  kInt,
  kFloat,
  kString,
  kTime,
  kDuration,
  kRegex,
  kVersion,
  kList,
  kSet,
  kMap,
  kRecord,
  kOptional,
  kEmpty,  // element type of an empty literal: compatible with every element type
  kError,  // recovery after a reported error: compatible with everything, never reported
};

struct Type;

struct Field {
  std::string name;
  const Type* type;
};

struct Type {
  TypeKind kind;
  const Type* element = nullptr;  // list, set, map (value), optional
  std::vector<Field> fields;      // record, in declaration order (= slot order)

  // Slot of a record field, or -1.
  int FieldIndex(const std::string& name) const;
  bool IsScalar() const;

  bool IsNumeric() const { return kind == TypeKind::kInt || kind == TypeKind::kFloat; }
};

// Structurally equal: the same kind, element and fields (names, order and types). Facts
// bound for one program's schema serve another whose schema is the same.
bool SameType(const Type* a, const Type* b);

// Printable name, as a user writes it: `[{name: string, version: string}]`, `string?`.
std::string TypeName(const Type* type);

class TypeArena {
 public:
  TypeArena();

  const Type* Bool() const { return bool_; }

  const Type* Int() const { return int_; }

  const Type* Float() const { return float_; }

  const Type* String() const { return string_; }

  const Type* Time() const { return time_; }

  const Type* Duration() const { return duration_; }

  const Type* Regex() const { return regex_; }

  const Type* Version() const { return version_; }

  const Type* Empty() const { return empty_; }

  const Type* Error() const { return error_; }

  const Type* List(const Type* element);
  const Type* Set(const Type* element);
  const Type* Map(const Type* value);
  const Type* Optional(const Type* element);  // Optional(Optional(T)) == Optional(T)
  const Type* Record(std::vector<Field> fields);
  // The scalar type named `name`, or nullptr.
  const Type* Named(const std::string& name) const;

 private:
  const Type* Intern(Type type);
  std::map<std::string, std::unique_ptr<Type>> interned_;
  const Type* bool_;
  const Type* int_;
  const Type* float_;
  const Type* string_;
  const Type* time_;
  const Type* duration_;
  const Type* regex_;
  const Type* version_;
  const Type* empty_;
  const Type* error_;
};

// True if a value of type `have` may be used where `want` is expected: equal types, or
// `have` involves kEmpty/kError in a matching position.
bool Assignable(const Type* have, const Type* want);

}  // namespace relgate::types
