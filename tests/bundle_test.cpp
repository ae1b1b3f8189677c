// Signed policy bundles: every file's syntax tree survives the trip through JSON; a bundle
// decides every shipped release as its sources do (verdict, exit code, policy digest) and
// records its own digest and revision; loading one runs no parser; and every way a bundle
// can be wrong — another key, a changed byte, another payload type, another format, a
// text that is not its digest, a malformed tree, no key, a key without a bundle, a policy
// that does not compile — keeps the gate shut (exit 2) with the reason.
#include "engine/bundle/bundle.h"

#include <filesystem>
#include <fstream>
#include <functional>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/attest/dsse.h"
#include "engine/base/digest.h"
#include "engine/bundle/ast_json.h"
#include "engine/decider.h"
#include "engine/facts/facts.h"
#include "engine/syntax/ast_printer.h"
#include "engine/syntax/parse.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunRelgate;

int Shell(const std::string& command) {
  return std::system(command.c_str());
}

// Keys made once for the whole file: Ed25519 and P-256 signers, and a stranger.
const fs::path& Keys() {
  static const fs::path dir = [] {
    fs::path d = testing::TempDir("relgate-bundle-keys");
    const std::string p = d.string() + "/";
    REQUIRE(Shell("openssl genpkey -algorithm ed25519 -out " + p + "ed.pem") == 0);
    REQUIRE(Shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + p +
                  "ec.pem") == 0);
    REQUIRE(Shell("openssl genpkey -algorithm ed25519 -out " + p + "other.pem") == 0);
    for (const char* k : {"ed", "ec", "other"})
      REQUIRE(Shell(fmt::format("openssl pkey -in {0}{1}.pem -pubout -out {0}{1}.pub", p, k)) == 0);
    return d;
  }();
  return dir;
}

std::string Key(const char* name) {
  return (Keys() / name).string();
}

// The payload of a bundle, re-signed after `edit` with the bundle's own key (what a
// careless or hostile builder with the key could ship).
std::string Resigned(const std::string& bundle_path, const char* payload_type,
                     const std::function<void(std::string&)>& edit) {
  bool cannot_run = false;
  const attest::Verified v =
      attest::VerifyEnvelope(testing::ReadFile(bundle_path), Key("ed.pub"), cannot_run);
  REQUIRE(v.ok);
  std::string payload = v.payload;
  edit(payload);
  std::string error;
  const std::string envelope = attest::SignEnvelope(payload, payload_type, Key("ed.pem"), error);
  REQUIRE(error.empty());
  return envelope;
}

void Replace(std::string& text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

TEST_CASE("every syntax tree of the stdlib and the shipped policies survives JSON") {
  std::vector<std::string> files;
  for (const char* dir : {"stdlib", "policies", "examples/incidents"}) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.path().extension() == ".gate")
        files.push_back(entry.path().string());
    }
  }
  REQUIRE(files.size() > 20);
  for (const std::string& path : files) {
    CAPTURE(path);
    SourceMap sources;
    DiagnosticSink sink;
    const std::string text = testing::ReadFile(path);
    const FileId id = sources.Add(path, text);
    syntax::IdAllocator ids;
    auto parsed = syntax::ParseModule(sources, id, ids, sink);
    REQUIRE(parsed);
    JsonWriter first;
    bundle::WriteModule(*parsed, first);
    const std::string json = first.TakeLine();
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
    syntax::IdAllocator read_ids;
    std::string error;
    auto read = bundle::ReadModule(doc, id, static_cast<uint32_t>(text.size()), read_ids, error);
    REQUIRE_MESSAGE(read != nullptr, error);
    CHECK(read_ids.count() == ids.count());  // one id per expression, as the parser gives
    JsonWriter second;
    bundle::WriteModule(*read, second);
    CHECK(second.TakeLine() == json);
    CHECK(syntax::PrintModule(*read) == syntax::PrintModule(*parsed));
  }
}

