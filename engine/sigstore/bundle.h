// A Sigstore bundle as read from JSON (media types v0.1, v0.2 and v0.3, in both
// spellings): the verification material (a certificate, a certificate chain, or a public
// key's hint), the transparency-log entries, the RFC 3161 timestamps, and the content (a
// message signature or a DSSE envelope). Reading checks only the shape; what is signed by
// whom is verify.h's.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts/facts.h"

namespace relgate::sigstore {

struct InclusionProof {
  int64_t log_index = -1;
  int64_t tree_size = -1;
  std::string root_hash;            // raw bytes
  std::vector<std::string> hashes;  // raw bytes, leaf to root
  std::string checkpoint;           // the signed note, as text
};

struct TlogEntry {
  int64_t log_index = -1;
  std::string log_id;  // raw bytes (the SHA-256 of the log's key)
  std::string kind, version;
  int64_t integrated_time = -1;           // seconds; -1 when absent (Rekor v2)
  std::string signed_entry_timestamp;     // raw bytes; empty when there is no promise
  std::unique_ptr<InclusionProof> proof;  // null when absent
  std::string body;                       // canonicalizedBody, decoded (JSON text)
  std::string body_base64;                // canonicalizedBody as written (what a SET signs)
};

struct DsseSignature {
  std::string sig;  // raw bytes
  std::string keyid;
};

struct Bundle {
  int minor = 0;  // 1, 2 or 3: the media type's version 0.N
  // Verification material: one of these.
  std::vector<std::string> certificates;  // DER, leaf first
  std::string public_key_hint;
  bool has_public_key = false;
  std::vector<TlogEntry> tlog_entries;
  std::vector<std::string> timestamps;  // RFC 3161 signedTimestamp, DER
  // Content: a message signature, or a DSSE envelope.
  bool is_dsse = false;
  std::string digest_algorithm;  // messageSignature.messageDigest.algorithm (SHA2_256, ...)
  std::string digest;            // raw bytes
  std::string signature;         // raw bytes (message signature)
  std::string payload;           // DSSE payload, decoded
  std::string payload_type;
  std::vector<DsseSignature> dsse_signatures;
};

// Reads a bundle from its parsed JSON; false with `error` naming the member.
[[nodiscard]] bool ReadBundle(const facts::Node& json, Bundle& bundle, std::string& error);

// Reads a PEP 740 attestation (PyPI: `verification_material` with the certificate and
// transparency entries, `envelope` with the statement and its signature) as the bundle it
// stands for: a DSSE envelope of an in-toto statement, signed by the certificate's key.
[[nodiscard]] bool ReadPep740(const facts::Node& json, Bundle& bundle, std::string& error);

// Whether `media_type` is a Sigstore bundle's, and which minor version (0 when not).
[[nodiscard]] int BundleMinorVersion(std::string_view media_type);

}  // namespace relgate::sigstore
