// relgate's version: `relgate --version`, and the tool version CI formats report.
#pragma once

namespace relgate {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace relgate
