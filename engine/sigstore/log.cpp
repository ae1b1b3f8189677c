#include "engine/sigstore/internal/log.h"

#include <fmt/format.h>

#include "engine/attest/dsse.h"
#include "engine/base/base64.h"
#include "engine/base/digest.h"
#include "engine/facts/node_access.h"
#include "engine/sigstore/internal/crypto.h"

namespace relgate::sigstore::internal {
namespace {

using facts::Node;
using facts::access::Array;
using facts::access::Member;
using facts::access::Text;

std::string NodeHash(std::string_view left, std::string_view right) {
  std::string data(1, '\x01');
  data.append(left);
  data.append(right);
  return Sha256(data);
}

// The host of a URL (`https://rekor.sigstore.dev` -> `rekor.sigstore.dev`).
std::string HostOf(std::string_view url) {
  if (const size_t scheme = url.find("://"); scheme != std::string_view::npos)
    url.remove_prefix(scheme + 3);
  return std::string(url.substr(0, url.find_first_of("/:")));
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos)
      end = text.size();
    out.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

// The DER inside one PEM block (`-----BEGIN LABEL-----`), or "" with `label` empty.
std::string PemBody(std::string_view pem, std::string& label) {
  label.clear();
  const size_t begin = pem.find("-----BEGIN ");
  const size_t label_end = begin == std::string_view::npos ? begin : pem.find("-----", begin + 11);
  if (label_end == std::string_view::npos)
    return "";
  const std::string_view name = pem.substr(begin + 11, label_end - begin - 11);
  const size_t end = pem.find(fmt::format("-----END {}-----", name), label_end);
  if (end == std::string_view::npos)
    return "";
  std::string base64;
  for (const char c : pem.substr(label_end + 5, end - label_end - 5)) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t')
      base64 += c;
  }
  std::string der;
  if (!Base64Decode(base64, der))
    return "";
  label = std::string(name);
  return der;
}

// Whether a verifier in a log entry's body (a PEM certificate or public key, base64) is the
// signer's: compared as DER bytes, without decoding the key again.
bool SameVerifier(std::string_view base64_pem, const SignedContent& content) {
  std::string pem, label;
  if (!Base64Decode(base64_pem, pem))
    return false;
  const std::string der = PemBody(pem, label);
  if (label == "CERTIFICATE")
    return !content.certificate_der.empty() && der == content.certificate_der;
  return label == "PUBLIC KEY" && der == content.verifier_der;
}

// A Rekor v2 verifier: {x509Certificate: {rawBytes}} or {publicKey: {rawBytes}}.
bool SameVerifierV2(const Node* verifier, const SignedContent& content) {
  std::string der;
  if (Base64Decode(Text(Member(verifier, "x509Certificate"), "rawBytes"), der) && !der.empty())
    return !content.certificate_der.empty() && der == content.certificate_der;
  return Base64Decode(Text(Member(verifier, "publicKey"), "rawBytes"), der) && !der.empty() &&
         der == content.verifier_der;
}

std::string Hex(std::string_view raw) {
  return HexEncode(raw);
}

}  // namespace

std::string LeafHash(std::string_view body) {
  std::string data(1, '\x00');
  data.append(body);
  return Sha256(data);
}

