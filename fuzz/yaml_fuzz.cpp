// The YAML facts loader on arbitrary bytes (aliases, tags, deep nesting, bad UTF-8): an
// error or a document, never a crash. And a document it reads, written as JSON, reads
// back as the same document. A stream of documents (pnpm 10's lockfiles) read as one
// document each, never more than asked for.
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
  relgate::facts::LoadError stream_error;
  auto docs = relgate::facts::ParseYamlDocuments(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml", 4, stream_error);
  (void)stream_error.ToString();
  relgate::fuzz::Require(docs.size() <= 4, "no more YAML documents than the limit");
  for (const auto& d : docs)
    relgate::fuzz::RequireFactsRoundTrip(*d, "each YAML document written as JSON reads back");
  return 0;
}
