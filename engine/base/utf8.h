// UTF-8 validation shared by the policy parser and the facts loaders.
#pragma once

#include <string_view>

namespace relgate {

// Byte offset of the first invalid UTF-8 sequence (overlong forms, surrogates and code
// points past U+10FFFF are invalid), or std::string_view::npos if `text` is valid.
[[nodiscard]] size_t FirstInvalidUtf8(std::string_view text);

}  // namespace relgate
