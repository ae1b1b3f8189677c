// The canonical layout of a .gate file (`relgate fmt`). Token-based: the author's line
// breaks are kept (runs of blank lines become one, none at the start, one newline at the
// end); every line is re-indented (two spaces inside each bracket opened on an earlier
// line, two for a declaration continued at the top level); spacing within a line is
// fixed (one space around operators and keywords and after commas and colons, none inside
// brackets and parentheses, one inside braces, two before a trailing comment). Every
// comment is kept. Formatting its own output changes nothing, and since only whitespace
// between tokens changes, the syntax tree is the same (tests/fmt_test.cpp checks both
// over every .gate file in the repository and the fuzz corpus).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace relgate::syntax {

// The canonical form of `text`, which must parse (check with ParseModule first: a file
// with syntax errors is not formatted).
[[nodiscard]] std::string FormatSource(std::string_view text);

// FormatSource with proof that only the layout changed, as `relgate fmt` writes it: the
// formatted text parses to the same syntax tree as `text` (PrintModule), with the same
// comments, and formatting it again changes nothing. Empty, with `problem` set, when it
// does not: a formatter that could change what a policy means never writes a file.
// `text` must parse (check with ParseModule first).
[[nodiscard]] std::optional<std::string> FormatSourceChecked(std::string_view text,
                                                             std::string& problem);

}  // namespace relgate::syntax
