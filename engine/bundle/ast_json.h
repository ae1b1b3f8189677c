// A parsed .gate file (engine/syntax/ast.h) as JSON and back, for policy bundles: a bundle
// carries each file's syntax tree, so that a gate loading it runs the checker and the
// compiler on the tree and never the parser (ANTLR). Kinds, operators and levels are
// written by name, not by enum value, so that a reordered enum cannot change what a bundle
// means; spans are byte ranges in the module's own file.
#pragma once

#include <memory>
#include <string>

#include <simdjson.h>

#include "engine/base/json_writer.h"
#include "engine/syntax/ast.h"
#include "engine/syntax/parse.h"

namespace relgate::bundle {

// Bump when the tree's shape or meaning changes: a bundle of another format is refused.
inline constexpr int kAstFormat = 1;

// Writes `module` as one JSON object (its file id is not written: the reader gives one).
void WriteModule(const syntax::Module& module, JsonWriter& w);

// Reads a module written by WriteModule, its spans in `file`, its expression ids from
// `ids`. Null with `error` (naming the member) when the JSON is not such a module, or a
// span lies beyond `file_size`.
[[nodiscard]] std::unique_ptr<syntax::Module> ReadModule(simdjson::dom::element json, FileId file,
                                                         uint32_t file_size,
                                                         syntax::IdAllocator& ids,
                                                         std::string& error);

}  // namespace relgate::bundle
