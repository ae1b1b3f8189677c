// relgate's embeddable library: compile a release policy, decide releases on their facts.
//
//   #include <relgate/relgate.h>
//
//   std::string diagnostics;
//   auto policy = relgate::Policy::Compile({"policies/"}, diagnostics);
//   if (!policy) { std::cerr << diagnostics; return 2; }
//   relgate::Decision d = policy->Decide({{"release.json", json_text}}, "2026-06-01T00:00:00Z");
//   return d.exit_code();  // 0 open, 1 shut by policy, 2 undecided: the gate stays shut
//
// Found by CMake with `find_package(relgate)` (target relgate::relgate) or by pkg-config
// (`relgate`). Only this header is public: its types own their data and hold no pointer
// into relgate's internals, so it stays stable while the engine changes. A Policy is
// immutable once compiled and may decide on several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relgate {

// The library's version, as `relgate --version` prints it.
const char* Version();

enum class Verdict { kOpen, kShut, kUndecided };

// "open", "shut", "undecided".
const char* VerdictName(Verdict verdict);

// A rule that did not hold (or held only by exception or override), for one item when the
// rule iterates a list.
struct Finding {
  std::string rule;     // `two_person_review`, `baseline.pinned_dependencies`
  std::string level;    // hard | soft | advisory
  std::string status;   // blocking | overridden | excepted | advisory
  std::string message;  // the rule's message with its values filled in
  std::string item;     // `dependencies[3]` for a rule over a list, else ""
};

// A rule that could not be decided (a missing fact, a type mismatch, a budget exceeded):
// it keeps the gate shut when `blocks`.
struct RuleError {
  std::string rule;
  std::string path;  // the fact that could not be read, when one is the cause
  std::string message;
  bool blocks = true;
};

class Decision {
 public:
  Verdict verdict = Verdict::kUndecided;
  std::vector<Finding> findings;
  std::vector<RuleError> errors;
  // Facts that could not be read at all (malformed JSON or YAML, a duplicate fact): the
  // release is undecided and this says why, with the file and position.
  std::string facts_error;

  // 0 open, 1 shut by policy, 2 undecided (the gate stays shut).
  int exit_code() const;
  // The decision as `relgate eval` prints it for people (no colour).
  std::string text;
};

// One facts document: JSON or YAML text and the name it is reported under (its extension
// picks the parser: .json, .yaml, .yml; else the first character). Named `KIND:NAME`, it
// is evidence in a format of the organisation's own, converted by the importer `KIND`
// added to the policy's Environment (AddImporter) and reported under NAME.
struct FactsDocument {
  std::string name;
  std::string text;
};

// What an organisation adds to relgate without changing it, given to Policy::Compile:
// functions policies may call (beside the built-in ones), importers of its own evidence
// formats, and report formats.
//
// Functions: the built-in ones, and an organisation's own, added here. A function takes string
// arguments and returns a string or a bool; it is called at evaluation time, on any thread that
// decides, and must give the same answer for the same arguments (decisions and replays are
// deterministic). An exception it throws makes the calling rule undecided with the exception's
// message: the gate stays shut. Policies compiled with an Environment keep its functions alive.
class Environment {
 public:
  using Args = std::vector<std::string_view>;

  Environment();
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  // `name(s1, ..., sN) -> string` with N = `arity`; `doc` is one line for diagnostics.
  // False (and `error`) when `name` is not a lower-case identifier or is already taken.
  bool AddStringFunction(const std::string& name, size_t arity,
                         std::function<std::string(const Args&)> function, const std::string& doc,
                         std::string& error);
  // `name(s1, ..., sN) -> bool`.
  bool AddPredicate(const std::string& name, size_t arity,
                    std::function<bool(const Args&)> function, const std::string& doc,
                    std::string& error);

  // An importer of the organisation's own evidence format: a FactsDocument named
  // `kind:NAME` is given to `importer`, which returns the facts as a JSON or YAML document
  // (read as strictly as any facts file, reported under NAME). Called on any thread that
  // decides; an exception it throws, or text that is not a facts document, leaves the
  // release undecided with the reason. False (and `error`) when `kind` is not a kind name
  // (lower-case letters, digits, `-`) or is taken.
  bool AddImporter(const std::string& kind,
                   std::function<std::string(std::string_view text)> importer, std::string& error);

  // A report format: Render(format, ...) calls `renderer`. `text` is built in (the
  // rendering `relgate eval` prints, Decision::text). False (and `error`) when `format`
  // is not a lower-case name or is taken.
  bool AddRenderer(const std::string& format, std::function<std::string(const Decision&)> renderer,
                   std::string& error);
  // The decision in `format`; false (and `error`) for a format not added, or a renderer
  // that throws.
  bool Render(const std::string& format, const Decision& decision, std::string& out,
              std::string& error) const;
  // The importers' kinds and the report formats, sorted (for a command line's help).
  std::vector<std::string> ImporterKinds() const;
  std::vector<std::string> RenderFormats() const;

  struct Impl;  // the engine's side (engine/api/environment_impl.h)

 private:
  friend class Policy;
  std::shared_ptr<Impl> impl_;
};

class Policy {
 public:
  // Compiles the policy in `paths` (.gate files, or one directory of them; `import std.*`
  // modules are built in). Null on any error, with every diagnostic rendered in
  // `diagnostics` (file:line:column, the source line, a caret and help).
  // With `environment`, policies may also call the functions added to it.
  static std::unique_ptr<Policy> Compile(const std::vector<std::string>& paths,
                                         std::string& diagnostics,
                                         const Environment* environment = nullptr);
  // The same for policy text held in memory (imports of files are refused).
  static std::unique_ptr<Policy> CompileText(const std::string& name, const std::string& text,
                                             std::string& diagnostics,
                                             const Environment* environment = nullptr);

  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  // `package acme.release`, and how many rules the policy holds.
  const std::string& package() const;
  size_t rule_count() const;
  // sha256 over the policy's sources, as decisions and histories record it.
  const std::string& digest() const;
  // The fact paths the rules can read (`dependencies[].integrity`): the evidence a release
  // must carry.
  std::vector<std::string> reads() const;

  // Decides one release on its facts (documents merged by top-level fact name) at `now`,
  // an RFC 3339 time. Facts that cannot be read, or a `now` that is not a time, give an
  // undecided decision that says why: never an open gate.
  Decision Decide(const std::vector<FactsDocument>& facts, std::string_view now) const;

 private:
  struct Impl;
  explicit Policy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace relgate
