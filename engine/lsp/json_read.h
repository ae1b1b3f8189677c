// Reading the fields of a JSON-RPC message (a strict facts tree) without trusting them:
// a field that is missing or of another type reads as absent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/facts/facts.h"
#include "engine/lsp/text_position.h"

namespace relgate::lsp {

inline const facts::Node* Member(const facts::Node* node, std::string_view key) {
  return node != nullptr && node->kind == facts::NodeKind::kObject ? node->Find(key) : nullptr;
}

inline bool ReadString(const facts::Node* node, std::string_view key, std::string& out) {
  const facts::Node* value = Member(node, key);
  if (value == nullptr || value->kind != facts::NodeKind::kString)
    return false;
  out = std::string(value->str());
  return true;
}

inline bool ReadInt(const facts::Node* node, std::string_view key, int64_t& out) {
  const facts::Node* value = Member(node, key);
  if (value == nullptr || value->kind != facts::NodeKind::kInt)
    return false;
  out = value->i;
  return true;
}

inline bool ReadBool(const facts::Node* node, std::string_view key) {
  const facts::Node* value = Member(node, key);
  return value != nullptr && value->kind == facts::NodeKind::kBool && value->b;
}

// `{line, character}`, both non-negative and within uint32.
inline bool ReadPosition(const facts::Node* node, Position& out) {
  int64_t line = 0, character = 0;
  if (!ReadInt(node, "line", line) || !ReadInt(node, "character", character) || line < 0 ||
      character < 0 || line > UINT32_MAX || character > UINT32_MAX)
    return false;
  out = {static_cast<uint32_t>(line), static_cast<uint32_t>(character)};
  return true;
}

}  // namespace relgate::lsp
