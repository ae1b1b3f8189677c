// Standard base64 (RFC 4648, with padding), as DSSE envelopes and attestation bundles
// carry their payloads and signatures. OpenSSL's codec underneath.
#pragma once

#include <string>
#include <string_view>

namespace relgate {

[[nodiscard]] std::string Base64Encode(std::string_view bytes);
// False for anything but standard base64 (padding required, no whitespace).
[[nodiscard]] bool Base64Decode(std::string_view text, std::string& bytes);

}  // namespace relgate
