// pnpm's pnpm-lock.yaml, lockfile versions 5.x (`/name/1.0.0` keys), 6.x
// (`/name@1.0.0(peer@2)`) and 9.x (`name@1.0.0` under `packages`, the tree under
// `snapshots`, projects under `importers`), to std.lockfiles' schema (a package resolved
// to a directory — `resolution: {type: directory}`, a folder of the repository itself — is
// the project's own code, not a dependency, and is left out, as npm's workspace folders):
//
//   dependencies: [{ name, version, path, source?, integrity?, pinned, dev?, optional?,
//                    has_install_script?, direct }]
//
// `has_install_script`: 5.x and 6.x write `requiresBuild: true` for a package with an
// install script (absent is false); 9.x no longer records it: absent. `dev`: written by
// 5.x/6.x when the package is only a dev (true) or only a production (false) dependency;
// absent otherwise and in 9.x. `direct`: listed by a project (`importers`, or the root's
// `dependencies`/`devDependencies`/`optionalDependencies`) at that version.
#include <set>

#include <fmt/format.h>

#include "engine/base/digest.h"
#include "engine/base/semver.h"
#include "engine/import/importer.h"
#include "engine/import/internal/locked.h"
#include "engine/import/internal/reading.h"
#include "engine/import/internal/source_lines.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Member;
using internal::Object;
using internal::Scalar;
using internal::Text;

// The version without its peer suffix: `1.0.0(react@18.2.0)` (6.x, 9.x), `1.0.0_react@18`
// (5.x).
std::string WithoutPeers(std::string version, int major) {
  const size_t cut = version.find(major >= 6 ? '(' : '_');
  if (cut != std::string::npos)
    version.resize(cut);
  return version;
}

// A `packages` key to name and version: `/@scope/name/1.0.0_peer` (5.x),
// `/@scope/name@1.0.0(peer)` (6.x), `@scope/name@1.0.0` (9.x).
bool SplitKey(std::string key, int major, std::string& name, std::string& version) {
  if (!key.empty() && key.front() == '/')
    key.erase(0, 1);
  if (major < 6) {
    const size_t slash = key.rfind('/');
    if (slash == std::string::npos || slash == 0)
      return false;
    name = key.substr(0, slash);
    version = WithoutPeers(key.substr(slash + 1), major);
  } else {
    const size_t paren = key.find('(');
    const size_t at = key.rfind('@', paren == std::string::npos ? std::string::npos : paren);
    if (at == std::string::npos || at == 0)
      return false;
    name = key.substr(0, at);
    version = WithoutPeers(key.substr(at + 1), major);
  }
  return !name.empty() && !version.empty();
}

// The `name@version`s a project lists: `{name: {specifier, version}}` (6.x, 9.x) or
// `{name: version}` (5.x).
void Listed(const Node* project, int major, std::set<std::string>& direct) {
  for (const char* group : {"dependencies", "devDependencies", "optionalDependencies",
                            "configDependencies", "packageManagerDependencies"}) {
    const Node* deps = Object(Member(project, group));
    for (uint32_t k = 0; deps != nullptr && k < deps->len; ++k) {
      const Node& v = deps->members[k].value;
      const std::string version = v.kind == NodeKind::kObject ? Text(&v, "version") : Scalar(&v);
      direct.insert(fmt::format("{}@{}", deps->members[k].name(), WithoutPeers(version, major)));
    }
  }
}

constexpr size_t kMaxPnpmDocuments = 4;

