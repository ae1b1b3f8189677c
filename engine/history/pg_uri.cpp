#include "engine/history/pg_uri.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

#include "engine/history/internal/libpq_api.h"

namespace relgate::history {
namespace {

bool IsSecretKey(std::string_view key) {
  return key == "password" || key == "sslpassword";
}

int HexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Percent-decoding as libpq does it; a malformed escape is kept as written.
std::string Decoded(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

void AddSecret(std::vector<std::string>& secrets, std::string_view value) {
  if (value.empty())
    return;
  secrets.emplace_back(value);
  secrets.push_back(Decoded(value));
}

// The secrets as the URI spells them, found without libpq (which may not parse it): the
// password of the user information, and the value of every query parameter whose name
// decodes to password or sslpassword.
std::vector<std::string> WrittenSecrets(std::string_view uri) {
  std::vector<std::string> secrets;
  const size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos)
    return secrets;
  const std::string_view rest = uri.substr(scheme + 3);
  const size_t at = rest.rfind('@', rest.find_first_of("/?"));
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    if (const size_t colon = userinfo.find(':'); colon != std::string_view::npos)
      AddSecret(secrets, userinfo.substr(colon + 1));
  }
  const size_t query = rest.find('?');
  if (query != std::string_view::npos) {
    std::string_view params = rest.substr(query + 1);
    while (!params.empty()) {
      const size_t amp = params.find('&');
      const std::string_view pair = params.substr(0, amp);
      const size_t eq = pair.find('=');
      if (IsSecretKey(Decoded(pair.substr(0, eq))) && eq != std::string_view::npos)
        AddSecret(secrets, pair.substr(eq + 1));
      if (amp == std::string_view::npos)
        break;
      params.remove_prefix(amp + 1);
    }
  }
  return secrets;
}

}  // namespace

PgUri InspectPgUri(const std::string& uri) {
  PgUri out;
  out.secrets = WrittenSecrets(uri);
  const std::string scheme = uri.substr(0, uri.find("://") + 3);
  std::string unavailable;
  if (!LoadLibpq(unavailable)) {
    out.shown = fmt::format("{}... (libpq is not installed to read it)", scheme);
    return out;
  }
  char* problem = nullptr;
  PQconninfoOption* options = Libpq().PQconninfoParse(uri.c_str(), &problem);
  Libpq().PQfreemem(problem);  // it may quote the password: never shown
  if (options == nullptr) {
    out.shown = fmt::format("{}... (not a URI libpq can read)", scheme);
    return out;
  }
  out.parsed = true;
  std::string user, host, port, dbname, password;
  for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    const std::string_view key = o->keyword;
    const std::string value = o->val != nullptr ? o->val : "";
    if (IsSecretKey(key))
      AddSecret(out.secrets, value);
    if (key == "password")
      password = value;
    else if (key == "user")
      user = value;
    else if (key == "host")
      host = value;
    else if (key == "port")
      port = value;
    else if (key == "dbname")
      dbname = value;
  }
  Libpq().PQconninfoFree(options);
  const bool socket_dir = host.find('/') != std::string::npos;
  out.shown =
      fmt::format("{}{}{}{}{}{}", scheme,
                  user.empty() ? "" : fmt::format("{}{}@", user, password.empty() ? "" : ":***"),
                  socket_dir ? "" : host, port.empty() ? "" : fmt::format(":{}", port),
                  dbname.empty() ? "" : fmt::format("/{}", dbname),
                  socket_dir ? fmt::format("?host={}", host) : "");
  out.shown = Scrubbed(out.shown, out.secrets);
  return out;
}

std::string Scrubbed(std::string message, const std::vector<std::string>& secrets) {
  std::vector<std::string> longest_first = secrets;
  std::sort(longest_first.begin(), longest_first.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& secret : longest_first) {
    if (secret.empty())
      continue;
    for (size_t at = message.find(secret); at != std::string::npos;
         at = message.find(secret, at + 3))
      message.replace(at, secret.size(), "***");
  }
  return message;
}

}  // namespace relgate::history
