// SPDX 2.2 and 2.3 SBOMs in JSON, into the same `sbom` schema as CycloneDX (std.sboms):
// packages as components (SPDXID as bom_ref, versionInfo, the purl external reference,
// checksums, the concluded licence else the declared one, the supplier without its
// `Organization:` prefix), and dependency relationships (DEPENDS_ON, DYNAMIC_LINK,
// STATIC_LINK, and the *DEPENDENCY_OF ones reversed) as dependency edges. SPDX 3.0
// JSON-LD (`@graph` of elements) maps to the same schema: packages and files as
// components, `suppliedBy` resolved to the agent's name, `verifiedUsing` hashes, licences
// from the hasConcludedLicense/hasDeclaredLicense relationships, and dependsOn,
// hasStaticLink, hasDynamicLink, hasOptionalDependency, hasProvidedDependency as edges.
#include <cctype>
#include <map>

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
using internal::Text;

bool Meaningful(const std::string& value) {
  return !value.empty() && value != "NOASSERTION" && value != "NONE";
}

// `sha256` -> `SHA256`, `sha3_256` -> `SHA3_256`: SPDX 2's spelling, so one policy reads
// both versions.
std::string Spdx2Algorithm(std::string alg) {
  for (char& c : alg)
    c = static_cast<char>(c == '-' ? '_' : std::toupper(static_cast<unsigned char>(c)));
  return alg;
}

// `software_Package` (compact JSON-LD) or `Package`.
bool IsType(const std::string& type, std::string_view name) {
  return type == name || (type.size() > name.size() + 1 && type.ends_with(name) &&
                          type[type.size() - name.size() - 1] == '_');
}

