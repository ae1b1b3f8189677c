// "Did you mean" suggestions by edit distance, for unknown names in diagnostics.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace relgate {

// The candidate closest to `name` if it is close enough to be a plausible typo, else "".
// Ties are broken by the order of `candidates`, so results are deterministic.
[[nodiscard]] std::string Suggest(std::string_view name,
                                  const std::vector<std::string>& candidates);

}  // namespace relgate
