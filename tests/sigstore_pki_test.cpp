// A Sigstore-like PKI of the test's own, made with OpenSSL here: a Fulcio-like CA, a
// Rekor-like log that signs its entry timestamps, a CT log that issues SCTs, a timestamp
// authority that issues RFC 3161 timestamps, and bundles signed by leaf certificates of
// every shape a verifier must refuse, each for its own reason: a certificate that does
// not chain (self-made, naming a real-looking workflow), one that is not for code signing,
// a CA certificate as the signer, one expired before the signing time, a signing time in
// the future, a promise signed by another key; SCTs from an unknown log, with a forged
// signature, outside their log's window; timestamps from an unknown authority, over
// other data, outside the authority's window, after the certificate expired. One made
// right verifies, with a promise, an SCT or a timestamp.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <openssl/ct.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
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
  bool timestamping = false;              // a timestamp authority's (critical EKU)
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
  if (spec.timestamping)
    add("extendedKeyUsage", "critical,timeStamping");
  else if (spec.code_signing)
    add("extendedKeyUsage", "codeSigning");
  if (!spec.san.empty())
    add("subjectAltName", fmt::format("critical,URI:{}", spec.san));
  if (!spec.ca && !spec.timestamping)
    add("1.3.6.1.4.1.57264.1.8", fmt::format("ASN1:UTF8String:{}", kIssuer));
  REQUIRE(X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0);
  return cert;
}

void PutUint(std::string& out, uint64_t value, int bytes) {
  for (int k = bytes - 1; k >= 0; --k)
    out += static_cast<char>((value >> (8 * k)) & 0xFF);
}

// Embeds in `cert` an SCT that `ct_key` signed at `millis` for the log `log_id`, as a CT
// log signs a precertificate (RFC 6962 3.2: the certificate without its SCT list, with the
// issuer's key hash), and signs `cert` again with `issuer_key`.
void EmbedSct(X509* cert, EVP_PKEY* issuer_key, std::string_view log_id, EVP_PKEY* ct_key,
              uint64_t millis) {
  unsigned char* tbs = nullptr;
  const int tbs_size = i2d_re_X509_tbs(cert, &tbs);
  REQUIRE(tbs_size > 0);
  std::string data;
  PutUint(data, 0, 1);  // v1
  PutUint(data, 0, 1);  // certificate_timestamp
  PutUint(data, millis, 8);
  PutUint(data, 1, 2);  // precert_entry
  data += Sha256(DerOfPublicKey(issuer_key));
  PutUint(data, static_cast<uint64_t>(tbs_size), 3);
  data.append(reinterpret_cast<char*>(tbs), static_cast<size_t>(tbs_size));
  PutUint(data, 0, 2);  // no extensions
  OPENSSL_free(tbs);
  const std::string signature = Sign(ct_key, data);
  SCT* sct = SCT_new();
  REQUIRE(SCT_set_version(sct, SCT_VERSION_V1) == 1);
  REQUIRE(SCT_set_log_entry_type(sct, CT_LOG_ENTRY_TYPE_PRECERT) == 1);
  REQUIRE(SCT_set1_log_id(sct, reinterpret_cast<const unsigned char*>(log_id.data()),
                          log_id.size()) == 1);
  SCT_set_timestamp(sct, millis);
  REQUIRE(SCT_set_signature_nid(sct, NID_ecdsa_with_SHA256) == 1);
  REQUIRE(SCT_set1_signature(sct, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size()) == 1);
  STACK_OF(SCT)* list = sk_SCT_new_null();
  sk_SCT_push(list, sct);
  REQUIRE(X509_add1_ext_i2d(cert, NID_ct_precert_scts, list, 0, X509V3_ADD_DEFAULT) == 1);
  SCT_LIST_free(list);
  REQUIRE(X509_sign(cert, issuer_key, EVP_sha256()) > 0);
}

int FixedTime(TS_RESP_CTX*, void* at, long* seconds, long* micros) {
  *seconds = static_cast<long>(*static_cast<int64_t*>(at));
  *micros = 0;
  return 1;
}

