#include "engine/base/digest.h"

// The direct SHA-256 functions, not EVP: EVP_Digest in OpenSSL 3 initialises the provider
// machinery (and reads openssl.cnf) on first use, which cost more than relgate's own work
// in a single `relgate eval`. They are deprecated in 3.0 but kept for exactly this use.
#define OPENSSL_API_COMPAT 0x10100000L
#include <openssl/sha.h>

#include "engine/base/diagnostic.h"

namespace relgate {

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  const unsigned int length = SHA256_DIGEST_LENGTH;
  SHA256_CTX context;
  if (SHA256_Init(&context) != 1 || SHA256_Update(&context, data.data(), data.size()) != 1 ||
      SHA256_Final(digest, &context) != 1) {
    throw InternalError("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

}  // namespace relgate
