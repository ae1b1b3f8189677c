// Internal to engine/facts. simdjson reports what is wrong with a document but not where;
// on the error path only, this small validator finds the first syntax error's byte offset
// and what was expected there. Iterative (an explicit stack), so no input can make it
// recurse; it does not build anything.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace relgate::facts::internal {

struct JsonSyntaxError {
  size_t offset = std::string_view::npos;  // npos: no syntax error found
  std::string expected;                    // "`,` or `}`", "a value", ...
};

JsonSyntaxError LocateJsonSyntaxError(std::string_view text);

// The first number token (outside strings) that facts cannot hold: an integer below
// int64's range (simdjson takes positive ones up to uint64, which the converter
// reports with their path) or a float that overflows to infinity. Sets `token`.
size_t FindBadJsonNumber(std::string_view text, std::string& token);

}  // namespace relgate::facts::internal