std::unique_ptr<facts::Document> Spdx3(const facts::Document& doc, const std::string& path,
                                       facts::LoadError& error) {
  const Node* graph = Array(&doc.root(), "@graph");
  if (graph == nullptr)
    return internal::Refuse(error, "@graph", "expected an SPDX 3 JSON-LD `@graph` of elements");
  std::map<std::string, const Node*> by_id;
  std::string spec_version, serial, name;
  for (uint32_t k = 0; k < graph->len; ++k) {
    const Node& e = graph->items[k];
    const std::string type = Text(&e, "type");
    if (std::string id = Text(&e, "spdxId"); !id.empty())
      by_id[id] = &e;
    if (type == "CreationInfo" && spec_version.empty())
      spec_version = Text(&e, "specVersion");
    if (type == "SpdxDocument" && serial.empty()) {
      serial = Text(&e, "spdxId");
      name = Text(&e, "name");
    }
  }
  if (spec_version.rfind("3.", 0) != 0)
    return internal::Refuse(error, "@graph",
                            "expected a CreationInfo with specVersion 3.x: this is not SPDX 3");
  // Licences and edges come from relationships; collect them first.
  std::map<std::string, std::vector<std::string>> licences, edges;
  std::vector<std::string> order;
  for (uint32_t k = 0; k < graph->len; ++k) {
    const Node& e = graph->items[k];
    if (!IsType(Text(&e, "type"), "Relationship") &&
        !IsType(Text(&e, "type"), "LifecycleScopedRelationship"))
      continue;
    const std::string rel = Text(&e, "relationshipType");
    const std::string from = Text(&e, "from");
    const Node* to = Array(&e, "to");
    for (uint32_t t = 0; to != nullptr && t < to->len; ++t) {
      if (to->items[t].kind != NodeKind::kString)
        continue;
      const std::string target(to->items[t].str());
      if (rel == "hasConcludedLicense" || rel == "hasDeclaredLicense") {
        const auto found = by_id.find(target);
        std::string text =
            found != by_id.end() ? Text(found->second, "simplelicensing_licenseExpression") : "";
        if (text.empty() && found != by_id.end())
          text = Text(found->second, "name");
        if (Meaningful(text) && (rel == "hasConcludedLicense" || licences[from].empty()))
          licences[from] = {text};
      } else if (rel == "dependsOn" || rel == "hasStaticLink" || rel == "hasDynamicLink" ||
                 rel == "hasOptionalDependency" || rel == "hasProvidedDependency") {
        if (edges.find(from) == edges.end())
          order.push_back(from);
        edges[from].push_back(target);
      }
    }
  }
  facts::TreeBuilder b(fmt::format("{} (spdx)", path), doc.sha256());
  b.BeginObject();
  b.Key("sbom");
  b.BeginObject();
  b.Field("kind", "spdx");
  b.Field("spec_version", spec_version);
  if (!serial.empty())
    b.Field("serial_number", serial);
  b.Field("name", name);
  b.Key("components");
  b.BeginArray();
  for (uint32_t k = 0; k < graph->len; ++k) {
    const Node& e = graph->items[k];
    const std::string type = Text(&e, "type");
    const bool package = IsType(type, "Package");
    if (!package && !IsType(type, "File"))
      continue;
    const std::string id = Text(&e, "spdxId");
    b.BeginObject();
    b.Field("name", Text(&e, "name"));
    if (std::string v = Text(&e, "software_packageVersion"); !v.empty())
      b.Field("version", v);
    b.Field("type", package ? "package" : "file");
    if (std::string purl = Text(&e, "software_packageUrl"); !purl.empty())
      b.Field("purl", purl);
    if (!id.empty())
      b.Field("bom_ref", id);
    if (std::string agent = Text(&e, "suppliedBy"); !agent.empty()) {
      const auto found = by_id.find(agent);
      b.Field("supplier", found != by_id.end() ? Text(found->second, "name") : agent);
    }
    std::vector<std::pair<std::string, std::string>> hashes;
    if (const Node* verified = Array(&e, "verifiedUsing")) {
      for (uint32_t h = 0; h < verified->len; ++h)
        hashes.emplace_back(Spdx2Algorithm(Text(&verified->items[h], "algorithm")),
                            Text(&verified->items[h], "hashValue"));
    }
    internal::WriteHashes(b, hashes, "SHA256");
    b.Key("licenses");
    b.BeginArray();
    for (const std::string& licence : licences[id])
      b.String(licence);
    b.EndArray();
    b.EndObject();
  }
  b.EndArray();
  internal::WriteEdges(b, order, edges);
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace

std::unique_ptr<facts::Document> ImportSpdx(std::string_view bytes, const std::string& path,
                                            facts::LoadError& error) {
  auto doc = facts::ParseJson(bytes, path, error);
  if (!doc)
    return nullptr;
  const Node& root = doc->root();
  const std::string version = Text(&root, "spdxVersion");
  if (root.kind == NodeKind::kObject && root.Find("@context") != nullptr)
    return Spdx3(*doc, path, error);
  if (version != "SPDX-2.2" && version != "SPDX-2.3") {
    error.path = "spdxVersion";
    error.message =
        "expected spdxVersion SPDX-2.2 or SPDX-2.3 (or an SPDX 3 JSON-LD document): this is "
        "not an SPDX JSON document";
    return nullptr;
  }
  facts::TreeBuilder b(fmt::format("{} (spdx)", path), doc->sha256());
  b.BeginObject();
  b.Key("sbom");
  b.BeginObject();
  b.Field("kind", "spdx");
  b.Field("spec_version", version.substr(5));
  if (std::string ns = Text(&root, "documentNamespace"); !ns.empty())
    b.Field("serial_number", ns);
  b.Field("name", Text(&root, "name"));
  b.Key("components");
  b.BeginArray();
  const Node* packages = Array(&root, "packages");
  for (uint32_t k = 0; packages != nullptr && k < packages->len; ++k) {
    const Node& p = packages->items[k];
    const std::string name = Text(&p, "name");
    if (name.empty()) {
      error.path = fmt::format("packages[{}].name", k);
      error.message = "expected the package's name (a string)";
      return nullptr;
    }
    b.BeginObject();
    b.Field("name", name);
    if (std::string v = Text(&p, "versionInfo"); !v.empty())
      b.Field("version", v);
    b.Field("type", "package");
    if (const Node* refs = Array(&p, "externalRefs")) {
      for (uint32_t r = 0; r < refs->len; ++r) {
        if (Text(&refs->items[r], "referenceType") == "purl") {
          b.Field("purl", Text(&refs->items[r], "referenceLocator"));
          break;
        }
      }
    }
    if (std::string id = Text(&p, "SPDXID"); !id.empty())
      b.Field("bom_ref", id);
    if (std::string supplier = Text(&p, "supplier"); Meaningful(supplier)) {
      for (const char* prefix : {"Organization: ", "Person: "}) {
        if (supplier.rfind(prefix, 0) == 0)
          supplier = supplier.substr(std::string(prefix).size());
      }
      b.Field("supplier", supplier);
    }
    std::vector<std::pair<std::string, std::string>> hashes;
    if (const Node* sums = Array(&p, "checksums")) {
      for (uint32_t c = 0; c < sums->len; ++c)
        hashes.emplace_back(Text(&sums->items[c], "algorithm"),
                            Text(&sums->items[c], "checksumValue"));
    }
    internal::WriteHashes(b, hashes, "SHA256");
    b.Key("licenses");
    b.BeginArray();
    std::string licence = Text(&p, "licenseConcluded");
    if (!Meaningful(licence))
      licence = Text(&p, "licenseDeclared");
    if (Meaningful(licence))
      b.String(licence);
    b.EndArray();
    b.EndObject();
  }
  b.EndArray();
  // Edges by dependent, in order of first appearance.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> edges;
  if (const Node* rels = Array(&root, "relationships")) {
    for (uint32_t k = 0; k < rels->len; ++k) {
      const std::string type = Text(&rels->items[k], "relationshipType");
      std::string from = Text(&rels->items[k], "spdxElementId");
      std::string to = Text(&rels->items[k], "relatedSpdxElement");
      // A depends on B: DEPENDS_ON, DYNAMIC_LINK, STATIC_LINK; B ... _DEPENDENCY_OF A.
      const bool reversed =
          type.size() >= 13 && type.compare(type.size() - 13, 13, "DEPENDENCY_OF") == 0;
      if (reversed)
        std::swap(from, to);
      else if (type != "DEPENDS_ON" && type != "DYNAMIC_LINK" && type != "STATIC_LINK")
        continue;
      if (from.empty() || to.empty())
        continue;
      if (edges.find(from) == edges.end())
        order.push_back(from);
      edges[from].push_back(to);
    }
  }
  internal::WriteEdges(b, order, edges);
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace relgate::import
