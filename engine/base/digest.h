// SHA-256 and SHA-512 digests (OpenSSL libcrypto): the accountability record of a decision
// (the policy sources and each facts file it was made on), and an archive's digests.
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

// Lower-case hex SHA-512 of `data`.
[[nodiscard]] std::string Sha512Hex(std::string_view data);

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

// SHA-512 likewise (an archive's npm-style integrity, `sha512-...`).
class Sha512Stream {
 public:
  Sha512Stream();
  ~Sha512Stream();
  Sha512Stream(const Sha512Stream&) = delete;
  Sha512Stream& operator=(const Sha512Stream&) = delete;
  void Update(std::string_view data);
  // The digest, lower-case hex; the stream starts again.
  [[nodiscard]] std::string FinishHex();

 private:
  void* context_;  // SHA512_CTX
};

}  // namespace relgate
