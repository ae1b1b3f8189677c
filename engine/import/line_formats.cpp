// Line-based lockfiles: Go's go.sum and pip's requirements files.
//
// go-sum:  `MODULE VERSION h1:HASH` and `MODULE VERSION/go.mod h1:HASH` lines. One
//          dependency per module version: `integrity` is the module's hash (absent when
//          go.sum holds only its go.mod hash, `go_mod_only`), `go_mod_integrity` the
//          go.mod's. Go pins every version it records. `has_install_script`: false —
//          fetching and building a Go module runs none of its code (no install hooks;
//          cgo's compiler flags are allowlisted, `go generate` is never run by a build).
// pip-requirements: `name[extras]SPECIFIER ; markers --hash=ALG:HEX ...`, lines joined at
//          a trailing `\`, comments and blank lines skipped, option lines (`-r`, `-e`,
//          `--index-url`) skipped. `pinned`: exactly `==VERSION` (no wildcard) or
//          `===VERSION`; `version` is that version, else the specifier as written.
//          `integrity`: the first hash; `hashes`: all of them.
//          `has_install_script`: false for a package pip installs only from a wheel
//          (`--only-binary :all:` or naming it, not undone by `--no-binary`); absent
//          otherwise, since pip may build an sdist, running its build backend.
// Neither format records direct use or dev-only use, go.sum no install scripts: absent.
#include <algorithm>
#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "engine/base/utf8.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/locked.h"

namespace relgate::import {
namespace {

std::vector<std::string> Lines(std::string_view bytes) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= bytes.size()) {
    size_t end = bytes.find('\n', begin);
    if (end == std::string_view::npos)
      end = bytes.size();
    std::string line(bytes.substr(begin, end - begin));
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    out.push_back(line);
    begin = end + 1;
  }
  return out;
}

std::vector<std::string> Fields(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string f; in >> f;)
    out.push_back(f);
  return out;
}

std::unique_ptr<facts::Document> Reject(facts::LoadError& error, size_t line,
                                        const std::string& message) {
  error.line = static_cast<uint32_t>(line);
  error.column = 1;
  error.message = message;
  return nullptr;
}

bool Utf8(std::string_view bytes, facts::LoadError& error) {
  if (FirstInvalidUtf8(bytes) == std::string_view::npos)
    return true;
  error.message = "not valid UTF-8 text";
  return false;
}

