// The JSON facts loader on arbitrary bytes.
#include "engine/facts/facts.h"
#include "fuzz/fuzz_main.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  relgate::facts::LoadError error;
  auto doc = relgate::facts::ParseJson(std::string_view(reinterpret_cast<const char*>(data), size),
                                       "fuzz.json", error);
  (void)doc;
  (void)error.ToString();
  return 0;
}
