#include "engine/types/types.h"

#include <fmt/format.h>

namespace relgate::types {
namespace {

std::string Key(const Type& type) {
  switch (type.kind) {
    case TypeKind::kList: return fmt::format("[{}]", TypeName(type.element));
    case TypeKind::kSet: return fmt::format("set[{}]", TypeName(type.element));
    case TypeKind::kMap: return fmt::format("map[string]{}", TypeName(type.element));
    case TypeKind::kOptional: return fmt::format("{}?", TypeName(type.element));
    case TypeKind::kRecord: {
      std::string out = "{";
      for (size_t i = 0; i < type.fields.size(); ++i) {
        if (i > 0)
          out += ", ";
        out += fmt::format("{}: {}", type.fields[i].name, TypeName(type.fields[i].type));
      }
      out += "}";
      return out;
    }
    default: return TypeName(&type);
  }
}

}  // namespace

int Type::FieldIndex(const std::string& name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == name)
      return static_cast<int>(i);
  }
  return -1;
}

bool Type::IsScalar() const {
  switch (kind) {
    case TypeKind::kBool:
    case TypeKind::kInt:
    case TypeKind::kFloat:
    case TypeKind::kString:
    case TypeKind::kTime:
    case TypeKind::kDuration:
    case TypeKind::kVersion: return true;
    default: return false;
  }
}

std::string TypeName(const Type* type) {
  if (type == nullptr)
    return "?";
  switch (type->kind) {
    case TypeKind::kBool: return "bool";
    case TypeKind::kInt: return "int";
    case TypeKind::kFloat: return "float";
    case TypeKind::kString: return "string";
    case TypeKind::kTime: return "time";
    case TypeKind::kDuration: return "duration";
    case TypeKind::kRegex: return "regex";
    case TypeKind::kVersion: return "version";
    case TypeKind::kEmpty: return "nothing";
    case TypeKind::kError: return "error";
    default: return Key(*type);
  }
}

TypeArena::TypeArena() {
  bool_ = Intern({TypeKind::kBool});
  int_ = Intern({TypeKind::kInt});
  float_ = Intern({TypeKind::kFloat});
  string_ = Intern({TypeKind::kString});
  time_ = Intern({TypeKind::kTime});
  duration_ = Intern({TypeKind::kDuration});
  regex_ = Intern({TypeKind::kRegex});
  version_ = Intern({TypeKind::kVersion});
  empty_ = Intern({TypeKind::kEmpty});
  error_ = Intern({TypeKind::kError});
}

const Type* TypeArena::Intern(Type type) {
  std::string key = Key(type);
  auto it = interned_.find(key);
  if (it != interned_.end())
    return it->second.get();
  auto owned = std::make_unique<Type>(std::move(type));
  const Type* result = owned.get();
  interned_.emplace(std::move(key), std::move(owned));
  return result;
}

const Type* TypeArena::List(const Type* element) {
  return Intern({TypeKind::kList, element});
}

const Type* TypeArena::Set(const Type* element) {
  return Intern({TypeKind::kSet, element});
}

const Type* TypeArena::Map(const Type* value) {
  return Intern({TypeKind::kMap, value});
}

const Type* TypeArena::Optional(const Type* element) {
  if (element->kind == TypeKind::kOptional || element->kind == TypeKind::kError)
    return element;
  return Intern({TypeKind::kOptional, element});
}

const Type* TypeArena::Record(std::vector<Field> fields) {
  return Intern({TypeKind::kRecord, nullptr, std::move(fields)});
}

const Type* TypeArena::Named(const std::string& name) const {
  if (name == "bool")
    return bool_;
  if (name == "int")
    return int_;
  if (name == "float")
    return float_;
  if (name == "string")
    return string_;
  if (name == "time")
    return time_;
  if (name == "duration")
    return duration_;
  if (name == "regex")
    return regex_;
  if (name == "version")
    return version_;
  return nullptr;
}

bool Assignable(const Type* have, const Type* want) {
  if (have == want)
    return true;
  if (have->kind == TypeKind::kError || want->kind == TypeKind::kError)
    return true;
  if (have->kind == TypeKind::kEmpty)
    return true;
  if (have->kind != want->kind)
    return false;
  switch (have->kind) {
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap:
    case TypeKind::kOptional: return Assignable(have->element, want->element);
    default: return false;
  }
}

bool SameType(const Type* a, const Type* b) {
  if (a == b)
    return true;
  if (a == nullptr || b == nullptr || a->kind != b->kind || a->fields.size() != b->fields.size() ||
      !SameType(a->element, b->element)) {
    return false;
  }
  for (size_t k = 0; k < a->fields.size(); ++k) {
    if (a->fields[k].name != b->fields[k].name || !SameType(a->fields[k].type, b->fields[k].type))
      return false;
  }
  return true;
}

}  // namespace relgate::types
