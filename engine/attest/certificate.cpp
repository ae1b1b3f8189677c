#include "engine/attest/certificate.h"

#include <ctime>
#include <memory>

#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace relgate::attest {
namespace {

struct FreeX509 {
  void operator()(X509* x) const { X509_free(x); }
};

std::string AsnString(const ASN1_STRING* s) {
  return s == nullptr ? ""
                      : std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                    static_cast<size_t>(ASN1_STRING_length(s)));
}

// The value of Fulcio's extension 1.3.6.1.4.1.57264.1.<arc>. The first ones (.1-.6) hold
// the raw string; the later ones a DER UTF8String.
std::string FulcioClaim(X509* cert, int arc) {
  const std::string oid = fmt::format("1.3.6.1.4.1.57264.1.{}", arc);
  ASN1_OBJECT* obj = OBJ_txt2obj(oid.c_str(), /*no_name=*/1);
  if (obj == nullptr)
    return "";
  const int index = X509_get_ext_by_OBJ(cert, obj, -1);
  ASN1_OBJECT_free(obj);
  if (index < 0)
    return "";
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, index));
  if (arc <= 6)
    return AsnString(data);
  const unsigned char* p = ASN1_STRING_get0_data(data);
  ASN1_UTF8STRING* text = d2i_ASN1_UTF8STRING(nullptr, &p, ASN1_STRING_length(data));
  if (text == nullptr)
    return "";
  std::string value = AsnString(text);
  ASN1_UTF8STRING_free(text);
  return value;
}

std::string Rfc3339(const ASN1_TIME* t) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1)
    return "";
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace

bool ReadCertificateSigner(std::string_view der, CertificateSigner& signer, std::string& error) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, FreeX509> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) {
    error = "not a DER X.509 certificate";
    return false;
  }
  ReadCertificateSigner(cert.get(), signer);
  return true;
}

void ReadCertificateSigner(X509* cert, CertificateSigner& signer) {
  if (auto* names = static_cast<GENERAL_NAMES*>(
          X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))) {
    for (int k = 0; k < sk_GENERAL_NAME_num(names) && signer.identity.empty(); ++k) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, k);
      if (name->type == GEN_URI)
        signer.identity = AsnString(name->d.uniformResourceIdentifier);
      else if (name->type == GEN_EMAIL)
        signer.identity = AsnString(name->d.rfc822Name);
    }
    GENERAL_NAMES_free(names);
  }
  signer.issuer = FulcioClaim(cert, 8);
  if (signer.issuer.empty())
    signer.issuer = FulcioClaim(cert, 1);
  signer.build_signer_uri = FulcioClaim(cert, 9);
  signer.runner_environment = FulcioClaim(cert, 11);
  signer.source_repository = FulcioClaim(cert, 12);
  signer.source_commit = FulcioClaim(cert, 13);
  signer.source_ref = FulcioClaim(cert, 14);
  signer.trigger = FulcioClaim(cert, 20);
  signer.run_uri = FulcioClaim(cert, 21);
  signer.not_before = Rfc3339(X509_get0_notBefore(cert));
  signer.not_after = Rfc3339(X509_get0_notAfter(cert));
}

}  // namespace relgate::attest
