#include "engine/facts/tree_builder.h"

#include "engine/base/limits.h"
#include "engine/base/utf8.h"
#include "engine/facts/internal_tree.h"

namespace relgate::facts {

TreeBuilder::TreeBuilder(std::string name, std::string sha256)
    : doc_(std::make_unique<Document>(std::move(name), std::move(sha256))) {}

std::string TreeBuilder::Path() const {
  std::string out;
  for (const Frame& f : stack_) {
    if (f.object) {
      if (!f.has_key)
        continue;
      out += (out.empty() ? "" : ".") + f.pending_key;
    } else {
      out += "[" + std::to_string(f.items.size()) + "]";
    }
  }
  return out;
}

void TreeBuilder::Fail(std::string message) {
  if (failed_)
    return;
  failed_ = true;
  error_.path = Path();
  error_.message = std::move(message);
}

void TreeBuilder::Add(Node node) {
  if (failed_)
    return;
  if (++nodes_ > limits::kMaxFactsNodes)
    return Fail("more than " + std::to_string(limits::kMaxFactsNodes) + " values");
  if (stack_.empty()) {
    if (has_root_)
      return Fail("a second top-level value");
    root_ = node;
    has_root_ = true;
    return;
  }
  Frame& f = stack_.back();
  if (f.object) {
    if (!f.has_key)
      return Fail("a value in an object without its key");
    const std::string_view key = doc_->arena().CopyString(f.pending_key);
    f.members.push_back({key.data(), static_cast<uint32_t>(key.size()), node});
    f.has_key = false;
  } else {
    f.items.push_back(node);
  }
}

void TreeBuilder::BeginObject() {
  if (failed_)
    return;
  if (stack_.size() >= limits::kMaxFactsDepth)
    return Fail("nested deeper than " + std::to_string(limits::kMaxFactsDepth) + " levels");
  stack_.push_back({true, {}, {}, "", false});
}

void TreeBuilder::BeginArray() {
  if (failed_)
    return;
  if (stack_.size() >= limits::kMaxFactsDepth)
    return Fail("nested deeper than " + std::to_string(limits::kMaxFactsDepth) + " levels");
  stack_.push_back({false, {}, {}, "", false});
}

void TreeBuilder::Key(std::string_view key) {
  if (failed_)
    return;
  if (stack_.empty() || !stack_.back().object || stack_.back().has_key)
    return Fail("a key `" + std::string(key) + "` outside an object");
  if (FirstInvalidUtf8(key) != std::string_view::npos)
    return Fail("a key that is not valid UTF-8");
  stack_.back().pending_key = std::string(key);
  stack_.back().has_key = true;
}

void TreeBuilder::EndObject() {
  if (failed_)
    return;
  if (stack_.empty() || !stack_.back().object || stack_.back().has_key)
    return Fail("an object closed where none is open");
  Frame frame = std::move(stack_.back());
  stack_.pop_back();
  const uint32_t count = static_cast<uint32_t>(frame.members.size());
  const int dup = internal::FindDuplicateKey(frame.members.data(), count);
  if (dup >= 0) {
    failed_ = true;
    error_.path = Path();
    error_.path += (error_.path.empty() ? "" : ".") + std::string(frame.members[dup].name());
    error_.message = "duplicate key \"" + std::string(frame.members[dup].name()) + "\"";
    return;
  }
  Member* members = internal::AllocMembers(doc_->arena(), count);
  for (uint32_t k = 0; k < count; ++k)
    new (&members[k]) Member(frame.members[k]);
  Node node;
  node.kind = NodeKind::kObject;
  node.members = members;
  node.len = count;
  Add(node);
}

void TreeBuilder::EndArray() {
  if (failed_)
    return;
  if (stack_.empty() || stack_.back().object)
    return Fail("an array closed where none is open");
  Frame frame = std::move(stack_.back());
  stack_.pop_back();
  const uint32_t count = static_cast<uint32_t>(frame.items.size());
  Node* items = internal::AllocNodes(doc_->arena(), count);
  for (uint32_t k = 0; k < count; ++k)
    new (&items[k]) Node(frame.items[k]);
  Node node;
  node.kind = NodeKind::kArray;
  node.items = items;
  node.len = count;
  Add(node);
}

void TreeBuilder::String(std::string_view value) {
  if (failed_)
    return;
  if (FirstInvalidUtf8(value) != std::string_view::npos)
    return Fail("a string that is not valid UTF-8");
  const std::string_view copy = doc_->arena().CopyString(value);
  Node node;
  node.kind = NodeKind::kString;
  node.s = copy.data();
  node.len = static_cast<uint32_t>(copy.size());
  Add(node);
}

void TreeBuilder::Int(int64_t value) {
  Node node;
  node.kind = NodeKind::kInt;
  node.i = value;
  Add(node);
}

void TreeBuilder::Float(double value) {
  Node node;
  node.kind = NodeKind::kFloat;
  node.f = value;
  Add(node);
}

void TreeBuilder::Bool(bool value) {
  Node node;
  node.kind = NodeKind::kBool;
  node.b = value;
  Add(node);
}

void TreeBuilder::Null() {
  Add(Node());
}

std::unique_ptr<Document> TreeBuilder::Finish(LoadError& error) {
  if (!failed_ && (!stack_.empty() || !has_root_))
    Fail(stack_.empty() ? "no value" : "an object or array left open");
  if (!failed_ && root_.kind != NodeKind::kObject)
    Fail("the top level must be a mapping of fact names");
  if (failed_) {
    error.file = doc_->name();
    error.path = error_.path;
    error.message = error_.message;
    return nullptr;
  }
  doc_->set_root(root_);
  return std::move(doc_);
}

}  // namespace relgate::facts
