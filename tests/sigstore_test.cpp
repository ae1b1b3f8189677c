// Sigstore bundles verified offline (engine/sigstore): real public bundles (GitHub and
// npm provenance, slsa-github-generator, cosign, a managed key, GitHub's own instance
// with a timestamp authority, a Rekor v2 entry) verify with their true identities and fail
// with any other; each tampering fails at its own check; trust roots decide; the Merkle
// inclusion proof agrees with trees built here.
#include <filesystem>
#include <fstream>
#include <functional>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/base/base64.h"
#include "engine/sigstore/internal/crypto.h"
#include "engine/sigstore/internal/log.h"
#include "engine/sigstore/trust_root.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunRelgate;

const std::string kDir = "tests/data/sigstore/";

struct Real {
  const char* file;
  const char* artifact;  // a digest, or a file under kDir
  const char* identity;
  const char* issuer;
};

const Real kReal[] = {
    {"npm-sigstore-2.1.0.sigstore.json",
     "sha512:90f223f992e4c88dd068cd2a5fc57f9d2b30798343dd6e38f29c240e04ba090ef831f84490847c4e82b92"
     "32c78e8a258463b1e55c0f7469f730265008fa6633f",
     "https://github.com/sigstore/sigstore-js/.github/workflows/release.yml@refs/heads/main",
     "https://token.actions.githubusercontent.com"},
    {"github-tsa-provenance-demo.sigstore.json",
     "sha256:ae57936def59bc4c75edd3a837d89bcefc6d3a5e31d55a6fa7a71624f92c3c3b",
     "https://github.com/actions/attest-demo/.github/workflows/build-python.yml@refs/heads/main",
     "https://token.actions.githubusercontent.com"},
    {"slsa-v0.1.sigstore.json",
     "sha256:975a0582b8c9607f3f20a6b8cfef01b25823e68c5c3658e6e1ccaaced2a3255d",
     "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/"
     "builder_docker-based_slsa3.yml@refs/heads/main",
     "https://token.actions.githubusercontent.com"},
    {"bcr-v0.3.sigstore.json",
     "sha256:06ce330900a7d6403bc8d88e5dfad6aeeb8ae40179f66bb89e69c8bf6f6b1a0b",
     "https://github.com/bazel-contrib/publish-to-bcr/.github/workflows/publish.yaml@refs/tags/"
     "v0.0.1",
     "https://token.actions.githubusercontent.com"},
    {"email-dsse-v0.3.sigstore.json",
     "sha512:7bea9f6e7ff37f5fab0b36bf061200fff03099fd2fd696b91d04bc5e4f225eb9fd6e0cadcad54ba980f43"
     "fb352a99e8810b4e0abeb5c0ef2cf9108cd1f258b36",
     "brian@dehamer.com", "https://github.com/login/oauth"},
    {"cosign-blob.sigstore.json", "cosign-blob.txt", "w.vollprecht@gmail.com",
     "https://github.com/login/oauth"},
};

std::string Artifact(const Real& r) {
  const std::string a = r.artifact;
  return a.find(':') != std::string::npos ? a : kDir + a;
}

testing::RunResult Verify(const std::string& bundle, const std::string& artifact,
                          const std::string& identity, const std::string& issuer,
                          const std::string& extra = "") {
  return RunRelgate(
      fmt::format("verify-bundle --bundle '{}' --certificate-identity '{}' "
                  "--certificate-oidc-issuer '{}' {} '{}'",
                  bundle, identity, issuer, extra, artifact));
}

