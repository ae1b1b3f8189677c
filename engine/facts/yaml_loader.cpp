// YAML facts via yaml-cpp, walked into the facts tree. yaml-cpp keeps duplicate keys
// (and answers lookups with the first), treats every scalar as text and shares aliased
// nodes, so this walk resolves plain scalars by the YAML 1.2 core schema, rejects
// duplicate keys, NaN/Infinity and out-of-range integers, and counts values after alias
// expansion so that a "billion laughs" document fails fast instead of exhausting memory.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "engine/base/digest.h"
#include "engine/base/limits.h"
#include "engine/base/utf8.h"
#include "engine/facts/facts.h"
#include "engine/facts/internal_tree.h"
#include "engine/facts/tree_builder.h"

namespace relgate::facts {
namespace {

bool IsDecimalInt(std::string_view s) {
  size_t k = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (k == s.size())
    return false;
  for (; k < s.size(); ++k) {
    if (s[k] < '0' || s[k] > '9')
      return false;
  }
  return true;
}

bool IsFloat(std::string_view s) {
  // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
  size_t k = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  size_t digits = 0;
  while (k < s.size() && s[k] >= '0' && s[k] <= '9')
    ++k, ++digits;
  if (k < s.size() && s[k] == '.') {
    ++k;
    while (k < s.size() && s[k] >= '0' && s[k] <= '9')
      ++k, ++digits;
  }
  if (digits == 0)
    return false;
  if (k < s.size() && (s[k] == 'e' || s[k] == 'E')) {
    ++k;
    if (k < s.size() && (s[k] == '-' || s[k] == '+'))
      ++k;
    const size_t start = k;
    while (k < s.size() && s[k] >= '0' && s[k] <= '9')
      ++k;
    if (k == start)
      return false;
  }
  return k == s.size();
}

bool IsSpecialFloat(std::string_view s) {
  static const char* kSpecial[] = {".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF",
                                   "-.inf", "-.Inf", "-.INF", ".nan",  ".NaN",  ".NAN"};
  for (const char* special : kSpecial) {
    if (s == special)
      return true;
  }
  return false;
}

// yaml-cpp decodes the escapes `\N` (U+0085) and `\_` (U+00A0) of a double-quoted scalar
// to the single bytes 0x85 and 0xA0, not to UTF-8. The text was checked to be valid UTF-8
// before parsing, so a byte that is not valid UTF-8 where it stands can only come from
// those escapes: encode it as the character YAML means.
std::string Utf8Escapes(const std::string& scalar) {
  if (FirstInvalidUtf8(scalar) == std::string_view::npos)
    return scalar;
  std::string out;
  std::string_view rest(scalar);
  while (!rest.empty()) {
    const size_t bad = FirstInvalidUtf8(rest);
    if (bad == std::string_view::npos) {
      out += rest;
      break;
    }
    out += rest.substr(0, bad);
    const auto byte = static_cast<unsigned char>(rest[bad]);
    if (byte == 0x85 || byte == 0xA0) {
      out += '\xC2';
      out += static_cast<char>(byte);
    } else {
      out += static_cast<char>(byte);  // left for the builder to refuse
    }
    rest.remove_prefix(bad + 1);
  }
  return out;
}

// Sees a document's events without building it (so aliases cost nothing here).
class DocumentCounter : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++starts_ == 2)
      second_ = mark;
    starts_at_.push_back(mark);
  }

  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}

  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}

  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}

  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}

  void OnSequenceEnd() override {}

  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}

  void OnMapEnd() override {}

  const YAML::Mark& second() const { return second_; }

  const std::vector<YAML::Mark>& starts() const { return starts_at_; }

 private:
  std::vector<YAML::Mark> starts_at_;
  int starts_ = 0;
  YAML::Mark second_ = YAML::Mark::null_mark();
};

