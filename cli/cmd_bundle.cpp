// `relgate bundle build POLICY... -o FILE --sign-key KEY [--revision R]`: a signed policy
// bundle (engine/bundle), for gates to load with `--policy FILE --bundle-key PUB`; and
// `relgate bundle verify FILE --bundle-key PUB`: whether it verifies and loads, and what
// it holds.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/base/atomic_file.h"
#include "engine/base/printable.h"

namespace relgate::cli {
namespace {

struct BundleArgs {
  std::vector<std::string> policy;
  std::string output;
  std::string sign_key;
  std::string revision;
  std::string stdlib;
  std::string file;
  std::string bundle_key;
};

int Build(const BundleArgs& args) {
  if (args.output.size() < 8 || args.output.compare(args.output.size() - 7, 7, ".bundle") != 0) {
    Err("relgate: error: -o must name a file ending in .bundle (how --policy tells a bundle "
        "from a .gate file)\n");
    return 2;
  }
  SourceMap sources;
  DiagnosticSink sink;
  std::string error;
  const std::string bundle = bundle::Build(args.policy, StdlibFrom(args.stdlib),
                                           {args.sign_key, args.revision}, sources, sink, error);
  WriteErr(RenderAll(sink, sources, ColorFor(STDERR_FILENO)));
  if (bundle.empty()) {
    if (error.empty())
      Err("relgate: the policy does not compile; no bundle written\n");
    else
      Err("relgate: error: {}\n", Printable(error));
    return 2;
  }
  if (std::string why = WriteFileAtomically(args.output, bundle); !why.empty()) {
    Err("relgate: error: {}\n", Printable(why));
    return 2;
  }
  Out("wrote {} ({} bytes, sha256:{}{})\n", args.output, bundle.size(), Sha256Hex(bundle),
      args.revision.empty() ? "" : fmt::format(", revision {}", args.revision));
  return 0;
}

int Verify(const BundleArgs& args) {
  SourceMap sources;
  DiagnosticSink sink;
  bundle::BundleInfo info;
  auto program = CompileForCommand({args.file}, args.stdlib, sources, sink, args.bundle_key, &info);
  if (program == nullptr)
    return 2;
  std::string out =
      fmt::format("verified: {} (sha256:{})\nrevision: {}\nbuilt by: relgate {}\n", args.file,
                  info.digest, info.revision.empty() ? "(none)" : info.revision, info.built_by);
  out += fmt::format("policy {} ({} rules), sha256:{}\n", program->package(),
                     program->rules().size(), program->digest());
  for (const SourceDigest& source : program->sources())
    out += fmt::format("  {} sha256:{}\n", source.path, source.sha256);
  return WriteOut(out) ? 0 : 2;
}

}  // namespace

Command SetupBundle(CLI::App& app) {
  auto args = std::make_shared<BundleArgs>();
  CLI::App* cmd = app.add_subcommand(
      "bundle",
      "Build or verify a signed policy bundle: the policy and the stdlib modules it imports, "
      "checked, compiled and signed, for gates to load with --policy FILE --bundle-key PUB");
  cmd->require_subcommand(1);
  CLI::App* build =
      cmd->add_subcommand("build", "Check and compile a policy and write it as a signed bundle");
  build->add_option("policy", args->policy, "The policy: .gate files or one directory")->required();
  build->add_option("-o,--output", args->output, "The bundle to write (FILE.bundle)")->required();
  build
      ->add_option("--sign-key", args->sign_key,
                   "The private key (PEM, Ed25519 or ECDSA P-256) to sign it with")
      ->required();
  build->add_option("--revision", args->revision,
                    "What the organisation calls this version of its policy (recorded in every "
                    "decision made with it)");
  build->add_option("--stdlib", args->stdlib, "Directory of std.* modules");
  CLI::App* verify = cmd->add_subcommand(
      "verify", "Check that a bundle verifies with a key and compiles; say what it holds");
  verify->add_option("bundle", args->file, "The bundle (FILE.bundle)")->required();
  verify
      ->add_option("--bundle-key", args->bundle_key, "The public key (PEM) it must be signed with")
      ->required();
  return [args, build]() { return build->parsed() ? Build(*args) : Verify(*args); };
}

}  // namespace relgate::cli
