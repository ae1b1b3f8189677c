// `relgate import` and `--facts KIND:FILE` through the binary: each npm lockfile of the
// corpus (tests/data/import/npm-lock/, copied from ../shared/corpus) against its reviewed
// golden facts (<name>.facts.json; RELGATE_UPDATE_GOLDEN=1 rewrites them, review each by
// eye), malformed and wrong-kind inputs, the atomic output, an evaluation on imported
// facts, and a recorded history of them replayed (imported again).
#include <filesystem>
#include <fstream>
#include <regex>

#include <doctest/doctest.h>

#include "engine/attest/dsse.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

using testing::Contains;

const std::string kDir = "tests/data/import/npm-lock/";

bool Updating() {
  return std::getenv("RELGATE_UPDATE_GOLDEN") != nullptr &&
         std::string(std::getenv("RELGATE_UPDATE_GOLDEN")) == "1";
}

// Signed payloads (npm's publish attestations) name the public registry, and cannot be
// edited without breaking their signatures; the goldens we commit name no registry host,
// so the registry is replaced by the corpus's placeholder before comparing.
std::string WithoutRegistryHosts(std::string text) {
  static const std::regex kHost(R"(registry\.npmjs\.org)");
  return std::regex_replace(text, kHost, "registry.npm.example");
}

// Every input of every kind (tests/data/import/KIND/) against its golden: `NAME.facts.json`
// for an input that imports, `NAME.error` (the message) for one that must be refused
// (an invalid test vector, another predicate type, a summary that is not in-toto).
TEST_CASE("every corpus input of every kind imports to its reviewed golden facts") {
  const bool update = Updating();
  int files = 0, refused = 0;
  const char* kinds[] = {"npm-lock",         "pnpm-lock",     "yarn-lock",   "cargo-lock",
                         "uv-lock",          "pylock",        "poetry-lock", "go-sum",
                         "pip-requirements", "cyclonedx",     "spdx",        "slsa",
                         "attestation",      "in-toto-link",  "npm-pack",    "archive",
                         "github-workflow",  "github-reviews"};
  for (const std::string kind : kinds) {
    // attestation reads the slsa inputs (every statement they hold), its goldens apart.
    const std::string inputs = kind == "attestation" ? "slsa" : kind;
    const std::string dir = std::string("tests/data/import/") + inputs + "/";
    const fs::path goldens = fs::path(testing::SourceDir()) / "tests/data/import" / kind;
    if (update)
      fs::create_directories(goldens);
    for (const auto& entry : fs::directory_iterator(testing::SourceDir() + "/" + dir)) {
      const std::string name = entry.path().filename().string();
      if (name.find(".facts.json") != std::string::npos ||
          name.find(".error") != std::string::npos || name.ends_with(".py"))
        continue;
      CAPTURE(kind);
      CAPTURE(name);
      const fs::path facts = goldens / (name + ".facts.json");
      const fs::path refusal = goldens / (name + ".error");
      auto run = RunRelgate(std::string("import ") + kind + " " + dir + name,
                            /*merge_stderr=*/!fs::exists(facts));
      run.output = WithoutRegistryHosts(run.output);
      if (update) {
        fs::remove(facts);
        fs::remove(refusal);
        if (run.exit_code == 0) {
          std::ofstream(facts) << run.output;
        } else {
          run = RunRelgate(std::string("import ") + kind + " " + dir + name);
          run.output = WithoutRegistryHosts(run.output);
          std::ofstream(refusal) << run.output;
        }
      }
      const bool refuse = fs::exists(refusal);
      CHECK(run.exit_code == (refuse ? 2 : 0));
      CHECK(run.output == testing::ReadFile((refuse ? refusal : facts).string()));
      ++files;
      refused += refuse;
    }
  }
  CHECK(files == 202);
  CHECK(refused == 49);
}

