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

struct Kind {
  const char* name;  // `npm-lock`
  const char* description;
  std::unique_ptr<facts::Document> (*import)(std::string_view bytes, const std::string& path,
                                             facts::LoadError& error);
  // For kinds whose input carries signatures: the import with `--verify-key KEY.pem`,
  // where a signature that does not verify is an import error. Null for the others.
  std::unique_ptr<facts::Document> (*import_verified)(std::string_view bytes,
                                                      const std::string& path,
                                                      const std::string& key_pem,
                                                      facts::LoadError& error) = nullptr;
};

// Every kind, in the order `relgate import --list` shows them.
[[nodiscard]] const std::vector<Kind>& Kinds();

// The kind named `name`, or nullptr.
[[nodiscard]] const Kind* FindKind(std::string_view name);

// `npm-lock:package-lock.json` -> the kind and the path, when the text before the first
// `:` names a kind (how `--facts` and recorded histories say "import this").
[[nodiscard]] bool SplitKindPath(const std::string& arg, const Kind*& kind, std::string& path);

// Reads `path` (bounded like a facts file) and imports it as `kind`; with `verify_key`,
// through the kind's import_verified (which the caller checked exists).
[[nodiscard]] std::unique_ptr<facts::Document> ImportFile(const Kind& kind, const std::string& path,
                                                          facts::LoadError& error,
                                                          const std::string& verify_key = "");

// The kinds' importers (one file per format family).
std::unique_ptr<facts::Document> ImportNpmLock(std::string_view bytes, const std::string& path,
                                               facts::LoadError& error);
std::unique_ptr<facts::Document> ImportGoSum(std::string_view bytes, const std::string& path,
                                             facts::LoadError& error);
std::unique_ptr<facts::Document> ImportPipRequirements(std::string_view bytes,
                                                       const std::string& path,
                                                       facts::LoadError& error);
std::unique_ptr<facts::Document> ImportSlsa(std::string_view bytes, const std::string& path,
                                            facts::LoadError& error);
std::unique_ptr<facts::Document> ImportSlsaVerified(std::string_view bytes, const std::string& path,
                                                    const std::string& verify_key,
                                                    facts::LoadError& error);
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
std::unique_ptr<facts::Document> ImportCycloneDx(std::string_view bytes, const std::string& path,
                                                 facts::LoadError& error);

}  // namespace relgate::import
