// Signed verification summaries through the binary: `eval --attest --sign-key` and
// `verify-attestation`, with Ed25519 and ECDSA P-256 keys made by the openssl command.
// The signature is also checked by the openssl command itself over a PAE the test builds
// (an implementation independent of relgate's), and every tampering must fail.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "engine/attest/dsse.h"
#include "engine/facts/facts.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

using testing::Contains;

int Shell(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Keys {
  fs::path dir = fs::temp_directory_path() / ("relgate-attest-" + std::to_string(getpid()));

  Keys() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string d = dir.string() + "/";
    REQUIRE(Shell("openssl genpkey -algorithm ed25519 -out " + d + "ed.pem") == 0);
    REQUIRE(Shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + d +
                  "ec.pem") == 0);
    REQUIRE(Shell("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out " + d +
                  "p384.pem") == 0);
    for (const char* k : {"ed", "ec"})
      REQUIRE(Shell("openssl pkey -in " + d + k + ".pem -pubout -out " + d + k + ".pub") == 0);
  }

  ~Keys() { fs::remove_all(dir); }

  std::string operator/(const std::string& name) const { return (dir / name).string(); }
};

const std::string kOpen =
    "eval --policy policies --now 2026-06-01 --facts examples/releases/open/release.yaml ";
const std::string kDigest =
    "sha256:9b1c0f2e7a5d4c3b2a19f8e7d6c5b4a3928171605f4e3d2c1b0a9f8e7d6c5b4a";

std::string Field(const facts::Node& node, const char* key) {
  const facts::Node* value = node.Find(key);
  REQUIRE(value != nullptr);
  return std::string(value->str());
}

TEST_CASE("a signed summary verifies, here and with the openssl command") {
  Keys keys;
  for (const char* k : {"ed", "ec"}) {
    CAPTURE(k);
    const std::string envelope = keys / (std::string(k) + ".dsse");
    auto eval = RunRelgate(kOpen + "--attest " + envelope + " --sign-key " +
                           keys / (std::string(k) + ".pem"));
    CHECK(eval.exit_code == 0);
    CHECK(eval.output.rfind("GATE OPEN", 0) == 0);
    auto verify = RunRelgate("verify-attestation " + envelope + " --key " +
                             keys / (std::string(k) + ".pub") + " --subject " + kDigest +
                             " --policy-digest sha256:07df585118a51a3306ca3f577df84d9e149d4c6307"
                             "154ad73ab4b0a62a30294e");
    CHECK(verify.exit_code == 0);
    CHECK(Contains(verify.output, "attestation verified: PASSED for policy acme.release"));

    // The openssl command checks the signature over PAE(type, payload), built here.
    facts::LoadError error;
    auto doc = facts::ParseJson(testing::ReadFile(envelope), "envelope", error);
    REQUIRE(doc);
    std::string payload, signature;
    REQUIRE(attest::Base64Decode(Field(doc->root(), "payloadType") == attest::kInTotoPayloadType
                                     ? Field(doc->root(), "payload")
                                     : "",
                                 payload));
    REQUIRE(
        attest::Base64Decode(Field(doc->root().Find("signatures")->items[0], "sig"), signature));
    CHECK(Contains(payload, "\"predicateType\":\"https://slsa.dev/verification_summary/v1\""));
    const std::string pae =
        "DSSEv1 28 application/vnd.in-toto+json " + std::to_string(payload.size()) + " " + payload;
    std::ofstream(keys / "pae.bin", std::ios::binary) << pae;
    std::ofstream(keys / "sig.bin", std::ios::binary) << signature;
    const std::string check = std::string(k) == "ed"
                                  ? "openssl pkeyutl -verify -pubin -inkey " + keys / "ed.pub" +
                                        " -rawin -in " + keys / "pae.bin" + " -sigfile " +
                                        keys / "sig.bin"
                                  : "openssl dgst -sha256 -verify " + keys / "ec.pub" +
                                        " -signature " + keys / "sig.bin" + " " + keys / "pae.bin";
    CHECK(Shell(check) == 0);
    std::ofstream(keys / "pae.bin", std::ios::binary) << pae + " ";  // the control
    CHECK(Shell(check) != 0);
  }
}

