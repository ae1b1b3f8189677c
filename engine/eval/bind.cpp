#include "engine/eval/bind.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>
#include <simdjson.h>

#include "engine/base/limits.h"
#include "engine/base/semver.h"
#include "engine/base/suggest.h"
#include "engine/base/time.h"

namespace relgate::eval {

using facts::Node;
using facts::NodeKind;
using types::Type;
using types::TypeKind;

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

// How the binder reads a document: the facts tree every loader and importer builds...
struct TreeView {
  using Ref = const Node*;

  static bool Valid(Ref) { return true; }

  static NodeKind Kind(Ref n) { return n->kind; }

  static bool Bool(Ref n) { return n->b; }

  static int64_t Int(Ref n) { return n->i; }

  static double Float(Ref n) { return n->f; }

  static std::string_view Str(Ref n) { return n->str(); }

  static uint32_t Len(Ref n) { return n->len; }

  template <typename F>
  static void Items(Ref n, F&& f) {
    for (uint32_t k = 0; k < n->len; ++k)
      f(k, &n->items[k]);
  }

  template <typename F>
  static void Members(Ref n, F&& f) {
    for (uint32_t m = 0; m < n->len; ++m)
      f(n->members[m].name(), &n->members[m].value);
  }
};

// ... or simdjson's DOM of a JSON document, read in place (replay's path: no facts tree is
// built, and the members no rule reads are passed over).
struct JsonView {
  using Ref = simdjson::dom::element;
  using Type = simdjson::dom::element_type;

  // An integer beyond int64 is refused by the strict loader: not bound here.
  static bool Valid(Ref n) { return n.type() != Type::UINT64; }

  static NodeKind Kind(Ref n) {
    switch (n.type()) {
      case Type::NULL_VALUE: return NodeKind::kNull;
      case Type::BOOL: return NodeKind::kBool;
      case Type::INT64:
      case Type::UINT64: return NodeKind::kInt;
      case Type::DOUBLE: return NodeKind::kFloat;
      case Type::STRING: return NodeKind::kString;
      case Type::ARRAY: return NodeKind::kArray;
      case Type::OBJECT: return NodeKind::kObject;
    }
    return NodeKind::kNull;
  }

  static bool Bool(Ref n) { return n.get_bool().value_unsafe(); }

  static int64_t Int(Ref n) { return n.get_int64().value_unsafe(); }

  static double Float(Ref n) { return n.get_double().value_unsafe(); }

  static std::string_view Str(Ref n) { return n.get_string().value_unsafe(); }

  static uint32_t Len(Ref n) {
    const simdjson::dom::array array = n.get_array().value_unsafe();
    return static_cast<uint32_t>(array.size());
  }

  template <typename F>
  static void Items(Ref n, F&& f) {
    const simdjson::dom::array array = n.get_array().value_unsafe();
    uint32_t k = 0;
    for (simdjson::dom::element item : array)
      f(k++, item);
  }

  template <typename F>
  static void Members(Ref n, F&& f) {
    const simdjson::dom::object object = n.get_object().value_unsafe();
    for (simdjson::dom::key_value_pair field : object)
      f(field.key, field.value);
  }
};

template <typename View>
std::string Describe(typename View::Ref node) {
  switch (View::Kind(node)) {
    case NodeKind::kString: {
      const std::string_view text = View::Str(node);
      return fmt::format("string \"{}{}", text.substr(0, 40), (text.size() > 40 ? "...\"" : "\""));
    }
    case NodeKind::kInt: return fmt::format("int {}", View::Int(node));
    case NodeKind::kFloat: return fmt::format("float {}", View::Float(node));
    case NodeKind::kBool: return View::Bool(node) ? "bool true" : "bool false";
    case NodeKind::kNull: return "null";
    case NodeKind::kArray: return "a list";
    case NodeKind::kObject: return "a mapping";
  }
  return "?";
}

// Whether two keys are equal. Keys are short: up to 16 bytes they are compared as two
// overlapping words each, without calling memcmp (a tenth of binding's time in profiles).
inline bool SameKey(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size())
    return false;
  if (n > 16 || n < 4)
    return a == b;
  const auto differ = [&](size_t at, auto width) {
    decltype(width) x, y;
    std::memcpy(&x, a.data() + at, sizeof x);
    std::memcpy(&y, b.data() + at, sizeof y);
    return x ^ y;
  };
  if (n >= 8)
    return (differ(0, uint64_t{}) | differ(n - 8, uint64_t{})) == 0;
  return (differ(0, uint32_t{}) | differ(n - 4, uint32_t{})) == 0;
}

