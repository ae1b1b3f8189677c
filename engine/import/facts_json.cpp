#include "engine/import/facts_json.h"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "engine/base/json_writer.h"

namespace relgate::import {
namespace {

void Write(std::string& out, const facts::Node& node, int depth) {
  const std::string indent(static_cast<size_t>(depth) * 2, ' ');
  switch (node.kind) {
    case facts::NodeKind::kNull: out += "null"; return;
    case facts::NodeKind::kBool: out += node.b ? "true" : "false"; return;
    case facts::NodeKind::kInt: out += fmt::to_string(node.i); return;
    case facts::NodeKind::kFloat: {
      // Read back as a float, not an integer: `2.0` and `-0.0` keep their point.
      const std::string text = fmt::format("{:.17g}", node.f);
      out += text;
      if (text.find_first_of(".eEn") == std::string::npos)
        out += ".0";
      return;
    }
    case facts::NodeKind::kString: out += JsonQuote(node.str()); return;
    case facts::NodeKind::kArray:
      if (node.len == 0) {
        out += "[]";
        return;
      }
      out += "[\n";
      for (uint32_t k = 0; k < node.len; ++k) {
        out += fmt::format("{}  ", indent);
        Write(out, node.items[k], depth + 1);
        out += k + 1 < node.len ? ",\n" : "\n";
      }
      out += fmt::format("{}]", indent);
      return;
    case facts::NodeKind::kObject:
      if (node.len == 0) {
        out += "{}";
        return;
      }
      out += "{\n";
      for (uint32_t k = 0; k < node.len; ++k) {
        out += fmt::format("{}  {}: ", indent, JsonQuote(node.members[k].name()));
        Write(out, node.members[k].value, depth + 1);
        out += k + 1 < node.len ? ",\n" : "\n";
      }
      out += fmt::format("{}}}", indent);
      return;
  }
}

}  // namespace

std::string NodeJson(const facts::Node& node) {
  std::string out;
  Write(out, node, 0);
  return out;
}

std::string FactsJson(const facts::Document& document) {
  std::string out;
  Write(out, document.root(), 0);
  out += "\n";
  return out;
}

}  // namespace relgate::import
