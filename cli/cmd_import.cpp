// `relgate import KIND FILE [-o OUT.json]`: evidence the pipeline produced, as facts
// (engine/import/). `relgate import --list` names every kind. The output is written
// atomically; nothing is written when the input cannot be imported (exit 2).
#include <iostream>

#include "cli/commands.h"
#include "engine/base/atomic_file.h"
#include "engine/base/printable.h"
#include "engine/import/facts_json.h"
#include "engine/import/importer.h"

namespace relgate::cli {
namespace {

struct ImportArgs {
  bool list = false;
  std::vector<std::string> operands;  // KIND FILE
  std::string output;
  std::string verify_key;
};

}  // namespace

Command SetupImport(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import", "Turn pipeline evidence into a facts document: relgate import KIND FILE");
  cmd->add_flag("--list", args->list, "Name every kind with what it reads");
  cmd->add_option("operands", args->operands, "KIND FILE");
  cmd->add_option("-o,--output", args->output, "Write the facts here (atomically)");
  cmd->add_option("--verify-key", args->verify_key,
                  "Verify the input's DSSE signature with this public key (PEM: Ed25519 or "
                  "ECDSA P-256); one that does not verify is an import error");
  return [args]() {
    if (args->list) {
      for (const import::Kind& k : import::Kinds())
        std::cout << k.name << "  " << k.description << "\n";
      return 0;
    }
    if (args->operands.size() != 2) {
      std::cerr << "relgate: error: give KIND FILE (relgate import --list names the kinds)\n";
      return 2;
    }
    const import::Kind* kind = import::FindKind(args->operands[0]);
    if (kind == nullptr) {
      std::cerr << "relgate: error: no import kind `" << Printable(args->operands[0])
                << "`; kinds:";
      for (const import::Kind& k : import::Kinds())
        std::cerr << " " << k.name;
      std::cerr << "\n";
      return 2;
    }
    if (!args->verify_key.empty() && kind->import_verified == nullptr) {
      std::cerr << "relgate: error: " << kind->name
                << " carries no signatures for --verify-key to check\n";
      return 2;
    }
    facts::LoadError error;
    auto doc = import::ImportFile(*kind, args->operands[1], error, args->verify_key);
    if (!doc) {
      std::cerr << error.ToString() << "\nrelgate: `" << Printable(args->operands[1])
                << "` cannot be imported as " << kind->name << "\n";
      return 2;
    }
    const std::string json = import::FactsJson(*doc);
    if (!args->output.empty()) {
      if (std::string failed = WriteFileAtomically(args->output, json); !failed.empty()) {
        std::cerr << "relgate: error: " << Printable(failed) << "\n";
        return 2;
      }
      return 0;
    }
    std::cout << json;
    std::cout.flush();
    return std::cout ? 0 : 2;
  };
}

}  // namespace relgate::cli
