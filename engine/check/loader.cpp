#include "engine/check/loader.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/base/bounded_read.h"
#include "engine/base/limits.h"
#include "engine/check/internal/embedded_stdlib.h"

namespace relgate::check {
namespace fs = std::filesystem;

namespace {

// Policy sources are regular files only: a FIFO or device named `x.gate` is refused
// rather than read (a FIFO would hang, a device never end).
bool ReadFile(const fs::path& path, std::string& text, std::string& error) {
  error = ReadBounded(path.string(), {limits::kMaxPolicySourceBytes, /*allow_pipes=*/false}, text);
  return error.empty();
}

bool IsInside(const fs::path& child, const fs::path& root) {
  auto c = child.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++c) {
    if (r->empty())
      continue;  // trailing slash
    if (c == child.end() || *c != *r)
      return false;
  }
  return true;
}

class Loader {
 public:
  Loader(const Stdlib& stdlib, SourceMap& sources, DiagnosticSink& sink,
         const SourceOverlay* overlay = nullptr)
      : stdlib_(stdlib), sources_(sources), sink_(sink), overlay_(overlay) {}

  std::optional<LoadedPolicy> Run(const std::vector<std::string>& paths, bool keep_parsed = false) {
    struct Entry {
      fs::path file;
      std::string display;
      fs::path root;
    };

    std::vector<Entry> entries;
    for (const std::string& path : paths) {
      std::error_code ec;
      const fs::file_status status = fs::status(path, ec);
      if (fs::is_directory(status)) {
        // The directory itself is the root, resolved once so that `p`, `./p` and `p//`
        // are the same root and the digest does not depend on how it was spelled.
        const fs::path root = fs::canonical(path, ec);
        std::vector<Entry> found;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
          if (entry.path().extension() == ".gate")
            found.push_back({entry.path(), entry.path().string(), root});
        }
        // An editor's new file, not saved yet, belongs to its directory too.
        for (const auto& [unsaved, text] : overlay_ ? *overlay_ : SourceOverlay{}) {
          const fs::path file(unsaved);
          std::error_code missing;
          if (file.extension() == ".gate" && file.parent_path() == root &&
              !fs::exists(fs::symlink_status(file, missing)))
            found.push_back({file, file.string(), root});
        }
        std::sort(found.begin(), found.end(),
                  [](const Entry& a, const Entry& b) { return a.display < b.display; });
        if (found.empty()) {
          sink_.Report({Severity::kError,
                        "no-policy",
                        {},
                        false,
                        fmt::format("no .gate files in directory `{}`", path),
                        {},
                        {}});
        }
        policy_.roots.push_back(path);
        entries.insert(entries.end(), found.begin(), found.end());
      } else if (!fs::exists(fs::symlink_status(path, ec)) &&
                 Unsaved(fs::weakly_canonical(path, ec)) != nullptr) {
        // An editor's new file, not saved yet: its directory is its root.
        const fs::path file = fs::weakly_canonical(path, ec);
        policy_.roots.push_back(path);
        entries.push_back({file, path, file.parent_path()});
      } else if (!fs::exists(fs::symlink_status(path, ec))) {
        sink_.Report({Severity::kError,
                      "file-not-found",
                      {},
                      false,
                      fmt::format("policy file `{}` does not exist", path),
                      {},
                      {}});
      } else {
        // A file named directly: its root is the directory that holds it (the directory
        // resolved, not the file, so a symlink named on the command line is confined too).
        fs::path parent = fs::path(path).parent_path();
        if (parent.empty())
          parent = ".";
        policy_.roots.push_back(path);
        entries.push_back({fs::path(path), path, fs::canonical(parent, ec)});
      }
    }
    if (entries.size() > limits::kMaxPolicyFiles) {
      sink_.Report({Severity::kError,
                    "too-many-files",
                    {},
                    false,
                    fmt::format("policy has more than {} files", limits::kMaxPolicyFiles),
                    {},
                    {}});
      return std::nullopt;
    }
    for (const Entry& entry : entries)
      LoadUserFile(entry.file, entry.display, entry.root, std::nullopt);
    const bool only_syntax_errors = sink_.error_count() == syntax_errors_;
    if (sink_.has_errors() && !(keep_parsed && only_syntax_errors))
      return std::nullopt;
    return std::move(policy_);
  }