// An RFC 3161 TimeStampResp from the authority `tsa` (key `tsa_key`) at `at` (seconds),
// over the SHA-256 of `data`, as Sigstore's timestamp authorities stamp a signature.
std::string Timestamp(std::string_view data, int64_t at, X509* tsa, EVP_PKEY* tsa_key) {
  TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
  X509_ALGOR* algorithm = X509_ALGOR_new();
  X509_ALGOR_set_md(algorithm, EVP_sha256());
  TS_MSG_IMPRINT_set_algo(imprint, algorithm);
  X509_ALGOR_free(algorithm);
  const std::string digest = Sha256(data);
  TS_MSG_IMPRINT_set_msg(imprint,
                         reinterpret_cast<unsigned char*>(const_cast<char*>(digest.data())),
                         static_cast<int>(digest.size()));
  TS_REQ* request = TS_REQ_new();
  TS_REQ_set_version(request, 1);
  TS_REQ_set_msg_imprint(request, imprint);
  TS_REQ_set_cert_req(request, 1);
  TS_MSG_IMPRINT_free(imprint);
  unsigned char* request_der = nullptr;
  const int request_size = i2d_TS_REQ(request, &request_der);
  TS_REQ_free(request);
  BIO* request_bio = BIO_new_mem_buf(request_der, request_size);
  TS_RESP_CTX* ctx = TS_RESP_CTX_new();
  REQUIRE(TS_RESP_CTX_set_signer_cert(ctx, tsa) == 1);
  REQUIRE(TS_RESP_CTX_set_signer_key(ctx, tsa_key) == 1);
  REQUIRE(TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()) == 1);
  REQUIRE(TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256()) == 1);
  ASN1_OBJECT* policy = OBJ_txt2obj("1.3.6.1.4.1.57264.2", 1);
  REQUIRE(TS_RESP_CTX_set_def_policy(ctx, policy) == 1);
  ASN1_OBJECT_free(policy);
  REQUIRE(TS_RESP_CTX_add_md(ctx, EVP_sha256()) == 1);
  TS_RESP_CTX_set_time_cb(ctx, FixedTime, &at);
  TS_RESP* response = TS_RESP_create_response(ctx, request_bio);
  REQUIRE(response != nullptr);
  unsigned char* der = nullptr;
  const int size = i2d_TS_RESP(response, &der);
  REQUIRE(size > 0);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(size));
  OPENSSL_free(der);
  OPENSSL_free(request_der);
  TS_RESP_free(response);
  TS_RESP_CTX_free(ctx);
  BIO_free(request_bio);
  return out;
}

struct Pki {
  KeyPtr ca_key = NewKey(), log_key = NewKey(), ct_key = NewKey(), tsa_root_key = NewKey(),
         tsa_key = NewKey();
  CertPtr ca, tsa_root, tsa;
  std::string log_id, ct_log_id;
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();

  Pki() {
    ca = MakeCert({"Test Fulcio", true, false, "", now - 86400 * 365, now + 86400 * 365},
                  ca_key.get(), nullptr, nullptr);
    log_id = Sha256(DerOfPublicKey(log_key.get()));
    ct_log_id = Sha256(DerOfPublicKey(ct_key.get()));
    tsa_root = MakeCert({"Test TSA root", true, false, "", now - 86400 * 365, now + 86400 * 365},
                        tsa_root_key.get(), nullptr, nullptr);
    tsa = MakeCert({"Test TSA", false, false, "", now - 86400 * 365, now + 86400 * 365, true},
                   tsa_key.get(), tsa_root.get(), tsa_root_key.get());
  }

