#include "engine/compile/read_set.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/compile/program.h"

namespace relgate::compile {

ReadPath* ReadPath::Field(size_t index) {
  if (whole)
    return nullptr;
  if (fields.size() <= index)
    fields.resize(index + 1);
  if (fields[index] == nullptr)
    fields[index] = std::make_unique<ReadPath>();
  return fields[index].get();
}

ReadPath* ReadPath::Element() {
  if (whole)
    return nullptr;
  if (element == nullptr)
    element = std::make_unique<ReadPath>();
  return element.get();
}

// The children stay: loop variables and lets may still point at them.
void ReadPath::MarkWhole() {
  whole = true;
}

void ReadPath::Merge(const ReadPath& other) {
  if (whole)
    return;
  if (other.whole) {
    MarkWhole();
    return;
  }
  for (size_t k = 0; k < other.fields.size(); ++k) {
    if (other.fields[k] != nullptr)
      Field(k)->Merge(*other.fields[k]);
  }
  if (other.element != nullptr)
    Element()->Merge(*other.element);
}

namespace {

const types::Type* Unwrapped(const types::Type* type) {
  while (type != nullptr && type->kind == types::TypeKind::kOptional)
    type = type->element;
  return type;
}

void DescribeInto(const ReadPath& path, const types::Type* type, const std::string& prefix,
                  std::vector<std::string>& out) {
  type = Unwrapped(type);
  const bool leaf = path.fields.empty() && path.element == nullptr;
  if (path.whole || leaf || type == nullptr) {
    out.push_back(prefix);
    return;
  }
  if (type->kind == types::TypeKind::kRecord) {
    for (size_t k = 0; k < path.fields.size() && k < type->fields.size(); ++k) {
      if (path.fields[k] != nullptr) {
        const std::string& name = type->fields[k].name;
        DescribeInto(*path.fields[k], type->fields[k].type,
                     prefix.empty() ? name : fmt::format("{}.{}", prefix, name), out);
      }
    }
  } else if (path.element != nullptr) {
    DescribeInto(*path.element, type->element, fmt::format("{}[]", prefix), out);
  }
}

// Follows every expression of the program, marking what it reads. Walk returns the fact
// path a node's value is (nullptr: not a part of the facts, or already read whole);
// the caller decides whether the value is then read whole or only projected.
class Analysis {
 public:
  explicit Analysis(const Program& p) : p_(p), locals_(p.max_locals() + 1, nullptr) {}

  std::unique_ptr<ReadPath> Run() {
    root_ = std::make_unique<ReadPath>();
    lets_.assign(p_.lets().size(), LetState{});
    for (uint32_t k = 0; k < p_.lets().size(); ++k)
      (void)Let(k);
    for (size_t r = 0; r < p_.rules().size(); ++r) {
      const CompiledRule& rule = p_.rules()[r];
      std::fill(locals_.begin(), locals_.end(), nullptr);
      if (rule.over != kNoNode)
        locals_[0] = ItemOf(rule.over);
      Use(rule.filter);
      Use(rule.condition);
      for (const TemplatePiece& piece : rule.message)
        Use(piece.expr);
      for (uint32_t e : rule.exceptions)
        Use(p_.exceptions()[e].condition);
    }
    return std::move(root_);
  }

 private:
  // The value of `id` is read whole.
  void Use(NodeId id) {
    if (id == kNoNode)
      return;
    if (ReadPath* path = Walk(id))
      path->MarkWhole();
  }

  // The path of the items a loop over `list` sees (a map's loop sees its keys, which are
  // read with the map).
  ReadPath* ItemOf(NodeId list) {
    ReadPath* path = Walk(list);
    const types::Type* type = Unwrapped(p_.type(list));
    if (path == nullptr || type == nullptr || type->kind == types::TypeKind::kMap)
      return nullptr;
    return path->Element();
  }

  ReadPath* Walk(NodeId id) {
    if (id == kNoNode)
      return nullptr;
    const Node& n = p_.node(id);
    switch (n.kind) {
      case NodeKind::kConst:
      case NodeKind::kNow: return nullptr;
      case NodeKind::kFact: return root_->Field(n.slot);
      case NodeKind::kLet: return Let(n.slot);
      case NodeKind::kLocal: return Local(n.slot);
      case NodeKind::kField: {
        ReadPath* record = Walk(n.a);
        return record != nullptr ? record->Field(n.slot) : nullptr;
      }
      case NodeKind::kLocalField:
      case NodeKind::kLocalFieldOr: {
        Use(n.b);
        ReadPath* record = Local(n.slot);
        return record != nullptr ? record->Field(n.first) : nullptr;
      }
      case NodeKind::kIndex:
      case NodeKind::kIndexOr: {
        Use(n.b);
        Use(n.c);
        ReadPath* container = Walk(n.a);
        return container != nullptr ? container->Element() : nullptr;
      }
      case NodeKind::kCoalesce: {
        Use(n.b);  // the default may be the value: read whole
        return Walk(n.a);
      }
      case NodeKind::kQuantifier:
      case NodeKind::kComprehension: {
        ReadPath* item = ItemOf(n.a);
        ReadPath* saved = Local(n.slot);
        SetLocal(n.slot, item);
        Use(n.b);
        Use(n.c);
        SetLocal(n.slot, saved);
        return nullptr;
      }
      default: {
        // Every other node reads its operands whole: compared, printed, tested, passed to
        // a builtin, collected.
        Use(n.a);
        Use(n.b);
        Use(n.c);
        for (uint32_t k = 0; k < n.count; ++k)
          Use(p_.operand(n.first + k));
        return nullptr;
      }
    }
  }

  // A let's path, followed once (a let that uses a later let follows that one first; lets
  // are evaluated with locals of their own).
  ReadPath* Let(uint32_t slot) {
    if (slot >= lets_.size())
      return nullptr;
    LetState& let = lets_[slot];
    if (!let.done && !let.walking) {
      let.walking = true;
      std::vector<ReadPath*> outer(locals_.size(), nullptr);
      outer.swap(locals_);
      let.path = Walk(p_.lets()[slot].root);
      outer.swap(locals_);
      let.walking = false;
      let.done = true;
    }
    return let.path;
  }

  ReadPath* Local(uint32_t slot) { return slot < locals_.size() ? locals_[slot] : nullptr; }

  void SetLocal(uint32_t slot, ReadPath* path) {
    if (slot >= locals_.size())
      locals_.resize(slot + 1, nullptr);
    locals_[slot] = path;
  }

  const Program& p_;
  std::unique_ptr<ReadPath> root_;

  struct LetState {
    ReadPath* path = nullptr;
    bool done = false, walking = false;
  };

  std::vector<LetState> lets_;
  std::vector<ReadPath*> locals_;
};

}  // namespace

std::vector<std::string> ReadPath::Describe(const types::Type* type) const {
  std::vector<std::string> out;
  const types::Type* record = Unwrapped(type);
  if (whole) {
    for (const types::Field& f : record->fields)
      out.push_back(f.name);
  } else {
    for (size_t k = 0; k < fields.size() && k < record->fields.size(); ++k) {
      if (fields[k] != nullptr)
        DescribeInto(*fields[k], record->fields[k].type, record->fields[k].name, out);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::unique_ptr<ReadPath> ComputeReadSet(const Program& program) {
  return Analysis(program).Run();
}

}  // namespace relgate::compile
