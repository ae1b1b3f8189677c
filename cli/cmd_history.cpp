// `relgate history list|show|verify --history HISTORY.db`: reading the recorded decisions
// and checking their hash chain. Exit codes: 0 done (verify: the chain is intact), 1 the
// chain is broken or no longer leads to --head, 2 the history cannot be read or bad usage.

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/base/atomic_file.h"
#include "engine/base/digest.h"
#include "engine/base/printable.h"
#include "engine/base/time.h"
#include "engine/facts/facts.h"
#include "engine/history/jsonl.h"
#include "engine/history/store.h"

namespace relgate::cli {
namespace {

struct HistoryArgs {
  std::string history;
  std::string repo;
  std::string since;
  std::string until;
  std::string verdict;
  std::string head;
  int64_t seq = 0;
  std::string output;
  std::string input;
  bool json = false;  // show: the decision as recorded (JSON), not as text
};

std::unique_ptr<history::Store> OpenOrSay(const std::string& path) {
  std::string error;
  auto store = history::OpenStore(path, /*create=*/false, error);
  if (store == nullptr)
    Err("relgate: error: {}\n", Printable(error));
  return store;
}

int List(const HistoryArgs& args) {
  history::ListFilter filter;
  filter.repo = args.repo;
  filter.verdict = args.verdict;
  if (!ParseTimeFlag("--since", args.since, filter.since) ||
      !ParseTimeFlag("--until", args.until, filter.until)) {
    return 2;
  }
  auto store = OpenOrSay(args.history);
  if (store == nullptr)
    return 2;
  std::string error;
  const bool ok = store->List(
      filter, /*with_facts=*/false,
      [](const history::Record& r) {
        Out("{}  {}  {}  {}  {}  policy sha256:{}\n", r.seq, FormatRfc3339(r.release_time),
            Printable(r.repo), Printable(r.release_id), r.verdict, r.policy_digest.substr(0, 12));
        return true;
      },
      error);
  if (!ok) {
    Err("relgate: error: the history cannot be read: {}\n", Printable(error));
    return 2;
  }
  return 0;
}

// The recorded decision (docs/decision.md) for people: each finding and error on its own
// lines, as `eval` prints them. Read from the JSON a history keeps, not re-decided.
std::string DecisionText(const std::string& json) {
  facts::LoadError error;
  auto doc = facts::ParseJson(json, "recorded decision", error, facts::Digest::kSkip);
  if (!doc)
    return fmt::format("(the recorded decision is not readable: {})\n", error.message);
  auto text = [](const facts::Node* node, std::string_view key) {
    const facts::Node* v = node != nullptr ? node->Find(key) : nullptr;
    return v != nullptr && v->kind == facts::NodeKind::kString ? std::string(v->str()) : "";
  };
  std::string out;
  if (const facts::Node* findings = doc->root().Find("findings");
      findings != nullptr && findings->kind == facts::NodeKind::kArray) {
    for (uint32_t k = 0; k < findings->len; ++k) {
      const facts::Node* f = &findings->items[k];
      const std::string status = text(f, "status");
      const char* tag = status == "blocking"   ? "FAIL "
                        : status == "advisory" ? "WARN "
                        : status == "excepted" ? "EXCEPTED"
                                               : "OVERRIDDEN";
      const std::string item = text(f, "item");
      out += fmt::format("\n{} {}  {}{}  {}\n      {}\n", tag, Printable(text(f, "rule")),
                         text(f, "level"), item.empty() ? "" : fmt::format("  {}", Printable(item)),
                         Printable(text(f, "location")), Printable(text(f, "message")));
    }
  }
  if (const facts::Node* errors = doc->root().Find("errors");
      errors != nullptr && errors->kind == facts::NodeKind::kArray) {
    for (uint32_t k = 0; k < errors->len; ++k) {
      const facts::Node* e = &errors->items[k];
      const std::string path = text(e, "path");
      out += fmt::format("\nERROR {}  {}\n      {}{}\n", Printable(text(e, "rule")),
                         Printable(text(e, "location")),
                         path.empty() ? "" : fmt::format("`{}`: ", Printable(path)),
                         Printable(text(e, "message")));
    }
  }
  return out.empty() ? "\nno findings\n" : out;
}

int Show(const HistoryArgs& args) {
  auto store = OpenOrSay(args.history);
  if (store == nullptr)
    return 2;
  std::string error;
  const auto record = store->Get(args.seq, error);
  if (!record) {
    Err("relgate: error: {}\n", Printable(error));
    return 2;
  }
  Out("record {}\nrelease {} of {} at {}\ndecided {} at {} by policy sha256:{}\n", record->seq,
      Printable(record->release_id), Printable(record->repo), FormatRfc3339(record->release_time),
      record->verdict, FormatRfc3339(record->evaluated_at), record->policy_digest);
  for (const history::StoredFacts& f : record->facts) {
    Out("facts {} ({} bytes) sha256:{}\n", Printable(f.name), f.bytes.size(), Sha256Hex(f.bytes));
  }
  Out("chain prev sha256:{}\nchain hash sha256:{}\n", record->prev_hash, record->hash);
  if (args.json)
    Out("{}", record->decision_json);
  else
    Out("{}", DecisionText(record->decision_json));
  return 0;
}

int Verify(const HistoryArgs& args) {
  auto store = OpenOrSay(args.history);
  if (store == nullptr)
    return 2;
  std::string head = args.head;
  if (head.rfind("sha256:", 0) == 0)
    head = head.substr(7);
  const history::Verification v = store->Verify(head);
  if (!v.ok) {
    Out("history BROKEN after checking {} records: {}\n", v.records, Printable(v.problem));
    return 1;
  }
  Out("history intact: {} records, chain head sha256:{}{}\n", v.records, v.head,
      (head.empty() ? "" : ", which leads to the given head"));
  return 0;
}

int Export(const HistoryArgs& args) {
  auto store = OpenOrSay(args.history);
  if (store == nullptr)
    return 2;
  std::string error;
  std::string buffered;  // for --output, written atomically at the end
  int64_t count = 0;
  const bool ok = store->List(
      {}, /*with_facts=*/true,
      [&](const history::Record& r) {
        ++count;
        if (!args.output.empty()) {
          buffered += history::ToJsonLine(r);
          return true;
        }
        if (WriteOut(history::ToJsonLine(r)))
          return true;
        error = "standard output cannot be written";
        return false;
      },
      error);
  if (!ok || !OutFlushed()) {
    if (error.empty())
      error = "standard output cannot be written";
    Err("relgate: error: the history cannot be exported: {}\n", Printable(error));
    return 2;
  }
  if (!args.output.empty()) {
    if (std::string failed = WriteFileAtomically(args.output, buffered); !failed.empty()) {
      Err("relgate: error: {}\n", Printable(failed));
      return 2;
    }
    Err("relgate: exported {} records to {}\n", count, Printable(args.output));
  }
  return 0;
}

// Two passes: the whole exported chain is checked before anything is written, then the
// records are appended to this history's own chain.
int Import(const HistoryArgs& args) {
  std::string error;
  int64_t count = 0;
  if (!history::ReadJsonLines(
          args.input,
          [&](history::Record&, std::string&) {
            ++count;
            return true;
          },
          error)) {
    Err("relgate: error: nothing imported: {}\n", Printable(error));
    return 2;
  }
  auto store = history::OpenStore(args.history, /*create=*/true, error);
  if (store == nullptr) {
    Err("relgate: error: {}\n", Printable(error));
    return 2;
  }
  std::string head;
  int64_t imported = 0;
  if (!history::ReadJsonLines(
          args.input,
          [&](history::Record& r, std::string& problem) {
            if (!store->Append(r, problem))
              return false;
            head = r.hash;
            ++imported;
            return true;
          },
          error)) {
    Err("relgate: error: import stopped after {} records: {}\n", imported, Printable(error));
    return 2;
  }
  Out("imported {} records (the export's chain checked); chain head sha256:{}\n", imported,
      (head.empty() ? history::kGenesisHash : head));
  return 0;
}

int Migrate(const HistoryArgs& args) {
  std::string message;
  const bool ok = history::Migrate(args.history, message);
  if (ok)
    Out("{}\n", Printable(message));
  else
    Err("relgate: error: {}\n", Printable(message));
  return ok ? 0 : 2;
}

}  // namespace

Command SetupHistory(CLI::App& app) {
  auto args = std::make_shared<HistoryArgs>();
  CLI::App* cmd = app.add_subcommand("history", "Read and verify the recorded decisions");
  cmd->require_subcommand(1);
  auto add_history = [&](CLI::App* sub) {
    sub->add_option("--history", args->history,
                    "The history: a SQLite file, or a postgresql:// URI (credentials from the "
                    "URI, a service or password file, or the environment); default "
                    "$RELGATE_HISTORY")
        ->envname("RELGATE_HISTORY")
        ->required();
  };
  CLI::App* list = cmd->add_subcommand("list", "One line per recorded decision, oldest first");
  add_history(list);
  list->add_option("--repo", args->repo, "Only this repository");
  list->add_option("--since", args->since, "Only releases at or after this time");
  list->add_option("--until", args->until, "Only releases before this time");
  list->add_option("--verdict", args->verdict, "Only this verdict")
      ->check(CLI::IsMember({"open", "shut", "undecided"}));
  CLI::App* show = cmd->add_subcommand("show", "One record: release, facts, chain, decision");
  add_history(show);
  show->add_option("seq", args->seq, "The record's number (first column of list)")->required();
  show->add_flag("--json", args->json,
                 "Print the decision as recorded (JSON, docs/decision.md) instead of as text");
  CLI::App* verify = cmd->add_subcommand(
      "verify", "Check the hash chain: exit 0 intact, 1 broken (naming the first bad record)");
  add_history(verify);
  verify->add_option("--head", args->head,
                     "A chain head kept from an earlier decision: the chain must still lead "
                     "to it (catches deleted newest records)");
  CLI::App* exporter =
      cmd->add_subcommand("export", "Every record as JSON Lines, with its facts and hashes");
  add_history(exporter);
  exporter->add_option("--output,-o", args->output,
                       "Write to this file (atomically) instead of standard output");
  CLI::App* importer = cmd->add_subcommand(
      "import", "Check an exported chain, then append its records to this history");
  add_history(importer);
  importer->add_option("file", args->input, "A JSON Lines export (relgate history export)")
      ->required();
  CLI::App* migrate = cmd->add_subcommand(
      "migrate", "Create the history's schema, or upgrade it (refuses a newer one)");
  add_history(migrate);
  return [args, list, show, verify, exporter, importer, migrate]() {
    if (migrate->parsed())
      return Migrate(*args);
    if (exporter->parsed())
      return Export(*args);
    if (importer->parsed())
      return Import(*args);
    if (list->parsed())
      return List(*args);
    if (show->parsed())
      return Show(*args);
    if (verify->parsed())
      return Verify(*args);
    return 2;
  };
}

}  // namespace relgate::cli
