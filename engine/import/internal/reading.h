// Reading an input's facts tree in the importers (internal to engine/import): a member of
// a given kind, or nothing, so that each importer says only what it expects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "engine/facts/facts.h"
#include "engine/facts/node_access.h"

namespace relgate::import::internal {

using facts::access::Array;  // engine/facts/node_access.h
using facts::access::Member;
using facts::access::Object;
using facts::access::Text;

// The boolean at `key`: true only when present and true.
inline bool Flag(const facts::Node* node, std::string_view key) {
  const facts::Node* v = Member(node, key);
  return v != nullptr && v->kind == facts::NodeKind::kBool && v->b;
}

using facts::access::Int;

// A scalar as text (YAML reads `lockfileVersion: 5.4` and `version: 1.0` as numbers, and
// a quoted `'6.0'` as a string; a workflow's `persist-credentials: false` is a bool): ""
// for anything else.
inline std::string Scalar(const facts::Node* node) {
  if (node == nullptr)
    return "";
  switch (node->kind) {
    case facts::NodeKind::kString: return std::string(node->str());
    case facts::NodeKind::kInt: return fmt::to_string(node->i);
    case facts::NodeKind::kFloat: return fmt::format("{:g}", node->f);
    case facts::NodeKind::kBool: return node->b ? "true" : "false";
    default: return "";
  }
}

// Records an import error at `path`; false, for `return Fail(...)`.
inline bool Fail(facts::LoadError& error, const std::string& path, const std::string& message) {
  error.path = path;
  error.message = message;
  return false;
}

// The same, for `return Refuse(...)` from an importer that returns a document.
inline std::nullptr_t Refuse(facts::LoadError& error, const std::string& path,
                             const std::string& message) {
  Fail(error, path, message);
  return nullptr;
}

}  // namespace relgate::import::internal