// Documents in the stream, counting to two at most: one is all a facts file may hold.
// A second pass over the text (YAML::Load builds the first document and says nothing of
// what follows, and yaml-cpp also starts a new document without a `---` after some
// malformed content, so a marker scan would not do); it doubles YAML loading time, which
// correctness is worth here: JSON facts skip it. (Not YAML::LoadAll, which on some malformed
// streams reports empty documents without end and grows memory until killed; found by the yaml fuzz
// target.)
size_t CountDocuments(std::string_view text, YAML::Mark& second) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentCounter counter;
  size_t documents = 0;
  while (documents < 2 && parser.HandleNextDocument(counter))
    ++documents;
  second = counter.second();
  return documents;
}

bool IsCoreScalarTag(const std::string& tag) {
  return tag == "tag:yaml.org,2002:str" || tag == "tag:yaml.org,2002:int" ||
         tag == "tag:yaml.org,2002:float" || tag == "tag:yaml.org,2002:bool" ||
         tag == "tag:yaml.org,2002:null";
}

// yaml-cpp's node graph into the facts tree, through the TreeBuilder every loader and
// importer uses. The walker resolves scalars by the YAML 1.2 core schema and reports
// errors at the YAML node's line and column, with the builder's fact path.
class Walker {
 public:
  explicit Walker(TreeBuilder& b, LoadError& error) : b_(b), error_(error) {}

  bool Fail(const YAML::Node& node, std::string message) {
    const YAML::Mark mark = node.Mark();
    if (mark.line >= 0) {
      error_.line = static_cast<uint32_t>(mark.line + 1);
      error_.column = static_cast<uint32_t>(mark.column + 1);
    }
    b_.Fail(std::move(message));
    return false;
  }

