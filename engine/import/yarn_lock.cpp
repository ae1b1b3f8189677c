// Yarn's yarn.lock: classic (v1, Yarn's own indented format) and berry (Yarn 2+, YAML with
// `__metadata`), to std.lockfiles' schema:
//
//   dependencies: [{ name, version, path, source?, integrity?, pinned, direct? }]
//
// Neither format records install scripts or dev-only use: absent. Classic does not record
// which dependencies the project lists (package.json does): `direct` absent. Berry does,
// in its workspace entries (`name@workspace:.`), which are the project and not listed;
// `patch:` entries (a patched copy of another entry) are not listed either. `integrity`
// is classic's `integrity` (npm's SRI) or berry's `checksum` as `sha512:HEX`: the SHA-512
// of Yarn's cache archive, written `HEX` or after the cache key, `10c0/HEX`, which Yarn
// checks on every install; not comparable with npm's integrity. A checksum of another
// form is kept as written.
#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/digest.h"
#include "engine/base/semver.h"
#include "engine/import/importer.h"
#include "engine/import/internal/locked.h"
#include "engine/import/internal/reading.h"
#include "engine/import/internal/source_lines.h"

namespace relgate::import {
namespace {

// Berry's `checksum`, `10c0/HEX` or `HEX` (128 hex digits: SHA-512), as `sha512:HEX`.
std::string YarnChecksum(const std::string& checksum) {
  const std::string_view hex = std::string_view(checksum).substr(checksum.rfind('/') + 1);
  const bool sha512 = hex.size() == 128 && std::all_of(hex.begin(), hex.end(), [](char c) {
                        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                      });
  return sha512 ? fmt::format("sha512:{}", hex) : checksum;
}

using facts::Node;
using facts::NodeKind;
using internal::Member;
using internal::Object;
using internal::Scalar;
using internal::Text;

std::string Unquote(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r'))
    s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"')
    s = s.substr(1, s.size() - 2);
  return std::string(s);
}

// `@scope/name@^1.0.0` -> `@scope/name`; `alias@npm:real@1` -> `alias`.
std::string NameOf(const std::string& descriptor) {
  const size_t at = descriptor.find('@', 1);
  return at == std::string::npos ? descriptor : descriptor.substr(0, at);
}

std::vector<std::string> SplitDescriptors(std::string_view header) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin < header.size()) {
    size_t end = header.find(',', begin);
    if (end == std::string_view::npos)
      end = header.size();
    std::string_view part = header.substr(begin, end - begin);
    while (!part.empty() && part.front() == ' ')
      part.remove_prefix(1);
    if (!part.empty())
      out.push_back(Unquote(part));
    begin = end + 1;
  }
  return out;
}

std::unique_ptr<facts::Document> Classic(std::string_view bytes, const std::string& path,
                                         facts::LoadError& error) {
  std::vector<internal::LockedDependency> deps;
  uint32_t header_line = 0;
  auto finish = [&]() {
    if (deps.empty() || !deps.back().version.empty())
      return true;
    error.line = header_line;
    error.column = 1;
    error.message = fmt::format("entry `{}` has no `version`", deps.back().path);
    return false;
  };
  size_t begin = 0;
  uint32_t line = 0;
  while (begin < bytes.size()) {
    size_t end = bytes.find('\n', begin);
    if (end == std::string_view::npos)
      end = bytes.size();
    std::string_view text = bytes.substr(begin, end - begin);
    begin = end + 1;
    ++line;
    if (!text.empty() && text.back() == '\r')
      text.remove_suffix(1);
    const size_t indent = text.find_first_not_of(' ');
    if (indent == std::string_view::npos || text[indent] == '#')
      continue;
    auto fail = [&](const std::string& message) {
      error.line = line;
      error.column = static_cast<uint32_t>(indent + 1);
      error.message = message;
      return nullptr;
    };
    if (indent == 0) {
      if (text.back() != ':')
        return fail("expected an entry's header: descriptors ending with `:`");
      if (!finish())
        return nullptr;
      const std::vector<std::string> descriptors =
          SplitDescriptors(text.substr(0, text.size() - 1));
      if (descriptors.empty())
        return fail("expected an entry's header: descriptors ending with `:`");
      internal::LockedDependency d;
      d.name = NameOf(descriptors.front());
      d.path = fmt::format("{}", fmt::join(descriptors, ", "));
      d.line = line;
      deps.push_back(std::move(d));
      header_line = line;
      continue;
    }
    if (deps.empty())
      return fail("a field before any entry: this is not a yarn.lock");
    if (indent != 2)
      continue;  // nested maps (dependencies): not recorded
    std::string_view field = text.substr(2);
    const size_t space = field.find(' ');
    if (space == std::string_view::npos)
      continue;  // `dependencies:` opening a nested map
    const std::string key = Unquote(field.substr(0, space));
    const std::string value = Unquote(field.substr(space + 1));
    internal::LockedDependency& d = deps.back();
    if (key == "version")
      d.version = value;
    else if (key == "resolved")
      d.source = value;
    else if (key == "integrity")
      d.integrity = value;
  }
  if (!finish())
    return nullptr;
  if (deps.empty() && bytes.find("yarn lockfile v1") == std::string_view::npos) {
    error.message = "no entries and no `# yarn lockfile v1` mark: this is not a yarn.lock";
    return nullptr;
  }
  for (internal::LockedDependency& d : deps)
    d.pinned = IsSemver(d.version);
  return internal::WriteLockfile(path, Sha256Hex(bytes), "yarn-lock", 1, "", deps, error);
}