// The field of `type` named `key`, trying `hint` first (documents usually list keys in one
// order); -1 when the schema does not declare it.
inline int FieldOf(const Type* type, std::string_view key, size_t hint) {
  const auto& fields = type->fields;
  if (hint < fields.size() && SameKey(fields[hint].name, key))
    return static_cast<int>(hint);
  for (size_t k = 0; k < fields.size(); ++k) {
    if (SameKey(fields[k].name, key))
      return static_cast<int>(k);
  }
  return -1;
}

// What a slot no rule reads holds: an error, so that a read the read set missed (a bug)
// fails its rule closed instead of reading a default.
const ErrorInfo kUnbound{
    "", "relgate did not bind this fact: the policy's read set missed it (please report it)"};

// The read path of field `k` below `reads`; `whole` when all of it is read.
struct FieldReads {
  bool read;
  const compile::ReadPath* below;  // nullptr: read whole
};

FieldReads ReadsOfField(const compile::ReadPath* reads, size_t k) {
  if (reads == nullptr || reads->whole)
    return {true, nullptr};
  const compile::ReadPath* field = reads->FieldRead(k);
  if (field == nullptr)
    return {false, nullptr};
  return {true, field->whole ? nullptr : field};
}

const compile::ReadPath* ReadsOfElement(const compile::ReadPath* reads) {
  if (reads == nullptr || reads->whole || reads->element == nullptr || reads->element->whole)
    return nullptr;
  return reads->element.get();
}

}  // namespace

// Binds one document view into `out`. `reads` (nullptr: everything) limits what is bound;
// `track_unread` notes the keys the schema does not declare. A JSON document with a read
// key twice or an integer beyond int64 on a read path is `rejected()`: the strict loader
// refuses such documents, and the caller falls back to it for its message.
template <typename View>
class Binder {
 public:
  using Ref = typename View::Ref;

  Binder(BoundFacts& out, bool track_unread) : out_(out), track_unread_(track_unread) {}

  bool rejected() const { return rejected_; }

  Value Error(const PathLink& path, std::string message) {
    out_.errors_.push_back({path.ToString(), std::move(message)});
    return Value::Error(&out_.errors_.back());
  }

  Value Mismatch(const PathLink& path, const Type* type, Ref node) {
    std::string message =
        fmt::format("expected {}, found {}", types::TypeName(type), Describe<View>(node));
    if (View::Kind(node) == NodeKind::kFloat && type->kind == TypeKind::kString) {
      message += " (quote it in YAML: versions like 1.10 read as numbers)";
    }
    return Error(path, message);
  }

  // `path` is nullptr for the root mapping of a document.
  void BindRecord(Ref node, const Type* type, const PathLink* path, const compile::ReadPath* reads,
                  Value* out) {
    const size_t n = type->fields.size();
    Value* slots = out_.arena_.AllocValues(n);
    // Which fields were seen: a stack of flags, nested records above this one's (indices,
    // not references: a nested record grows the stack).
    const size_t base = found_.size();
    found_.resize(base + n, 0);
    size_t hint = 0;
    View::Members(node, [&](std::string_view key, Ref value) {
      if (rejected_)
        return;
      const int k = FieldOf(type, key, hint);
      if (k < 0) {
        if (track_unread_)
          Unread(path, key, type);
        return;
      }
      hint = static_cast<size_t>(k) + 1;
      if (found_[base + k]) {
        rejected_ = true;  // a key twice: only a JSON document read in place can have it
        return;
      }
      found_[base + k] = 1;
      const FieldReads field = ReadsOfField(reads, k);
      if (!field.read) {
        slots[k] = Value::Error(&kUnbound);
        return;
      }
      if (BindScalar(value, type->fields[k].type, &slots[k]))
        return;
      const PathLink child{path, type->fields[k].name, 0};
      Bind(&value, type->fields[k].type, child, field.below, &slots[k]);
    });
    for (size_t k = 0; k < n && !rejected_; ++k) {
      if (found_[base + k])
        continue;
      const FieldReads field = ReadsOfField(reads, k);
      const PathLink child{path, type->fields[k].name, 0};
      if (field.read)
        Bind(nullptr, type->fields[k].type, child, field.below, &slots[k]);
      else
        slots[k] = Value::Error(&kUnbound);
    }
    found_.resize(base);
    *out = Value::Sequence(ValueKind::kRecord, slots, static_cast<uint32_t>(n));
  }

