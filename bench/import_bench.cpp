// Importers on the gate's critical path: each kind on its largest committed corpus file,
// and npm-lock and cyclonedx on ~10 MB inputs built here from many entries.
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <benchmark/benchmark.h>

#include "engine/base/digest.h"
#include "engine/import/importer.h"

namespace relgate::bench {
namespace {

std::string Read(const std::string& relative) {
  std::ifstream in(std::string(RELGATE_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void Import(benchmark::State& state, const char* kind, const std::string& bytes) {
  const import::Kind* k = import::FindKind(kind);
  for (auto _ : state) {
    facts::LoadError error;
    auto doc = k->import(bytes, "bench", error);
    if (!doc) {
      state.SkipWithError(error.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(doc.get());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes.size()) * state.iterations());
}

void BM_ImportCorpus(benchmark::State& state) {
  static const std::pair<const char*, const char*> files[] = {
      {"npm-lock",
       "tests/data/import/npm-lock/cyclonedx-node-npm__with-prepared.package-lock.v3.json"},
      {"go-sum", "tests/data/import/go-sum/in-toto-golang__go.sum"},
      {"pip-requirements",
       "tests/data/import/pip-requirements/sigstore-python__install-requirements.hashed.txt"},
      {"cyclonedx",
       "tests/data/import/cyclonedx/cyclonedx__bom-examples__laravel-7.12.0.bom.1.4.json"},
      {"pnpm-lock", "tests/data/import/pnpm-lock/antfu-ni__pnpm-lock.v6.yaml"},
      {"yarn-lock", "tests/data/import/yarn-lock/github-pages-deploy-action__yarn.lock.v1"},
      {"cargo-lock", "tests/data/import/cargo-lock/ripgrep__Cargo.lock.v4"},
      {"spdx", "tests/data/import/spdx/spdx-spec__SPDXJSONExample-v2.3.spdx.json"},
      {"slsa",
       "tests/data/import/slsa/slsa-verifier__npm-provenance-npm-test-ossf.attestations.json"},
      {"attestation",
       "tests/data/import/slsa/gh-cli__sigstore-js-2.1.0.github-attestation-bundle.json"},
      {"github-workflow", "tests/data/import/github-workflow/tinygrad__benchmark.yml"},
  };
  const auto& [kind, file] = files[state.range(0)];
  state.SetLabel(kind);
  Import(state, kind, Read(file));
}

BENCHMARK(BM_ImportCorpus)->DenseRange(0, 10)->Unit(benchmark::kMicrosecond);

// A package-lock v3 of `n` packages (about 260 bytes each).
std::string BigNpmLock(size_t n) {
  std::string out =
      "{\"name\":\"big\",\"lockfileVersion\":3,\"packages\":{\"\":{\"dependencies\":{";
  for (size_t k = 0; k < n; k += 10)
    out += std::string(k > 0 ? "," : "") + "\"pkg-" + std::to_string(k) + "\":\"1.0.0\"";
  out += "}}";
  for (size_t k = 0; k < n; ++k) {
    const std::string name = "pkg-" + std::to_string(k);
    out += ",\"node_modules/" + name + "\":{\"version\":\"1." + std::to_string(k % 50) +
           ".0\",\"resolved\":\"https://registry.npm.example/" + name + "/-/" + name +
           "-1.0.0.tgz\",\"integrity\":\"sha512-" + std::string(86, 'A') + "==\"" +
           (k % 7 == 0 ? ",\"dev\":true" : "") + (k % 97 == 0 ? ",\"hasInstallScript\":true" : "") +
           ",\"license\":\"MIT\",\"engines\":{\"node\":\">=14\"}}";
  }
  return out + "}}";
}

// A CycloneDX 1.6 SBOM of `n` components (about 330 bytes each).
std::string BigSbom(size_t n) {
  std::string out = "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\",\"components\":[";
  for (size_t k = 0; k < n; ++k) {
    const std::string name = "lib-" + std::to_string(k);
    out += std::string(k > 0 ? "," : "") + "{\"type\":\"library\",\"bom-ref\":\"" + name +
           "\",\"name\":\"" + name + "\",\"version\":\"2.0." + std::to_string(k % 30) +
           "\",\"purl\":\"pkg:npm/" + name +
           "@2.0.0\",\"hashes\":[{\"alg\":\"SHA-256\","
           "\"content\":\"" +
           std::string(64, 'a') +
           "\"}],\"licenses\":[{\"license\":{\"id\":"
           "\"MIT\"}}],\"supplier\":{\"name\":\"acme\"}}";
  }
  out += "],\"dependencies\":[";
  for (size_t k = 0; k < n; ++k)
    out += std::string(k > 0 ? "," : "") + "{\"ref\":\"lib-" + std::to_string(k) +
           "\",\"dependsOn\":[\"lib-" + std::to_string((k + 1) % n) + "\"]}";
  return out + "]}";
}

void BM_ImportNpmLock10MB(benchmark::State& state) {
  static const std::string bytes = BigNpmLock(40'000);
  Import(state, "npm-lock", bytes);
  state.SetLabel(std::to_string(bytes.size() >> 20) + " MiB");
}

void BM_ImportCycloneDx10MB(benchmark::State& state) {
  static const std::string bytes = BigSbom(32'000);
  Import(state, "cyclonedx", bytes);
  state.SetLabel(std::to_string(bytes.size() >> 20) + " MiB");
}

BENCHMARK(BM_ImportNpmLock10MB)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ImportCycloneDx10MB)->Unit(benchmark::kMillisecond);

// A 100 MiB package: 100 files of 1 MiB of random bytes (incompressible, as weights and
// binaries are), packed by `tar` as .tar and .tar.gz in a temporary directory.
const std::filesystem::path& BigPackage() {
  static const std::filesystem::path dir = [] {
    const auto d = std::filesystem::temp_directory_path() / "relgate-bench-archive";
    if (std::filesystem::exists(d / "pkg.tar.gz"))
      return d;
    std::filesystem::create_directories(d / "package");
    std::mt19937_64 random(2026);
    std::string block(1 << 20, '\0');
    for (int k = 0; k < 100; ++k) {
      for (size_t i = 0; i < block.size(); i += 8) {
        const uint64_t v = random();
        std::memcpy(&block[i], &v, 8);
      }
      std::ofstream(d / "package" / ("part-" + std::to_string(k) + ".bin"), std::ios::binary)
          << block;
    }
    const std::string cd = "cd '" + d.string() + "' && ";
    if (std::system((cd + "tar cf pkg.tar package && tar czf pkg.tar.gz package").c_str()) != 0)
      std::abort();
    return d;
  }();
  return dir;
}

void ImportArchiveFile(benchmark::State& state, const std::string& name) {
  const std::string path = (BigPackage() / name).string();
  const import::Kind* kind = import::FindKind("archive");
  import::Request request;
  request.inputs = {path};
  for (auto _ : state) {
    facts::LoadError error;
    auto doc = import::Import(*kind, request, error);
    if (!doc) {
      state.SkipWithError(error.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(doc.get());
  }
  state.SetBytesProcessed(static_cast<int64_t>(std::filesystem::file_size(path)) *
                          state.iterations());
}

void BM_ImportArchiveTar100MB(benchmark::State& state) {
  ImportArchiveFile(state, "pkg.tar");
}

void BM_ImportArchiveTgz100MB(benchmark::State& state) {
  ImportArchiveFile(state, "pkg.tar.gz");
}

// The yardstick: SHA-256 over the same 100 MiB in memory, the least an import that hashes
// every byte can cost (the archive kind hashes each file and the archive itself: twice).
void BM_Sha256Yardstick100MB(benchmark::State& state) {
  static const std::string bytes = [] {
    std::ifstream in(BigPackage() / "pkg.tar", std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }();
  for (auto _ : state)
    benchmark::DoNotOptimize(Sha256Hex(bytes));
  state.SetBytesProcessed(static_cast<int64_t>(bytes.size()) * state.iterations());
}

BENCHMARK(BM_ImportArchiveTar100MB)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ImportArchiveTgz100MB)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sha256Yardstick100MB)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace relgate::bench
