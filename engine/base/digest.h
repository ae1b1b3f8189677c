// SHA-256 and SHA-512 digests (OpenSSL libcrypto): the accountability record of a decision
// (the policy sources and each facts file it was made on), and an archive's digests.
#pragma once

#include <cstdint>
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

// Lower-case hex SHA-512 of `data`.
[[nodiscard]] std::string Sha512Hex(std::string_view data);

// Lower-case hex of any bytes (a digest carried in binary or base64).
[[nodiscard]] std::string HexEncode(std::string_view bytes);
// Lowercase or uppercase hex to bytes; false when `hex` is not an even run of hex digits.
[[nodiscard]] bool HexDecode(std::string_view hex, std::string& out);

// SHA-256 or SHA-512 over data given in pieces (a file streamed from an archive).
class DigestStream {
 public:
  enum class Algorithm : uint8_t { kSha256, kSha512 };
  explicit DigestStream(Algorithm algorithm);
  ~DigestStream();
  DigestStream(const DigestStream&) = delete;
  DigestStream& operator=(const DigestStream&) = delete;
  void Update(std::string_view data);
  // The digest, lower-case hex; the stream starts again.
  [[nodiscard]] std::string FinishHex();

 private:
  Algorithm algorithm_;
  void* context_;  // SHA256_CTX or SHA512_CTX, kept out of this header
};

}  // namespace relgate