  // The commonest fields — a string, a bool or an int that is what the schema says — bound
  // without the path and checks Bind prepares; false for anything else, which Bind then
  // binds (and explains).
  static bool BindScalar(Ref node, const Type* type, Value* out) {
    if (!View::Valid(node))
      return false;
    const NodeKind kind = View::Kind(node);
    switch (type->kind) {
      case TypeKind::kString:
        if (kind != NodeKind::kString)
          return false;
        *out = Value::String(View::Str(node));
        return true;
      case TypeKind::kBool:
        if (kind != NodeKind::kBool)
          return false;
        *out = Value::Bool(View::Bool(node));
        return true;
      case TypeKind::kInt:
        if (kind != NodeKind::kInt)
          return false;
        *out = Value::Int(View::Int(node));
        return true;
      default: return false;
    }
  }

  // Binds `present` (nullptr: the fact is absent) as a `type` into `out`. Lists and records
  // are written in place; a Value returned through a call's frame instead is assembled from
  // partial stores, and reading it back whole stalled store forwarding (a fifth of binding a
  // record's time in profiles). Convert returns the rest: leaves that are parsed, and errors.
  void Bind(const Ref* present, const Type* type, const PathLink& path,
            const compile::ReadPath* reads, Value* out) {
    if (type->kind == TypeKind::kOptional) {
      if (present == nullptr || View::Kind(*present) == NodeKind::kNull)
        *out = Value::Null();
      else
        Bind(present, type->element, path, reads, out);
      return;
    }
    if (present != nullptr && View::Valid(*present)) {
      const NodeKind kind = View::Kind(*present);
      if (type->kind == TypeKind::kList && kind == NodeKind::kArray)
        return BindList(*present, type, path, reads, out);
      if (type->kind == TypeKind::kRecord && kind == NodeKind::kObject)
        return BindRecord(*present, type, &path, reads, out);
    }
    *out = Convert(present, type, path, reads);
  }

  void BindList(Ref node, const Type* type, const PathLink& path, const compile::ReadPath* reads,
                Value* out) {
    const uint32_t len = View::Len(node);
    Value* items = out_.arena_.AllocValues(len);
    const compile::ReadPath* element = ReadsOfElement(reads);
    View::Items(node, [&](uint32_t k, Ref item) {
      if (BindScalar(item, type->element, &items[k]))
        return;
      const PathLink child{&path, {}, k};
      Bind(&item, type->element, child, element, &items[k]);
    });
    *out = Value::Sequence(ValueKind::kList, items, len);
  }