TEST_CASE("npm-lock: what each version records, and what it does not") {
  auto v3 = RunRelgate(
      "import npm-lock " + kDir + "cyclonedx-node-npm__with-prepared.package-lock.v3.json", false);
  // An alias is direct under the name the root lists, and named by its real package.
  CHECK(Contains(v3.output,
                 "\"name\": \"@cyclonedx/cyclonedx-library\",\n      \"version\": "
                 "\"7.0.0\",\n      \"path\": "
                 "\"node_modules/@cyclonedx/cyclonedx-library-same_aliased\""));
  auto v1 = RunRelgate("import npm-lock " + kDir + "handmade.package-lock.v1.json", false);
  CHECK(Contains(v1.output, "\"format_version\": 1"));
  CHECK(!Contains(v1.output, "has_install_script"));  // v1 does not record it: absent
  CHECK(!Contains(v1.output, "\"direct\""));
  CHECK(Contains(v1.output, "\"path\": \"dependencies.chalk.dependencies.ansi-styles\""));
  CHECK(Contains(v1.output,
                 "\"version\": \"github:acme/vendored-lib#4f1c2a9d0b8e7f6a5c4d3e2f1a"
                 "0b9c8d7e6f5a4b\",\n      \"path\": \"dependencies.vendored-lib\",\n"
                 "      \"pinned\": false"));
}

TEST_CASE("import errors name the place and what was expected, and write nothing") {
  const fs::path dir = fs::temp_directory_path() / ("relgate-import-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto write = [&](const char* name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const std::string out = (dir / "out.json").string();
  auto bad_json =
      RunRelgate("import npm-lock " +
                 write("a.json", "{\"lockfileVersion\": 3,\n  \"packages\": {,}}") + " -o " + out);
  CHECK(bad_json.exit_code == 2);
  CHECK(Contains(bad_json.output, "a.json:2:16: error: invalid JSON"));
  CHECK(!fs::exists(out));
  auto wrong_kind = RunRelgate("import npm-lock examples/releases/shut-reviews/release.json");
  CHECK(wrong_kind.exit_code == 2);
  CHECK(Contains(wrong_kind.output,
                 "expected lockfileVersion 1, 2 or 3: this is not an npm "
                 "package-lock.json"));
  auto no_version =
      RunRelgate("import npm-lock " + write("b.json",
                                            "{\"lockfileVersion\": 2, \"packages\": {\"node_"
                                            "modules/x\": {\"resolved\": \"r\"}}}"));
  CHECK(no_version.exit_code == 2);
  CHECK(Contains(no_version.output,
                 "error: expected the locked version (a string) (at "
                 "`packages[\"node_modules/x\"].version`)"));
  auto dup = RunRelgate("import npm-lock " + write("c.json",
                                                   "{\"lockfileVersion\": 3, "
                                                   "\"lockfileVersion\": 3}"));
  CHECK(dup.exit_code == 2);
  CHECK(Contains(dup.output, "duplicate key"));
  auto go = RunRelgate("import go-sum " +
                       write("go.sum", "example.com/a v1.0.0 h1:abc=\nnot a go.sum line\n"));
  CHECK(go.exit_code == 2);
  CHECK(Contains(go.output, "go.sum:2:1: error: expected `MODULE VERSION h1:HASH`"));
  auto pip = RunRelgate("import pip-requirements " +
                        write("r.txt", "a==1.0 \\\n    --hash=sha256:00\nb==2 --hash=md5\n"));
  CHECK(pip.exit_code == 2);
  CHECK(Contains(pip.output, "r.txt:3:1: error: expected --hash=ALGORITHM:HEX, found `md5`"));
  auto kind = RunRelgate("import pip-lock x.txt");
  CHECK(kind.exit_code == 2);
  CHECK(Contains(kind.output,
                 "no import kind `pip-lock`; kinds: npm-lock pnpm-lock yarn-lock cargo-lock "
                 "uv-lock pylock poetry-lock go-sum pip-requirements slsa attestation"));
  auto list = RunRelgate("import --list", false);
  CHECK(list.output.rfind("npm-lock  npm's package-lock.json", 0) == 0);
  auto ok = RunRelgate("import npm-lock " + kDir + "handmade.package-lock.v1.json -o " + out);
  CHECK(ok.exit_code == 0);
  CHECK(testing::ReadFile(out).rfind("{\n  \"lockfile\": {", 0) == 0);
  fs::remove_all(dir);
}

// JSON Lines of statements: a bad line is named as itself, whichever line it is (the
// first included), while a document spread over lines keeps the whole file's error.
// Other lockfiles are TOML with `[[package]]` too: read as a Cargo.lock they lost their
// table-valued sources and exited 0. What Cargo never writes is refused, naming it.
TEST_CASE("uv and poetry lockfiles are not Cargo.lock") {
  const fs::path dir = testing::TempDir("relgate-not-cargo");
  std::ofstream(dir / "uv.lock")
      << "version = 1\nrevision = 2\nrequires-python = \">=3.9\"\n\n[[package]]\nname = "
         "\"idna\"\nversion = \"3.10\"\nsource = { registry = \"https://pypi.example/simple\" }\n";
  std::ofstream(dir / "uv-sources.lock")
      << "version = 1\n\n[[package]]\nname = \"idna\"\nversion = \"3.10\"\nsource = { registry "
         "= \"https://pypi.example/simple\" }\n";
  std::ofstream(dir / "poetry.lock")
      << "[[package]]\nname = \"idna\"\nversion = \"3.10\"\noptional = false\n\n[metadata]\n"
         "lock-version = \"2.0\"\npython-versions = \"^3.9\"\ncontent-hash = \"abc\"\n";

  struct Case {
    const char* file;
    const char* message;
  } cases[] = {
      {"uv.lock",
       "a top-level `requires-python`, which Cargo.lock does not have: this is another "
       "lockfile (uv.lock: uv's lockfile)"},
      {"uv-sources.lock",
       "a table, where Cargo.lock has a string (`registry+...`, `git+...`): this is another "
       "lockfile (uv.lock writes `source = { registry = ... }`) (at `package[0].source`)"},
      {"poetry.lock", "[metadata] holds `content-hash`, which Cargo.lock's does not"},
  };

  for (const Case& c : cases) {
    CAPTURE(c.file);
    auto run = RunRelgate("import cargo-lock " + (dir / c.file).string());
    CAPTURE(run.output);
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.output, c.message));
  }
  fs::remove_all(dir);
}

