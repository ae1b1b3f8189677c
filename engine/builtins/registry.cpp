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

}  // namespace relgate::builtins
