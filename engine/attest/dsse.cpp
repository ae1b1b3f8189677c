#include "engine/attest/dsse.h"

#include <memory>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "engine/base/bounded_read.h"
#include "engine/base/digest.h"
#include "engine/base/json_writer.h"
#include "engine/facts/facts.h"

namespace relgate::attest {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

struct ContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

constexpr size_t kMaxKeyBytes = 64 * 1024;
constexpr size_t kMaxEnvelopeBytes = 16u << 20;

// An Ed25519 public key in PEM: a SubjectPublicKeyInfo is always these 12 bytes of DER and
// then the 32-byte key (RFC 8410), so it is taken directly, without OpenSSL 3's decoder
// framework, whose first use costs a gate loading a policy bundle about a millisecond. Null
// for anything else, which PEM_read_bio_PUBKEY then reads.
Key Ed25519FromPem(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN PUBLIC KEY-----";
  constexpr std::string_view kEnd = "-----END PUBLIC KEY-----";
  constexpr std::string_view kPrefix("\x30\x2a\x30\x05\x06\x03\x2b\x65\x70\x03\x21\x00", 12);
  const size_t begin = pem.find(kBegin);
  const size_t end = pem.find(kEnd);
  if (begin == std::string_view::npos || end == std::string_view::npos || end < begin)
    return nullptr;
  std::string body;
  for (const char c : pem.substr(begin + kBegin.size(), end - begin - kBegin.size())) {
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t')
      body += c;
  }
  std::string der;
  if (!Base64Decode(body, der) || der.size() != kPrefix.size() + 32 ||
      der.compare(0, kPrefix.size(), kPrefix) != 0)
    return nullptr;
  return Key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr,
      reinterpret_cast<const unsigned char*>(der.data()) + kPrefix.size(), 32));
}

// The key in a PEM file (private or public), or null with `error`.
Key ReadKey(const std::string& path, bool is_private, std::string& error) {
  std::string pem;
  if (std::string why = ReadBounded(path, {kMaxKeyBytes, false}, pem); !why.empty()) {
    error = fmt::format("the key `{}` {}", path, why);
    return nullptr;
  }
  if (!is_private) {
    if (Key key = Ed25519FromPem(pem))
      return key;
  }
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  Key key(is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                     : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    error = fmt::format(
        "the key `{}` is not a PEM {}", path,
        (is_private ? "private key (PKCS#8 or EC)" : "public key (SubjectPublicKeyInfo)"));
    return nullptr;
  }
  if (EVP_PKEY_get_id(key.get()) == EVP_PKEY_ED25519)
    return key;
  if (EVP_PKEY_get_id(key.get()) == EVP_PKEY_EC) {
    char curve[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key.get(), "group", curve, sizeof curve, &length) == 1 &&
        std::string(curve) == "prime256v1") {
      return key;
    }
  }
  error = fmt::format("the key `{}` is neither Ed25519 nor ECDSA P-256", path);
  return nullptr;
}

// Ed25519 signs the message itself; ECDSA P-256 its SHA-256.
const EVP_MD* DigestFor(EVP_PKEY* key) {
  return EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
}

std::string KeyId(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0)
    return "";
  std::string id = Sha256Hex(std::string_view(reinterpret_cast<char*>(der), length));
  OPENSSL_free(der);
  return id;
}

}  // namespace

std::string Pae(std::string_view type, std::string_view body) {
  return fmt::format("DSSEv1 {} {} {} {}", type.size(), type, body.size(), body);
}

