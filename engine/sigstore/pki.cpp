#include "engine/sigstore/internal/pki.h"

#include <fmt/format.h>
#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "engine/sigstore/internal/crypto.h"

namespace relgate::sigstore::internal {
namespace {

struct StoreFree {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};

struct StoreCtxFree {
  void operator()(X509_STORE_CTX* ctx) const { X509_STORE_CTX_free(ctx); }
};

struct StackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_pop_free(stack, X509_free); }
};

struct SctListFree {
  void operator()(STACK_OF(SCT) * list) const { SCT_LIST_free(list); }
};

struct RespFree {
  void operator()(TS_RESP* resp) const { TS_RESP_free(resp); }
};

struct Pkcs7Free {
  void operator()(PKCS7* p7) const { PKCS7_free(p7); }
};

struct TstInfoFree {
  void operator()(TS_TST_INFO* info) const { TS_TST_INFO_free(info); }
};

struct VerifyCtxFree {
  void operator()(TS_VERIFY_CTX* ctx) const { TS_VERIFY_CTX_free(ctx); }
};

// A store trusting every certificate of a trusted root's `chain` (all of it is trusted
// material: a chain may end at any of them, and the root's own signatures over its
// intermediates need not be checked again for every bundle), checking validity at
// `seconds`.
X509_STORE* TrustStore(const std::vector<CertPtr>& chain, int64_t seconds) {
  X509_STORE* store = X509_STORE_new();
  for (const CertPtr& cert : chain) {
    if (cert != nullptr)
      X509_STORE_add_cert(store, cert.get());
  }
  X509_VERIFY_PARAM* param = X509_STORE_get0_param(store);
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(seconds));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  return store;
}

STACK_OF(X509) * Untrusted(const std::vector<CertPtr>& chain, const std::vector<CertPtr>& extra) {
  STACK_OF(X509)* stack = sk_X509_new_null();
  for (size_t k = 0; k + 1 < chain.size(); ++k) {
    X509_up_ref(chain[k].get());
    sk_X509_push(stack, chain[k].get());
  }
  for (const CertPtr& cert : extra) {
    X509_up_ref(cert.get());
    sk_X509_push(stack, cert.get());
  }
  return stack;
}

void PutUint(std::string& out, uint64_t value, int bytes) {
  for (int k = bytes - 1; k >= 0; --k)
    out += static_cast<char>((value >> (8 * k)) & 0xFF);
}

}  // namespace

