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
  using Ref = const facts::Node*;

  static bool Valid(Ref) { return true; }

  static facts::NodeKind Kind(Ref n) { return n->kind; }

  static bool IsNull(Ref n) { return n->kind == facts::NodeKind::kNull; }

  static bool IsString(Ref n) { return n->kind == facts::NodeKind::kString; }

  static bool IsBool(Ref n) { return n->kind == facts::NodeKind::kBool; }

  static bool IsInt64(Ref n) { return n->kind == facts::NodeKind::kInt; }

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

// ... or the tape of a JSON document simdjson parsed (replay's path: no facts tree is built,
// and the members no rule reads are passed over). The tape is simdjson's DOM laid out as
// its documentation (tape.md) describes it: a 64-bit word per value with the value's type
// in the top byte; a string's payload is its offset in the string buffer, which holds a
// 32-bit length and the bytes; a number's value is the next word; an array's or object's
// payload is the index after its end, with its count of items in bits 32 to 55. Read here
// word by word, binding makes none of the out-of-line calls simdjson's iterators make for
// each value (a sixth of replay's time in profiles).
struct TapeView {
  struct Tape {
    const uint64_t* words;
    const uint8_t* strings;
  };

  struct Ref {
    const Tape* tape;
    uint32_t at;
  };

  static uint64_t Word(const Tape* tape, uint32_t at) { return tape->words[at]; }

  static char Type(Ref n) { return static_cast<char>(Word(n.tape, n.at) >> 56); }

  // An integer beyond int64 is refused by the strict loader: not bound here.
  static bool Valid(Ref n) { return Type(n) != 'u'; }

  [[gnu::always_inline]] static facts::NodeKind Kind(Ref n) {
    switch (Type(n)) {
      case 't':
      case 'f': return facts::NodeKind::kBool;
      case 'l':
      case 'u': return facts::NodeKind::kInt;
      case 'd': return facts::NodeKind::kFloat;
      case '"': return facts::NodeKind::kString;
      case '[': return facts::NodeKind::kArray;
      case '{': return facts::NodeKind::kObject;
      default: return facts::NodeKind::kNull;
    }
  }

  static bool IsNull(Ref n) { return Type(n) == 'n'; }

  static bool IsString(Ref n) { return Type(n) == '"'; }

  static bool IsBool(Ref n) { return Type(n) == 't' || Type(n) == 'f'; }

  // `u` (beyond int64) is not: Bind then refuses it.
  static bool IsInt64(Ref n) { return Type(n) == 'l'; }

  static bool Bool(Ref n) { return Type(n) == 't'; }

  static int64_t Int(Ref n) { return NextWord<int64_t>(n); }

  static double Float(Ref n) { return NextWord<double>(n); }

  static std::string_view Str(Ref n) {
    const uint8_t* at = n.tape->strings + (Word(n.tape, n.at) & kPayload);
    uint32_t length;
    std::memcpy(&length, at, sizeof length);
    return {reinterpret_cast<const char*>(at + sizeof length), length};
  }

  // Documents are at most 1 MiB, so a count never reaches the 24 bits' saturation.
  static uint32_t Len(Ref n) { return static_cast<uint32_t>((Word(n.tape, n.at) >> 32) & kCount); }

  template <typename F>
  static void Items(Ref n, F&& f) {
    const uint32_t end = End(n);
    uint32_t k = 0;
    for (uint32_t at = n.at + 1; at < end; at = After(n.tape, at))
      f(k++, Ref{n.tape, at});
  }

  template <typename F>
  static void Members(Ref n, F&& f) {
    const uint32_t end = End(n);
    for (uint32_t at = n.at + 1; at < end; at = After(n.tape, at + 1))
      f(Str(Ref{n.tape, at}), Ref{n.tape, at + 1});
  }

 private:
  static constexpr uint64_t kPayload = (uint64_t{1} << 56) - 1;
  static constexpr uint64_t kCount = (uint64_t{1} << 24) - 1;

  template <typename T>
  static T NextWord(Ref n) {
    T value;
    std::memcpy(&value, &n.tape->words[n.at + 1], sizeof value);
    return value;
  }

