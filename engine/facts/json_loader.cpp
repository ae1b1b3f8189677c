// JSON facts via simdjson's DOM parser (which validates UTF-8 and rejects NaN, Infinity
// and malformed numbers), converted into the facts tree by the TreeBuilder, which holds
// it to the facts limits: duplicate keys, values, depth (simdjson enforces it while
// parsing too); integers beyond int64 are refused here.
#include <fmt/format.h>
#include <simdjson.h>

#include "engine/base/digest.h"
#include "engine/base/limits.h"
#include "engine/base/utf8.h"
#include "engine/facts/facts.h"
#include "engine/facts/internal_tree.h"
#include "engine/facts/json_locate.h"
#include "engine/facts/tree_builder.h"

namespace relgate::facts {
namespace {

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

// simdjson's DOM into the facts tree, through the one TreeBuilder every loader and
// importer uses (sized: each container's count is known, so values go straight into the
// document).
void Convert(simdjson::dom::element element, TreeBuilder& b) {
  switch (element.type()) {
    case simdjson::dom::element_type::NULL_VALUE: return b.Null();
    case simdjson::dom::element_type::BOOL: return b.Bool(element.get_bool().value_unsafe());
    case simdjson::dom::element_type::INT64: return b.Int(element.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return b.Fail(fmt::format("integer {} is out of range (facts integers are 64-bit signed)",
                                element.get_uint64().value_unsafe()));
    case simdjson::dom::element_type::DOUBLE: return b.Float(element.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING: return b.String(element.get_string().value_unsafe());
    case simdjson::dom::element_type::ARRAY: {
      simdjson::dom::array array = element.get_array().value_unsafe();
      b.BeginArray(array.size());
      for (simdjson::dom::element item : array) {
        Convert(item, b);
        if (b.failed())
          return;
      }
      return b.EndArray();
    }
    case simdjson::dom::element_type::OBJECT: {
      simdjson::dom::object object = element.get_object().value_unsafe();
      b.BeginObject(object.size());
      for (simdjson::dom::key_value_pair field : object) {
        b.Key(field.key);
        Convert(field.value, b);
        if (b.failed())
          return;
      }
      return b.EndObject();
    }
  }
}

}  // namespace

std::unique_ptr<Document> ParseJson(std::string_view text, const std::string& name,
                                    LoadError& error, Digest digest) {
  error.file = name;
  if (text.size() > limits::kMaxFactsBytes) {
    error.message =
        fmt::format("document is larger than the limit of {} bytes", limits::kMaxFactsBytes);
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
            fmt::format("nested deeper than the limit of {} levels", limits::kMaxFactsDepth);
        break;
      case simdjson::NUMBER_ERROR: {
        std::string token;
        const size_t at = internal::FindBadJsonNumber(text, token);
        if (at != std::string_view::npos) {
          internal::SetLineColumn(text, at, error);
          error.message = fmt::format(
              "number {} is out of range (facts integers are 64-bit signed, floats finite)", token);
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
          error.message = fmt::format("invalid JSON: expected {}", where.expected);
        } else {
          error.message = fmt::format("invalid JSON: {}", simdjson::error_message(code));
        }
      }
    }
    return nullptr;
  }
  TreeBuilder b(name, digest == Digest::kCompute ? Sha256Hex(text) : "", /*utf8_checked=*/true);
  Convert(root, b);
  return b.Finish(error, TreeBuilder::Root::kAny);
}

}  // namespace relgate::facts
