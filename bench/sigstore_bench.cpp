// Verifying a Sigstore bundle in process, as a gate does for each bundle it imports: a
// GitHub artifact attestation on the public-good instance (Rekor v1: signed entry
// timestamp, inclusion proof and checkpoint, certificate chain, SCT, DSSE signature), one
// on GitHub's own instance (RFC 3161 timestamp), and a v0.1 bundle (promise only). Each
// iteration reads the bundle's JSON and verifies it against the embedded roots (parsed
// once, as a process does).
#include <fstream>
#include <sstream>

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "engine/sigstore/bundle.h"
#include "engine/sigstore/trust_root.h"
#include "engine/sigstore/verify.h"

namespace relgate::bench {
namespace {

std::string ReadSource(const std::string& relative) {
  std::ifstream in(std::string(RELGATE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void BM_VerifyBundle(benchmark::State& state) {
  static const char* files[] = {
      "tests/data/sigstore/npm-sigstore-2.1.0.sigstore.json",
      "tests/data/sigstore/github-tsa-provenance-demo.sigstore.json",
      "tests/data/sigstore/slsa-v0.1.sigstore.json",
  };
  static const char* labels[] = {"github-attestation-public-good", "github-attestation-tsa",
                                 "v0.1-promise"};
  const std::string json = ReadSource(files[state.range(0)]);
  state.SetLabel(labels[state.range(0)]);
  const auto roots = sigstore::ActiveTrustedRoots();
  for (auto _ : state) {
    facts::LoadError load;
    auto doc = facts::ParseJson(json, "bench", load, facts::Digest::kSkip);
    sigstore::Bundle bundle;
    std::string error;
    if (!doc || !sigstore::ReadBundle(doc->root(), bundle, error)) {
      state.SkipWithError("the bundle does not read");
      break;
    }
    const sigstore::Verification v = sigstore::VerifyBundle(bundle, {}, roots);
    if (!v.ok) {
      state.SkipWithError(v.problem.c_str());
      break;
    }
    benchmark::DoNotOptimize(v.signing_time);
  }
}

BENCHMARK(BM_VerifyBundle)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

// The yardstick: only the cryptography the public-good attestation (BM_VerifyBundle/0)
// needs, called directly on the same OpenSSL — decoding its certificate, one ECDSA P-384
// verification (the Fulcio intermediate signs certificates with P-384) and four P-256 ones
// (the DSSE signature, the SCT, the signed entry timestamp, the checkpoint), over 1 KB
// messages with keys decoded beforehand. What BM_VerifyBundle/0 spends beyond it is
// relgate's: reading the bundle, the log entry and the proof, building the chain.
void BM_VerifyBundleFloor(benchmark::State& state) {
  const std::string json = ReadSource("tests/data/sigstore/npm-sigstore-2.1.0.sigstore.json");
  facts::LoadError load;
  auto doc = facts::ParseJson(json, "bench", load, facts::Digest::kSkip);
  sigstore::Bundle bundle;
  std::string error;
  if (!doc || !sigstore::ReadBundle(doc->root(), bundle, error) || bundle.certificates.empty()) {
    state.SkipWithError("the bundle does not read");
    return;
  }
  const std::string leaf_der = bundle.certificates.front();
  const std::string message(1024, 'm');
  auto signed_with = [&](const char* curve, std::string& signature) {
    EVP_PKEY* key = EVP_EC_gen(curve);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t size = 0;
    const EVP_MD* md = std::string_view(curve) == "P-384" ? EVP_sha384() : EVP_sha256();
    EVP_DigestSignInit(ctx, nullptr, md, nullptr, key);
    const auto* bytes = reinterpret_cast<const unsigned char*>(message.data());
    EVP_DigestSign(ctx, nullptr, &size, bytes, message.size());
    signature.resize(size);
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size, bytes,
                   message.size());
    signature.resize(size);
    EVP_MD_CTX_free(ctx);
    return key;
  };
  std::string p384_signature, p256_signature;
  EVP_PKEY* p384 = signed_with("P-384", p384_signature);
  EVP_PKEY* p256 = signed_with("P-256", p256_signature);
  auto verify = [&](EVP_PKEY* key, const EVP_MD* md, const std::string& signature) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok =
        EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1 &&
        EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
  };
  for (auto _ : state) {
    const auto* p = reinterpret_cast<const unsigned char*>(leaf_der.data());
    X509* leaf = d2i_X509(nullptr, &p, static_cast<long>(leaf_der.size()));
    bool ok = leaf != nullptr && verify(p384, EVP_sha384(), p384_signature);
    for (int k = 0; k < 4; ++k)
      ok = ok && verify(p256, EVP_sha256(), p256_signature);
    X509_free(leaf);
    if (!ok) {
      state.SkipWithError("a signature does not verify");
      break;
    }
  }
  EVP_PKEY_free(p384);
  EVP_PKEY_free(p256);
}

BENCHMARK(BM_VerifyBundleFloor)->Unit(benchmark::kMicrosecond);

// The embedded trusted roots parsed, as once per process: as a gate does (certificate
// chains left for first use: 0), and every certificate checked (1).
void BM_ParseEmbeddedRoots(benchmark::State& state) {
  for (auto _ : state) {
    for (const sigstore::EmbeddedRoot& embedded : sigstore::EmbeddedRoots()) {
      std::string error;
      auto root = sigstore::ParseTrustedRoot(embedded.json, embedded.name, error,
                                             /*check_certificates=*/state.range(0) == 1);
      benchmark::DoNotOptimize(root.get());
    }
  }
}

BENCHMARK(BM_ParseEmbeddedRoots)->DenseRange(0, 1)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace relgate::bench
