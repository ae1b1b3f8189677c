// The policy front end on arbitrary text: parse, check and compile never crash, hang or
// recurse without bound, whatever a pull request puts in a .gate file. And, for every
// input: a file that parses formats (relgate fmt) to the same syntax tree and comments,
// stably (FormatSourceChecked, what `fmt -w` writes); diagnostics render the same twice;
// a policy that compiles decides empty facts the same way twice, with a verdict that
// follows from its findings and errors, and a JSON decision that parses.
#include "engine/relgate.h"
#include "engine/report/report.h"
#include "engine/syntax/format.h"
#include "engine/syntax/parse.h"
#include "fuzz/fuzz_main.h"
#include "fuzz/properties.h"

namespace {

using relgate::fuzz::Require;

void CheckFormat(const std::string& text) {
  relgate::SourceMap sources;
  const relgate::FileId file = sources.Add("fuzz.gate", text);
  relgate::DiagnosticSink sink;
  relgate::syntax::IdAllocator ids;
  if (!relgate::syntax::ParseModule(sources, file, ids, sink))
    return;
  std::string problem;
  Require(relgate::syntax::FormatSourceChecked(text, problem).has_value(),
          "fmt keeps a parsed policy's syntax tree and comments, and is stable");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  CheckFormat(text);
  relgate::SourceMap sources;
  relgate::DiagnosticSink sink;
  auto program =
      relgate::CompilePolicyText("fuzz.gate", text, relgate::check::Stdlib(), sources, sink);
  Require(relgate::RenderAll(sink, sources) == relgate::RenderAll(sink, sources),
          "diagnostics render the same twice");
  if (!program)
    return 0;
  relgate::facts::FactSet empty;
  relgate::eval::EvalOptions options;
  options.now = 1'800'000'000LL * 1'000'000'000;
  const relgate::eval::Decision first = relgate::Decide(*program, empty, options);
  const relgate::eval::Decision second = relgate::Decide(*program, empty, options);
  relgate::fuzz::RequireConsistentVerdict(first);
  const std::string json = relgate::report::RenderJson(first);
  Require(json == relgate::report::RenderJson(second), "a decision is the same twice");
  relgate::fuzz::RequireJson(json, "the JSON decision parses");
  return 0;
}
