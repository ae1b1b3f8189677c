#include "engine/lsp/analysis.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/check/checker.h"

namespace relgate::lsp {
namespace {

using syntax::Expr;
using syntax::ExprKind;

// A loop variable in scope while walking: its name, where it is declared, and the fact
// path of the items it ranges over ("" when they are not facts).
struct Local {
  std::string name;
  Span declared;
  std::string path;
};

// Walks the checked policy once and records every name: declarations of rules, lets,
// consts, facts, loop variables and imports, and each use, resolved as the checker
// resolved it (its side tables), so that navigation agrees with `relgate check`.
class IndexBuilder {
 public:
  explicit IndexBuilder(Analysis& analysis) : analysis_(analysis), policy_(*analysis.policy) {}

  void Run() {
    for (uint32_t i = 0; i < policy_.rules.size(); ++i)
      IndexRule(i);
    for (uint32_t i = 0; i < policy_.lets.size(); ++i) {
      const check::CheckedBinding& let = policy_.lets[i];
      Add(let.decl->name_span, {SymbolKind::kLet, i, {}}, true);
      std::vector<Local> scope;
      Visit(let.decl->value.get(), scope);
    }
    for (uint32_t i = 0; i < policy_.consts.size(); ++i) {
      const check::CheckedBinding& c = policy_.consts[i];
      Add(c.decl->name_span, {SymbolKind::kConst, i, {}}, true);
      std::vector<Local> scope;
      Visit(c.decl->value.get(), scope);
      for (const syntax::Constraint& constraint : c.decl->constraints)
        Visit(constraint.condition.get(), scope);
    }
    for (const check::CheckedException& e : policy_.exceptions) {
      Add(e.exception->rule_span, {SymbolKind::kRule, e.rule, {}}, false);
      std::vector<Local> scope = RuleScope(policy_.rules[e.rule]);
      Visit(e.exception->condition.get(), scope);
    }
    for (const auto& module : policy_.modules) {
      for (const syntax::FieldDecl& field : module->facts)
        IndexField(field, field.name);
      for (const syntax::Import& import : module->imports)
        IndexImport(import);
    }
    std::sort(analysis_.occurrences.begin(), analysis_.occurrences.end(),
              [](const Occurrence& a, const Occurrence& b) {
                return a.span.file != b.span.file ? a.span.file < b.span.file
                                                  : a.span.begin < b.span.begin;
              });
  }

 private:
  void Add(Span span, SymbolKey key, bool definition, const Expr* expr = nullptr) {
    if (span.end > span.begin)
      analysis_.occurrences.push_back({span, std::move(key), definition, expr});
  }

  std::vector<Local> RuleScope(const check::CheckedRule& rule) {
    std::vector<Local> scope;
    if (rule.rule->has_for)
      scope.push_back({rule.rule->var, rule.rule->var_span, ItemPath(rule.rule->over.get(), {})});
    return scope;
  }

  void IndexRule(uint32_t i) {
    const check::CheckedRule& rule = policy_.rules[i];
    Add(rule.rule->name_span, {SymbolKind::kRule, i, {}}, true);
    std::vector<Local> scope;
    if (rule.rule->has_for) {
      Visit(rule.rule->over.get(), scope);
      scope = RuleScope(rule);
      Add(rule.rule->var_span, LocalKey(rule.rule->var_span), true);
      Visit(rule.rule->filter.get(), scope);
    }
    for (const syntax::TemplatePart& part : rule.rule->message.parts)
      Visit(part.expr.get(), scope);
    if (!rule.rule->condition_implied)
      Visit(rule.rule->condition.get(), scope);
  }

