// Importers: evidence a release pipeline already produces (lockfiles, SBOMs, provenance,
// ...) turned into facts with a documented schema (docs/facts.md). Each kind reads the
// bytes of one file and writes one facts document through facts::TreeBuilder, so every
// limit of the facts loaders applies; malformed input is a LoadError naming the file and
// the line and column or the path in it, never a partial document.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/facts/facts.h"

namespace relgate::import {

// What `relgate import` was asked: the inputs and the options some kinds take.
struct Request {
  std::vector<std::string> inputs;  // files; a directory or a repository for some kinds
  std::string verify_key;           // --verify-key KEY.pem: signatures must verify with it
  std::string subject;              // --subject [NAME@]sha256:HEX: for a bare predicate
  std::string head;                 // --head SHA: the commit being released
  std::string range;                // --range A..B: the revisions to read (git)
  std::string trusted_keys;         // --trusted-keys FILE: whose signatures count (git)
};

// The options of Request, as flags: which ones a kind accepts.
enum Option : unsigned {
  kVerifyKey = 1,
  kSubject = 2,
  kHead = 4,
  kRange = 8,
  kTrustedKeys = 16,
};

using ImportBytes = std::unique_ptr<facts::Document> (*)(std::string_view bytes,
                                                         const std::string& path,
                                                         facts::LoadError& error);
using ImportRequest = std::unique_ptr<facts::Document> (*)(const Request& request,
                                                           facts::LoadError& error);

struct Kind {
  const char* name;  // `npm-lock`
  const char* description;
  // One input's bytes to facts, with no options (what `--facts KIND:FILE`, a replay of a
  // recorded import and the fuzz target use). Null for kinds that cannot work from bytes
  // alone (a git repository, a model joined with its manifest).
  ImportBytes import;
  // The kinds that take options, several inputs, or read their input themselves (an
  // archive larger than a facts file, a directory): used instead of `import` when set.
  ImportRequest import_request = nullptr;
  unsigned options = 0;  // the Option flags it accepts
  // True for kinds that read their inputs themselves, which can be larger than a facts
  // file or a directory: `--facts KIND:PATH` records the facts they produced, not the input.
  bool reads_itself = false;
  const char* inputs = "FILE";  // what it reads, for usage messages
  size_t min_inputs = 1, max_inputs = 1;
};

// Every kind, in the order `relgate import --list` shows them.
[[nodiscard]] const std::vector<Kind>& Kinds();

// The kind named `name`, or nullptr.
[[nodiscard]] const Kind* FindKind(std::string_view name);

// `npm-lock:package-lock.json` -> the kind and the path, when the text before the first
// `:` names a kind (how `--facts` and recorded histories say "import this").
[[nodiscard]] bool SplitKindPath(const std::string& arg, const Kind*& kind, std::string& path);

// Imports `request` as `kind` (the caller checked the options and the number of inputs):
// through import_request when the kind has one, else the first input read (bounded like a
// facts file) and given to `import`.
[[nodiscard]] std::unique_ptr<facts::Document> Import(const Kind& kind, const Request& request,
                                                      facts::LoadError& error);

// The bytes of `path`, bounded like a facts file; false with `error` set.
[[nodiscard]] bool ReadInput(const std::string& path, std::string& bytes, facts::LoadError& error);

// The kinds' importers (one file per format family).
std::unique_ptr<facts::Document> ImportNpmLock(std::string_view bytes, const std::string& path,
                                               facts::LoadError& error);
std::unique_ptr<facts::Document> ImportPnpmLock(std::string_view bytes, const std::string& path,
                                                facts::LoadError& error);
std::unique_ptr<facts::Document> ImportYarnLock(std::string_view bytes, const std::string& path,
                                                facts::LoadError& error);
std::unique_ptr<facts::Document> ImportCargoLock(std::string_view bytes, const std::string& path,
                                                 facts::LoadError& error);
std::unique_ptr<facts::Document> ImportUvLock(std::string_view bytes, const std::string& path,
                                              facts::LoadError& error);
std::unique_ptr<facts::Document> ImportPylock(std::string_view bytes, const std::string& path,
                                              facts::LoadError& error);
std::unique_ptr<facts::Document> ImportPoetryLock(std::string_view bytes, const std::string& path,
                                                  facts::LoadError& error);
std::unique_ptr<facts::Document> ImportGoSum(std::string_view bytes, const std::string& path,
                                             facts::LoadError& error);
std::unique_ptr<facts::Document> ImportPipRequirements(std::string_view bytes,
                                                       const std::string& path,
                                                       facts::LoadError& error);
std::unique_ptr<facts::Document> ImportSlsa(std::string_view bytes, const std::string& path,
                                            facts::LoadError& error);
std::unique_ptr<facts::Document> ImportSlsaRequest(const Request& request, facts::LoadError& error);
std::unique_ptr<facts::Document> ImportAttestation(std::string_view bytes, const std::string& path,
                                                   facts::LoadError& error);
std::unique_ptr<facts::Document> ImportAttestationRequest(const Request& request,
                                                          facts::LoadError& error);
std::unique_ptr<facts::Document> ImportArchive(std::string_view bytes, const std::string& path,
                                               facts::LoadError& error);
std::unique_ptr<facts::Document> ImportArchiveRequest(const Request& request,
                                                      facts::LoadError& error);
std::unique_ptr<facts::Document> ImportIntotoLink(std::string_view bytes, const std::string& path,
                                                  facts::LoadError& error);
std::unique_ptr<facts::Document> ImportIntotoLinks(const Request& request, facts::LoadError& error);
std::unique_ptr<facts::Document> ImportModelSigning(const Request& request,
                                                    facts::LoadError& error);
std::unique_ptr<facts::Document> ImportGit(const Request& request, facts::LoadError& error);
std::unique_ptr<facts::Document> ImportSpdx(std::string_view bytes, const std::string& path,
                                            facts::LoadError& error);
std::unique_ptr<facts::Document> ImportNpmPack(std::string_view bytes, const std::string& path,
                                               facts::LoadError& error);
std::unique_ptr<facts::Document> ImportGithubWorkflow(std::string_view bytes,
                                                      const std::string& path,
                                                      facts::LoadError& error);
std::unique_ptr<facts::Document> ImportGithubReviews(std::string_view bytes,
                                                     const std::string& path,
                                                     facts::LoadError& error);
std::unique_ptr<facts::Document> ImportGithubReviewsRequest(const Request& request,
                                                            facts::LoadError& error);
std::unique_ptr<facts::Document> ImportCycloneDx(std::string_view bytes, const std::string& path,
                                                 facts::LoadError& error);
std::unique_ptr<facts::Document> ImportGithubActionsRequest(const Request& request,
                                                            facts::LoadError& error);
std::unique_ptr<facts::Document> ImportGitlabCiRequest(const Request& request,
                                                       facts::LoadError& error);

}  // namespace relgate::import
