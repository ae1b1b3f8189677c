// Libraries opened at run time, on first use. The optional backends (PostgreSQL histories,
// package archives) bring long dependency chains (Kerberos, LDAP, GnuTLS, ICU, XML, every
// compressor): linked normally, the loader maps and relocates all of them at every start,
// which was most of what a single `relgate eval` cost. A gate that never touches a
// database or an archive now loads neither.
#pragma once

#include <mutex>
#include <string>

namespace relgate {

// The library named by its soname (e.g. "libpq.so.5"), opened once per process and never
// closed; nullptr when the loader cannot find it, with `error` saying which and why.
void* OpenSharedLibrary(const char* soname, std::string& error);

// A function of an opened library; nullptr (and `error`) when the library lacks it.
void* SharedLibrarySymbol(void* library, const char* soname, const char* name, std::string& error);

// Sets `slot` (a pointer to the function `name`) from an opened library.
template <typename Function>
bool BindSharedLibrarySymbol(Function*& slot, void* library, const char* soname, const char* name,
                             std::string& error) {
  slot = reinterpret_cast<Function*>(SharedLibrarySymbol(library, soname, name, error));
  return slot != nullptr;
}

// A library's functions (`Api`: one pointer member per function), opened and bound once
// per process on first Load. `bind` fills the members from the opened library (false, with
// `why`, when one is missing); `needed_for` (what needs the library) starts the error.
template <typename Api>
class LazySharedLibrary {
 public:
  using Bind = bool (*)(Api& api, void* library, const char* soname, std::string& why);

  LazySharedLibrary(const char* soname, const char* needed_for, Bind bind)
      : soname_(soname), needed_for_(needed_for), bind_(bind) {}

  bool Load(std::string& error) {
    std::call_once(once_, [this] {
      std::string why;
      void* library = OpenSharedLibrary(soname_, why);
      ok_ = library != nullptr && bind_(api_, library, soname_, why);
      if (!ok_)
        error_ = needed_for_ + why;
    });
    if (!ok_)
      error = error_;
    return ok_;
  }

  // Only after Load returned true.
  const Api& api() const { return api_; }

 private:
  const char* soname_;
  std::string needed_for_;
  Bind bind_;
  std::once_flag once_;
  Api api_;
  bool ok_ = false;
  std::string error_;
};

}  // namespace relgate
