// The X.509 side of verification (internal to engine/sigstore): a signing certificate
// chained to a certificate authority at a point in time, its embedded SCTs checked against
// CT log keys, and RFC 3161 timestamps checked against timestamp authorities. OpenSSL
// builds and checks the chains and parses every structure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/sigstore/trust_root.h"

namespace relgate::sigstore::internal {

// "" when `leaf` (with the bundle's own intermediates) chains to `ca` at `time` (ns) and is
// a code-signing certificate; `issuer` is then the certificate that signed it.
[[nodiscard]] std::string VerifyChain(X509* leaf, const std::vector<CertPtr>& intermediates,
                                      const CertificateAuthority& ca, int64_t time,
                                      CertPtr& issuer);

// "" when at least one SCT embedded in `leaf` verifies with a CT log of `ctlogs` that was
// trusted when the SCT was issued.
[[nodiscard]] std::string VerifySct(X509* leaf, X509* issuer, const std::vector<LogKey>& ctlogs);

// The time (ns) of an RFC 3161 timestamp (`der`: a TimeStampResp or a bare token) over
// `signature`, when it verifies against one of `authorities` trusted at that time; else
// -1 with `problem`.
[[nodiscard]] int64_t VerifyTimestamp(std::string_view der, std::string_view signature,
                                      const std::vector<TimestampAuthority>& authorities,
                                      std::string& problem);

}  // namespace relgate::sigstore::internal
