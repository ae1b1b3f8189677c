// A file named in a report as a relative URI reference (RFC 3986): SARIF artifact
// locations and the VSA's input attestations, which code-scanning tools resolve against
// the repository, and which must never carry the machine's own paths.
#pragma once

#include <string>
#include <string_view>

namespace relgate {

// `./evidence/package-lock.json` -> `evidence/package-lock.json`; an absolute path under
// the working directory -> relative to it; any other absolute path -> its file name. Each
// byte outside RFC 3986's unreserved set and `/` is percent-encoded.
[[nodiscard]] std::string RelativeUri(std::string_view path);

}  // namespace relgate
