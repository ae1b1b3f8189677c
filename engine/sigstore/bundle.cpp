#include "engine/sigstore/bundle.h"

#include <charconv>

#include <fmt/format.h>

#include "engine/base/base64.h"
#include "engine/facts/node_access.h"

namespace relgate::sigstore {
namespace {

using facts::Node;
using facts::NodeKind;
using facts::access::Array;
using facts::access::Member;
using facts::access::Text;

// The member `key`, or nullptr when it is absent or null (protobuf's JSON writes unset
// messages either way).
const Node* Present(const Node* node, std::string_view key) {
  const Node* v = Member(node, key);
  return v != nullptr && v->kind != NodeKind::kNull ? v : nullptr;
}

// An int64 as protobuf's JSON writes it (a string), or as a number; -1 when absent.
bool Int64(const Node* node, std::string_view key, int64_t& out) {
  const Node* v = Present(node, key);
  out = -1;
  if (v == nullptr)
    return true;
  if (v->kind == NodeKind::kInt) {
    out = v->i;
    return v->i >= 0;
  }
  if (v->kind != NodeKind::kString)
    return false;
  const std::string_view s = v->str();
  return !s.empty() && std::from_chars(s.data(), s.data() + s.size(), out).ec == std::errc() &&
         out >= 0;
}

bool Bytes(const Node* node, std::string_view key, std::string& out) {
  const Node* v = Present(node, key);
  if (v == nullptr) {
    out.clear();
    return true;
  }
  return v->kind == NodeKind::kString && Base64Decode(v->str(), out);
}

bool ReadEntry(const Node* e, const std::string& where, TlogEntry& entry, std::string& error) {
  auto fail = [&](const std::string& what) {
    error = fmt::format("{}.{}", where, what);
    return false;
  };
  if (!Int64(e, "logIndex", entry.log_index) || entry.log_index < 0)
    return fail("logIndex is missing or not an integer");
  if (!Bytes(Member(e, "logId"), "keyId", entry.log_id) || entry.log_id.empty())
    return fail("logId.keyId is missing or not base64");
  entry.kind = Text(Member(e, "kindVersion"), "kind");
  entry.version = Text(Member(e, "kindVersion"), "version");
  if (entry.kind.empty() || entry.version.empty())
    return fail("kindVersion is missing");
  if (!Int64(e, "integratedTime", entry.integrated_time))
    return fail("integratedTime is not an integer");
  if (entry.integrated_time == 0)
    entry.integrated_time = -1;  // Rekor v2 writes none; protobuf's JSON may write 0
  if (!Bytes(Member(e, "inclusionPromise"), "signedEntryTimestamp", entry.signed_entry_timestamp))
    return fail("inclusionPromise.signedEntryTimestamp is not base64");
  if (!Bytes(e, "canonicalizedBody", entry.body) || entry.body.empty())
    return fail("canonicalizedBody is missing or not base64");
  entry.body_base64 = Text(e, "canonicalizedBody");
  if (const Node* p = Present(e, "inclusionProof")) {
    auto proof = std::make_unique<InclusionProof>();
    if (!Int64(p, "logIndex", proof->log_index) || proof->log_index < 0 ||
        !Int64(p, "treeSize", proof->tree_size) || proof->tree_size <= 0)
      return fail("inclusionProof.logIndex or treeSize is missing or not an integer");
    if (!Bytes(p, "rootHash", proof->root_hash) || proof->root_hash.empty())
      return fail("inclusionProof.rootHash is missing or not base64");
    const Node* hashes = Array(p, "hashes");
    for (uint32_t k = 0; hashes != nullptr && k < hashes->len; ++k) {
      std::string hash;
      if (hashes->items[k].kind != NodeKind::kString || !Base64Decode(hashes->items[k].str(), hash))
        return fail(fmt::format("inclusionProof.hashes[{}] is not base64", k));
      proof->hashes.push_back(std::move(hash));
    }
    proof->checkpoint = Text(Member(p, "checkpoint"), "envelope");
    entry.proof = std::move(proof);
  }
  return true;
}

}  // namespace

int BundleMinorVersion(std::string_view media_type) {
  if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.1")
    return 1;
  if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.2" ||
      media_type == "application/vnd.dev.sigstore.bundle.v0.2+json")
    return 2;
  if (media_type == "application/vnd.dev.sigstore.bundle+json;version=0.3" ||
      media_type == "application/vnd.dev.sigstore.bundle.v0.3+json")
    return 3;
  return 0;
}

