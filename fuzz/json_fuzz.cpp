// The JSON facts loader on arbitrary bytes: an error or a document, never a crash. And a
// document it reads, written as JSON (what `relgate import` prints), reads back as the
// same document.
#include "engine/facts/facts.h"
#include "fuzz/fuzz_main.h"
#include "fuzz/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  relgate::facts::LoadError error;
  auto doc = relgate::facts::ParseJson(std::string_view(reinterpret_cast<const char*>(data), size),
                                       "fuzz.json", error);
  (void)error.ToString();
  if (doc)
    relgate::fuzz::RequireFactsRoundTrip(*doc, "JSON facts written as JSON read back the same");
  return 0;
}