TEST_CASE("JSON Lines errors name the bad line, the first included") {
  const fs::path dir = testing::TempDir("relgate-jsonl");
  const std::string good = testing::ReadFile(
      testing::SourceDir() +
      "/tests/data/import/slsa/gh-cli__github_provenance_demo-0.0.12.bundle.jsonl");
  const std::string line = good.substr(0, good.find('\n'));

  struct Shape {
    const char* name;
    std::string text;
    const char* where;
  } shapes[] = {
      {"first", "{\"bad\": }\n" + line + "\n", "first.jsonl:1:9: error: invalid JSON"},
      {"second", line + "\n{\"bad\": }\n", "second.jsonl:2:9: error: invalid JSON"},
      // Unclosed: the whole file's parse fails only on line 2, where the next one begins.
      {"unclosed first", "{\"payloadType\": \"x\"\n" + line + "\n", "unclosed first.jsonl:1:"},
      {"after blanks", line + "\n\n\n[1,\n", "after blanks.jsonl:4:"},
      {"third of three", line + "\n" + line + "\n  {\"x\": tru}\n", "third of three.jsonl:3:"},
      {"spread", "{\n  \"payloadType\": \"x\",\n  \"payload\": ,\n}\n", "spread.jsonl:3:"},
  };

  for (const Shape& shape : shapes) {
    CAPTURE(shape.name);
    const fs::path file = dir / (std::string(shape.name) + ".jsonl");
    std::ofstream(file) << shape.text;
    auto run = RunRelgate("import slsa '" + file.string() + "'");
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.output, shape.where));
  }
  fs::remove_all(dir);
}

