// CycloneDX SBOMs in JSON (specVersion 1.2 to 1.7), under one top-level fact `sbom` so
// that an SBOM and a lockfile import side by side:
//
//   sbom: { kind: "cyclonedx", spec_version, serial_number?, component?: {name, version?},
//           components: [{ name, version?, group?, type?, purl?, bom_ref?, supplier?,
//                          sha256?, hashes: [{alg, value}], licenses: [string] }],
//           dependencies: [{ ref, depends_on: [string] }] }
//
// Components nested in components are listed too, depth first. A licence is its SPDX id,
// else its name, else the expression. `sha256` is the SHA-256 hash when there is one.
#include <cctype>
#include <utility>

#include <fmt/format.h>

#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/reading.h"
#include "engine/import/internal/sbom.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Array;
using internal::Fail;
using internal::Text;

// The hex length CycloneDX's schema requires of a hash algorithm's content; 0 when it
// fixes none (BLAKE3).
size_t HexLength(const std::string& alg) {
  static const std::pair<const char*, size_t> lengths[] = {
      {"MD5", 32},          {"SHA-1", 40},        {"SHA-256", 64},      {"SHA-384", 96},
      {"SHA-512", 128},     {"SHA3-256", 64},     {"SHA3-384", 96},     {"SHA3-512", 128},
      {"BLAKE2b-256", 64},  {"BLAKE2b-384", 96},  {"BLAKE2b-512", 128}, {"BLAKE3", 0},
      {"Streebog-256", 64}, {"Streebog-512", 128}};  // Streebog: 1.7
  for (const auto& [name, length] : lengths) {
    if (alg == name)
      return length;
  }
  return std::string::npos;
}

bool IsHex(const std::string& text) {
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c)))
      return false;
  }
  return !text.empty();
}

bool Components(facts::TreeBuilder& b, const Node& list, const std::string& at,
                facts::LoadError& error, int depth) {
  if (depth > 32)
    return Fail(error, at, "components nested deeper than 32 levels");
  for (uint32_t k = 0; k < list.len; ++k) {
    const Node& c = list.items[k];
    const std::string path = fmt::format("{}[{}]", at, k);
    if (c.kind != NodeKind::kObject)
      return Fail(error, path, "expected a component (an object)");
    const std::string name = Text(&c, "name");
    if (name.empty())
      return Fail(error, fmt::format("{}.name", path), "expected the component's name (a string)");
    b.BeginObject();
    b.Field("name", name);
    b.FieldIfSet("version", Text(&c, "version"));
    b.FieldIfSet("group", Text(&c, "group"));
    b.FieldIfSet("type", Text(&c, "type"));
    b.FieldIfSet("purl", Text(&c, "purl"));
    b.FieldIfSet("bom_ref", Text(&c, "bom-ref"));
    if (const Node* supplier = c.Find("supplier"))
      b.FieldIfSet("supplier", Text(supplier, "name"));
    std::vector<std::pair<std::string, std::string>> checked;
    if (const Node* hashes = Array(&c, "hashes")) {
      for (uint32_t h = 0; h < hashes->len; ++h) {
        const std::string alg = Text(&hashes->items[h], "alg");
        const std::string value = Text(&hashes->items[h], "content");
        const std::string where = fmt::format("{}.hashes[{}]", path, h);
        if (alg.empty() || value.empty())
          return Fail(error, where, "expected a hash with `alg` and `content`");
        const size_t length = HexLength(alg);
        if (length == std::string::npos)
          return Fail(error, fmt::format("{}.alg", where),
                      fmt::format("unknown hash algorithm `{}`", alg));
        if (!IsHex(value) || (length > 0 && value.size() != length)) {
          return Fail(error, fmt::format("{}.content", where),
                      fmt::format("expected {}hex digits for {}, found `{}`",
                                  (length > 0 ? fmt::format("{} ", length) : std::string()), alg,
                                  value.substr(0, 80)));
        }
        checked.emplace_back(alg, value);
      }
    }
    internal::WriteHashes(b, checked, "SHA-256");
    b.Key("licenses");
    b.BeginArray();
    if (const Node* licenses = Array(&c, "licenses")) {
      for (uint32_t l = 0; l < licenses->len; ++l) {
        const Node* license = licenses->items[l].Find("license");
        std::string text = Text(license, "id");
        if (text.empty())
          text = Text(license, "name");
        if (text.empty())
          text = Text(&licenses->items[l], "expression");
        if (!text.empty())
          b.String(text);
      }
    }
    b.EndArray();
    b.EndObject();
    if (const Node* nested = Array(&c, "components")) {
      if (!Components(b, *nested, fmt::format("{}.components", path), error, depth + 1))
        return false;
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<facts::Document> ImportCycloneDx(std::string_view bytes, const std::string& path,
                                                 facts::LoadError& error) {
  auto bom = facts::ParseJson(bytes, path, error);
  if (!bom)
    return nullptr;
  const Node& root = bom->root();
  if (Text(&root, "bomFormat") != "CycloneDX") {
    Fail(error, "bomFormat", "expected \"CycloneDX\": this is not a CycloneDX JSON SBOM");
    return nullptr;
  }
  const std::string spec = Text(&root, "specVersion");
  if (spec != "1.2" && spec != "1.3" && spec != "1.4" && spec != "1.5" && spec != "1.6" &&
      spec != "1.7") {
    Fail(error, "specVersion",
         fmt::format("expected a specVersion from 1.2 to 1.7, found `{}`", spec));
    return nullptr;
  }
  facts::TreeBuilder b(fmt::format("{} (cyclonedx)", path), bom->sha256());
  b.BeginObject();
  b.Key("sbom");
  b.BeginObject();
  b.Field("kind", "cyclonedx");
  b.Field("spec_version", spec);
  b.FieldIfSet("serial_number", Text(&root, "serialNumber"));
  if (const Node* component =
          root.Find("metadata") != nullptr ? root.Find("metadata")->Find("component") : nullptr) {
    b.Key("component");
    b.BeginObject();
    b.Field("name", Text(component, "name"));
    b.FieldIfSet("version", Text(component, "version"));
    b.EndObject();
  }
  b.Key("components");
  b.BeginArray();
  if (const Node* components = Array(&root, "components")) {
    if (!Components(b, *components, "components", error, 0))
      return nullptr;
  }
  b.EndArray();
  b.Key("dependencies");
  b.BeginArray();
  if (const Node* deps = Array(&root, "dependencies")) {
    for (uint32_t k = 0; k < deps->len; ++k) {
      const std::string ref = Text(&deps->items[k], "ref");
      if (ref.empty()) {
        Fail(error, fmt::format("dependencies[{}].ref", k),
             "expected the dependent's bom-ref (a string)");
        return nullptr;
      }
      b.BeginObject();
      b.Field("ref", ref);
      b.Key("depends_on");
      b.BeginArray();
      if (const Node* on = Array(&deps->items[k], "dependsOn")) {
        for (uint32_t j = 0; j < on->len; ++j) {
          if (on->items[j].kind == NodeKind::kString)
            b.String(on->items[j].str());
        }
      }
      b.EndArray();
      b.EndObject();
    }
  }
  b.EndArray();
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace relgate::import
