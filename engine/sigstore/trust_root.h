// Sigstore's trusted root (`trusted_root.json`, media type
// application/vnd.dev.sigstore.trustedroot+json;version=0.1): the certificate authorities
// (Fulcio) with their chains, the transparency logs (Rekor) and CT logs with their keys,
// and the timestamp authorities, each trusted for a window of time. Embedded: snapshots of
// the Sigstore public-good instance's root and of GitHub's (which GitHub's attestation
// verification uses for private repositories); `--trusted-root FILE` replaces them.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/sigstore/internal/crypto.h"

namespace relgate::sigstore {

// A window of trust, in nanoseconds since the epoch; both ends inclusive.
struct Validity {
  int64_t start = 0;
  int64_t end = INT64_MAX;  // open-ended when the root gives none

  bool Contains(int64_t t) const { return start <= t && t <= end; }
};

// A certificate chain as a trusted root lists it (leaf-most first, root last), parsed on
// first use: a gate verifies against the one or two authorities trusted at its signing
// time, and parsing every certificate of every root costs more than verifying (OpenSSL 3
// decodes each key through its provider framework). Safe to share between threads.
class Chain {
 public:
  Chain() = default;

  explicit Chain(std::vector<std::string> der) : der_(std::move(der)) {}

  const std::vector<internal::CertPtr>& certs() const;

  const std::vector<std::string>& der() const { return der_; }

 private:
  std::vector<std::string> der_;
  std::unique_ptr<std::once_flag> once_ = std::make_unique<std::once_flag>();
  mutable std::vector<internal::CertPtr> certs_;
};

struct CertificateAuthority {
  std::string uri;
  Chain chain;
  Validity valid;
};

// A public key as a trusted root gives it (DER), decoded on first use for the same reason
// as a chain: a root lists a dozen log keys, a bundle is checked against two or three, and
// OpenSSL 3 decodes each key through its provider framework (about 0.1 ms a key in a
// fresh process). Safe to share between threads.
class LazyKey {
 public:
  LazyKey() = default;

  explicit LazyKey(std::string der) : der_(std::move(der)) {}

  // Null when the DER is not a public key (only an unchecked embedded snapshot could).
  EVP_PKEY* get() const;

 private:
  std::string der_;
  std::unique_ptr<std::once_flag> once_ = std::make_unique<std::once_flag>();
  mutable internal::KeyPtr key_;
};

// A transparency log or a CT log: its key, identified by the SHA-256 of the key's DER
// (the log id), and for a Rekor log its base URL (whose host names its checkpoints).
struct LogKey {
  std::string base_url;
  std::string log_id;  // raw bytes
  LazyKey key;
  Validity valid;
};

struct TimestampAuthority {
  std::string uri;
  Chain chain;  // leaf (the signing certificate) first
  Validity valid;
};

struct TrustedRoot {
  std::string name;  // where it came from: a file, or the embedded snapshot's name
  std::vector<CertificateAuthority> authorities;
  std::vector<LogKey> tlogs;
  std::vector<LogKey> ctlogs;
  std::vector<TimestampAuthority> timestamp_authorities;
};

// Parses a trusted root; null with `error` (naming the member) when it is malformed.
// Every certificate and key is checked to parse (`check_certificates`), except for the
// embedded snapshots, known to parse, whose chains and keys are decoded when first used.
[[nodiscard]] std::unique_ptr<TrustedRoot> ParseTrustedRoot(std::string_view json,
                                                            const std::string& name,
                                                            std::string& error,
                                                            bool check_certificates = true);

struct EmbeddedRoot {
  const char* name;      // public-good, github
  const char* snapshot;  // the date of the snapshot (YYYY-MM-DD)
  const char* source;    // where it was taken from
  std::string_view json;
};

// The embedded snapshots, in the order they are tried.
[[nodiscard]] const std::vector<EmbeddedRoot>& EmbeddedRoots();

// The embedded snapshots parsed (once; they are known to parse).
[[nodiscard]] const std::vector<std::unique_ptr<TrustedRoot>>& DefaultTrustedRoots();

// A key that signs bundles itself (no certificate): the npm registry's attestation keys,
// named in a bundle by `verificationMaterial.publicKey.hint`.
struct ManagedKey {
  std::string key_id;  // the hint: `SHA256:...`
  std::string usage;   // `npm:attestations`
  std::string der;     // DER SubjectPublicKeyInfo
  Validity valid;
};

// The embedded managed keys (the npm registry's `keys.json`, Sigstore's TUF target
// registry.npmjs.org/keys.json; its snapshot date in `ManagedKeysSnapshot()`).
[[nodiscard]] const std::vector<ManagedKey>& EmbeddedManagedKeys();
[[nodiscard]] const char* ManagedKeysSnapshot();

// The trusted roots in force for this process: the file given to UseTrustedRootFile
// (`--trusted-root`, $RELGATE_TRUSTED_ROOT: an organisation's private Sigstore instance or
// a fresher snapshot), else the embedded snapshots.
[[nodiscard]] std::vector<const TrustedRoot*> ActiveTrustedRoots();

// Replaces the embedded roots for this process, before anything is verified (the command
// line calls it once, before any thread starts). False with `error` when the file cannot
// be read or is not a trusted root: a usage error, never a silent fallback.
[[nodiscard]] bool UseTrustedRootFile(const std::string& path, std::string& error);

}  // namespace relgate::sigstore
