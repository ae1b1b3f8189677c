// JSON facts via simdjson's DOM parser (which validates UTF-8 and rejects NaN, Infinity
// and malformed numbers), converted into the facts tree with our own checks: duplicate
// keys, integers beyond int64, and depth (simdjson enforces it while parsing; the
// conversion is bounded by the same limit).
#include <simdjson.h>

#include "engine/base/digest.h"
#include "engine/base/limits.h"
#include "engine/base/utf8.h"
#include "engine/facts/facts.h"
#include "engine/facts/internal_tree.h"
#include "engine/facts/json_locate.h"

namespace relgate::facts {
namespace {

using internal::PathStack;

// Offset of the first bracket nested deeper than `limit`, skipping strings.
size_t FindTooDeep(std::string_view text, size_t limit) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (in_string) {
      if (c == '\\') {
        ++k;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit)
        return k;
    } else if (c == ']' || c == '}') {
      if (depth > 0)
        --depth;
    }
  }
  return std::string_view::npos;
}

class Converter {
 public:
  Converter(Document& doc, LoadError& error) : doc_(doc), error_(error) {}

  bool Convert(simdjson::dom::element element, Node& out) {
    if (++nodes_ > limits::kMaxFactsNodes) {
      error_.message =
          "document has more than " + std::to_string(limits::kMaxFactsNodes) + " values";
      return false;
    }
    switch (element.type()) {
      case simdjson::dom::element_type::NULL_VALUE: out.kind = NodeKind::kNull; return true;
      case simdjson::dom::element_type::BOOL:
        out.kind = NodeKind::kBool;
        out.b = element.get_bool().value_unsafe();
        return true;
      case simdjson::dom::element_type::INT64:
        out.kind = NodeKind::kInt;
        out.i = element.get_int64().value_unsafe();
        return true;
      case simdjson::dom::element_type::UINT64:
        located_ = true;
        error_.message = "integer " + std::to_string(element.get_uint64().value_unsafe()) +
                         " is out of range (facts integers are 64-bit signed)";
        return false;
      case simdjson::dom::element_type::DOUBLE:
        out.kind = NodeKind::kFloat;
        out.f = element.get_double().value_unsafe();
        return true;
      case simdjson::dom::element_type::STRING: {
        const std::string_view s = element.get_string().value_unsafe();
        const std::string_view copy = doc_.arena().CopyString(s);
        out.kind = NodeKind::kString;
        out.s = copy.data();
        out.len = static_cast<uint32_t>(copy.size());
        return true;
      }
      case simdjson::dom::element_type::ARRAY: {
        simdjson::dom::array array = element.get_array().value_unsafe();
        const size_t count = array.size();
        Node* items = internal::AllocNodes(doc_.arena(), count);
        size_t k = 0;
        for (simdjson::dom::element item : array) {
          new (&items[k]) Node();
          if (!Convert(item, items[k])) {
            path_.PushIndex(k);  // on the way out only: a good document pays nothing
            return false;
          }
          ++k;
        }
        out.kind = NodeKind::kArray;
        out.items = items;
        out.len = static_cast<uint32_t>(count);
        return true;
      }
      case simdjson::dom::element_type::OBJECT: {
        simdjson::dom::object object = element.get_object().value_unsafe();
        const size_t count = object.size();
        Member* members = internal::AllocMembers(doc_.arena(), count);
        size_t k = 0;
        for (simdjson::dom::key_value_pair field : object) {
          const std::string_view key = doc_.arena().CopyString(field.key);
          new (&members[k]) Member{key.data(), static_cast<uint32_t>(key.size()), Node()};
          if (!Convert(field.value, members[k].value)) {
            path_.PushKey(key);
            return false;
          }
          ++k;
        }
        const int dup = internal::FindDuplicateKey(members, static_cast<uint32_t>(count));
        if (dup >= 0) {
          path_.PushKey(members[dup].name());
          located_ = true;
          error_.message = "duplicate key \"" + std::string(members[dup].name()) + "\"";
          return false;
        }
        out.kind = NodeKind::kObject;
        out.members = members;
        out.len = static_cast<uint32_t>(count);
        return true;
      }
    }
    return false;
  }

  // After Convert failed: where, for the errors that have a place.
  std::string FailedPath() {
    if (!located_)
      return "";
    path_.Reverse();  // segments were pushed innermost first, while returning
    return path_.ToString();
  }

 private:
  Document& doc_;
  LoadError& error_;
  PathStack path_;
  bool located_ = false;
  size_t nodes_ = 0;
};

}  // namespace

std::unique_ptr<Document> ParseJson(std::string_view text, const std::string& name,
                                    LoadError& error, Digest digest) {
  error.file = name;
  if (text.size() > limits::kMaxFactsBytes) {
    error.message =
        "document is larger than the limit of " + std::to_string(limits::kMaxFactsBytes) + " bytes";
    return nullptr;
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    error.line = error.column = 1;
    error.message =
        "the file starts with a UTF-8 byte order mark, which JSON does not allow "
        "(RFC 8259); save it without one";
    return nullptr;
  }
  // One parser per thread: its buffers are reused across documents.
  thread_local simdjson::dom::parser parser = [] {
    simdjson::dom::parser p;
    if (p.allocate(1 << 16, limits::kMaxFactsDepth) != simdjson::SUCCESS) {
      throw std::bad_alloc();
    }
    return p;
  }();
  simdjson::dom::element root;
  const simdjson::error_code code = parser.parse(text.data(), text.size()).get(root);
  if (code != simdjson::SUCCESS) {
    switch (code) {
      case simdjson::UTF8_ERROR:
        internal::SetLineColumn(text, FirstInvalidUtf8(text), error);
        error.message = "invalid UTF-8";
        break;
      case simdjson::DEPTH_ERROR:
        internal::SetLineColumn(text, FindTooDeep(text, limits::kMaxFactsDepth), error);
        error.message =
            "nested deeper than the limit of " + std::to_string(limits::kMaxFactsDepth) + " levels";
        break;
      case simdjson::NUMBER_ERROR: {
        std::string token;
        const size_t at = internal::FindBadJsonNumber(text, token);
        if (at != std::string_view::npos) {
          internal::SetLineColumn(text, at, error);
          error.message = "number " + token +
                          " is out of range (facts integers are 64-bit signed, floats finite)";
        } else {
          const internal::JsonSyntaxError where = internal::LocateJsonSyntaxError(text);
          if (where.offset != std::string_view::npos)
            internal::SetLineColumn(text, where.offset, error);
          error.message = "invalid JSON: a number is malformed";
        }
        break;
      }
      default: {
        const internal::JsonSyntaxError where = internal::LocateJsonSyntaxError(text);
        if (where.offset != std::string_view::npos) {
          internal::SetLineColumn(text, where.offset, error);
          error.message = "invalid JSON: expected " + where.expected;
        } else {
          error.message = "invalid JSON: " + std::string(simdjson::error_message(code));
        }
      }
    }
    return nullptr;
  }
  auto doc = std::make_unique<Document>(name, digest == Digest::kCompute ? Sha256Hex(text) : "");
  Node node;
  Converter converter(*doc, error);
  if (!converter.Convert(root, node)) {
    error.path = converter.FailedPath();
    return nullptr;
  }
  doc->set_root(node);
  return doc;
}

}  // namespace relgate::facts