std::unique_ptr<facts::Document> Berry(const facts::Document& doc, std::string_view bytes,
                                       const std::string& path, facts::LoadError& error) {
  internal::SourceLines lines(bytes);  // each kept entry's key, found in file order
  const Node& root = doc.root();
  const std::string format = Scalar(Member(Member(&root, "__metadata"), "version"));
  // The descriptors the workspaces list: `debug@npm:^4.3.4` (and `debug@^4.3.4` as older
  // lockfiles write them).
  std::set<std::string> listed;
  for (uint32_t k = 0; k < root.len; ++k) {
    const Node& entry = root.members[k].value;
    if (Text(&entry, "resolution").find("@workspace:") == std::string::npos)
      continue;
    for (const char* group : {"dependencies", "devDependencies", "optionalDependencies"}) {
      const Node* deps = Object(Member(&entry, group));
      for (uint32_t j = 0; deps != nullptr && j < deps->len; ++j) {
        const std::string name(deps->members[j].name());
        const std::string range = Scalar(&deps->members[j].value);
        listed.insert(fmt::format("{}@{}", name, range));
        if (range.find(':') == std::string::npos)
          listed.insert(fmt::format("{}@npm:{}", name, range));
      }
    }
  }
  std::vector<internal::LockedDependency> deps;
  for (uint32_t k = 0; k < root.len; ++k) {
    const std::string key(root.members[k].name());
    if (key == "__metadata")
      continue;
    const Node* entry = Object(&root.members[k].value);
    if (entry == nullptr)
      return internal::Refuse(error, key, "expected an entry (a map)");
    const std::string resolution = Text(entry, "resolution");
    if (resolution.empty())
      return internal::Refuse(error, fmt::format("{}.resolution", key),
                              "expected the resolved locator");
    if (resolution.find("@workspace:") != std::string::npos ||
        resolution.find("@patch:") != std::string::npos)
      continue;
    internal::LockedDependency d;
    d.line = lines.NextYamlKey(key);
    d.name = NameOf(resolution);
    d.version = Scalar(Member(entry, "version"));
    if (d.version.empty())
      return internal::Refuse(error, fmt::format("{}.version", key), "expected the locked version");
    d.path = key;
    d.source = resolution;
    d.integrity = YarnChecksum(Text(entry, "checksum"));
    const bool registry = resolution.find("@npm:") != std::string::npos;
    d.pinned =
        (registry && IsSemver(d.version)) || resolution.find("#commit=") != std::string::npos;
    bool direct = false;
    for (const std::string& descriptor : SplitDescriptors(key))
      direct = direct || listed.count(descriptor) > 0;
    d.direct = direct;
    deps.push_back(std::move(d));
  }
  return internal::WriteLockfile(path, doc.sha256(), "yarn-lock",
                                 format.empty() ? 0 : std::atoll(format.c_str()), "", deps, error);
}

}  // namespace

std::unique_ptr<facts::Document> ImportYarnLock(std::string_view bytes, const std::string& path,
                                                facts::LoadError& error) {
  // Berry is YAML with `__metadata`; classic is not YAML (its headers are not keys).
  if (bytes.find("\n__metadata:") != std::string_view::npos || bytes.starts_with("__metadata:")) {
    auto doc = facts::ParseYaml(bytes, path, error);
    if (!doc)
      return nullptr;
    if (doc->root().kind != NodeKind::kObject)
      return internal::Refuse(error, "", "expected a map of entries");
    return Berry(*doc, bytes, path, error);
  }
  return Classic(bytes, path, error);
}

}  // namespace relgate::import
