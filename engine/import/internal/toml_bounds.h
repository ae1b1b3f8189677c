// The shape of a TOML document bounded before toml++ sees it (internal to engine/import).
// toml++ builds a dotted key (`a.b.c = 1`, `[a.b.c]`) as nested tables and tears them down
// recursively, so a key of 50,000 parts overflows the stack; its own limit covers nested
// arrays and inline tables only. A lockfile needs a handful of each: a key of more than
// kMaxTomlKeyParts parts, or arrays and inline tables nested deeper than
// kMaxTomlNesting, is refused at its line and column. So is a character other than ASCII
// outside strings and comments (invalid TOML, and a path into undefined behaviour in
// toml++ 3.3: toml_bounds.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/facts/facts.h"
#include <toml++/toml.h>

namespace relgate::import::internal {

inline constexpr size_t kMaxTomlKeyParts = 64;
inline constexpr size_t kMaxTomlNesting = 64;

struct TomlBoundsError {
  uint32_t line = 0, column = 0;
  std::string message;
};

// True when `text` is within the bounds; else false with where and why.
[[nodiscard]] bool CheckTomlBounds(std::string_view text, TomlBoundsError& error);

// CheckTomlBounds, then toml++: false with `error` (file, line, column) when either refuses.
[[nodiscard]] bool ParseBoundedToml(std::string_view bytes, const std::string& path,
                                    toml::table& root, facts::LoadError& error);

}  // namespace relgate::import::internal