bool ReadBundle(const Node& json, Bundle& bundle, std::string& error) {
  const std::string media = Text(&json, "mediaType");
  bundle.minor = BundleMinorVersion(media);
  if (bundle.minor == 0) {
    error = fmt::format("mediaType `{}` is not a Sigstore bundle (v0.1, v0.2 or v0.3)", media);
    return false;
  }
  const Node* material = Member(&json, "verificationMaterial");
  if (material == nullptr) {
    error = "verificationMaterial is missing";
    return false;
  }
  std::string der;
  if (const Node* cert = Present(material, "certificate")) {
    if (!Bytes(cert, "rawBytes", der) || der.empty()) {
      error = "verificationMaterial.certificate.rawBytes is missing or not base64";
      return false;
    }
    bundle.certificates.push_back(der);
  } else if (const Node* chain = Array(Member(material, "x509CertificateChain"), "certificates")) {
    for (uint32_t k = 0; k < chain->len; ++k) {
      if (!Bytes(&chain->items[k], "rawBytes", der) || der.empty()) {
        error = fmt::format(
            "verificationMaterial.x509CertificateChain.certificates[{}] is not base64", k);
        return false;
      }
      bundle.certificates.push_back(der);
    }
  } else if (const Node* key = Present(material, "publicKey")) {
    bundle.has_public_key = true;
    bundle.public_key_hint = Text(key, "hint");
  }
  if (bundle.certificates.empty() && !bundle.has_public_key) {
    error = "verificationMaterial holds no certificate, certificate chain or public key";
    return false;
  }
  if (bundle.minor == 3 && Present(material, "x509CertificateChain") != nullptr) {
    error = "a v0.3 bundle carries one certificate (`certificate`), not a chain";
    return false;
  }
  const Node* entries = Array(material, "tlogEntries");
  for (uint32_t k = 0; entries != nullptr && k < entries->len; ++k) {
    TlogEntry entry;
    if (!ReadEntry(&entries->items[k], fmt::format("verificationMaterial.tlogEntries[{}]", k),
                   entry, error))
      return false;
    bundle.tlog_entries.push_back(std::move(entry));
  }
  const Node* stamps = Array(Member(material, "timestampVerificationData"), "rfc3161Timestamps");
  for (uint32_t k = 0; stamps != nullptr && k < stamps->len; ++k) {
    std::string stamp;
    if (!Bytes(&stamps->items[k], "signedTimestamp", stamp) || stamp.empty()) {
      error = fmt::format(
          "verificationMaterial.timestampVerificationData.rfc3161Timestamps[{}] is not base64", k);
      return false;
    }
    bundle.timestamps.push_back(std::move(stamp));
  }
  if (const Node* message = Present(&json, "messageSignature")) {
    bundle.digest_algorithm = Text(Member(message, "messageDigest"), "algorithm");
    if (!Bytes(Member(message, "messageDigest"), "digest", bundle.digest) ||
        !Bytes(message, "signature", bundle.signature) || bundle.signature.empty()) {
      error = "messageSignature.signature (or its digest) is missing or not base64";
      return false;
    }
  } else if (const Node* envelope = Present(&json, "dsseEnvelope")) {
    bundle.is_dsse = true;
    bundle.payload_type = Text(envelope, "payloadType");
    if (!Bytes(envelope, "payload", bundle.payload)) {
      error = "dsseEnvelope.payload is not base64";
      return false;
    }
    const Node* sigs = Array(envelope, "signatures");
    for (uint32_t k = 0; sigs != nullptr && k < sigs->len; ++k) {
      DsseSignature s;
      s.keyid = Text(&sigs->items[k], "keyid");
      if (!Bytes(&sigs->items[k], "sig", s.sig) || s.sig.empty()) {
        error = fmt::format("dsseEnvelope.signatures[{}].sig is missing or not base64", k);
        return false;
      }
      bundle.dsse_signatures.push_back(std::move(s));
    }
    if (bundle.dsse_signatures.size() != 1) {
      error = fmt::format("dsseEnvelope holds {} signatures; a bundle's holds exactly one",
                          bundle.dsse_signatures.size());
      return false;
    }
  } else {
    error = "the bundle holds neither a messageSignature nor a dsseEnvelope";
    return false;
  }
  return true;
}

bool ReadPep740(const Node& json, Bundle& bundle, std::string& error) {
  const Node* material = Member(&json, "verification_material");
  const Node* envelope = Member(&json, "envelope");
  std::string der, statement, signature;
  if (!Bytes(material, "certificate", der) || der.empty()) {
    error = "verification_material.certificate is missing or not base64";
    return false;
  }
  if (!Bytes(envelope, "statement", statement) || !Bytes(envelope, "signature", signature) ||
      statement.empty() || signature.empty()) {
    error = "envelope.statement or envelope.signature is missing or not base64";
    return false;
  }
  bundle.minor = 3;  // what PyPI's attestations are made from: a v0.3 bundle's content
  bundle.certificates.push_back(der);
  const Node* entries = Array(material, "transparency_entries");
  for (uint32_t k = 0; entries != nullptr && k < entries->len; ++k) {
    TlogEntry entry;
    if (!ReadEntry(&entries->items[k],
                   fmt::format("verification_material.transparency_entries[{}]", k), entry, error))
      return false;
    bundle.tlog_entries.push_back(std::move(entry));
  }
  bundle.is_dsse = true;
  bundle.payload = statement;
  bundle.payload_type = "application/vnd.in-toto+json";
  bundle.dsse_signatures.push_back({signature, ""});
  return true;
}

}  // namespace relgate::sigstore
