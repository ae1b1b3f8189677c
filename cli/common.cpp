#include <chrono>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/base/bounded_read.h"
#include "engine/base/limits.h"
#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/sigstore/trust_root.h"
#include <unistd.h>

namespace relgate::cli {

bool ColorFor(int fd) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && no_color[0] != '\0')
    return false;
  return isatty(fd) != 0;
}

check::Stdlib StdlibFrom(const std::string& flag) {
  if (!flag.empty())
    return check::Stdlib(flag);
  const char* env = std::getenv("RELGATE_STDLIB");
  if (env != nullptr && env[0] != '\0')
    return check::Stdlib(env);
  return check::Stdlib();
}

std::unique_ptr<compile::Program> CompileForCommand(const std::vector<std::string>& paths,
                                                    const std::string& stdlib, SourceMap& sources,
                                                    DiagnosticSink& sink,
                                                    const std::string& bundle_key,
                                                    bundle::BundleInfo* bundle) {
  const bool bundled = paths.size() == 1 && bundle::LooksLikeBundle(paths.front());
  if (!bundled) {
    if (!bundle_key.empty()) {
      Err("relgate: error: --bundle-key is for a policy bundle (one --policy, a file named "
          "*.bundle, made by relgate bundle build)\n");
      return nullptr;
    }
    auto program = CompilePolicy(paths, StdlibFrom(stdlib), sources, sink);
    WriteErr(RenderAll(sink, sources, ColorFor(STDERR_FILENO)));
    return program;
  }
  if (bundle_key.empty()) {
    Err("relgate: error: {} is a policy bundle: give --bundle-key PUB.pem, the key it must be "
        "signed with\n",
        paths.front());
    return nullptr;
  }
  std::string text, error = ReadBounded(paths.front(), {limits::kMaxFactsBytes, false}, text);
  if (!error.empty()) {
    Err("relgate: error: policy bundle {} {}\n", paths.front(), error);
    return nullptr;
  }
  bundle::BundleInfo info;
  auto loaded = bundle::Load(paths.front(), text, bundle_key, sources, info, error);
  if (!loaded) {
    Err("relgate: error: {}\n", error);
    return nullptr;
  }
  auto program = CompileLoaded(std::move(*loaded), sources, sink);
  WriteErr(RenderAll(sink, sources, ColorFor(STDERR_FILENO)));
  if (bundle != nullptr)
    *bundle = std::move(info);
  return program;
}

void AddBundleKeyOption(CLI::App* cmd, std::string& key) {
  cmd->add_option("--bundle-key", key,
                  "The public key (PEM) a policy bundle given as --policy must be signed with "
                  "(relgate bundle build)");
}

bool ParseNow(const std::string& text, bool given, int64_t& now, std::string& error) {
  if (given && text.empty()) {
    // `--now "$RELEASE_TIME"` with the variable unset must not mean "the wall clock".
    error =
        "--now is empty; give an RFC 3339 time or a date, or leave --now out for the "
        "current time";
    return false;
  }
  if (!given) {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    now = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count() * kNanosPerSecond;
    return true;
  }
  if (auto t = ParseRfc3339(text)) {
    now = *t;
    return true;
  }
  if (auto d = ParseDate(text)) {
    now = *d;
    return true;
  }
  const std::string problem = TimeProblem(text);
  error = fmt::format(
      "--now `{}` {}", Printable(text),
      (problem.empty() ? "is not an RFC 3339 time (2026-05-01T12:00:00Z) or a date" : problem));
  return false;
}

bool ParseTimeFlag(const char* flag, const std::string& text, int64_t& out) {
  if (text.empty())
    return true;
  if (auto t = ParseRfc3339(text)) {
    out = *t;
    return true;
  }
  if (auto d = ParseDate(text)) {
    out = *d;
    return true;
  }
  const std::string problem = TimeProblem(text);
  Err("relgate: error: {} `{}` {}\n", flag, Printable(text),
      (problem.empty() ? "is not an RFC 3339 time or a date" : problem));
  return false;
}

void AddTrustedRootOption(CLI::App* cmd, std::string& path) {
  cmd->add_option("--trusted-root", path,
                  "A Sigstore trusted_root.json to verify bundles with, instead of the embedded "
                  "snapshots (public-good and GitHub's)")
      ->envname("RELGATE_TRUSTED_ROOT");
}

bool ApplyTrustedRoot(const std::string& path) {
  if (path.empty())
    return true;
  std::string error;
  if (!sigstore::UseTrustedRootFile(path, error)) {
    Err("relgate: error: --trusted-root {}\n", Printable(error));
    return false;
  }
  return true;
}

}  // namespace relgate::cli
