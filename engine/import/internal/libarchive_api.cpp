#include "engine/import/internal/libarchive_api.h"

#include <mutex>

#include <fmt/format.h>

#include "engine/base/shared_library.h"

namespace relgate::import {
namespace {

constexpr const char* kSoname = "libarchive.so.13";

struct Loaded {
  LibarchiveApi api;
  bool ok = false;
  std::string error;
};

Loaded& State() {
  static Loaded loaded;
  return loaded;
}

void Load(Loaded& loaded) {
  std::string why;
  void* library = OpenSharedLibrary(kSoname, why);
  bool ok = library != nullptr;
#define RELGATE_BIND(name) \
  ok = ok && BindSharedLibrarySymbol(loaded.api.name, library, kSoname, #name, why);
  RELGATE_LIBARCHIVE_FUNCTIONS(RELGATE_BIND)
#undef RELGATE_BIND
  loaded.ok = ok;
  if (!ok)
    loaded.error =
        fmt::format("package archives need libarchive (Debian package libarchive13): {}", why);
}

}  // namespace

bool LoadLibarchive(std::string& error) {
  static std::once_flag once;
  std::call_once(once, [] { Load(State()); });
  if (!State().ok)
    error = State().error;
  return State().ok;
}

const LibarchiveApi& Libarchive() {
  return State().api;
}

}  // namespace relgate::import
