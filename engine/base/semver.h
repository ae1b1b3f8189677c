// Semantic Versioning 2.0.0 (semver.org): validation and precedence. A leading `v` is
// accepted (`v1.2.3`), as tags are often written that way; build metadata is ignored for
// precedence, as the specification says.
#pragma once

#include <string_view>

namespace relgate {

[[nodiscard]] bool IsSemver(std::string_view text);
// Precedence of two versions that IsSemver accepts: negative, zero or positive.
[[nodiscard]] int SemverCompare(std::string_view a, std::string_view b);

}  // namespace relgate
