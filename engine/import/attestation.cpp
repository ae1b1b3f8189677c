// Any in-toto attestation, whatever its predicate (a release, test results, a PyPI or npm
// publish, a verification summary), found where internal/statements.h finds them. The
// predicate's scalar values are kept as a flat map from their path to their text, so a
// policy can read a predicate no schema here knows:
//
//   attestations: [{ statement_type, predicate_type, envelope, signature,
//                    subjects: [{name, sha256?, digest?}], message_digest?, key_hint?,
//                    signer?,
//                    predicate: map[string]string }]
//
// `predicate["purl"]`, `predicate["results[0].name"]`, `predicate["metadata.buildStartedOn"]`.
// A Sigstore bundle that signs an artifact's digest directly (a message signature) is an
// attestation with no statement: empty types, its digest as the only subject.
#include <fmt/format.h>

#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/reading.h"
#include "engine/import/internal/statements.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Member;
using internal::Text;

// The scalar values under `node`, as `path: text`, depth-first in document order.
void Flatten(facts::TreeBuilder& b, const Node& node, const std::string& path) {
  switch (node.kind) {
    case NodeKind::kObject:
      for (uint32_t k = 0; k < node.len; ++k) {
        const std::string name(node.members[k].name());
        Flatten(b, node.members[k].value, path.empty() ? name : fmt::format("{}.{}", path, name));
      }
      return;
    case NodeKind::kArray:
      for (uint32_t k = 0; k < node.len; ++k)
        Flatten(b, node.items[k], fmt::format("{}[{}]", path, k));
      return;
    case NodeKind::kString: return b.Field(path, node.str());
    case NodeKind::kInt: return b.Field(path, fmt::to_string(node.i));
    case NodeKind::kFloat: return b.Field(path, fmt::format("{:.17g}", node.f));
    case NodeKind::kBool: return b.Field(path, node.b ? "true" : "false");
    default: return;  // null: absent, as a missing key would be
  }
}

void Subjects(facts::TreeBuilder& b, const internal::FoundStatement& f) {
  b.Key("subjects");
  b.BeginArray();
  if (f.statement == nullptr) {
    if (!f.message_digest.empty()) {
      b.BeginObject();
      b.Field("name", "");
      b.Field("sha256", f.message_digest.substr(7));
      b.Field("digest", f.message_digest);
      b.EndObject();
    }
    b.EndArray();
    return;
  }
  const Node* subjects = internal::Array(f.statement, "subject");
  for (uint32_t k = 0; subjects != nullptr && k < subjects->len; ++k) {
    const Node& subject = subjects->items[k];
    const Node* digest = internal::Object(Member(&subject, "digest"));
    b.BeginObject();
    b.Field("name", Text(&subject, "name"));
    const std::string sha = Text(digest, "sha256");
    if (!sha.empty()) {
      b.Field("sha256", sha);
      b.Field("digest", fmt::format("sha256:{}", sha));
    } else if (digest != nullptr && digest->len > 0 &&
               digest->members[0].value.kind == NodeKind::kString) {
      b.Field("digest",
              fmt::format("{}:{}", digest->members[0].name(), digest->members[0].value.str()));
    }
    b.EndObject();
  }
  b.EndArray();
}

std::unique_ptr<facts::Document> ImportFrom(std::string_view bytes, const std::string& path,
                                            const std::string& verify_key,
                                            facts::LoadError& error) {
  internal::StatementReader reader;
  if (!reader.Read(bytes, path, error))
    return nullptr;
  if (reader.found().empty()) {
    error.message =
        "no in-toto statement in it: expected a statement, a DSSE envelope, a Sigstore "
        "bundle, a PEP 740 attestation, npm's attestations document, or JSON Lines of them";
    return nullptr;
  }
  std::vector<internal::SignatureCheck> signatures(reader.found().size());
  for (size_t k = 0; k < reader.found().size(); ++k) {
    const internal::FoundStatement& f = reader.found()[k];
    const std::string which =
        fmt::format("attestation {} ({})", k + 1,
                    (f.statement != nullptr ? Text(f.statement, "predicateType")
                                            : std::string("a message signature")));
    if (!internal::CheckSignature(f, verify_key, which, signatures[k], error))
      return nullptr;
  }

  facts::TreeBuilder b(fmt::format("{} (attestation)", path), reader.first().sha256());
  b.BeginObject();
  b.Key("attestations");
  b.BeginArray();
  for (size_t k = 0; k < reader.found().size(); ++k) {
    const internal::FoundStatement& f = reader.found()[k];
    b.BeginObject();
    b.Field("statement_type", f.statement != nullptr ? Text(f.statement, "_type") : "");
    b.Field("predicate_type", f.statement != nullptr ? Text(f.statement, "predicateType") : "");
    b.Field("envelope", f.envelope);
    b.Field("signature", signatures[k].status);
    Subjects(b, f);
    if (!f.message_digest.empty())
      b.Field("message_digest", f.message_digest);
    if (!f.public_key_hint.empty())
      b.Field("key_hint", f.public_key_hint);
    internal::WriteSigner(b, signatures[k]);
    b.Key("predicate");
    b.BeginObject();
    if (const Node* predicate = Member(f.statement, "predicate"))
      Flatten(b, *predicate, "");
    b.EndObject();
    b.EndObject();
  }
  b.EndArray();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace

std::unique_ptr<facts::Document> ImportAttestation(std::string_view bytes, const std::string& path,
                                                   facts::LoadError& error) {
  return ImportFrom(bytes, path, "", error);
}

std::unique_ptr<facts::Document> ImportAttestationRequest(const Request& request,
                                                          facts::LoadError& error) {
  std::string bytes;
  if (!ReadInput(request.inputs.front(), bytes, error))
    return nullptr;
  return ImportFrom(bytes, request.inputs.front(), request.verify_key, error);
}

}  // namespace relgate::import
