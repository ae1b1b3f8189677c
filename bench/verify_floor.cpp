// The yardstick for a gate that imports one keyless bundle, as a whole process: only the
// OpenSSL work such a gate cannot skip, written directly — decode the signing certificate,
// the Fulcio intermediate and root it chains to, and two log keys (Rekor's and the CT
// log's); verify the certificate's signature with the intermediate's key (ECDSA P-384),
// and four ECDSA P-256 signatures (the DSSE signature, the SCT, the signed entry
// timestamp, the checkpoint; here one fixed test vector, four times). OpenSSL is set up as
// the relgate command sets it up. bench/verify_floor.sh runs it beside `relgate import`.
//
// Usage: relgate_verify_floor LEAF.der INTERMEDIATE.der ROOT.der; exit 0 when all verify.
#include <fstream>
#include <sstream>
#include <string>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "engine/base/crypto_process.h"

namespace {

// A P-256 key, and its signature (SHA-256) over 1,024 bytes of 'm'.
constexpr const char* kKeyHex =
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004371c7d0e282cd5c217de42ceaa0296d020fb"
    "20c4037dba597ed02d755c3dfa6b961ef34d2730b2f176c7944cc36c9f29822ef92cfec5f668ba32c49f756a0d"
    "fd";
constexpr const char* kSignatureHex =
    "3045022023b29f8cd86d0e3dbf2257dde20165b6fc3ca8310636e6d62bcce5f98d193699022100a037b73859c9"
    "e7181cf4b76a955a184536cad013ec0e493c75d4032484efff23";

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t k = 0; k + 1 < hex.size(); k += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(k, 2)), nullptr, 16));
  return out;
}

std::string ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

X509* Certificate(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return d2i_X509(nullptr, &p, static_cast<long>(der.size()));
}

EVP_PKEY* Key(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
}

bool Verify(EVP_PKEY* key, const std::string& signature, const std::string& message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  relgate::ConfigureCryptoForThisProcess();
  if (argc != 4)
    return 2;
  X509* leaf = Certificate(ReadFile(argv[1]));
  X509* intermediate = Certificate(ReadFile(argv[2]));
  X509* root = Certificate(ReadFile(argv[3]));
  const std::string key_der = Unhex(kKeyHex), signature = Unhex(kSignatureHex);
  EVP_PKEY* rekor = Key(key_der);
  EVP_PKEY* ct_log = Key(key_der);
  bool ok = leaf != nullptr && intermediate != nullptr && root != nullptr &&
            X509_verify(leaf, X509_get0_pubkey(intermediate)) == 1;
  const std::string message(1024, 'm');
  for (EVP_PKEY* key : {rekor, ct_log, rekor, ct_log})
    ok = ok && Verify(key, signature, message);
  return ok ? 0 : 1;
}
