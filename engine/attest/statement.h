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

#include <fmt/format.h>

#include "engine/eval/decision.h"
#include "engine/facts/facts.h"

namespace relgate::attest {

inline constexpr const char* kStatementType = "https://in-toto.io/Statement/v1";
inline constexpr const char* kVsaType = "https://slsa.dev/verification_summary/v1";

struct Subject {
  std::string name;
  std::string sha256;  // hex, lower case; "" when the subject is named by SHA-512
  std::string sha512;  // hex, lower case (npm names its tarballs by SHA-512 only)

  [[nodiscard]] std::string Digest() const {
    return sha256.empty() ? fmt::format("sha512:{}", sha512) : fmt::format("sha256:{}", sha256);
  }
};

// `sha256:HEX`, `sha512:HEX` or `NAME@` either; false when it is neither.
[[nodiscard]] bool ParseSubject(std::string_view text, Subject& subject);

// The artifact digest the facts carry (`artifact.digest`, named by `artifact.name`).
[[nodiscard]] std::vector<Subject> SubjectsFromFacts(const facts::FactSet& set);

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

}  // namespace relgate::attest
