// What the relgate command was built from and with (cmake/BuildInfo.cmake writes it).
#pragma once

namespace relgate::cli {

struct BuildInfo {
  const char* commit;      // the git commit, `-dirty` when the tree differed, or `unknown`
  const char* compiler;    // `GNU 12.2.0`
  const char* flags;       // the C++ flags of the build type
  const char* build_type;  // `Release`
};

extern const BuildInfo kBuildInfo;

}  // namespace relgate::cli
