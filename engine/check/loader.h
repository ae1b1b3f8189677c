// Reads a policy from disk: the given files (or every .gate file of a given directory),
// the sibling files they import, and the stdlib modules they import. This is the only
// file-system access of policy compilation, and it is confined: a path import must stay
// inside the directory of the policy (no `..` out of it, no absolute path, no symlink
// leading out), and stdlib modules come only from the stdlib source.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/base/diagnostic.h"
#include "engine/base/source.h"
#include "engine/syntax/ast.h"
#include "engine/syntax/parse.h"

namespace relgate::check {

// Where `import std.<name>` modules come from: a directory (an install path or
// --stdlib), else the copies embedded in the binary at build time.
class Stdlib {
 public:
  // `dir` empty: embedded modules only.
  explicit Stdlib(std::string dir = {}) : dir_(std::move(dir)) {}

  // Reads module `name` (`release` for `std.release`); sets `path` to a display path.
  std::optional<std::string> Read(const std::string& name, std::string& path) const;
  std::vector<std::string> Names() const;

 private:
  std::string dir_;
};

struct LoadedModule {
  std::unique_ptr<syntax::Module> module;
  bool is_stdlib = false;
  std::string stdlib_name;  // `release` for std.release
};

struct LoadedPolicy {
  std::vector<LoadedModule> modules;  // user files first (sorted by path), then stdlib
  std::vector<std::string> roots;     // each --policy path, as given
  syntax::IdAllocator ids;
  // Policy files read but not parsed (syntax errors, reported): only a policy loaded by
  // LoadPolicyKeepingErrors has any, and it is never compiled.
  std::vector<FileId> unparsed;
};

// The text of policy files that differ from what is on disk (an editor's unsaved
// buffers), by canonical path. The loader reads it instead of the file; confinement and
// imports are as for the file on disk, which must exist.
using SourceOverlay = std::map<std::string, std::string>;

// Loads `paths` (files or one directory) into `sources`. Empty result if any file could
// not be read or parsed; every problem is in `sink`.
[[nodiscard]] std::optional<LoadedPolicy> LoadPolicy(const std::vector<std::string>& paths,
                                                     const Stdlib& stdlib, SourceMap& sources,
                                                     DiagnosticSink& sink,
                                                     const SourceOverlay* overlay = nullptr);

// For tools that report every diagnostic (`relgate check`, the language server): as
// LoadPolicy, but when the only errors are syntax errors, the policy of the files that did
// parse, the others in `unparsed`, so that their type errors are reported too. A file
// that could not be read, or an import that could not be followed, still gives nothing.
// Its syntax errors stay in `sink`, so Check gives no policy for it (CheckKeepingErrors
// gives one for editors, never compiled): it is never compiled or evaluated.
[[nodiscard]] std::optional<LoadedPolicy> LoadPolicyKeepingErrors(
    const std::vector<std::string>& paths, const Stdlib& stdlib, SourceMap& sources,
    DiagnosticSink& sink, const SourceOverlay* overlay = nullptr);

// Loads a policy given as text (tests, fuzzing): one file named `path`.
[[nodiscard]] std::optional<LoadedPolicy> LoadPolicyText(const std::string& path,
                                                         const std::string& text,
                                                         const Stdlib& stdlib, SourceMap& sources,
                                                         DiagnosticSink& sink);

}  // namespace relgate::check
