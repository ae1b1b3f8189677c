// Python lockfiles that say how each package installs, to std.lockfiles' schema:
//
//   uv-lock      uv's uv.lock (version 1): `[[package]]` with `source`, `sdist`, `wheels`
//   pylock       PEP 751's pylock.toml (lock-version 1.x): `[[packages]]` with `sdist`,
//                `wheels`, `vcs`, `archive`, `directory`
//   poetry-lock  Poetry's poetry.lock (lock-version 1.x and 2.x): `[[package]]` with
//                `files` (2.x) or `[metadata.files]` (1.x), and `source`
//
//   dependencies: [{ name, version, source?, integrity?, hashes, pinned, dev?, optional?,
//                    has_install_script, direct? }]
//
// `has_install_script`: whether installing may run the package's build code. A wheel
// runs none; an sdist, a VCS checkout, a directory or an archive is built by its build
// backend. False when the lockfile offers a wheel for every platform (`*-none-any.whl`) or
// only wheels; true when it may build (an sdist and no universal wheel, or a source that is
// not a wheel). The project's own entry (uv's editable or virtual root) is the project, not
// a dependency: not listed. `pinned`: a version fixed by the lockfile with a hash, or a
// VCS source at a commit.
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

template <typename View>
std::string Str(const View& n) {
  return std::string(n.value_or(std::string_view()));
}

// What a package's distributions say about building it.
struct Distributions {
  bool sdist = false, wheel = false, universal_wheel = false;
  std::vector<std::string> hashes;  // `sha256:HEX`, sdist first

  void Wheel(const std::string& file) {
    wheel = true;
    universal_wheel = universal_wheel || file.ends_with("-none-any.whl");
  }

  [[nodiscard]] bool MayBuild() const { return sdist ? !universal_wheel : !wheel; }
};

// `{sha256 = "HEX"}` (PEP 751) or `"sha256:HEX"` (uv, Poetry).
template <typename View>
void AddHashes(const View& n, std::vector<std::string>& out) {
  if (const toml::table* t = n.as_table()) {
    for (const auto& [alg, value] : *t) {
      if (const auto* v = value.as_string())
        out.push_back(fmt::format("{}:{}", alg.str(), v->get()));
    }
  } else if (const auto* v = n.as_string()) {
    out.push_back(std::string(v->get()));
  }
}

std::string FileName(const std::string& url) {
  return url.substr(url.rfind('/') + 1);
}

bool IsCommit(std::string_view text) {
  return text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

void Finish(internal::LockedDependency& d, const Distributions& dist) {
  if (!dist.hashes.empty())
    d.integrity = dist.hashes.front();
  d.has_install_script = dist.MayBuild();
}

}  // namespace

