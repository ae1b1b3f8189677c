// npm's package-lock.json, lockfileVersion 1 (a tree of `dependencies`), 2 and 3 (a map
// of `packages` by install path; v2 also carries the v1 tree, which is ignored).
//
//   lockfile:     { kind: "npm-lock", format_version, name?, version? }
//   dependencies: [{ name, version, path, source?, integrity?, pinned, dev, optional,
//                    bundled, has_install_script?, direct? }]
//
// `has_install_script` comes from v2/v3's `hasInstallScript` (npm writes it only when
// true, so absent is false there); v1 does not record it, so it is absent (null) and a
// policy must say what it does without it. `direct` likewise: v2/v3 list the root
// package's own dependencies, v1 does not. `pinned`: the entry resolves to one exact
// version (a semantic version, not a range, a tag, a git ref or a path). `bundled`: it
// comes inside another package's tarball (`bundleDependencies`; npm's `inBundle`, v1's
// `bundled`), so it has no source or integrity of its own: the tarball's covers it.
#include <unordered_set>

#include <fmt/format.h>

#include "engine/base/semver.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/locked.h"
#include "engine/import/internal/reading.h"
#include "engine/import/internal/source_lines.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Fail;
using internal::Flag;
using internal::Object;
using internal::Text;

struct Dependency {
  std::string name, version, path, source, integrity;
  uint32_t line = 0;  // of its entry in the lockfile, 0 when not found
  bool dev = false, optional = false, bundled = false;
  int has_install_script = -1;  // -1: not recorded
  int direct = -1;              // -1: not recorded
};

void Write(facts::TreeBuilder& b, const Dependency& d, const std::string& lockfile) {
  b.BeginObject();
  b.Field("name", d.name);
  b.Field("version", d.version);
  b.Field("path", d.path);
  if (!d.source.empty())
    b.Field("source", d.source);
  if (!d.integrity.empty())
    b.Field("integrity", d.integrity);
  b.FieldBool("pinned", IsSemver(d.version));
  b.FieldBool("dev", d.dev);
  b.FieldBool("optional", d.optional);
  b.FieldBool("bundled", d.bundled);
  if (d.has_install_script >= 0)
    b.FieldBool("has_install_script", d.has_install_script == 1);
  if (d.direct >= 0)
    b.FieldBool("direct", d.direct == 1);
  internal::WriteOrigin(b, "npm-lock", lockfile);
  b.EndObject();
}

// v1: `dependencies` nested by the packages that need them.
bool CollectV1(const Node& tree, const std::string& at, std::vector<Dependency>& out,
               facts::LoadError& error, int depth) {
  if (depth > 64)
    return Fail(error, at, "dependencies nested deeper than 64 levels");
  for (uint32_t k = 0; k < tree.len; ++k) {
    const facts::Member& m = tree.members[k];
    const std::string path = fmt::format("{}.{}", at, m.name());
    const Node* entry = Object(&m.value);
    if (entry == nullptr)
      return Fail(error, path, "expected an object (a locked dependency)");
    Dependency d;
    d.name = std::string(m.name());
    d.version = Text(entry, "version");
    if (d.version.empty())
      return Fail(error, fmt::format("{}.version", path), "expected the locked version (a string)");
    d.path = path.substr(1);
    d.source = Text(entry, "resolved");
    d.integrity = Text(entry, "integrity");
    d.dev = Flag(entry, "dev");
    d.optional = Flag(entry, "optional");
    d.bundled = Flag(entry, "bundled");
    out.push_back(d);
    if (const Node* nested = entry->Find("dependencies")) {
      if (Object(nested) == nullptr)
        return Fail(error, fmt::format("{}.dependencies", path), "expected an object");
      if (!CollectV1(*nested, fmt::format("{}.dependencies", path), out, error, depth + 1))
        return false;
    }
  }
  return true;
}

