// Helpers for tests: compile policy text, evaluate it over YAML facts, read files.
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "engine/base/time.h"
#include "engine/relgate.h"

namespace relgate::testing {

struct Compiled {
  SourceMap sources;
  DiagnosticSink sink;
  std::unique_ptr<compile::Program> program;
  std::string diagnostics;  // rendered, without colour

  bool HasCode(const std::string& code) const {
    for (const Diagnostic& d : sink.diagnostics()) {
      if (d.code == code)
        return true;
    }
    return false;
  }
};

inline std::unique_ptr<Compiled> CompileSource(const std::string& text,
                                               compile::CompileOptions options = {}) {
  auto c = std::make_unique<Compiled>();
  c->program = CompilePolicyText("test.gate", text, check::Stdlib(), c->sources, c->sink, options);
  c->diagnostics = RenderAll(c->sink, c->sources);
  return c;
}

inline int64_t Time(const char* text) {
  return ParseRfc3339(text).value();
}

// Evaluates `program` over one YAML (or JSON) document.
inline eval::Decision DecideText(const compile::Program& program, const std::string& facts_text,
                                 int64_t now = Time("2026-06-01T00:00:00Z"),
                                 std::vector<eval::OverrideRequest> overrides = {}) {
  facts::LoadError error;
  auto doc = facts::ParseDocument(facts_text, "facts.yaml", facts::Format::kAuto, error);
  if (!doc)
    throw std::runtime_error("bad test facts: " + error.ToString());
  facts::FactSet set;
  if (!set.Add(std::move(doc), error))
    throw std::runtime_error(error.ToString());
  eval::EvalOptions options;
  options.now = now;
  options.overrides = std::move(overrides);
  return Decide(program, set, options);
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline std::string SourceDir() {
  return RELGATE_SOURCE_DIR;
}

}  // namespace relgate::testing
