#include "engine/facts/facts.h"

#include <algorithm>
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

std::unique_ptr<Document> ParseDocument(std::string_view text, const std::string& name,
                                        Format format, LoadError& error, Digest digest) {
  if (format == Format::kAuto) {
    const std::string ext = std::filesystem::path(name).extension().string();
    if (ext == ".json") {
      format = Format::kJson;
    } else if (ext == ".yaml" || ext == ".yml") {
      format = Format::kYaml;
    } else {
      const size_t first = text.find_first_not_of(" \t\r\n");
      format = first != std::string_view::npos && (text[first] == '{' || text[first] == '[')
                   ? Format::kJson
                   : Format::kYaml;
    }
  }
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
  for (uint32_t k = 0; k < root.len; ++k) {
    const std::string_view key = root.members[k].name();
    if (const Node* existing = Find(key); existing != nullptr) {
      error.path = std::string(key);
      error.message = fmt::format(
          "fact `{}` is also defined in {}; each top-level fact may come from one file only", key,
          SourceOf(key));
      return false;
    }
  }
  const uint32_t index = static_cast<uint32_t>(documents_.size());
  for (uint32_t k = 0; k < root.len; ++k) {
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
