// Every importer (engine/import/) on arbitrary bytes: an error or a document, never a
// crash, a hang or unbounded memory. And each document an importer makes, written as
// `relgate import` prints it, reads back as the same document; an importer decides the
// same twice.
#include "engine/import/importer.h"
#include "fuzz/fuzz_main.h"
#include "fuzz/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const relgate::import::Kind& kind : relgate::import::Kinds()) {
    relgate::facts::LoadError error;
    if (kind.import == nullptr)
      continue;
    auto doc = kind.import(bytes, "fuzz-input", error);
    (void)error.ToString();
    if (!doc)
      continue;
    relgate::fuzz::RequireFactsRoundTrip(*doc, "imported facts written as JSON read back the same");
    relgate::facts::LoadError again_error;
    auto again = kind.import(bytes, "fuzz-input", again_error);
    relgate::fuzz::Require(
        again != nullptr && relgate::import::FactsJson(*again) == relgate::import::FactsJson(*doc),
        "an importer decides the same twice");
  }
  return 0;
}
