// `file://` URIs (RFC 8089) and local paths, as editors send them: percent-encoded,
// absolute, with an empty or `localhost` authority.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relgate::lsp {

// The local path of a `file://` URI; empty for any other scheme, a remote host, or an
// encoding that does not decode (`%zz`, an encoded NUL or `/`).
[[nodiscard]] std::optional<std::string> PathFromUri(std::string_view uri);

// The `file://` URI of an absolute path (characters outside RFC 3986's unreserved set
// and `/` percent-encoded, as VS Code writes them).
[[nodiscard]] std::string UriFromPath(std::string_view path);

}  // namespace relgate::lsp
