// `relgate eval --policy PATH --facts FILE...`: one gate decision.
#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/record.h"
#include "engine/attest/dsse.h"
#include "engine/base/atomic_file.h"
#include "engine/import/facts_json.h"
#include "engine/relgate.h"
#include "engine/report/finding_groups.h"
#include "engine/report/renderers.h"
#include "engine/report/report.h"
#include "engine/report/vsa_statement.h"
#include <unistd.h>

namespace relgate::cli {
namespace {

struct EvalArgs {
  std::string trusted_root;
  std::vector<std::string> policy;
  std::vector<std::string> facts;
  // Each --format with the --output given right after it (or right before it), in
  // command-line order: filled while parsing (CLI11's trigger_on_parse).
  std::vector<std::pair<std::string, std::string>> reports;
  std::string pending_output;  // an --output waiting for its --format
  std::string report_error;
  std::string now;
  std::vector<std::string> overrides;
  std::string by;
  std::string reason;
  std::string stdlib;
  std::string bundle_key;
  RecordArgs record;
  std::vector<std::string> previous;  // --previous FILE...
  std::string previous_from;          // --previous-from HISTORY
  std::string attest;                 // --attest FILE
  std::string sign_key;
  std::vector<std::string> subjects;
  std::string verifier_id = "urn:relgate:verifier";
  size_t max_findings = report::kDefaultMaxFindings;
};

// One report to write: a renderer, and a file (or "" for standard output).
struct ReportTarget {
  const report::Renderer* renderer;
  std::string output;
};

// Resolves the --format/--output pairs. A format without an output goes to standard
// output (one at most); when every format goes to a file, text still goes to standard
// output, for the person or the CI log watching. `--output F` alone writes text to F.
// False with `error` on a usage error.
bool PlanReports(EvalArgs& args, std::vector<ReportTarget>& targets, std::string& error) {
  if (!args.report_error.empty()) {
    error = args.report_error;
    return false;
  }
  auto& pairs = args.reports;
  if (!args.pending_output.empty()) {
    if (!pairs.empty()) {
      error = fmt::format("--output `{}` follows no --format of its own", args.pending_output);
      return false;
    }
    pairs.push_back({"text", args.pending_output});
  }
  if (pairs.empty())
    pairs.push_back({"text", ""});
  size_t to_stdout = 0;
  for (const auto& [format, output] : pairs) {
    const report::Renderer* renderer = report::FindRenderer(format);
    if (renderer == nullptr) {
      error = fmt::format("unknown --format `{}`; formats:", format);
      for (const report::Renderer& r : report::Renderers())
        error += fmt::format(" {}", r.name);
      return false;
    }
    to_stdout += output.empty();
    targets.push_back({renderer, output});
  }
  if (to_stdout > 1) {
    error = "only one --format can go to standard output: give each of the others an --output";
    return false;
  }
  if (to_stdout == 0)
    targets.push_back({report::FindRenderer("text"), ""});
  return true;
}

// The formats, for --help.
std::string FormatHelp() {
  std::string out = "Report format, repeatable (pair each with an --output):";
  for (const report::Renderer& r : report::Renderers())
    out += fmt::format("\n  {}: {}", r.name, r.description);
  return out;
}

}  // namespace

Command SetupEval(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Decide one release: exit 0 gate open, 1 shut by policy, 2 could not decide");
  cmd->add_option("--policy", args->policy,
                  "A .gate file, or a directory whose .gate files form one policy, or a policy "
                  "bundle (*.bundle, with --bundle-key)")
      ->required();
  cmd->add_option("--facts", args->facts,
                  "A YAML or JSON facts file; repeat to merge files by top-level key")
      ->required();
  CLI::Option* previous =
      cmd->add_option("--previous", args->previous,
                      "The previous release's facts (files as for --facts, repeatable): the "
                      "policy reads them as previous.<fact>");
  cmd->add_option("--previous-from", args->previous_from,
                  "Take previous.<fact> from the last release of this repository the gate let "
                  "through in this history (a SQLite file or a postgresql:// URI)")
      ->excludes(previous);
  cmd->add_option_function<std::string>(
         "--format",
         [args](const std::string& format) {
           args->reports.push_back({format, args->pending_output});
           args->pending_output.clear();
         },
         FormatHelp())
      ->trigger_on_parse();
  cmd->add_option("--max-findings", args->max_findings,
                  "Findings shown per rule in text, github and markdown reports, then how many "
                  "more (0: every one; json, sarif and junit always list every finding)")
      ->capture_default_str();
  CLI::Option* now_option = cmd->add_option(
      "--now", args->now, "Evaluation time (RFC 3339 or date) for exception expiry; default: now");
  cmd->add_option("--override", args->overrides,
                  "Let a failing soft (hold) rule pass; needs --by and --reason; repeatable");
  cmd->add_option("--by", args->by, "Who authorises the overrides");
  cmd->add_option("--reason", args->reason, "Why the overrides are justified");
  cmd->add_option_function<std::string>(
         "--output",
         [args](const std::string& output) {
           if (!args->reports.empty() && args->reports.back().second.empty() &&
               args->pending_output.empty()) {
             args->reports.back().second = output;  // the --format just before
           } else if (args->pending_output.empty()) {
             args->pending_output = output;  // for the --format just after
           } else {
             args->report_error = fmt::format(
                 "two --output in a row (`{}`, `{}`): each --output goes with one --format",
                 args->pending_output, output);
           }
         },
         "Write the report of the --format next to it to this file (atomically); repeatable")
      ->trigger_on_parse();
  cmd->add_option("--record", args->record.history,
                  "Append the decision to this history (SQLite; created if missing)");
  cmd->add_option("--release-id", args->record.release_id,
                  "With --record: the release id (default: the fact release.id)");
  cmd->add_option("--release-time", args->record.release_time,
                  "With --record: the release time, RFC 3339 (default: release.built_at)");
  cmd->add_option("--repo", args->record.repo,
                  "With --record: the repository (default: the fact release.repo)");
  cmd->add_option("--attest", args->attest,
                  "Write the decision as an in-toto Statement with the SLSA verification "
                  "summary (VSA v1) predicate to this file; signed (a DSSE envelope) with "
                  "--sign-key");
  cmd->add_option("--sign-key", args->sign_key,
                  "With --attest: sign with this private key (PEM; Ed25519 or ECDSA P-256)");
  cmd->add_option("--subject", args->subjects,
                  "With --attest: an artifact digest, sha256:HEX or NAME@sha256:HEX "
                  "(default: the fact artifact.digest); repeatable");
  cmd->add_option("--verifier-id", args->verifier_id,
                  "With --attest: the verifier's id (a URI) in the attestation");
  cmd->add_option("--stdlib", args->stdlib,
                  "Directory of std.* modules (default: $RELGATE_STDLIB, else built in)");
  AddBundleKeyOption(cmd, args->bundle_key);
  AddTrustedRootOption(cmd, args->trusted_root);
  return [args, now_option]() {
    if (!ApplyTrustedRoot(args->trusted_root))
      return 2;
    eval::EvalOptions options;
    std::string error;
    std::vector<ReportTarget> targets;
    if (!PlanReports(*args, targets, error)) {
      Err("relgate: error: {}\n", error);
      return 2;
    }
    std::vector<attest::Subject> subjects;
    for (const std::string& text : args->subjects) {
      attest::Subject subject;
      if (!attest::ParseSubject(text, subject)) {
        Err("relgate: error: --subject `{}` is not sha256:HEX, sha512:HEX or NAME@ either "
            "(lower-case "
            "hex digits)\n",
            text);
        return 2;
      }
      subjects.push_back(subject);
    }
    if (args->attest.empty() && (!args->sign_key.empty() || !subjects.empty())) {
      Err("relgate: error: --sign-key and --subject go with --attest FILE\n");
      return 2;
    }
    if (!ParseNow(args->now, now_option->count() > 0, options.now, error)) {
      Err("relgate: error: {}\n", error);
      return 2;
    }
    SourceMap sources;
    DiagnosticSink sink;
    bundle::BundleInfo bundle;
    auto program =
        CompileForCommand(args->policy, args->stdlib, sources, sink, args->bundle_key, &bundle);
    if (!program) {
      Err("relgate: the policy does not compile; the gate stays shut\n");
      return 2;
    }
    for (const std::string& rule : args->overrides) {
      options.overrides.push_back({rule, args->by, args->reason});
    }
    if (std::string bad = eval::ValidateOverrides(*program, options.overrides); !bad.empty()) {
      Err("relgate: error: {}\n", bad);
      return 2;
    }
    facts::FactSet set;
    facts::LoadError load_error;
    const bool recording = !args->record.history.empty();
    history::Record record;
    if (!LoadFacts(args->facts, set, load_error, recording ? &record.facts : nullptr)) {
      Err("{}\nrelgate: the facts cannot be read; the gate stays shut\n", load_error.ToString());
      return 2;
    }
    if (recording && !IdentifyRelease(args->record, set, record, error)) {
      Err("relgate: error: {}\nthe gate stays shut\n", error);
      return 2;
    }
    if (!args->previous.empty() || !args->previous_from.empty()) {
      // The previous release, as the fact `previous` (absent for a first release: the
      // policy says what then). A history records it with this release's facts, so a
      // replay decides on the same comparison.
      const std::string repo =
          !args->record.repo.empty() ? args->record.repo : set.StringAt("release", "repo");
      if (!args->previous_from.empty() && repo.empty()) {
        Err("relgate: error: --previous-from needs the repository: give --repo, or a "
            "`release.repo` fact\nthe gate stays shut\n");
        return 2;
      }
      std::string found;
      facts::LoadError previous_error;
      auto doc = LoadPrevious(args->previous, args->previous_from, repo, found, previous_error);
      if (doc == nullptr && !previous_error.message.empty()) {
        Err("{}\nrelgate: the previous release's facts cannot be read; the gate stays shut\n",
            previous_error.ToString());
        return 2;
      }
      if (doc != nullptr) {
        if (recording)
          record.facts.push_back({"previous.json", import::FactsJson(*doc)});
        if (!set.Add(std::move(doc), previous_error)) {
          Err("{}\nthe gate stays shut\n", previous_error.ToString());
          return 2;
        }
      }
    }
    if (!args->attest.empty() && subjects.empty()) {
      subjects = attest::SubjectsFromFacts(set);
      if (subjects.empty()) {
        Err("relgate: error: --attest needs the artifact's digest: the facts have no "
            "`artifact.digest` of the form sha256:HEX or sha512:HEX; give --subject\nthe gate "
            "stays shut\n");
        return 2;
      }
    }
    eval::Decision decision = Decide(*program, set, options);
    decision.bundle_digest = bundle.digest;
    decision.bundle_revision = bundle.revision;
    if (recording) {
      // The record holds the decision as it was made; the printed report adds where it
      // was recorded and the chain head, which a later `history verify --head` checks.
      record.evaluated_at = decision.evaluated_at;
      record.policy_digest = decision.policy_digest;
      record.verdict = eval::VerdictName(decision.verdict);
      record.decision_json = report::RenderJson(decision);
      if (!RecordDecision(args->record.history, record, error)) {
        Err("relgate: error: {}\nthe gate stays shut\n", error);
        return 2;
      }
      decision.history_head = record.hash;
      decision.history_seq = record.seq;
    }
    // Files first, each atomically: a report that cannot be written keeps the gate shut.
    for (const ReportTarget& t : targets) {
      if (t.output.empty())
        continue;
      const std::string report = t.renderer->render(decision, {false, args->max_findings});
      if (std::string failed = WriteFileAtomically(t.output, report); !failed.empty()) {
        Err("relgate: error: {}\nthe gate stays shut\n", failed);
        return 2;
      }
    }
    // The verification summary, whatever the verdict (a FAILED one is evidence too).
    if (!args->attest.empty()) {
      std::string statement = report::VsaStatement(decision, subjects, {args->verifier_id, ""});
      if (!args->sign_key.empty()) {
        statement =
            attest::SignEnvelope(statement, attest::kInTotoPayloadType, args->sign_key, error);
        if (statement.empty()) {
          Err("relgate: error: {}\nthe gate stays shut\n", error);
          return 2;
        }
      }
      if (std::string failed = WriteFileAtomically(args->attest, statement); !failed.empty()) {
        Err("relgate: error: {}\nthe gate stays shut\n", failed);
        return 2;
      }
    }
    // In GitHub Actions, the github format also writes the job's summary page.
    if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY");
        summary != nullptr && *summary != '\0' &&
        std::any_of(targets.begin(), targets.end(), [](const ReportTarget& t) {
          return std::string(t.renderer->name) == "github";
        })) {
      if (std::string failed =
              AppendToFile(summary, report::RenderMarkdown(decision, args->max_findings));
          !failed.empty()) {
        Err("relgate: error: {}\nthe gate stays shut\n", failed);
        return 2;
      }
    }
    for (const ReportTarget& t : targets) {
      if (!t.output.empty())
        continue;
      WriteOut(t.renderer->render(decision, {ColorFor(STDOUT_FILENO), args->max_findings}));
    }
    if (!OutFlushed()) {
      Err("relgate: error: could not write the report to standard output\nthe gate stays shut\n");
      return 2;
    }
    return eval::ExitCode(decision.verdict);
  };
}

}  // namespace relgate::cli
