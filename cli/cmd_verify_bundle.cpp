// `relgate verify-bundle --bundle FILE (--certificate-identity ID --certificate-oidc-issuer
// URL | --key PEM) [--trusted-root FILE] FILE_OR_DIGEST`: a Sigstore bundle verified
// offline (engine/sigstore/verify.h), with the arguments and order of the Sigstore
// conformance suite's client protocol, so its runner can drive relgate. Exit 0 verified;
// 1 it does not verify (the failed check on stderr); 2 the input cannot be read, or bad
// usage.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/base/bounded_read.h"
#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/sigstore/verify.h"

namespace relgate::cli {
namespace {

struct VerifyBundleArgs {
  std::string bundle, artifact, identity, identity_regex, issuer, issuer_regex, key, trusted_root;
};

constexpr size_t kMaxArtifactBytes = size_t{1} << 30;

}  // namespace

Command SetupVerifyBundle(CLI::App& app) {
  auto args = std::make_shared<VerifyBundleArgs>();
  CLI::App* cmd = app.add_subcommand(
      "verify-bundle",
      "Verify a Sigstore bundle offline against the trusted roots: exit 0 verified, 1 it does "
      "not verify (the failed check is named), 2 it cannot be read");
  cmd->add_option("--bundle", args->bundle, "The Sigstore bundle (JSON)")->required();
  cmd->add_option("--certificate-identity", args->identity,
                  "The signer's identity, exactly (the certificate's URI or e-mail)");
  cmd->add_option("--certificate-identity-regexp", args->identity_regex,
                  "The signer's identity, as a regular expression matched in full (RE2)");
  cmd->add_option("--certificate-oidc-issuer", args->issuer, "The OIDC issuer, exactly");
  cmd->add_option("--certificate-oidc-issuer-regexp", args->issuer_regex,
                  "The OIDC issuer, as a regular expression matched in full (RE2)");
  cmd->add_option("--key", args->key, "A managed key (PEM) instead of a certificate identity");
  AddTrustedRootOption(cmd, args->trusted_root);
  cmd->add_option("artifact", args->artifact, "The artifact: a file, or sha256:HEX")->required();
  return [args]() {
    const bool keyless = !args->identity.empty() || !args->identity_regex.empty();
    if (keyless == !args->key.empty() ||
        (keyless && args->issuer.empty() && args->issuer_regex.empty())) {
      Err("relgate: error: give --certificate-identity (or -regexp) with "
          "--certificate-oidc-issuer (or -regexp), or --key\n");
      return 2;
    }
    auto read = [](const std::string& path, size_t limit, std::string& out) {
      if (std::string why = ReadBounded(path, {limit, true}, out); !why.empty()) {
        Err("relgate: error: `{}` {}\n", Printable(path), why);
        return false;
      }
      return true;
    };
    std::string bundle_json;
    if (!read(args->bundle, 16u << 20, bundle_json))
      return 2;
    sigstore::Expected expected;
    expected.identity = args->identity;
    expected.identity_regex = args->identity_regex;
    expected.issuer = args->issuer;
    expected.issuer_regex = args->issuer_regex;
    std::string now_error;
    if (!ParseNow("", false, expected.now, now_error))
      return 2;
    expected.has_artifact = true;
    if (args->artifact.rfind("sha256:", 0) == 0 || args->artifact.rfind("sha512:", 0) == 0) {
      expected.artifact = args->artifact;
      expected.artifact_is_digest = true;
    } else if (!read(args->artifact, kMaxArtifactBytes, expected.artifact)) {
      return 2;
    }
    if (!args->key.empty() && !read(args->key, 1u << 20, expected.key_pem))
      return 2;
    if (!ApplyTrustedRoot(args->trusted_root))
      return 2;
    facts::LoadError load;
    auto doc = facts::ParseJson(bundle_json, args->bundle, load, facts::Digest::kSkip);
    if (!doc) {
      Err("relgate: error: {}\n", Printable(load.ToString()));
      return 2;
    }
    sigstore::Bundle bundle;
    std::string error;
    if (!sigstore::ReadBundle(doc->root(), bundle, error)) {
      Err("relgate: error: `{}`: {}\n", Printable(args->bundle), Printable(error));
      return 2;
    }
    const sigstore::Verification v =
        sigstore::VerifyBundle(bundle, expected, sigstore::ActiveTrustedRoots());
    if (!v.ok) {
      Err("relgate: bundle NOT verified ({}): {}\n", v.check, Printable(v.problem));
      return 1;
    }
    Out("verified: signed {}{} at {} (trusted root {}{})\n",
        v.keyless ? "by " : "with the key given", Printable(v.signer.identity),
        FormatRfc3339(v.signing_time), v.trusted_root,
        v.log_index >= 0 ? fmt::format(", log entry {}", v.log_index) : "");
    return 0;
  };
}

}  // namespace relgate::cli
