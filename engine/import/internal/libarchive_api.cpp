#include "engine/import/internal/libarchive_api.h"

#include "engine/base/shared_library.h"

namespace relgate::import {
namespace {

bool Bind(LibarchiveApi& api, void* library, const char* soname, std::string& why) {
  bool ok = true;
#define RELGATE_BIND(name) \
  ok = ok && BindSharedLibrarySymbol(api.name, library, soname, #name, why);
  RELGATE_LIBARCHIVE_FUNCTIONS(RELGATE_BIND)
#undef RELGATE_BIND
  return ok;
}

LazySharedLibrary<LibarchiveApi>& Library() {
  static LazySharedLibrary<LibarchiveApi> library(
      "libarchive.so.13", "package archives need libarchive (Debian package libarchive13): ", Bind);
  return library;
}

}  // namespace

bool LoadLibarchive(std::string& error) {
  return Library().Load(error);
}

const LibarchiveApi& Libarchive() {
  return Library().api();
}

}  // namespace relgate::import
