#include "engine/facts/facts.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "engine/base/bounded_read.h"
#include "engine/base/limits.h"
#include "engine/base/printable.h"

namespace relgate::facts {

const Node* Node::Find(std::string_view key) const {
  if (kind != NodeKind::kObject)
    return nullptr;
  for (uint32_t k = 0; k < len; ++k) {
    if (members[k].name() == key)
      return &members[k].value;
  }
  return nullptr;
}

const char* NodeKindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kNull: return "null";
    case NodeKind::kBool: return "bool";
    case NodeKind::kInt: return "int";
    case NodeKind::kFloat: return "float";
    case NodeKind::kString: return "string";
    case NodeKind::kArray: return "list";
    case NodeKind::kObject: return "mapping";
  }
  return "?";
}

std::string LoadError::ToString() const {
  // Keys and paths come from the document itself: escaped for the terminal.
  std::string out = Printable(file);
  if (line > 0)
    out += fmt::format(":{}:{}", line, column);
  out += fmt::format(": error: {}", Printable(message));
  if (!path.empty())
    out += fmt::format(" (at `{}`)", Printable(path));
  return out;
}

Format DetectFormat(const std::string& name, std::string_view text) {
  const std::string ext = std::filesystem::path(name).extension().string();
  if (ext == ".json")
    return Format::kJson;
  if (ext == ".yaml" || ext == ".yml")
    return Format::kYaml;
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[')
             ? Format::kJson
             : Format::kYaml;
}

std::unique_ptr<Document> ParseDocument(std::string_view text, const std::string& name,
                                        Format format, LoadError& error, Digest digest) {
  if (format == Format::kAuto)
    format = DetectFormat(name, text);
  return format == Format::kJson ? ParseJson(text, name, error, digest)
                                 : ParseYaml(text, name, error, digest);
}

std::unique_ptr<Document> LoadFile(const std::string& path, Format format, LoadError& error) {
  error.file = path;
  std::string text;
  // Pipes and stdin (`-`) are facts sources too: a pipeline step may stream them.
  error.message = ReadBounded(path, {limits::kMaxFactsBytes, /*allow_pipes=*/true}, text);
  if (!error.message.empty())
    return nullptr;
  return ParseDocument(text, path, format, error);
}

bool FactSet::Add(std::unique_ptr<Document> document, LoadError& error) {
  const Node& root = document->root();
  error.file = document->name();
  if (root.kind != NodeKind::kObject) {
    error.message = fmt::format("the top level must be a mapping of fact names, found a {}",
                                NodeKindName(root.kind));
    return false;
  }
  std::vector<std::pair<Entry*, const Node*>> joins;  // lockfiles' dependencies, joined below
  std::vector<uint32_t> skipped;                      // a later lockfile's `lockfile` record
  for (uint32_t k = 0; k < root.len; ++k) {
    const std::string_view key = root.members[k].name();
    if (const Node* existing = Find(key); existing != nullptr) {
      auto it =
          std::lower_bound(entries_.begin(), entries_.end(), key,
                           [](const Entry& e, std::string_view want) { return e.key < want; });
      if (document->lockfile() && documents_[it->document]->lockfile()) {
        if (key == "dependencies" && existing->kind == NodeKind::kArray &&
            root.members[k].value.kind == NodeKind::kArray) {
          joins.push_back({&*it, &root.members[k].value});
          continue;
        }
        if (key == "lockfile") {
          skipped.push_back(k);
          continue;
        }
      }
      error.path = std::string(key);
      error.message = fmt::format(
          "fact `{}` is also defined in {}; each top-level fact may come from one file only", key,
          SourceOf(key));
      return false;
    }
  }
  for (auto& [entry, more] : joins) {
    const Node& first = *entry->value;
    if (entry->parts.empty())
      entry->parts.push_back({entry->document, 0});
    entry->parts.push_back({static_cast<uint32_t>(documents_.size()), first.len});
    Node* items =
        static_cast<Node*>(joined_.Allocate((first.len + more->len) * sizeof(Node), alignof(Node)));
    std::copy(first.items, first.items + first.len, items);
    std::copy(more->items, more->items + more->len, items + first.len);
    Node* list = static_cast<Node*>(joined_.Allocate(sizeof(Node), alignof(Node)));
    *list = Node();
    list->kind = NodeKind::kArray;
    list->items = items;
    list->len = first.len + more->len;
    entry->value = list;
  }
  const uint32_t index = static_cast<uint32_t>(documents_.size());
  for (uint32_t k = 0; k < root.len; ++k) {
    const bool joined = std::any_of(joins.begin(), joins.end(), [&](const auto& j) {
      return j.second == &root.members[k].value;
    });
    if (!joined && std::find(skipped.begin(), skipped.end(), k) == skipped.end())
      entries_.push_back({root.members[k].name(), &root.members[k].value, index});
  }
  std::sort(entries_.begin(), entries_.end(),
            [](const Entry& a, const Entry& b) { return a.key < b.key; });
  documents_.push_back(std::move(document));
  return true;
}

const Node* FactSet::Find(std::string_view key) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return e.key < k; });
  return it != entries_.end() && it->key == key ? it->value : nullptr;
}