bool VerifyInclusion(int64_t index, int64_t size, std::string_view leaf,
                     const std::vector<std::string>& proof, std::string_view root) {
  if (index < 0 || size <= 0 || index >= size)
    return false;
  uint64_t fn = static_cast<uint64_t>(index), sn = static_cast<uint64_t>(size - 1);
  std::string r(leaf);
  for (const std::string& p : proof) {
    if (sn == 0 || p.size() != 32)
      return false;
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

std::string VerifyCheckpoint(std::string_view note, const LogKey& log, int64_t size,
                             std::string_view root) {
  // The note's text ends at the first blank line; the signature lines follow it.
  const size_t split = note.find("\n\n");
  if (split == std::string_view::npos)
    return "the checkpoint is not a signed note (no blank line before its signatures)";
  const std::string_view text = note.substr(0, split + 1);
  const std::vector<std::string_view> lines = Lines(text);
  if (lines.size() < 3)
    return "the checkpoint has no origin, tree size and root hash";
  const std::string host = HostOf(log.base_url);
  const std::string_view origin = lines[0];
  if (origin != host && !origin.starts_with(fmt::format("{} - ", host)))
    return fmt::format("the checkpoint's origin `{}` is not the log `{}`", origin, host);
  if (lines[1] != fmt::to_string(size))
    return fmt::format("the checkpoint is for a tree of {}, the proof for one of {}", lines[1],
                       size);
  std::string checkpoint_root;
  if (!Base64Decode(lines[2], checkpoint_root) || checkpoint_root != root)
    return "the checkpoint's root hash is not the proof's";
  // Any signature line by this log's key: `— <name> <base64(key hint || signature)>`.
  for (std::string_view line : Lines(note.substr(split + 2))) {
    static constexpr std::string_view kDash = "\xE2\x80\x94 ";
    if (!line.starts_with(kDash))
      continue;
    line.remove_prefix(kDash.size());
    const size_t space = line.rfind(' ');
    std::string blob;
    // The signer's name: the log's host (Rekor v1 names its key so), or the origin.
    if (space == std::string_view::npos ||
        (line.substr(0, space) != origin && line.substr(0, space) != host) ||
        !Base64Decode(line.substr(space + 1), blob) || blob.size() <= 4)
      continue;
    if (VerifyMessage(log.key.get(), text, std::string_view(blob).substr(4)))
      return "";
  }
  return fmt::format("no signature of the checkpoint verifies with the key of log `{}`", host);
}

std::string VerifyPromise(const TlogEntry& entry, const LogKey& log) {
  // The canonical JSON the log signed: keys in order, no spaces.
  const std::string signed_json =
      fmt::format(R"({{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}})",
                  entry.body_base64, entry.integrated_time, Hex(entry.log_id), entry.log_index);
  return VerifyMessage(log.key.get(), signed_json, entry.signed_entry_timestamp)
             ? ""
             : "the signed entry timestamp does not verify with the log's key";
}

std::string MatchBody(const TlogEntry& entry, bool is_dsse, const SignedContent& content) {
  facts::LoadError load;
  auto doc = facts::ParseJson(entry.body, "body", load, facts::Digest::kSkip);
  if (!doc)
    return "the entry's body is not JSON";
  const Node* body = &doc->root();
  if (Text(body, "kind") != entry.kind || Text(body, "apiVersion") != entry.version)
    return fmt::format("the entry's body is a {} {}, its kindVersion says {} {}",
                       Text(body, "kind"), Text(body, "apiVersion"), entry.kind, entry.version);
  const Node* spec = Member(body, "spec");
  const std::string kind = fmt::format("{} {}", entry.kind, entry.version);
  if (kind == "hashedrekord 0.0.1") {
    if (is_dsse)
      return "a hashedrekord entry records a message signature, but the bundle holds a DSSE "
             "envelope";
    const Node* data_hash = Member(Member(spec, "data"), "hash");
    if (Text(data_hash, "algorithm") != "sha256" || Text(data_hash, "value") != Hex(content.digest))
      return "the entry records another artifact digest";
    std::string sig;
    if (!Base64Decode(Text(Member(spec, "signature"), "content"), sig) || sig != content.signature)
      return "the entry records another signature";
    if (!SameVerifier(Text(Member(Member(spec, "signature"), "publicKey"), "content"), content))
      return "the entry records another signing certificate or key";
    return "";
  }
  if (kind == "hashedrekord 0.0.2") {
    // Rekor v2 logs a DSSE envelope as a hashedrekord of its pre-authentication encoding.
    const Node* v2 = Member(spec, "hashedRekordV002");
    std::string digest, sig;
    const std::string signed_digest =
        is_dsse ? Sha256(attest::Pae(content.payload_type, content.payload)) : content.digest;
    if (!Base64Decode(Text(Member(v2, "data"), "digest"), digest) || digest != signed_digest)
      return "the entry records another artifact digest";
    if (!Base64Decode(Text(Member(v2, "signature"), "content"), sig) || sig != content.signature)
      return "the entry records another signature";
    if (!SameVerifierV2(Member(Member(v2, "signature"), "verifier"), content))
      return "the entry records another signing certificate or key";
    return "";
  }
  if (!is_dsse)
    return fmt::format(
        "a {} entry records a DSSE envelope, but the bundle holds a message "
        "signature",
        entry.kind);
  const std::string payload_hash = Hex(Sha256(content.payload));
  if (kind == "dsse 0.0.1") {
    if (Text(Member(spec, "payloadHash"), "value") != payload_hash)
      return "the entry records another payload";
    const Node* sigs = Array(spec, "signatures");
    if (sigs == nullptr || sigs->len != 1)
      return "the entry records another number of signatures";
    std::string sig;
    if (!Base64Decode(Text(&sigs->items[0], "signature"), sig) || sig != content.signature)
      return "the entry records another signature";
    if (!SameVerifier(Text(&sigs->items[0], "verifier"), content))
      return "the entry records another signing certificate or key";
    return "";
  }
  if (kind == "dsse 0.0.2") {
    const Node* v2 = Member(spec, "dsseV002");
    std::string hash;
    if (!Base64Decode(Text(Member(v2, "payloadHash"), "digest"), hash) ||
        hash != Sha256(content.payload))
      return "the entry records another payload";
    const Node* sigs = Array(v2, "signatures");
    if (sigs == nullptr || sigs->len != 1)
      return "the entry records another number of signatures";
    std::string sig;
    if (!Base64Decode(Text(&sigs->items[0], "content"), sig) || sig != content.signature)
      return "the entry records another signature";
    if (!SameVerifierV2(Member(&sigs->items[0], "verifier"), content))
      return "the entry records another signing certificate or key";
    return "";
  }
  if (kind == "intoto 0.0.2") {
    const Node* in = Member(spec, "content");
    if (Text(Member(in, "payloadHash"), "value") != payload_hash)
      return "the entry records another payload";
    const Node* envelope = Member(in, "envelope");
    std::string type;
    if (!Base64Decode(Text(envelope, "payloadType"), type))
      type = Text(envelope, "payloadType");
    if (type != content.payload_type)
      return "the entry records another payload type";
    const Node* sigs = Array(envelope, "signatures");
    if (sigs == nullptr || sigs->len != 1)
      return "the entry records another number of signatures";
    std::string once, sig;
    if (!Base64Decode(Text(&sigs->items[0], "sig"), once) || !Base64Decode(once, sig) ||
        sig != content.signature)
      return "the entry records another signature";
    if (!SameVerifier(Text(&sigs->items[0], "publicKey"), content))
      return "the entry records another signing certificate or key";
    return "";
  }
  return fmt::format("a log entry of kind {} version {} is not one relgate reads", entry.kind,
                     entry.version);
}

}  // namespace relgate::sigstore::internal
