// Diagnostics: user mistakes (bad policy, bad facts, bad usage) reported with a span,
// collected many at a time, sorted, and rendered in the clang/rustc layout:
//
//   policies/release.gate:12:9: error: unknown fact `build.sigend`
//      12 |   when build.sigend and builder.hosted
//         |        ^~~~~~~~~~~~
//         = help: did you mean `build.signed`?
//
// Bugs are not diagnostics: they throw InternalError, caught only in cli/main.cpp.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/base/source.h"

namespace relgate {

enum class Severity { kError, kWarning, kNote };

struct Label {
  Span span;
  std::string text;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;      // stable id, e.g. "unknown-fact"; used in tests and docs
  Span span;             // primary span
  bool has_span = true;  // false for whole-file or command-line problems
  std::string message;   // one line, lowercase, no final period
  std::vector<Label> labels;
  std::string help;  // optional
};

// Collects diagnostics; stops accepting errors after a cap so that one broken file
// cannot produce thousands of cascading messages.
class DiagnosticSink {
 public:
  explicit DiagnosticSink(size_t max_errors = 50) : max_errors_(max_errors) {}

  void Report(Diagnostic diagnostic);
  void Error(std::string code, Span span, std::string message, std::string help = {});
  void Warning(std::string code, Span span, std::string message, std::string help = {});

  size_t error_count() const { return error_count_; }

  bool has_errors() const { return error_count_ > 0; }

  // Diagnostics sorted by (file, offset, severity); stable for equal keys.
  std::vector<Diagnostic> Sorted() const;

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  size_t max_errors_;
  size_t error_count_ = 0;
  bool capped_ = false;
  std::vector<Diagnostic> diagnostics_;
};

// Renders one diagnostic with its source line and a caret line (no trailing newline
// handling surprises: the result always ends in '\n').
[[nodiscard]] std::string Render(const Diagnostic& diagnostic, const SourceMap& sources,
                                 bool color = false);
[[nodiscard]] std::string RenderAll(const DiagnosticSink& sink, const SourceMap& sources,
                                    bool color = false);

// A bug in relgate itself. The command line prints it as an internal error and exits 2.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

#define RELGATE_CHECK(cond)                                                     \
  do {                                                                          \
    if (!(cond))                                                                \
      throw ::relgate::InternalError(                                           \
          fmt::format("check failed: {} at {}:{}", #cond, __FILE__, __LINE__)); \
  } while (false)

}  // namespace relgate
