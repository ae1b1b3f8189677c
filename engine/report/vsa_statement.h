// The gate's decision as an in-toto Statement v1 with the SLSA Verification Summary
// Attestation v1 predicate, for the stages after the gate (a registry, a deploy) to check
// that the gate ran on this artifact, with which policy, and what it decided.
//
//   subject             the artifact digests (from the facts' artifact.digest, or given)
//   predicate.verifier  {id, version: {relgate: ...}}
//   timeVerified        the decision's evaluation time
//   resourceUri         the artifact, as given or derived from its name or digest
//   policy              {uri: urn:relgate:policy:<package>, digest: {sha256: policy digest}}
//   inputAttestations   each facts file with its sha256
//   verificationResult  PASSED when the gate opened, else FAILED
//   verifiedLevels      [RELGATE_POLICY_PASSED] or [FAILED]
//   relgate             extension: verdict, findings, overrides, exceptions applied
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/attest/subject.h"
#include "engine/eval/decision.h"

namespace relgate::report {

using attest::Subject;

inline constexpr const char* kVsaType = "https://slsa.dev/verification_summary/v1";

struct StatementOptions {
  std::string verifier_id = "urn:relgate:verifier";
  std::string resource_uri;  // "" derives one from the first subject
};

[[nodiscard]] std::string VsaStatement(const eval::Decision& decision,
                                       const std::vector<Subject>& subjects,
                                       const StatementOptions& options);

// What a verifier reads back from a statement; "" fields when absent.
struct StatementSummary {
  std::string type, predicate_type, result, policy_digest, package, time_verified;
  std::vector<Subject> subjects;
};

// False (with `error`) when `json` is not an in-toto Statement v1 with a VSA v1 predicate.
[[nodiscard]] bool ReadStatement(std::string_view json, StatementSummary& summary,
                                 std::string& error);

}  // namespace relgate::report
