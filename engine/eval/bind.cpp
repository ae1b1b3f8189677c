#include "engine/eval/bind.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/base/semver.h"
#include "engine/base/suggest.h"
#include "engine/base/time.h"

namespace relgate::eval {

using check::Type;
using check::TypeKind;
using facts::Node;
using facts::NodeKind;

namespace {

// A path as a chain of stack frames: free to build, rendered only for an error.
struct PathLink {
  const PathLink* parent;
  std::string_view key;  // empty for an index
  size_t index;

  // `dependencies[].name`: the same for every item, so one warning covers them all.
  std::string Pattern() const {
    std::string prefix = parent != nullptr ? parent->Pattern() : "";
    if (key.empty())
      return fmt::format("{}[]", prefix);
    return prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, key);
  }

  std::string ToString() const {
    std::string prefix = parent != nullptr ? parent->ToString() : "";
    if (key.empty())
      return fmt::format("{}[{}]", prefix, index);
    return prefix.empty() ? std::string(key) : fmt::format("{}.{}", prefix, key);
  }
};

std::string Describe(const Node& node) {
  switch (node.kind) {
    case NodeKind::kString: {
      std::string s(node.str().substr(0, 40));
      return fmt::format("string \"{}{}", s, (node.len > 40 ? "...\"" : "\""));
    }
    case NodeKind::kInt: return fmt::format("int {}", node.i);
    case NodeKind::kFloat: return fmt::format("float {}", node.f);
    case NodeKind::kBool: return node.b ? "bool true" : "bool false";
    case NodeKind::kNull: return "null";
    case NodeKind::kArray: return "a list";
    case NodeKind::kObject: return "a mapping";
  }
  return "?";
}

}  // namespace

class Binder {
 public:
  explicit Binder(BoundFacts& out) : out_(out) {}

  Value Error(const PathLink& path, std::string message) {
    out_.errors_.push_back({path.ToString(), std::move(message)});
    return Value::Error(&out_.errors_.back());
  }

  Value Mismatch(const PathLink& path, const Type* type, const Node& node) {
    std::string message =
        fmt::format("expected {}, found {}", check::TypeName(type), Describe(node));
    if (node.kind == NodeKind::kFloat && type->kind == TypeKind::kString) {
      message += " (quote it in YAML: versions like 1.10 read as numbers)";
    }
    return Error(path, message);
  }

  Value BindRecord(const Node& node, const Type* type, const PathLink& path) {
    const size_t n = type->fields.size();
    Value* slots = out_.arena_.AllocValues(n);
    size_t matched = 0;
    uint32_t hint = 0;  // documents usually list keys in one order: try the next one first
    for (size_t k = 0; k < n; ++k) {
      const std::string& name = type->fields[k].name;
      const Node* member = nullptr;
      if (hint < node.len && node.members[hint].name() == name) {
        member = &node.members[hint].value;
        ++hint;
      } else {
        for (uint32_t m = 0; m < node.len; ++m) {
          if (node.members[m].name() == name) {
            member = &node.members[m].value;
            hint = m + 1;
            break;
          }
        }
      }
      const PathLink child{&path, name, 0};
      matched += member != nullptr;
      slots[k] = BindValue(member, type->fields[k].type, child);
    }
    if (matched < node.len) {  // rare: only then look for the keys no field took
      for (uint32_t m = 0; m < node.len; ++m) {
        if (type->FieldIndex(std::string(node.members[m].name())) < 0)
          Unread(&path, node.members[m].name(), type);
      }
    }
    return Value::Sequence(ValueKind::kRecord, slots, static_cast<uint32_t>(n));
  }

