// Verifying a Sigstore bundle in process, as a gate does for each bundle it imports: a
// GitHub artifact attestation on the public-good instance (Rekor v1: signed entry
// timestamp, inclusion proof and checkpoint, certificate chain, SCT, DSSE signature), one
// on GitHub's own instance (RFC 3161 timestamp), and a v0.1 bundle (promise only). Each
// iteration reads the bundle's JSON and verifies it against the embedded roots (parsed
// once, as a process does).
#include <fstream>
#include <sstream>

#include <benchmark/benchmark.h>

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
