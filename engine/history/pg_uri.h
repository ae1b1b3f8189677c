// What may be shown of a PostgreSQL connection URI, and what must never be: libpq decodes
// the URI before it connects (`?%70assword=X` is the password parameter, `%41` is `A`),
// and its own error messages quote the value or the whole URI it could not parse. So the
// URI is parsed by libpq itself (PQconninfoParse) before anything is shown: what is shown
// is rebuilt from the parsed user, host, port and database, never from the text; every
// spelling of a secret (decoded and as written) is masked in any message that passes
// through; and a URI libpq cannot parse is described without libpq's message.
#pragma once

#include <string>
#include <vector>

namespace relgate::history {

struct PgUri {
  bool parsed = false;
  std::string shown;                 // postgresql://user@host:port/db, no secrets
  std::vector<std::string> secrets;  // the password and sslpassword, decoded and as written
};

[[nodiscard]] PgUri InspectPgUri(const std::string& uri);

// `message` with every secret replaced by `***`.
[[nodiscard]] std::string Scrubbed(std::string message, const std::vector<std::string>& secrets);

}  // namespace relgate::history
