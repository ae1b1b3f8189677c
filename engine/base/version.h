// relgate's version: `relgate --version`, and the tool version CI formats report.
#pragma once

namespace relgate {

inline constexpr const char* kRelgateVersion = "0.1.0";

}  // namespace relgate
