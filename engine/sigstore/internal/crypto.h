// The OpenSSL pieces the verifier is built from (internal to engine/sigstore): owned keys
// and certificates, public keys from DER, signatures checked with the digest a key type
// implies, hashes. Nothing here parses ASN.1 by hand.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace relgate::sigstore::internal {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

struct CertFree {
  void operator()(X509* cert) const { X509_free(cert); }
};

using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;

// A DER SubjectPublicKeyInfo, or a DER certificate; null when the bytes are not one.
[[nodiscard]] KeyPtr PublicKeyFromDer(std::string_view der);
[[nodiscard]] CertPtr CertificateFromDer(std::string_view der);
// A PEM public key or certificate (its key); null when it is neither.
[[nodiscard]] KeyPtr PublicKeyFromPem(std::string_view pem);
[[nodiscard]] std::string PemOfCertificate(X509* cert);
[[nodiscard]] std::string DerOfPublicKey(EVP_PKEY* key);
// A certificate's SubjectPublicKeyInfo as it is encoded in the certificate (without
// re-encoding the key through OpenSSL's provider encoders).
[[nodiscard]] std::string DerOfCertificateKey(X509* cert);

// The digest a signature by `key` is made with: SHA-256 for P-256 and RSA, SHA-384 for
// P-384, SHA-512 for P-521, none for Ed25519 (which signs the message itself).
[[nodiscard]] const EVP_MD* DigestFor(EVP_PKEY* key);

// `signature` by `key` over `message` (hashed with DigestFor).
[[nodiscard]] bool VerifyMessage(EVP_PKEY* key, std::string_view message,
                                 std::string_view signature);
// `signature` by `key` over a message known only by its `digest` (made with `md`):
// ECDSA and RSA sign the digest; Ed25519 cannot be checked this way.
[[nodiscard]] bool VerifyDigest(EVP_PKEY* key, const EVP_MD* md, std::string_view digest,
                                std::string_view signature);

[[nodiscard]] std::string Hash(const EVP_MD* md, std::string_view data);  // raw bytes
[[nodiscard]] std::string Sha256(std::string_view data);                  // raw bytes

// An X.509 time as nanoseconds since the epoch (UTC).
[[nodiscard]] int64_t TimeOf(const ASN1_TIME* time);

// OpenSSL's last error, for a message ("" when there is none).
[[nodiscard]] std::string OpensslError();

}  // namespace relgate::sigstore::internal
