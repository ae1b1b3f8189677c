// The stdlib/*.gate modules, embedded in the binary at build time by
// cmake/EmbedStdlib.cmake, so that relgate works from the build tree and from any
// install location without finding files next to itself.
#pragma once

#include <cstddef>

namespace relgate::check::internal {

struct EmbeddedModule {
  const char* name;  // `release` for std.release
  const char* text;
};

extern const EmbeddedModule kEmbeddedStdlib[];
extern const size_t kEmbeddedStdlibCount;

}  // namespace relgate::check::internal
