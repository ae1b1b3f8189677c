#include "engine/builtins/registry.h"

namespace relgate::builtins {

std::vector<const Builtin*> Registry::Find(std::string_view name) const {
  std::vector<const Builtin*> found;
  for (const Builtin& b : builtins_) {
    if (b.name == name)
      found.push_back(&b);
  }
  return found;
}

const Registry& DefaultRegistry() {
  static const Registry registry = [] {
    Registry r;
    RegisterStringBuiltins(r);
    RegisterTimeBuiltins(r);
    RegisterSemverBuiltins(r);
    RegisterGlobBuiltins(r);
    RegisterConvertBuiltins(r);
    RegisterDiffBuiltins(r);
    return r;
  }();
  return registry;
}

const char* ArgTypeName(ArgType type) {
  switch (type) {
    case ArgType::kBool: return "bool";
    case ArgType::kInt: return "int";
    case ArgType::kFloat: return "float";
    case ArgType::kString: return "string";
    case ArgType::kTime: return "time";
    case ArgType::kDuration: return "duration";
    case ArgType::kVersion: return "version";
    case ArgType::kStringList: return "[string]";
    case ArgType::kSized: return "string|list|set|map";
    case ArgType::kScalar: return "scalar";
  }
  return "?";
}

std::string ParamsAndResult(const Builtin& builtin) {
  std::string out = "(";
  for (size_t k = 0; k < builtin.params.size(); ++k) {
    if (k > 0)
      out += ", ";
    out += ArgTypeName(builtin.params[k]);
  }
  out += ") -> ";
  out += ArgTypeName(builtin.result);
  return out;
}

}  // namespace relgate::builtins
