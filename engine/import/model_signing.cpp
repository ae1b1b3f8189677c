// An OpenSSF model signature (sigstore/model-transparency: a Sigstore bundle, DSSE
// envelope or bare in-toto statement whose predicate lists each model file's digest)
// joined with the model as released (a directory, or an archive of it, listed by the
// archive kind): which files the signature covers, which it does not, which digests
// differ, which signed files are missing, and which weight files are pickle-based
// (arbitrary code when loaded) rather than safetensors.
//
//   model: { name, root_digest, predicate_type, envelope, signature, signer?,
//            serialization, manifest_consistent, ignore_paths: [string],
//            files: [{ path, size, sha256?, covered, digest_matches?, pickle }],
//            covered, uncovered, mismatched, missing, pickle_files: [string] }
//
// Predicates: `https://model_signing/signature/v1.0` (one subject, the root digest over
// `predicate.resources`, the files method with sha256) and the older
// `https://model_signing/Digests/v0.1` (one subject per file). Shard serialization and
// other hash types are refused: relgate compares whole files by SHA-256.
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/base/base64.h"
#include "engine/base/digest.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/paths.h"
#include "engine/import/internal/reading.h"
#include "engine/import/internal/statements.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Array;
using internal::Member;
using internal::Object;
using internal::Text;

constexpr const char* kV1 = "https://model_signing/signature/v1.0";
constexpr const char* kCompat = "https://model_signing/Digests/v0.1";

// Formats that unpickle when loaded (torch.load, pickle, joblib): a weight file in one of
// them can run code.
bool IsPickle(const std::string& path) {
  for (const char* ext : {".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".joblib"}) {
    if (path.ends_with(ext))
      return true;
  }
  return false;
}

struct ModelFile {
  std::string path, sha256, link_target;
  int64_t size = 0;
};

// The model's files, from the archive kind's listing; a symlink's digest is its target's.
bool ListModel(const std::string& input, std::vector<ModelFile>& files, facts::LoadError& error) {
  Request request;
  request.inputs = {input};
  auto listing = ImportArchiveRequest(request, error);
  if (!listing)
    return false;
  const Node* contents = Array(Member(&listing->root(), "artifact"), "contents");
  std::map<std::string, std::string> digests;
  for (uint32_t k = 0; contents != nullptr && k < contents->len; ++k) {
    const Node& e = contents->items[k];
    ModelFile f;
    f.path = Text(&e, "path");
    f.sha256 = Text(&e, "sha256");
    f.link_target = Text(&e, "link_target");
    f.size = internal::Int(&e, "size");
    digests[f.path] = f.sha256;
    files.push_back(std::move(f));
  }
  for (ModelFile& f : files) {
    std::string resolved;
    if (f.sha256.empty() && internal::ResolveLink(f.path, f.link_target, resolved)) {
      const auto target = digests.find(resolved);
      if (target != digests.end())
        f.sha256 = target->second;
    }
  }
  // An archive of the model directory (`model/config.json`): names relative to it.
  if (!files.empty()) {
    const size_t slash = files.front().path.find('/');
    const std::string top =
        slash == std::string::npos ? "" : files.front().path.substr(0, slash + 1);
    bool shared = !top.empty();
    for (const ModelFile& f : files)
      shared = shared && f.path.starts_with(top);
    if (shared) {
      for (ModelFile& f : files)
        f.path.erase(0, top.size());
    }
  }
  return true;
}

struct Manifest {
  std::string name, root_digest, serialization;
  std::vector<std::pair<std::string, std::string>> resources;  // path, sha256 hex
  std::vector<std::string> ignore_paths;
  bool consistent = true;
};

bool ReadManifest(const Node& statement, Manifest& m, facts::LoadError& error) {
  const std::string type = Text(&statement, "predicateType");
  const Node* subjects = Array(&statement, "subject");
  const Node* predicate = Object(Member(&statement, "predicate"));
  if (type == kCompat) {
    m.serialization = "files";
    for (uint32_t k = 0; subjects != nullptr && k < subjects->len; ++k) {
      m.resources.emplace_back(Text(&subjects->items[k], "name"),
                               Text(Member(&subjects->items[k], "digest"), "sha256"));
    }
    return true;
  }
  if (subjects == nullptr || subjects->len != 1)
    return internal::Fail(error, "subject", "expected one subject: the model and its root digest");
  m.name = Text(&subjects->items[0], "name");
  m.root_digest = Text(Member(&subjects->items[0], "digest"), "sha256");
  const Node* serialization = Object(Member(predicate, "serialization"));
  m.serialization = Text(serialization, "method");
  if (m.serialization != "files")
    return internal::Fail(error, "predicate.serialization.method",
                          fmt::format("the `{}` serialization is not read: relgate compares whole "
                                      "files (sign with the `files` method)",
                                      m.serialization));
  if (const std::string hash = Text(serialization, "hash_type"); hash != "sha256")
    return internal::Fail(error, "predicate.serialization.hash_type",
                          fmt::format("hash type `{}`: relgate compares SHA-256 digests", hash));
  if (const Node* ignored = Array(serialization, "ignore_paths")) {
    for (uint32_t k = 0; k < ignored->len; ++k) {
      if (ignored->items[k].kind == NodeKind::kString)
        m.ignore_paths.emplace_back(ignored->items[k].str());
    }
  }
  const Node* resources = Array(predicate, "resources");
  if (resources == nullptr)
    return internal::Fail(error, "predicate.resources", "expected the list of signed files");
  // The root digest is SHA-256 over the resources' digests, in their order.
  DigestStream root(DigestStream::Algorithm::kSha256);
  for (uint32_t k = 0; k < resources->len; ++k) {
    const Node& r = resources->items[k];
    const std::string at = fmt::format("predicate.resources[{}]", k);
    if (Text(&r, "algorithm") != "sha256")
      return internal::Fail(error, fmt::format("{}.algorithm", at), "expected sha256");
    const std::string hex = Text(&r, "digest");
    if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
      return internal::Fail(error, fmt::format("{}.digest", at),
                            "expected 64 lower-case hex digits");
    std::string raw;
    for (size_t i = 0; i < hex.size(); i += 2)
      raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    root.Update(raw);
    m.resources.emplace_back(Text(&r, "name"), hex);
  }
  m.consistent = root.FinishHex() == m.root_digest;
  return true;
}

bool Ignored(const std::string& path, const Manifest& m, const std::string& signature_name) {
  if (path == signature_name)
    return true;
  for (const std::string& ignored : m.ignore_paths) {
    if (path == ignored || path.starts_with(fmt::format("{}/", ignored)))
      return true;
  }
  return false;
}

}  // namespace

