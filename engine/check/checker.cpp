// The checker's driver: module instances and packages, names and import parameters,
// lets, consts, rules and exceptions, and the sources the policy was built from. The
// class is declared in internal/checker.h; schema.cpp and expressions.cpp hold the rest.
#include "engine/check/checker.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/digest.h"
#include "engine/base/limits.h"
#include "engine/base/suggest.h"
#include "engine/check/internal/checker.h"

namespace relgate::check {
namespace internal {

std::unique_ptr<CheckedPolicy> Checker::Run(bool keep_on_errors) {
  const size_t n = loaded_.ids.count();
  out_->expr_types.assign(n, out_->types->Error());
  out_->refs.assign(n, Ref{});
  out_->calls.assign(n, nullptr);
  out_->deps.assign(n, 0);
  depth_.assign(n, 0);
  BuildInstances();
  BuildSchema();
  DeclareNames();
  BindParams();
  SelectRules();
  for (uint32_t i = 0; i < out_->consts.size(); ++i)
    CheckConst(i);
  for (uint32_t i = 0; i < out_->lets.size(); ++i)
    CheckLet(i);
  for (uint32_t i = 0; i < out_->rules.size(); ++i)
    CheckRule(i);
  CheckExceptions();
  CheckNotEmpty();
  RecordSources();
  if (sink_.has_errors() && !keep_on_errors)
    return nullptr;
  return std::move(out_);
}

void Checker::CheckNotEmpty() {
  for (const syntax::Module* file : out_->instances[0].files) {
    if (file->package.empty() && file->imports.empty() && file->facts.empty() &&
        file->bindings.empty() && file->rules.empty() && file->exceptions.empty()) {
      sink_.Error(
          "empty-file", Span{file->file, 0, 0},
          fmt::format("policy file `{}` holds no declarations, only comments or white space",
                      sources_.file(file->file).path()),
          "an empty or truncated policy file must not open the gate; delete it or "
          "restore its rules");
    }
  }
  if (out_->rules.empty() && !out_->instances[0].files.empty() && !sink_.has_errors()) {
    sink_.Error("no-rules", Span{out_->instances[0].files[0]->file, 0, 0},
                "the policy has no rules, so it would let every release pass",
                "declare rules with `deny`, `hold` or `warn`, or import a std module");
  }
}

void Checker::BuildInstances() {
  ModuleInstance root;
  std::map<std::string, const syntax::Module*> stdlib;
  for (LoadedModule& m : loaded_.modules) {
    if (m.is_stdlib) {
      stdlib[m.stdlib_name] = m.module.get();
    } else {
      root.files.push_back(m.module.get());
    }
  }
  // Every user file must declare the same package (or none).
  for (const syntax::Module* file : root.files) {
    if (file->package.empty())
      continue;
    if (root.package.empty()) {
      root.package = file->package;
      root_package_span_ = file->package_span;
    } else if (file->package != root.package) {
      Diagnostic d{Severity::kError,
                   "package-mismatch",
                   file->package_span,
                   true,
                   fmt::format("package {} differs from {}", Q(file->package), Q(root.package)),
                   {{root_package_span_, "first declared here"}},
                   {}};
      sink_.Report(std::move(d));
    }
  }
  out_->package = root.package;
  out_->instances.push_back(root);
  for (const syntax::Module* file : root.files) {
    for (const syntax::Import& import : file->imports) {
      if (import.is_path)
        continue;
      const std::string name = import.target.substr(4);
      auto it = stdlib.find(name);
      if (it == stdlib.end())
        continue;  // reported by the loader
      if (imported_.count(name) != 0) {
        sink_.Error("duplicate-import", import.span,
                    fmt::format("module {} is imported more than once", Q(import.target)));
        continue;
      }
      for (const ModuleInstance& other : out_->instances) {
        if (other.alias == import.alias) {
          sink_.Error("duplicate-name", import.alias_span,
                      fmt::format("import alias {} is already used", Q(import.alias)));
        }
      }
      imported_[name] = &import;
      ModuleInstance instance;
      instance.alias = import.alias;
      instance.package = it->second->package.empty() ? import.target : it->second->package;
      instance.files.push_back(it->second);
      instance.import_span = import.span;
      out_->instances.push_back(instance);
      instance_imports_.push_back(&import);
    }
  }
}

void Checker::DeclareNames() {
  namespaces_.resize(out_->instances.size());
  for (uint32_t inst = 0; inst < out_->instances.size(); ++inst) {
    const ModuleInstance& instance = out_->instances[inst];
    const std::string prefix = instance.alias.empty() ? "" : fmt::format("{}.", instance.alias);
    auto& ns = namespaces_[inst];
    auto declare = [&](const std::string& name, Span span, RefKind kind, uint32_t index) {
      auto it = ns.find(name);
      if (it != ns.end()) {
        Diagnostic d{Severity::kError,
                     "duplicate-name",
                     span,
                     true,
                     fmt::format("{} is already declared", Q(name)),
                     {{it->second.span, "first declared here"}},
                     {}};
        sink_.Report(std::move(d));
        return;
      }
      const int fact = out_->schema->FieldIndex(name);
      if (fact >= 0 && name == kPreviousFact) {
        sink_.Report({Severity::kError,
                      "duplicate-name",
                      span,
                      true,
                      "`previous` is the previous release's facts",
                      {},
                      "choose another name"});
        return;
      }
      if (fact >= 0) {
        Diagnostic d{Severity::kError,
                     "duplicate-name",
                     span,
                     true,
                     fmt::format("{} is already the name of a fact", Q(name)),
                     {{fact_spans_[fact], "fact declared here"}},
                     "choose another name"};
        sink_.Report(std::move(d));
        return;
      }
      ns[name] = {kind, index, span};
    };
    for (const syntax::Module* file : instance.files) {
      for (const syntax::Binding& b : file->bindings) {
        CheckedBinding cb;
        cb.name = prefix + b.name;
        cb.instance = inst;
        cb.value = b.value.get();
        cb.span = b.name_span;
        cb.decl = &b;
        if (b.is_const) {
          declare(b.name, b.name_span, RefKind::kConst, static_cast<uint32_t>(out_->consts.size()));
          out_->consts.push_back(cb);
          const_decls_.push_back(&b);
          const_value_instance_.push_back(inst);
        } else {
          declare(b.name, b.name_span, RefKind::kLet, static_cast<uint32_t>(out_->lets.size()));
          out_->lets.push_back(cb);
          let_decls_.push_back(&b);
        }
      }
    }
    std::map<std::string, Span> rule_names;
    for (const syntax::Module* file : instance.files) {
      for (const syntax::Rule& rule : file->rules) {
        auto [it, fresh] = rule_names.emplace(rule.name, rule.name_span);
        if (!fresh) {
          Diagnostic d{Severity::kError,
                       "duplicate-rule",
                       rule.name_span,
                       true,
                       fmt::format("rule {} is already declared", Q(rule.name)),
                       {{it->second, "first declared here"}},
                       {}};
          sink_.Report(std::move(d));
          continue;
        }
        CheckedRule cr;
        cr.id = prefix + rule.name;
        cr.level = rule.level;
        cr.rule = &rule;
        cr.instance = inst;
        cr.rollout = rule.rollout;
        cr.rollout_text = rule.rollout_text;
        out_->rules.push_back(cr);
      }
    }
  }
  // Import aliases are names in the user's namespace.
  for (uint32_t inst = 1; inst < out_->instances.size(); ++inst) {
    const syntax::Import* import = instance_imports_[inst - 1];
    auto& ns = namespaces_[0];
    const int fact = out_->schema->FieldIndex(import->alias);
    if (fact >= 0) {
      sink_.Error(
          "duplicate-name", import->alias_span,
          fmt::format("import alias {} hides the fact {}", Q(import->alias), Q(import->alias)),
          fmt::format("name the import: `import {} as <alias>`", import->target));
    } else if (ns.count(import->alias) != 0) {
      sink_.Error("duplicate-name", import->alias_span,
                  fmt::format("import alias {} is already declared", Q(import->alias)));
    } else {
      ns[import->alias] = {RefKind::kModule, inst, import->alias_span};
    }
  }
  if (out_->rules.size() > limits::kMaxRules) {
    sink_.Error("too-many-rules", out_->rules.back().rule->name_span,
                fmt::format("policy has more than {} rules", limits::kMaxRules));
  }
  const_state_.assign(out_->consts.size(), State::kUnchecked);
  let_state_.assign(out_->lets.size(), State::kUnchecked);
  const_depth_.assign(out_->consts.size(), 0);
  let_depth_.assign(out_->lets.size(), 0);
}

void Checker::BindParams() {
  for (uint32_t inst = 1; inst < out_->instances.size(); ++inst) {
    const syntax::Import* import = instance_imports_[inst - 1];
    auto& ns = namespaces_[inst];
    std::set<std::string> set_names;
    for (const syntax::ImportParam& param : import->params) {
      auto it = ns.find(param.name);
      if (it == ns.end() || it->second.kind != RefKind::kConst) {
        std::vector<std::string> consts;
        for (const auto& [name, entry] : ns) {
          if (entry.kind == RefKind::kConst)
            consts.push_back(name);
        }
        const std::string guess = Suggest(param.name, consts);
        sink_.Error("unknown-param", param.span,
                    fmt::format("module {} has no parameter {}", Q(import->target), Q(param.name)),
                    guess.empty() ? "" : fmt::format("did you mean {}?", Q(guess)));
        continue;
      }
      if (!set_names.insert(param.name).second) {
        sink_.Error("duplicate-name", param.span,
                    fmt::format("parameter {} is set twice", Q(param.name)));
        continue;
      }
      out_->consts[it->second.index].value = param.value.get();
      out_->consts[it->second.index].set_by_import = true;
      const_value_instance_[it->second.index] = 0;
    }
    for (const auto& [name, entry] : ns) {
      if (entry.kind == RefKind::kConst && out_->consts[entry.index].value == nullptr) {
        sink_.Error("missing-param", import->span,
                    fmt::format("module {} needs parameter {}", Q(import->target), Q(name)),
                    fmt::format("set it with `with {{ {}: ... }}`", name));
      }
    }
  }
  // A const without a value in the user's own policy is an error too.
  for (uint32_t i = 0; i < out_->consts.size(); ++i) {
    if (out_->consts[i].instance == 0 && out_->consts[i].value == nullptr) {
      sink_.Error("missing-param", out_->consts[i].span,
                  fmt::format("const {} has no value", Q(out_->consts[i].name)));
    }
  }
}

void Checker::SelectRules() {
  for (const syntax::Module* file : out_->instances[0].files) {
    for (const syntax::Import& import : file->imports) {
      if (import.is_path && !import.selections.empty()) {
        sink_.Error("syntax", import.selections.front().span,
                    "`skip`, `warn` and `from` select a std module's rules",
                    "a file import is part of this policy: change its rules where they are "
                    "declared");
      }
    }
  }
  std::set<std::string> skipped;
  for (uint32_t inst = 1; inst < out_->instances.size(); ++inst) {
    const syntax::Import* import = instance_imports_[inst - 1];
    std::map<std::string, CheckedRule*> rules;
    std::vector<std::string> names;
    for (CheckedRule& rule : out_->rules) {
      if (rule.instance == inst) {
        rules[rule.rule->name] = &rule;
        names.push_back(rule.rule->name);
      }
    }
    std::map<std::string, Span> selected;
    for (const syntax::RuleSelection& selection : import->selections) {
      for (const auto& [name, span] : selection.rules) {
        auto it = rules.find(name);
        if (it == rules.end()) {
          const std::string guess = Suggest(name, names);
          sink_.Error("unknown-rule", span,
                      fmt::format("module {} has no rule {}", Q(import->target), Q(name)),
                      guess.empty() ? fmt::format("its rules: {}", fmt::join(names, ", "))
                                    : fmt::format("did you mean {}?", Q(guess)));
          continue;
        }
        if (auto [first, fresh] = selected.emplace(name, span); !fresh) {
          Diagnostic d{Severity::kError,
                       "duplicate-name",
                       span,
                       true,
                       fmt::format("rule {} is selected twice", Q(name)),
                       {{first->second, "first selected here"}},
                       "a rule is skipped, made advisory or rolled out, one of them"};
          sink_.Report(std::move(d));
          continue;
        }
        CheckedRule& rule = *it->second;
        switch (selection.kind) {
          case syntax::SelectionKind::kSkip: skipped.insert(rule.id); break;
          case syntax::SelectionKind::kWarn: rule.level = syntax::Level::kAdvisory; break;
          case syntax::SelectionKind::kFrom:
            rule.rollout = selection.when;
            rule.rollout_text = selection.when_text;
            break;
        }
      }
    }
  }
  if (skipped.empty())
    return;
  std::erase_if(out_->rules, [&](const CheckedRule& r) { return skipped.contains(r.id); });
  out_->skipped_rules.assign(skipped.begin(), skipped.end());
}

void Checker::CheckConst(uint32_t i) {
  if (const_state_[i] == State::kDone)
    return;
  if (const_state_[i] == State::kChecking)
    return;  // cycle: reported at the reference
  const_state_[i] = State::kChecking;
  CheckedBinding& c = out_->consts[i];
  const syntax::Binding* decl = const_decls_[i];
  const Type* declared = decl->type ? LowerType(*decl->type, /*allow_regex=*/true) : nullptr;
  const Type* type = declared != nullptr ? declared : out_->types->Error();
  if (c.value != nullptr) {
    Scope scope(const_value_instance_[i]);
    const Type* actual = CheckExpr(*c.value, scope);
    if (declared != nullptr && !Assignable(actual, declared)) {
      sink_.Error("type-mismatch", c.value->span,
                  fmt::format("expected {}, found {}", Q(TypeName(declared)), Q(TypeName(actual))));
    }
    if ((out_->deps[c.value->id] & kDependsOnRun) != 0 && actual->kind != TypeKind::kError) {
      sink_.Error("not-constant", c.value->span,
                  fmt::format("the value of const {} depends on facts or `now`", Q(c.name)),
                  "use `let` for values computed from facts");
    }
    if (declared == nullptr)
      type = actual;
    const_depth_[i] = depth_[c.value->id];
  }
  c.type = type;
  const_state_[i] = State::kDone;
  // Constraints read the const itself (and other consts) in its own module.
  for (const syntax::Constraint& constraint : decl->constraints) {
    Scope scope(c.instance);
    const Type* t = CheckExpr(*constraint.condition, scope);
    ExpectBool(*constraint.condition, t, "a `where` constraint");
    if ((out_->deps[constraint.condition->id] & kDependsOnRun) != 0 &&
        t->kind != TypeKind::kError) {
      sink_.Error("not-constant", constraint.condition->span,
                  fmt::format("a constraint on const {} depends on facts or `now`", Q(c.name)),
                  "a constraint is checked when the policy compiles: use consts only");
    }
  }
}

void Checker::CheckLet(uint32_t i) {
  if (let_state_[i] != State::kUnchecked)
    return;
  let_state_[i] = State::kChecking;
  CheckedBinding& l = out_->lets[i];
  const syntax::Binding* decl = let_decls_[i];
  Scope scope(l.instance);
  const Type* actual = CheckExpr(*l.value, scope);
  if (decl->type) {
    const Type* declared = LowerType(*decl->type, /*allow_regex=*/true);
    if (!Assignable(actual, declared)) {
      sink_.Error("type-mismatch", l.value->span,
                  fmt::format("expected {}, found {}", Q(TypeName(declared)), Q(TypeName(actual))));
    }
    actual = declared;
  }
  l.type = actual;
  let_depth_[i] = depth_[l.value->id];
  out_->max_locals = std::max(out_->max_locals, scope.max_locals);
  let_state_[i] = State::kDone;
}

void Checker::CheckRule(uint32_t i) {
  CheckedRule& cr = out_->rules[i];
  const syntax::Rule& rule = *cr.rule;
  Scope scope(cr.instance);
  if (rule.has_for) {
    const Type* list = CheckExpr(*rule.over, scope);
    cr.item_type = ElementType(list, *rule.over, "for");
    WarnIfShadowing(scope, rule.var, rule.var_span);
    scope.Push(rule.var, cr.item_type);
    if (rule.filter) {
      ExpectBool(*rule.filter, CheckExpr(*rule.filter, scope), "a `where` condition");
      Narrowing::AddProvenTrue(*rule.filter, *out_, scope.narrowed);
    }
  }
  for (const syntax::TemplatePart& part : rule.message.parts) {
    if (part.expr)
      CheckExpr(*part.expr, scope);
  }
  ExpectBool(*rule.condition, CheckExpr(*rule.condition, scope), "a rule condition");
  out_->max_locals = std::max(out_->max_locals, scope.max_locals);
}

void Checker::CheckExceptions() {
  std::map<std::string, uint32_t> by_id;
  std::vector<std::string> ids;
  for (uint32_t i = 0; i < out_->rules.size(); ++i) {
    by_id[out_->rules[i].id] = i;
    ids.push_back(out_->rules[i].id);
  }
  for (uint32_t inst = 0; inst < out_->instances.size(); ++inst) {
    const std::string prefix =
        out_->instances[inst].alias.empty() ? "" : fmt::format("{}.", out_->instances[inst].alias);
    for (const syntax::Module* file : out_->instances[inst].files) {
      for (const syntax::Exception& e : file->exceptions) {
        auto it = by_id.find(prefix + e.rule);
        if (it == by_id.end() && std::find(out_->skipped_rules.begin(), out_->skipped_rules.end(),
                                           prefix + e.rule) != out_->skipped_rules.end()) {
          sink_.Error("unknown-rule", e.rule_span,
                      fmt::format("rule {} is skipped by its import", Q(e.rule)),
                      "an exception to a rule that is left out has nothing to except; "
                      "delete one or the other");
          continue;
        }
        if (it == by_id.end()) {
          const std::string guess = Suggest(prefix + e.rule, ids);
          sink_.Error("unknown-rule", e.rule_span, fmt::format("no rule named {}", Q(e.rule)),
                      guess.empty() ? "" : fmt::format("did you mean {}?", Q(guess)));
          continue;
        }
        CheckedRule& cr = out_->rules[it->second];
        if (e.condition) {
          Scope scope(inst);
          if (cr.rule->has_for) {
            scope.Push(cr.rule->var, cr.item_type);
            if (cr.rule->filter) {
              Narrowing::AddProvenTrue(*cr.rule->filter, *out_, scope.narrowed);
            }
          }
          ExpectBool(*e.condition, CheckExpr(*e.condition, scope), "an exception condition");
          out_->max_locals = std::max(out_->max_locals, scope.max_locals);
        }
        cr.exceptions.push_back(static_cast<uint32_t>(out_->exceptions.size()));
        out_->exceptions.push_back({&e, it->second});
      }
    }
  }
}

void Checker::RecordSources() {
  for (size_t f = 0; f < sources_.size(); ++f) {
    const SourceFile& file = sources_.file(static_cast<FileId>(f));
    out_->sources.push_back({file.relative_path(), Sha256Hex(file.text())});
  }
  std::sort(out_->sources.begin(), out_->sources.end(),
            [](const SourceDigest& a, const SourceDigest& b) {
              return a.path != b.path ? a.path < b.path : a.sha256 < b.sha256;
            });
  for (LoadedModule& m : loaded_.modules)
    out_->modules.push_back(std::move(m.module));
  out_->roots = loaded_.roots;
}
}  // namespace internal

namespace {

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Every identifier-like word of `text`.
void AddWords(std::string_view text, std::set<std::string, std::less<>>& words) {
  for (size_t i = 0; i < text.size();) {
    if (!IsWordChar(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsWordChar(text[end]))
      ++end;
    words.emplace(text.substr(i, end - i));
    i = end;
  }
}

// A diagnostic that the files which did not parse may explain: a name, rule, fact, field,
// type or function the checker did not find (the last word of what it points at:
// `auther` in `release.auther`), when that word occurs in such a file (it may be declared
// there); and "no rules", when they may hold them.
bool MaybeFromUnparsed(const Diagnostic& d, const SourceMap& sources,
                       const std::set<std::string, std::less<>>& words) {
  if (d.code == "no-rules")
    return true;
  if (d.code.rfind("unknown-", 0) != 0 || !d.has_span)
    return false;
  const std::string& text = sources.file(d.span.file).text();
  if (d.span.begin > d.span.end || d.span.end > text.size())
    return false;
  size_t end = d.span.end;
  while (end > d.span.begin && !IsWordChar(text[end - 1]))
    --end;
  size_t begin = end;
  while (begin > d.span.begin && IsWordChar(text[begin - 1]))
    --begin;
  return begin < end && words.count(std::string_view(text).substr(begin, end - begin)) != 0;
}

std::unique_ptr<CheckedPolicy> RunChecker(LoadedPolicy loaded, const SourceMap& sources,
                                          DiagnosticSink& sink, const builtins::Registry& builtins,
                                          bool keep_on_errors) {
  if (loaded.unparsed.empty())
    return internal::Checker(std::move(loaded), sources, sink, builtins).Run(keep_on_errors);
  // Some files did not parse (their syntax errors are in `sink` already): check the others,
  // leaving out what the missing declarations may explain, and never give a policy to
  // compile.
  std::set<std::string, std::less<>> words;
  for (FileId file : loaded.unparsed)
    AddWords(sources.file(file).text(), words);
  DiagnosticSink checked_sink(std::numeric_limits<size_t>::max());  // `sink` caps them
  auto checked = internal::Checker(std::move(loaded), sources, checked_sink, builtins).Run(true);
  for (const Diagnostic& d : checked_sink.diagnostics()) {
    if (!MaybeFromUnparsed(d, sources, words))
      sink.Report(d);
  }
  return keep_on_errors ? std::move(checked) : nullptr;
}

}  // namespace

std::unique_ptr<CheckedPolicy> Check(LoadedPolicy loaded, const SourceMap& sources,
                                     DiagnosticSink& sink, const builtins::Registry& builtins) {
  return RunChecker(std::move(loaded), sources, sink, builtins, false);
}

std::unique_ptr<CheckedPolicy> CheckKeepingErrors(LoadedPolicy loaded, const SourceMap& sources,
                                                  DiagnosticSink& sink,
                                                  const builtins::Registry& builtins) {
  return RunChecker(std::move(loaded), sources, sink, builtins, true);
}

}  // namespace relgate::check
