// Where in a policy something is declared: file, line and column. Compiled rules carry
// it, and decisions pass it on to every renderer (text and JSON show `file:line`; SARIF
// and annotations use the parts).
#pragma once

#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace relgate {

struct PolicyLocation {
  std::string file;  // as the policy was given: `policies/release.gate`, `std/baseline.gate`
  uint32_t line = 0;
  uint32_t column = 0;

  // `policies/release.gate:12`, or "" when unknown.
  std::string ToString() const {
    return file.empty() ? std::string() : fmt::format("{}:{}", file, line);
  }
};

}  // namespace relgate
