// `relgate import KIND FILE... [options] [-o OUT.json]`: evidence the pipeline produced, as facts
// (engine/import/). `relgate import --list` names every kind. The output is written
// atomically; nothing is written when the input cannot be imported (exit 2).

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/base/atomic_file.h"
#include "engine/base/printable.h"
#include "engine/import/facts_json.h"
#include "engine/import/importer.h"

namespace relgate::cli {
namespace {

struct ImportArgs {
  std::string trusted_root;
  bool list = false;
  std::vector<std::string> operands;  // KIND FILE...
  std::string output;
  import::Request request;
};

// The options given that `kind` does not take, as `--subject, --head`.
std::string Unaccepted(const import::Kind& kind, const import::Request& r) {
  std::vector<const char*> names;
  auto check = [&](import::Option option, const std::string& value, const char* name) {
    if (!value.empty() && (kind.options & option) == 0)
      names.push_back(name);
  };
  check(import::kVerifyKey, r.verify_key, "--verify-key");
  check(import::kSubject, r.subject, "--subject");
  check(import::kHead, r.head, "--head");
  check(import::kRange, r.range, "--range");
  check(import::kTrustedKeys, r.trusted_keys, "--trusted-keys");
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

Command SetupImport(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Turn pipeline evidence into a facts document: relgate import KIND FILE");
  cmd->add_flag("--list", args->list, "Name every kind with what it reads");
  cmd->add_option("operands", args->operands, "KIND FILE...");
  cmd->add_option("-o,--output", args->output, "Write the facts here (atomically)");
  cmd->add_option("--verify-key", args->request.verify_key,
                  "Verify the input's DSSE signature with this public key (PEM: Ed25519 or "
                  "ECDSA P-256); one that does not verify is an import error");
  cmd->add_option("--subject", args->request.subject,
                  "slsa: the artifact a bare predicate describes, [NAME@]sha256:HEX");
  cmd->add_option("--head", args->request.head,
                  "github-reviews: the commit being released; approvals of another are flagged");
  cmd->add_option("--range", args->request.range, "git: the revisions to read, A..B");
  cmd->add_option("--trusted-keys", args->request.trusted_keys,
                  "git: whose signatures count (an ssh allowed_signers file or a GPG keyring)");
  AddTrustedRootOption(cmd, args->trusted_root);
  return [args]() {
    if (!ApplyTrustedRoot(args->trusted_root))
      return 2;
    if (args->list) {
      for (const import::Kind& k : import::Kinds())
        Out("{}  {}\n", k.name, k.description);
      return 0;
    }
    if (args->operands.empty()) {
      Err("relgate: error: give KIND FILE (relgate import --list names the kinds)\n");
      return 2;
    }
    const import::Kind* kind = import::FindKind(args->operands[0]);
    if (kind == nullptr) {
      Err("relgate: error: no import kind `{}`; kinds:", Printable(args->operands[0]));
      for (const import::Kind& k : import::Kinds())
        Err(" {}", k.name);
      Err("\n");
      return 2;
    }
    import::Request& request = args->request;
    request.inputs.assign(args->operands.begin() + 1, args->operands.end());
    if (request.inputs.size() < kind->min_inputs || request.inputs.size() > kind->max_inputs) {
      Err("relgate: error: give {} {}\n", kind->name, kind->inputs);
      return 2;
    }
    if (const std::string extra = Unaccepted(*kind, request); !extra.empty()) {
      Err("relgate: error: {} does not take {}\n", kind->name, extra);
      return 2;
    }
    facts::LoadError error;
    auto doc = import::Import(*kind, request, error);
    if (!doc) {
      std::string inputs;
      for (const std::string& input : request.inputs)
        inputs += fmt::format("{}{}`", (inputs.empty() ? "`" : ", `"), Printable(input));
      Err("{}\nrelgate: {} cannot be imported as {}\n", error.ToString(), inputs, kind->name);
      return 2;
    }
    const std::string json = import::FactsJson(*doc);
    if (!args->output.empty()) {
      if (std::string failed = WriteFileAtomically(args->output, json); !failed.empty()) {
        Err("relgate: error: {}\n", Printable(failed));
        return 2;
      }
      return 0;
    }
    return WriteOut(json) && OutFlushed() ? 0 : 2;
  };
}

}  // namespace relgate::cli