TEST_CASE("every tampering, another key, subject or policy, and a failed gate do not verify") {
  Keys keys;
  const std::string envelope = keys / "a.dsse";
  REQUIRE(RunRelgate(kOpen + "--attest " + envelope + " --sign-key " + keys / "ed.pem").exit_code ==
          0);
  const std::string original = testing::ReadFile(envelope);
  auto verify = [&](const std::string& text, const std::string& rest = "") {
    std::ofstream(keys / "t.dsse", std::ios::binary) << text;
    return RunRelgate("verify-attestation " + keys / "t.dsse" + " --key " + keys / "ed.pub" + " " +
                      rest);
  };
  CHECK(verify(original).exit_code == 0);

  // A payload byte: the statement re-encoded with one byte changed.
  facts::LoadError error;
  auto doc = facts::ParseJson(original, "envelope", error);
  REQUIRE(doc);
  const std::string payload64 = Field(doc->root(), "payload");
  std::string payload;
  REQUIRE(attest::Base64Decode(payload64, payload));
  std::string forged = payload;
  const size_t at = forged.find("\"acme.release\"");
  REQUIRE(at != std::string::npos);
  forged[at + 1] = 'A';  // "Acme.release"
  std::string tampered = original;
  tampered.replace(tampered.find(payload64), payload64.size(), attest::Base64Encode(forged));
  auto changed = verify(tampered);
  CHECK(changed.exit_code == 1);
  CHECK(
      Contains(changed.output, "attestation NOT verified: no signature in the envelope verifies"));

  // A signature byte.
  const std::string sig64 = Field(doc->root().Find("signatures")->items[0], "sig");
  std::string sig;
  REQUIRE(attest::Base64Decode(sig64, sig));
  sig[5] ^= 1;
  tampered = original;
  tampered.replace(tampered.find(sig64), sig64.size(), attest::Base64Encode(sig));
  CHECK(verify(tampered).exit_code == 1);

  // The payload type.
  tampered = original;
  tampered.replace(tampered.find("application/vnd.in-toto+json"), 28,
                   "application/vnd.in-toto+jsoN");
  CHECK(verify(tampered).exit_code == 1);

  // Another key, another subject, another policy.
  CHECK(RunRelgate("verify-attestation " + envelope + " --key " + keys / "ec.pub").exit_code == 1);
  auto subject = verify(original, "--subject sha256:" + std::string(64, 'a'));
  CHECK(subject.exit_code == 1);
  CHECK(Contains(subject.output, "the statement is not about sha256:aaaa"));
  auto policy = verify(original, "--policy-digest sha256:" + std::string(64, 'b'));
  CHECK(policy.exit_code == 1);
  CHECK(Contains(policy.output, "the policy was sha256:07df5851"));

  // A shut gate is attested (FAILED) and does not verify as passed.
  const std::string shut = keys / "shut.dsse";
  auto shut_eval = RunRelgate(
      "eval --policy policies --now 2026-06-01 --facts "
      "examples/releases/shut-reviews/release.json --attest " +
      shut + " --sign-key " + keys / "ec.pem");
  CHECK(shut_eval.exit_code == 1);
  auto shut_verify = RunRelgate("verify-attestation " + shut + " --key " + keys / "ec.pub");
  CHECK(shut_verify.exit_code == 1);
  CHECK(Contains(shut_verify.output, "signed, but the gate did not pass: FAILED"));

  // Cannot be checked: exit 2.
  CHECK(RunRelgate("verify-attestation " + envelope + " --key " + keys / "nope.pub").exit_code ==
        2);
  CHECK(RunRelgate("verify-attestation " + keys / "nope.dsse" + " --key " + keys / "ed.pub")
            .exit_code == 2);
}

TEST_CASE("attesting needs a supported key and a subject, and writes nothing otherwise") {
  Keys keys;
  auto p384 =
      RunRelgate(kOpen + "--attest " + keys / "x.dsse" + " --sign-key " + keys / "p384.pem");
  CHECK(p384.exit_code == 2);
  CHECK(Contains(p384.output, "is neither Ed25519 nor ECDSA P-256"));
  CHECK(!fs::exists(keys / "x.dsse"));
  auto bad_subject = RunRelgate(kOpen + "--attest " + keys / "x.json --subject md5:abc");
  CHECK(bad_subject.exit_code == 2);
  CHECK(!fs::exists(keys / "x.json"));
  auto no_attest = RunRelgate(kOpen + "--sign-key " + keys / "ed.pem");
  CHECK(no_attest.exit_code == 2);

  // Unsigned: the bare statement, about the subjects given.
  auto bare = RunRelgate(kOpen + "--attest " +
                         keys / "s.json --subject app@sha256:" + std::string(64, 'c'));
  CHECK(bare.exit_code == 0);
  const std::string statement = testing::ReadFile(keys / "s.json");
  CHECK(statement.rfind("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":"
                        "\"app\",\"digest\":{\"sha256\":\"cccc",
                        0) == 0);
  CHECK(Contains(statement, "\"verificationResult\":\"PASSED\""));

  // No artifact digest in the facts and none given.
  std::string facts =
      testing::ReadFile(testing::SourceDir() + "/examples/releases/open/release.yaml");
  facts.replace(facts.find("  digest: sha256:9b1c"), 9, "  other: ");
  std::ofstream(keys / "release.yaml") << facts;
  auto none = RunRelgate("eval --policy policies --now 2026-06-01 --facts " +
                         keys / "release.yaml" + " --attest " + keys / "n.json");
  CHECK(none.exit_code == 2);
  CHECK(Contains(none.output, "--attest needs the artifact's digest"));
}

}  // namespace
}  // namespace relgate

namespace relgate {
namespace {

// npm names a package by the SHA-512 of its tarball only: a summary can be about it.
TEST_CASE("a summary about a SHA-512 subject, as npm names packages") {
  Keys keys;
  const std::string sha512 = "sha512:" + std::string(128, 'e');
  const std::string envelope = keys / "npm.dsse";
  auto eval = RunRelgate(kOpen + "--attest " + envelope + " --sign-key " + keys / "ed.pem" +
                         " --subject pkg:npm/left-pad@" + sha512);
  CHECK(eval.exit_code == 0);
  CHECK(Contains(testing::ReadFile(envelope), "\"payloadType\""));
  auto verify = RunRelgate("verify-attestation " + envelope + " --key " + keys / "ed.pub" +
                           " --subject " + sha512);
  CHECK(verify.exit_code == 0);
  CHECK(Contains(verify.output, "subjects: pkg:npm/left-pad (" + sha512 + ")"));
  auto other = RunRelgate("verify-attestation " + envelope + " --key " + keys / "ed.pub" +
                          " --subject sha512:" + std::string(128, 'f'));
  CHECK(other.exit_code == 1);
  auto bad = RunRelgate("verify-attestation " + envelope + " --key " + keys / "ed.pub" +
                        " --subject sha512:abc");
  CHECK(bad.exit_code == 2);
  CHECK(Contains(bad.output, "is not sha256:HEX or sha512:HEX"));
}

}  // namespace
}  // namespace relgate