TEST_CASE("--facts npm-lock:FILE decides on imported facts, and a replay imports them again") {
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-import-eval-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "policy");
  std::ofstream(dir / "policy" / "p.gate")
      << "package t\nimport std.lockfiles\n"
         "deny pinned for d in dependencies \"{d.name}@{d.version} is not pinned\": d.pinned\n"
         "deny scripts for d in dependencies where d.has_install_script ?? true\n"
         "  \"{d.name} may run an install script\": false\n";
  const std::string policy = (dir / "policy").string();
  const std::string v3 =
      "npm-lock:" + kDir + "cyclonedx-node-npm__with-prepared.package-lock.v3.json";
  auto eval = RunRelgate("eval --policy " + policy + " --now 2026-06-01 --facts " + v3, false);
  // v3 records install scripts: exactly one package here has one.
  CHECK(eval.exit_code == 1);
  CHECK(Contains(eval.output, "GATE SHUT  1 blocking finding"));
  CHECK(Contains(eval.output, "libxmljs2 may run an install script"));
  auto v1 = RunRelgate("eval --policy " + policy + " --now 2026-06-01 --facts npm-lock:" + kDir +
                           "handmade.package-lock.v1.json",
                       false);
  CHECK(v1.exit_code == 1);  // v1 does not: the policy's `?? true` blocks, and the git pin
  CHECK(Contains(v1.output, "FAIL  pinned  hard  dependencies[3]"));
  CHECK(Contains(v1.output, "FAIL  scripts  hard  dependencies[0]"));

  // An SBOM and a requirements file side by side (each under its own facts).
  fs::create_directories(dir / "both");
  std::ofstream(dir / "both" / "p.gate")
      << "package t\nimport std.sboms\nimport std.lockfiles\n"
         "deny hashed for c in sbom.components \"{c.name} has no SHA-256\": has(c.sha256)\n"
         "deny pinned for d in dependencies \"{d.name} is not pinned\": d.pinned\n";
  auto both =
      RunRelgate("eval --policy " + (dir / "both").string() +
                     " --now 2026-06-01 --facts cyclonedx:tests/data/import/cyclonedx/"
                     "cyclonedx__spec-1.6-testvector__valid-component-hashes-1.6.json --facts "
                     "pip-requirements:tests/data/import/pip-requirements/"
                     "in-toto-python__requirements.unpinned.txt",
                 false);
  CHECK(both.exit_code == 1);
  CHECK(Contains(both.output, "GATE SHUT  5 blocking findings"));  // 5 unpinned; hashed passes
  CHECK(Contains(both.output, "FAIL  pinned  hard  dependencies[0]"));
  CHECK(!Contains(both.output, "FAIL  hashed"));

  // Provenance from a Sigstore bundle and from a DSSE envelope, beside std.baseline.
  fs::create_directories(dir / "slsa");
  std::ofstream(dir / "slsa" / "p.gate")
      << "package t\nimport std.baseline as base\nimport std.slsa\n"
         "deny builder \"built by {provenance.builder_id}\":\n"
         "  provenance.builder_id == \"https://github.com/actions/runner/github-hosted\"\n";
  CHECK(RunRelgate("check " + (dir / "slsa").string()).exit_code == 0);
  fs::remove(dir / "slsa" / "p.gate");
  std::ofstream(dir / "slsa" / "p.gate")
      << "package t\nimport std.slsa\n"
         "deny builder \"built by {provenance.builder_id}\":\n"
         "  provenance.builder_id == \"https://github.com/actions/runner/github-hosted\"\n";
  const std::string slsa = "eval --policy " + (dir / "slsa").string() +
                           " --now 2026-06-01 --facts slsa:tests/data/import/slsa/";
  CHECK(RunRelgate(slsa + "gh-cli__sigstore-js-2.1.0.github-attestation-bundle.json").exit_code ==
        0);
  auto untrusted = RunRelgate(slsa + "slsa-verifier__untrusted-builder.intoto.jsonl", false);
  CHECK(untrusted.exit_code == 1);
  CHECK(Contains(untrusted.output, "built by https://github.com/asraa/slsa-github-generator/"));

  // Workflows: every action pinned to a commit, and no pull-request head checked out in a
  // pull_request_target workflow.
  fs::create_directories(dir / "wf");
  std::ofstream(dir / "wf" / "p.gate")
      << "package t\nimport std.workflows\n"
         "deny pinned_actions for u in workflow.uses\n"
         "  \"{u.job} uses {u.action}@{u.ref}, not a commit SHA\": u.pinned\n"
         "deny pwn_request for j in workflow.jobs \"job {j.id} checks out the pull request "
         "head\":\n  not (workflow.pull_request_target and j.checks_out_pr_head)\n";
  const std::string wf = "eval --policy " + (dir / "wf").string() +
                         " --now 2026-06-01 --facts github-workflow:tests/data/import/"
                         "github-workflow/";
  auto pinned = RunRelgate(wf + "sigstore-js__release.yml", false);
  CHECK(pinned.exit_code == 0);
  auto pwn =
      RunRelgate(wf + "ossf-scorecard__testdata__dangerous-pattern-untrusted-checkout.yml", false);
  CHECK(pwn.exit_code == 1);
  CHECK(Contains(pwn.output, "job build checks out the pull request head"));
  CHECK(Contains(pwn.output, "build uses actions/checkout@v2, not a commit SHA"));

  const std::string db = (dir / "h.db").string();
  auto record =
      RunRelgate("eval --policy " + policy + " --now 2026-06-01 --facts npm-lock:" + kDir +
                 "handmade.package-lock.v1.json --record " + db +
                 " --release-id r1 --release-time 2026-05-01T00:00:00Z --repo acme/x");
  CHECK(record.exit_code == 1);
  auto replay = RunRelgate(
      "replay --policy " + policy + " --history " + db + " --baseline recorded --format json",
      false);
  CAPTURE(replay.output);
  CHECK(replay.exit_code == 0);
  CHECK(Contains(replay.output,
                 "\"releases\":1,\"unreadable\":0,\"blocked\":{\"candidate\":1,"
                 "\"baseline\":1}"));
  fs::remove_all(dir);
}

