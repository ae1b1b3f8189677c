#include "engine/attest/subject.h"

namespace relgate::attest {
namespace {

bool IsHex(std::string_view text, size_t length) {
  return text.size() == length &&
         text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

bool ParseSubject(std::string_view text, Subject& subject) {
  const size_t at = text.rfind('@');
  subject.name = at == std::string_view::npos ? "" : std::string(text.substr(0, at));
  std::string_view digest = at == std::string_view::npos ? text : text.substr(at + 1);
  subject.sha256.clear();
  subject.sha512.clear();
  if (digest.substr(0, 7) == "sha256:" && IsHex(digest.substr(7), 64))
    subject.sha256 = std::string(digest.substr(7));
  else if (digest.substr(0, 7) == "sha512:" && IsHex(digest.substr(7), 128))
    subject.sha512 = std::string(digest.substr(7));
  else
    return false;
  if (subject.name.empty())
    subject.name = subject.Digest();
  return true;
}

std::vector<Subject> SubjectsFromFacts(const facts::FactSet& set) {
  std::vector<Subject> out;
  Subject s;
  if (ParseSubject(set.StringAt("artifact", "digest"), s)) {
    if (std::string name = set.StringAt("artifact", "name"); !name.empty())
      s.name = name;
    out.push_back(s);
  }
  return out;
}

}  // namespace relgate::attest