  // Every field of a facts block, nested records and list items included.
  void IndexField(const syntax::FieldDecl& field, const std::string& path) {
    Add(field.span.end > field.span.begin ? NameSpan(field.span, field.name) : field.span,
        {SymbolKind::kFact, 0, path}, true);
    const syntax::TypeExpr* type = field.type.get();
    std::string inner = path;
    while (type != nullptr && (type->kind == syntax::TypeExprKind::kList ||
                               type->kind == syntax::TypeExprKind::kMap)) {
      type = type->element.get();
      inner += "[]";
    }
    if (type != nullptr && type->kind == syntax::TypeExprKind::kRecord) {
      for (const syntax::FieldDecl& nested : type->fields)
        IndexField(nested, fmt::format("{}.{}", inner, nested.name));
    }
  }

  void IndexImport(const syntax::Import& import) {
    if (import.is_path)
      return;
    const uint32_t instance = InstanceOf(import);
    if (instance == 0)
      return;
    // The module's name as written names the module; so does an explicit alias.
    const uint32_t name_begin = import.span.begin + 7;  // after `import `
    Add(FindIn(import.span, import.target, name_begin), {SymbolKind::kModule, instance, {}}, false);
    if (import.alias_span.end > import.alias_span.begin)
      Add(import.alias_span, {SymbolKind::kModule, instance, {}}, false);
    const std::string prefix = fmt::format("{}.", policy_.instances[instance].alias);
    for (const syntax::ImportParam& param : import.params) {
      for (uint32_t c = 0; c < policy_.consts.size(); ++c) {
        if (policy_.consts[c].instance == instance && policy_.consts[c].name == prefix + param.name)
          Add(NameSpan(param.span, param.name), {SymbolKind::kConst, c, {}}, false);
      }
      std::vector<Local> scope;
      Visit(param.value.get(), scope);
    }
    for (const syntax::RuleSelection& selection : import.selections) {
      for (const auto& [name, span] : selection.rules) {
        for (uint32_t r = 0; r < policy_.rules.size(); ++r) {
          if (policy_.rules[r].instance == instance && policy_.rules[r].id == prefix + name)
            Add(span, {SymbolKind::kRule, r, {}}, false);
        }
      }
    }
  }

  uint32_t InstanceOf(const syntax::Import& import) const {
    for (uint32_t i = 1; i < policy_.instances.size(); ++i) {
      const Span s = policy_.instances[i].import_span;
      if (s.file == import.span.file && s.begin == import.span.begin)
        return i;
    }
    return 0;
  }

  // The span of `name` where it first appears in `within` at or after `from`.
  Span FindIn(Span within, const std::string& name, uint32_t from) const {
    const std::string_view text = analysis_.sources.Text(within);
    const size_t at = text.find(name, from > within.begin ? from - within.begin : 0);
    if (at == std::string_view::npos || name.empty())
      return {};
    const uint32_t begin = within.begin + static_cast<uint32_t>(at);
    return {within.file, begin, begin + static_cast<uint32_t>(name.size())};
  }

  Span NameSpan(Span declaration, const std::string& name) const {
    Span found = FindIn(declaration, name, declaration.begin);
    return found.end > found.begin ? found : declaration;
  }

  static SymbolKey LocalKey(Span declared) {
    return {SymbolKind::kLocal, declared.file, fmt::format("{}", declared.begin)};
  }

  // The fact path an expression reads (`build.runner`, `dependencies[].name`), "" if it
  // is not a fact. `previous` has the schema of the release itself.
  std::string FactPath(const Expr* e, const std::vector<Local>& scope) const {
    switch (e->kind) {
      case ExprKind::kName: {
        for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
          if (it->name == e->text)
            return it->path;
        }
        const check::Ref ref = policy_.refs[e->id];
        if (ref.kind != check::RefKind::kFact)
          return {};
        return e->text == types::kPreviousFact ? std::string(types::kPreviousFact) : e->text;
      }
      case ExprKind::kMember: {
        const std::string object = FactPath(e->children[0].get(), scope);
        if (object.empty())
          return {};
        if (object == types::kPreviousFact)
          return e->text;
        return fmt::format("{}.{}", object, e->text);
      }
      case ExprKind::kIndex: {
        const std::string object = FactPath(e->children[0].get(), scope);
        return object.empty() ? std::string() : fmt::format("{}[]", object);
      }
      default: return {};
    }
  }