  // The index of an array's or object's closing word.
  static uint32_t End(Ref n) { return static_cast<uint32_t>(Word(n.tape, n.at)) - 1; }

  // The index of the value after the one at `at`.
  static uint32_t After(const Tape* tape, uint32_t at) {
    const uint64_t word = Word(tape, at);
    switch (static_cast<char>(word >> 56)) {
      case '[':
      case '{': return static_cast<uint32_t>(word);
      case 'l':
      case 'u':
      case 'd': return at + 2;
      default: return at + 1;
    }
  }
};

// A parsed document's tape. Its root value (index 1) follows the tape's first word, `r`.
TapeView::Tape TapeOf(const simdjson::dom::document& doc) {
  return {doc.tape.get(), doc.string_buf.get()};
}

template <typename View>
std::string Describe(typename View::Ref node) {
  switch (View::Kind(node)) {
    case facts::NodeKind::kString: {
      const std::string_view text = View::Str(node);
      return fmt::format("string \"{}{}", text.substr(0, 40), (text.size() > 40 ? "...\"" : "\""));
    }
    case facts::NodeKind::kInt: return fmt::format("int {}", View::Int(node));
    case facts::NodeKind::kFloat: return fmt::format("float {}", View::Float(node));
    case facts::NodeKind::kBool: return View::Bool(node) ? "bool true" : "bool false";
    case facts::NodeKind::kNull: return "null";
    case facts::NodeKind::kArray: return "a list";
    case facts::NodeKind::kObject: return "a mapping";
  }
  return "?";
}

// Whether two keys are equal, compared as words without calling memcmp (a tenth of
// binding's time in profiles): 8-byte words with the last overlapping the end, two
// overlapping 4-byte words, or bytes. Inlined: a call per key costs as much again.
template <typename Word>
inline Word LoadWord(const char* at) {
  Word word;
  std::memcpy(&word, at, sizeof word);
  return word;
}

[[gnu::always_inline]] inline bool SameKey(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size())
    return false;
  const char* x = a.data();
  const char* y = b.data();
  if (n >= 8) {
    for (size_t at = 0; at + 8 < n; at += 8) {
      if (LoadWord<uint64_t>(x + at) != LoadWord<uint64_t>(y + at))
        return false;
    }
    return LoadWord<uint64_t>(x + n - 8) == LoadWord<uint64_t>(y + n - 8);
  }
  if (n >= 4) {
    return ((LoadWord<uint32_t>(x) ^ LoadWord<uint32_t>(y)) |
            (LoadWord<uint32_t>(x + n - 4) ^ LoadWord<uint32_t>(y + n - 4))) == 0;
  }
  for (size_t k = 0; k < n; ++k) {
    if (x[k] != y[k])
      return false;
  }
  return true;
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

// Which fields of one record a binding has seen: bits for up to 64 fields, else flags on a
// stack shared by nested records.
class SeenFields {
 public:
  SeenFields(size_t fields, std::vector<uint8_t>& spill)
      : fields_(fields), spill_(spill), base_(spill.size()) {
    if (fields_ > 64)
      spill_.resize(base_ + fields_, 0);
  }

  ~SeenFields() {
    if (fields_ > 64)
      spill_.resize(base_);
  }

  SeenFields(const SeenFields&) = delete;
  SeenFields& operator=(const SeenFields&) = delete;

  // Notes field `k`; false when it was seen already.
  bool Mark(size_t k) {
    if (Seen(k))
      return false;
    if (fields_ <= 64)
      bits_ |= uint64_t{1} << k;
    else
      spill_[base_ + k] = 1;
    ++count_;
    return true;
  }

  bool Seen(size_t k) const { return fields_ <= 64 ? (bits_ >> k) & 1 : spill_[base_ + k] != 0; }

  bool All() const { return count_ == fields_; }

