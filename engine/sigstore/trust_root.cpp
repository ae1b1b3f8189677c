#include "engine/sigstore/trust_root.h"

#include <fmt/format.h>

#include "engine/base/base64.h"
#include "engine/base/bounded_read.h"
#include "engine/base/time.h"
#include "engine/facts/facts.h"
#include "engine/facts/node_access.h"
#include "engine/sigstore/internal/embedded_roots.h"

namespace relgate::sigstore {
namespace {

using facts::Node;
using facts::access::Array;
using facts::access::Member;
using facts::access::Text;

bool ReadValidity(const Node* node, const std::string& where, Validity& valid, std::string& error) {
  const std::string start = Text(node, "start"), end = Text(node, "end");
  if (start.empty()) {
    error = fmt::format("{}.validFor.start is missing", where);
    return false;
  }
  const auto from = ParseRfc3339(start);
  const auto to = end.empty() ? std::optional<int64_t>(INT64_MAX) : ParseRfc3339(end);
  if (!from || !to) {
    error = fmt::format("{}.validFor holds a time that is not RFC 3339", where);
    return false;
  }
  valid = {*from, *to};
  return true;
}

bool ReadChain(const Node* entry, const std::string& where, bool check, Chain& chain,
               std::string& error) {
  const Node* certs = Array(Member(entry, "certChain"), "certificates");
  if (certs == nullptr || certs->len == 0) {
    error = fmt::format("{}.certChain.certificates is missing or empty", where);
    return false;
  }
  std::vector<std::string> ders;
  for (uint32_t k = 0; k < certs->len; ++k) {
    std::string der;
    if (!Base64Decode(Text(&certs->items[k], "rawBytes"), der) || der.empty() ||
        (check && internal::CertificateFromDer(der) == nullptr)) {
      error = fmt::format("{}.certChain.certificates[{}] is not a DER certificate", where, k);
      return false;
    }
    ders.push_back(std::move(der));
  }
  chain = Chain(std::move(ders));
  return true;
}

bool ReadLogs(const Node* root, const char* member, bool check_keys, std::vector<LogKey>& logs,
              std::string& error) {
  const Node* list = Array(root, member);
  for (uint32_t k = 0; list != nullptr && k < list->len; ++k) {
    const Node* entry = &list->items[k];
    const std::string where = fmt::format("{}[{}]", member, k);
    LogKey log;
    log.base_url = Text(entry, "baseUrl");
    std::string der;
    if (!Base64Decode(Text(Member(entry, "publicKey"), "rawBytes"), der) || der.empty() ||
        (check_keys && internal::PublicKeyFromDer(der) == nullptr)) {
      error = fmt::format("{}.publicKey.rawBytes is not a DER public key", where);
      return false;
    }
    if (!Base64Decode(Text(Member(entry, "logId"), "keyId"), log.log_id) || log.log_id.empty()) {
      error = fmt::format("{}.logId.keyId is missing or not base64", where);
      return false;
    }
    if (!ReadValidity(Member(Member(entry, "publicKey"), "validFor"),
                      fmt::format("{}.publicKey", where), log.valid, error))
      return false;
    log.key = LazyKey(std::move(der));
    logs.push_back(std::move(log));
  }
  return true;
}

}  // namespace

const std::vector<internal::CertPtr>& Chain::certs() const {
  std::call_once(*once_, [this] {
    for (const std::string& der : der_)
      certs_.push_back(internal::CertificateFromDer(der));
  });
  return certs_;
}

EVP_PKEY* LazyKey::get() const {
  std::call_once(*once_, [this] { key_ = internal::PublicKeyFromDer(der_); });
  return key_.get();
}

std::unique_ptr<TrustedRoot> ParseTrustedRoot(std::string_view json, const std::string& name,
                                              std::string& error, bool check_certificates) {
  facts::LoadError load;
  auto doc = facts::ParseJson(json, name, load, facts::Digest::kSkip);
  if (!doc) {
    error = load.ToString();
    return nullptr;
  }
  const Node* root = &doc->root();
  const std::string media = Text(root, "mediaType");
  if (media.rfind("application/vnd.dev.sigstore.trustedroot", 0) != 0) {
    error = fmt::format("mediaType `{}` is not a Sigstore trusted root", media);
    return nullptr;
  }
  auto out = std::make_unique<TrustedRoot>();
  out->name = name;
  const Node* cas = Array(root, "certificateAuthorities");
  for (uint32_t k = 0; cas != nullptr && k < cas->len; ++k) {
    const std::string where = fmt::format("certificateAuthorities[{}]", k);
    CertificateAuthority ca;
    ca.uri = Text(&cas->items[k], "uri");
    if (!ReadChain(&cas->items[k], where, check_certificates, ca.chain, error) ||
        !ReadValidity(Member(&cas->items[k], "validFor"), where, ca.valid, error))
      return nullptr;
    out->authorities.push_back(std::move(ca));
  }
  const Node* tsas = Array(root, "timestampAuthorities");
  for (uint32_t k = 0; tsas != nullptr && k < tsas->len; ++k) {
    const std::string where = fmt::format("timestampAuthorities[{}]", k);
    TimestampAuthority tsa;
    tsa.uri = Text(&tsas->items[k], "uri");
    if (!ReadChain(&tsas->items[k], where, check_certificates, tsa.chain, error) ||
        !ReadValidity(Member(&tsas->items[k], "validFor"), where, tsa.valid, error))
      return nullptr;
    out->timestamp_authorities.push_back(std::move(tsa));
  }
  if (!ReadLogs(root, "tlogs", check_certificates, out->tlogs, error) ||
      !ReadLogs(root, "ctlogs", check_certificates, out->ctlogs, error))
    return nullptr;
  if (out->authorities.empty()) {
    error = "no certificateAuthorities: nothing could verify a certificate";
    return nullptr;
  }
  return out;
}

const std::vector<EmbeddedRoot>& EmbeddedRoots() {
  static const std::vector<EmbeddedRoot> roots = {
      {"public-good", "2025-09-22",
       "sigstore/root-signing targets/trusted_root.json @ c9bda74ad2221f938f7d2e0295ca3aad2da710a8",
       internal::kPublicGoodRoot},
      {"github", "2026-06-29",
       "GitHub's trusted root (tuf-repo.github.com), as sigstore/sigstore-rust embeds it @ "
       "c6750204cb5a1dfd0180c07d73aa15274c174a71",
       internal::kGithubRoot},
  };
  return roots;
}

const std::vector<std::unique_ptr<TrustedRoot>>& DefaultTrustedRoots() {
  static const auto* roots = [] {
    auto* out = new std::vector<std::unique_ptr<TrustedRoot>>;
    for (const EmbeddedRoot& embedded : EmbeddedRoots()) {
      std::string error;
      auto root = ParseTrustedRoot(embedded.json, embedded.name, error,
                                   /*check_certificates=*/false);
      if (root != nullptr)
        out->push_back(std::move(root));
    }
    return out;
  }();
  return *roots;
}

const std::vector<ManagedKey>& EmbeddedManagedKeys() {
  static const auto* keys = [] {
    auto* out = new std::vector<ManagedKey>;
    facts::LoadError load;
    auto doc = facts::ParseJson(internal::kNpmKeys, "npm-keys", load, facts::Digest::kSkip);
    const Node* list = doc ? Array(&doc->root(), "keys") : nullptr;
    for (uint32_t k = 0; list != nullptr && k < list->len; ++k) {
      const Node* entry = &list->items[k];
      ManagedKey key;
      key.key_id = Text(entry, "keyId");
      key.usage = Text(entry, "keyUsage");
      std::string error;
      if (!Base64Decode(Text(Member(entry, "publicKey"), "rawBytes"), key.der) ||
          !ReadValidity(Member(Member(entry, "publicKey"), "validFor"), "key", key.valid, error))
        continue;
      out->push_back(std::move(key));
    }
    return out;
  }();
  return *keys;
}

const char* ManagedKeysSnapshot() {
  return "2025-01-16";
}

namespace {

std::unique_ptr<TrustedRoot>& Override() {
  static std::unique_ptr<TrustedRoot> root;
  return root;
}

}  // namespace

std::vector<const TrustedRoot*> ActiveTrustedRoots() {
  std::vector<const TrustedRoot*> out;
  if (Override() != nullptr) {
    out.push_back(Override().get());
    return out;
  }
  for (const auto& root : DefaultTrustedRoots())
    out.push_back(root.get());
  return out;
}

bool UseTrustedRootFile(const std::string& path, std::string& error) {
  std::string text;
  if (std::string why = ReadBounded(path, {16u << 20, false}, text); !why.empty()) {
    error = fmt::format("`{}` {}", path, why);
    return false;
  }
  auto root = ParseTrustedRoot(text, path, error);
  if (root == nullptr) {
    error = fmt::format("`{}`: {}", path, error);
    return false;
  }
  Override() = std::move(root);
  return true;
}

}  // namespace relgate::sigstore
