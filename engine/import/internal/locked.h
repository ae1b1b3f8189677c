// One locked dependency as every lockfile kind writes it (std.lockfiles; internal to
// engine/import): the fields a format does not record stay absent, never false.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/facts/tree_builder.h"

namespace relgate::import::internal {

struct LockedDependency {
  std::string name, version;
  std::string path, source, integrity;  // "" = not recorded
  bool pinned = false;
  std::optional<bool> dev, optional, has_install_script, direct;
  uint32_t line = 0;  // of its entry in the lockfile (findings point there); 0 = unknown
};

// The package ecosystem a lockfile kind's names live in: a dependency is named by its
// ecosystem and name when a release has several lockfiles.
inline const char* Ecosystem(std::string_view kind) {
  if (kind == "npm-lock" || kind == "pnpm-lock" || kind == "yarn-lock")
    return "npm";
  if (kind == "cargo-lock")
    return "cargo";
  if (kind == "go-sum")
    return "go";
  return "pypi";  // uv-lock, pylock, poetry-lock, pip-requirements
}

// Every dependency names its ecosystem and the lockfile it came from, so that the
// dependencies of several lockfiles can stand in one list.
inline void WriteOrigin(facts::TreeBuilder& b, std::string_view kind, const std::string& path) {
  b.Field("ecosystem", Ecosystem(kind));
  b.Field("lockfile_path", path);
}

inline void WriteLocked(facts::TreeBuilder& b, const LockedDependency& d, std::string_view kind,
                        const std::string& lockfile) {
  b.BeginObject();
  b.Field("name", d.name);
  b.Field("version", d.version);
  if (!d.path.empty())
    b.Field("path", d.path);
  if (!d.source.empty())
    b.Field("source", d.source);
  if (!d.integrity.empty())
    b.Field("integrity", d.integrity);
  b.FieldBool("pinned", d.pinned);
  auto optional = [&b](const char* key, const std::optional<bool>& value) {
    if (value.has_value())
      b.FieldBool(key, *value);
  };
  optional("dev", d.dev);
  optional("optional", d.optional);
  optional("has_install_script", d.has_install_script);
  optional("direct", d.direct);
  WriteOrigin(b, kind, lockfile);
  b.EndObject();
}

// `{lockfile: {kind, format_version, name?}, dependencies: [...]}`.
inline std::unique_ptr<facts::Document> WriteLockfile(
    const std::string& path, const std::string& sha256, const std::string& kind,
    int64_t format_version, const std::string& name, const std::vector<LockedDependency>& deps,
    facts::LoadError& error) {
  facts::TreeBuilder b(fmt::format("{} ({})", path, kind), sha256);
  b.BeginObject();
  b.Key("lockfile");
  b.BeginObject();
  b.Field("kind", kind);
  b.FieldInt("format_version", format_version);
  if (!name.empty())
    b.Field("name", name);
  b.EndObject();
  b.Key("dependencies");
  b.BeginArray();
  for (const LockedDependency& d : deps)
    WriteLocked(b, d, kind, path);
  b.EndArray();
  b.EndObject();
  auto doc = b.Finish(error);
  if (!doc)
    return nullptr;
  doc->set_lockfile();
  for (size_t i = 0; i < deps.size(); ++i) {
    if (deps[i].line > 0)
      doc->set_line(fmt::format("dependencies[{}]", i), deps[i].line);
  }
  return doc;
}

}  // namespace relgate::import::internal