  std::optional<LoadedPolicy> RunText(const std::string& path, const std::string& text) {
    const FileId id = sources_.Add(path, text);
    ParseAndFollow(id, fs::path(), fs::path(), /*allow_paths=*/false);
    if (sink_.has_errors())
      return std::nullopt;
    return std::move(policy_);
  }

 private:
  // Reads one policy file after resolving every symlink on its path: what it leads to
  // must lie inside `root`, or it is refused unread (a symlink to /proc/self/environ in a
  // pull request must not be echoed into a CI log as a "syntax error").
  void LoadUserFile(const fs::path& file, const std::string& display, const fs::path& root,
                    std::optional<Span> imported_at) {
    auto refuse = [&](const std::string& why) {
      sink_.Report({Severity::kError,
                    "file-not-found",
                    imported_at.value_or(Span{}),
                    imported_at.has_value(),
                    fmt::format("policy file `{}` {}", display, why),
                    {},
                    {}});
    };
    std::error_code ec;
    fs::path canonical = fs::canonical(file, ec);
    if (ec) {
      std::error_code weak;
      const fs::path unsaved = fs::weakly_canonical(file, weak);
      if (weak || Unsaved(unsaved) == nullptr) {
        refuse(fs::is_symlink(fs::symlink_status(file, ec))
                   ? "is a symbolic link that leads nowhere"
                   : "does not exist");
        return;
      }
      canonical = unsaved;  // an editor's new file, not on disk yet
    }
    if (root.empty() || !IsInside(canonical, root)) {
      refuse(
          fmt::format("leads outside the policy directory `{}` (through a symbolic link); policy "
                      "files must lie inside it",
                      root.string()));
      return;
    }
    if (!seen_.insert(canonical.string()).second)
      return;
    std::string text, error;
    if (const std::string* unsaved = Unsaved(canonical)) {
      if (unsaved->size() > limits::kMaxPolicySourceBytes) {
        refuse(fmt::format("is larger than {} bytes", limits::kMaxPolicySourceBytes));
        return;
      }
      text = *unsaved;
    } else if (!ReadFile(canonical, text, error)) {
      refuse(error);
      return;
    }
    const FileId id =
        sources_.Add(display, std::move(text), canonical.lexically_relative(root).generic_string());
    ParseAndFollow(id, canonical.parent_path(), root, /*allow_paths=*/true);
  }

  const std::string* Unsaved(const fs::path& canonical) const {
    if (overlay_ == nullptr)
      return nullptr;
    auto it = overlay_->find(canonical.string());
    return it == overlay_->end() ? nullptr : &it->second;
  }

  void ParseAndFollow(FileId id, const fs::path& dir, const fs::path& root, bool allow_paths) {
    const size_t errors_before = sink_.error_count();
    auto module = syntax::ParseModule(sources_, id, policy_.ids, sink_);
    if (!module) {
      syntax_errors_ += sink_.error_count() - errors_before;
      policy_.unparsed.push_back(id);
      return;
    }
    auto owned = std::make_unique<syntax::Module>(std::move(*module));
    const syntax::Module* raw = owned.get();
    policy_.modules.push_back({std::move(owned), false, {}});
    for (const syntax::Import& import : raw->imports) {
      if (import.is_path) {
        if (!allow_paths) {
          sink_.Error("import-escapes", import.span, "file imports are not available here");
          continue;
        }
        FollowPathImport(import, dir, root, id);
      } else {
        LoadStdlib(import);
      }
    }
  }

  void FollowPathImport(const syntax::Import& import, const fs::path& dir, const fs::path& root,
                        FileId from) {
    const fs::path relative(import.target);
    if (relative.is_absolute() || import.target.empty()) {
      sink_.Error(
          "import-escapes", import.span,
          fmt::format("import path `{}` must be relative to the policy directory", import.target));
      return;
    }
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(dir / relative, ec);
    if (ec || !IsInside(canonical, root)) {
      sink_.Error("import-escapes", import.span,
                  fmt::format("import `{}` leads outside the policy directory", import.target),
                  "a policy may import files of its own directory and std modules only");
      return;
    }
    if (canonical.extension() != ".gate") {
      sink_.Error("import-escapes", import.span,
                  fmt::format("import `{}` is not a .gate file", import.target));
      return;
    }
    const fs::path from_display = fs::path(sources_.file(from).path()).parent_path();
    LoadUserFile(canonical, (from_display / relative).lexically_normal().string(), root,
                 import.span);
  }

