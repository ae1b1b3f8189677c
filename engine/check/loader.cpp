#include "engine/check/loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "engine/base/limits.h"
#include "engine/check/internal/embedded_stdlib.h"

namespace relgate::check {
namespace fs = std::filesystem;

namespace {

bool ReadFile(const fs::path& path, std::string& text, std::string& error) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    error = "is a directory";
    return false;
  }
  if (!fs::exists(path, ec)) {
    error = "does not exist";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot be read";
    return false;
  }
  const auto size = fs::file_size(path, ec);
  if (!ec && size > limits::kMaxPolicySourceBytes) {
    error =
        "is larger than the limit of " + std::to_string(limits::kMaxPolicySourceBytes) + " bytes";
    return false;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  if (text.size() > limits::kMaxPolicySourceBytes) {
    error =
        "is larger than the limit of " + std::to_string(limits::kMaxPolicySourceBytes) + " bytes";
    return false;
  }
  return true;
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
  Loader(const Stdlib& stdlib, SourceMap& sources, DiagnosticSink& sink)
      : stdlib_(stdlib), sources_(sources), sink_(sink) {}

  std::optional<LoadedPolicy> Run(const std::vector<std::string>& paths) {
    std::vector<std::pair<fs::path, std::string>> entries;  // (file, display path)
    for (const std::string& path : paths) {
      std::error_code ec;
      if (fs::is_directory(path, ec)) {
        std::vector<std::pair<fs::path, std::string>> found;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
          if (entry.path().extension() == ".gate") {
            found.push_back({entry.path(), entry.path().string()});
          }
        }
        std::sort(found.begin(), found.end());
        if (found.empty()) {
          sink_.Report({Severity::kError,
                        "no-policy",
                        {},
                        false,
                        "no .gate files in directory `" + path + "`",
                        {},
                        {}});
        }
        entries.insert(entries.end(), found.begin(), found.end());
      } else if (!fs::exists(path, ec)) {
        sink_.Report({Severity::kError,
                      "file-not-found",
                      {},
                      false,
                      "policy file `" + path + "` does not exist",
                      {},
                      {}});
      } else {
        entries.push_back({fs::path(path), path});
      }
    }
    if (entries.size() > limits::kMaxPolicyFiles) {
      sink_.Report({Severity::kError,
                    "too-many-files",
                    {},
                    false,
                    "policy has more than " + std::to_string(limits::kMaxPolicyFiles) + " files",
                    {},
                    {}});
      return std::nullopt;
    }
    for (const auto& [file, display] : entries) {
      std::error_code ec;
      const fs::path canonical = fs::weakly_canonical(file, ec);
      LoadUserFile(file, display, canonical.parent_path(), std::nullopt);
    }
    if (sink_.has_errors())
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
  void LoadUserFile(const fs::path& file, const std::string& display, const fs::path& root,
                    std::optional<Span> imported_at) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(file, ec);
    if (!seen_.insert(canonical.string()).second)
      return;
    std::string text, error;
    if (!ReadFile(file, text, error)) {
      Diagnostic d{Severity::kError,
                   "file-not-found",
                   imported_at.value_or(Span{}),
                   imported_at.has_value(),
                   "policy file `" + display + "` " + error,
                   {},
                   {}};
      sink_.Report(std::move(d));
      return;
    }
    const FileId id = sources_.Add(display, std::move(text));
    ParseAndFollow(id, canonical.parent_path(), root, /*allow_paths=*/true);
  }

  void ParseAndFollow(FileId id, const fs::path& dir, const fs::path& root, bool allow_paths) {
    auto module = syntax::ParseModule(sources_, id, policy_.ids, sink_);
    if (!module)
      return;
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
      sink_.Error("import-escapes", import.span,
                  "import path `" + import.target + "` must be relative to the policy directory");
      return;
    }
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(dir / relative, ec);
    if (ec || !IsInside(canonical, root)) {
      sink_.Error("import-escapes", import.span,
                  "import `" + import.target + "` leads outside the policy directory",
                  "a policy may import files of its own directory and std modules only");
      return;
    }
    if (canonical.extension() != ".gate") {
      sink_.Error("import-escapes", import.span,
                  "import `" + import.target + "` is not a .gate file");
      return;
    }
    const fs::path from_display = fs::path(sources_.file(from).path()).parent_path();
    LoadUserFile(canonical, (from_display / relative).lexically_normal().string(), root,
                 import.span);
  }

  void LoadStdlib(const syntax::Import& import) {
    const std::string& target = import.target;
    if (target.rfind("std.", 0) != 0) {
      sink_.Error("unknown-module", import.span, "unknown module `" + target + "`",
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
        help += " std." + n;
      sink_.Error("unknown-module", import.span, "unknown module `" + target + "`", help);
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
  LoadedPolicy policy_;
  std::set<std::string> seen_;
  std::set<std::string> loaded_stdlib_;
};

}  // namespace

std::optional<std::string> Stdlib::Read(const std::string& name, std::string& path) const {
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return std::nullopt;
  }
  if (!dir_.empty()) {
    const fs::path file = fs::path(dir_) / (name + ".gate");
    std::string text, error;
    if (ReadFile(file, text, error)) {
      path = "std/" + name + ".gate";
      return text;
    }
    return std::nullopt;
  }
  for (size_t i = 0; i < internal::kEmbeddedStdlibCount; ++i) {
    if (name == internal::kEmbeddedStdlib[i].name) {
      path = "std/" + name + ".gate";
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
                                       SourceMap& sources, DiagnosticSink& sink) {
  return Loader(stdlib, sources, sink).Run(paths);
}

std::optional<LoadedPolicy> LoadPolicyText(const std::string& path, const std::string& text,
                                           const Stdlib& stdlib, SourceMap& sources,
                                           DiagnosticSink& sink) {
  return Loader(stdlib, sources, sink).RunText(path, text);
}

}  // namespace relgate::check