  Value BindValue(const Node* node, const Type* type, const PathLink& path) {
    if (type->kind == TypeKind::kOptional) {
      if (node == nullptr || node->kind == NodeKind::kNull)
        return Value::Null();
      return BindValue(node, type->element, path);
    }
    if (node == nullptr)
      return Error(path, fmt::format("missing fact (expected {})", check::TypeName(type)));
    if (node->kind == NodeKind::kNull) {
      return Error(path, fmt::format("is null, but {} is not optional (declare it `{}?`)",
                                     check::TypeName(type), check::TypeName(type)));
    }
    switch (type->kind) {
      case TypeKind::kBool:
        if (node->kind != NodeKind::kBool)
          return Mismatch(path, type, *node);
        return Value::Bool(node->b);
      case TypeKind::kInt:
        if (node->kind != NodeKind::kInt)
          return Mismatch(path, type, *node);
        return Value::Int(node->i);
      case TypeKind::kFloat:
        if (node->kind == NodeKind::kInt)
          return Value::Float(static_cast<double>(node->i));
        if (node->kind != NodeKind::kFloat)
          return Mismatch(path, type, *node);
        return Value::Float(node->f);
      case TypeKind::kString:
        if (node->kind != NodeKind::kString)
          return Mismatch(path, type, *node);
        return Value::String(node->str());
      case TypeKind::kTime: {
        if (node->kind != NodeKind::kString)
          return Mismatch(path, type, *node);
        auto t = ParseRfc3339(node->str());
        if (!t) {
          const std::string problem = TimeProblem(node->str());
          return Error(path,
                       problem.empty()
                           ? fmt::format("expected an RFC 3339 time, found {}", Describe(*node))
                           : fmt::format("the time {} {}", Describe(*node), problem));
        }
        return Value::Time(*t);
      }
      case TypeKind::kDuration: {
        if (node->kind != NodeKind::kString)
          return Mismatch(path, type, *node);
        auto d = ParseDuration(node->str());
        if (!d)
          return Error(
              path, fmt::format("expected a duration like 24h or 90m, found {}", Describe(*node)));
        return Value::Duration(*d);
      }
      case TypeKind::kVersion:
        if (node->kind != NodeKind::kString)
          return Mismatch(path, type, *node);
        if (!IsSemver(node->str())) {
          return Error(path, fmt::format("expected a semantic version, found {}", Describe(*node)));
        }
        return Value::Version(node->str());
      case TypeKind::kList: {
        if (node->kind != NodeKind::kArray)
          return Mismatch(path, type, *node);
        Value* items = out_.arena_.AllocValues(node->len);
        for (uint32_t k = 0; k < node->len; ++k) {
          const PathLink child{&path, {}, k};
          items[k] = BindValue(&node->items[k], type->element, child);
        }
        return Value::Sequence(ValueKind::kList, items, node->len);
      }
      case TypeKind::kMap: {
        if (node->kind != NodeKind::kObject)
          return Mismatch(path, type, *node);
        std::vector<uint32_t> order(node->len);
        for (uint32_t k = 0; k < node->len; ++k)
          order[k] = k;
        std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
          return node->members[a].name() < node->members[b].name();
        });
        Value* pairs = out_.arena_.AllocValues(size_t{node->len} * 2);
        for (uint32_t k = 0; k < node->len; ++k) {
          const facts::Member& m = node->members[order[k]];
          const PathLink child{&path, m.name(), 0};
          pairs[2 * k] = Value::String(m.name());
          pairs[2 * k + 1] = BindValue(&m.value, type->element, child);
        }
        return Value::Sequence(ValueKind::kMap, pairs, node->len);
      }
      case TypeKind::kRecord:
        if (node->kind != NodeKind::kObject)
          return Mismatch(path, type, *node);
        return BindRecord(*node, type, path);
      default:
        return Error(path, fmt::format("type {} cannot come from facts", check::TypeName(type)));
    }
  }

  void BindRoot(const compile::Program& program, const facts::FactSet& facts) {
    const Type* schema = program.schema();
    Value* slots = out_.arena_.AllocValues(std::max<size_t>(schema->fields.size(), 1));
    for (size_t k = 0; k < schema->fields.size(); ++k) {
      const std::string& name = schema->fields[k].name;
      const PathLink path{nullptr, name, 0};
      slots[k] = BindValue(facts.Find(name), schema->fields[k].type, path);
    }
    out_.root_ = slots;
    for (const auto& document : facts.documents()) {
      const Node& root = document->root();
      for (uint32_t m = 0; m < root.len; ++m) {
        if (schema->FieldIndex(std::string(root.members[m].name())) < 0)
          Unread(nullptr, root.members[m].name(), schema);
      }
    }
    for (auto& [pattern, unread] : unread_)
      out_.unread_.push_back({pattern, unread.first, unread.second});
  }

 private:
  void Unread(const PathLink* parent, std::string_view key, const Type* record) {
    // Every item of a list repeats its record's keys: decide on the first, cheaply skip
    // the rest (the facts' strings outlive binding, so views are safe keys).
    if (!seen_.insert({record, key}).second)
      return;
    const PathLink link{parent, key, 0};
    if (unread_.size() >= BoundFacts::kMaxUnreadKeys)
      return;
    unread_.emplace(link.Pattern(), std::make_pair(record, key));
  }

  std::map<std::string, std::pair<const Type*, std::string_view>> unread_;  // by pattern
  std::set<std::pair<const Type*, std::string_view>> seen_;
  BoundFacts& out_;
};

std::vector<ErrorInfo> BoundFacts::unread_keys() const {
  std::vector<ErrorInfo> out;
  for (const Unread& unread : unread_) {
    std::vector<std::string> declared;
    for (const check::Field& f : unread.record->fields)
      declared.push_back(f.name);
    const std::string guess = Suggest(unread.key, declared);
    out.push_back({unread.pattern,
                   fmt::format("not declared in the policy's facts schema, so no rule reads it{}",
                               (guess.empty() ? std::string()
                                              : fmt::format("; did you mean `{}`?", guess)))});
  }
  return out;
}

void BindInto(const compile::Program& program, const facts::FactSet& facts, BoundFacts& out) {
  out.Reset();
  Binder(out).BindRoot(program, facts);
}

std::unique_ptr<BoundFacts> Bind(const compile::Program& program, const facts::FactSet& facts) {
  auto out = std::make_unique<BoundFacts>();
  Binder(*out).BindRoot(program, facts);
  return out;
}

}  // namespace relgate::eval
