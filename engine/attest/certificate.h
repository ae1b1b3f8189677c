// The signer of a keyless (Sigstore/Fulcio) signature, read from its X.509 certificate:
// the identity in the Subject Alternative Name and the claims Fulcio copies from the
// OIDC token into its own extensions (OID arc 1.3.6.1.4.1.57264.1). Offline, the
// certificate chain, its validity at signing time and the transparency log entry are not
// checked: these say who the certificate names, not that the signature is theirs.
#pragma once

#include <string>
#include <string_view>

typedef struct x509_st X509;

namespace relgate::attest {

struct CertificateSigner {
  std::string identity;               // SAN: a URI (a workflow) or an e-mail address
  std::string issuer;                 // the OIDC issuer (.1.8, else the older .1.1)
  std::string build_signer_uri;       // .1.9: the workflow that signed
  std::string runner_environment;     // .1.11: github-hosted / self-hosted
  std::string source_repository;      // .1.12
  std::string source_commit;          // .1.13
  std::string source_ref;             // .1.14
  std::string trigger;                // .1.20: the event that started the build
  std::string run_uri;                // .1.21
  std::string not_before, not_after;  // RFC 3339, UTC
};

// Reads the DER certificate `der`; false with `error` when it is not one.
[[nodiscard]] bool ReadCertificateSigner(std::string_view der, CertificateSigner& signer,
                                         std::string& error);
// The same, from a certificate already parsed.
void ReadCertificateSigner(X509* cert, CertificateSigner& signer);

}  // namespace relgate::attest
