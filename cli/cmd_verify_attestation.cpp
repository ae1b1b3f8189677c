// `relgate verify-attestation FILE --key PUB.pem [--subject DIGEST] [--policy-digest D]`:
// for the stage after the gate. Exit 0: the envelope is signed by the key, its statement
// is a relgate verification summary that meets the expectations, and the gate PASSED.
// Exit 1: anything checked and found wrong (a changed payload or signature, another
// key, another subject or policy, a FAILED result). Exit 2: it cannot be checked (the
// file or key cannot be read, bad usage).
#include <iostream>

#include "cli/commands.h"
#include "engine/attest/dsse.h"
#include "engine/attest/statement.h"
#include "engine/base/bounded_read.h"
#include "engine/base/printable.h"

namespace relgate::cli {
namespace {

struct VerifyArgs {
  std::string file;
  std::string key;
  std::string subject;
  std::string policy_digest;
};

int Fail(const std::string& why) {
  std::cerr << "relgate: attestation NOT verified: " << Printable(why) << "\n";
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
                  "Require this artifact digest among the subjects (sha256:HEX)");
  cmd->add_option("--policy-digest", args->policy_digest,
                  "Require this policy digest (sha256:HEX, as in the decision)");
  return [args]() {
    std::string envelope;
    if (std::string why = ReadBounded(args->file, {16u << 20, true}, envelope); !why.empty()) {
      std::cerr << "relgate: error: `" << Printable(args->file) << "` " << why << "\n";
      return 2;
    }
    attest::Subject wanted;
    if (!args->subject.empty() && !attest::ParseSubject(args->subject, wanted)) {
      std::cerr << "relgate: error: --subject `" << Printable(args->subject)
                << "` is not sha256:HEX\n";
      return 2;
    }
    bool cannot_run = false;
    const attest::Verified verified = attest::VerifyEnvelope(envelope, args->key, cannot_run);
    if (cannot_run) {
      std::cerr << "relgate: error: " << Printable(verified.problem) << "\n";
      return 2;
    }
    if (!verified.ok)
      return Fail(verified.problem);
    if (verified.payload_type != attest::kInTotoPayloadType)
      return Fail("the payload type is `" + verified.payload_type + "`, not in-toto's");
    attest::StatementSummary s;
    std::string error;
    if (!attest::ReadStatement(verified.payload, s, error))
      return Fail(error);
    if (!args->subject.empty()) {
      bool found = false;
      for (const attest::Subject& subject : s.subjects)
        found = found || subject.sha256 == wanted.sha256;
      if (!found)
        return Fail("the statement is not about " + args->subject);
    }
    if (!args->policy_digest.empty()) {
      const std::string want = args->policy_digest.rfind("sha256:", 0) == 0
                                   ? args->policy_digest.substr(7)
                                   : args->policy_digest;
      if (s.policy_digest != want)
        return Fail("the policy was sha256:" + s.policy_digest + ", not sha256:" + want);
    }
    std::string subjects;
    for (const attest::Subject& subject : s.subjects)
      subjects +=
          (subjects.empty() ? "" : ", ") + subject.name + " (sha256:" + subject.sha256 + ")";
    if (s.result != "PASSED")
      return Fail("signed, but the gate did not pass: " + s.result + " for policy " + s.package);
    std::cout << "attestation verified: " << s.result << " for policy " << Printable(s.package)
              << " (sha256:" << s.policy_digest << ") at " << Printable(s.time_verified)
              << "; subjects: " << Printable(subjects) << "\n";
    return 0;
  };
}

}  // namespace relgate::cli