std::string SignEnvelope(std::string_view payload, std::string_view payload_type,
                         const std::string& key_pem_path, std::string& error) {
  Key key = ReadKey(key_pem_path, /*is_private=*/true, error);
  if (key == nullptr)
    return "";
  const std::string message = Pae(payload_type, payload);
  std::unique_ptr<EVP_MD_CTX, ContextFree> context(EVP_MD_CTX_new());
  size_t length = 0;
  std::string signature;
  if (context == nullptr ||
      EVP_DigestSignInit(context.get(), nullptr, DigestFor(key.get()), nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    error = fmt::format("signing with `{}` failed", key_pem_path);
    return "";
  }
  signature.resize(length);
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    error = fmt::format("signing with `{}` failed", key_pem_path);
    return "";
  }
  signature.resize(length);
  JsonWriter w;
  w.Open('{');
  w.Field("payloadType", payload_type);
  w.Field("payload", Base64Encode(payload));
  w.Key("signatures");
  w.Open('[');
  w.Open('{');
  w.Field("keyid", KeyId(key.get()));
  w.Field("sig", Base64Encode(signature));
  w.Close('}');
  w.Close(']');
  w.Close('}');
  return w.TakeLine();
}

Verified VerifyEnvelope(std::string_view envelope, const std::string& public_pem_path,
                        bool& cannot_run) {
  cannot_run = false;
  if (envelope.size() > kMaxEnvelopeBytes) {
    cannot_run = true;
    Verified v;
    v.problem = fmt::format("the envelope is larger than {} bytes", kMaxEnvelopeBytes);
    return v;
  }
  facts::LoadError load_error;
  auto doc = facts::ParseJson(envelope, "envelope", load_error, facts::Digest::kSkip);
  if (!doc) {
    // Still a key problem first: an unreadable key cannot check anything.
    std::string error;
    if (ReadKey(public_pem_path, /*is_private=*/false, error) == nullptr) {
      cannot_run = true;
      Verified v;
      v.problem = error;
      return v;
    }
    Verified v;
    v.problem = fmt::format("not a DSSE envelope: {}", load_error.ToString());
    return v;
  }
  return VerifyEnvelopeNode(doc->root(), public_pem_path, cannot_run);
}

Verified VerifyEnvelopeNode(const facts::Node& envelope, const std::string& public_pem_path,
                            bool& cannot_run) {
  Verified v;
  cannot_run = false;
  std::string error;
  Key key = ReadKey(public_pem_path, /*is_private=*/false, error);
  if (key == nullptr) {
    cannot_run = true;
    v.problem = error;
    return v;
  }
  auto text = [&](const facts::Node* node, const char* key_name, std::string& out) {
    const facts::Node* value = node != nullptr ? node->Find(key_name) : nullptr;
    if (value == nullptr || value->kind != facts::NodeKind::kString)
      return false;
    out = std::string(value->str());
    return true;
  };
  std::string payload64;
  if (envelope.kind != facts::NodeKind::kObject ||
      !text(&envelope, "payloadType", v.payload_type) || !text(&envelope, "payload", payload64)) {
    v.problem = "not a DSSE envelope: `payloadType` and `payload` must be strings";
    return v;
  }
  std::string payload;
  if (!Base64Decode(payload64, payload)) {
    v.problem = "the payload is not base64";
    return v;
  }
  const facts::Node* signatures = envelope.Find("signatures");
  if (signatures == nullptr || signatures->kind != facts::NodeKind::kArray ||
      signatures->len == 0) {
    v.problem = "the envelope has no signatures";
    return v;
  }
  const std::string message = Pae(v.payload_type, payload);
  for (uint32_t k = 0; k < signatures->len; ++k) {
    std::string sig64, sig;
    if (!text(&signatures->items[k], "sig", sig64) || !Base64Decode(sig64, sig))
      continue;
    std::unique_ptr<EVP_MD_CTX, ContextFree> context(EVP_MD_CTX_new());
    if (context != nullptr &&
        EVP_DigestVerifyInit(context.get(), nullptr, DigestFor(key.get()), nullptr, key.get()) ==
            1 &&
        EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(sig.data()),
                         sig.size(), reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1) {
      v.ok = true;
      v.payload = std::move(payload);
      return v;
    }
  }
  v.problem = fmt::format(
      "no signature in the envelope verifies with the key `{}`: the payload, its type or the "
      "signature was changed, or another key signed it",
      public_pem_path);
  return v;
}

}  // namespace relgate::attest
