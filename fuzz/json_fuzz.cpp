// The JSON facts loader on arbitrary bytes: an error or a document, never a crash. And a
// document it reads, written as JSON (what `relgate import` prints), reads back as the
// same document. Replay's in-place reader never calls a document strictly readable that
// the loader refuses: a replay explains such a release in place instead of the loader.
#include "engine/eval/bind.h"
#include "engine/facts/facts.h"
#include "fuzz/fuzz_main.h"
#include "fuzz/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  relgate::facts::LoadError error;
  auto doc = relgate::facts::ParseJson(text, "fuzz.json", error);
  (void)error.ToString();
  if (doc)
    relgate::fuzz::RequireFactsRoundTrip(*doc, "JSON facts written as JSON read back the same");
  thread_local relgate::eval::JsonFacts in_place;
  if (in_place.Parse(std::string(text)) && in_place.StrictlyReadable())
    relgate::fuzz::Require(doc != nullptr,
                           "a document read strictly in place is one the facts loader reads");
  return 0;
}
