#include "engine/base/base64.h"

#include <array>

#include <openssl/evp.h>

namespace relgate {
namespace {

// The characters of the standard alphabet and `=`, by byte: a table, because a Sigstore
// bundle is tens of kilobytes of base64 and std::isalnum is a locale-aware call per byte.
constexpr std::array<bool, 256> kBase64Chars = [] {
  std::array<bool, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c)
    table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c)
    table[c] = true;
  for (int c = '0'; c <= '9'; ++c)
    table[c] = true;
  table['+'] = table['/'] = table['='] = true;
  return table;
}();

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Base64Decode(std::string_view text, std::string& bytes) {
  if (text.size() % 4 != 0)
    return false;
  for (char c : text) {
    if (!kBase64Chars[static_cast<unsigned char>(c)])
      return false;
  }
  bytes.assign(3 * (text.size() / 4) + 1, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0)
    return false;
  size_t length = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding's zero bytes: drop one per `=`.
  for (size_t k = text.size(); k > 0 && text[k - 1] == '='; --k)
    --length;
  bytes.resize(length);
  return true;
}

}  // namespace relgate
