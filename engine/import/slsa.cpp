// SLSA provenance (v0.2 and v1 predicates) in an in-toto Statement (v0.1 or v1), found
// wherever pipelines keep it (internal/statements.h), or a bare predicate given its
// subject with `--subject`. The first SLSA provenance statement found is imported; v0.2
// and v1 map to one schema, the version recorded:
//
//   provenance: { predicate_type, slsa_version ("0.2" | "1"), envelope, builder_id,
//                 build_type, subject_digest?, subjects: [{name, sha256?, digest?, digests}],
//                 source_repository?, source_ref?, source_commit?, workflow_path?,
//                 started_on?, finished_on?, resolved_dependencies: [{uri, digest?}],
//                 signer? }
//
// A Sigstore bundle's signature is verified against the trusted roots (engine/sigstore), a
// managed key's or a plain DSSE envelope's with `--verify-key`: `envelope` says how it was
// carried, `signature` verified, unverified (no key for it) or none, `signer` whom the
// verified certificate names (docs/facts.md). One that does not verify is an error.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/attest/subject.h"
#include "engine/base/base64.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/statements.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;

const Node* Get(const Node* node, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    if (node == nullptr || node->kind != NodeKind::kObject)
      return nullptr;
    node = node->Find(key);
  }
  return node;
}

std::string Text(const Node* node, std::initializer_list<std::string_view> keys) {
  const Node* v = Get(node, keys);
  return v != nullptr && v->kind == NodeKind::kString ? std::string(v->str()) : "";
}

// v1 also as the drafts wrote it (`v1.0`, `v1.0-rc1`).
bool IsV1(const std::string& type) {
  return type.rfind("https://slsa.dev/provenance/v1", 0) == 0;
}

bool IsProvenance(const std::string& type) {
  return type == "https://slsa.dev/provenance/v0.2" || IsV1(type);
}

bool IsBarePredicate(const Node& root) {
  return root.kind == NodeKind::kObject && root.Find("_type") == nullptr &&
         (root.Find("buildDefinition") != nullptr || root.Find("buildType") != nullptr);
}

// `git+https://github.com/o/r@refs/tags/v1` -> repository and ref.
void SplitSource(const std::string& uri, std::string& repository, std::string& ref) {
  std::string s = uri.rfind("git+", 0) == 0 ? uri.substr(4) : uri;
  const size_t at = s.rfind('@');
  if (at != std::string::npos && at > s.find("://") + 3) {
    ref = s.substr(at + 1);
    s.resize(at);
  }
  repository = s;
}

void Dependencies(facts::TreeBuilder& b, const Node* list) {
  b.Key("resolved_dependencies");
  b.BeginArray();
  if (list != nullptr && list->kind == NodeKind::kArray) {
    for (uint32_t k = 0; k < list->len; ++k) {
      const Node& d = list->items[k];
      b.BeginObject();
      b.Field("uri", Text(&d, {"uri"}));
      const Node* digest = d.Find("digest");
      if (digest != nullptr && digest->kind == NodeKind::kObject && digest->len > 0 &&
          digest->members[0].value.kind == NodeKind::kString) {
        b.Field("digest",
                fmt::format("{}:{}", digest->members[0].name(), digest->members[0].value.str()));
      }
      b.EndObject();
    }
  }
  b.EndArray();
}

struct Provenance {
  const Node* predicate;
  std::string type;
  const Node* subjects;                   // the statement's list, or null with `given` set
  const internal::FoundStatement* found;  // null for a bare predicate
  const attest::Subject* given;
  size_t statements;
  internal::SignatureCheck signature;
};

std::unique_ptr<facts::Document> Write(const Provenance& p, const std::string& path,
                                       const std::string& sha256, facts::LoadError& error);