 private:
  size_t fields_;
  std::vector<uint8_t>& spill_;
  size_t base_;
  uint64_t bits_ = 0;
  size_t count_ = 0;
};

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
    if (View::Kind(node) == facts::NodeKind::kFloat && type->kind == TypeKind::kString) {
      message += " (quote it in YAML: versions like 1.10 read as numbers)";
    }
    return Error(path, message);
  }

  // `path` is nullptr for the root mapping of a document. `plan` indexes plans_: what is
  // read of each field, worked out once for all the items of a list.
  void BindRecord(Ref node, const Type* type, const PathLink* path, size_t plan, Value* out) {
    // The list's bool columns are for the item's own fields, not a nested record's.
    ColumnWriter* const columns = writer_;
    writer_ = nullptr;
    const size_t n = type->fields.size();
    Value* slots = out_.arena_.AllocValues(n);
    SeenFields seen(n, spill_);
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
      if (!seen.Mark(static_cast<size_t>(k))) {
        rejected_ = true;  // a key twice: only a JSON document read in place can have it
        return;
      }
      const FieldReads field = plans_[plan + static_cast<size_t>(k)];
      if (!field.read) {
        slots[k] = Value::Error(&kUnbound);
        return;
      }
      if (BindScalar(value, type->fields[k].type, &slots[k]))
        return;
      const PathLink child{path, type->fields[k].name, 0};
      Bind(&value, type->fields[k].type, child, field.below, &slots[k]);
    });
    for (size_t k = 0; k < n && !seen.All() && !rejected_; ++k) {
      if (seen.Seen(k))
        continue;
      const FieldReads field = plans_[plan + k];
      const PathLink child{path, type->fields[k].name, 0};
      if (field.read)
        Bind(nullptr, type->fields[k].type, child, field.below, &slots[k]);
      else
        slots[k] = Value::Error(&kUnbound);
    }
    if (columns != nullptr)
      columns->Note(slots);
    *out = Value::Sequence(ValueKind::kRecord, slots, static_cast<uint32_t>(n));
  }

  // What is read of each field of `type` below `reads`, pushed on plans_; PopPlan ends it.
  // (Indices, not pointers: a nested record's plan grows the stack.)
  size_t PushPlan(const Type* type, const compile::ReadPath* reads) {
    const size_t at = plans_.size();
    for (size_t k = 0; k < type->fields.size(); ++k)
      plans_.push_back(ReadsOfField(reads, k));
    return at;
  }

  void PopPlan(size_t at) { plans_.resize(at); }

  // The commonest fields — a string, a bool or an int that is what the schema says, or null
  // or one of those where it is optional — bound without the path and checks Bind
  // prepares; false for anything else, which Bind then binds (and explains).
  static bool BindScalar(Ref node, const Type* type, Value* out) {
    // Asked as "is it a string?" rather than "which kind is it?": on the tape one compare of
    // the type byte each, not a switch over every kind per value.
    if (type->kind == TypeKind::kOptional) {  // `integrity: string?`: as Bind would
      if (View::IsNull(node)) {
        *out = Value::Null();
        return true;
      }
      type = type->element;
    }
    switch (type->kind) {
      case TypeKind::kString:
        if (!View::IsString(node))
          return false;
        *out = Value::String(View::Str(node));
        return true;
      case TypeKind::kBool:
        if (!View::IsBool(node))
          return false;
        *out = Value::Bool(View::Bool(node));
        return true;
      case TypeKind::kInt:
        if (!View::IsInt64(node))
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
      if (present == nullptr || View::Kind(*present) == facts::NodeKind::kNull)
        *out = Value::Null();
      else
        Bind(present, type->element, path, reads, out);
      return;
    }
    if (present != nullptr && View::Valid(*present)) {
      const facts::NodeKind kind = View::Kind(*present);
      if (type->kind == TypeKind::kList && kind == facts::NodeKind::kArray)
        return BindList(*present, type, path, reads, out);
      if (type->kind == TypeKind::kRecord && kind == facts::NodeKind::kObject) {
        const size_t plan = PushPlan(type, reads);
        BindRecord(*present, type, &path, plan, out);
        return PopPlan(plan);
      }
    }
    *out = Convert(present, type, path, reads);
  }

  void BindList(Ref node, const Type* type, const PathLink& path, const compile::ReadPath* reads,
                Value* out) {
    const uint32_t len = View::Len(node);
    Value* items = out_.arena_.AllocValues(len);
    const compile::ReadPath* element = ReadsOfElement(reads);
    // A list of records: one plan for all the items.
    const bool records = type->element->kind == TypeKind::kRecord;
    const size_t plan = records ? PushPlan(type->element, element) : 0;
    ColumnWriter columns;
    const bool with_columns =
        records && list_depth_ == 0 && StartColumns(type->element, plan, items, len, columns);
    ++list_depth_;
    View::Items(node, [&](uint32_t k, Ref item) {
      if (BindScalar(item, type->element, &items[k]))
        return;
      const PathLink child{&path, {}, k};
      if (records && View::Kind(item) == facts::NodeKind::kObject) {
        if (with_columns) {
          columns.item = k;
          writer_ = &columns;
        }
        return BindRecord(item, type->element, &child, plan, &items[k]);
      }
      Bind(&item, type->element, child, element, &items[k]);
    });
    --list_depth_;
    if (records)
      PopPlan(plan);
    *out = Value::Sequence(ValueKind::kList, items, len);
  }

  // Where BindRecord writes the bits of an item's bool fields (base/list_columns.h).
  // (After the record is bound, from its slots: noting each field as it is bound slowed
  // the binding of every field, column or not.)
  struct ColumnWriter {
    const BoolColumn* columns = nullptr;
    uint32_t count = 0;
    uint32_t item = 0;

    void Note(const Value* slots) const {
      const size_t word = item / 64;
      const uint64_t bit = uint64_t{1} << (item % 64);
      for (uint32_t c = 0; c < count; ++c) {
        const Value& v = slots[columns[c].field];
        if (v.kind != ValueKind::kBool)
          continue;
        columns[c].other[word] &= ~bit;
        if (v.b)
          columns[c].truth[word] |= bit;
      }
    }
  };

  // Bool columns for the read bool fields of a list of records, when it has any: every
  // item starts as "not a bool" until BindRecord notes its field.
  bool StartColumns(const Type* record, size_t plan, const Value* items, uint32_t len,
                    ColumnWriter& writer) {
    const size_t n = record->fields.size();
    uint32_t count = 0;
    for (size_t k = 0; k < n; ++k) {
      if (plans_[plan + k].read && record->fields[k].type->kind == TypeKind::kBool)
        ++count;
    }
    if (count == 0 || len == 0)
      return false;
    const uint32_t words = (len + 63) / 64;
    auto* columns = static_cast<BoolColumn*>(
        out_.arena_.Allocate(count * sizeof(BoolColumn), alignof(BoolColumn)));
    auto* bits = static_cast<uint64_t*>(out_.arena_.Allocate(size_t{count} * words * 16, 8));
    uint64_t* truth = bits;
    uint64_t* other = bits + size_t{count} * words;
    std::fill(truth, truth + size_t{count} * words, uint64_t{0});
    const uint64_t last = len % 64 == 0 ? ~uint64_t{0} : (uint64_t{1} << (len % 64)) - 1;
    uint32_t c = 0;
    for (size_t k = 0; k < n; ++k) {
      if (!plans_[plan + k].read || record->fields[k].type->kind != TypeKind::kBool)
        continue;
      uint64_t* o = other + size_t{c} * words;
      std::fill(o, o + words, ~uint64_t{0});
      o[words - 1] = last;
      columns[c] = {static_cast<uint32_t>(k), truth + size_t{c} * words, o};
      ++c;
    }
    writer = {columns, count, 0};
    out_.lists_.push_back({items, len, count, columns});
    return true;
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
    const facts::NodeKind kind = View::Kind(node);
    if (kind == facts::NodeKind::kNull) {
      return Error(path, fmt::format("is null, but {} is not optional (declare it `{}?`)",
                                     types::TypeName(type), types::TypeName(type)));
    }
    switch (type->kind) {
      case TypeKind::kBool:
        if (kind != facts::NodeKind::kBool)
          return Mismatch(path, type, node);
        return Value::Bool(View::Bool(node));
      case TypeKind::kInt:
        if (kind != facts::NodeKind::kInt)
          return Mismatch(path, type, node);
        return Value::Int(View::Int(node));
      case TypeKind::kFloat:
        if (kind == facts::NodeKind::kInt)
          return Value::Float(static_cast<double>(View::Int(node)));
        if (kind != facts::NodeKind::kFloat)
          return Mismatch(path, type, node);
        return Value::Float(View::Float(node));
      case TypeKind::kString:
        if (kind != facts::NodeKind::kString)
          return Mismatch(path, type, node);
        return Value::String(View::Str(node));
      case TypeKind::kTime: {
        if (kind != facts::NodeKind::kString)
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
        if (kind != facts::NodeKind::kString)
          return Mismatch(path, type, node);
        auto d = ParseDuration(View::Str(node));
        if (!d)
          return Error(path, fmt::format("expected a duration like 24h or 90m, found {}",
                                         Describe<View>(node)));
        return Value::Duration(*d);
      }
      case TypeKind::kVersion:
        if (kind != facts::NodeKind::kString)
          return Mismatch(path, type, node);
        if (!IsSemver(View::Str(node))) {
          return Error(path,
                       fmt::format("expected a semantic version, found {}", Describe<View>(node)));
        }
        return Value::Version(View::Str(node));
      case TypeKind::kList:
      case TypeKind::kRecord: return Mismatch(path, type, node);  // Bind took the rest
      case TypeKind::kMap: {
        if (kind != facts::NodeKind::kObject)
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
      const facts::Node* fact = facts.Find(name);
      Bind(fact != nullptr ? &fact : nullptr, schema->fields[k].type, path, nullptr, &slots[k]);
    }
    out_.root_ = slots;
    for (const auto& document : facts.documents()) {
      const facts::Node& root = document->root();
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
    BindRecord(root, program.schema(), nullptr, PushPlan(program.schema(), &reads), &record);
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
  std::vector<FieldReads> plans_;  // a stack: what is read of each field (PushPlan)
  std::vector<uint8_t> spill_;     // SeenFields' flags for records of more than 64 fields
  BoundFacts& out_;
  bool track_unread_;
  bool rejected_ = false;
  ColumnWriter* writer_ = nullptr;  // set by BindList for the next item's record
  uint32_t list_depth_ = 0;         // lists being bound around this point
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
// not make, on the parsed tape (read as the binder reads it): false at the first refusal.
class StrictCheck {
 public:
  explicit StrictCheck(std::vector<std::string_view>& keys) : keys_(keys) {}

  bool Readable(TapeView::Ref value, size_t depth) {
    // The builder counts every value, and refuses a container opened at its depth limit;
    // one short of each here, so that an off-by-one can only send a document the strict way.
    if (++values_ >= limits::kMaxFactsNodes || !TapeView::Valid(value))
      return false;
    const facts::NodeKind kind = TapeView::Kind(value);
    if (kind != facts::NodeKind::kArray && kind != facts::NodeKind::kObject)
      return true;
    if (depth + 1 >= limits::kMaxFactsDepth)
      return false;
    bool readable = true;
    if (kind == facts::NodeKind::kArray) {
      TapeView::Items(value, [&](uint32_t, TapeView::Ref item) {
        readable = readable && Readable(item, depth + 1);
      });
      return readable;
    }
    if (HasDuplicateKey(value))
      return false;
    TapeView::Members(value, [&](std::string_view, TapeView::Ref field) {
      readable = readable && Readable(field, depth + 1);
    });
    return readable;
  }

 private:
  // As facts' FindDuplicateKey: pairs for a small mapping, sorted keys for a large one.
  bool HasDuplicateKey(TapeView::Ref object) {
    const size_t base = keys_.size();
    TapeView::Members(object, [&](std::string_view key, TapeView::Ref) { keys_.push_back(key); });
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
  const TapeView::Tape tape = TapeOf(parser_->parser.doc);
  return StrictCheck(parser_->keys).Readable(TapeView::Ref{&tape, 1}, 0);
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
  const TapeView::Tape tape = TapeOf(parser_->parser.doc);
  Binder<TapeView> binder(out, /*track_unread=*/false);
  binder.BindRoot(program, TapeView::Ref{&tape, 1}, reads);
  if (binder.rejected()) {
    out.Reset();
    return Binding::kDeclined;
  }
  return Binding::kBound;
}

}  // namespace relgate::eval
