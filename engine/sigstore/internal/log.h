// A transparency-log entry checked against its log (internal to engine/sigstore): the
// signed entry timestamp (a promise of inclusion, signed by the log), the inclusion proof
// (RFC 9162 Merkle audit path) up to a checkpoint (a signed note of the log's tree head),
// and the entry's body against what the bundle says was signed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/sigstore/bundle.h"
#include "engine/sigstore/trust_root.h"

namespace relgate::sigstore::internal {

// The leaf hash of a log entry: SHA-256(0x00 || body).
[[nodiscard]] std::string LeafHash(std::string_view body);

// RFC 9162 2.1.3.2: whether `proof` leads from `leaf` at `index` in a tree of `size` to
// `root`.
[[nodiscard]] bool VerifyInclusion(int64_t index, int64_t size, std::string_view leaf,
                                   const std::vector<std::string>& proof, std::string_view root);

// "" when `note` is a checkpoint signed by `log` for a tree of `size` with `root`, whose
// origin is the log's host; else why not.
[[nodiscard]] std::string VerifyCheckpoint(std::string_view note, const LogKey& log, int64_t size,
                                           std::string_view root);

// "" when the entry's signed entry timestamp verifies with `log`'s key.
[[nodiscard]] std::string VerifyPromise(const TlogEntry& entry, const LogKey& log);

// What the bundle says was signed, to compare with an entry's body.
struct SignedContent {
  std::string signature;        // raw: the message signature, or the DSSE signature
  std::string digest;           // raw SHA-256 of the artifact (message signatures)
  std::string payload;          // DSSE
  std::string payload_type;     // DSSE
  std::string verifier_der;     // the verifying key, DER SubjectPublicKeyInfo
  std::string certificate_der;  // its certificate (keyless), DER; empty for a managed key
};

// "" when `entry`'s body records exactly `content` (hashedrekord, dsse and intoto kinds,
// Rekor v1 and v2 versions); else which part differs.
[[nodiscard]] std::string MatchBody(const TlogEntry& entry, bool is_dsse,
                                    const SignedContent& content);

}  // namespace relgate::sigstore::internal