TEST_CASE("real bundles verify with their true identities, and with no other") {
  for (const Real& r : kReal) {
    CAPTURE(r.file);
    auto ok = Verify(kDir + r.file, Artifact(r), r.identity, r.issuer);
    CHECK(ok.exit_code == 0);
    CHECK(Contains(ok.output, fmt::format("verified: signed by {}", r.identity)));
    auto other = Verify(kDir + r.file, Artifact(r),
                        "https://github.com/acme/app/.github/"
                        "workflows/release.yml@refs/tags/v1.0.0",
                        r.issuer);
    CHECK(other.exit_code == 1);
    CHECK(Contains(other.output, "NOT verified (identity): the certificate names"));
    auto issuer = Verify(kDir + r.file, Artifact(r), r.identity, "https://accounts.example.com");
    CHECK(issuer.exit_code == 1);
    CHECK(Contains(issuer.output, "NOT verified (identity)"));
    // By regular expression, as cosign's --certificate-identity-regexp.
    auto regex = RunRelgate(fmt::format(
        "verify-bundle --bundle '{}' --certificate-identity-regexp '.*' "
        "--certificate-oidc-issuer-regexp 'https://(token.actions.githubusercontent|github).com.*' "
        "'{}'",
        kDir + r.file, Artifact(r)));
    CHECK(regex.exit_code == 0);
  }
  // GitHub's own instance: its Fulcio and its timestamp authority, no transparency log.
  auto github = Verify(kDir + "github-tsa-provenance-demo.sigstore.json", Artifact(kReal[1]),
                       kReal[1].identity, kReal[1].issuer);
  CHECK(Contains(github.output, "(trusted root github)"));
  // A managed key; another key does not verify it.
  auto managed =
      RunRelgate(fmt::format("verify-bundle --bundle {0}managed-key.sigstore.json --key "
                             "{0}managed-key.pub {0}managed-key-artifact.txt",
                             kDir));
  CHECK(managed.exit_code == 0);
  CHECK(Contains(managed.output, "signed with the key given"));
  // Rekor v2 (an Ed25519 checkpoint, a timestamp authority) on the staging instance: only
  // with its trusted root.
  const Real rekor2{"rekor2-staging.sigstore.json",
                    "sha256:54303491a8418fbed24344b513546182c29b43bf282ceb433af65e2299f9271f",
                    "jku@goto.fi", ""};
  auto staging =
      RunRelgate(fmt::format("verify-bundle --bundle {0}{1} --certificate-identity {2} "
                             "--certificate-oidc-issuer-regexp '.*' --trusted-root "
                             "{0}staging-trusted-root.json {3}",
                             kDir, rekor2.file, rekor2.identity, rekor2.artifact));
  CHECK(staging.exit_code == 0);
  auto production =
      RunRelgate(fmt::format("verify-bundle --bundle {0}{1} --certificate-identity "
                             "{2} --certificate-oidc-issuer-regexp '.*' {3}",
                             kDir, rekor2.file, rekor2.identity, rekor2.artifact));
  CHECK(production.exit_code == 1);
  CHECK(Contains(production.output, "(tlog): log entry 4197416 is in a log that no trusted root"));
}

// Changes one base64 character of the first string value of `key` (its `offset`th), so the
// bytes it encodes change and the JSON stays valid.
std::string Flip(std::string json, const std::string& key, size_t offset = 10) {
  size_t at = json.find(fmt::format("\"{}\"", key));
  REQUIRE(at != std::string::npos);
  at = json.find('"', json.find(':', at) + 1) + 1 + offset;
  json[at] = json[at] == 'A' ? 'B' : 'A';
  return json;
}

std::string Replace(std::string json, const std::string& from, const std::string& to) {
  const size_t at = json.find(from);
  REQUIRE(at != std::string::npos);
  return json.replace(at, from.size(), to);
}

