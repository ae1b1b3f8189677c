#include "engine/history/internal/libpq_api.h"

#include <mutex>

#include <fmt/format.h>

#include "engine/base/shared_library.h"

namespace relgate::history {
namespace {

constexpr const char* kSoname = "libpq.so.5";

struct Loaded {
  LibpqApi api;
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
  RELGATE_LIBPQ_FUNCTIONS(RELGATE_BIND)
#undef RELGATE_BIND
  loaded.ok = ok;
  if (!ok)
    loaded.error = fmt::format(
        "PostgreSQL histories need libpq (Debian package libpq5, or use a SQLite history): {}",
        why);
}

}  // namespace

bool LoadLibpq(std::string& error) {
  static std::once_flag once;
  std::call_once(once, [] { Load(State()); });
  if (!State().ok)
    error = State().error;
  return State().ok;
}

const LibpqApi& Libpq() {
  return State().api;
}

}  // namespace relgate::history
