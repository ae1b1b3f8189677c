// SLSA provenance (v0.2 and v1 predicates) in an in-toto Statement (v0.1 or v1), found
// wherever pipelines keep it: a bare statement, a DSSE envelope, a Sigstore bundle
// (v0.1-v0.3, `dsseEnvelope`), a PEP 740 attestation (`envelope.statement`), npm's
// attestations document (`attestations[].bundle`), or the lines of a JSON Lines file.
// The first SLSA provenance statement found is imported; v0.2 and v1 map to one schema,
// the version recorded:
//
//   provenance: { predicate_type, slsa_version ("0.2" | "1"), envelope, builder_id,
//                 build_type, subject_digest?, subjects: [{name, sha256?}],
//                 source_repository?, source_ref?, source_commit?, workflow_path?,
//                 started_on?, finished_on?, resolved_dependencies: [{uri, digest?}] }
//
// Signatures are not verified here: `envelope` says how it was carried, not that it was
// checked (docs/facts.md).
#include "engine/attest/dsse.h"
#include "engine/base/base64.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"

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

struct Found {
  const Node* statement;                   // into one of the documents read
  std::unique_ptr<facts::Document> owned;  // a payload decoded for it (keeps it alive)
  std::string envelope;
  const Node* dsse = nullptr;  // the DSSE envelope that carried it, if one did
};

// The statements a document carries, in order; `types` collects every predicate type
// seen, for the error when none is provenance.
void Statements(const Node& doc, const std::string& envelope, std::vector<Found>& out,
                std::vector<std::string>& types, int depth);

void FromDsse(const Node* dsse, const std::string& envelope, std::vector<Found>& out,
              std::vector<std::string>& types, int depth) {
  std::string payload;
  if (!Base64Decode(Text(dsse, {"payload"}), payload))
    return;
  facts::LoadError error;
  auto doc = facts::ParseJson(payload, "payload", error, facts::Digest::kSkip);
  if (!doc)
    return;
  const size_t before = out.size();
  Statements(doc->root(), envelope, out, types, depth + 1);
  if (out.size() > before) {
    out[before].owned = std::move(doc);  // a heap document: the pointers into it stay valid
    if (out[before].dsse == nullptr)
      out[before].dsse = dsse;
  }
}

void Statements(const Node& doc, const std::string& envelope, std::vector<Found>& out,
                std::vector<std::string>& types, int depth) {
  if (depth > 4 || doc.kind != NodeKind::kObject)
    return;
  if (doc.Find("_type") != nullptr) {
    const std::string type = Text(&doc, {"predicateType"});
    types.push_back(type);
    if (IsProvenance(type))
      out.push_back({&doc, nullptr, envelope});
    return;
  }
  if (doc.Find("payloadType") != nullptr)
    return FromDsse(&doc, envelope == "bare" ? "dsse" : envelope, out, types, depth);
  if (const Node* dsse = doc.Find("dsseEnvelope"))
    return FromDsse(dsse, envelope == "npm-attestations" ? envelope : "sigstore-bundle", out, types,
                    depth);
  if (const Node* statement = Get(&doc, {"envelope", "statement"})) {
    // PEP 740: the statement itself in base64.
    std::string payload;
    if (statement->kind != NodeKind::kString || !Base64Decode(statement->str(), payload))
      return;
    facts::LoadError error;
    auto parsed = facts::ParseJson(payload, "statement", error, facts::Digest::kSkip);
    if (!parsed)
      return;
    const size_t before = out.size();
    Statements(parsed->root(), "pep740", out, types, depth + 1);
    if (out.size() > before)
      out[before].owned = std::move(parsed);
    return;
  }
  if (const Node* list = doc.Find("attestations");
      list != nullptr && list->kind == NodeKind::kArray) {
    for (uint32_t k = 0; k < list->len; ++k) {
      if (const Node* bundle = list->items[k].Find("bundle"))
        Statements(*bundle, "npm-attestations", out, types, depth + 1);
    }
  }
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

void Optional(facts::TreeBuilder& b, const char* key, const std::string& value) {
  if (!value.empty())
    b.Field(key, value);
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
        b.Field("digest", std::string(digest->members[0].name()) + ":" +
                              std::string(digest->members[0].value.str()));
      }
      b.EndObject();
    }
  }
  b.EndArray();
}

}  // namespace

std::unique_ptr<facts::Document> ImportSlsa(std::string_view bytes, const std::string& path,
                                            facts::LoadError& error) {
  return ImportSlsaVerified(bytes, path, "", error);
}