  bool Scalar(const YAML::Node& node) {
    const std::string text = Utf8Escapes(node.Scalar());
    const std::string& tag = node.Tag();
    auto set_string = [&]() {
      b_.String(text);
      return !b_.failed() || Fail(node, "");
    };
    if (tag == "!" || tag == "tag:yaml.org,2002:str")
      return set_string();
    if (tag != "?" && tag.rfind("tag:yaml.org,2002:", 0) != 0) {
      return Fail(node, fmt::format("unsupported YAML tag `{}`", tag));
    }
    if (tag != "?" && !IsCoreScalarTag(tag)) {
      // !!binary, !!timestamp and the like: YAML 1.1 types facts have no place for.
      return Fail(node, fmt::format("the YAML tag `!!{}` is not supported in facts; write the "
                                    "value as a plain string (base64 text, an RFC 3339 time)",
                                    tag.substr(18)));
    }
    // Plain scalar (or a core-schema tag): resolve by the YAML 1.2 core schema.
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
      b_.Null();
      return true;
    }
    if (text == "true" || text == "True" || text == "TRUE" || text == "false" || text == "False" ||
        text == "FALSE") {
      b_.Bool(text[0] == 't' || text[0] == 'T');
      return true;
    }
    const bool hex = text.size() > 2 && text[0] == '0' && text[1] == 'x' &&
                     text.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos;
    const bool octal = text.size() > 2 && text[0] == '0' && text[1] == 'o' &&
                       text.find_first_not_of("01234567", 2) == std::string::npos;
    if (IsDecimalInt(text) || hex || octal) {
      errno = 0;
      const int base = hex ? 16 : octal ? 8 : 10;
      const char* start = text.c_str() + (hex || octal ? 2 : 0);
      char* end = nullptr;
      const long long value = std::strtoll(start, &end, base);
      if (errno == ERANGE) {
        return Fail(
            node,
            fmt::format("integer {} is out of range (facts integers are 64-bit signed)", text));
      }
      b_.Int(value);
      return true;
    }
    if (IsSpecialFloat(text)) {
      return Fail(node, fmt::format("`{}` (NaN or Infinity) is not allowed in facts", text));
    }
    if (IsFloat(text)) {
      const double value = std::strtod(text.c_str(), nullptr);
      if (!std::isfinite(value))
        return Fail(node, fmt::format("number {} is out of range", text));
      b_.Float(value);
      return true;
    }
    if (tag != "?" && tag != "tag:yaml.org,2002:str") {
      return Fail(node, fmt::format("`{}` does not match its tag `{}`", text, tag));
    }
    return set_string();
  }

  bool Walk(const YAML::Node& node, size_t depth) {
    // Counted here too, for the message: aliases expand, and say so.
    if (++nodes_ > limits::kMaxFactsNodes) {
      return Fail(node, fmt::format("document expands to more than {} values (YAML aliases are "
                                    "counted each time they are used)",
                                    limits::kMaxFactsNodes));
    }
    const bool container =
        node.Type() == YAML::NodeType::Sequence || node.Type() == YAML::NodeType::Map;
    if (depth > limits::kMaxFactsDepth || (container && depth >= limits::kMaxFactsDepth)) {
      // yaml-cpp turns `a: &x [*x]` into a cyclic graph; say so rather than "too deep".
      for (size_t k = 0; k < stack_.size(); ++k) {
        for (size_t j = k + 1; j < stack_.size(); ++j) {
          if (stack_[k].is(stack_[j]))
            return Fail(node, "a YAML alias refers to itself (a cycle)");
        }
      }
      return Fail(node,
                  fmt::format("nested deeper than the limit of {} levels", limits::kMaxFactsDepth));
    }

    struct StackGuard {
      std::vector<YAML::Node>& stack;

      StackGuard(std::vector<YAML::Node>& s, const YAML::Node& n) : stack(s) { stack.push_back(n); }

      ~StackGuard() { stack.pop_back(); }
    } guard(stack_, node);

    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: b_.Null(); return true;
      case YAML::NodeType::Scalar: return Scalar(node);
      case YAML::NodeType::Sequence: {
        b_.BeginArray(node.size());
        for (const YAML::Node& item : node) {
          if (!Walk(item, depth + 1))
            return false;
        }
        b_.EndArray();
        return !b_.failed() || Fail(node, "");
      }
      case YAML::NodeType::Map: {
        b_.BeginObject(node.size());
        for (const auto& pair : node) {
          if (!pair.first.IsScalar())
            return Fail(pair.first, "mapping keys must be scalars");
          if (pair.first.Scalar() == "<<" && pair.first.Tag() == "?") {
            // yaml-cpp would keep `<<` as an ordinary key, and the merged keys would be
            // silently missing from the facts.
            return Fail(pair.first,
                        "YAML merge keys (`<<`) are not supported in facts; write the keys out");
          }
          b_.Key(Utf8Escapes(pair.first.Scalar()));
          if (b_.failed())
            return Fail(pair.first, "");
          if (!Walk(pair.second, depth + 1))
            return false;
        }
        b_.EndObject();
        if (!b_.failed())
          return true;
        // A repeated key: point at its second occurrence.
        int seen = 0;
        for (const auto& pair : node) {
          if (pair.first.Scalar() == b_.duplicate_key() && ++seen == 2)
            return Fail(pair.first, "");
        }
        return Fail(node, "");
      }
    }
    return Fail(node, "unsupported YAML node");
  }

 private:
  TreeBuilder& b_;
  LoadError& error_;
  size_t nodes_ = 0;
  std::vector<YAML::Node> stack_;  // the nodes being walked, outermost first
};

}  // namespace

