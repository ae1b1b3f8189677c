// A Sigstore-like PKI of the test's own, made with OpenSSL here: a Fulcio-like CA, a
// Rekor-like log that signs its entry timestamps, and bundles signed by leaf certificates
// of every shape a verifier must refuse, each for its own reason: a certificate that does
// not chain (self-made, naming a real-looking workflow), one that is not for code signing,
// a CA certificate as the signer, one expired before the signing time, a signing time in
// the future, a promise signed by another key. One made right verifies.
#include <chrono>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "engine/base/base64.h"
#include "engine/base/digest.h"
#include "engine/sigstore/internal/crypto.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

namespace fs = std::filesystem;
using sigstore::internal::CertPtr;
using sigstore::internal::DerOfPublicKey;
using sigstore::internal::KeyPtr;
using sigstore::internal::PemOfCertificate;
using sigstore::internal::Sha256;
using testing::Contains;
using testing::RunRelgate;

const std::string kWorkflow =
    "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0";
const std::string kIssuer = "https://token.actions.githubusercontent.com";

KeyPtr NewKey() {
  return KeyPtr(EVP_EC_gen("P-256"));
}

std::string Der(X509* cert) {
  unsigned char* der = nullptr;
  const int size = i2d_X509(cert, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  return out;
}

std::string Sign(EVP_PKEY* key, std::string_view data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t size = 0;
  REQUIRE(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1);
  REQUIRE(EVP_DigestSign(ctx, nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()),
                         data.size()) == 1);
  std::string sig(size, '\0');
  REQUIRE(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &size,
                         reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1);
  EVP_MD_CTX_free(ctx);
  sig.resize(size);
  return sig;
}

struct CertSpec {
  std::string name;
  bool ca = false;
  bool code_signing = true;
  std::string san;                        // a URI
  int64_t not_before = 0, not_after = 0;  // seconds
};