  // With `ctlog_key`, a CT log the root trusts from `ct_start` (then every certificate
  // needs an SCT); the timestamp authority is trusted from `tsa_start`.
  std::string TrustedRoot(EVP_PKEY* ctlog_key = nullptr,
                          std::string_view ct_start = "2020-01-01T00:00:00Z",
                          std::string_view tsa_start = "2020-01-01T00:00:00Z") const {
    const std::string ctlogs =
        ctlog_key == nullptr ? ""
                             : fmt::format(
                                   R"({{"baseUrl": "https://ct.test", "hashAlgorithm": "SHA2_256",
    "publicKey": {{"rawBytes": "{}", "keyDetails": "PKIX_ECDSA_P256_SHA_256",
      "validFor": {{"start": "{}"}}}},
    "logId": {{"keyId": "{}"}}}})",
                                   Base64Encode(DerOfPublicKey(ctlog_key)), ct_start,
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
  "timestampAuthorities": [{{"uri": "https://tsa.test",
    "certChain": {{"certificates": [{{"rawBytes": "{}"}}, {{"rawBytes": "{}"}}]}},
    "validFor": {{"start": "{}"}}}}],
  "ctlogs": [{}]}})",
        Base64Encode(DerOfPublicKey(log_key.get())), Base64Encode(log_id),
        Base64Encode(Der(ca.get())), Base64Encode(Der(tsa.get())),
        Base64Encode(Der(tsa_root.get())), tsa_start, ctlogs);
  }

  // A v0.3 bundle with no log entry: `leaf` (signed by `signer`) signs `artifact`, and
  // `stamp` (from Timestamp) says when.
  std::string StampedBundle(X509* leaf, EVP_PKEY* signer, std::string_view artifact,
                            const std::string& stamp) const {
    return fmt::format(
        R"({{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
  "verificationMaterial": {{"certificate": {{"rawBytes": "{}"}},
    "timestampVerificationData": {{"rfc3161Timestamps": [{{"signedTimestamp": "{}"}}]}}}},
  "messageSignature": {{"messageDigest": {{"algorithm": "SHA2_256", "digest": "{}"}},
    "signature": "{}"}}}})",
        Base64Encode(Der(leaf)), Base64Encode(stamp), Base64Encode(Sha256(artifact)),
        Base64Encode(SignedBy(signer, artifact)));
  }

  // The signature a bundle carries over `artifact` (ECDSA is randomized: the same bytes are
  // wanted in the bundle and in the timestamp over them).
  std::string SignedBy(EVP_PKEY* signer, std::string_view artifact) const {
    auto& cache = signatures[signer];
    if (cache.empty())
      cache = Sign(signer, artifact);
    return cache;
  }

  mutable std::map<EVP_PKEY*, std::string> signatures;

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

