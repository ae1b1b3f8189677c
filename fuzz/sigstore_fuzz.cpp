// Sigstore bundles and trusted roots on arbitrary bytes (engine/sigstore): reading and
// verifying never crash or hang. And for every input: verification decides the same twice
// (the same check, the same problem), and a bundle that verifies has a signing time and
// names the trusted root that verified it.
#include "engine/sigstore/bundle.h"
#include "engine/sigstore/trust_root.h"
#include "engine/sigstore/verify.h"
#include "fuzz/fuzz_main.h"
#include "fuzz/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string error;
  (void)relgate::sigstore::ParseTrustedRoot(bytes, "fuzz", error);
  relgate::facts::LoadError load;
  auto doc = relgate::facts::ParseJson(bytes, "fuzz", load, relgate::facts::Digest::kSkip);
  if (!doc)
    return 0;
  const auto roots = relgate::sigstore::ActiveTrustedRoots();
  for (const bool pep740 : {false, true}) {
    relgate::sigstore::Bundle bundle;
    if (!(pep740 ? relgate::sigstore::ReadPep740(doc->root(), bundle, error)
                 : relgate::sigstore::ReadBundle(doc->root(), bundle, error)))
      continue;
    relgate::sigstore::Expected expected;
    const auto first = relgate::sigstore::VerifyBundle(bundle, expected, roots);
    const auto second = relgate::sigstore::VerifyBundle(bundle, expected, roots);
    relgate::fuzz::Require(
        first.ok == second.ok && first.check == second.check && first.problem == second.problem,
        "a bundle's verification decides the same twice");
    relgate::fuzz::Require(!first.ok || (first.signing_time > 0 && !first.trusted_root.empty()),
                           "a verified bundle has a signing time and a trusted root");
  }
  return 0;
}