CertPtr MakeCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  CertPtr cert(X509_new());
  X509_set_version(cert.get(), 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(spec.not_before));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(spec.not_after));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(cert.get(), key);
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  auto add = [&](const char* ext, const std::string& value) {
    X509_EXTENSION* e = X509V3_EXT_nconf(nullptr, &ctx, ext, value.c_str());
    REQUIRE(e != nullptr);
    X509_add_ext(cert.get(), e, -1);
    X509_EXTENSION_free(e);
  };
  add("basicConstraints", spec.ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add("keyUsage", spec.ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature");
  if (spec.code_signing)
    add("extendedKeyUsage", "codeSigning");
  if (!spec.san.empty())
    add("subjectAltName", fmt::format("critical,URI:{}", spec.san));
  if (!spec.ca)
    add("1.3.6.1.4.1.57264.1.8", fmt::format("ASN1:UTF8String:{}", kIssuer));
  REQUIRE(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0);
  return cert;
}

struct Pki {
  KeyPtr ca_key = NewKey(), log_key = NewKey();
  CertPtr ca;
  std::string log_id;
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();

  Pki() {
    ca = MakeCert({"Test Fulcio", true, false, "", now - 86400 * 365, now + 86400 * 365},
                  ca_key.get(), nullptr, nullptr);
    log_id = Sha256(DerOfPublicKey(log_key.get()));
  }

  // With `ctlog_key`, a CT log the root trusts (then every certificate needs an SCT).
  std::string TrustedRoot(EVP_PKEY* ctlog_key = nullptr) const {
    const std::string ctlogs =
        ctlog_key == nullptr ? ""
                             : fmt::format(
                                   R"({{"baseUrl": "https://ct.test", "hashAlgorithm": "SHA2_256",
    "publicKey": {{"rawBytes": "{}", "keyDetails": "PKIX_ECDSA_P256_SHA_256",
      "validFor": {{"start": "2020-01-01T00:00:00Z"}}}},
    "logId": {{"keyId": "{}"}}}})",
                                   Base64Encode(DerOfPublicKey(ctlog_key)),
                                   Base64Encode(Sha256(DerOfPublicKey(ctlog_key))));
    return fmt::format(
        R"({{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
  "tlogs": [{{"baseUrl": "https://rekor.test", "hashAlgorithm": "SHA2_256",
    "publicKey": {{"rawBytes": "{}", "keyDetails": "PKIX_ECDSA_P256_SHA_256",
      "validFor": {{"start": "2020-01-01T00:00:00Z"}}}},
    "logId": {{"keyId": "{}"}}}}],
  "certificateAuthorities": [{{"uri": "https://fulcio.test",
    "certChain": {{"certificates": [{{"rawBytes": "{}"}}]}},
    "validFor": {{"start": "2020-01-01T00:00:00Z"}}}}],
  "ctlogs": [{}]}})",
        Base64Encode(DerOfPublicKey(log_key.get())), Base64Encode(log_id),
        Base64Encode(Der(ca.get())), ctlogs);
  }

  // A v0.1 bundle: `leaf` (signed by `signer`) signs `artifact`; the log promises the
  // entry at `integrated` with `promise_key`.
  std::string Bundle(X509* leaf, EVP_PKEY* signer, std::string_view artifact, int64_t integrated,
                     EVP_PKEY* promise_key) const {
    const std::string digest = Sha256(artifact);
    const std::string signature = Sign(signer, artifact);
    const std::string body = fmt::format(
        R"({{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{{"data":{{"hash":{{"algorithm":"sha256","value":"{}"}}}},"signature":{{"content":"{}","publicKey":{{"content":"{}"}}}}}}}})",
        HexEncode(digest), Base64Encode(signature), Base64Encode(PemOfCertificate(leaf)));
    const std::string body64 = Base64Encode(body);
    const std::string set =
        Sign(promise_key,
             fmt::format(R"({{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}})",
                         body64, integrated, HexEncode(log_id), 7));
    return fmt::format(
        R"({{"mediaType": "application/vnd.dev.sigstore.bundle+json;version=0.1",
  "verificationMaterial": {{
    "x509CertificateChain": {{"certificates": [{{"rawBytes": "{}"}}]}},
    "tlogEntries": [{{"logIndex": "7", "logId": {{"keyId": "{}"}},
      "kindVersion": {{"kind": "hashedrekord", "version": "0.0.1"}},
      "integratedTime": "{}", "inclusionPromise": {{"signedEntryTimestamp": "{}"}},
      "canonicalizedBody": "{}"}}]}},
  "messageSignature": {{"messageDigest": {{"algorithm": "SHA2_256", "digest": "{}"}},
    "signature": "{}"}}}})",
        Base64Encode(Der(leaf)), Base64Encode(log_id), integrated, Base64Encode(set), body64,
        Base64Encode(digest), Base64Encode(signature));
  }
};

