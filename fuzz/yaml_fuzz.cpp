// The YAML facts loader on arbitrary bytes (aliases, tags, deep nesting, bad UTF-8): an
// error or a document, never a crash. And a document it reads, written as JSON, reads
// back as the same document.
#include "engine/facts/facts.h"
#include "fuzz/fuzz_main.h"
#include "fuzz/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  relgate::facts::LoadError error;
  auto doc = relgate::facts::ParseYaml(std::string_view(reinterpret_cast<const char*>(data), size),
                                       "fuzz.yaml", error);
  (void)error.ToString();
  if (doc)
    relgate::fuzz::RequireFactsRoundTrip(*doc, "YAML facts written as JSON read back the same");
  return 0;
}
