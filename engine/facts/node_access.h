// Reading a parsed document by what it is expected to hold: a member of a given kind, or
// nothing. Shared by every stage that reads documents through the facts tree (importers,
// the Sigstore verifier), so each says only what it expects.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/facts/facts.h"

namespace relgate::facts::access {

// The member `key` of `node` when `node` is an object, else nullptr.
inline const facts::Node* Member(const facts::Node* node, std::string_view key) {
  return node != nullptr && node->kind == facts::NodeKind::kObject ? node->Find(key) : nullptr;
}

// The string at `key`, or "" when absent or not a string.
inline std::string Text(const facts::Node* node, std::string_view key) {
  const facts::Node* v = Member(node, key);
  return v != nullptr && v->kind == facts::NodeKind::kString ? std::string(v->str()) : "";
}

// The list at `key`, or nullptr.
inline const facts::Node* Array(const facts::Node* node, std::string_view key) {
  const facts::Node* v = Member(node, key);
  return v != nullptr && v->kind == facts::NodeKind::kArray ? v : nullptr;
}

// `node` itself when it is an object, else nullptr.
inline const facts::Node* Object(const facts::Node* node) {
  return node != nullptr && node->kind == facts::NodeKind::kObject ? node : nullptr;
}

// The integer at `key`, or -1.
inline int64_t Int(const facts::Node* node, std::string_view key) {
  const facts::Node* v = Member(node, key);
  return v != nullptr && v->kind == facts::NodeKind::kInt ? v->i : -1;
}

}  // namespace relgate::facts::access
