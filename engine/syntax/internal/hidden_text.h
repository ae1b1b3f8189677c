// Characters a policy source may not hold, because a reader and relgate would see
// different text: a line break that only one side honours, or a control that reorders what
// is shown.
//
// relgate ends a line at LF (CRLF is LF with a CR before it), and only there: the lexer,
// the line table of diagnostics and `relgate fmt` all agree on that. Editors, diff viewers
// and terminals also break lines at a lone CR, VT, FF, NEL, U+2028 and U+2029, so
// `# note<CR>deny hidden ...` shows a comment where relgate reads a rule (or the reverse).
// Bidirectional controls (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) reorder
// what a reviewer sees ("Trojan Source"), and other C0 controls and DEL are invisible.
// All of them are refused, each with its position, wherever they are (comments and
// strings included); a string that needs one writes an escape (`\r`, `\t`), a regex
// `\x{202E}`.
#pragma once

#include <string_view>

#include "engine/base/diagnostic.h"

namespace relgate::syntax::internal {

// Reports each such character in `text` (valid UTF-8) as an error of `file`; returns how
// many were found. After the first few, one more diagnostic says how many were left out.
size_t RefuseHiddenText(std::string_view text, FileId file, uint32_t base, DiagnosticSink& sink);

}  // namespace relgate::syntax::internal