std::unique_ptr<facts::Document> ImportFrom(std::string_view bytes, const std::string& path,
                                            const Request* request, facts::LoadError& error) {
  internal::StatementReader reader;
  if (!reader.Read(bytes, path, error))
    return nullptr;
  const std::string verify_key = request != nullptr ? request->verify_key : "";
  const std::string subject = request != nullptr ? request->subject : "";
  if (reader.documents() == 1 && IsBarePredicate(reader.first().root())) {
    // A predicate alone names no subject: with --subject it is the provenance of that one.
    if (subject.empty()) {
      error.message =
          "a bare SLSA predicate, without the statement that names its subjects: give the "
          "artifact with --subject [NAME@]sha256:HEX, or import the statement or envelope";
      return nullptr;
    }
    if (!verify_key.empty()) {
      error.message = "a bare predicate carries no signature for --verify-key to check";
      return nullptr;
    }
    attest::Subject given;
    if (!attest::ParseSubject(subject, given)) {
      error.message = fmt::format("--subject `{}` is not [NAME@]sha256:HEX", subject);
      return nullptr;
    }
    const Node& predicate = reader.first().root();
    const std::string type = predicate.Find("buildDefinition") != nullptr
                                 ? "https://slsa.dev/provenance/v1"
                                 : "https://slsa.dev/provenance/v0.2";
    return Write({&predicate, type, nullptr, nullptr, &given, 1, internal::SignatureCheck()}, path,
                 reader.first().sha256(), error);
  }
  if (!subject.empty()) {
    error.message =
        "--subject names the artifact of a bare predicate; this input is not one "
        "(its statements name their subjects)";
    return nullptr;
  }
  std::vector<const internal::FoundStatement*> found;
  for (const internal::FoundStatement& f : reader.found()) {
    if (f.statement != nullptr && IsProvenance(Text(f.statement, {"predicateType"})))
      found.push_back(&f);
  }
  if (found.empty()) {
    std::vector<std::string> types;
    for (const std::string& t : reader.PredicateTypes())
      types.push_back(t.empty() ? "(none)" : t);
    const std::string seen = fmt::format("{}", fmt::join(types, ", "));
    error.message = fmt::format(
        "no SLSA provenance statement (predicateType https://slsa.dev/provenance/v0.2 or v1) in "
        "it{}",
        (seen.empty() ? std::string(": not an in-toto statement or an envelope of one")
                      : fmt::format("; predicate types found: {} (relgate import attestation reads "
                                    "any predicate type)",
                                    seen)));
    return nullptr;
  }
  const internal::FoundStatement& first = *found.front();
  // Its signature: a Sigstore bundle verified against the trusted roots, a key's with it.
  internal::SignatureCheck signature;
  if (!internal::CheckSignature(first, verify_key, "this provenance", signature, error))
    return nullptr;
  const std::string type = Text(first.statement, {"predicateType"});
  return Write({first.statement->Find("predicate"), type, first.statement->Find("subject"), &first,
                nullptr, found.size(), signature},
               path, reader.first().sha256(), error);
}