std::unique_ptr<facts::Document> ImportSlsaVerified(std::string_view bytes, const std::string& path,
                                                    const std::string& verify_key,
                                                    facts::LoadError& error) {
  std::vector<std::unique_ptr<facts::Document>> docs;
  if (auto whole_doc = facts::ParseJson(bytes, path, error)) {
    docs.push_back(std::move(whole_doc));
  } else {
    // JSON Lines: one attestation per line.
    const facts::LoadError whole = error;
    size_t begin = 0, line = 0;
    while (begin < bytes.size()) {
      size_t end = bytes.find('\n', begin);
      if (end == std::string_view::npos)
        end = bytes.size();
      ++line;
      const std::string_view text = bytes.substr(begin, end - begin);
      begin = end + 1;
      if (text.find_first_not_of(" \t\r") == std::string_view::npos)
        continue;
      facts::LoadError e;
      auto doc = facts::ParseJson(text, path, e);
      if (!doc) {
        error = line == 1 ? whole : e;
        if (line > 1)
          error.line = static_cast<uint32_t>(line);
        return nullptr;
      }
      docs.push_back(std::move(doc));
    }
  }
  std::vector<Found> found;
  std::vector<std::string> types;
  for (const auto& doc : docs) {
    std::vector<Found> here;
    Statements(doc->root(), "bare", here, types, 0);
    for (Found& f : here)
      found.push_back(std::move(f));
  }
  if (found.empty()) {
    if (docs.size() == 1 && (docs.front()->root().Find("buildDefinition") != nullptr ||
                             docs.front()->root().Find("buildType") != nullptr)) {
      error.message =
          "a bare SLSA predicate, without the statement that names its subjects: "
          "import the statement or the envelope that carries it";
      return nullptr;
    }
    std::string seen;
    for (const std::string& t : types)
      seen += (seen.empty() ? "" : ", ") + (t.empty() ? std::string("(none)") : t);
    error.message =
        "no SLSA provenance statement (predicateType https://slsa.dev/provenance/"
        "v0.2 or v1) in it" +
        (seen.empty() ? std::string(": not an in-toto statement or an envelope of one")
                      : "; predicate types found: " + seen);
    return nullptr;
  }
  const Node& statement = *found.front().statement;
  // With a key: the DSSE signature over this statement must verify with it.
  if (!verify_key.empty()) {
    if (found.front().dsse == nullptr) {
      error.message = "this provenance is not in a DSSE envelope (" + found.front().envelope +
                      "): there is no signature for --verify-key to check";
      return nullptr;
    }
    bool cannot_run = false;
    const attest::Verified v =
        attest::VerifyEnvelopeNode(*found.front().dsse, verify_key, cannot_run);
    if (!v.ok) {
      error.message = (cannot_run ? "" : "the signature does not verify: ") + v.problem;
      return nullptr;
    }
  }
  const std::string type = Text(&statement, {"predicateType"});
  const Node* predicate = statement.Find("predicate");
  const bool v1 = IsV1(type);

  facts::TreeBuilder b(path + " (slsa)", docs.front()->sha256());
  b.BeginObject();
  b.Key("provenance");
  b.BeginObject();
  b.Field("predicate_type", type);
  b.Field("slsa_version", v1 ? "1" : "0.2");
  b.Field("envelope", found.front().envelope);
  b.Field("signature", verify_key.empty() ? "not checked" : "verified");
  b.Field("builder_id", v1 ? Text(predicate, {"runDetails", "builder", "id"})
                           : Text(predicate, {"builder", "id"}));
  b.Field("build_type",
          v1 ? Text(predicate, {"buildDefinition", "buildType"}) : Text(predicate, {"buildType"}));
  const Node* subjects = statement.Find("subject");
  // The subject digest: the first subject's sha256, else its first digest (`sha512:...`,
  // as npm's provenance has).
  std::string first_digest;
  b.Key("subjects");
  b.BeginArray();
  if (subjects != nullptr && subjects->kind == NodeKind::kArray) {
    for (uint32_t k = 0; k < subjects->len; ++k) {
      const Node& subject = subjects->items[k];
      const std::string sha = Text(&subject, {"digest", "sha256"});
      std::string any;
      if (const Node* digest = subject.Find("digest");
          digest != nullptr && digest->kind == NodeKind::kObject && digest->len > 0 &&
          digest->members[0].value.kind == NodeKind::kString) {
        any = std::string(digest->members[0].name()) + ":" +
              std::string(digest->members[0].value.str());
      }
      if (first_digest.empty())
        first_digest = !sha.empty() ? "sha256:" + sha : any;
      b.BeginObject();
      b.Field("name", Text(&subject, {"name"}));
      Optional(b, "sha256", sha);
      Optional(b, "digest", !sha.empty() ? "sha256:" + sha : any);
      b.EndObject();
    }
  }
  b.EndArray();
  Optional(b, "subject_digest", first_digest);
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
  Optional(b, "source_repository", repository);
  Optional(b, "source_ref", ref);
  Optional(b, "source_commit", commit);
  Optional(b, "workflow_path", workflow);
  Optional(b, "started_on", started);
  Optional(b, "finished_on", finished);
  Dependencies(b, v1 ? Get(predicate, {"buildDefinition", "resolvedDependencies"})
                     : Get(predicate, {"materials"}));
  b.FieldInt("statements", static_cast<int64_t>(found.size()));
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace relgate::import
