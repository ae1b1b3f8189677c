#include "engine/import/importer.h"

#include "engine/base/bounded_read.h"
#include "engine/base/limits.h"

namespace relgate::import {

const std::vector<Kind>& Kinds() {
  static const std::vector<Kind> kinds = {
      {"npm-lock",
       "npm's package-lock.json (v1, v2, v3): each dependency's name, version, source, "
       "integrity, install script, direct or transitive",
       ImportNpmLock},
      {"pnpm-lock",
       "pnpm's pnpm-lock.yaml (5.x, 6.x, 9.x): each package's name, version, integrity, "
       "install script (5.x/6.x), dev, optional, direct",
       ImportPnpmLock},
      {"yarn-lock",
       "Yarn's yarn.lock, classic (v1) and berry (2+): each package's name, version, source, "
       "integrity or checksum, direct (berry)",
       ImportYarnLock},
      {"cargo-lock",
       "Cargo's Cargo.lock (formats 1-4): each crate's name, version, source, checksum, "
       "pinned, direct",
       ImportCargoLock},
      {"uv-lock",
       "uv's uv.lock (version 1): each package's name, version, source, hashes, whether it "
       "may build from source (an sdist, git, a directory) or installs wheels only, direct, dev",
       ImportUvLock},
      {"pylock",
       "PEP 751 pylock.toml (lock-version 1): each package's name, version, source, hashes, "
       "whether it may build from source or installs wheels only",
       ImportPylock},
      {"poetry-lock",
       "Poetry's poetry.lock (lock-version 1.x, 2.x): each package's name, version, hashes, "
       "whether it may build from source or installs wheels only, dev, optional",
       ImportPoetryLock},
      {"go-sum", "Go's go.sum: each module version with its content and go.mod hashes",
       ImportGoSum},
      {"pip-requirements",
       "pip requirements files: each requirement, pinned exactly (==) or not, with its "
       "--hash values",
       ImportPipRequirements},
      {"slsa",
       "SLSA provenance v0.2/v1 in an in-toto statement, bare, in a DSSE envelope, a "
       "Sigstore bundle, a PEP 740 attestation, npm's attestations or JSON Lines",
       ImportSlsa, ImportSlsaRequest, kVerifyKey | kSubject},
      {"attestation",
       "any in-toto attestation (release, test results, PyPI/npm publish, ...) wherever slsa "
       "finds them: types, subjects, keyless signer, the predicate's values by path",
       ImportAttestation, ImportAttestationRequest, kVerifyKey},
      {"in-toto-link",
       "in-toto link metadata (signed, DSSE, or the link predicate), one file per step: "
       "name, command, materials and products with digests, return value, key ids",
       ImportIntotoLink, ImportIntotoLinks, 0, false, "LINK...", 1, 256},
      {"cyclonedx",
       "CycloneDX SBOM (JSON, spec 1.2-1.6): components with name, version, purl, hashes, "
       "licences, supplier; dependency edges",
       ImportCycloneDx},
      {"spdx",
       "SPDX 2.2/2.3 JSON and SPDX 3.0 JSON-LD SBOMs: packages with name, version, purl, "
       "checksums, licence, "
       "supplier; DEPENDS_ON edges",
       ImportSpdx},
      {"npm-pack",
       "`npm pack --dry-run --json`: the package's files (artifact.files), sizes, modes and "
       "digest",
       ImportNpmPack},
      {"archive",
       "a package as published (.tgz/.tar/npm tarball, .whl/.zip, .crate, .gem) or a "
       "directory: every file's path, type, size, mode, sha256 and link target",
       ImportArchive, ImportArchiveRequest, 0, /*reads_itself=*/true, "ARCHIVE|DIRECTORY"},
      {"model-signing",
       "an OpenSSF model signature joined with the model (a directory or an archive): files "
       "covered, uncovered, with other digests, missing, and pickle-based weights",
       nullptr, ImportModelSigning, kVerifyKey, true, "SIGNATURE MODEL", 2, 2},
      {"git",
       "a local repository's commits in --range A..B: authors, committers, times, trailers, "
       "signatures checked against --trusted-keys; the tag B and whether it is signed",
       nullptr, ImportGit, kRange | kTrustedKeys, true, "REPOSITORY"},
      {"github-workflow",
       "GitHub Actions workflows: triggers, permissions, runners, each `uses:` and whether "
       "it is pinned to a commit SHA, secrets, caches, pull-request-head checkouts",
       ImportGithubWorkflow},
      {"github-reviews",
       "GitHub's REST list of pull-request reviews: each reviewer's latest decision and the "
       "commit it was made on",
       ImportGithubReviews, ImportGithubReviewsRequest, kHead},
      // The job's environment: read at import (the facts are recorded, not the input).
      {"github-actions",
       "the GitHub Actions job the gate runs in (GITHUB_*, RUNNER_*, the event payload at "
       "$GITHUB_EVENT_PATH or the file given): repository, ref, commit, workflow, run, actor, "
       "runner, pull request; builder from RUNNER_ENVIRONMENT",
       nullptr, ImportGithubActionsRequest, 0, /*reads_itself=*/true, "[EVENT.json]", 0, 1},
      {"gitlab-ci",
       "the GitLab CI job the gate runs in (CI_*, GITLAB_*): project, ref, commit, pipeline, "
       "job, user, runner, merge request",
       nullptr, ImportGitlabCiRequest, 0, /*reads_itself=*/true, "(the environment)", 0, 0},
  };
  return kinds;
}

const Kind* FindKind(std::string_view name) {
  for (const Kind& k : Kinds()) {
    if (name == k.name)
      return &k;
  }
  return nullptr;
}

bool SplitKindPath(const std::string& arg, const Kind*& kind, std::string& path) {
  const size_t colon = arg.find(':');
  if (colon == std::string::npos)
    return false;
  kind = FindKind(std::string_view(arg).substr(0, colon));
  if (kind == nullptr)
    return false;
  path = arg.substr(colon + 1);
  return true;
}

bool ReadInput(const std::string& path, std::string& bytes, facts::LoadError& error) {
  error.file = path;
  error.message = ReadBounded(path, {limits::kMaxFactsBytes, /*allow_pipes=*/true}, bytes);
  return error.message.empty();
}

std::unique_ptr<facts::Document> Import(const Kind& kind, const Request& request,
                                        facts::LoadError& error) {
  std::unique_ptr<facts::Document> doc;
  if (kind.import_request != nullptr) {
    doc = kind.import_request(request, error);
  } else {
    std::string bytes;
    if (!ReadInput(request.inputs.front(), bytes, error))
      return nullptr;
    doc = kind.import(bytes, request.inputs.front(), error);
  }
  if (doc != nullptr && !request.inputs.empty())
    doc->set_source_path(request.inputs.front());
  return doc;
}

}  // namespace relgate::import
