// Signed policy bundles: how an organisation's policy reaches every repository without
// living in it. `relgate bundle build` checks and compiles a policy, then writes every file
// it is made of — the policy's own files and the stdlib modules it imports, each with its
// text, its SHA-256 and its syntax tree — with the relgate version and the syntax-tree
// format that built it, and a revision, as the payload of a DSSE envelope signed with the
// organisation's key (Ed25519 or ECDSA P-256, as verification summaries are). A gate loads
// it with the public key: the envelope must verify, the format must be this relgate's, and
// each text must match its digest; then the trees go to the checker and the compiler, never
// through the parser. The stdlib modules are the bundle's, not the binary's: a bundle
// decides the same under every relgate that reads its format.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/diagnostic.h"
#include "engine/base/source.h"
#include "engine/check/loader.h"

namespace relgate::bundle {

inline constexpr const char* kPayloadType = "application/vnd.relgate.policy-bundle+json";
inline constexpr const char* kBundleType = "relgate.policy-bundle/v1";

struct BuildOptions {
  std::string sign_key;  // a PEM private key (Ed25519 or P-256)
  std::string revision;  // what the organisation calls this version of its policy
};

// Compiles the policy in `paths` (diagnostics into `sink`, rendered with `sources`) and, when
// it compiles, returns the signed bundle (JSON, one line). "" with `error` when the key
// cannot sign; "" with diagnostics in `sink` when the policy does not compile.
[[nodiscard]] std::string Build(const std::vector<std::string>& paths, const check::Stdlib& stdlib,
                                const BuildOptions& options, SourceMap& sources,
                                DiagnosticSink& sink, std::string& error);

// What a decision records of the bundle it was made with.
struct BundleInfo {
  std::string digest;    // SHA-256 of the bundle file, hex
  std::string revision;  // as built (may be empty)
  std::string built_by;  // the relgate version that built it
};

// Loads the bundle `text` (read from `path`) signed by the public key in `key_path`: its
// files into `sources`, its trees as the policy's modules. Null with `error` — naming the
// bundle and what failed: the signature, the payload type, the format, a digest, a tree —
// when it cannot be trusted or read; the caller stays shut (exit 2).
[[nodiscard]] std::optional<check::LoadedPolicy> Load(const std::string& path,
                                                      std::string_view text,
                                                      const std::string& key_path,
                                                      SourceMap& sources, BundleInfo& info,
                                                      std::string& error);

// Whether a --policy argument names a bundle: a regular file whose name ends in `.bundle`.
[[nodiscard]] bool LooksLikeBundle(const std::string& path);

}  // namespace relgate::bundle