std::unique_ptr<facts::Document> ImportUvLock(std::string_view bytes, const std::string& path,
                                              facts::LoadError& error) {
  toml::table root;
  if (!internal::ParseBoundedToml(bytes, path, root, error))
    return nullptr;
  const toml::array* packages = root["package"].as_array();
  const auto version = root["version"].value<int64_t>();
  if (packages == nullptr || !version || !root.contains("requires-python")) {
    error.message = "expected uv's uv.lock: `version`, `requires-python` and `[[package]]` tables";
    return nullptr;
  }
  if (*version != 1) {
    return internal::Refuse(
        error, "version", fmt::format("uv.lock version {} is not one relgate reads (1)", *version));
  }
  // The project's own packages (editable or virtual roots, workspace members) and what
  // they list: direct, and dev-only when only a dev group lists it.
  std::set<std::string> direct, dev_listed, main_listed;
  for (const auto& node : *packages) {
    const toml::table* p = node.as_table();
    if (p == nullptr)
      continue;
    const toml::table* source = (*p)["source"].as_table();
    if (source == nullptr || !(source->contains("editable") || source->contains("virtual")))
      continue;
    if (const toml::array* deps = (*p)["dependencies"].as_array()) {
      for (const auto& dep : *deps) {
        direct.insert(Str((*dep.as_table())["name"]));
        main_listed.insert(Str((*dep.as_table())["name"]));
      }
    }
    for (const char* group : {"dev-dependencies", "optional-dependencies"}) {
      if (const toml::table* groups = (*p)[group].as_table()) {
        for (const auto& [name, list] : *groups) {
          for (const auto& dep : *list.as_array()) {
            if (const toml::table* t = dep.as_table()) {
              direct.insert(Str((*t)["name"]));
              if (std::string_view(group) == "dev-dependencies")
                dev_listed.insert(Str((*t)["name"]));
            }
          }
        }
      }
    }
  }
  std::vector<internal::LockedDependency> out;
  for (size_t k = 0; k < packages->size(); ++k) {
    const toml::table* p = packages->get(k)->as_table();
    const std::string at = fmt::format("package[{}]", k);
    if (p == nullptr)
      return internal::Refuse(error, at, "expected a table");
    const toml::table* source = (*p)["source"].as_table();
    if (source == nullptr)
      return internal::Refuse(error, fmt::format("{}.source", at),
                              "expected the package's source (a table)");
    if (source->contains("editable") || source->contains("virtual"))
      continue;  // the project itself
    internal::LockedDependency d;
    d.line = static_cast<uint32_t>(p->source().begin.line);
    d.name = Str((*p)["name"]);
    d.version = Str((*p)["version"]);
    if (d.name.empty())
      return internal::Refuse(error, at, "expected the package's `name`");
    Distributions dist;
    if (const toml::table* sdist = (*p)["sdist"].as_table()) {
      dist.sdist = true;
      AddHashes((*sdist)["hash"], dist.hashes);
    }
    if (const toml::array* wheels = (*p)["wheels"].as_array()) {
      for (const auto& w : *wheels) {
        if (const toml::table* t = w.as_table()) {
          dist.Wheel(FileName(Str((*t)["url"]).empty() ? Str((*t)["path"]) : Str((*t)["url"])));
          AddHashes((*t)["hash"], dist.hashes);
        }
      }
    }
    const std::string registry = Str((*source)["registry"]);
    const std::string git = Str((*source)["git"]);
    if (!registry.empty()) {
      d.source = registry;
      d.pinned = !d.version.empty() && !dist.hashes.empty();
    } else if (!git.empty()) {
      d.source = git;  // `URL?rev=...#COMMIT`
      d.pinned = IsCommit(git.substr(git.rfind('#') + 1));
      dist.sdist = true;  // built from the checkout
    } else {
      // url, path, directory: built unless it is a wheel.
      for (const char* kind : {"url", "path", "directory"}) {
        if (const std::string s = Str((*source)[kind]); !s.empty())
          d.source = s;
      }
      if (!d.source.ends_with(".whl"))
        dist.sdist = true;
      else
        dist.Wheel(FileName(d.source));
      d.pinned = !dist.hashes.empty();
    }
    Finish(d, dist);
    d.path = fmt::format("{} {}", d.name, d.version);
    d.direct = direct.contains(d.name);
    if (dev_listed.contains(d.name) && !main_listed.contains(d.name))
      d.dev = true;
    out.push_back(std::move(d));
  }
  return internal::WriteLockfile(path, Sha256Hex(bytes), "uv-lock", *version, "", out, error);
}

std::unique_ptr<facts::Document> ImportPylock(std::string_view bytes, const std::string& path,
                                              facts::LoadError& error) {
  toml::table root;
  if (!internal::ParseBoundedToml(bytes, path, root, error))
    return nullptr;
  const std::string lock_version = Str(root["lock-version"]);
  const toml::array* packages = root["packages"].as_array();
  if (lock_version.empty() || packages == nullptr) {
    error.message =
        "expected a PEP 751 lockfile (pylock.toml): `lock-version` and `[[packages]]` tables";
    return nullptr;
  }
  if (!lock_version.starts_with("1.") && lock_version != "1") {
    return internal::Refuse(
        error, "lock-version",
        fmt::format("lock-version {} is not one relgate reads (1.x)", lock_version));
  }
  std::vector<internal::LockedDependency> out;
  for (size_t k = 0; k < packages->size(); ++k) {
    const toml::table* p = packages->get(k)->as_table();
    const std::string at = fmt::format("packages[{}]", k);
    if (p == nullptr)
      return internal::Refuse(error, at, "expected a table");
    internal::LockedDependency d;
    d.line = static_cast<uint32_t>(p->source().begin.line);
    d.name = Str((*p)["name"]);
    d.version = Str((*p)["version"]);
    if (d.name.empty())
      return internal::Refuse(error, at, "expected the package's `name`");
    Distributions dist;
    if (const toml::table* sdist = (*p)["sdist"].as_table()) {
      dist.sdist = true;
      AddHashes((*sdist)["hashes"], dist.hashes);
      d.source = Str((*sdist)["url"]).empty() ? Str((*sdist)["path"]) : Str((*sdist)["url"]);
    }
    if (const toml::array* wheels = (*p)["wheels"].as_array()) {
      for (const auto& w : *wheels) {
        if (const toml::table* t = w.as_table()) {
          const std::string where = Str((*t)["url"]).empty() ? Str((*t)["path"]) : Str((*t)["url"]);
          dist.Wheel(Str((*t)["name"]).empty() ? FileName(where) : Str((*t)["name"]));
          AddHashes((*t)["hashes"], dist.hashes);
          if (d.source.empty())
            d.source = where;
        }
      }
    }
    bool vcs_commit = false;
    if (const toml::table* vcs = (*p)["vcs"].as_table()) {
      dist.sdist = true;
      d.source = Str((*vcs)["url"]).empty() ? Str((*vcs)["path"]) : Str((*vcs)["url"]);
      vcs_commit = IsCommit(Str((*vcs)["commit-id"]));
    }
    if (const toml::table* archive = (*p)["archive"].as_table()) {
      dist.sdist = true;
      AddHashes((*archive)["hashes"], dist.hashes);
      d.source = Str((*archive)["url"]).empty() ? Str((*archive)["path"]) : Str((*archive)["url"]);
    }
    if (const toml::table* directory = (*p)["directory"].as_table()) {
      dist.sdist = true;
      d.source = Str((*directory)["path"]);
    }
    if (!dist.sdist && !dist.wheel) {
      return internal::Refuse(error, at,
                              "expected where the package comes from: `sdist`, `wheels`, `vcs`, "
                              "`archive` or `directory`");
    }
    d.pinned = vcs_commit || (!d.version.empty() && !dist.hashes.empty()) ||
               (!dist.hashes.empty() && (*p).contains("archive"));
    Finish(d, dist);
    d.path = fmt::format("{} {}", d.name, d.version);
    out.push_back(std::move(d));
  }
  const int64_t major = std::atoll(lock_version.c_str());
  return internal::WriteLockfile(path, Sha256Hex(bytes), "pylock", major, "", out, error);
}

