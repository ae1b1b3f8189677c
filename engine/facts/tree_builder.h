// Building a facts document value by value, with every limit the loaders enforce:
// depth (limits::kMaxFactsDepth), values (kMaxFactsNodes), duplicate keys, valid UTF-8.
// Importers (engine/import/) write their facts through it, so no importer touches the
// document's arena by hand and imported facts are held to the same rules as loaded ones.
//
//   TreeBuilder b("package-lock.json (npm-lock)");
//   b.BeginObject();
//   b.Key("dependencies"); b.BeginArray(); ... b.EndArray();
//   b.EndObject();
//   auto doc = b.Finish(error);   // null with `error` (naming the fact path) on a breach
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts/facts.h"

namespace relgate::facts {

class TreeBuilder {
 public:
  explicit TreeBuilder(std::string name, std::string sha256 = "");

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  // The key of the next value; objects only.
  void Key(std::string_view key);

  void String(std::string_view value);
  void Int(int64_t value);
  void Float(double value);
  void Bool(bool value);
  void Null();

  // Shorthands for a member of the current object.
  void Field(std::string_view key, std::string_view value) { Key(key), String(value); }

  void FieldBool(std::string_view key, bool value) { Key(key), Bool(value); }

  void FieldInt(std::string_view key, int64_t value) { Key(key), Int(value); }

  // The document, or null with `error` (the first limit breached or misuse, with the
  // fact path where it happened).
  [[nodiscard]] std::unique_ptr<Document> Finish(LoadError& error);

 private:
  struct Frame {
    bool object;
    std::vector<Member> members;  // object
    std::vector<Node> items;      // array
    std::string pending_key;      // object: the key given, waiting for its value
    bool has_key = false;
  };

  void Add(Node node);
  void Fail(std::string message);
  std::string Path() const;

  std::unique_ptr<Document> doc_;
  std::vector<Frame> stack_;
  Node root_;
  bool has_root_ = false;
  size_t nodes_ = 0;
  LoadError error_;
  bool failed_ = false;
};

}  // namespace relgate::facts
