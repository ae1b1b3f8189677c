// A small JSON writer for reports, histories, envelopes and statements: keys in the order
// written, commas placed for the caller, strings escaped per RFC 8259. Deterministic by
// construction. In base/ so that every layer that writes JSON can.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace relgate {

// JSON string literal for `text` (quotes included), escaping per RFC 8259.
[[nodiscard]] std::string JsonQuote(std::string_view text);

class JsonWriter {
 public:
  void Open(char c) {
    Comma();
    out_ += c;
    first_ = true;
  }

  void Close(char c) {
    out_ += c;
    first_ = false;
  }

  void Key(std::string_view key) {
    Comma();
    out_ += JsonQuote(key);
    out_ += ':';
    first_ = true;
  }

  void String(std::string_view value) {
    Comma();
    out_ += JsonQuote(value);
  }

  void Raw(std::string_view value) {
    Comma();
    out_ += value;
  }

  void Field(std::string_view key, std::string_view value) {
    Key(key);
    String(value);
  }

  void Bool(std::string_view key, bool value) {
    Key(key);
    Raw(value ? "true" : "false");
  }

  void Int(std::string_view key, int64_t value) {
    Key(key);
    const fmt::format_int text(value);
    Raw({text.data(), text.size()});
  }

  // The document alone, as a message or an embedded value wants it.
  std::string Take() { return std::move(out_); }

  // The document and a newline, as a file or a terminal wants it.
  std::string TakeLine() {
    out_ += '\n';
    return std::move(out_);
  }

 private:
  void Comma() {
    if (!first_)
      out_ += ',';
    first_ = false;
  }

  std::string out_;
  bool first_ = true;
};

}  // namespace relgate
