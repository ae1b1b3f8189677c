// relgate import model-signing: a model signature (tests/data/import/model-signing/, made
// by its generator, which the first test re-runs) joined with the model directory or an
// archive of it: what is covered, uncovered, swapped, missing and pickle-based; the
// signature verified with a key; and a model-release gate over it.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "engine/attest/dsse.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunRelgate;

const std::string kDir = "tests/data/import/model-signing/";

using testing::TempDir;

TEST_CASE("the committed fixtures are exactly what make_fixtures.py writes") {
  CHECK(testing::CompareWithGenerator(kDir) == 10);
}

TEST_CASE("covered, swapped, missing, uncovered and pickle-based files") {
  auto all = RunRelgate(
      "import model-signing " + kDir + "signed-all.statement.json " + kDir + "demo-model", false);
  REQUIRE(all.exit_code == 0);
  CHECK(Contains(all.output, "\"manifest_consistent\": true"));
  CHECK(Contains(all.output, "\"uncovered\": [],\n    \"mismatched\": [],\n    \"missing\": []"));
  auto swapped = RunRelgate(
      "import model-signing " + kDir + "signed-before-swap.statement.json " + kDir + "demo-model",
      false);
  CHECK(Contains(swapped.output, "\"mismatched\": [\n      \"model.safetensors\"\n    ]"));
  // A released model with a pickle weight file the signature never saw.
  const fs::path dir = TempDir("relgate-model-extra");
  fs::copy(testing::SourceDir() + "/" + kDir + "demo-model", dir / "demo-model");
  std::ofstream(dir / "demo-model" / "pytorch_model.bin") << "pickle";
  std::ofstream(dir / "demo-model" / "model.sig") << "{}";  // ignored: the signature itself
  auto partial = RunRelgate("import model-signing " + kDir + "signed-partial.statement.json " +
                                (dir / "demo-model").string(),
                            false);
  CHECK(Contains(partial.output,
                 "\"uncovered\": [\n      \"README.md\",\n      \"pytorch_model.bin\"\n    ]"));
  CHECK(Contains(partial.output, "\"missing\": [\n      \"generation_config.json\"\n    ]"));
  CHECK(Contains(partial.output, "\"pickle_files\": [\n      \"pytorch_model.bin\"\n    ]"));
  CHECK(!Contains(partial.output, "\"path\": \"model.sig\""));
  // The same model as a tarball of its directory: names relative to the model.
  REQUIRE(std::system(("cd '" + dir.string() + "' && tar czf model.tgz demo-model").c_str()) == 0);
  auto tarball = RunRelgate("import model-signing " + kDir + "signed-partial.statement.json " +
                                (dir / "model.tgz").string(),
                            false);
  CHECK(tarball.exit_code == 0);
  CHECK(Contains(tarball.output, "\"pickle_files\": [\n      \"pytorch_model.bin\"\n    ]"));
  auto compat = RunRelgate(
      "import model-signing " + kDir + "compat-v0.2.statement.json " + kDir + "demo-model", false);
  CHECK(Contains(compat.output, "\"predicate_type\": \"https://model_signing/Digests/v0.1\""));
  CHECK(
      Contains(compat.output, "\"uncovered\": [],\n    \"mismatched\": [],\n    \"missing\": []"));
  fs::remove_all(dir);
}

TEST_CASE("an inconsistent manifest is recorded, shards and non-signatures are refused") {
  auto edited = RunRelgate(
      "import model-signing " + kDir + "inconsistent.statement.json " + kDir + "demo-model", false);
  CHECK(edited.exit_code == 0);
  CHECK(Contains(edited.output, "\"manifest_consistent\": false"));
  auto shards = RunRelgate("import model-signing " + kDir + "shards.statement.json " + kDir +
                           "demo-model -o /dev/null");
  CHECK(shards.exit_code == 2);
  CHECK(Contains(shards.output, "the `shards` serialization is not read"));
  auto other = RunRelgate(
      "import model-signing tests/data/import/slsa/"
      "slsa-github-generator__attestation1.unsigned-statement.intoto.json " +
      kDir + "demo-model");
  CHECK(other.exit_code == 2);
  CHECK(Contains(other.output, "no model signature in it"));
  CHECK(RunRelgate("import model-signing " + kDir + "signed-all.statement.json").output ==
        "relgate: error: give model-signing SIGNATURE MODEL\n");
}

TEST_CASE("a signed model release: --verify-key, and a gate that blocks a swapped weight") {
  const fs::path dir = TempDir("relgate-model-gate");
  const std::string d = dir.string() + "/";
  REQUIRE(std::system(("openssl genpkey -algorithm ed25519 -out " + d +
                       "k.pem && openssl pkey -in " + d + "k.pem -pubout -out " + d + "k.pub")
                          .c_str()) == 0);
  for (const char* name : {"signed-all", "signed-before-swap"}) {
    std::string error;
    const std::string envelope = attest::SignEnvelope(
        testing::ReadFile(testing::SourceDir() + "/" + kDir + name + ".statement.json"),
        attest::kInTotoPayloadType, d + "k.pem", error);
    REQUIRE(!envelope.empty());
    std::ofstream(d + name + ".sig") << envelope;
  }
  auto verified = RunRelgate("import model-signing " + d + "signed-all.sig " + kDir +
                                 "demo-model --verify-key " + d + "k.pub -o " + d + "good.json",
                             false);
  CHECK(verified.exit_code == 0);
  CHECK(Contains(testing::ReadFile(d + "good.json"), "\"signature\": \"verified\""));
  auto bare = RunRelgate("import model-signing " + kDir + "signed-all.statement.json " + kDir +
                         "demo-model --verify-key " + d + "k.pub");
  CHECK(bare.exit_code == 2);
  CHECK(Contains(bare.output, "not in a DSSE envelope (bare)"));
  REQUIRE(RunRelgate("import model-signing " + d + "signed-before-swap.sig " + kDir +
                     "demo-model --verify-key " + d + "k.pub -o " + d + "swapped.json")
              .exit_code == 0);
  std::ofstream(d + "models.gate")
      << "package models\nimport std.models as m\n"
         "deny signed for f in model.files \"{f.path} differs from the signed model\":\n"
         "  not f.covered or (f.digest_matches ?? false)\n"
         "deny covered for f in model.files \"{f.path} is not covered by the signature\":\n"
         "  f.covered\n"
         "deny no_pickles for f in model.pickle_files \"{f} is a pickle-based weight file\":\n"
         "  false\n"
         "deny verified \"the model signature was not verified\": model.signature == "
         "\"verified\"\n";
  auto good = RunRelgate("eval --policy " + d + "models.gate --facts " + d + "good.json");
  CHECK(good.exit_code == 0);
  auto swapped = RunRelgate("eval --policy " + d + "models.gate --facts " + d + "swapped.json");
  CHECK(swapped.exit_code == 1);
  CHECK(Contains(swapped.output, "model.safetensors differs from the signed model"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
