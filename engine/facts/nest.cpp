#include "engine/facts/nest.h"

#include "engine/facts/tree_builder.h"

namespace relgate::facts {
namespace {

void Copy(const Node& node, TreeBuilder& b) {
  switch (node.kind) {
    case NodeKind::kNull: return b.Null();
    case NodeKind::kBool: return b.Bool(node.b);
    case NodeKind::kInt: return b.Int(node.i);
    case NodeKind::kFloat: return b.Float(node.f);
    case NodeKind::kString: return b.String(node.str());
    case NodeKind::kArray:
      b.BeginArray(node.len);
      for (uint32_t k = 0; k < node.len && !b.failed(); ++k)
        Copy(node.items[k], b);
      return b.EndArray();
    case NodeKind::kObject:
      b.BeginObject(node.len);
      for (uint32_t k = 0; k < node.len && !b.failed(); ++k) {
        b.Key(node.members[k].name());
        Copy(node.members[k].value, b);
      }
      return b.EndObject();
  }
}

}  // namespace

std::unique_ptr<Document> NestUnder(const FactSet& set, std::string_view key, std::string_view skip,
                                    const std::string& name, LoadError& error) {
  TreeBuilder b(name, "", /*utf8_checked=*/true);  // copied from checked documents
  b.BeginObject();
  b.Key(key);
  b.BeginObject();
  for (const auto& doc : set.documents()) {
    const Node& root = doc->root();
    for (uint32_t k = 0; k < root.len && !b.failed(); ++k) {
      if (root.members[k].name() == skip)
        continue;
      b.Key(root.members[k].name());
      Copy(root.members[k].value, b);
    }
  }
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace relgate::facts
