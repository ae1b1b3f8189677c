#include "engine/base/digest.h"

// The direct SHA-256 and SHA-512 functions, not EVP: EVP_Digest in OpenSSL 3 initialises the
// provider machinery (and reads openssl.cnf) on first use, which cost more than relgate's own work
// in a single `relgate eval`. They are deprecated in 3.0 but kept for exactly this use.
#define OPENSSL_API_COMPAT 0x10100000L
#include <openssl/sha.h>

#include "engine/base/diagnostic.h"

namespace relgate {

std::string HexEncode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_CTX context;
  if (SHA256_Init(&context) != 1 || SHA256_Update(&context, data.data(), data.size()) != 1 ||
      SHA256_Final(digest, &context) != 1) {
    throw InternalError("SHA-256 failed");
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string Sha512Hex(std::string_view data) {
  unsigned char digest[SHA512_DIGEST_LENGTH];
  if (SHA512(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest) == nullptr)
    throw InternalError("SHA-512 failed");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Sha256Stream::Sha256Stream() : context_(new SHA256_CTX) {
  if (SHA256_Init(static_cast<SHA256_CTX*>(context_)) != 1)
    throw InternalError("SHA-256 failed");
}

Sha256Stream::~Sha256Stream() {
  delete static_cast<SHA256_CTX*>(context_);
}

void Sha256Stream::Update(std::string_view data) {
  if (SHA256_Update(static_cast<SHA256_CTX*>(context_), data.data(), data.size()) != 1)
    throw InternalError("SHA-256 failed");
}

std::string Sha256Stream::FinishHex() {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  auto* context = static_cast<SHA256_CTX*>(context_);
  if (SHA256_Final(digest, context) != 1 || SHA256_Init(context) != 1)
    throw InternalError("SHA-256 failed");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Sha512Stream::Sha512Stream() : context_(new SHA512_CTX) {
  if (SHA512_Init(static_cast<SHA512_CTX*>(context_)) != 1)
    throw InternalError("SHA-512 failed");
}

Sha512Stream::~Sha512Stream() {
  delete static_cast<SHA512_CTX*>(context_);
}

void Sha512Stream::Update(std::string_view data) {
  if (SHA512_Update(static_cast<SHA512_CTX*>(context_), data.data(), data.size()) != 1)
    throw InternalError("SHA-512 failed");
}

std::string Sha512Stream::FinishHex() {
  unsigned char digest[SHA512_DIGEST_LENGTH];
  auto* context = static_cast<SHA512_CTX*>(context_);
  if (SHA512_Final(digest, context) != 1 || SHA512_Init(context) != 1)
    throw InternalError("SHA-512 failed");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

bool HexDecode(std::string_view hex, std::string& out) {
  auto value = [](char c) {
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
  };
  out.clear();
  if (hex.size() % 2 != 0)
    return false;
  for (size_t k = 0; k < hex.size(); k += 2) {
    const int hi = value(hex[k]), lo = value(hex[k + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace relgate
