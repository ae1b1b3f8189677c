// Finding in-toto statements wherever pipelines keep them (internal to engine/import; the
// slsa and attestation kinds share it): a bare statement, a DSSE envelope (base64
// payload), a Sigstore bundle v0.1-v0.3 (`dsseEnvelope`, or a `messageSignature` over an
// artifact digest), a PEP 740 attestation (`envelope.statement`), npm's attestations
// document (`attestations[].bundle`), or the lines of a JSON Lines file of any of these.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts/facts.h"
#include "engine/facts/tree_builder.h"
#include "engine/sigstore/verify.h"

namespace relgate::import::internal {

struct FoundStatement {
  const facts::Node* statement = nullptr;  // null for a message signature
  std::string envelope;               // bare | dsse | sigstore-bundle | pep740 | npm-attestations
  const facts::Node* dsse = nullptr;  // the DSSE envelope that carried it, if one did
  std::string certificate;            // DER: a keyless signer's certificate, if any
  std::string message_digest;         // a message signature's `sha256:HEX`
  std::string public_key_hint;        // a bundle signed with a key: its hint
  // The Sigstore bundle (or PEP 740 attestation) that carries it, to verify; null when it
  // came in a bare statement or a plain DSSE envelope.
  const facts::Node* bundle = nullptr;
  bool pep740 = false;
};

class StatementReader {
 public:
  // Reads `bytes` as one JSON document, else as JSON Lines; false with `error` (the line
  // that is not JSON) when neither.
  [[nodiscard]] bool Read(std::string_view bytes, const std::string& path, facts::LoadError& error);

  // Every statement and message signature found, in order.
  [[nodiscard]] const std::vector<FoundStatement>& found() const { return found_; }

  // The inputs read (one, or one per line).
  [[nodiscard]] size_t documents() const { return inputs_; }

  [[nodiscard]] const facts::Document& first() const { return *docs_.front(); }

  // What the carriers said the predicate types were (for errors): every statement's.
  [[nodiscard]] std::vector<std::string> PredicateTypes() const;

 private:
  void Walk(const facts::Node& doc, const std::string& envelope, int depth);
  void FromDsse(const facts::Node& dsse, const std::string& envelope, int depth,
                const std::string& certificate, const std::string& hint, const facts::Node* bundle);
  const facts::Node* Decode(std::string_view base64, const char* name);

  std::vector<std::unique_ptr<facts::Document>> docs_;  // the inputs, then decoded payloads
  size_t inputs_ = 0;
  std::vector<FoundStatement> found_;
};

// What a statement's signature was found to be: `verified` (a Sigstore bundle verified
// against the trusted roots, or a signature that verified with the key given), `unverified`
// (a signature there was no key for: a managed-key bundle or a plain DSSE envelope without
// --verify-key), or `none` (an unsigned statement).
struct SignatureCheck {
  std::string status = "none";
  bool keyless = false;
  sigstore::Verification verification;  // when a bundle verified
};

// Checks the signature over `found` (`what` names it in errors): a Sigstore bundle or PEP
// 740 attestation with a certificate is verified against the embedded trusted roots, one
// signed with a managed key and a plain DSSE envelope with `key_path` when given. False
// with `error.message` naming the failed check when a signature does not verify, or a
// key given cannot check it: never facts that carry an unverified signer.
[[nodiscard]] bool CheckSignature(const FoundStatement& found, const std::string& key_path,
                                  const std::string& what, SignatureCheck& check,
                                  facts::LoadError& error);

// For a verified keyless signature, `signer: {identity, issuer?, ..., signed_at,
// trusted_root, log_index?, log_id?}` into the current object, from the verified
// certificate and the time and log that proved it; nothing otherwise (the caller writes
// `signature: check.status`).
void WriteSigner(facts::TreeBuilder& b, const SignatureCheck& check);

}  // namespace relgate::import::internal