TEST_CASE("every tampering fails at its own check") {
  const fs::path dir = testing::TempDir("relgate-sigstore");

  struct Tamper {
    const char* name;
    size_t real;  // index into kReal
    std::function<std::string(const std::string&)> change;
    const char* check;
  };

  const std::vector<Tamper> tampers = {
      {"DSSE payload", 0, [](const std::string& j) { return Flip(j, "payload", 40); },
       "(signature)"},
      {"DSSE signature", 0, [](const std::string& j) { return Flip(j, "sig", 20); }, "(signature)"},
      {"message signature", 5, [](const std::string& j) { return Flip(j, "signature", 20); },
       "(signature)"},
      {"the certificate", 0, [](const std::string& j) { return Flip(j, "rawBytes", 400); },
       "(tlog): log entry 33351527: the entry records another signing certificate"},
      {"a log entry's body", 0,
       [](const std::string& j) { return Flip(j, "canonicalizedBody", 60); }, "(tlog)"},
      {"the signed entry timestamp", 2,
       [](const std::string& j) { return Flip(j, "signedEntryTimestamp", 30); },
       "(tlog): log entry 12421178: the signed entry timestamp does not verify"},
      {"the integrated time", 2,
       [](const std::string& j) { return Replace(j, "\"1675272243\"", "\"1675272244\""); },
       "(tlog): log entry 12421178: the signed entry timestamp does not verify"},
      {"the log index", 2,
       [](const std::string& j) { return Replace(j, "\"12421178\"", "\"12421179\""); }, "(tlog)"},
      {"an inclusion proof hash", 3, [](const std::string& j) { return Flip(j, "hashes", 5); },
       "(tlog): log entry 188622862: the inclusion proof does not lead to the root hash"},
      {"the checkpoint's signature", 3,
       [](const std::string& j) { return Flip(j, "envelope", 120); }, "(tlog): log entry"},
      {"the RFC 3161 timestamp", 1,
       [](const std::string& j) { return Flip(j, "signedTimestamp", 600); }, "(timestamp)"},
      {"the log id", 0, [](const std::string& j) { return Flip(j, "keyId", 3); },
       "(tlog): log entry 33351527 is in a log that no trusted root names"},
  };
  for (const Tamper& t : tampers) {
    CAPTURE(t.name);
    const Real& r = kReal[t.real];
    const std::string text = testing::ReadFile(testing::SourceDir() + "/" + kDir + r.file);
    const std::string changed = t.change(text);
    REQUIRE(changed != text);
    const fs::path file = dir / "tampered.json";
    std::ofstream(file) << changed;
    auto run = Verify(file.string(), Artifact(r), r.identity, r.issuer);
    CAPTURE(run.output);
    CHECK(run.exit_code == 1);
    CHECK(Contains(run.output, t.check));
  }
  // Another artifact; a payload that is not in-toto's (whose signature fails too).
  auto artifact = Verify(kDir + kReal[2].file,
                         "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                         kReal[2].identity, kReal[2].issuer);
  CHECK(artifact.exit_code == 1);
  CHECK(Contains(artifact.output, "(artifact): the statement's subjects do not name the artifact"));
  auto text_plain = Verify(kDir + "invalid-signature-text-plain.sigstore.json", "sha256:00",
                           kReal[0].identity, kReal[0].issuer);
  CHECK(text_plain.exit_code == 1);
  // Unreadable: not a bundle, no such file, a malformed trusted root.
  std::ofstream(dir / "not-a-bundle.json") << "{\"mediaType\": \"text/plain\"}";
  CHECK(Verify((dir / "not-a-bundle.json").string(), "sha256:00", "x", "y").exit_code == 2);
  CHECK(Verify((dir / "missing.json").string(), "sha256:00", "x", "y").exit_code == 2);
  std::ofstream(dir / "root.json") << "{\"mediaType\": \"application/vnd.dev.sigstore."
                                      "trustedroot+json;version=0.1\", \"tlogs\": [{}]}";
  auto bad_root =
      Verify(kDir + kReal[0].file, Artifact(kReal[0]), kReal[0].identity, kReal[0].issuer,
             fmt::format("--trusted-root '{}'", (dir / "root.json").string()));
  CHECK(bad_root.exit_code == 2);
  CHECK(Contains(bad_root.output, "--trusted-root"));
  fs::remove_all(dir);
}

// A trusted root decides: one whose CAs are another instance's does not chain the
// certificate; one whose CT log key is another key does not verify the SCT.
TEST_CASE("the trusted root decides which CAs, logs and CT logs are trusted") {
  const fs::path dir = testing::TempDir("relgate-sigstore-roots");
  const std::string good =
      testing::ReadFile(testing::SourceDir() + "/engine/sigstore/roots/public-good.json");
  const std::string github =
      testing::ReadFile(testing::SourceDir() + "/engine/sigstore/roots/github.json");
  // public-good's logs with GitHub's certificate authorities.
  const size_t cas = good.find("\"certificateAuthorities\"");
  const size_t ctlogs = good.find("\"ctlogs\"");
  const size_t github_cas = github.find("\"certificateAuthorities\"");
  const size_t github_end = github.find("\"timestampAuthorities\"");
  REQUIRE(cas != std::string::npos);
  REQUIRE(github_end != std::string::npos);
  std::string swapped = good.substr(0, cas) + github.substr(github_cas, github_end - github_cas) +
                        good.substr(ctlogs);
  std::ofstream(dir / "other-cas.json") << swapped;
  const Real& r = kReal[2];
  auto chain = Verify(kDir + r.file, Artifact(r), r.identity, r.issuer,
                      fmt::format("--trusted-root '{}'", (dir / "other-cas.json").string()));
  CHECK(chain.exit_code == 1);
  CHECK(Contains(chain.output, "(certificate)"));
  // The CT logs' keys replaced by the transparency log's key (same log ids).
  const std::string rekor_key =
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+"
      "2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/"
      "iy55GhWP/9A/bY2LhC30M9+RYtw==";
  std::string other_ct = good;
  for (size_t at = other_ct.find("\"rawBytes\"", other_ct.find("\"ctlogs\""));
       at != std::string::npos && at < other_ct.find("\"timestampAuthorities\"");
       at = other_ct.find("\"rawBytes\"", at + 1)) {
    const size_t begin = other_ct.find('"', other_ct.find(':', at) + 1) + 1;
    const size_t end = other_ct.find('"', begin);
    other_ct.replace(begin, end - begin, rekor_key);
  }
  std::ofstream(dir / "other-ct.json") << other_ct;
  auto sct = Verify(kDir + r.file, Artifact(r), r.identity, r.issuer,
                    fmt::format("--trusted-root '{}'", (dir / "other-ct.json").string()));
  CHECK(sct.exit_code == 1);
  CHECK(Contains(sct.output, "(sct): its SCT's signature does not verify with the CT log's key"));
  fs::remove_all(dir);
}

// Each window of the trusted root is honoured, ends inclusive: a log, CA or CT log trusted
// only before or after the signing time does not vouch for it; a log named by another host
// does not sign its checkpoints. A promise or proof removed leaves an entry that nothing
// checks.
TEST_CASE("validity windows, log origins, and entries checked by neither promise nor proof") {
  const fs::path dir = testing::TempDir("relgate-sigstore-windows");
  const std::string good =
      testing::ReadFile(testing::SourceDir() + "/engine/sigstore/roots/public-good.json");

  struct RootChange {
    const char* name;
    const char* from;
    const char* to;
    const char* check;
  };

  const RootChange changes[] = {
      {"the Rekor log trusted from 2030", "\"start\": \"2021-01-12T11:53:27Z\"",
       "\"start\": \"2030-01-01T00:00:00Z\"",
       "(tlog): log entry 33351527 was integrated outside its log's trusted window"},
      {"the current Fulcio CA trusted from 2030", "\"start\": \"2022-04-13T20:06:15Z\"",
       "\"start\": \"2030-01-01T00:00:00Z\"",
       "(certificate): no certificate authority of the trusted roots was trusted at the "
       "signing time"},
      {"the CT log trusted from 2030", "\"start\": \"2022-10-20T00:00:00Z\"",
       "\"start\": \"2030-01-01T00:00:00Z\"",
       "(sct): its SCT was issued outside its CT log's trusted window"},
      {"the log named by another host", "\"baseUrl\": \"https://rekor.sigstore.dev\"",
       "\"baseUrl\": \"https://rekor.example.com\"",
       "the checkpoint's origin `rekor.sigstore.dev - 2605736670972794746` is not the log "
       "`rekor.example.com`"},
  };
  const Real& r = kReal[0];  // signed 2023-08-29, Rekor v1 with a promise and a proof
  for (const RootChange& c : changes) {
    CAPTURE(c.name);
    std::ofstream(dir / "root.json") << Replace(good, c.from, c.to);
    auto run = Verify(kDir + r.file, Artifact(r), r.identity, r.issuer,
                      fmt::format("--trusted-root '{}'", (dir / "root.json").string()));
    CAPTURE(run.output);
    CHECK(run.exit_code == 1);
    CHECK(Contains(run.output, c.check));
  }
  // GitHub's timestamp authority trusted only until before the timestamp's time.
  {
    std::string github =
        testing::ReadFile(testing::SourceDir() + "/engine/sigstore/roots/github.json");
    const size_t tsas = github.find("\"timestampAuthorities\"");
    REQUIRE(tsas != std::string::npos);
    const std::string end = "\"end\": \"2024-05-25T00:00:00Z\"";
    const size_t at = github.find(end, tsas);
    REQUIRE(at != std::string::npos);
    github.replace(at, end.size(), "\"end\": \"2024-04-01T00:00:00Z\"");
    std::ofstream(dir / "github.json") << github;
    const Real& g = kReal[1];
    auto tsa = Verify(kDir + g.file, Artifact(g), g.identity, g.issuer,
                      fmt::format("--trusted-root '{}'", (dir / "github.json").string()));
    CHECK(tsa.exit_code == 1);
    CHECK(Contains(tsa.output,
                   "(timestamp): the RFC 3161 timestamp is from no timestamp "
                   "authority of the trusted root"));
  }
  // A window that ends exactly at the signing time still holds it (ends are inclusive).
  std::ofstream(dir / "root.json") << Replace(good, "\"start\": \"2021-01-12T11:53:27Z\"",
                                              "\"start\": \"2021-01-12T11:53:27Z\", \"end\": "
                                              "\"2023-08-29T15:40:23Z\"");
  CHECK(Verify(kDir + r.file, Artifact(r), r.identity, r.issuer,
               fmt::format("--trusted-root '{}'", (dir / "root.json").string()))
            .exit_code == 0);
  std::ofstream(dir / "root.json") << Replace(good, "\"start\": \"2021-01-12T11:53:27Z\"",
                                              "\"start\": \"2021-01-12T11:53:27Z\", \"end\": "
                                              "\"2023-08-29T15:40:22Z\"");
  CHECK(Verify(kDir + r.file, Artifact(r), r.identity, r.issuer,
               fmt::format("--trusted-root '{}'", (dir / "root.json").string()))
            .exit_code == 1);
  // Promise and proof removed from a v0.1 bundle; the proof from a v0.3 one.
  auto without = [&](const std::string& file, const std::string& member) {
    facts::LoadError load;
    const std::string text = testing::ReadFile(testing::SourceDir() + "/" + kDir + file);
    std::string out = text;
    const size_t at = out.find(fmt::format("\"{}\"", member));
    REQUIRE(at != std::string::npos);
    // The member and its object value, up to the matching brace.
    size_t end = out.find('{', at);
    int depth = 0;
    for (; end < out.size(); ++end) {
      depth += out[end] == '{' ? 1 : out[end] == '}' ? -1 : 0;
      if (depth == 0)
        break;
    }
    out.replace(at, end + 1 - at, fmt::format("\"{}\": null", member));
    std::ofstream(dir / "bundle.json") << out;
    return (dir / "bundle.json").string();
  };
  const Real& v01 = kReal[2];
  auto neither =
      Verify(without(v01.file, "inclusionPromise"), Artifact(v01), v01.identity, v01.issuer);
  CHECK(neither.exit_code == 1);
  CHECK(Contains(neither.output,
                 "(tlog): log entry 12421178 can be checked by neither an "
                 "inclusion promise nor an inclusion proof"));
  auto no_proof = Verify(without(r.file, "inclusionProof"), Artifact(r), r.identity, r.issuer);
  CHECK(no_proof.exit_code == 1);
  CHECK(Contains(no_proof.output,
                 "(tlog): log entry 33351527 has no inclusion proof (a v0.3 "
                 "bundle needs one)"));
  fs::remove_all(dir);
}

// Importers verify what they import against the roots in force: the embedded ones, or
// the file `--trusted-root` (or $RELGATE_TRUSTED_ROOT) names instead.
TEST_CASE("importers verify against the embedded roots, or the one given instead") {
  const std::string bundle = kDir + kReal[0].file;
  auto embedded = RunRelgate("import slsa " + bundle, false);
  CHECK(embedded.exit_code == 0);
  CHECK(Contains(embedded.output, "\"signature\": \"verified\""));
  CHECK(Contains(embedded.output, "\"trusted_root\": \"public-good\""));
  auto staging =
      RunRelgate("import slsa " + bundle + " --trusted-root " + kDir + "staging-trusted-root.json");
  CHECK(staging.exit_code == 2);
  CHECK(Contains(staging.output, "the signature does not verify (tlog)"));
  setenv("RELGATE_TRUSTED_ROOT",
         (testing::SourceDir() + "/" + kDir + "staging-trusted-root.json").c_str(), 1);
  auto from_env = RunRelgate("eval --policy policies/slsa-l3 --facts slsa:" + bundle);
  unsetenv("RELGATE_TRUSTED_ROOT");
  CHECK(from_env.exit_code == 2);
  CHECK(Contains(from_env.output, "the signature does not verify (tlog)"));
  // npm's publish attestations are signed by the npm registry's key, from the embedded
  // keyring; one whose signature was changed is refused.
  const std::string npm =
      "tests/data/import/slsa/slsa-verifier__npm-provenance-npm-test-ossf.attestations.json";
  auto publish = RunRelgate("import attestation " + npm, false);
  CHECK(publish.exit_code == 0);
  CHECK(Contains(publish.output, "\"signature\": \"verified\",\n      \"subjects\""));
  const fs::path dir = testing::TempDir("relgate-sigstore-npm");
  std::ofstream(dir / "npm.json") << Flip(testing::ReadFile(testing::SourceDir() + "/" + npm),
                                          "sig", 20);
  auto changed = RunRelgate("import attestation " + (dir / "npm.json").string());
  CHECK(changed.exit_code == 2);
  CHECK(Contains(changed.output,
                 "attestation 1 (https://github.com/npm/attestation/tree/main/"
                 "specs/publish/v0.1): the signature does not verify (signature)"));
  fs::remove_all(dir);
  auto missing = RunRelgate("import slsa " + bundle + " --trusted-root nope.json");
  CHECK(missing.exit_code == 2);
  CHECK(Contains(missing.output, "--trusted-root `nope.json`"));
}

// The embedded snapshots are parsed lazily in a gate (their chains on first use); here
// every certificate and key of each is checked to parse, and each names what verifies.
TEST_CASE("the embedded trusted roots parse whole") {
  for (const sigstore::EmbeddedRoot& embedded : sigstore::EmbeddedRoots()) {
    CAPTURE(embedded.name);
    std::string error;
    auto root = sigstore::ParseTrustedRoot(embedded.json, embedded.name, error, true);
    REQUIRE(root != nullptr);
    CHECK(error.empty());
    CHECK(!root->authorities.empty());
    for (const sigstore::CertificateAuthority& ca : root->authorities) {
      for (const auto& cert : ca.chain.certs())
        CHECK(cert != nullptr);
    }
  }
  CHECK(sigstore::DefaultTrustedRoots().size() == 2);
}

// RFC 9162's audit paths, computed here from the tree's definition, for every leaf of
// trees of 1 to 33 leaves: each verifies; another leaf, index or path hash does not (the
// tree size is bound by the signed checkpoint).
TEST_CASE("inclusion proofs agree with Merkle trees built from their definition") {
  using sigstore::internal::LeafHash;
  using sigstore::internal::Sha256;
  using sigstore::internal::VerifyInclusion;
  auto node = [](const std::string& l, const std::string& r) {
    return Sha256(std::string(1, '\x01') + l + r);
  };
  std::function<std::string(const std::vector<std::string>&, size_t, size_t)> root =
      [&](const std::vector<std::string>& leaves, size_t begin, size_t end) -> std::string {
    if (end - begin == 1)
      return leaves[begin];
    size_t k = 1;
    while (k * 2 < end - begin)
      k *= 2;
    return node(root(leaves, begin, begin + k), root(leaves, begin + k, end));
  };
  std::function<void(const std::vector<std::string>&, size_t, size_t, size_t,
                     std::vector<std::string>&)>
      path = [&](const std::vector<std::string>& leaves, size_t m, size_t begin, size_t end,
                 std::vector<std::string>& out) {
        if (end - begin == 1)
          return;
        size_t k = 1;
        while (k * 2 < end - begin)
          k *= 2;
        if (m < k) {
          path(leaves, m, begin, begin + k, out);
          out.push_back(root(leaves, begin + k, end));
        } else {
          path(leaves, m - k, begin + k, end, out);
          out.push_back(root(leaves, begin, begin + k));
        }
      };
  for (size_t size = 1; size <= 33; ++size) {
    std::vector<std::string> leaves;
    for (size_t k = 0; k < size; ++k)
      leaves.push_back(LeafHash(fmt::format("entry {}", k)));
    const std::string tree_root = root(leaves, 0, size);
    for (size_t m = 0; m < size; ++m) {
      CAPTURE(size);
      CAPTURE(m);
      std::vector<std::string> proof;
      path(leaves, m, 0, size, proof);
      const auto i = static_cast<int64_t>(m), n = static_cast<int64_t>(size);
      CHECK(VerifyInclusion(i, n, leaves[m], proof, tree_root));
      CHECK(!VerifyInclusion(i, n, LeafHash("another entry"), proof, tree_root));
      CHECK(!VerifyInclusion(n, n, leaves[m], proof, tree_root));
      if (size > 1)
        CHECK(!VerifyInclusion((i + 1) % n, n, leaves[m], proof, tree_root));
      if (!proof.empty()) {
        proof.back()[0] = static_cast<char>(proof.back()[0] ^ 1);
        CHECK(!VerifyInclusion(i, n, leaves[m], proof, tree_root));
      }
    }
  }
}

}  // namespace
}  // namespace relgate
