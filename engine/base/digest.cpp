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

namespace {

// One algorithm's functions, so that a stream is one code path whichever it runs.
struct DigestFunctions {
  size_t context_size, digest_size;
  int (*init)(void*);
  int (*update)(void*, const void*, size_t);
  int (*final)(unsigned char*, void*);
};

template <typename Context, int (*kInit)(Context*), int (*kUpdate)(Context*, const void*, size_t),
          int (*kFinal)(unsigned char*, Context*), size_t kDigestSize>
constexpr DigestFunctions Functions() {
  return {sizeof(Context), kDigestSize, [](void* c) { return kInit(static_cast<Context*>(c)); },
          [](void* c, const void* data, size_t size) {
            return kUpdate(static_cast<Context*>(c), data, size);
          },
          [](unsigned char* out, void* c) { return kFinal(out, static_cast<Context*>(c)); }};
}

const DigestFunctions& FunctionsOf(DigestStream::Algorithm algorithm) {
  static constexpr DigestFunctions kSha256 =
      Functions<SHA256_CTX, SHA256_Init, SHA256_Update, SHA256_Final, SHA256_DIGEST_LENGTH>();
  static constexpr DigestFunctions kSha512 =
      Functions<SHA512_CTX, SHA512_Init, SHA512_Update, SHA512_Final, SHA512_DIGEST_LENGTH>();
  return algorithm == DigestStream::Algorithm::kSha256 ? kSha256 : kSha512;
}

}  // namespace

DigestStream::DigestStream(Algorithm algorithm)
    : algorithm_(algorithm), context_(::operator new(FunctionsOf(algorithm).context_size)) {
  if (FunctionsOf(algorithm_).init(context_) != 1) {
    ::operator delete(context_);
    throw InternalError("digest failed");
  }
}

DigestStream::~DigestStream() {
  ::operator delete(context_);
}

void DigestStream::Update(std::string_view data) {
  if (FunctionsOf(algorithm_).update(context_, data.data(), data.size()) != 1)
    throw InternalError("digest failed");
}

std::string DigestStream::FinishHex() {
  const DigestFunctions& f = FunctionsOf(algorithm_);
  unsigned char digest[SHA512_DIGEST_LENGTH];
  if (f.final(digest, context_) != 1 || f.init(context_) != 1)
    throw InternalError("digest failed");
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), f.digest_size));
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
