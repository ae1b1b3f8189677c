#include "engine/import/internal/git_objects.h"

#include <charconv>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "engine/base/digest.h"

namespace relgate::import::internal {
namespace {

std::string ObjectId(std::string_view content, bool sha256) {
  const std::string header = fmt::format("commit {}", content.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, sha256 ? EVP_sha256() : EVP_sha1(), nullptr);
  EVP_DigestUpdate(ctx, header.data(), header.size() + 1);  // with its NUL
  EVP_DigestUpdate(ctx, content.data(), content.size());
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

// The `parent` lines of a commit's header, space-separated as %P writes them.
std::string ParentsOf(std::string_view content) {
  std::string out;
  size_t begin = 0;
  while (begin < content.size()) {
    size_t end = content.find('\n', begin);
    if (end == std::string_view::npos)
      end = content.size();
    const std::string_view line = content.substr(begin, end - begin);
    if (line.empty())
      break;  // the header ends at the first blank line
    if (line.starts_with("parent "))
      out += out.empty() ? std::string(line.substr(7)) : fmt::format(" {}", line.substr(7));
    begin = end + 1;
  }
  return out;
}

}  // namespace

std::string CheckCommitObjects(std::string_view batch, const std::vector<std::string>& ids,
                               const std::map<std::string, std::string>& parents, bool sha256) {
  size_t at = 0;
  for (const std::string& id : ids) {
    const size_t eol = batch.find('\n', at);
    if (eol == std::string_view::npos)
      return fmt::format("git cat-file gave no object for {}", id);
    const std::string_view header = batch.substr(at, eol - at);
    const std::string expected = fmt::format("{} commit ", id);
    if (!header.starts_with(expected))
      return fmt::format("{} is not a commit object in the repository (git says `{}`)", id, header);
    size_t size = 0;
    const std::string_view digits = header.substr(expected.size());
    if (std::from_chars(digits.data(), digits.data() + digits.size(), size).ec != std::errc() ||
        eol + 1 + size > batch.size())
      return fmt::format("git cat-file gave a malformed header for {}", id);
    const std::string_view content = batch.substr(eol + 1, size);
    at = eol + 1 + size + 1;  // the content, then a newline
    if (ObjectId(content, sha256) != id)
      return fmt::format(
          "commit {} is stored with content that does not hash to its id: the repository's "
          "objects were altered, so its history cannot be read as it is",
          id);
    const auto reported = parents.find(id);
    if (reported != parents.end() && reported->second != ParentsOf(content))
      return fmt::format("commit {}: git reported parents `{}`, its content names `{}`", id,
                         reported->second, ParentsOf(content));
  }
  return "";
}

}  // namespace relgate::import::internal
