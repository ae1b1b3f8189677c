// An artifact named by its digest, as in-toto statements name their subjects: what a
// verification summary is about, what `--subject` names, what the facts' artifact carries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "engine/facts/facts.h"

namespace relgate::attest {

inline constexpr const char* kStatementType = "https://in-toto.io/Statement/v1";

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

}  // namespace relgate::attest