std::unique_ptr<facts::Document> ImportModelSigning(const Request& request,
                                                    facts::LoadError& error) {
  const std::string& signature_path = request.inputs[0];
  std::string bytes;
  if (!ReadInput(signature_path, bytes, error))
    return nullptr;
  internal::StatementReader reader;
  if (!reader.Read(bytes, signature_path, error))
    return nullptr;
  const internal::FoundStatement* found = nullptr;
  for (const internal::FoundStatement& f : reader.found()) {
    const std::string type = f.statement != nullptr ? Text(f.statement, "predicateType") : "";
    if (found == nullptr && (type == kV1 || type == kCompat))
      found = &f;
  }
  if (found == nullptr) {
    error.message = fmt::format(
        "no model signature in it: expected an in-toto statement of predicate type {} (or {}), "
        "bare, in DSSE or in a Sigstore bundle",
        kV1, kCompat);
    return nullptr;
  }
  internal::SignatureCheck signature;
  if (!internal::CheckSignature(*found, request.verify_key, "this model signature", signature,
                                error))
    return nullptr;
  Manifest manifest;
  if (!ReadManifest(*found->statement, manifest, error))
    return nullptr;

  std::vector<ModelFile> files;
  facts::LoadError model_error;
  if (!ListModel(request.inputs[1], files, model_error)) {
    error = model_error;
    return nullptr;
  }
  error.file = signature_path;
  std::map<std::string, std::string> signed_digests(manifest.resources.begin(),
                                                    manifest.resources.end());
  const std::string signature_name = signature_path.substr(signature_path.find_last_of('/') + 1);
  std::vector<std::string> covered, uncovered, mismatched, pickles;
  std::set<std::string> present;

  facts::TreeBuilder b(fmt::format("{} (model-signing)", signature_path), reader.first().sha256());
  b.BeginObject();
  b.Key("model");
  b.BeginObject();
  b.Field("name", manifest.name);
  if (!manifest.root_digest.empty())
    b.Field("root_digest", fmt::format("sha256:{}", manifest.root_digest));
  b.Field("predicate_type", Text(found->statement, "predicateType"));
  b.Field("envelope", found->envelope);
  b.Field("signature", signature.status);
  internal::WriteSigner(b, signature);
  b.Field("serialization", manifest.serialization);
  b.FieldBool("manifest_consistent", manifest.consistent);
  b.Key("ignore_paths");
  b.BeginArray();
  for (const std::string& p : manifest.ignore_paths)
    b.String(p);
  b.EndArray();
  b.Key("files");
  b.BeginArray();
  for (const ModelFile& f : files) {
    if (Ignored(f.path, manifest, signature_name))
      continue;
    present.insert(f.path);
    const auto signed_digest = signed_digests.find(f.path);
    const bool is_covered = signed_digest != signed_digests.end();
    const bool pickle = IsPickle(f.path);
    b.BeginObject();
    b.Field("path", f.path);
    b.FieldInt("size", f.size);
    if (!f.sha256.empty())
      b.Field("sha256", f.sha256);
    b.FieldBool("covered", is_covered);
    if (is_covered) {
      const bool matches = signed_digest->second == f.sha256;
      b.FieldBool("digest_matches", matches);
      (matches ? covered : mismatched).push_back(f.path);
    } else {
      uncovered.push_back(f.path);
    }
    b.FieldBool("pickle", pickle);
    b.EndObject();
    if (pickle)
      pickles.push_back(f.path);
  }
  b.EndArray();
  auto list = [&b](const char* key, const std::vector<std::string>& paths) {
    b.Key(key);
    b.BeginArray();
    for (const std::string& p : paths)
      b.String(p);
    b.EndArray();
  };
  std::vector<std::string> missing;
  for (const auto& [path, digest] : manifest.resources) {
    if (present.count(path) == 0)
      missing.push_back(path);
  }
  list("covered", covered);
  list("uncovered", uncovered);
  list("mismatched", mismatched);
  list("missing", missing);
  list("pickle_files", pickles);
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace relgate::import
