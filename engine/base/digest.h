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

// Lower-case hex of any bytes (a digest carried in binary or base64).
[[nodiscard]] std::string HexEncode(std::string_view bytes);
// Lowercase or uppercase hex to bytes; false when `hex` is not an even run of hex digits.
[[nodiscard]] bool HexDecode(std::string_view hex, std::string& out);

// SHA-256 over data given in pieces (a file streamed from an archive).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  // The digest, lower-case hex; the stream starts again.
  [[nodiscard]] std::string FinishHex();

 private:
  void* context_;  // SHA256_CTX, kept out of this header
};

}  // namespace relgate
