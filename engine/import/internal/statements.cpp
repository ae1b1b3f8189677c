#include "engine/import/internal/statements.h"

#include <chrono>

#include <fmt/format.h>

#include "engine/attest/certificate.h"
#include "engine/attest/dsse.h"
#include "engine/base/base64.h"
#include "engine/base/bounded_read.h"
#include "engine/base/digest.h"
#include "engine/base/time.h"
#include "engine/import/internal/reading.h"

namespace relgate::import::internal {
namespace {

using facts::Node;
using facts::NodeKind;

// A carrier's certificate in DER: a Sigstore bundle's (v0.3 `certificate`, v0.1/v0.2
// the first of `x509CertificateChain`), or a PEP 740 attestation's.
std::string CertificateOf(const Node& carrier) {
  std::string der;
  const Node* material = Member(&carrier, "verificationMaterial");
  std::string raw = Text(Member(material, "certificate"), "rawBytes");
  if (raw.empty()) {
    const Node* chain = Array(Member(material, "x509CertificateChain"), "certificates");
    if (chain != nullptr && chain->len > 0)
      raw = Text(&chain->items[0], "rawBytes");
  }
  if (raw.empty())
    raw = Text(Member(&carrier, "verification_material"), "certificate");
  if (raw.empty() || !Base64Decode(raw, der))
    return "";
  return der;
}

}  // namespace

bool StatementReader::Read(std::string_view bytes, const std::string& path,
                           facts::LoadError& error) {
  if (auto whole = facts::ParseJson(bytes, path, error)) {
    docs_.push_back(std::move(whole));
  } else {
    // JSON Lines: one attestation per line. The file is JSON Lines when some line is a
    // JSON document on its own; then a bad line is reported as itself, at its own line
    // (line 1 included). Otherwise it is one document spread over lines, and the
    // whole-file error stands.
    const facts::LoadError whole_error = error;

    struct Line {
      size_t number;
      std::string_view text;
    };

    std::vector<Line> lines;
    for (size_t begin = 0, number = 1; begin < bytes.size(); ++number) {
      size_t end = bytes.find('\n', begin);
      if (end == std::string_view::npos)
        end = bytes.size();
      const std::string_view text = bytes.substr(begin, end - begin);
      begin = end + 1;
      if (text.find_first_not_of(" \t\r") != std::string_view::npos)
        lines.push_back({number, text});
    }
    std::vector<std::unique_ptr<facts::Document>> parsed(lines.size());
    std::vector<facts::LoadError> errors(lines.size());
    bool any_line_alone = false;
    for (size_t k = 0; k < lines.size(); ++k) {
      parsed[k] = facts::ParseJson(lines[k].text, path, errors[k]);
      any_line_alone = any_line_alone || parsed[k] != nullptr;
    }
    if (!any_line_alone || lines.size() < 2) {
      error = whole_error;
      return false;
    }
    for (size_t k = 0; k < lines.size(); ++k) {
      if (parsed[k] == nullptr) {
        error = errors[k];
        error.line = static_cast<uint32_t>(lines[k].number);
        return false;
      }
      docs_.push_back(std::move(parsed[k]));
    }
  }
  inputs_ = docs_.size();
  for (size_t k = 0; k < inputs_; ++k)
    Walk(docs_[k]->root(), "bare", 0);
  return true;
}

std::vector<std::string> StatementReader::PredicateTypes() const {
  std::vector<std::string> types;
  for (const FoundStatement& f : found_) {
    if (f.statement != nullptr)
      types.push_back(Text(f.statement, "predicateType"));
  }
  return types;
}

const Node* StatementReader::Decode(std::string_view base64, const char* name) {
  std::string payload;
  if (!Base64Decode(base64, payload))
    return nullptr;
  facts::LoadError error;
  auto doc = facts::ParseJson(payload, name, error, facts::Digest::kSkip);
  if (!doc)
    return nullptr;
  docs_.push_back(std::move(doc));  // heap documents: pointers into them stay valid
  return &docs_.back()->root();
}

void StatementReader::FromDsse(const Node& dsse, const std::string& envelope, int depth,
                               const std::string& certificate, const std::string& hint,
                               const Node* bundle) {
  // Only an in-toto payload is a statement: a `text/plain` one says nothing relgate reads.
  if (Text(&dsse, "payloadType") != attest::kInTotoPayloadType)
    return;
  const Node* payload = Decode(Text(&dsse, "payload"), "payload");
  if (payload == nullptr)
    return;
  const size_t before = found_.size();
  Walk(*payload, envelope, depth + 1);
  for (size_t k = before; k < found_.size(); ++k) {
    if (found_[k].dsse == nullptr)
      found_[k].dsse = &dsse;
    if (found_[k].certificate.empty())
      found_[k].certificate = certificate;
    if (found_[k].public_key_hint.empty())
      found_[k].public_key_hint = hint;
    if (found_[k].bundle == nullptr)
      found_[k].bundle = bundle;
  }
}

void StatementReader::Walk(const Node& doc, const std::string& envelope, int depth) {
  if (depth > 4 || doc.kind != NodeKind::kObject)
    return;
  if (doc.Find("_type") != nullptr) {
    FoundStatement f;
    f.statement = &doc;
    f.envelope = envelope;
    found_.push_back(std::move(f));
    return;
  }
  if (doc.Find("payloadType") != nullptr)
    return FromDsse(doc, envelope == "bare" ? "dsse" : envelope, depth, "", "", nullptr);
  const std::string carrier = envelope == "npm-attestations" ? envelope : "sigstore-bundle";
  const std::string hint = Text(Member(Member(&doc, "verificationMaterial"), "publicKey"), "hint");
  if (const Node* dsse = Object(Member(&doc, "dsseEnvelope")))
    return FromDsse(*dsse, carrier, depth, CertificateOf(doc), hint, &doc);
  if (const Node* message = Object(Member(&doc, "messageSignature"))) {
    // A bundle signing an artifact's digest directly: no statement, only the digest.
    FoundStatement f;
    f.envelope = carrier;
    f.certificate = CertificateOf(doc);
    f.public_key_hint = hint;
    f.bundle = &doc;
    const Node* digest = Member(message, "messageDigest");
    std::string raw;
    if (Text(digest, "algorithm") == "SHA2_256" && Base64Decode(Text(digest, "digest"), raw))
      f.message_digest = fmt::format("sha256:{}", HexEncode(raw));
    found_.push_back(std::move(f));
    return;
  }
  if (const Node* statement = Member(Member(&doc, "envelope"), "statement")) {
    // PEP 740: the statement itself in base64.
    if (statement->kind != NodeKind::kString)
      return;
    const Node* parsed = Decode(statement->str(), "statement");
    if (parsed == nullptr)
      return;
    const size_t before = found_.size();
    Walk(*parsed, "pep740", depth + 1);
    for (size_t k = before; k < found_.size(); ++k) {
      found_[k].certificate = CertificateOf(doc);
      found_[k].bundle = &doc;
      found_[k].pep740 = true;
    }
    return;
  }
  // Google Cloud Build: `gcloud artifacts docker images describe --show-provenance`
  // writes each provenance's DSSE envelope (signed with Google's KMS key) under
  // `provenance_summary.provenance[]`.
  if (const Node* list = Array(Member(&doc, "provenance_summary"), "provenance")) {
    for (uint32_t k = 0; k < list->len; ++k) {
      if (const Node* dsse = Object(Member(&list->items[k], "envelope"));
          dsse != nullptr && dsse->Find("payloadType") != nullptr)
        FromDsse(*dsse, "gcb-provenance-summary", depth + 1, "", "", nullptr);
    }
    return;
  }
  if (const Node* list = Array(&doc, "attestations")) {
    for (uint32_t k = 0; k < list->len; ++k) {
      if (const Node* bundle = Member(&list->items[k], "bundle"))
        Walk(*bundle, "npm-attestations", depth + 1);
    }
  }
}

bool CheckSignature(const FoundStatement& found, const std::string& key_path,
                    const std::string& what, SignatureCheck& check, facts::LoadError& error) {
  check = SignatureCheck();
  if (found.bundle != nullptr) {
    sigstore::Bundle bundle;
    std::string problem;
    if (!(found.pep740 ? sigstore::ReadPep740(*found.bundle, bundle, problem)
                       : sigstore::ReadBundle(*found.bundle, bundle, problem))) {
      error.message =
          fmt::format("{}: the {} cannot be read: {}", what,
                      found.pep740 ? "PEP 740 attestation" : "Sigstore bundle", problem);
      return false;
    }
    // A managed key: the one given, else the npm registry's attestation key the bundle
    // names, from the embedded keyring; with neither, the signature stays unverified.
    const sigstore::ManagedKey* known = nullptr;
    if (bundle.certificates.empty() && key_path.empty()) {
      for (const sigstore::ManagedKey& k : sigstore::EmbeddedManagedKeys()) {
        if (k.key_id == bundle.public_key_hint && k.usage == "npm:attestations")
          known = &k;
      }
      if (known == nullptr) {
        check.status = "unverified";
        return true;
      }
    }
    sigstore::Expected expected;
    // A signing time later than this machine's clock is refused (a forged or skewed log).
    expected.now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    if (!key_path.empty()) {
      // With a key, every signature must be that key's: a managed-key bundle is verified
      // with it, a keyless one must have been signed by a certificate for it.
      if (std::string why = ReadBounded(key_path, {1u << 20, false}, expected.key_pem);
          !why.empty()) {
        error.message = fmt::format("--verify-key `{}` {}", key_path, why);
        return false;
      }
      if (!bundle.certificates.empty() &&
          !sigstore::CertificateHasKey(bundle.certificates.front(), expected.key_pem)) {
        error.message = fmt::format(
            "{}: the signature does not verify with the key: it is a keyless signature by a "
            "certificate for another key",
            what);
        return false;
      }
    }
    if (known != nullptr)
      expected.key_der = known->der;
    check.verification = sigstore::VerifyBundle(bundle, expected, sigstore::ActiveTrustedRoots());
    if (check.verification.ok && known != nullptr &&
        !known->valid.Contains(check.verification.signing_time)) {
      check.verification.ok = false;
      check.verification.check = "signature";
      check.verification.problem =
          fmt::format("it was signed at {}, outside the validity of the npm registry key {}",
                      FormatRfc3339(check.verification.signing_time), known->key_id);
    }
    if (!check.verification.ok) {
      error.message = fmt::format("{}: the signature does not verify ({}): {}", what,
                                  check.verification.check, check.verification.problem);
      return false;
    }
    check.status = "verified";
    check.keyless = check.verification.keyless;
    return true;
  }
  if (found.dsse == nullptr) {
    if (key_path.empty())
      return true;  // a bare statement: no signature
    error.message = fmt::format(
        "{} is not in a DSSE envelope ({}): there is no signature for --verify-key to check", what,
        found.envelope);
    return false;
  }
  if (key_path.empty()) {
    check.status = "unverified";
    return true;
  }
  bool cannot_run = false;
  const attest::Verified v = attest::VerifyEnvelopeNode(*found.dsse, key_path, cannot_run);
  if (!v.ok) {
    error.message = fmt::format("{}: {}{}", what,
                                cannot_run ? "" : "the signature does not verify: ", v.problem);
    return false;
  }
  check.status = "verified";
  return true;
}

void WriteSigner(facts::TreeBuilder& b, const SignatureCheck& check) {
  if (!check.keyless)
    return;
  const sigstore::Verification& v = check.verification;
  const attest::CertificateSigner& signer = v.signer;
  auto optional = [&b](const char* key, const std::string& value) {
    if (!value.empty())
      b.Field(key, value);
  };
  b.Key("signer");
  b.BeginObject();
  b.Field("identity", signer.identity);
  optional("issuer", signer.issuer);
  optional("build_signer_uri", signer.build_signer_uri);
  optional("runner_environment", signer.runner_environment);
  optional("source_repository", signer.source_repository);
  optional("source_commit", signer.source_commit);
  optional("source_ref", signer.source_ref);
  optional("trigger", signer.trigger);
  optional("run_uri", signer.run_uri);
  b.Field("not_before", signer.not_before);
  b.Field("not_after", signer.not_after);
  b.Field("signed_at", FormatRfc3339(v.signing_time));
  b.Field("trusted_root", v.trusted_root);
  if (v.log_index >= 0) {
    b.FieldInt("log_index", v.log_index);
    b.Field("log_id", v.log_id);
  }
  b.EndObject();
}

}  // namespace relgate::import::internal