std::unique_ptr<facts::Document> Write(const Provenance& p, const std::string& path,
                                       const std::string& sha256, facts::LoadError& error) {
  const Node* predicate = p.predicate;
  const std::string& type = p.type;
  const bool v1 = IsV1(type);

  facts::TreeBuilder b(fmt::format("{} (slsa)", path), sha256);
  b.BeginObject();
  b.Key("provenance");
  b.BeginObject();
  b.Field("predicate_type", type);
  b.Field("slsa_version", v1 ? "1" : "0.2");
  b.Field("envelope", p.found != nullptr ? p.found->envelope : "bare-predicate");
  b.Field("signature", p.signature.status);
  b.Field("builder_id", v1 ? Text(predicate, {"runDetails", "builder", "id"})
                           : Text(predicate, {"builder", "id"}));
  b.Field("build_type",
          v1 ? Text(predicate, {"buildDefinition", "buildType"}) : Text(predicate, {"buildType"}));
  const Node* subjects = p.subjects;
  // The subject digest: the first subject's sha256, else its first digest (`sha512:...`,
  // as npm's provenance has).
  std::string first_digest;
  b.Key("subjects");
  b.BeginArray();
  if (p.given != nullptr) {
    first_digest = fmt::format("sha256:{}", p.given->sha256);
    b.BeginObject();
    b.Field("name", p.given->name);
    b.Field("sha256", p.given->sha256);
    b.Field("digest", first_digest);
    b.Key("digests");
    b.BeginArray();
    b.String(first_digest);
    b.EndArray();
    b.EndObject();
  }
  if (subjects != nullptr && subjects->kind == NodeKind::kArray) {
    for (uint32_t k = 0; k < subjects->len; ++k) {
      const Node& subject = subjects->items[k];
      const std::string sha = Text(&subject, {"digest", "sha256"});
      std::string any;
      if (const Node* digest = subject.Find("digest");
          digest != nullptr && digest->kind == NodeKind::kObject && digest->len > 0 &&
          digest->members[0].value.kind == NodeKind::kString) {
        any = fmt::format("{}:{}", digest->members[0].name(), digest->members[0].value.str());
      }
      if (first_digest.empty())
        first_digest = !sha.empty() ? fmt::format("sha256:{}", sha) : any;
      b.BeginObject();
      b.Field("name", Text(&subject, {"name"}));
      b.FieldIfSet("sha256", sha);
      b.FieldIfSet("digest", !sha.empty() ? fmt::format("sha256:{}", sha) : any);
      // Every algorithm the subject names, so an artifact is matched on any both carry
      // (npm names its tarball by SHA-512 only).
      b.Key("digests");
      b.BeginArray();
      if (const Node* digest = subject.Find("digest");
          digest != nullptr && digest->kind == NodeKind::kObject) {
        for (uint32_t d = 0; d < digest->len; ++d) {
          if (digest->members[d].value.kind == NodeKind::kString)
            b.String(
                fmt::format("{}:{}", digest->members[d].name(), digest->members[d].value.str()));
        }
      }
      b.EndArray();
      b.EndObject();
    }
  }
  b.EndArray();
  b.FieldIfSet("subject_digest", first_digest);
  std::string repository, ref, commit, workflow, started, finished;
  if (v1) {
    const Node* workflow_params =
        Get(predicate, {"buildDefinition", "externalParameters", "workflow"});
    repository = Text(workflow_params, {"repository"});
    ref = Text(workflow_params, {"ref"});
    workflow = Text(workflow_params, {"path"});
    const Node* deps = Get(predicate, {"buildDefinition", "resolvedDependencies"});
    if (deps != nullptr && deps->kind == NodeKind::kArray && deps->len > 0) {
      commit = Text(&deps->items[0], {"digest", "gitCommit"});
      if (repository.empty()) {
        std::string r;
        SplitSource(Text(&deps->items[0], {"uri"}), repository, r);
        if (ref.empty())
          ref = r;
      }
    }
    started = Text(predicate, {"runDetails", "metadata", "startedOn"});
    finished = Text(predicate, {"runDetails", "metadata", "finishedOn"});
  } else {
    SplitSource(Text(predicate, {"invocation", "configSource", "uri"}), repository, ref);
    commit = Text(predicate, {"invocation", "configSource", "digest", "sha1"});
    workflow = Text(predicate, {"invocation", "configSource", "entryPoint"});
    started = Text(predicate, {"metadata", "buildStartedOn"});
    finished = Text(predicate, {"metadata", "buildFinishedOn"});
  }
  b.FieldIfSet("source_repository", repository);
  b.FieldIfSet("source_ref", ref);
  b.FieldIfSet("source_commit", commit);
  b.FieldIfSet("workflow_path", workflow);
  b.FieldIfSet("started_on", started);
  b.FieldIfSet("finished_on", finished);
  Dependencies(b, v1 ? Get(predicate, {"buildDefinition", "resolvedDependencies"})
                     : Get(predicate, {"materials"}));
  b.FieldInt("statements", static_cast<int64_t>(p.statements));
  internal::WriteSigner(b, p.signature);
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace

std::unique_ptr<facts::Document> ImportSlsa(std::string_view bytes, const std::string& path,
                                            facts::LoadError& error) {
  return ImportFrom(bytes, path, nullptr, error);
}

std::unique_ptr<facts::Document> ImportSlsaRequest(const Request& request,
                                                   facts::LoadError& error) {
  std::string bytes;
  if (!ReadInput(request.inputs.front(), bytes, error))
    return nullptr;
  return ImportFrom(bytes, request.inputs.front(), &request, error);
}

}  // namespace relgate::import
