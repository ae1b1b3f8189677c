#include "engine/sigstore/verify.h"

#include <algorithm>

#include <fmt/format.h>
#include <re2/re2.h>

#include "engine/attest/dsse.h"
#include "engine/base/digest.h"
#include "engine/base/time.h"
#include "engine/facts/node_access.h"
#include "engine/sigstore/internal/crypto.h"
#include "engine/sigstore/internal/log.h"
#include "engine/sigstore/internal/pki.h"

namespace relgate::sigstore {
namespace {

using facts::access::Array;
using facts::access::Member;
using facts::access::Text;
using internal::CertPtr;
using internal::KeyPtr;

Verification Fail(const char* check, std::string problem) {
  Verification v;
  v.check = check;
  v.problem = std::move(problem);
  return v;
}

const EVP_MD* DigestNamed(std::string_view name) {
  if (name == "SHA2_256" || name == "sha256")
    return EVP_sha256();
  if (name == "SHA2_384" || name == "sha384")
    return EVP_sha384();
  if (name == "SHA2_512" || name == "sha512")
    return EVP_sha512();
  return nullptr;
}

bool Matches(const std::string& value, const std::string& exact, const std::string& regex) {
  if (!exact.empty() && value != exact)
    return false;
  if (!regex.empty()) {
    const RE2 re(regex, RE2::Quiet);
    return re.ok() && RE2::FullMatch(value, re);
  }
  return true;
}

// The artifact's digest by `md`: hashed from its bytes, or taken from `sha256:HEX`.
std::string ArtifactDigest(const Expected& expected, const EVP_MD* md) {
  if (!expected.artifact_is_digest)
    return internal::Hash(md, expected.artifact);
  const size_t colon = expected.artifact.find(':');
  const std::string algorithm = expected.artifact.substr(0, colon);
  if (colon == std::string::npos || DigestNamed(algorithm) != md)
    return "";
  std::string raw;
  return HexDecode(expected.artifact.substr(colon + 1), raw) ? raw : "";
}

// Whether an in-toto statement names the artifact among its subjects.
bool StatementNames(std::string_view payload, const Expected& expected) {
  facts::LoadError load;
  auto doc = facts::ParseJson(payload, "statement", load, facts::Digest::kSkip);
  const facts::Node* subjects = doc ? Array(&doc->root(), "subject") : nullptr;
  for (uint32_t k = 0; subjects != nullptr && k < subjects->len; ++k) {
    const facts::Node* digests = Member(&subjects->items[k], "digest");
    for (const char* algorithm : {"sha256", "sha384", "sha512"}) {
      const std::string hex = Text(digests, algorithm);
      const std::string want = ArtifactDigest(expected, DigestNamed(algorithm));
      if (!hex.empty() && !want.empty() && hex == HexEncode(want))
        return true;
    }
  }
  return false;
}

}  // namespace

bool CertificateHasKey(std::string_view der, std::string_view key_pem) {
  CertPtr cert = internal::CertificateFromDer(der);
  KeyPtr given = internal::PublicKeyFromPem(key_pem);
  KeyPtr certified(cert != nullptr ? X509_get_pubkey(cert.get()) : nullptr);
  return given != nullptr && certified != nullptr &&
         internal::DerOfPublicKey(given.get()) == internal::DerOfPublicKey(certified.get());
}

Verification VerifyBundle(const Bundle& bundle, const Expected& expected,
                          const std::vector<const TrustedRoot*>& roots) {
  // The key that must have signed: the certificate's, or the managed key given.
  CertPtr leaf;
  std::vector<CertPtr> intermediates;
  KeyPtr key;
  if (!bundle.certificates.empty()) {
    leaf = internal::CertificateFromDer(bundle.certificates.front());
    if (leaf == nullptr)
      return Fail("certificate", "the bundle's certificate is not a DER certificate");
    for (size_t k = 1; k < bundle.certificates.size(); ++k) {
      CertPtr cert = internal::CertificateFromDer(bundle.certificates[k]);
      if (cert == nullptr)
        return Fail("certificate", "a certificate of the bundle's chain is not DER");
      intermediates.push_back(std::move(cert));
    }
    key.reset(X509_get_pubkey(leaf.get()));
    if (key == nullptr)
      return Fail("certificate", "the certificate's public key is not one relgate reads");
  } else {
    if (expected.key_pem.empty() && expected.key_der.empty())
      return Fail("signature", fmt::format("the bundle is signed with a managed key (hint `{}`) "
                                           "and no key was given to verify it",
                                           bundle.public_key_hint));
    key = expected.key_pem.empty() ? internal::PublicKeyFromDer(expected.key_der)
                                   : internal::PublicKeyFromPem(expected.key_pem);
    if (key == nullptr)
      return Fail("signature", "the key given is not a PEM public key or certificate");
  }
  const std::string verifier_der = leaf != nullptr ? internal::DerOfCertificateKey(leaf.get())
                                                   : internal::DerOfPublicKey(key.get());

  // 3. The signature, over the artifact or the DSSE encoding.
  internal::SignedContent content;
  content.verifier_der = verifier_der;
  if (!bundle.certificates.empty())
    content.certificate_der = bundle.certificates.front();
  Verification out;
  if (bundle.is_dsse) {
    content.signature = bundle.dsse_signatures.front().sig;
    content.payload = bundle.payload;
    content.payload_type = bundle.payload_type;
    if (!internal::VerifyMessage(key.get(), attest::Pae(bundle.payload_type, bundle.payload),
                                 content.signature))
      return Fail("signature", "the DSSE signature does not verify with the signing key");
    if (bundle.payload_type != attest::kInTotoPayloadType)
      return Fail("payload", fmt::format("the DSSE payload type is `{}`, not in-toto's `{}`",
                                         bundle.payload_type, attest::kInTotoPayloadType));
    if (expected.has_artifact && !StatementNames(bundle.payload, expected))
      return Fail("artifact", "the statement's subjects do not name the artifact");
    out.payload = bundle.payload;
    out.payload_type = bundle.payload_type;
  } else {
    content.signature = bundle.signature;
    const EVP_MD* md = DigestNamed(bundle.digest_algorithm);
    if (md == nullptr && !bundle.digest_algorithm.empty())
      return Fail("signature", fmt::format("the digest algorithm `{}` is not one relgate verifies",
                                           bundle.digest_algorithm));
    if (md == nullptr)
      md = EVP_sha256();
    std::string digest = bundle.digest;
    if (expected.has_artifact) {
      const std::string artifact = ArtifactDigest(expected, md);
      if (artifact.empty())
        return Fail("artifact", "the artifact's digest is not of the algorithm the bundle signs");
      if (!digest.empty() && digest != artifact)
        return Fail("artifact", "the bundle signs another artifact (its digest differs)");
      digest = artifact;
    }
    if (digest.empty())
      return Fail("artifact", "no artifact was given and the bundle records no digest");
    const bool ed25519 = EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_ED25519;
    const bool ok =
        ed25519 ? expected.has_artifact && !expected.artifact_is_digest &&
                      internal::VerifyMessage(key.get(), expected.artifact, bundle.signature)
                : internal::VerifyDigest(key.get(), md, digest, bundle.signature);
    if (!ok)
      return Fail("signature",
                  "the signature does not verify with the signing key over the "
                  "artifact's digest");
    content.digest = md == EVP_sha256() ? digest : "";
  }

  // 1 and 4. The log entries and timestamps that say when it was signed.
  std::vector<int64_t> times;
  std::string root_used;
  for (const TlogEntry& entry : bundle.tlog_entries) {
    const LogKey* log = nullptr;
    for (const TrustedRoot* root : roots) {
      for (const LogKey& candidate : root->tlogs) {
        if (candidate.log_id == entry.log_id) {
          log = &candidate;
          root_used = root->name;
        }
      }
    }
    if (log == nullptr)
      return Fail("tlog", fmt::format("log entry {} is in a log that no trusted root names",
                                      entry.log_index));
    if (std::string why = internal::MatchBody(entry, bundle.is_dsse, content); !why.empty())
      return Fail("tlog", fmt::format("log entry {}: {}", entry.log_index, why));
    bool proven = false, promised = false;
    if (entry.proof != nullptr) {
      const InclusionProof& proof = *entry.proof;
      if (!internal::VerifyInclusion(proof.log_index, proof.tree_size,
                                     internal::LeafHash(entry.body), proof.hashes, proof.root_hash))
        return Fail("tlog", fmt::format("log entry {}: the inclusion proof does not lead to "
                                        "the root hash",
                                        entry.log_index));
      if (proof.checkpoint.empty())
        return Fail("tlog", fmt::format("log entry {}: the inclusion proof has no checkpoint",
                                        entry.log_index));
      if (std::string why =
              internal::VerifyCheckpoint(proof.checkpoint, *log, proof.tree_size, proof.root_hash);
          !why.empty())
        return Fail("tlog", fmt::format("log entry {}: {}", entry.log_index, why));
      proven = true;
    }
    if (!entry.signed_entry_timestamp.empty() && entry.integrated_time > 0) {
      if (std::string why = internal::VerifyPromise(entry, *log); !why.empty())
        return Fail("tlog", fmt::format("log entry {}: {}", entry.log_index, why));
      promised = true;
      times.push_back(entry.integrated_time * 1'000'000'000);
    }
    if (!proven && !promised)
      return Fail("tlog", fmt::format("log entry {} can be checked by neither an inclusion "
                                      "promise nor an inclusion proof",
                                      entry.log_index));
    if (bundle.minor >= 2 && !proven)
      return Fail("tlog", fmt::format("log entry {} has no inclusion proof (a v0.{} bundle "
                                      "needs one)",
                                      entry.log_index, bundle.minor));
    if (promised && !log->valid.Contains(times.back()))
      return Fail("tlog", fmt::format("log entry {} was integrated outside its log's trusted "
                                      "window",
                                      entry.log_index));
    out.log_index = entry.log_index;
    out.log_id = HexEncode(entry.log_id);
  }
  for (const std::string& stamp : bundle.timestamps) {
    std::string problem;
    int64_t time = -1;
    for (const TrustedRoot* root : roots) {
      time =
          internal::VerifyTimestamp(stamp, content.signature, root->timestamp_authorities, problem);
      if (time >= 0) {
        root_used = root->name;
        break;
      }
    }
    if (time < 0)
      return Fail("timestamp", problem);
    times.push_back(time);
  }
  if (times.empty())
    return Fail("timestamp", "no verified log entry or timestamp says when it was signed");
  for (const int64_t t : times) {
    if (expected.now > 0 && t > expected.now)
      return Fail("timestamp", fmt::format("it was signed at {}, in the future", FormatRfc3339(t)));
  }

  // 2 and 5. The certificate, at every verified time, and whose identity it is.
  if (leaf != nullptr) {
    for (const int64_t t : times) {
      std::string why =
          "no certificate authority of the trusted roots was trusted at the "
          "signing time";
      bool chained = false;
      for (const TrustedRoot* root : roots) {
        for (const CertificateAuthority& ca : root->authorities) {
          if (!ca.valid.Contains(t))
            continue;
          CertPtr issuer;
          why = internal::VerifyChain(leaf.get(), intermediates, ca, t, issuer);
          if (!why.empty())
            continue;
          if (!root->ctlogs.empty()) {
            why = internal::VerifySct(leaf.get(), issuer.get(), root->ctlogs);
            if (!why.empty())
              return Fail("sct", why);
          }
          chained = true;
          root_used = root->name;
          break;
        }
        if (chained)
          break;
      }
      if (!chained)
        return Fail("certificate", why);
    }
    attest::ReadCertificateSigner(leaf.get(), out.signer);
    if (!Matches(out.signer.identity, expected.identity, expected.identity_regex))
      return Fail("identity", fmt::format("the certificate names `{}`, not the identity "
                                          "expected",
                                          out.signer.identity));
    if (!Matches(out.signer.issuer, expected.issuer, expected.issuer_regex))
      return Fail("identity", fmt::format("the certificate's OIDC issuer is `{}`, not the one "
                                          "expected",
                                          out.signer.issuer));
    out.keyless = true;
  }
  out.ok = true;
  out.signing_time = *std::min_element(times.begin(), times.end());
  out.trusted_root = root_used;
  return out;
}

}  // namespace relgate::sigstore
