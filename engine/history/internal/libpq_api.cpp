#include "engine/history/internal/libpq_api.h"

#include "engine/base/shared_library.h"

namespace relgate::history {
namespace {

bool Bind(LibpqApi& api, void* library, const char* soname, std::string& why) {
  bool ok = true;
#define RELGATE_BIND(name) \
  ok = ok && BindSharedLibrarySymbol(api.name, library, soname, #name, why);
  RELGATE_LIBPQ_FUNCTIONS(RELGATE_BIND)
#undef RELGATE_BIND
  return ok;
}

LazySharedLibrary<LibpqApi>& Library() {
  static LazySharedLibrary<LibpqApi> library(
      "libpq.so.5",
      "PostgreSQL histories need libpq (Debian package libpq5, or use a SQLite history): ", Bind);
  return library;
}

}  // namespace

bool LoadLibpq(std::string& error) {
  return Library().Load(error);
}

const LibpqApi& Libpq() {
  return Library().api();
}

}  // namespace relgate::history
