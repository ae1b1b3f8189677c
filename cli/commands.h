// The subcommands of `relgate`, one file each. Each Setup* registers its options with
// CLI11 and returns the function that runs it, which returns the process exit code:
// 0 gate open / success, 1 gate shut by policy, 2 could not decide (bad policy, bad
// facts, bad usage).
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "engine/bundle/bundle.h"
#include "engine/check/loader.h"
#include "engine/decider.h"

namespace relgate::cli {

using Command = std::function<int()>;

Command SetupCheck(CLI::App& app);
Command SetupEval(CLI::App& app);
Command SetupHistory(CLI::App& app);
Command SetupReplay(CLI::App& app);
Command SetupVerifyAttestation(CLI::App& app);
Command SetupVerifyBundle(CLI::App& app);
Command SetupTest(CLI::App& app);
Command SetupFmt(CLI::App& app);
Command SetupImport(CLI::App& app);
Command SetupVersion(CLI::App& app);
Command SetupBundle(CLI::App& app);
Command SetupLsp(CLI::App& app);

// Shared helpers (common.cpp).
bool ColorFor(int fd);  // a terminal, and NO_COLOR not set
check::Stdlib StdlibFrom(const std::string& flag);

// The one compile step of every command that reads a policy: `paths` compiled with the
// stdlib StdlibFrom(stdlib) names, every diagnostic written to stderr (coloured on a
// terminal). Null when it does not compile; the caller says what that means for it.
// A single `paths` entry naming a file `*.bundle` is a policy bundle, loaded when it
// verifies with `bundle_key` (engine/bundle; without a key it is refused, and a key with
// no bundle is a usage error); `bundle`, when given, is set to what a decision records.
std::unique_ptr<compile::Program> CompileForCommand(const std::vector<std::string>& paths,
                                                    const std::string& stdlib, SourceMap& sources,
                                                    DiagnosticSink& sink,
                                                    const std::string& bundle_key = "",
                                                    bundle::BundleInfo* bundle = nullptr);
// `--bundle-key PUB.pem` on the commands that take --policy.
void AddBundleKeyOption(CLI::App* cmd, std::string& key);
// `--now`: an RFC 3339 time or a date; empty means the wall clock (whole seconds).
// `--since` / `--until`: an RFC 3339 time or a date; empty leaves `out` as it is. False
// (the message printed) when the text is neither.
bool ParseTimeFlag(const char* flag, const std::string& text, int64_t& out);
// `given`: the option was on the command line (an empty value is then an error).
bool ParseNow(const std::string& text, bool given, int64_t& now, std::string& error);
// `--trusted-root FILE` (or $RELGATE_TRUSTED_ROOT) on the commands that verify Sigstore
// bundles: registers the option, and applies it (false, the message printed, when the
// file is not a trusted root).
void AddTrustedRootOption(CLI::App* cmd, std::string& path);
bool ApplyTrustedRoot(const std::string& path);

}  // namespace relgate::cli