  std::string ItemPath(const Expr* list, const std::vector<Local>& scope) const {
    const std::string path = list ? FactPath(list, scope) : std::string();
    return path.empty() ? path : fmt::format("{}[]", path);
  }

  void Visit(const Expr* e, std::vector<Local>& scope) {
    if (e == nullptr)
      return;
    analysis_.exprs.push_back(e);
    const check::Ref ref = policy_.refs[e->id];
    switch (e->kind) {
      case ExprKind::kName:
        for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
          if (it->name == e->text) {
            Add(e->span, LocalKey(it->declared), false, e);
            return;
          }
        }
        VisitRef(e, e->span, ref);
        return;
      case ExprKind::kMember:
        if (policy_.refs[e->children[0]->id].kind == check::RefKind::kModule) {
          Add(e->children[0]->span,
              {SymbolKind::kModule, policy_.refs[e->children[0]->id].index, {}}, false);
          analysis_.exprs.push_back(e->children[0].get());
          VisitRef(e, e->var_span, ref);
          return;
        }
        Visit(e->children[0].get(), scope);
        if (std::string path = FactPath(e, scope); !path.empty())
          Add(e->var_span, {SymbolKind::kFact, 0, path}, false, e);
        return;
      case ExprKind::kCall:
      case ExprKind::kMethod:
        if (const builtins::Builtin* builtin = policy_.calls[e->id])
          Add(e->var_span, {SymbolKind::kBuiltin, 0, builtin->name}, false, e);
        for (const auto& child : e->children)
          Visit(child.get(), scope);
        return;
      case ExprKind::kComprehension:
        Visit(e->children[1].get(), scope);
        scope.push_back({e->var, e->var_span, ItemPath(e->children[1].get(), scope)});
        Add(e->var_span, LocalKey(e->var_span), true);
        Visit(e->children[0].get(), scope);
        if (e->children.size() > 2)
          Visit(e->children[2].get(), scope);
        scope.pop_back();
        return;
      case ExprKind::kQuantifier:
        Visit(e->children[0].get(), scope);
        scope.push_back({e->var, e->var_span, ItemPath(e->children[0].get(), scope)});
        Add(e->var_span, LocalKey(e->var_span), true);
        Visit(e->children[1].get(), scope);
        scope.pop_back();
        return;
      default:
        for (const auto& child : e->children)
          Visit(child.get(), scope);
        return;
    }
  }

  void VisitRef(const Expr* e, Span span, check::Ref ref) {
    switch (ref.kind) {
      case check::RefKind::kFact: Add(span, {SymbolKind::kFact, 0, e->text}, false, e); return;
      case check::RefKind::kLet: Add(span, {SymbolKind::kLet, ref.index, {}}, false, e); return;
      case check::RefKind::kConst: Add(span, {SymbolKind::kConst, ref.index, {}}, false, e); return;
      case check::RefKind::kModule:
        Add(span, {SymbolKind::kModule, ref.index, {}}, false, e);
        return;
      default: return;
    }
  }

  Analysis& analysis_;
  const check::CheckedPolicy& policy_;
};

bool OnlyCommentOnLine(const SourceFile& file, uint32_t line) {
  const std::string_view text = file.Line(line);
  const size_t first = text.find_first_not_of(" \t");
  return first != std::string_view::npos && text[first] == '#';
}

std::string CommentText(std::string_view comment) {
  if (!comment.empty() && comment.front() == '#')
    comment.remove_prefix(1);
  if (!comment.empty() && comment.front() == ' ')
    comment.remove_prefix(1);
  while (!comment.empty() && (comment.back() == '\r' || comment.back() == ' '))
    comment.remove_suffix(1);
  return std::string(comment);
}

}  // namespace