// v2/v3: `packages` by install path (`node_modules/a/node_modules/b`); "" is the root.
bool CollectPackages(const Node& packages, internal::SourceLines& lines,
                     std::vector<Dependency>& out, facts::LoadError& error) {
  // The names the root package lists, once (a set: a big lockfile has thousands).
  std::unordered_set<std::string_view> listed;
  if (const Node* root = Object(packages.Find(""))) {
    for (const char* group :
         {"dependencies", "devDependencies", "optionalDependencies", "peerDependencies"}) {
      if (const Node* deps = Object(root->Find(group))) {
        for (uint32_t k = 0; k < deps->len; ++k)
          listed.insert(deps->members[k].name());
      }
    }
  }
  for (uint32_t k = 0; k < packages.len; ++k) {
    const facts::Member& m = packages.members[k];
    const std::string key(m.name());
    const std::string path = fmt::format("packages[\"{}\"]", key);
    const Node* entry = Object(&m.value);
    if (entry == nullptr)
      return Fail(error, path, "expected an object (a package entry)");
    const size_t at = key.rfind("node_modules/");
    if (key.empty() || at == std::string::npos || Flag(entry, "link"))
      continue;  // the root, a workspace folder, or a link to one listed by its own path
    Dependency d;
    d.name = Text(entry, "name");
    if (d.name.empty())
      d.name = key.substr(at + 13);
    d.version = Text(entry, "version");
    if (d.version.empty())
      return Fail(error, fmt::format("{}.version", path), "expected the locked version (a string)");
    d.path = key;
    d.line = lines.NextJsonKey(key);
    d.source = Text(entry, "resolved");
    d.integrity = Text(entry, "integrity");
    d.dev = Flag(entry, "dev");
    d.optional = Flag(entry, "optional");
    d.bundled = Flag(entry, "inBundle");
    d.has_install_script = Flag(entry, "hasInstallScript") ? 1 : 0;
    // Direct: installed at the top (`node_modules/NAME`), under the name the root lists
    // (an alias's name, not the real package's).
    d.direct = at == 0 && listed.count(std::string_view(key).substr(13)) > 0 ? 1 : 0;
    out.push_back(d);
  }
  return true;
}

}  // namespace

std::unique_ptr<facts::Document> ImportNpmLock(std::string_view bytes, const std::string& path,
                                               facts::LoadError& error) {
  auto lock = facts::ParseJson(bytes, path, error);
  if (!lock)
    return nullptr;
  const Node& root = lock->root();
  const Node* version = root.Find("lockfileVersion");
  if (version == nullptr || version->kind != NodeKind::kInt || version->i < 1 || version->i > 3) {
    Fail(error, "lockfileVersion",
         "expected lockfileVersion 1, 2 or 3: this is not an npm package-lock.json");
    return nullptr;
  }
  std::vector<Dependency> deps;
  if (version->i == 1) {
    const Node* tree = Object(root.Find("dependencies"));
    if (tree == nullptr && root.Find("dependencies") != nullptr) {
      Fail(error, "dependencies", "expected an object");
      return nullptr;
    }
    if (tree != nullptr && !CollectV1(*tree, "", deps, error, 0))
      return nullptr;
    for (Dependency& d : deps)
      d.path = fmt::format("dependencies.{}", d.path);
  } else {
    const Node* packages = Object(root.Find("packages"));
    if (packages == nullptr) {
      Fail(error, "packages", "expected an object of packages by install path");
      return nullptr;
    }
    // Entries are found in the text in the order simdjson reads them (the file's), from
    // the `packages` key on.
    internal::SourceLines lines(bytes);
    lines.NextJsonKey("packages");
    if (!CollectPackages(*packages, lines, deps, error))
      return nullptr;
  }
  facts::TreeBuilder b(fmt::format("{} (npm-lock)", path), lock->sha256());
  b.BeginObject();
  b.Key("lockfile");
  b.BeginObject();
  b.Field("kind", "npm-lock");
  b.FieldInt("format_version", version->i);
  if (std::string name = Text(&root, "name"); !name.empty())
    b.Field("name", name);
  if (std::string v = Text(&root, "version"); !v.empty())
    b.Field("version", v);
  b.EndObject();
  b.Key("dependencies");
  b.BeginArray();
  for (const Dependency& d : deps)
    Write(b, d, path);
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

}  // namespace relgate::import
