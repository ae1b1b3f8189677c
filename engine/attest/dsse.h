// DSSE (Dead Simple Signing Envelope) with OpenSSL: the signature is over the
// pre-authentication encoding PAE(type, body) = "DSSEv1 <len(type)> <type> <len(body)>
// <body>", so neither the payload nor its type can be swapped without breaking it. Keys
// are PEM files: Ed25519, or ECDSA on P-256 with SHA-256 (DER signatures), the two that
// in-toto and Sigstore tooling verify.
#pragma once

#include <string>
#include <string_view>

#include "engine/base/base64.h"
#include "engine/facts/facts.h"

namespace relgate::attest {

inline constexpr const char* kInTotoPayloadType = "application/vnd.in-toto+json";

[[nodiscard]] std::string Pae(std::string_view type, std::string_view body);

using relgate::Base64Decode;  // engine/base/base64.h
using relgate::Base64Encode;

// Signs `payload` with the private key in `key_pem_path` and returns the envelope (JSON,
// one line), or "" with `error`. The signature's keyid is the sha256 of the public key
// (DER SubjectPublicKeyInfo), hex.
[[nodiscard]] std::string SignEnvelope(std::string_view payload, std::string_view payload_type,
                                       const std::string& key_pem_path, std::string& error);

struct Verified {
  bool ok = false;
  std::string payload;       // when ok
  std::string payload_type;  // when ok
  std::string problem;       // why not, for people
};

// Checks that `envelope` (JSON) carries a signature by the public key in
// `public_pem_path` over its payload and payload type. `cannot_run` is set when the key
// or the envelope cannot even be read (as opposed to a signature that does not verify).
[[nodiscard]] Verified VerifyEnvelope(std::string_view envelope, const std::string& public_pem_path,
                                      bool& cannot_run);

// The same, for an envelope already parsed (an importer's tree: a Sigstore bundle's
// `dsseEnvelope`, an envelope in a JSON Lines file).
[[nodiscard]] Verified VerifyEnvelopeNode(const facts::Node& envelope,
                                          const std::string& public_pem_path, bool& cannot_run);

}  // namespace relgate::attest
