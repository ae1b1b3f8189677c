// Cargo's Cargo.lock (format 1 with its `[metadata]` checksums, 2, 3 and 4), read with
// toml++, to std.lockfiles' schema:
//
//   dependencies: [{ name, version, source, integrity?, pinned, direct }]
//
// Packages without a `source` are the workspace's own (members and path dependencies):
// they are the project, not what it depends on, and are not listed; what they depend on
// is `direct`. `pinned`: from a registry with a checksum, or from git at a commit.
// Cargo.lock does not record build scripts or dev-only use: absent.
#include <set>

#include <fmt/format.h>

#include "engine/base/digest.h"
#include "engine/import/importer.h"
#include "engine/import/internal/locked.h"
#include "engine/import/internal/reading.h"
#include "engine/import/internal/toml_bounds.h"
#include <toml++/toml.h>

namespace relgate::import {
namespace {

std::string Str(const toml::table& t, std::string_view key) {
  return std::string(t[key].value_or(std::string_view()));
}

}  // namespace

std::unique_ptr<facts::Document> ImportCargoLock(std::string_view bytes, const std::string& path,
                                                 facts::LoadError& error) {
  toml::table root;
  if (!internal::ParseBoundedToml(bytes, path, root, error))
    return nullptr;
  const toml::array* packages = root["package"].as_array();
  if (packages == nullptr) {
    error.message = "expected `[[package]]` tables: this is not a Cargo.lock";
    return nullptr;
  }
  // Other lockfiles are TOML with `[[package]]` too (uv.lock, poetry.lock, pylock.toml):
  // what Cargo never writes is refused, naming it, rather than read as Cargo's.
  for (const auto& [key, value] : root) {
    if (key != "version" && key != "package" && key != "metadata" && key != "patch") {
      error.message = fmt::format(
          "a top-level `{}`, which Cargo.lock does not have: this is another lockfile{}", key.str(),
          key == "requires-python" || key == "revision" ? " (uv.lock: uv's lockfile)" : "");
      return nullptr;
    }
  }
  if (const toml::table* metadata = root["metadata"].as_table()) {
    for (const auto& [key, value] : *metadata) {
      if (!key.str().starts_with("checksum ")) {
        error.message = fmt::format(
            "[metadata] holds `{}`, which Cargo.lock's does not (only `checksum ...`): this is "
            "another lockfile{}",
            key.str(), key == "content-hash" || key == "lock-version" ? " (poetry.lock)" : "");
        return nullptr;
      }
    }
  }
  for (size_t k = 0; k < packages->size(); ++k) {
    const toml::table* p = packages->get(k)->as_table();
    if (p != nullptr && p->contains("source") && !(*p)["source"].is_string())
      return internal::Refuse(
          error, fmt::format("package[{}].source", k),
          "a table, where Cargo.lock has a string (`registry+...`, `git+...`): this is another "
          "lockfile (uv.lock writes `source = { registry = ... }`)");
  }
  // Format 1 keeps checksums apart: "checksum NAME VERSION (SOURCE)" = "HEX".
  const toml::table* metadata = root["metadata"].as_table();
  const int64_t format = root["version"].value_or(int64_t{metadata != nullptr ? 1 : 2});

  // What the workspace's own packages depend on: "name", "name version" or
  // "name version (source)".
  std::set<std::string> direct_names, direct_exact;
  for (size_t k = 0; k < packages->size(); ++k) {
    const toml::table* p = packages->get(k)->as_table();
    if (p == nullptr)
      return internal::Refuse(error, fmt::format("package[{}]", k), "expected a table");
    if (p->contains("source"))
      continue;
    if (const toml::array* deps = (*p)["dependencies"].as_array()) {
      for (const auto& dep : *deps) {
        const std::string text(dep.value_or(std::string_view()));
        const size_t space = text.find(' ');
        if (space == std::string::npos) {
          direct_names.insert(text);
        } else {
          const size_t end = text.find(' ', space + 1);
          direct_exact.insert(fmt::format(
              "{}@{}", text.substr(0, space),
              text.substr(space + 1, end == std::string::npos ? end : end - space - 1)));
        }
      }
    }
  }
  std::vector<internal::LockedDependency> out;
  for (size_t k = 0; k < packages->size(); ++k) {
    const toml::table& p = *packages->get(k)->as_table();
    const std::string at = fmt::format("package[{}]", k);
    if (!p.contains("source"))
      continue;
    internal::LockedDependency d;
    d.name = Str(p, "name");
    d.version = Str(p, "version");
    if (d.name.empty() || d.version.empty())
      return internal::Refuse(error, at, "expected the package's `name` and `version`");
    d.source = Str(p, "source");
    d.line = static_cast<uint32_t>(p.source().begin.line);
    std::string checksum = Str(p, "checksum");
    if (checksum.empty() && metadata != nullptr) {
      checksum = std::string(
          (*metadata)[fmt::format("checksum {} {} ({})", d.name, d.version, d.source)].value_or(
              std::string_view()));
    }
    if (!checksum.empty())
      d.integrity = fmt::format("sha256:{}", checksum);
    d.path = fmt::format("{} {}", d.name, d.version);
    const bool registry = d.source.starts_with("registry+") || d.source.starts_with("sparse+");
    d.pinned = (registry && !checksum.empty()) ||
               (d.source.starts_with("git+") && d.source.find('#') != std::string::npos);
    d.direct = direct_names.count(d.name) > 0 ||
               direct_exact.count(fmt::format("{}@{}", d.name, d.version)) > 0;
    out.push_back(std::move(d));
  }
  return internal::WriteLockfile(path, Sha256Hex(bytes), "cargo-lock", format, "", out, error);
}

}  // namespace relgate::import