  void LoadStdlib(const syntax::Import& import) {
    const std::string& target = import.target;
    if (target.rfind("std.", 0) != 0) {
      sink_.Error("unknown-module", import.span, fmt::format("unknown module `{}`", target),
                  "library modules are named std.<name>; import a sibling file as \"name.gate\"");
      return;
    }
    const std::string name = target.substr(4);
    if (loaded_stdlib_.count(name) != 0)
      return;
    std::string path;
    auto text = stdlib_.Read(name, path);
    if (!text) {
      std::string help = "available:";
      for (const std::string& n : stdlib_.Names())
        help += fmt::format(" std.{}", n);
      sink_.Error("unknown-module", import.span, fmt::format("unknown module `{}`", target), help);
      return;
    }
    loaded_stdlib_.insert(name);
    const FileId id = sources_.Add(path, std::move(*text));
    auto module = syntax::ParseModule(sources_, id, policy_.ids, sink_);
    if (!module)
      return;
    for (const syntax::Import& nested : module->imports) {
      sink_.Error("stdlib-import", nested.span, "stdlib modules cannot import other modules");
    }
    policy_.modules.push_back({std::make_unique<syntax::Module>(std::move(*module)), true, name});
  }

  const Stdlib& stdlib_;
  SourceMap& sources_;
  DiagnosticSink& sink_;
  const SourceOverlay* overlay_;
  LoadedPolicy policy_;
  std::set<std::string> seen_;
  std::set<std::string> loaded_stdlib_;
  size_t syntax_errors_ = 0;  // of the user files
};

}  // namespace

std::optional<std::string> Stdlib::Read(const std::string& name, std::string& path) const {
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return std::nullopt;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    const fs::path root = fs::canonical(dir_, ec);
    const fs::path file = fs::canonical(fs::path(dir_) / (fmt::format("{}.gate", name)), ec);
    std::string text, error;
    if (!ec && IsInside(file, root) && ReadFile(file, text, error)) {
      path = fmt::format("std/{}.gate", name);
      return text;
    }
    return std::nullopt;
  }
  for (size_t i = 0; i < internal::kEmbeddedStdlibCount; ++i) {
    if (name == internal::kEmbeddedStdlib[i].name) {
      path = fmt::format("std/{}.gate", name);
      return std::string(internal::kEmbeddedStdlib[i].text);
    }
  }
  return std::nullopt;
}

std::vector<std::string> Stdlib::Names() const {
  std::vector<std::string> names;
  if (!dir_.empty()) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      if (entry.path().extension() == ".gate")
        names.push_back(entry.path().stem().string());
    }
  } else {
    for (size_t i = 0; i < internal::kEmbeddedStdlibCount; ++i) {
      names.push_back(internal::kEmbeddedStdlib[i].name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<LoadedPolicy> LoadPolicy(const std::vector<std::string>& paths, const Stdlib& stdlib,
                                       SourceMap& sources, DiagnosticSink& sink,
                                       const SourceOverlay* overlay) {
  return Loader(stdlib, sources, sink, overlay).Run(paths);
}

std::optional<LoadedPolicy> LoadPolicyKeepingErrors(const std::vector<std::string>& paths,
                                                    const Stdlib& stdlib, SourceMap& sources,
                                                    DiagnosticSink& sink,
                                                    const SourceOverlay* overlay) {
  return Loader(stdlib, sources, sink, overlay).Run(paths, /*keep_parsed=*/true);
}

std::optional<LoadedPolicy> LoadPolicyText(const std::string& path, const std::string& text,
                                           const Stdlib& stdlib, SourceMap& sources,
                                           DiagnosticSink& sink) {
  return Loader(stdlib, sources, sink).RunText(path, text);
}

}  // namespace relgate::check