TEST_CASE("a bundle decides every shipped release as its sources do, and says so") {
  const fs::path dir = testing::TempDir("relgate-bundle");
  for (const char* key : {"ed", "ec"}) {
    CAPTURE(key);
    const std::string bundle = (dir / fmt::format("{}.bundle", key)).string();
    auto built =
        RunRelgate(fmt::format("bundle build policies -o {} --sign-key {} --revision "
                               "2026.12-{}",
                               bundle, Key(fmt::format("{}.pem", key).c_str()), key));
    REQUIRE(built.exit_code == 0);
    CHECK(Contains(built.output, fmt::format("wrote {} (", bundle)));
    auto verified = RunRelgate(fmt::format("bundle verify {} --bundle-key {}", bundle,
                                           Key(fmt::format("{}.pub", key).c_str())));
    CHECK(verified.exit_code == 0);
    CHECK(Contains(verified.output,
                   fmt::format("revision: 2026.12-{}\nbuilt by: relgate 0.1.0", key)));
    CHECK(Contains(verified.output, "  std/baseline.gate sha256:"));
    size_t releases = 0;
    for (const auto& entry : fs::directory_iterator("examples/releases")) {
      std::string facts;
      for (const char* name : {"release.yaml", "release.json"}) {
        if (fs::exists(entry.path() / name))
          facts = (entry.path() / name).string();
      }
      if (facts.empty())
        continue;
      CAPTURE(facts);
      ++releases;
      const std::string common =
          fmt::format("--facts {} --now 2026-06-01T00:00:00Z --format json", facts);
      auto from_sources = RunRelgate(fmt::format("eval --policy policies {}", common), false);
      auto from_bundle = RunRelgate(fmt::format("eval --policy {} --bundle-key {} {}", bundle,
                                                Key(fmt::format("{}.pub", key).c_str()), common),
                                    false);
      CHECK(from_bundle.exit_code == from_sources.exit_code);
      facts::LoadError error;
      auto a = facts::ParseJson(from_sources.output, "sources.json", error);
      auto b = facts::ParseJson(from_bundle.output, "bundle.json", error);
      REQUIRE(a);
      REQUIRE(b);
      CHECK(a->root().Find("verdict")->str() == b->root().Find("verdict")->str());
      const facts::Node* policy_a = a->root().Find("policy");
      const facts::Node* policy_b = b->root().Find("policy");
      CHECK(policy_a->Find("digest")->str() == policy_b->Find("digest")->str());
      CHECK(policy_a->Find("bundle") == nullptr);
      REQUIRE(policy_b->Find("bundle") != nullptr);
      CHECK(policy_b->Find("bundle")->Find("revision")->str() == fmt::format("2026.12-{}", key));
      CHECK(policy_b->Find("bundle")->Find("digest")->str() ==
            "sha256:" + Sha256Hex(testing::ReadFile(bundle)));
      CHECK(a->root().Find("findings")->len == b->root().Find("findings")->len);
      CHECK(a->root().Find("errors")->len == b->root().Find("errors")->len);
    }
    CHECK(releases >= 5);
  }
  // The policy tests of the sources, run on what ships; a replay with the bundle.
  const std::string bundle = (dir / "ed.bundle").string();
  auto tested =
      RunRelgate(fmt::format("test policies/release.test.yaml --policy {} --bundle-key {}", bundle,
                             Key("ed.pub")),
                 false);
  auto tested_sources = RunRelgate("test policies/release.test.yaml", false);
  CHECK(tested.exit_code == 0);
  CHECK(tested_sources.exit_code == 0);
  CHECK(tested.output == tested_sources.output);
  auto replayed =
      RunRelgate(fmt::format("replay --policy {} --bundle-key {} --baseline policies --history "
                             "examples/history/releases.jsonl",
                             bundle, Key("ed.pub")),
                 false);
  CAPTURE(replayed.output);
  CHECK(replayed.exit_code == 0);
  fs::remove_all(dir);
}

