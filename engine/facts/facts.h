// The facts stage: YAML and JSON documents -> one immutable facts tree.
//
// Loading is strict, because two parsers that read one attestation differently is a
// known attack: duplicate keys are rejected, as are invalid UTF-8, integers outside
// int64, NaN and Infinity, nesting deeper than limits::kMaxFactsDepth, documents larger
// than limits::kMaxFactsBytes, and YAML whose aliases expand beyond
// limits::kMaxFactsNodes values. Several documents merge by top-level key; a key in two
// documents is an error. Nothing in a document makes relgate read another file, run a
// command or reach the network.
//
// The tree is untyped (what the document says); binding it to a policy's schema happens
// in engine/eval (bind.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/base/arena.h"

namespace relgate::facts {

enum class NodeKind : uint8_t { kNull, kBool, kInt, kFloat, kString, kArray, kObject };

struct Member;

struct Node {
  union {
    bool b;
    int64_t i;
    double f;
    const char* s;
    const Node* items;
    const Member* members;
  };

  uint32_t len = 0;  // string bytes, array items, object members
  NodeKind kind = NodeKind::kNull;

  Node() : i(0) {}

  std::string_view str() const { return std::string_view(s, len); }

  // The member named `key` of an object, or nullptr.
  const Node* Find(std::string_view key) const;
};

struct Member {
  const char* key;
  uint32_t key_len;
  Node value;

  std::string_view name() const { return std::string_view(key, key_len); }
};

const char* NodeKindName(NodeKind kind);

// Why a document could not be loaded. line/column are 1-based, 0 when unknown.
struct LoadError {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string path;  // fact path of the offending value, when known
  std::string message;

  std::string ToString() const;  // `facts.yaml:3:5: error: duplicate key ...`
};

enum class Format { kAuto, kJson, kYaml };

// One loaded document. Owns every string and node of its tree.
class Document {
 public:
  Document(std::string name, std::string sha256)
      : name_(std::move(name)), sha256_(std::move(sha256)) {}

  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  const Node& root() const { return root_; }

  const std::string& name() const { return name_; }

  const std::string& sha256() const { return sha256_; }  // of the document's bytes

  // The file the facts came from, as given (an importer's input: the name adds the kind,
  // `package-lock.json (npm-lock)`); "" for facts made rather than read.
  const std::string& source_path() const { return source_path_.empty() ? name_ : source_path_; }

  // A lockfile import: beside another one, its `dependencies` join theirs (a monorepo or a
  // polyglot repository has several lockfiles) and the first `lockfile` record stands.
  bool lockfile() const { return lockfile_; }

  void set_lockfile() { lockfile_ = true; }

  void set_source_path(std::string path) { source_path_ = std::move(path); }

  // Where an item of the document came from in its source file, for an importer's
  // evidence: `dependencies[3]` -> the lockfile entry's line (1-based). Findings on the
  // item point there. 0 when not recorded.
  void set_line(std::string item_path, uint32_t line) { lines_[std::move(item_path)] = line; }

  uint32_t LineOf(const std::string& item_path) const {
    auto it = lines_.find(item_path);
    return it == lines_.end() ? 0 : it->second;
  }

  // For the loaders, while building the tree.
  Arena& arena() { return arena_; }

  void set_root(Node root) { root_ = root; }

  // For documents made rather than read (the previous release's facts): the digest of
  // their canonical JSON.
  void set_sha256(std::string sha256) { sha256_ = std::move(sha256); }

 private:
  Arena arena_;
  Node root_;
  std::string name_;
  std::string sha256_;
  std::string source_path_;
  bool lockfile_ = false;
  std::unordered_map<std::string, uint32_t> lines_;
};

// Whether a parsed document carries the sha256 of its bytes. A decision records it; a
// replay, which decides many documents and records none, skips the cost (a sixth of
// loading a typical release).
enum class Digest { kCompute, kSkip };

// Parses `text` as a document named `name` (used in errors). Null on error.
[[nodiscard]] std::unique_ptr<Document> ParseJson(std::string_view text, const std::string& name,
                                                  LoadError& error,
                                                  Digest digest = Digest::kCompute);
// A YAML stream of up to `max_documents` documents (pnpm 10 writes two), each parsed as
// ParseYaml does, with line numbers of the whole stream; empty on error.
[[nodiscard]] std::vector<std::unique_ptr<Document>> ParseYamlDocuments(std::string_view text,
                                                                        const std::string& name,
                                                                        size_t max_documents,
                                                                        LoadError& error);
[[nodiscard]] std::unique_ptr<Document> ParseYaml(std::string_view text, const std::string& name,
                                                  LoadError& error,
                                                  Digest digest = Digest::kCompute);
// The format kAuto picks: by extension (.json, .yaml, .yml), else JSON when the first
// character that is not white space opens an object or an array.
[[nodiscard]] Format DetectFormat(const std::string& name, std::string_view text);
// Picks the parser as DetectFormat says (or as `format` says when not kAuto).
[[nodiscard]] std::unique_ptr<Document> ParseDocument(std::string_view text,
                                                      const std::string& name, Format format,
                                                      LoadError& error,
                                                      Digest digest = Digest::kCompute);
// Reads (bounded while reading, see base/bounded_read.h) and parses a file; `-` is stdin.
[[nodiscard]] std::unique_ptr<Document> LoadFile(const std::string& path, Format format,
                                                 LoadError& error);

// Several documents seen as one facts tree: the union of their top-level keys.
class FactSet {
 public:
  // Adds a document; fails (and leaves the set unchanged) if its root is not an object
  // or one of its top-level keys is already defined by an earlier document.
  bool Add(std::unique_ptr<Document> document, LoadError& error);
  // The value of top-level fact `key`, or nullptr.
  const Node* Find(std::string_view key) const;
  // The string at `root.field` (`release.id`), or "" when absent or not a string.
  std::string StringAt(std::string_view root, std::string_view field) const;
  // Which document defined top-level fact `key` ("" if none).
  const std::string& SourceOf(std::string_view key) const;
  // The file of the document that holds top-level `key` (Document::source_path), or "".
  const std::string& SourcePathOf(std::string_view key) const;
  // The same for item `index` of a top-level list (lockfiles' joined `dependencies`), -1
  // for the key itself.
  const std::string& SourceOf(std::string_view key, int64_t index) const;
  const std::string& SourcePathOf(std::string_view key, int64_t index) const;
  // The source line of the item at `path` (`dependencies[12]`, `workflow.uses[3]`) in the
  // file of the document that holds it, as its importer recorded it; 0 when unknown.
  uint32_t LineOf(const std::string& path) const;

  const std::vector<std::unique_ptr<Document>>& documents() const { return documents_; }

 private:
  struct Entry {
    std::string_view key;
    const Node* value;
    uint32_t document;
    // A list joined from several lockfiles: each part's document and its first item.
    std::vector<std::pair<uint32_t, uint32_t>> parts;
  };

  // The document that holds item `index` of top-level `key` (its entry's, unless joined).
  const Document* DocumentOf(std::string_view key, int64_t index) const;

  std::vector<std::unique_ptr<Document>> documents_;
  std::vector<Entry> entries_;  // sorted by key
  Arena joined_;                // lists joined from several lockfiles
};

}  // namespace relgate::facts