TEST_CASE("slsa --verify-key: a DSSE signature by the key verifies, anything else is an error") {
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-import-key-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string d = dir.string() + "/";
  REQUIRE(std::system(("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + d +
                       "ec.pem 2>/dev/null && openssl pkey -in " + d + "ec.pem -pubout -out " + d +
                       "ec.pub && openssl genpkey -algorithm ed25519 -out " + d +
                       "other.pem && openssl pkey -in " + d + "other.pem -pubout -out " + d +
                       "other.pub")
                          .c_str()) == 0);
  // A provenance statement from the corpus, signed here as a DSSE envelope.
  const std::string statement = testing::ReadFile(
      testing::SourceDir() +
      "/tests/data/import/slsa/slsa-github-generator__attestation1.unsigned-statement.intoto.json");
  std::string error;
  const std::string envelope =
      attest::SignEnvelope(statement, attest::kInTotoPayloadType, d + "ec.pem", error);
  REQUIRE(!envelope.empty());
  std::ofstream(d + "signed.dsse.json") << envelope;
  auto ok = RunRelgate("import slsa " + d + "signed.dsse.json --verify-key " + d + "ec.pub", false);
  CHECK(ok.exit_code == 0);
  CHECK(Contains(ok.output, "\"envelope\": \"dsse\",\n    \"signature\": \"verified\""));
  auto unchecked = RunRelgate("import slsa " + d + "signed.dsse.json", false);
  CHECK(Contains(unchecked.output, "\"signature\": \"unverified\""));
  auto other = RunRelgate("import slsa " + d + "signed.dsse.json --verify-key " + d + "other.pub");
  CHECK(other.exit_code == 2);
  CHECK(Contains(other.output,
                 "error: this provenance: the signature does not verify: no signature in the "
                 "envelope verifies with the key"));
  // One byte of the payload changed (re-encoded): the signature no longer covers it.
  std::string payload;
  const size_t at = envelope.find("\"payload\":\"") + 11;
  const std::string payload64 = envelope.substr(at, envelope.find('"', at) - at);
  REQUIRE(attest::Base64Decode(payload64, payload));
  payload[payload.find("subject") + 2] ^= 1;
  std::string tampered = envelope;
  tampered.replace(at, payload64.size(), attest::Base64Encode(payload));
  std::ofstream(d + "tampered.json") << tampered;
  CHECK(RunRelgate("import slsa " + d + "tampered.json --verify-key " + d + "ec.pub").exit_code ==
        2);
  CHECK(!fs::exists(d + "out.json"));
  // A bare statement has no signature to check; a keyless Sigstore bundle is not this key's.
  auto bare = RunRelgate(
      "import slsa tests/data/import/slsa/"
      "slsa-github-generator__attestation1.unsigned-statement.intoto.json "
      "--verify-key " +
      d + "ec.pub");
  CHECK(bare.exit_code == 2);
  CHECK(Contains(bare.output, "is not in a DSSE envelope (bare): there is no signature"));
  CHECK(RunRelgate("import slsa tests/data/import/slsa/gh-cli__custom-issuer.sigstore.json "
                   "--verify-key " +
                   d + "ec.pub -o " + d + "out.json")
            .exit_code == 2);
  CHECK(!fs::exists(d + "out.json"));
  CHECK(RunRelgate("import slsa " + d + "signed.dsse.json --verify-key " + d + "missing.pub")
            .exit_code == 2);
  // attestation: every statement must verify; a tampered one is named by its place.
  auto any = RunRelgate("import attestation " + d + "signed.dsse.json --verify-key " + d + "ec.pub",
                        false);
  CHECK(any.exit_code == 0);
  CHECK(Contains(any.output, "\"signature\": \"verified\""));
  auto any_tampered =
      RunRelgate("import attestation " + d + "tampered.json --verify-key " + d + "ec.pub");
  CHECK(any_tampered.exit_code == 2);
  CHECK(Contains(any_tampered.output,
                 "attestation 1 (https://slsa.dev/provenance/v0.2): the "
                 "signature does not verify"));
  fs::remove_all(dir);
}

