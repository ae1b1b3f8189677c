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

#include "engine/base/arena.h"
#include "engine/facts/facts.h"

namespace relgate::facts {

class TreeBuilder {
 public:
  // `utf8_checked`: the caller's parser has already validated every string (simdjson,
  // the YAML loader's whole-text check), so the builder does not check them again.
  explicit TreeBuilder(std::string name, std::string sha256 = "", bool utf8_checked = false);

  void BeginObject() { Enter(true, 0, false); }

  void BeginArray() { Enter(false, 0, false); }

  // When the number of members or items is known in advance (a parsed document): they
  // are written straight into the document, and exactly `count` must follow.
  void BeginObject(size_t count) { Enter(true, count, true); }

  void BeginArray(size_t count) { Enter(false, count, true); }

  void EndObject();
  void EndArray();

  // The key of the next value; objects only.
  void Key(std::string_view key) {
    if (utf8_checked_ && !failed_ && top_ != nullptr && top_->object && !top_->has_key) [[likely]] {
      top_->pending_key = arena_->CopyString(key);
      top_->has_key = true;
      return;
    }
    KeyChecked(key);
  }

  void String(std::string_view value) {
    if (!utf8_checked_ || failed_) [[unlikely]]
      return StringChecked(value);
    const std::string_view copy = arena_->CopyString(value);
    Node node;
    node.kind = NodeKind::kString;
    node.s = copy.data();
    node.len = static_cast<uint32_t>(copy.size());
    Add(node);
  }

  void Int(int64_t value) {
    Node node;
    node.kind = NodeKind::kInt;
    node.i = value;
    Add(node);
  }

  void Float(double value) {
    Node node;
    node.kind = NodeKind::kFloat;
    node.f = value;
    Add(node);
  }

  void Bool(bool value) {
    Node node;
    node.kind = NodeKind::kBool;
    node.b = value;
    Add(node);
  }

  void Null() { Add(Node()); }

  // Shorthands for a member of the current object.
  void Field(std::string_view key, std::string_view value) { Key(key), String(value); }

  // A field an importer writes only when the document had it: nothing for "".
  void FieldIfSet(std::string_view key, std::string_view value) {
    if (!value.empty())
      Field(key, value);
  }

  void FieldBool(std::string_view key, bool value) { Key(key), Bool(value); }

  void FieldInt(std::string_view key, int64_t value) { Key(key), Int(value); }

  // Stops the build with `message` at the current fact path (a value the caller's
  // format cannot hold: an integer beyond int64).
  void Fail(std::string message);

  [[nodiscard]] bool failed() const { return failed_; }

  // After a duplicate key: the key (so a loader can point at its second occurrence).
  [[nodiscard]] const std::string& duplicate_key() const { return duplicate_key_; }

  static constexpr size_t kMaxNodesForTest() { return kMaxNodes; }

  enum class Root { kFactNames, kAny };
  // The document, or null with `error` (the first limit breached or misuse, with the
  // fact path where it happened). A facts document's top level is a mapping of fact
  // names; `Root::kAny` builds any value (an input an importer reads).
  [[nodiscard]] std::unique_ptr<Document> Finish(LoadError& error, Root root = Root::kFactNames);

 private:
  struct Frame {
    bool object = false;
    bool sized = false;
    bool has_key = false;
    // Sized: the slots in the document, and how many are filled.
    Member* fixed_members = nullptr;
    Node* fixed_items = nullptr;
    uint32_t capacity = 0, filled = 0;
    // Unsized: collected here, copied into the document when the frame ends.
    std::vector<Member> members;
    std::vector<Node> items;
    std::string_view pending_key;  // object: the key given (in the arena)
  };

  // The hot path (a value into a sized frame, as the loaders write) inline; the rest,
  // and every error, out of line.
  void Add(Node node) {
    if (failed_ || ++nodes_ > kMaxNodes) [[unlikely]]
      return AddChecked(node);
    Place(node);
  }

  // A value (or a frame's finished node) into its parent's next slot.
  void Place(Node node) {
    if (top_ != nullptr) {
      Frame& f = *top_;
      if (f.sized && f.filled < f.capacity) {
        if (!f.object) {
          new (&f.fixed_items[f.filled++]) Node(node);
          return;
        }
        if (f.has_key) {
          new (&f.fixed_members[f.filled++])
              Member{f.pending_key.data(), static_cast<uint32_t>(f.pending_key.size()), node};
          f.has_key = false;
          return;
        }
      }
    }
    Finished(node);
  }

  void AddChecked(Node node);
  void KeyChecked(std::string_view key);
  void StringChecked(std::string_view value);
  void Enter(bool object, size_t count, bool sized);
  void Finished(Node node);  // a value, or a frame's node, into its parent
  std::string Path() const;

  static constexpr size_t kMaxNodes = size_t{1} << 20;  // limits::kMaxFactsNodes (checked)
  std::unique_ptr<Document> doc_;
  Arena* arena_;
  std::vector<Frame> frames_;  // frames_[0..depth_) are open; the rest kept for reuse
  size_t depth_ = 0;
  Frame* top_ = nullptr;  // frames_[depth_ - 1], or null
  Node root_;
  bool has_root_ = false;
  size_t nodes_ = 0;
  LoadError error_;
  bool failed_ = false;
  bool utf8_checked_ = false;
  std::string duplicate_key_;
};

}  // namespace relgate::facts