  // A fact that is not an optional, list or record of its declared kind.
  Value Convert(const Ref* present, const Type* type, const PathLink& path,
                const compile::ReadPath* reads) {
    if (present == nullptr)
      return Error(path, fmt::format("missing fact (expected {})", types::TypeName(type)));
    const Ref node = *present;
    if (!View::Valid(node)) {
      rejected_ = true;
      return Value::Null();
    }
    const NodeKind kind = View::Kind(node);
    if (kind == NodeKind::kNull) {
      return Error(path, fmt::format("is null, but {} is not optional (declare it `{}?`)",
                                     types::TypeName(type), types::TypeName(type)));
    }
    switch (type->kind) {
      case TypeKind::kBool:
        if (kind != NodeKind::kBool)
          return Mismatch(path, type, node);
        return Value::Bool(View::Bool(node));
      case TypeKind::kInt:
        if (kind != NodeKind::kInt)
          return Mismatch(path, type, node);
        return Value::Int(View::Int(node));
      case TypeKind::kFloat:
        if (kind == NodeKind::kInt)
          return Value::Float(static_cast<double>(View::Int(node)));
        if (kind != NodeKind::kFloat)
          return Mismatch(path, type, node);
        return Value::Float(View::Float(node));
      case TypeKind::kString:
        if (kind != NodeKind::kString)
          return Mismatch(path, type, node);
        return Value::String(View::Str(node));
      case TypeKind::kTime: {
        if (kind != NodeKind::kString)
          return Mismatch(path, type, node);
        auto t = ParseRfc3339(View::Str(node));
        if (!t) {
          const std::string problem = TimeProblem(View::Str(node));
          return Error(
              path, problem.empty()
                        ? fmt::format("expected an RFC 3339 time, found {}", Describe<View>(node))
                        : fmt::format("the time {} {}", Describe<View>(node), problem));
        }
        return Value::Time(*t);
      }
      case TypeKind::kDuration: {
        if (kind != NodeKind::kString)
          return Mismatch(path, type, node);
        auto d = ParseDuration(View::Str(node));
        if (!d)
          return Error(path, fmt::format("expected a duration like 24h or 90m, found {}",
                                         Describe<View>(node)));
        return Value::Duration(*d);
      }
      case TypeKind::kVersion:
        if (kind != NodeKind::kString)
          return Mismatch(path, type, node);
        if (!IsSemver(View::Str(node))) {
          return Error(path,
                       fmt::format("expected a semantic version, found {}", Describe<View>(node)));
        }
        return Value::Version(View::Str(node));
      case TypeKind::kList:
      case TypeKind::kRecord: return Mismatch(path, type, node);  // Bind took the rest
      case TypeKind::kMap: {
        if (kind != NodeKind::kObject)
          return Mismatch(path, type, node);
        std::vector<std::pair<std::string_view, Ref>> members;
        View::Members(node, [&](std::string_view key, Ref value) {
          members.push_back({key, value});
        });
        std::stable_sort(members.begin(), members.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
        const uint32_t len = static_cast<uint32_t>(members.size());
        Value* pairs = out_.arena_.AllocValues(size_t{len} * 2);
        const compile::ReadPath* element = ReadsOfElement(reads);
        for (uint32_t k = 0; k < len; ++k) {
          if (k > 0 && members[k].first == members[k - 1].first)
            rejected_ = true;  // a key twice (JSON read in place)
          const PathLink child{&path, members[k].first, 0};
          pairs[2 * k] = Value::String(members[k].first);
          Bind(&members[k].second, type->element, child, element, &pairs[2 * k + 1]);
        }
        return Value::Sequence(ValueKind::kMap, pairs, len);
      }
      default:
        return Error(path, fmt::format("type {} cannot come from facts", types::TypeName(type)));
    }
  }

  // Every fact of the schema from the set (facts spread over several documents).
  void BindSet(const compile::Program& program, const facts::FactSet& facts) {
    const Type* schema = program.schema();
    Value* slots = out_.arena_.AllocValues(std::max<size_t>(schema->fields.size(), 1));
    for (size_t k = 0; k < schema->fields.size(); ++k) {
      const std::string& name = schema->fields[k].name;
      const PathLink path{nullptr, name, 0};
      const Node* fact = facts.Find(name);
      Bind(fact != nullptr ? &fact : nullptr, schema->fields[k].type, path, nullptr, &slots[k]);
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

  // The facts of one document's root mapping, the read set only.
  void BindRoot(const compile::Program& program, Ref root, const compile::ReadPath& reads) {
    Value record;
    BindRecord(root, program.schema(), nullptr, &reads, &record);
    out_.root_ = record.items;
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
  std::vector<uint8_t> found_;
  BoundFacts& out_;
  bool track_unread_;
  bool rejected_ = false;
};

std::vector<ErrorInfo> BoundFacts::unread_keys() const {
  std::vector<ErrorInfo> out;
  for (const Unread& unread : unread_) {
    std::vector<std::string> declared;
    for (const types::Field& f : unread.record->fields)
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
  Binder<TreeView>(out, /*track_unread=*/true).BindSet(program, facts);
}

std::unique_ptr<BoundFacts> Bind(const compile::Program& program, const facts::FactSet& facts) {
  auto out = std::make_unique<BoundFacts>();
  BindInto(program, facts, *out);
  return out;
}

struct JsonFacts::Parser {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  bool parsed = false;
  std::vector<std::string_view> keys;  // StrictlyReadable's scratch: one mapping's keys
};

namespace {

// The whole-document checks of the strict loader (facts::TreeBuilder) that simdjson does
// not make, on a parsed DOM: counts values into `values` and false at the first refusal.
class StrictCheck {
 public:
  explicit StrictCheck(std::vector<std::string_view>& keys) : keys_(keys) {}

  bool Readable(simdjson::dom::element element, size_t depth) {
    // The builder counts every value, and refuses a container opened at its depth limit;
    // one short of each here, so that an off-by-one can only send a document the strict way.
    if (++values_ >= limits::kMaxFactsNodes)
      return false;
    switch (element.type()) {
      case simdjson::dom::element_type::UINT64: return false;
      case simdjson::dom::element_type::ARRAY: {
        if (depth + 1 >= limits::kMaxFactsDepth)
          return false;
        const simdjson::dom::array array = element.get_array().value_unsafe();
        for (simdjson::dom::element item : array) {
          if (!Readable(item, depth + 1))
            return false;
        }
        return true;
      }
      case simdjson::dom::element_type::OBJECT: {
        if (depth + 1 >= limits::kMaxFactsDepth)
          return false;
        const simdjson::dom::object object = element.get_object().value_unsafe();
        if (HasDuplicateKey(object))
          return false;
        for (simdjson::dom::key_value_pair field : object) {
          if (!Readable(field.value, depth + 1))
            return false;
        }
        return true;
      }
      default: return true;
    }
  }

 private:
  // As facts' FindDuplicateKey: pairs for a small mapping, sorted keys for a large one.
  bool HasDuplicateKey(const simdjson::dom::object& object) {
    const size_t base = keys_.size();
    for (simdjson::dom::key_value_pair field : object)
      keys_.push_back(field.key);
    const auto begin = keys_.begin() + static_cast<ptrdiff_t>(base);
    bool duplicate = false;
    if (keys_.size() - base <= 16) {
      for (auto k = begin; k != keys_.end() && !duplicate; ++k)
        duplicate = std::find_if(begin, k, [&](std::string_view j) { return SameKey(j, *k); }) != k;
    } else {
      std::sort(begin, keys_.end());
      duplicate = std::adjacent_find(begin, keys_.end()) != keys_.end();
    }
    keys_.resize(base);
    return duplicate;
  }

  std::vector<std::string_view>& keys_;
  size_t values_ = 0;
};

}  // namespace

bool JsonFacts::StrictlyReadable() const {
  if (!parser_->parsed)
    return false;
  parser_->keys.clear();
  return StrictCheck(parser_->keys).Readable(parser_->root, 0);
}

JsonFacts::JsonFacts() : parser_(std::make_unique<Parser>()) {
  if (parser_->parser.allocate(1 << 16, limits::kMaxFactsDepth) != simdjson::SUCCESS)
    throw std::bad_alloc();
}

JsonFacts::~JsonFacts() = default;

bool JsonFacts::Parse(std::string_view text, bool padded) {
  static_assert(simdjson::SIMDJSON_PADDING <= 64, "JsonFacts::Parse promises 64 bytes");
  parser_->parsed = false;
  // The strict loader's checks that the parser does not make: no byte order mark, and at
  // most 1 MiB, under which no document can pass the facts' value limit (each value takes
  // two bytes or more).
  if (text.size() > (size_t{1} << 20) || text.substr(0, 3) == "\xEF\xBB\xBF")
    return false;
  if (parser_->parser.parse(text.data(), text.size(), /*realloc_if_needed=*/!padded)
              .get(parser_->root) != simdjson::SUCCESS ||
      parser_->root.type() != simdjson::dom::element_type::OBJECT)
    return false;
  parser_->parsed = true;
  return true;
}

std::string JsonFacts::StringAt(std::string_view object, std::string_view field) const {
  if (!parser_->parsed)
    return "";
  simdjson::dom::element value;
  if (parser_->root[object][field].get(value) != simdjson::SUCCESS ||
      value.type() != simdjson::dom::element_type::STRING)
    return "";
  return std::string(value.get_string().value_unsafe());
}

JsonFacts::Binding JsonFacts::Bind(const compile::Program& program, const compile::ReadPath& reads,
                                   BoundFacts& out) const {
  out.Reset();
  if (!parser_->parsed)
    return Binding::kDeclined;
  Binder<JsonView> binder(out, /*track_unread=*/false);
  binder.BindRoot(program, parser_->root, reads);
  if (binder.rejected()) {
    out.Reset();
    return Binding::kDeclined;
  }
  return Binding::kBound;
}

}  // namespace relgate::eval
