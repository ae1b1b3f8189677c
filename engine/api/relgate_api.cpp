// include/relgate/relgate.h on top of the core facade (engine/decider.h): the public types
// are copies, so that an embedder sees none of the engine's headers.
#include <exception>
#include <optional>

#include "engine/api/environment_impl.h"
#include "engine/base/time.h"
#include "engine/decider.h"
#include "engine/report/report.h"
#include "include/relgate/relgate.h"

namespace relgate {
namespace {

Verdict Public(eval::Verdict verdict) {
  switch (verdict) {
    case eval::Verdict::kOpen: return Verdict::kOpen;
    case eval::Verdict::kShut: return Verdict::kShut;
    case eval::Verdict::kUndecided: return Verdict::kUndecided;
  }
  return Verdict::kUndecided;
}

Decision Undecided(std::string why) {
  Decision d;
  d.verdict = Verdict::kUndecided;
  d.facts_error = std::move(why);
  d.text = fmt::format("GATE SHUT  undecided: {}\n", d.facts_error);
  return d;
}

}  // namespace

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kOpen: return "open";
    case Verdict::kShut: return "shut";
    case Verdict::kUndecided: return "undecided";
  }
  return "undecided";
}

int Decision::exit_code() const {
  return verdict == Verdict::kOpen ? 0 : verdict == Verdict::kShut ? 1 : 2;
}

struct Policy::Impl {
  std::unique_ptr<compile::Program> program;
  std::shared_ptr<const Environment::Impl> environment;  // its functions, kept alive
};

Policy::Policy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Policy::~Policy() = default;

namespace {

// The one compile step of Compile and CompileText: `compile` with the environment's
// functions (when given), its diagnostics rendered.
struct Compiled {
  std::unique_ptr<compile::Program> program;
  std::shared_ptr<const Environment::Impl> environment;
};

template <typename CompileFn>
Compiled CompileWith(const std::shared_ptr<Environment::Impl>& environment,
                     std::string& diagnostics, CompileFn compile) {
  SourceMap sources;
  DiagnosticSink sink;
  compile::CompileOptions options;
  if (environment != nullptr)
    options.builtins = &environment->registry;
  Compiled out{compile(sources, sink, options), environment};
  diagnostics = RenderAll(sink, sources);
  return out;
}

}  // namespace

std::unique_ptr<Policy> Policy::Compile(const std::vector<std::string>& paths,
                                        std::string& diagnostics, const Environment* environment) {
  Compiled c = CompileWith(environment != nullptr ? environment->impl_ : nullptr, diagnostics,
                           [&](SourceMap& sources, DiagnosticSink& sink, const auto& options) {
                             return CompilePolicy(paths, check::Stdlib(), sources, sink, options);
                           });
  if (c.program == nullptr)
    return nullptr;
  return std::unique_ptr<Policy>(
      new Policy(std::make_unique<Impl>(Impl{std::move(c.program), std::move(c.environment)})));
}

std::unique_ptr<Policy> Policy::CompileText(const std::string& name, const std::string& text,
                                            std::string& diagnostics,
                                            const Environment* environment) {
  Compiled c =
      CompileWith(environment != nullptr ? environment->impl_ : nullptr, diagnostics,
                  [&](SourceMap& sources, DiagnosticSink& sink, const auto& options) {
                    return CompilePolicyText(name, text, check::Stdlib(), sources, sink, options);
                  });
  if (c.program == nullptr)
    return nullptr;
  return std::unique_ptr<Policy>(
      new Policy(std::make_unique<Impl>(Impl{std::move(c.program), std::move(c.environment)})));
}

const std::string& Policy::package() const {
  return impl_->program->package();
}

size_t Policy::rule_count() const {
  return impl_->program->rules().size();
}

const std::string& Policy::digest() const {
  return impl_->program->digest();
}

std::vector<std::string> Policy::reads() const {
  return impl_->program->reads().Describe(impl_->program->schema());
}

namespace {

// A document named `KIND:NAME`: converted by the environment's importer KIND into
// `imported`, and `name` becomes NAME; a KIND the environment lacks fails closed. Any
// other name is left alone. Why it failed, or "".
std::string Import(const Environment::Impl* environment, std::string& name, const std::string& text,
                   std::optional<std::string>& imported) {
  const size_t colon = name.find(':');
  if (colon == std::string::npos || colon == 0)
    return "";
  const std::string kind = name.substr(0, colon);
  if (!IsKindName(kind))
    return "";
  if (environment == nullptr || environment->importers.count(kind) == 0) {
    return fmt::format(
        "facts document `{}`: no importer `{}` (add it to the Environment the policy is "
        "compiled with: AddImporter)",
        name, kind);
  }
  const std::string file = name.substr(colon + 1);
  try {
    imported = environment->importers.find(kind)->second(text);
  } catch (const std::exception& e) {
    return fmt::format("importer `{}` failed on `{}`: {}", kind, file, e.what());
  } catch (...) {
    return fmt::format("importer `{}` failed on `{}`", kind, file);
  }
  name = file;
  return "";
}

}  // namespace

Decision Policy::Decide(const std::vector<FactsDocument>& documents, std::string_view now) const {
  const auto at = ParseRfc3339(now);
  if (!at)
    return Undecided(fmt::format("`{}` is not an RFC 3339 time", now));
  facts::FactSet set;
  for (const FactsDocument& document : documents) {
    std::string name = document.name;
    std::optional<std::string> imported;
    if (std::string why = Import(impl_->environment.get(), name, document.text, imported);
        !why.empty())
      return Undecided(std::move(why));
    const std::string* text = imported ? &*imported : &document.text;
    facts::LoadError error;
    auto doc = facts::ParseDocument(*text, name, facts::Format::kAuto, error);
    if (doc == nullptr || !set.Add(std::move(doc), error))
      return Undecided(error.ToString());
  }
  eval::EvalOptions options;
  options.now = *at;
  const eval::Decision decided = relgate::Decide(*impl_->program, set, options);
  Decision d;
  d.verdict = Public(decided.verdict);
  for (const eval::Finding& f : decided.findings)
    d.findings.push_back(
        {f.rule, eval::LevelName(f.level), eval::StatusName(f.status), f.message, f.item});
  for (const eval::RuleError& e : decided.errors)
    d.errors.push_back({e.rule, e.path, e.message, e.blocks});
  d.text = report::RenderText(decided, {});
  return d;
}

}  // namespace relgate
