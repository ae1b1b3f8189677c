// Verifying a Sigstore bundle offline, as the reference clients (sigstore-go,
// sigstore-python, sigstore-js) do, against trusted roots:
//
//   1. the signing time: from a transparency-log entry whose inclusion is proven (a signed
//      entry timestamp, or an inclusion proof up to a signed checkpoint), or from an RFC
//      3161 timestamp that verifies against a timestamp authority; at least one;
//   2. the certificate chains to a certificate authority of the root that was trusted at
//      that time, the leaf is a code-signing certificate valid at that time, and its
//      embedded SCTs verify against the root's CT log keys;
//   3. the signature verifies with the leaf's key (or the managed key) over the artifact's
//      digest, or over the DSSE pre-authentication encoding; a DSSE payload is in-toto's
//      and its statement names the artifact;
//   4. every log entry's body records this signature, key and content;
//   5. the identity (subject alternative name and OIDC issuer) is the one expected.
//
// A failure names the check that failed; nothing is verified by default.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/attest/certificate.h"
#include "engine/sigstore/bundle.h"
#include "engine/sigstore/trust_root.h"

namespace relgate::sigstore {

struct Expected {
  // The artifact: its bytes, or a digest (`sha256:HEX`, `sha512:HEX`); none for an
  // attestation verified for its own sake (then a DSSE statement's subjects are kept).
  std::string artifact;
  bool artifact_is_digest = false;
  bool has_artifact = false;
  // The identity: exact, or RE2 regular expressions matched in full. Empty: not checked
  // (the caller records the signer instead).
  std::string identity, identity_regex, issuer, issuer_regex;
  // A managed key for bundles that carry a public key instead of a certificate: PEM, or
  // DER (SubjectPublicKeyInfo) from a keyring.
  std::string key_pem;
  std::string key_der;
  // Signing times after this (ns since the epoch) are in the future: refused.
  int64_t now = 0;
};

struct Verification {
  bool ok = false;
  std::string check;    // the failed check: "bundle", "timestamp", "tlog", "certificate",
                        // "sct", "signature", "artifact", "identity", "payload"
  std::string problem;  // for people
  // When ok:
  attest::CertificateSigner signer;  // from the verified certificate (keyless)
  bool keyless = false;
  int64_t signing_time = 0;  // ns since the epoch: the earliest verified time
  int64_t log_index = -1;
  std::string log_id;                 // hex
  std::string trusted_root;           // which root verified it
  std::string payload, payload_type;  // DSSE
};

// Whether the DER certificate `der` certifies the public key in `key_pem` (PEM).
[[nodiscard]] bool CertificateHasKey(std::string_view der, std::string_view key_pem);

[[nodiscard]] Verification VerifyBundle(const Bundle& bundle, const Expected& expected,
                                        const std::vector<const TrustedRoot*>& roots);

}  // namespace relgate::sigstore
