// Text for terminals and CI logs. Strings that come from facts or policies (a dependency
// name in a message, a map key, a source line) may hold carriage returns, newlines, ANSI
// escape sequences or bidirectional overrides that fake a "GATE OPEN" line or hide a
// finding. Every human-readable output passes such strings through here.
#pragma once

#include <string>
#include <string_view>

namespace relgate {

// Escapes what a terminal would act on rather than show: C0 controls and DEL (`\n`,
// `\r`, `\t`, `\x1b`), C1 controls (`\u{9b}`, a one-byte CSI on some terminals), Unicode
// bidirectional and invisible format controls (`\u{202e}`), and bytes that are not
// UTF-8 (`\xff`). Everything else, including non-ASCII text, is kept.
[[nodiscard]] std::string Printable(std::string_view text);

// The same characters, each replaced by U+FFFD instead: one column for one character,
// so carets under a source line still point at the right place.
[[nodiscard]] std::string PrintableColumns(std::string_view text);

}  // namespace relgate