TEST_CASE("loading a bundle runs no parser") {
  SourceMap build_sources;
  DiagnosticSink build_sink;
  std::string error;
  const std::string bundle = bundle::Build({"policies"}, check::Stdlib(), {Key("ed.pem"), "r1"},
                                           build_sources, build_sink, error);
  REQUIRE(!bundle.empty());
  const uint64_t parsed = syntax::ParseCount();
  SourceMap sources;
  DiagnosticSink sink;
  bundle::BundleInfo info;
  auto loaded = bundle::Load("org.bundle", bundle, Key("ed.pub"), sources, info, error);
  REQUIRE_MESSAGE(loaded, error);
  auto program = CompileLoaded(std::move(*loaded), sources, sink);
  REQUIRE(program != nullptr);
  CHECK(program->rules().size() == 10);
  CHECK(syntax::ParseCount() == parsed);
  CHECK(info.revision == "r1");
}

TEST_CASE("a bundle that cannot be trusted or read keeps the gate shut, and says why") {
  const fs::path dir = testing::TempDir("relgate-bundle-bad");
  const std::string good = (dir / "org.bundle").string();
  REQUIRE(RunRelgate(fmt::format("bundle build policies -o {} --sign-key {}", good, Key("ed.pem")))
              .exit_code == 0);
  const std::string release = "examples/releases/open/release.yaml";
  auto eval = [&](const std::string& text, const char* key = "ed.pub") {
    const std::string path = (dir / "bad.bundle").string();
    std::ofstream(path, std::ios::binary) << text;
    return RunRelgate(
        fmt::format("eval --policy {} --bundle-key {} --facts {}", path, Key(key), release));
  };
  auto expect = [](const testing::RunResult& r, const std::string& why) {
    CAPTURE(r.output);
    CHECK(r.exit_code == 2);
    CHECK(Contains(r.output, why));
  };
  const std::string text = testing::ReadFile(good);
  expect(eval(text, "other.pub"), "is not signed by the key");
  std::string flipped = text;
  flipped[flipped.find("\"payload\":\"") + 40] ^= 1;
  expect(eval(flipped), "is not signed by the key");
  expect(eval(Resigned(good, "application/vnd.in-toto+json", [](std::string&) {})),
         "its payload type is `application/vnd.in-toto+json`, not a relgate policy bundle's");
  expect(eval(Resigned(good, bundle::kPayloadType,
                       [](std::string& p) { Replace(p, "\"format\":1", "\"format\":2"); })),
         "it was built by relgate 0.1.0 (bundle format 2), and this relgate (0.1.0) reads "
         "format 1: rebuild it with `relgate bundle build`");
  expect(eval(Resigned(good, bundle::kPayloadType,
                       [](std::string& p) { Replace(p, "deny ", "warn "); })),
         "does not match its digest: the bundle was altered before it was signed");
  expect(eval(Resigned(good, bundle::kPayloadType,
                       [](std::string& p) { Replace(p, "\"k\":\"binary\"", "\"k\":\"bogus\""); })),
         ".k: expected one of int, float, string");
  // A tree of the wrong shape (a `has` with two operands) never reaches the checker.
  expect(eval(Resigned(good, bundle::kPayloadType,
                       [](std::string& p) { Replace(p, "\"k\":\"binary\"", "\"k\":\"has\""); })),
         "a `has` expression needs one operand");
  expect(eval(Resigned(good, bundle::kPayloadType,
                       [](std::string& p) {
                         Replace(p, "\"path\":\"release.gate\"", "\"path\":\"../release.gate\"");
                       })),
         "has no path a policy file can have");
  expect(RunRelgate(fmt::format("eval --policy {} --facts {}", good, release)),
         "is a policy bundle: give --bundle-key PUB.pem");
  expect(RunRelgate(fmt::format("eval --policy policies --bundle-key {} --facts {}", Key("ed.pub"),
                                release)),
         "--bundle-key is for a policy bundle");
  // A policy that does not compile is not bundled.
  std::ofstream(dir / "broken.gate") << "package p\ndeny r \"m\": nope\n";
  const std::string none = (dir / "none.bundle").string();
  expect(RunRelgate(fmt::format("bundle build {} -o {} --sign-key {}",
                                (dir / "broken.gate").string(), none, Key("ed.pem"))),
         "the policy does not compile; no bundle written");
  CHECK(!fs::exists(none));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
