#include "engine/sigstore/internal/crypto.h"

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

namespace relgate::sigstore::internal {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

const unsigned char* Bytes(std::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

// The digests fetched from OpenSSL 3's default provider once per process: passing its
// legacy handles (EVP_sha256()) makes every call look the algorithm up by name again.
const EVP_MD* Fetched(const EVP_MD* md) {
  static EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  static EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA2-384", nullptr);
  static EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA2-512", nullptr);
  if (md == nullptr)
    return nullptr;
  switch (EVP_MD_get_type(md)) {
    case NID_sha256: return sha256 != nullptr ? sha256 : md;
    case NID_sha384: return sha384 != nullptr ? sha384 : md;
    case NID_sha512: return sha512 != nullptr ? sha512 : md;
    default: return md;
  }
}

}  // namespace

KeyPtr PublicKeyFromDer(std::string_view der) {
  const unsigned char* p = Bytes(der);
  KeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (key != nullptr && p == Bytes(der) + der.size())
    return key;
  // A bare PKCS#1 RSAPublicKey (trusted roots give some RSA keys so: PKCS1_RSA_*).
  p = Bytes(der);
  key.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  return key != nullptr && p == Bytes(der) + der.size() ? std::move(key) : nullptr;
}

CertPtr CertificateFromDer(std::string_view der) {
  const unsigned char* p = Bytes(der);
  CertPtr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  return cert != nullptr && p == Bytes(der) + der.size() ? std::move(cert) : nullptr;
}

KeyPtr PublicKeyFromPem(std::string_view pem) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (KeyPtr key{PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)})
    return key;
  bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  return cert != nullptr ? KeyPtr(X509_get_pubkey(cert.get())) : nullptr;
}

std::string PemOfCertificate(X509* cert) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), cert) != 1)
    return "";
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string DerOfPublicKey(EVP_PKEY* key) {
  if (key == nullptr)
    return "";
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key, &der);
  if (size <= 0)
    return "";
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return out;
}

std::string DerOfCertificateKey(X509* cert) {
  unsigned char* der = nullptr;
  const int size = cert != nullptr ? i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der) : 0;
  if (size <= 0)
    return "";
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return out;
}

const EVP_MD* DigestFor(EVP_PKEY* key) {
  if (key == nullptr)
    return nullptr;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519: return nullptr;
    case EVP_PKEY_EC: {
      const int bits = EVP_PKEY_get_bits(key);
      return bits > 384 ? EVP_sha512() : bits > 256 ? EVP_sha384() : EVP_sha256();
    }
    default: return EVP_sha256();
  }
}

bool VerifyMessage(EVP_PKEY* key, std::string_view message, std::string_view signature) {
  if (key == nullptr)
    return false;
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  const bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, DigestFor(key), nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(), Bytes(message),
                                   message.size()) == 1;
  ERR_clear_error();
  return ok;
}

bool VerifyDigest(EVP_PKEY* key, const EVP_MD* md, std::string_view digest,
                  std::string_view signature) {
  if (key == nullptr || EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 || md == nullptr ||
      digest.size() != static_cast<size_t>(EVP_MD_get_size(md)))
    return false;
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new(key, nullptr));
  const bool ok = ctx != nullptr && EVP_PKEY_verify_init(ctx.get()) == 1 &&
                  EVP_PKEY_CTX_set_signature_md(ctx.get(), Fetched(md)) == 1 &&
                  EVP_PKEY_verify(ctx.get(), Bytes(signature), signature.size(), Bytes(digest),
                                  digest.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string Hash(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out, &size, Fetched(md), nullptr) != 1)
    return "";
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string Sha256(std::string_view data) {
  return Hash(EVP_sha256(), data);
}

int64_t TimeOf(const ASN1_TIME* time) {
  struct tm tm {};

  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1)
    return 0;
  return static_cast<int64_t>(timegm(&tm)) * 1'000'000'000;
}

std::string OpensslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace relgate::sigstore::internal
