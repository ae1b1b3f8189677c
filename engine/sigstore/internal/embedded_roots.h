// The trusted roots embedded at build time from engine/sigstore/roots/*.json
// (cmake/EmbedTrustRoots.cmake).
#pragma once

#include <string_view>

namespace relgate::sigstore::internal {

extern const std::string_view kPublicGoodRoot;
extern const std::string_view kGithubRoot;
extern const std::string_view kNpmKeys;  // the npm registry's keys (Sigstore's TUF target)

}  // namespace relgate::sigstore::internal
