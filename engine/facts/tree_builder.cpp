#include "engine/facts/tree_builder.h"

#include <fmt/format.h>

#include "engine/base/limits.h"
#include "engine/base/utf8.h"
#include "engine/facts/internal_tree.h"

namespace relgate::facts {

static_assert(TreeBuilder::kMaxNodesForTest() == limits::kMaxFactsNodes);

TreeBuilder::TreeBuilder(std::string name, std::string sha256, bool utf8_checked)
    : doc_(std::make_unique<Document>(std::move(name), std::move(sha256))),
      utf8_checked_(utf8_checked) {
  arena_ = &doc_->arena();
  frames_.reserve(8);
}

std::string TreeBuilder::Path() const {
  internal::PathStack path;
  for (size_t k = 0; k < depth_; ++k) {
    const Frame& f = frames_[k];
    if (f.object) {
      if (f.has_key)
        path.PushKey(f.pending_key);
    } else {
      path.PushIndex(f.sized ? f.filled : f.items.size());
    }
  }
  return path.ToString();
}

void TreeBuilder::Fail(std::string message) {
  if (failed_)
    return;
  failed_ = true;
  error_.path = Path();
  error_.message = std::move(message);
}

void TreeBuilder::AddChecked(Node node) {
  if (failed_)
    return;
  if (nodes_ > limits::kMaxFactsNodes)
    return Fail(fmt::format("more than {} values", limits::kMaxFactsNodes));
  Finished(node);
}

void TreeBuilder::Finished(Node node) {
  if (depth_ == 0) {
    if (has_root_)
      return Fail("a second top-level value");
    root_ = node;
    has_root_ = true;
    return;
  }
  Frame& f = frames_[depth_ - 1];
  if (f.object) {
    if (!f.has_key)
      return Fail("a value in an object without its key");
    const Member member{f.pending_key.data(), static_cast<uint32_t>(f.pending_key.size()), node};
    if (f.sized) {
      if (f.filled == f.capacity)
        return Fail("more members than announced");
      new (&f.fixed_members[f.filled++]) Member(member);
    } else {
      f.members.push_back(member);
    }
    f.has_key = false;
  } else if (f.sized) {
    if (f.filled == f.capacity)
      return Fail("more items than announced");
    new (&f.fixed_items[f.filled++]) Node(node);
  } else {
    f.items.push_back(node);
  }
}

void TreeBuilder::Enter(bool object, size_t count, bool sized) {
  if (failed_)
    return;
  if (depth_ >= limits::kMaxFactsDepth)
    return Fail(fmt::format("nested deeper than {} levels", limits::kMaxFactsDepth));
  // Counted on entry, so a huge container fails before it is filled.
  if (++nodes_ > limits::kMaxFactsNodes)
    return Fail(fmt::format("more than {} values", limits::kMaxFactsNodes));
  if (depth_ == frames_.size())
    frames_.emplace_back();
  Frame& f = frames_[depth_++];
  top_ = &f;
  f.object = object;
  f.sized = sized;
  f.has_key = false;
  f.filled = 0;
  f.capacity = static_cast<uint32_t>(count);
  f.members.clear();
  f.items.clear();
  // Slots are constructed as they are filled; a frame ends only when all are.
  if (sized && object)
    f.fixed_members = internal::AllocMembers(doc_->arena(), count);
  else if (sized)
    f.fixed_items = internal::AllocNodes(doc_->arena(), count);
}

void TreeBuilder::KeyChecked(std::string_view key) {
  if (failed_)
    return;
  if (depth_ == 0 || !frames_[depth_ - 1].object || frames_[depth_ - 1].has_key)
    return Fail(fmt::format("a key `{}` outside an object", key));
  if (!utf8_checked_ && FirstInvalidUtf8(key) != std::string_view::npos)
    return Fail("a key that is not valid UTF-8");
  Frame& f = frames_[depth_ - 1];
  f.pending_key = doc_->arena().CopyString(key);
  f.has_key = true;
}

void TreeBuilder::EndObject() {
  if (failed_)
    return;
  if (depth_ == 0 || !frames_[depth_ - 1].object || frames_[depth_ - 1].has_key)
    return Fail("an object closed where none is open");
  Frame& frame = frames_[depth_ - 1];
  if (frame.sized && frame.filled != frame.capacity)
    return Fail("fewer members than announced");
  Member* members = frame.fixed_members;
  uint32_t count = frame.filled;
  if (!frame.sized) {
    count = static_cast<uint32_t>(frame.members.size());
    members = internal::AllocMembers(doc_->arena(), count);
    for (uint32_t k = 0; k < count; ++k)
      new (&members[k]) Member(frame.members[k]);
  }
  const int dup = internal::FindDuplicateKey(members, count);
  if (dup >= 0) {
    duplicate_key_ = std::string(members[dup].name());
    frame.pending_key = members[dup].name();
    frame.has_key = true;  // the path names the repeated key
    return Fail(fmt::format("duplicate key \"{}\"", duplicate_key_));
  }
  --depth_;
  top_ = depth_ > 0 ? &frames_[depth_ - 1] : nullptr;
  Node node;
  node.kind = NodeKind::kObject;
  node.members = members;
  node.len = count;
  Place(node);
}

void TreeBuilder::EndArray() {
  if (failed_)
    return;
  if (depth_ == 0 || frames_[depth_ - 1].object)
    return Fail("an array closed where none is open");
  Frame& frame = frames_[depth_ - 1];
  if (frame.sized && frame.filled != frame.capacity)
    return Fail("fewer items than announced");
  Node* items = frame.fixed_items;
  uint32_t count = frame.filled;
  if (!frame.sized) {
    count = static_cast<uint32_t>(frame.items.size());
    items = internal::AllocNodes(doc_->arena(), count);
    for (uint32_t k = 0; k < count; ++k)
      new (&items[k]) Node(frame.items[k]);
  }
  --depth_;
  top_ = depth_ > 0 ? &frames_[depth_ - 1] : nullptr;
  Node node;
  node.kind = NodeKind::kArray;
  node.items = items;
  node.len = count;
  Place(node);
}

void TreeBuilder::StringChecked(std::string_view value) {
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

std::unique_ptr<Document> TreeBuilder::Finish(LoadError& error, Root root) {
  if (!failed_ && (depth_ != 0 || !has_root_))
    Fail(depth_ == 0 ? "no value" : "an object or array left open");
  if (!failed_ && root == Root::kFactNames && root_.kind != NodeKind::kObject)
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
