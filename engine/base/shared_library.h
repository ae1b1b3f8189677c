// Libraries opened at run time, on first use. The optional backends (PostgreSQL histories,
// package archives) bring long dependency chains (Kerberos, LDAP, GnuTLS, ICU, XML, every
// compressor): linked normally, the loader maps and relocates all of them at every start,
// which was most of what a single `relgate eval` cost. A gate that never touches a
// database or an archive now loads neither.
#pragma once

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

}  // namespace relgate