bool IsCommit(std::string_view text) {
  return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// One YAML document of a pnpm lockfile: its dependencies appended to `deps`; the
// document's lockfile major version, or 0 with `error`.
int ReadDocument(const Node& document, internal::SourceLines& lines,
                 std::vector<internal::LockedDependency>& deps, std::set<std::string>& seen,
                 facts::LoadError& error) {
  const Node* root = Object(&document);
  const std::string version = Scalar(Member(root, "lockfileVersion"));
  const int major = version.empty() ? 0 : std::atoi(version.c_str());
  if (major < 5 || major > 9) {
    internal::Refuse(
        error, "lockfileVersion",
        version.empty()
            ? "expected pnpm's lockfileVersion (5.x, 6.x or 9.x): "
              "this is not a pnpm-lock.yaml"
            : fmt::format("lockfile version {} is not one relgate reads (5.x, 6.x, 9.x)", version));
    return 0;
  }
  std::set<std::string> direct;
  Listed(root, major, direct);
  if (const Node* importers = Object(Member(root, "importers"))) {
    for (uint32_t k = 0; k < importers->len; ++k)
      Listed(&importers->members[k].value, major, direct);
  }
  // 9.x: `optional` is on the snapshots (the installed tree), keyed with peers.
  std::set<std::string> optional_in_snapshots;
  if (const Node* snapshots = Object(Member(root, "snapshots"))) {
    for (uint32_t k = 0; k < snapshots->len; ++k) {
      std::string name, v;
      if (internal::Flag(&snapshots->members[k].value, "optional") &&
          SplitKey(std::string(snapshots->members[k].name()), major, name, v))
        optional_in_snapshots.insert(fmt::format("{}@{}", name, v));
    }
  }
  const Node* packages = Member(root, "packages");
  if (packages != nullptr)
    lines.NextYamlKey("packages");  // the entries are found in the text from here
  if (packages != nullptr && packages->kind != NodeKind::kObject) {
    internal::Refuse(error, "packages", "expected a map of packages");
    return 0;
  }
  for (uint32_t k = 0; packages != nullptr && k < packages->len; ++k) {
    const std::string key(packages->members[k].name());
    const Node* entry = Object(&packages->members[k].value);
    const std::string at = fmt::format("packages.{}", key);
    if (entry == nullptr) {
      internal::Refuse(error, at, "expected a package (a map)");
      return 0;
    }
    internal::LockedDependency d;
    // Packages not from the registry (a tarball URL, a git host, a file) name themselves:
    // `name:` and `version:` win over the key, whose "version" is then where it came from.
    const bool keyed = SplitKey(key, major, d.name, d.version);
    if (!Text(entry, "name").empty())
      d.name = Text(entry, "name");
    else if (!keyed)
      d.name.clear();
    if (!Text(entry, "version").empty())
      d.version = Text(entry, "version");
    else if (!keyed)
      d.version.clear();
    if (d.name.empty() || d.version.empty()) {
      internal::Refuse(error, at, "expected a key `name@version` (or `name` and `version` fields)");
      return 0;
    }
    if (!seen.insert(key).second)
      continue;  // in two documents: the same package
    d.path = key;
    d.line = lines.NextYamlKey(key);
    const Node* resolution = Object(Member(entry, "resolution"));
    if (Text(resolution, "type") == "directory")
      continue;  // a folder of the repository: the project's own code
    d.integrity = Text(resolution, "integrity");
    d.source = Text(resolution, "tarball");
    if (d.source.empty() && !Text(resolution, "repo").empty())
      d.source = fmt::format("{}#{}", Text(resolution, "repo"), Text(resolution, "commit"));
    // Pinned: a registry version, or content fixed by an integrity hash or a commit (a git
    // resolution's, or the last segment of a tarball URL: codeload's `.../tar.gz/SHA`).
    d.pinned = (d.source.empty() && IsSemver(d.version)) || !d.integrity.empty() ||
               IsCommit(Text(resolution, "commit")) ||
               IsCommit(std::string_view(d.source).substr(d.source.rfind('/') + 1));
    if (major < 9) {
      d.has_install_script = internal::Flag(entry, "requiresBuild");
      if (const Node* dev = Member(entry, "dev"); dev != nullptr && dev->kind == NodeKind::kBool)
        d.dev = dev->b;
      d.optional = internal::Flag(entry, "optional");
    } else {
      d.optional = optional_in_snapshots.count(fmt::format("{}@{}", d.name, d.version)) > 0;
    }
    d.direct = direct.count(fmt::format("{}@{}", d.name, d.version)) > 0 ||
               direct.count(fmt::format("{}@{}", d.name, key.substr(d.name.size() + 1))) > 0;
    deps.push_back(std::move(d));
  }
  return major;
}

}  // namespace

// pnpm 10 and later write two YAML documents: the environment's lockfile (the config
// dependencies and the package manager pnpm installs itself with, which run at install
// time too) and the project's. Every document's packages are dependencies; the format
// version is the last document's.
std::unique_ptr<facts::Document> ImportPnpmLock(std::string_view bytes, const std::string& path,
                                                facts::LoadError& error) {
  auto documents = facts::ParseYamlDocuments(bytes, path, kMaxPnpmDocuments, error);
  if (documents.empty()) {
    if (error.message.empty())
      error.message = "expected a pnpm lockfile: the file holds no YAML document";
    return nullptr;
  }
  std::vector<internal::LockedDependency> deps;
  std::set<std::string> seen;
  int major = 0;
  internal::SourceLines lines(bytes);
  for (const auto& document : documents) {
    major = ReadDocument(document->root(), lines, deps, seen, error);
    if (major == 0)
      return nullptr;
  }
  return internal::WriteLockfile(path, Sha256Hex(bytes), "pnpm-lock", major, "", deps, error);
}

}  // namespace relgate::import
