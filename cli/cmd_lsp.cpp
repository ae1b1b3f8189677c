// `relgate lsp`: the language server (engine/lsp), over stdin and stdout. Editors start
// it; a person does not talk to it. Logs go to stderr, which editors show in their
// server log.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "engine/lsp/server.h"

namespace relgate::cli {

Command SetupLsp(CLI::App& app) {
  auto options = std::make_shared<lsp::ServerOptions>();
  auto stdio = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "lsp", "Language server for .gate policies and their tests (LSP 3.17 over stdio)");
  cmd->add_flag("--stdio", *stdio,
                "Talk over stdin and stdout (the only transport; accepted for clients "
                "that pass it)");
  cmd->add_option("--stdlib", options->stdlib_dir,
                  "Directory of std.* modules (default: the ones built in)");
  cmd->add_option("--cache-dir", options->cache_dir,
                  "Where read-only copies of the stdlib are written for go-to-definition "
                  "(default: $XDG_CACHE_HOME/relgate or ~/.cache/relgate)");
  return [options]() {
    lsp::Server server(*options);
    return lsp::Serve(server, stdin, stdout);
  };
}

}  // namespace relgate::cli
