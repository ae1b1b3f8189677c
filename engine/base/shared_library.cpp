#include "engine/base/shared_library.h"

#include <fmt/format.h>

#include <dlfcn.h>

namespace relgate {

void* OpenSharedLibrary(const char* soname, std::string& error) {
  // RTLD_LOCAL: its symbols serve only the pointers taken from it, never another library.
  void* library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    error = fmt::format("cannot load {}: {}", soname, why != nullptr ? why : "not found");
  }
  return library;
}

void* SharedLibrarySymbol(void* library, const char* soname, const char* name, std::string& error) {
  void* symbol = dlsym(library, name);
  if (symbol == nullptr)
    error =
        fmt::format("{} has no function {} (a version relgate was not built for)", soname, name);
  return symbol;
}

}  // namespace relgate