std::vector<std::unique_ptr<Document>> ParseYamlDocuments(std::string_view text,
                                                          const std::string& name,
                                                          size_t max_documents, LoadError& error) {
  error.file = name;
  std::vector<std::unique_ptr<Document>> out;
  if (text.size() > limits::kMaxFactsBytes) {
    error.message =
        fmt::format("document is larger than the limit of {} bytes", limits::kMaxFactsBytes);
    return out;
  }
  if (const size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    internal::SetLineColumn(text, bad, error);
    error.message = "invalid UTF-8";
    return out;
  }
  // Where each document starts (counting one past the limit, so a stream cannot make the
  // parser run on); then each is parsed alone, after blank lines that keep its line numbers.
  DocumentCounter counter;
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    size_t documents = 0;
    while (documents <= max_documents && parser.HandleNextDocument(counter))
      ++documents;
  } catch (const YAML::Exception& e) {
    if (!e.mark.is_null()) {
      error.line = static_cast<uint32_t>(e.mark.line + 1);
      error.column = static_cast<uint32_t>(e.mark.column + 1);
    }
    error.message = fmt::format("invalid YAML: {}", e.msg);
    return out;
  }
  const std::vector<YAML::Mark>& starts = counter.starts();
  if (starts.size() > max_documents) {
    error.line = static_cast<uint32_t>(starts[max_documents].line + 1);
    error.column = static_cast<uint32_t>(starts[max_documents].column + 1);
    error.message =
        fmt::format("expected at most {} YAML documents, but another starts here", max_documents);
    return out;
  }
  for (size_t k = 0; k < starts.size(); ++k) {
    const size_t begin =
        k == 0 ? 0 : static_cast<size_t>(starts[k].pos - starts[k].column);  // line start
    const size_t end = k + 1 < starts.size()
                           ? static_cast<size_t>(starts[k + 1].pos - starts[k + 1].column)
                           : text.size();
    const std::string padded = std::string(k == 0 ? 0 : static_cast<size_t>(starts[k].line), '\n') +
                               std::string(text.substr(begin, end - begin));
    auto doc = ParseYaml(padded, name, error, Digest::kSkip);
    if (!doc) {
      out.clear();
      return out;
    }
    out.push_back(std::move(doc));
  }
  return out;
}

std::unique_ptr<Document> ParseYaml(std::string_view text, const std::string& name,
                                    LoadError& error, Digest digest) {
  error.file = name;
  if (text.size() > limits::kMaxFactsBytes) {
    error.message =
        fmt::format("document is larger than the limit of {} bytes", limits::kMaxFactsBytes);
    return nullptr;
  }
  if (const size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    internal::SetLineColumn(text, bad, error);
    error.message = "invalid UTF-8";
    return nullptr;
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
    // A second document is refused, not ignored (and a malformed one after the first is
    // an error too): a facts file is one document, and what follows it must not be
    // silently dropped.
    YAML::Mark second;
    if (CountDocuments(text, second) > 1) {
      if (!second.is_null()) {
        error.line = static_cast<uint32_t>(second.line + 1);
        error.column = static_cast<uint32_t>(second.column + 1);
      }
      error.message =
          "a facts file holds one YAML document, but a second one starts here (a `---` "
          "marker, or content after the first document ends); split them into files or merge "
          "them";
      return nullptr;
    }
  } catch (const YAML::DeepRecursion& e) {
    error.line = static_cast<uint32_t>(e.mark.line + 1);
    error.column = static_cast<uint32_t>(e.mark.column + 1);
    error.message = "nested too deeply for the YAML parser";
    return nullptr;
  } catch (const YAML::Exception& e) {
    if (!e.mark.is_null()) {
      error.line = static_cast<uint32_t>(e.mark.line + 1);
      error.column = static_cast<uint32_t>(e.mark.column + 1);
    }
    error.message = fmt::format("invalid YAML: {}", e.msg);
    return nullptr;
  }
  // Strings are checked again by the builder: yaml-cpp's escapes (`"\uD800"`) can make
  // bytes the whole-text check above never saw.
  TreeBuilder b(name, digest == Digest::kCompute ? Sha256Hex(text) : "");
  Walker walker(b, error);
  try {
    walker.Walk(root, 0);
  } catch (const YAML::Exception& e) {
    error.message = fmt::format("invalid YAML: {}", e.msg);
    return nullptr;
  }
  const uint32_t line = error.line, column = error.column;
  auto doc = b.Finish(error, TreeBuilder::Root::kAny);
  if (!doc) {
    error.line = line;
    error.column = column;
  }
  return doc;
}

}  // namespace relgate::facts