std::string VerifyChain(X509* leaf, const std::vector<CertPtr>& intermediates,
                        const CertificateAuthority& ca, int64_t time, CertPtr& issuer) {
  const int64_t seconds = time / 1'000'000'000;
  const std::vector<CertPtr>& chain_certs = ca.chain.certs();
  std::unique_ptr<X509_STORE, StoreFree> store(TrustStore(chain_certs, seconds));
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(Untrusted({}, intermediates));
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1)
    return OpensslError();
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(seconds));
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_verify_cert(ctx.get()) != 1) {
    return fmt::format("it does not chain to {} at the signing time: {}", ca.uri,
                       X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  if (sk_X509_num(chain) < 2)
    return "the chain has no issuer";
  X509* signer = sk_X509_value(chain, 1);
  X509_up_ref(signer);
  issuer.reset(signer);
  if ((X509_get_extension_flags(leaf) & EXFLAG_XKUSAGE) == 0 ||
      (X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN) == 0)
    return "the certificate is not a code-signing certificate (no codeSigning extended key usage)";
  if ((X509_get_extension_flags(leaf) & EXFLAG_CA) != 0)
    return "the signing certificate is a CA certificate";
  return "";
}

std::string VerifySct(X509* leaf, X509* issuer, const std::vector<LogKey>& ctlogs) {
  std::unique_ptr<STACK_OF(SCT), SctListFree> scts(
      static_cast<STACK_OF(SCT)*>(X509_get_ext_d2i(leaf, NID_ct_precert_scts, nullptr, nullptr)));
  if (scts == nullptr || sk_SCT_num(scts.get()) == 0)
    return "the certificate carries no signed certificate timestamp (SCT)";
  // What the CT log signed: the certificate as a precertificate (without its SCT list),
  // with the issuer's key hash. The SCT extension is taken out of the certificate for the
  // encoding and put back where it was (a copy would decode its key again, which costs more
  // than the SCT's signature).
  const int at = X509_get_ext_by_NID(leaf, NID_ct_precert_scts, -1);
  X509_EXTENSION* taken = X509_delete_ext(leaf, at);
  unsigned char* tbs = nullptr;
  const int tbs_size = i2d_re_X509_tbs(leaf, &tbs);
  X509_add_ext(leaf, taken, at);
  X509_EXTENSION_free(taken);
  if (tbs_size <= 0)
    return "cannot encode the certificate for its SCT";
  const std::string tbs_der(reinterpret_cast<char*>(tbs), static_cast<size_t>(tbs_size));
  OPENSSL_free(tbs);
  const std::string issuer_key_hash = Sha256(DerOfCertificateKey(issuer));
  std::string seen;
  for (int k = 0; k < sk_SCT_num(scts.get()); ++k) {
    SCT* sct = sk_SCT_value(scts.get(), k);
    unsigned char* id = nullptr;
    const size_t id_size = SCT_get0_log_id(sct, &id);
    const std::string log_id(reinterpret_cast<char*>(id), id_size);
    const LogKey* log = nullptr;
    for (const LogKey& candidate : ctlogs) {
      if (candidate.log_id == log_id)
        log = &candidate;
    }
    if (log == nullptr || SCT_get_version(sct) != SCT_VERSION_V1)
      continue;
    const uint64_t millis = SCT_get_timestamp(sct);
    unsigned char* ext = nullptr;
    const size_t ext_size = SCT_get0_extensions(sct, &ext);
    unsigned char* sig = nullptr;
    const size_t sig_size = SCT_get0_signature(sct, &sig);
    std::string data;
    PutUint(data, 0, 1);  // v1
    PutUint(data, 0, 1);  // certificate_timestamp
    PutUint(data, millis, 8);
    PutUint(data, 1, 2);  // precert_entry
    data += issuer_key_hash;
    PutUint(data, tbs_der.size(), 3);
    data += tbs_der;
    PutUint(data, ext_size, 2);
    data.append(reinterpret_cast<char*>(ext), ext_size);
    if (!log->valid.Contains(static_cast<int64_t>(millis) * 1'000'000)) {
      seen = "its SCT was issued outside its CT log's trusted window";
      continue;
    }
    if (VerifyMessage(log->key.get(), data,
                      std::string_view(reinterpret_cast<char*>(sig), sig_size)))
      return "";
    seen = "its SCT's signature does not verify with the CT log's key";
  }
  return seen.empty() ? "none of its SCTs is from a CT log of the trusted root" : seen;
}

int64_t VerifyTimestamp(std::string_view der, std::string_view signature,
                        const std::vector<TimestampAuthority>& authorities, std::string& problem) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<TS_RESP, RespFree> resp(d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size())));
  std::unique_ptr<PKCS7, Pkcs7Free> bare;
  PKCS7* token = nullptr;
  if (resp != nullptr) {
    token = TS_RESP_get_token(resp.get());
  } else {
    p = reinterpret_cast<const unsigned char*>(der.data());
    bare.reset(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
    token = bare.get();
  }
  std::unique_ptr<TS_TST_INFO, TstInfoFree> info(token != nullptr ? PKCS7_to_TS_TST_INFO(token)
                                                                  : nullptr);
  ERR_clear_error();  // a response that is not one, before the token is tried
  if (info == nullptr) {
    problem = "the RFC 3161 timestamp cannot be read";
    return -1;
  }
  const int64_t time = TimeOf(TS_TST_INFO_get_time(info.get()));
  problem = "the RFC 3161 timestamp is from no timestamp authority of the trusted root";
  for (const TimestampAuthority& tsa : authorities) {
    if (!tsa.valid.Contains(time))
      continue;
    std::unique_ptr<TS_VERIFY_CTX, VerifyCtxFree> ctx(TS_VERIFY_CTX_new());
    TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_SIGNATURE | TS_VFY_DATA);
    TS_VERIFY_CTX_set_data(ctx.get(),
                           BIO_new_mem_buf(signature.data(), static_cast<int>(signature.size())));
    TS_VERIFY_CTX_set_store(ctx.get(), TrustStore(tsa.chain.certs(), time / 1'000'000'000));
    TS_VERIFY_CTX_set_certs(ctx.get(), Untrusted(tsa.chain.certs(), {}));
    const int ok = resp != nullptr ? TS_RESP_verify_response(ctx.get(), resp.get())
                                   : TS_RESP_verify_token(ctx.get(), token);
    if (ok == 1)
      return time;
    problem = fmt::format("the RFC 3161 timestamp does not verify against {}: {}", tsa.uri,
                          OpensslError());
  }
  return -1;
}

}  // namespace relgate::sigstore::internal