TEST_CASE("install scripts: pnpm 5 and 6 record them, pnpm 9 does not, and a policy says so") {
  const fs::path dir =
      fs::temp_directory_path() / ("relgate-import-scripts-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  // Reading the optional fact as if it were always there does not compile.
  std::ofstream(dir / "careless.gate")
      << "package careless\nimport std.lockfiles as locks\n"
         "deny no_scripts for d in dependencies \"{d.name} runs an install script\":\n"
         "  not d.has_install_script\n";
  // Said explicitly: not recorded counts as "may run one".
  std::ofstream(dir / "explicit.gate")
      << "package explicit\nimport std.lockfiles as locks\n"
         "deny no_scripts for d in dependencies \"{d.name} may run an install script\":\n"
         "  not (d.has_install_script ?? true)\n";
  const std::string dir_s = dir.string() + "/";
  const std::string v5 =
      " --facts pnpm-lock:tests/data/import/pnpm-lock/handmade__pnpm-lock.v5.yaml";
  const std::string v9 =
      " --facts pnpm-lock:tests/data/import/pnpm-lock/pnpm-9__generated.pnpm-lock.v9.yaml";
  auto careless = RunRelgate("eval --policy " + dir_s + "careless.gate" + v5);
  CHECK(careless.exit_code == 2);
  CHECK(Contains(careless.output, "`d.has_install_script` may be missing"));
  auto recorded = RunRelgate("eval --policy " + dir_s + "explicit.gate" + v5);
  CHECK(recorded.exit_code == 1);
  CHECK(Contains(recorded.output, "1 blocking finding"));
  CHECK(Contains(recorded.output, "@scope/native-addon may run an install script"));
  auto unrecorded = RunRelgate("eval --max-findings 0 --policy " + dir_s + "explicit.gate" + v9);
  CHECK(unrecorded.exit_code == 1);
  CHECK(Contains(unrecorded.output, "28 blocking findings"));
  CHECK(Contains(unrecorded.output, "esbuild may run an install script"));
  fs::remove_all(dir);
}

TEST_CASE("in-toto-link: one list from a file per step, and a layout named as such") {
  const std::string d = "tests/data/import/in-toto-link/";
  auto both = RunRelgate("import in-toto-link " + d + "in-toto-python__write-code.776a00e2.link " +
                             d + "in-toto-python__dsse-package.2f89b927.link",
                         false);
  CHECK(both.exit_code == 0);
  CHECK(Contains(both.output, "\"name\": \"write-code\",\n      \"envelope\": \"signed\""));
  CHECK(Contains(both.output, "\"name\": \"package\",\n      \"envelope\": \"dsse\""));
  auto layout =
      RunRelgate("import in-toto-link " + d + "in-toto-python__write-code.776a00e2.link " + d +
                 "in-toto-golang__demo.layout");
  CHECK(layout.exit_code == 2);
  CHECK(Contains(layout.output,
                 "in-toto-golang__demo.layout: error: this is a layout (the plan), "
                 "not a link"));
}

TEST_CASE("github-reviews --head: approvals of another commit are named") {
  const std::string reviews = "tests/data/import/github-reviews/handmade.reviews.json";
  auto run =
      RunRelgate("import github-reviews " + reviews + " --head " + std::string(40, '2'), false);
  CHECK(run.exit_code == 0);
  CHECK(Contains(run.output, "\"on_head\": true"));
  CHECK(Contains(run.output, "\"reviewed_head\": {\n    \"sha\": \"" + std::string(40, '2')));
  auto bad = RunRelgate("import github-reviews " + reviews + " --head main");
  CHECK(bad.exit_code == 2);
  CHECK(Contains(bad.output, "--head `main` is not a commit SHA"));
}

TEST_CASE("slsa --subject: a bare predicate is the provenance of the artifact named") {
  const std::string v1 =
      "tests/data/import/slsa/sigstore-python__slsa_predicate_v1_0.bare-predicate.json";
  const std::string digest = std::string(64, 'a');
  auto run = RunRelgate("import slsa " + v1 + " --subject app.tgz@sha256:" + digest, false);
  CHECK(run.exit_code == 0);
  CHECK(Contains(run.output, "\"predicate_type\": \"https://slsa.dev/provenance/v1\""));
  CHECK(Contains(run.output, "\"envelope\": \"bare-predicate\""));
  CHECK(Contains(run.output, "\"name\": \"app.tgz\",\n        \"sha256\": \"" + digest));
  CHECK(Contains(run.output, "\"subject_digest\": \"sha256:" + digest + "\""));
  auto v02 = RunRelgate(
      "import slsa tests/data/import/slsa/sigstore-python__slsa_predicate_v0_2.bare-predicate.json "
      "--subject sha256:" +
          digest,
      false);
  CHECK(v02.exit_code == 0);
  CHECK(Contains(v02.output, "\"slsa_version\": \"0.2\""));
  auto malformed = RunRelgate("import slsa " + v1 + " --subject app.tgz@md5:abc");
  CHECK(malformed.exit_code == 2);
  CHECK(Contains(malformed.output, "--subject `app.tgz@md5:abc` is not [NAME@]sha256:HEX"));
  // A statement names its own subjects: --subject there is a mistake, not an override.
  auto statement = RunRelgate(
      "import slsa tests/data/import/slsa/"
      "slsa-github-generator__attestation1.unsigned-statement.intoto.json --subject sha256:" +
      digest);
  CHECK(statement.exit_code == 2);
  CHECK(Contains(statement.output, "this input is not one (its statements name their subjects)"));
  // Options a kind does not take are refused, not ignored.
  auto other_kind = RunRelgate("import npm-lock " + kDir +
                               "cyclonedx-node-npm__with-prepared.package-lock.v3.json --subject "
                               "sha256:" +
                               digest);
  CHECK(other_kind.exit_code == 2);
  CHECK(Contains(other_kind.output, "npm-lock does not take --subject"));
  CHECK(RunRelgate("import npm-lock a.json b.json").output ==
        "relgate: error: give npm-lock FILE\n");
}

TEST_CASE("keyless bundles: the signer the certificate names, as Fulcio recorded it") {
  auto run =
      RunRelgate("import slsa tests/data/import/slsa/gh-cli__custom-issuer.sigstore.json", false);
  CHECK(Contains(run.output,
                 "\"issuer\": \"https://token.actions.githubusercontent.com/"
                 "hammer-time\""));
  CHECK(Contains(run.output, "\"runner_environment\": \"github-hosted\""));
  // A statement signed with a key has no certificate: no signer, rather than a guess.
  auto keyed = RunRelgate(
      "import attestation tests/data/import/slsa/handmade__message-signature.sigstore.json", false);
  CHECK(!Contains(keyed.output, "\"signer\""));
  CHECK(Contains(keyed.output, "\"key_hint\": \"release-key-2026\""));
}

}  // namespace
}  // namespace relgate

