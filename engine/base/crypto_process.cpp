#include "engine/base/crypto_process.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

namespace relgate {

bool ConfigureCryptoForThisProcess() {
  if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr) != 1)
    return false;
  return RAND_set_DRBG_type(nullptr, "HASH-DRBG", nullptr, nullptr, "SHA2-256") == 1;
}

}  // namespace relgate