std::unique_ptr<facts::Document> ImportPoetryLock(std::string_view bytes, const std::string& path,
                                                  facts::LoadError& error) {
  toml::table root;
  if (!internal::ParseBoundedToml(bytes, path, root, error))
    return nullptr;
  const toml::table* metadata = root["metadata"].as_table();
  const toml::array* packages = root["package"].as_array();
  const std::string lock_version = metadata != nullptr ? Str((*metadata)["lock-version"]) : "";
  if (packages == nullptr || lock_version.empty()) {
    error.message =
        "expected Poetry's poetry.lock: `[[package]]` tables and "
        "`[metadata]` with `lock-version`";
    return nullptr;
  }
  if (!lock_version.starts_with("1.") && !lock_version.starts_with("2.")) {
    return internal::Refuse(
        error, "metadata.lock-version",
        fmt::format("lock-version {} is not one relgate reads (1.x, 2.x)", lock_version));
  }
  const toml::table* old_files = (*metadata)["files"].as_table();  // 1.x
  std::vector<internal::LockedDependency> out;
  for (size_t k = 0; k < packages->size(); ++k) {
    const toml::table* p = packages->get(k)->as_table();
    const std::string at = fmt::format("package[{}]", k);
    if (p == nullptr)
      return internal::Refuse(error, at, "expected a table");
    internal::LockedDependency d;
    d.line = static_cast<uint32_t>(p->source().begin.line);
    d.name = Str((*p)["name"]);
    d.version = Str((*p)["version"]);
    if (d.name.empty() || d.version.empty())
      return internal::Refuse(error, at, "expected the package's `name` and `version`");
    const toml::array* files = (*p)["files"].as_array();
    if (files == nullptr && old_files != nullptr)
      files = (*old_files)[d.name].as_array();
    Distributions dist;
    for (size_t f = 0; files != nullptr && f < files->size(); ++f) {
      const toml::table* t = files->get(f)->as_table();
      if (t == nullptr)
        continue;
      const std::string file = Str((*t)["file"]);
      if (file.ends_with(".whl"))
        dist.Wheel(file);
      else
        dist.sdist = true;
      AddHashes((*t)["hash"], dist.hashes);
    }
    bool commit = false;
    if (const toml::table* source = (*p)["source"].as_table()) {
      const std::string type = Str((*source)["type"]);
      d.source = Str((*source)["url"]);
      if (type == "git") {
        dist.sdist = true;
        commit = IsCommit(Str((*source)["resolved_reference"]));
      } else if (type == "directory" || type == "file" || type == "url") {
        if (!d.source.ends_with(".whl"))
          dist.sdist = true;
      }
    }
    if (!dist.sdist && !dist.wheel)
      dist.sdist = true;  // nothing recorded: assume it may build
    d.pinned = commit || !dist.hashes.empty();
    Finish(d, dist);
    d.path = fmt::format("{} {}", d.name, d.version);
    if (const auto category = (*p)["category"].value<std::string_view>())
      d.dev = *category == "dev";  // 1.x
    else if (const toml::array* groups = (*p)["groups"].as_array()) {
      bool main = false;
      for (const auto& g : *groups)
        main = main || g.value_or(std::string_view()) == "main";
      d.dev = !main;  // 2.x: in no `main` group
    }
    if (const auto optional = (*p)["optional"].value<bool>())
      d.optional = *optional;
    out.push_back(std::move(d));
  }
  const int64_t major = std::atoll(lock_version.c_str());
  return internal::WriteLockfile(path, Sha256Hex(bytes), "poetry-lock", major, "", out, error);
}

}  // namespace relgate::import
