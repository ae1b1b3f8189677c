// `relgate verify-attestation FILE --key PUB.pem [--subject DIGEST] [--policy-digest D]`:
// for the stage after the gate. Exit 0: the envelope is signed by the key, its statement
// is a relgate verification summary that meets the expectations, and the gate PASSED.
// Exit 1: anything checked and found wrong (a changed payload or signature, another
// key, another subject or policy, a FAILED result). Exit 2: it cannot be checked (the
// file or key cannot be read, bad usage).

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/attest/dsse.h"
#include "engine/base/bounded_read.h"
#include "engine/base/printable.h"
#include "engine/report/vsa_statement.h"

namespace relgate::cli {
namespace {

struct VerifyArgs {
  std::string file;
  std::string key;
  std::string subject;
  std::string policy_digest;
};

int Fail(const std::string& why) {
  Err("relgate: attestation NOT verified: {}\n", Printable(why));
  return 1;
}

}  // namespace

Command SetupVerifyAttestation(CLI::App& app) {
  auto args = std::make_shared<VerifyArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify-attestation",
      "Check a signed verification summary (eval --attest --sign-key): exit 0 signed by the "
      "key, as expected, and PASSED; 1 not; 2 it cannot be checked");
  cmd->add_option("file", args->file, "The DSSE envelope")->required();
  cmd->add_option("--key", args->key, "The signer's public key (PEM)")->required();
  cmd->add_option("--subject", args->subject,
                  "Require this artifact digest among the subjects (sha256:HEX or sha512:HEX)");
  cmd->add_option("--policy-digest", args->policy_digest,
                  "Require this policy digest (sha256:HEX, as in the decision)");
  return [args]() {
    std::string envelope;
    if (std::string why = ReadBounded(args->file, {16u << 20, true}, envelope); !why.empty()) {
      Err("relgate: error: `{}` {}\n", Printable(args->file), why);
      return 2;
    }
    attest::Subject wanted;
    if (!args->subject.empty() && !attest::ParseSubject(args->subject, wanted)) {
      Err("relgate: error: --subject `{}` is not sha256:HEX or sha512:HEX\n",
          Printable(args->subject));
      return 2;
    }
    bool cannot_run = false;
    const attest::Verified verified = attest::VerifyEnvelope(envelope, args->key, cannot_run);
    if (cannot_run) {
      Err("relgate: error: {}\n", Printable(verified.problem));
      return 2;
    }
    if (!verified.ok)
      return Fail(verified.problem);
    if (verified.payload_type != attest::kInTotoPayloadType)
      return Fail(fmt::format("the payload type is `{}`, not in-toto's", verified.payload_type));
    report::StatementSummary s;
    std::string error;
    if (!report::ReadStatement(verified.payload, s, error))
      return Fail(error);
    if (!args->subject.empty()) {
      bool found = false;
      for (const attest::Subject& subject : s.subjects)
        found = found || (!wanted.sha256.empty() && subject.sha256 == wanted.sha256) ||
                (!wanted.sha512.empty() && subject.sha512 == wanted.sha512);
      if (!found)
        return Fail(fmt::format("the statement is not about {}", args->subject));
    }
    if (!args->policy_digest.empty()) {
      const std::string want = args->policy_digest.rfind("sha256:", 0) == 0
                                   ? args->policy_digest.substr(7)
                                   : args->policy_digest;
      if (s.policy_digest != want)
        return Fail(fmt::format("the policy was sha256:{}, not sha256:{}", s.policy_digest, want));
    }
    std::string subjects;
    for (const attest::Subject& subject : s.subjects)
      subjects +=
          fmt::format("{}{} ({})", (subjects.empty() ? "" : ", "), subject.name, subject.Digest());
    if (s.result != "PASSED")
      return Fail(
          fmt::format("signed, but the gate did not pass: {} for policy {}", s.result, s.package));
    Out("attestation verified: {} for policy {} (sha256:{}) at {}; subjects: {}\n", s.result,
        Printable(s.package), s.policy_digest, Printable(s.time_verified), Printable(subjects));
    return 0;
  };
}

}  // namespace relgate::cli