TEST_CASE("a PKI of the test's own: each wrong certificate, time or promise fails for its reason") {
  const fs::path dir = testing::TempDir("relgate-sigstore-pki");
  Pki pki;
  std::ofstream(dir / "root.json") << pki.TrustedRoot();
  std::ofstream(dir / "artifact.txt") << "release 1.0.0\n";
  const std::string artifact = "release 1.0.0\n";
  const int64_t t = pki.now - 3600;  // signed an hour ago
  auto verify = [&](const std::string& bundle) {
    std::ofstream(dir / "bundle.json") << bundle;
    return RunRelgate(
        fmt::format("verify-bundle --bundle '{}' --certificate-identity '{}' "
                    "--certificate-oidc-issuer '{}' --trusted-root '{}' '{}'",
                    (dir / "bundle.json").string(), kWorkflow, kIssuer,
                    (dir / "root.json").string(), (dir / "artifact.txt").string()));
  };
  KeyPtr signer = NewKey();
  auto leaf = [&](CertSpec spec, EVP_PKEY* issuer_key = nullptr, X509* issuer = nullptr) {
    return MakeCert(spec, signer.get(), issuer != nullptr ? issuer : pki.ca.get(),
                    issuer_key != nullptr ? issuer_key : pki.ca_key.get());
  };
  const CertSpec good{"", false, true, kWorkflow, t - 60, t + 540};

  CertPtr ok = leaf(good);
  auto verified = verify(pki.Bundle(ok.get(), signer.get(), artifact, t, pki.log_key.get()));
  CAPTURE(verified.output);
  CHECK(verified.exit_code == 0);
  CHECK(Contains(verified.output, fmt::format("verified: signed by {}", kWorkflow)));

  // A self-made CA's certificate naming the same workflow: recorded nowhere, refused.
  KeyPtr rogue_key = NewKey();
  CertPtr rogue_ca =
      MakeCert({"Rogue", true, false, "", t - 86400, t + 86400}, rogue_key.get(), nullptr, nullptr);
  CertPtr forged = leaf(good, rogue_key.get(), rogue_ca.get());
  auto self_made = verify(pki.Bundle(forged.get(), signer.get(), artifact, t, pki.log_key.get()));
  CHECK(self_made.exit_code == 1);
  CHECK(Contains(self_made.output, "(certificate): it does not chain to https://fulcio.test"));

  CertSpec no_eku = good;
  no_eku.code_signing = false;
  CertPtr plain = leaf(no_eku);
  auto not_code = verify(pki.Bundle(plain.get(), signer.get(), artifact, t, pki.log_key.get()));
  CHECK(not_code.exit_code == 1);
  CHECK(Contains(not_code.output, "(certificate): the certificate is not a code-signing"));

  CertSpec as_ca = good;
  as_ca.ca = true;
  CertPtr ca_signer = leaf(as_ca);
  auto ca = verify(pki.Bundle(ca_signer.get(), signer.get(), artifact, t, pki.log_key.get()));
  CHECK(ca.exit_code == 1);
  CHECK(Contains(ca.output, "(certificate)"));

  CertSpec expired = good;
  expired.not_after = t - 1;  // valid until a second before the signing time
  CertPtr old = leaf(expired);
  auto late = verify(pki.Bundle(old.get(), signer.get(), artifact, t, pki.log_key.get()));
  CHECK(late.exit_code == 1);
  CHECK(Contains(late.output,
                 "(certificate): it does not chain to https://fulcio.test at the "
                 "signing time: certificate has expired"));

  const int64_t future = pki.now + 86400;
  CertSpec later = good;
  later.not_before = future - 60;
  later.not_after = future + 540;
  CertPtr tomorrow = leaf(later);
  auto ahead =
      verify(pki.Bundle(tomorrow.get(), signer.get(), artifact, future, pki.log_key.get()));
  CHECK(ahead.exit_code == 1);
  CHECK(Contains(ahead.output, "(timestamp): it was signed at"));
  CHECK(Contains(ahead.output, "in the future"));

  KeyPtr other_log = NewKey();
  auto promise = verify(pki.Bundle(ok.get(), signer.get(), artifact, t, other_log.get()));
  CHECK(promise.exit_code == 1);
  CHECK(
      Contains(promise.output, "(tlog): log entry 7: the signed entry timestamp does not verify"));

  // A root that trusts a CT log wants an SCT in every certificate; this one has none.
  KeyPtr ct_key = NewKey();
  std::ofstream(dir / "root.json") << pki.TrustedRoot(ct_key.get());
  auto no_sct = verify(pki.Bundle(ok.get(), signer.get(), artifact, t, pki.log_key.get()));
  CHECK(no_sct.exit_code == 1);
  CHECK(Contains(no_sct.output,
                 "(sct): the certificate carries no signed certificate timestamp (SCT)"));
  std::ofstream(dir / "root.json") << pki.TrustedRoot();
  // Signed by a key the certificate does not certify.
  KeyPtr stranger = NewKey();
  auto wrong_key = verify(pki.Bundle(ok.get(), stranger.get(), artifact, t, pki.log_key.get()));
  CHECK(wrong_key.exit_code == 1);
  CHECK(Contains(wrong_key.output, "(signature)"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
