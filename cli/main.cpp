// relgate: a release-gate policy engine. Exit codes: 0 gate open, 1 gate shut by policy,
// 2 could not decide (bad policy, bad facts, bad usage, or an internal error) — in every
// case but 0 the gate stays shut.

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/base/crypto_process.h"
#include "engine/base/diagnostic.h"
#include "engine/base/version.h"
#include "engine/sigstore/trust_root.h"

int main(int argc, char** argv) {
  relgate::ConfigureCryptoForThisProcess();
  CLI::App app{"relgate: checks the facts of a release against a policy before the gate opens"};
  app.require_subcommand(1);
  // The version, and the dates of the embedded Sigstore trusted roots a verification relies
  // on (docs/security.md: how to refresh them).
  std::string version = fmt::format("relgate {}", relgate::kRelgateVersion);
  for (const relgate::sigstore::EmbeddedRoot& root : relgate::sigstore::EmbeddedRoots())
    version += fmt::format("\ntrusted root {}: snapshot of {}", root.name, root.snapshot);
  version +=
      fmt::format("\nnpm registry keys: snapshot of {}", relgate::sigstore::ManagedKeysSnapshot());
  app.set_version_flag("--version", version);
  // The command table: each entry adds its subcommand and returns what runs it.
  using Setup = relgate::cli::Command (*)(CLI::App&);
  static constexpr Setup kCommands[] = {
      relgate::cli::SetupCheck,        relgate::cli::SetupEval,
      relgate::cli::SetupHistory,      relgate::cli::SetupReplay,
      relgate::cli::SetupImport,       relgate::cli::SetupFmt,
      relgate::cli::SetupTest,         relgate::cli::SetupVerifyAttestation,
      relgate::cli::SetupVerifyBundle, relgate::cli::SetupVersion,
      relgate::cli::SetupBundle,       relgate::cli::SetupLsp,
  };
  std::vector<std::pair<CLI::App*, relgate::cli::Command>> commands;
  for (const Setup setup : kCommands) {
    relgate::cli::Command run = setup(app);
    commands.emplace_back(app.get_subcommands({}).back(), std::move(run));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // bad usage: the gate stays shut
  }
  try {
    for (auto& [sub, run] : commands) {
      if (sub->parsed())
        return run();
    }
  } catch (const relgate::InternalError& e) {
    relgate::cli::Err("relgate: internal error: {}\nthe gate stays shut\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    relgate::cli::Err("relgate: internal error: {}\nthe gate stays shut\n", e.what());
    return 2;
  }
  return 2;
}
