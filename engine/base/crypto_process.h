// How the relgate command sets up OpenSSL for its own process, before anything is verified
// or signed. Not called by the library: a program embedding relgate owns its OpenSSL.
#pragma once

namespace relgate {

// OpenSSL as a gate needs it, and no more costly than that:
// - the machine's OpenSSL configuration file is not read: what verifies must not depend on
//   the runner's /etc/ssl/openssl.cnf (and reading it is a tenth of a short gate);
// - the random generator is SHA-256's Hash_DRBG (NIST SP 800-90A, 256-bit strength) instead
//   of AES-CTR's: instantiating the default one constructs every cipher OpenSSL 3 offers,
//   about 0.5 ms on the first signature check (which draws randomness to blind the point
//   arithmetic), more than the check itself.
// Call it first thing in main(); false when OpenSSL refused (the caller goes on with its
// defaults: slower, not less safe).
bool ConfigureCryptoForThisProcess();

}  // namespace relgate