// PEP 503's normalised name: case folded, runs of `-_.` as one `-`.
std::string NormalisedName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (out.empty() || out.back() != '-')
        out.push_back('-');
    } else {
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

// Which packages pip installs from wheels only (`--only-binary`, less `--no-binary`): a
// wheel runs no code at install time, an sdist runs its build backend. pip applies these
// options to the whole file wherever they stand, and a later one overrides an earlier.
struct WheelsOnly {
  bool all = false;
  std::set<std::string> names, excluded;

  [[nodiscard]] bool Covers(std::string_view name) const {
    const std::string n = NormalisedName(name);
    return !excluded.contains(n) && (all || names.contains(n));
  }
};

WheelsOnly OnlyBinary(const std::vector<std::string>& lines) {
  WheelsOnly out;
  for (const std::string& line : lines) {
    const std::vector<std::string> f = Fields(line);
    for (size_t k = 0; k < f.size(); ++k) {
      std::string option = f[k], value;
      if (const size_t eq = option.find('='); eq != std::string::npos) {
        value = option.substr(eq + 1);
        option.resize(eq);
      } else if (k + 1 < f.size()) {
        value = f[k + 1];
      }
      const bool only = option == "--only-binary", no = option == "--no-binary";
      if (!only && !no)
        continue;
      for (size_t begin = 0; begin <= value.size();) {
        size_t end = value.find(',', begin);
        if (end == std::string::npos)
          end = value.size();
        const std::string name = value.substr(begin, end - begin);
        begin = end + 1;
        if (name == ":all:") {
          out.all = only;
          if (only)
            out.excluded.clear();
          else
            out.names.clear();
        } else if (name == ":none:") {
          (only ? out.names : out.excluded).clear();
          if (only)
            out.all = false;
        } else {
          (only ? out.names : out.excluded).insert(NormalisedName(name));
          (only ? out.excluded : out.names).erase(NormalisedName(name));
        }
      }
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<facts::Document> ImportGoSum(std::string_view bytes, const std::string& path,
                                             facts::LoadError& error) {
  error.file = path;
  if (!Utf8(bytes, error))
    return nullptr;

  struct Module {
    std::string name, version, hash, go_mod_hash;
    uint32_t line = 0;  // of its first line
  };

  std::vector<Module> modules;
  std::map<std::pair<std::string, std::string>, size_t> index;
  const std::vector<std::string> lines = Lines(bytes);
  for (size_t n = 0; n < lines.size(); ++n) {
    const std::vector<std::string> f = Fields(lines[n]);
    if (f.empty())
      continue;
    if (f.size() != 3 || f[2].size() < 4 || f[2][0] != 'h' || f[2].find(':') == std::string::npos)
      return Reject(error, n + 1, "expected `MODULE VERSION h1:HASH`: this is not a go.sum line");
    std::string version = f[1];
    const bool go_mod =
        version.size() > 7 && version.compare(version.size() - 7, 7, "/go.mod") == 0;
    if (go_mod)
      version.resize(version.size() - 7);
    if (version.empty() || version[0] != 'v')
      return Reject(error, n + 1,
                    fmt::format("expected a version starting with `v`, found `{}`", f[1]));
    auto [it, added] = index.emplace(std::make_pair(f[0], version), modules.size());
    if (added)
      modules.push_back({f[0], version, "", "", static_cast<uint32_t>(n + 1)});
    (go_mod ? modules[it->second].go_mod_hash : modules[it->second].hash) = f[2];
  }
  facts::TreeBuilder b(fmt::format("{} (go-sum)", path));
  b.BeginObject();
  b.Key("lockfile");
  b.BeginObject();
  b.Field("kind", "go-sum");
  b.FieldInt("format_version", 1);
  b.EndObject();
  b.Key("dependencies");
  b.BeginArray();
  for (const Module& m : modules) {
    b.BeginObject();
    b.Field("name", m.name);
    b.Field("version", m.version);
    if (!m.hash.empty())
      b.Field("integrity", m.hash);
    if (!m.go_mod_hash.empty())
      b.Field("go_mod_integrity", m.go_mod_hash);
    b.FieldBool("pinned", true);
    b.FieldBool("has_install_script", false);
    b.FieldBool("go_mod_only", m.hash.empty());
    internal::WriteOrigin(b, "go-sum", path);
    b.EndObject();
  }
  b.EndArray();
  b.EndObject();
  auto doc = b.Finish(error);
  if (!doc)
    return nullptr;
  doc->set_lockfile();
  for (size_t k = 0; k < modules.size(); ++k)
    doc->set_line(fmt::format("dependencies[{}]", k), modules[k].line);
  return doc;
}

std::unique_ptr<facts::Document> ImportPipRequirements(std::string_view bytes,
                                                       const std::string& path,
                                                       facts::LoadError& error) {
  error.file = path;
  if (!Utf8(bytes, error))
    return nullptr;
  static const std::regex requirement(
      R"(^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([^;]*?)\s*(;\s*(.*))?$)");
  static const std::regex exact(R"(^(===?)\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)$)");
  facts::TreeBuilder b(fmt::format("{} (pip-requirements)", path));
  b.BeginObject();
  b.Key("lockfile");
  b.BeginObject();
  b.Field("kind", "pip-requirements");
  b.FieldInt("format_version", 1);
  b.EndObject();
  b.Key("dependencies");
  b.BeginArray();
  const std::vector<std::string> lines = Lines(bytes);
  const WheelsOnly wheels = OnlyBinary(lines);
  std::vector<uint32_t> entry_lines;  // each requirement's first line
  for (size_t n = 0; n < lines.size(); ++n) {
    const size_t first = n;
    std::string line = lines[n];
    while (!line.empty() && line.back() == '\\' && n + 1 < lines.size())
      line = fmt::format("{} {}", line.substr(0, line.size() - 1), lines[++n]);
    if (const size_t hash = line.find(" #"); hash != std::string::npos)
      line.resize(hash);
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#')
      continue;
    line = line.substr(start);
    if (line[0] == '-')
      continue;  // -r, -c, -e, --index-url ...: not a pinned requirement of its own
    // Options after the requirement: --hash=ALG:HEX (or `--hash ALG:HEX`).
    std::vector<std::string> hashes;
    std::string spec = line;
    if (const size_t opt = line.find(" --"); opt != std::string::npos) {
      spec = line.substr(0, opt);
      const std::vector<std::string> f = Fields(line.substr(opt));
      for (size_t k = 0; k < f.size(); ++k) {
        if (f[k].rfind("--hash=", 0) == 0) {
          hashes.push_back(f[k].substr(7));
        } else if (f[k] == "--hash" && k + 1 < f.size()) {
          hashes.push_back(f[++k]);
        } else if (f[k].rfind("--", 0) != 0) {
          return Reject(error, first + 1, fmt::format("unexpected `{}` after the options", f[k]));
        }
      }
      for (const std::string& h : hashes) {
        if (h.find(':') == std::string::npos)
          return Reject(error, first + 1,
                        fmt::format("expected --hash=ALGORITHM:HEX, found `{}`", h));
      }
    }
    while (!spec.empty() && std::isspace(static_cast<unsigned char>(spec.back())))
      spec.pop_back();
    std::smatch m;
    if (!std::regex_match(spec, m, requirement)) {
      return Reject(
          error, first + 1,
          fmt::format("expected a requirement `name[extras]==version`, found `{}`", spec));
    }
    const std::string specifier = m[3];
    std::smatch pin;
    const bool pinned = std::regex_match(specifier, pin, exact);
    entry_lines.push_back(static_cast<uint32_t>(first + 1));
    b.BeginObject();
    b.Field("name", m[1].str());
    b.Field("version", pinned ? pin[2].str() : specifier);
    b.FieldBool("pinned", pinned);
    if (!hashes.empty()) {
      b.Field("integrity", hashes.front());
      b.Key("hashes");
      b.BeginArray();
      for (const std::string& h : hashes)
        b.String(h);
      b.EndArray();
    }
    if (m[2].matched)
      b.Field("extras", m[2].str().substr(1, m[2].length() - 2));
    if (m[5].matched && !m[5].str().empty())
      b.Field("markers", m[5].str());
    if (wheels.Covers(m[1].str()))
      b.FieldBool("has_install_script", false);
    internal::WriteOrigin(b, "pip-requirements", path);
    b.EndObject();
  }
  b.EndArray();
  b.EndObject();
  auto doc = b.Finish(error);
  if (!doc)
    return nullptr;
  doc->set_lockfile();
  for (size_t k = 0; k < entry_lines.size(); ++k)
    doc->set_line(fmt::format("dependencies[{}]", k), entry_lines[k]);
  return doc;
}

}  // namespace relgate::import