std::string FactSet::StringAt(std::string_view root, std::string_view field) const {
  const Node* object = Find(root);
  const Node* value = object != nullptr ? object->Find(field) : nullptr;
  return value != nullptr && value->kind == NodeKind::kString ? std::string(value->str())
                                                              : std::string();
}

const Document* FactSet::DocumentOf(std::string_view key, int64_t index) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return e.key < k; });
  if (it == entries_.end() || it->key != key)
    return nullptr;
  uint32_t document = it->document;
  for (const auto& [part, first] : it->parts) {
    if (index >= static_cast<int64_t>(first))
      document = part;
  }
  return documents_[document].get();
}

uint32_t FactSet::LineOf(const std::string& path) const {
  const std::string_view key = std::string_view(path).substr(0, path.find_first_of(".["));
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return e.key < k; });
  if (it == entries_.end() || it->key != key)
    return 0;
  if (key.size() == path.size() || path[key.size()] != '[' || it->parts.empty())
    return documents_[it->document]->LineOf(path);
  // An item of a list joined from several lockfiles: its index within its own document.
  const size_t close = path.find(']', key.size());
  if (close == std::string::npos)
    return 0;
  const int64_t index = std::atoll(path.c_str() + key.size() + 1);
  uint32_t document = it->document;
  uint32_t first = 0;
  for (const auto& [part, start] : it->parts) {
    if (index >= static_cast<int64_t>(start)) {
      document = part;
      first = start;
    }
  }
  return documents_[document]->LineOf(
      fmt::format("{}[{}]{}", key, index - first, std::string_view(path).substr(close + 1)));
}

const std::string& FactSet::SourceOf(std::string_view key, int64_t index) const {
  static const std::string kNone;
  const Document* d = DocumentOf(key, index);
  return d != nullptr ? d->name() : kNone;
}

const std::string& FactSet::SourcePathOf(std::string_view key, int64_t index) const {
  static const std::string kNone;
  const Document* d = DocumentOf(key, index);
  return d != nullptr ? d->source_path() : kNone;
}

const std::string& FactSet::SourcePathOf(std::string_view key) const {
  static const std::string kNone;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return e.key < k; });
  return it != entries_.end() && it->key == key ? documents_[it->document]->source_path() : kNone;
}

const std::string& FactSet::SourceOf(std::string_view key) const {
  static const std::string kNone;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key,
                             [](const Entry& e, std::string_view k) { return e.key < k; });
  return it != entries_.end() && it->key == key ? documents_[it->document]->name() : kNone;
}

}  // namespace relgate::facts
