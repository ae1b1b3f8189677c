// One policy as the language server sees it: loaded (open buffers in place of the files
// on disk) and checked by the same loader and checker as `relgate check`, keeping what
// the checker learnt even when it reported errors, with an index of every name's
// definition and uses.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/base/diagnostic.h"
#include "engine/base/source.h"
#include "engine/builtins/registry.h"
#include "engine/check/loader.h"
#include "engine/check/policy.h"

namespace relgate::lsp {

enum class SymbolKind { kRule, kLet, kConst, kFact, kLocal, kModule, kBuiltin };

// What a name refers to. kFact: `path` is the fact path (`dependencies[].name`); kLocal:
// `index` is the file and `path` the byte offset of the variable's declaration; kBuiltin:
// `path` is the function's name; the others: the checker's index (rules, lets, consts,
// module instances).
struct SymbolKey {
  SymbolKind kind = SymbolKind::kRule;
  uint32_t index = 0;
  std::string path;

  bool operator==(const SymbolKey& other) const {
    return kind == other.kind && index == other.index && path == other.path;
  }
};

// A name in the source: where it is written and what it refers to.
struct Occurrence {
  Span span;
  SymbolKey key;
  bool definition = false;
  const syntax::Expr* expr = nullptr;  // the expression it names, if any
};

struct Analysis {
  SourceMap sources;
  std::vector<Diagnostic> diagnostics;  // sorted, as `relgate check` reports them
  // Null when the policy could not be loaded (a file unreadable, an import not followed).
  // When some of its files did not parse, the policy of the others, and `complete` false.
  std::unique_ptr<check::CheckedPolicy> policy;
  bool complete = false;
  // Per file of `sources`: the stdlib module's name (`deps`), "" for the user's files.
  std::vector<std::string> stdlib_name;
  std::vector<Occurrence> occurrences;  // sorted by (file, begin)
  std::vector<const syntax::Expr*> exprs;

  bool IsStdlib(FileId file) const { return !stdlib_name.at(file).empty(); }

  // The file read from `path` (as the loader named it), if it is part of the policy.
  bool FindFile(const std::string& path, FileId& file) const;
  // The innermost occurrence at `offset` of `file`, or null.
  const Occurrence* OccurrenceAt(FileId file, uint32_t offset) const;
  // The innermost expression at `offset` of `file`, or null.
  const syntax::Expr* ExprAt(FileId file, uint32_t offset) const;
  // The module (parsed file) of `file`, or null.
  const syntax::Module* ModuleOf(FileId file) const;
  // Every definition of `key` (a fact may be declared in several files).
  std::vector<const Occurrence*> Definitions(const SymbolKey& key) const;
};

// Loads and checks the policy at `root` (a directory, or a file with its imports).
[[nodiscard]] std::unique_ptr<Analysis> Analyze(const std::string& root,
                                                const check::SourceOverlay& overlay,
                                                const check::Stdlib& stdlib,
                                                const builtins::Registry& builtins);

// The `#` comment block that ends on the line just above `span` (a declaration's doc),
// without the `#` and one space; "" if there is none.
[[nodiscard]] std::string DocComment(const syntax::Module& module, const SourceMap& sources,
                                     Span span);
// The comment block a file starts with (a module's header).
[[nodiscard]] std::string HeaderComment(const syntax::Module& module, const SourceMap& sources);

}  // namespace relgate::lsp
