// The YAML facts loader on arbitrary bytes (aliases, tags, deep nesting, bad UTF-8).
#include "engine/facts/facts.h"
#include "fuzz/fuzz_main.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  relgate::facts::LoadError error;
  auto doc = relgate::facts::ParseYaml(std::string_view(reinterpret_cast<const char*>(data), size),
                                       "fuzz.yaml", error);
  (void)doc;
  (void)error.ToString();
  return 0;
}