bool Analysis::FindFile(const std::string& path, FileId& file) const {
  for (FileId f = 0; f < sources.size(); ++f) {
    if (sources.file(f).path() == path) {
      file = f;
      return true;
    }
  }
  return false;
}

const Occurrence* Analysis::OccurrenceAt(FileId file, uint32_t offset) const {
  const Occurrence* best = nullptr;
  for (const Occurrence& o : occurrences) {
    if (o.span.file != file || offset < o.span.begin || offset > o.span.end)
      continue;
    if (best == nullptr || o.span.end - o.span.begin < best->span.end - best->span.begin)
      best = &o;
  }
  return best;
}

const syntax::Expr* Analysis::ExprAt(FileId file, uint32_t offset) const {
  const syntax::Expr* best = nullptr;
  for (const syntax::Expr* e : exprs) {
    if (e->span.file != file || offset < e->span.begin || offset >= e->span.end)
      continue;
    if (best == nullptr || e->span.end - e->span.begin < best->span.end - best->span.begin)
      best = e;
  }
  return best;
}

const syntax::Module* Analysis::ModuleOf(FileId file) const {
  if (!policy)
    return nullptr;
  for (const auto& module : policy->modules) {
    if (module->file == file)
      return module.get();
  }
  return nullptr;
}

std::vector<const Occurrence*> Analysis::Definitions(const SymbolKey& key) const {
  std::vector<const Occurrence*> found;
  for (const Occurrence& o : occurrences) {
    if (o.definition && o.key == key)
      found.push_back(&o);
  }
  return found;
}

std::unique_ptr<Analysis> Analyze(const std::string& root, const check::SourceOverlay& overlay,
                                  const check::Stdlib& stdlib, const builtins::Registry& builtins) {
  auto analysis = std::make_unique<Analysis>();
  DiagnosticSink sink(200);
  auto loaded = check::LoadPolicyKeepingErrors({root}, stdlib, analysis->sources, sink, &overlay);
  if (loaded) {
    analysis->complete = loaded->unparsed.empty();
    analysis->policy =
        check::CheckKeepingErrors(std::move(*loaded), analysis->sources, sink, builtins);
  }
  for (FileId f = 0; f < analysis->sources.size(); ++f) {
    const std::string& path = analysis->sources.file(f).path();
    const bool is_stdlib = path.rfind("std/", 0) == 0;
    analysis->stdlib_name.push_back(
        is_stdlib ? path.substr(4, path.size() - 4 - std::string_view(".gate").size()) : "");
  }
  if (analysis->policy)
    IndexBuilder(*analysis).Run();
  analysis->diagnostics = sink.Sorted();
  return analysis;
}

std::string DocComment(const syntax::Module& module, const SourceMap& sources, Span span) {
  const SourceFile& file = sources.file(module.file);
  uint32_t line = file.LocationOf(span.begin).line;
  std::vector<std::string> lines;
  for (auto it = module.comments.rbegin(); it != module.comments.rend(); ++it) {
    if (it->span.begin >= span.begin)
      continue;
    const uint32_t comment_line = file.LocationOf(it->span.begin).line;
    if (comment_line != line - 1 || !OnlyCommentOnLine(file, comment_line))
      break;
    lines.push_back(CommentText(it->text));
    line = comment_line;
  }
  std::reverse(lines.begin(), lines.end());
  return fmt::format("{}", fmt::join(lines, "\n"));
}

std::string HeaderComment(const syntax::Module& module, const SourceMap& sources) {
  const SourceFile& file = sources.file(module.file);
  std::vector<std::string> lines;
  uint32_t line = 0;
  for (const syntax::Comment& comment : module.comments) {
    const uint32_t comment_line = file.LocationOf(comment.span.begin).line;
    if (comment_line != line + 1 || !OnlyCommentOnLine(file, comment_line))
      break;
    lines.push_back(CommentText(comment.text));
    line = comment_line;
  }
  return fmt::format("{}", fmt::join(lines, "\n"));
}

}  // namespace relgate::lsp