namespace relgate {
namespace {

// Python lockfiles say per package whether installing may build it (an sdist runs its
// build backend; a wheel runs nothing), so std.deps' install_scripts judges each package
// instead of every one.
TEST_CASE("uv-lock, pylock and poetry-lock: wheels-only packages run no install script") {
  const std::string d = "tests/data/import/";
  const std::string uv = d + "uv-lock/boruvkas-algorithm__uv.lock";
  const std::string pylock = d + "pylock/githublfs__pylock.toml";
  const std::string poetry1 = d + "poetry-lock/redis-cachetools__poetry.lock.v1.1";
  const std::string poetry2 = d + "poetry-lock/poetry-plugin-export__poetry.lock.v2.1";
  // Each refuses the others (and a Cargo.lock) rather than misread them.
  for (const auto& [kind, file] : std::vector<std::pair<std::string, std::string>>{
           {"uv-lock", pylock},
           {"uv-lock", poetry2},
           {"pylock", uv},
           {"pylock", poetry1},
           {"poetry-lock", uv},
           {"poetry-lock", pylock},
           {"uv-lock", "tests/data/import/cargo-lock/ripgrep__Cargo.lock.v4"}}) {
    CAPTURE(kind);
    CAPTURE(file);
    auto run = RunRelgate("import " + kind + " " + file);
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.output, "error: expected "));
  }
  // With std.deps: only the packages that may build are reported (numpy, pillow, ... have
  // an sdist and platform wheels only; colorama has a universal wheel).
  const fs::path dir = testing::TempDir("relgate-pylocks");
  std::ofstream(dir / "p.gate") << "import std.deps skip [pinned_with_hash, cooldown, "
                                   "new_install_scripts, expected_source]\n";
  auto run = RunRelgate("eval --max-findings 0 --now 2026-06-01 --policy " +
                        (dir / "p.gate").string() + " --facts uv-lock:" + uv);
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.output, "numpy@2.4.1 may run an install script"));
  CHECK(!Contains(run.output, "colorama@"));
  CHECK(Contains(run.output, "7 blocking findings"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate

namespace relgate {
namespace {

TEST_CASE("several lockfiles in one release: one list of dependencies, each naming its own") {
  const std::string d = "tests/data/import/";
  const std::string facts = " --facts npm-lock:" + d +
                            "npm-lock/esbuild__scripts.package-lock.v2.json --facts uv-lock:" + d +
                            "uv-lock/boruvkas-algorithm__uv.lock --facts cargo-lock:" + d +
                            "cargo-lock/ripgrep__Cargo.lock.v4";
  const fs::path dir = testing::TempDir("relgate-lockfiles");
  std::ofstream(dir / "p.gate")
      << "import std.lockfiles\n"
         "warn count_by_ecosystem \"{count([x for x in dependencies where x.ecosystem == "
         "\"npm\"])} npm, {count([x for x in dependencies where x.ecosystem == \"pypi\"])} "
         "pypi, {count([x for x in dependencies where x.ecosystem == \"cargo\"])} cargo; first "
         "lockfile {lockfile.kind}\": false\n"
         "deny wheels for x in dependencies where x.has_install_script ?? false\n"
         "  \"{x.ecosystem} {x.name} builds ({x.lockfile_path})\": false\n";
  auto run = RunRelgate("eval --max-findings 0 --now 2026-06-01 --format json --policy " +
                        (dir / "p.gate").string() + facts);
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.output, "\"message\":\"14 npm, 20 pypi, 52 cargo; first lockfile npm-lock\""));
  // A finding on a later lockfile's dependency names that lockfile.
  CHECK(
      Contains(run.output, "\"message\":\"pypi numpy builds (" + d +
                               "uv-lock/boruvkas-algorithm__uv.lock)\",\"item\":\"dependencies["));
  CHECK(Contains(run.output,
                 "\"facts_file\":\"" + d + "uv-lock/boruvkas-algorithm__uv.lock (uv-lock)\""));
  // Only lockfiles join: a plain facts file with `dependencies` beside one is still refused.
  std::ofstream(dir / "deps.json") << "{\"dependencies\": []}";
  auto clash = RunRelgate("eval --now 2026-06-01 --policy " + (dir / "p.gate").string() + facts +
                          " --facts " + (dir / "deps.json").string());
  CHECK(clash.exit_code == 2);
  CHECK(Contains(clash.output, "fact `dependencies` is also defined in"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
