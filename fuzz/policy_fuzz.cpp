// The policy front end on arbitrary text: parse, check and compile must never crash,
// hang or recurse without bound, whatever a pull request puts in a .gate file.
#include "engine/relgate.h"
#include "fuzz/fuzz_main.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  relgate::SourceMap sources;
  relgate::DiagnosticSink sink;
  auto program =
      relgate::CompilePolicyText("fuzz.gate", text, relgate::check::Stdlib(), sources, sink);
  (void)relgate::RenderAll(sink, sources);
  return 0;
}
