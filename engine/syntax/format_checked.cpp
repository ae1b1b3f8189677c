// The proof behind `relgate fmt -w`: a rewrite that would change the parsed policy is
// refused, whatever the formatter's rules get wrong about some input.
#include <fmt/format.h>

#include "engine/syntax/ast_printer.h"
#include "engine/syntax/format.h"
#include "engine/syntax/parse.h"

namespace relgate::syntax {
namespace {

// The syntax tree and the comments of `text`, as text to compare; empty if it does not
// parse.
std::optional<std::string> Meaning(std::string_view text) {
  SourceMap sources;
  const FileId file = sources.Add("fmt", std::string(text));
  DiagnosticSink sink;
  IdAllocator ids;
  const std::optional<Module> module = ParseModule(sources, file, ids, sink);
  if (!module)
    return std::nullopt;
  std::string out = PrintModule(*module);
  for (const Comment& comment : module->comments) {
    std::string_view body = comment.text;
    while (!body.empty() && (body.back() == ' ' || body.back() == '\t'))
      body.remove_suffix(1);
    fmt::format_to(std::back_inserter(out), "\n{}", body);
  }
  return out;
}

}  // namespace

std::optional<std::string> FormatSourceChecked(std::string_view text, std::string& problem) {
  const std::optional<std::string> before = Meaning(text);
  if (!before) {
    problem = "does not parse";
    return std::nullopt;
  }
  std::string formatted = FormatSource(text);
  const std::optional<std::string> after = Meaning(formatted);
  if (!after || *after != *before) {
    problem =
        "formatting would change what the policy means (its syntax tree or comments); left "
        "as it is. This is a bug in relgate fmt: please report it with the file";
    return std::nullopt;
  }
  if (FormatSource(formatted) != formatted) {
    problem = "formatting is not stable on this file; left as it is (a bug in relgate fmt)";
    return std::nullopt;
  }
  return formatted;
}

}  // namespace relgate::syntax
