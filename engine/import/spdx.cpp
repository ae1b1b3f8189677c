// SPDX 2.2 and 2.3 SBOMs in JSON, into the same `sbom` schema as CycloneDX (std.sboms):
// packages as components (SPDXID as bom_ref, versionInfo, the purl external reference,
// checksums, the concluded licence else the declared one, the supplier without its
// `Organization:` prefix), and dependency relationships (DEPENDS_ON, DYNAMIC_LINK,
// STATIC_LINK, and the *DEPENDENCY_OF ones reversed) as dependency edges. SPDX 3.0 (JSON-LD) is
// refused with that reason: not imported yet.
#include <map>

#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/reading.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Array;
using internal::Text;

bool Meaningful(const std::string& value) {
  return !value.empty() && value != "NOASSERTION" && value != "NONE";
}

}  // namespace

std::unique_ptr<facts::Document> ImportSpdx(std::string_view bytes, const std::string& path,
                                            facts::LoadError& error) {
  auto doc = facts::ParseJson(bytes, path, error);
  if (!doc)
    return nullptr;
  const Node& root = doc->root();
  const std::string version = Text(&root, "spdxVersion");
  if (version != "SPDX-2.2" && version != "SPDX-2.3") {
    error.path = "spdxVersion";
    error.message = root.Find("@context") != nullptr
                        ? "an SPDX 3 JSON-LD document: only SPDX 2.2 and 2.3 JSON are imported"
                        : "expected spdxVersion SPDX-2.2 or SPDX-2.3: this is not an SPDX 2 "
                          "JSON document";
    return nullptr;
  }
  facts::TreeBuilder b(path + " (spdx)", doc->sha256());
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
      error.path = "packages[" + std::to_string(k) + "].name";
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
    std::string sha256;
    b.Key("hashes");
    b.BeginArray();
    if (const Node* sums = Array(&p, "checksums")) {
      for (uint32_t c = 0; c < sums->len; ++c) {
        const std::string alg = Text(&sums->items[c], "algorithm");
        const std::string value = Text(&sums->items[c], "checksumValue");
        if (alg.empty() || value.empty())
          continue;
        if (alg == "SHA256" && sha256.empty())
          sha256 = value;
        b.BeginObject();
        b.Field("alg", alg);
        b.Field("value", value);
        b.EndObject();
      }
    }
    b.EndArray();
    if (!sha256.empty())
      b.Field("sha256", sha256);
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
  b.Key("dependencies");
  b.BeginArray();
  for (const std::string& from : order) {
    b.BeginObject();
    b.Field("ref", from);
    b.Key("depends_on");
    b.BeginArray();
    for (const std::string& to : edges[from])
      b.String(to);
    b.EndArray();
    b.EndObject();
  }
  b.EndArray();
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace relgate::import
