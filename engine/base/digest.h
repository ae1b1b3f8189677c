// SHA-256 digests (OpenSSL libcrypto) for the accountability record of a decision: the
// policy sources and each facts file a decision was made on.
#pragma once

#include <string>
#include <string_view>

namespace relgate {

// One policy source file and its digest, as a decision records it.
struct SourceDigest {
  std::string path;    // relative to the policy root (`release.gate`, `std/baseline.gate`)
  std::string sha256;  // hex
};

// Lower-case hex SHA-256 of `data`. Throws InternalError only if libcrypto fails.
[[nodiscard]] std::string Sha256Hex(std::string_view data);

}  // namespace relgate
