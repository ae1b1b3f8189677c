// `relgate version [--json]`: what a gate's record needs to say which relgate decided —
// the version, the commit and the compiler it was built from and with, the digest of the
// embedded stdlib (the rule modules a policy imports), and the dates of the embedded trust
// material (Sigstore trusted roots, npm registry keys) a verification relies on.
#include "cli/build_info.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "engine/base/digest.h"
#include "engine/base/json_writer.h"
#include "engine/base/version.h"
#include "engine/sigstore/trust_root.h"

namespace relgate::cli {
namespace {

// SHA-256 over every embedded module in name order, each as `std/NAME.gate`, a NUL, its
// text and a NUL: two builds embed the same modules exactly when the digests agree.
std::string StdlibDigest(const std::vector<std::string>& names) {
  const check::Stdlib stdlib;
  std::string all;
  for (const std::string& name : names) {
    std::string path;
    all += fmt::format("std/{}.gate", name);
    all += '\0';
    all += stdlib.Read(name, path).value_or("");
    all += '\0';
  }
  return fmt::format("sha256:{}", Sha256Hex(all));
}

std::string VersionJson(const std::vector<std::string>& modules, const std::string& digest) {
  JsonWriter w;
  w.Open('{');
  w.Field("version", kRelgateVersion);
  w.Field("commit", kBuildInfo.commit);
  w.Key("build");
  w.Open('{');
  w.Field("compiler", kBuildInfo.compiler);
  w.Field("type", kBuildInfo.build_type);
  w.Field("flags", kBuildInfo.flags);
  w.Close('}');
  w.Key("stdlib");
  w.Open('{');
  w.Field("digest", digest);
  w.Key("modules");
  w.Open('[');
  for (const std::string& name : modules)
    w.String(fmt::format("std.{}", name));
  w.Close(']');
  w.Close('}');
  w.Key("trusted_roots");
  w.Open('[');
  for (const sigstore::EmbeddedRoot& root : sigstore::EmbeddedRoots()) {
    w.Open('{');
    w.Field("name", root.name);
    w.Field("snapshot", root.snapshot);
    w.Field("source", root.source);
    w.Close('}');
  }
  w.Close(']');
  w.Key("npm_registry_keys");
  w.Open('{');
  w.Field("snapshot", sigstore::ManagedKeysSnapshot());
  w.Close('}');
  w.Close('}');
  return w.TakeLine();
}

std::string VersionText(const std::vector<std::string>& modules, const std::string& digest) {
  std::string out =
      fmt::format("relgate {}\ncommit: {}\nbuilt with: {} ({}; {})\n", kRelgateVersion,
                  kBuildInfo.commit, kBuildInfo.compiler, kBuildInfo.build_type, kBuildInfo.flags);
  out += fmt::format("stdlib: {} ({} modules)\n", digest, modules.size());
  for (const sigstore::EmbeddedRoot& root : sigstore::EmbeddedRoots())
    out += fmt::format("trusted root {}: snapshot of {}\n", root.name, root.snapshot);
  out += fmt::format("npm registry keys: snapshot of {}\n", sigstore::ManagedKeysSnapshot());
  return out;
}

}  // namespace

Command SetupVersion(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "version",
      "Say which relgate this is: version, commit, compiler, the embedded stdlib's digest "
      "and the dates of the embedded trusted roots");
  cmd->add_flag("--json", *json, "One JSON object");
  return [json]() {
    const std::vector<std::string> modules = check::Stdlib().Names();
    const std::string digest = StdlibDigest(modules);
    return WriteOut(*json ? VersionJson(modules, digest) : VersionText(modules, digest)) ? 0 : 2;
  };
}

}  // namespace relgate::cli