TEST_CASE("the test's own CT log and timestamp authority: each wrong SCT or timestamp fails") {
  const fs::path dir = testing::TempDir("relgate-sigstore-ct-tsa");
  Pki pki;
  const std::string artifact = "release 1.0.0\n";
  std::ofstream(dir / "artifact.txt") << artifact;
  const int64_t t = pki.now - 3600;  // signed an hour ago
  auto verify = [&](const std::string& root, const std::string& bundle) {
    std::ofstream(dir / "root.json") << root;
    std::ofstream(dir / "bundle.json") << bundle;
    return RunRelgate(
        fmt::format("verify-bundle --bundle '{}' --certificate-identity '{}' "
                    "--certificate-oidc-issuer '{}' --trusted-root '{}' '{}'",
                    (dir / "bundle.json").string(), kWorkflow, kIssuer,
                    (dir / "root.json").string(), (dir / "artifact.txt").string()));
  };
  KeyPtr signer = NewKey();
  const CertSpec good{"", false, true, kWorkflow, t - 60, t + 540};
  auto promised = [&](X509* leaf) {
    return pki.Bundle(leaf, signer.get(), artifact, t, pki.log_key.get());
  };

  SUBCASE("SCTs") {
    const uint64_t issued = static_cast<uint64_t>(t - 30) * 1000;
    auto with_sct = [&](EVP_PKEY* ct_key, std::string_view log_id) {
      CertPtr cert = MakeCert(good, signer.get(), pki.ca.get(), pki.ca_key.get());
      EmbedSct(cert.get(), pki.ca_key.get(), log_id, ct_key, issued);
      return cert;
    };
    const std::string root = pki.TrustedRoot(pki.ct_key.get());
    CertPtr logged = with_sct(pki.ct_key.get(), pki.ct_log_id);
    auto verified = verify(root, promised(logged.get()));
    CAPTURE(verified.output);
    CHECK(verified.exit_code == 0);
    CHECK(Contains(verified.output, fmt::format("verified: signed by {}", kWorkflow)));

    KeyPtr other_ct = NewKey();
    CertPtr unknown = with_sct(other_ct.get(), Sha256(DerOfPublicKey(other_ct.get())));
    auto unknown_log = verify(root, promised(unknown.get()));
    CHECK(unknown_log.exit_code == 1);
    CHECK(Contains(unknown_log.output,
                   "(sct): none of its SCTs is from a CT log of the trusted root"));

    // Names the trusted log, signed by another key.
    CertPtr forged = with_sct(other_ct.get(), pki.ct_log_id);
    auto forged_sct = verify(root, promised(forged.get()));
    CHECK(forged_sct.exit_code == 1);
    CHECK(Contains(forged_sct.output,
                   "(sct): its SCT's signature does not verify with the CT log's key"));

    // A genuine SCT, copied into another certificate for the same key and identity.
    CertPtr copy = MakeCert(good, signer.get(), pki.ca.get(), pki.ca_key.get());
    X509_add_ext(
        copy.get(),
        X509_get_ext(logged.get(), X509_get_ext_by_NID(logged.get(), NID_ct_precert_scts, -1)), -1);
    REQUIRE(X509_sign(copy.get(), pki.ca_key.get(), EVP_sha256()) > 0);
    auto copied = verify(root, promised(copy.get()));
    CHECK(copied.exit_code == 1);
    CHECK(Contains(copied.output,
                   "(sct): its SCT's signature does not verify with the CT log's key"));

    // The CT log is trusted only from a date after the SCT.
    auto early =
        verify(pki.TrustedRoot(pki.ct_key.get(), "2099-01-01T00:00:00Z"), promised(logged.get()));
    CHECK(early.exit_code == 1);
    CHECK(Contains(early.output, "(sct): its SCT was issued outside its CT log's trusted window"));
  }

  SUBCASE("RFC 3161 timestamps") {
    const std::string root = pki.TrustedRoot();
    CertPtr leaf = MakeCert(good, signer.get(), pki.ca.get(), pki.ca_key.get());
    const std::string signature = pki.SignedBy(signer.get(), artifact);
    auto stamped = [&](int64_t at, X509* tsa, EVP_PKEY* tsa_key, std::string_view over) {
      return pki.StampedBundle(leaf.get(), signer.get(), artifact,
                               Timestamp(over, at, tsa, tsa_key));
    };
    auto verified = verify(root, stamped(t, pki.tsa.get(), pki.tsa_key.get(), signature));
    CAPTURE(verified.output);
    CHECK(verified.exit_code == 0);
    CHECK(Contains(verified.output, fmt::format("verified: signed by {}", kWorkflow)));

    // A timestamp authority of someone else's, with the same names.
    KeyPtr rogue_root_key = NewKey(), rogue_key = NewKey();
    CertPtr rogue_root = MakeCert({"Test TSA root", true, false, "", t - 86400, t + 86400},
                                  rogue_root_key.get(), nullptr, nullptr);
    CertPtr rogue = MakeCert({"Test TSA", false, false, "", t - 86400, t + 86400, true},
                             rogue_key.get(), rogue_root.get(), rogue_root_key.get());
    auto unknown = verify(root, stamped(t, rogue.get(), rogue_key.get(), signature));
    CHECK(unknown.exit_code == 1);
    CHECK(Contains(unknown.output,
                   "(timestamp): the RFC 3161 timestamp does not verify against "
                   "https://tsa.test"));

    auto other_data =
        verify(root, stamped(t, pki.tsa.get(), pki.tsa_key.get(), "another signature"));
    CHECK(other_data.exit_code == 1);
    CHECK(Contains(other_data.output,
                   "(timestamp): the RFC 3161 timestamp does not verify against "
                   "https://tsa.test"));
    CHECK(Contains(other_data.output, "message imprint mismatch"));

    auto early = verify(pki.TrustedRoot(nullptr, "2020-01-01T00:00:00Z", "2099-01-01T00:00:00Z"),
                        stamped(t, pki.tsa.get(), pki.tsa_key.get(), signature));
    CHECK(early.exit_code == 1);
    CHECK(Contains(early.output,
                   "(timestamp): the RFC 3161 timestamp is from no timestamp "
                   "authority of the trusted root"));

    // Stamped after the ten-minute certificate expired.
    auto expired = verify(root, stamped(t + 3600, pki.tsa.get(), pki.tsa_key.get(), signature));
    CHECK(expired.exit_code == 1);
    CHECK(Contains(expired.output,
                   "(certificate): it does not chain to https://fulcio.test at "
                   "the signing time: certificate has expired"));

    auto future =
        verify(root, stamped(pki.now + 86400, pki.tsa.get(), pki.tsa_key.get(), signature));
    CHECK(future.exit_code == 1);
    CHECK(Contains(future.output, "(timestamp): it was signed at"));
    CHECK(Contains(future.output, "in the future"));
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
