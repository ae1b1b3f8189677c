// Every importer (engine/import/) on arbitrary bytes: an error or a document, never a
// crash, a hang or unbounded memory.
#include "engine/import/importer.h"
#include "fuzz/fuzz_main.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const relgate::import::Kind& kind : relgate::import::Kinds()) {
    relgate::facts::LoadError error;
    if (kind.import == nullptr)
      continue;
    auto doc = kind.import(bytes, "fuzz-input", error);
    (void)doc;
    (void)error.ToString();
  }
  return 0;
}
