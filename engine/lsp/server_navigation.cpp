// Hover, definition, references, document symbols and rename: everything answered from
// the symbol index of the checked policy (analysis.h).
#include <algorithm>

#include <fmt/format.h>

#include "engine/check/types.h"
#include "engine/lsp/json_read.h"
#include "engine/lsp/json_rpc.h"
#include "engine/lsp/server.h"

namespace relgate::lsp {
namespace {

const char* LevelKeyword(Level level) {
  switch (level) {
    case Level::kHard: return "deny";
    case Level::kSoft: return "hold";
    case Level::kAdvisory: return "warn";
  }
  return "deny";
}

std::string Block(const std::string& code) {
  return fmt::format("```gate\n{}\n```", code);
}

void Append(std::string& text, const std::string& part) {
  if (part.empty())
    return;
  if (!text.empty())
    text += "\n\n";
  text += part;
}

bool IsIdentifier(const std::string& name) {
  static const char* const kKeywords[] = {
      "all",     "and",   "any",  "as",   "const", "count",  "deny",    "except", "facts",
      "false",   "for",   "from", "has",  "hold",  "import", "in",      "let",    "map",
      "matches", "none",  "not",  "now",  "or",    "owner",  "package", "reason", "skip",
      "true",    "until", "warn", "when", "where", "with"};
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  }
  return std::find(std::begin(kKeywords), std::end(kKeywords), name) == std::end(kKeywords);
}

}  // namespace

std::string Server::HoverText(const Analysis& analysis, const Occurrence* occurrence,
                              const syntax::Expr* expr) {
  const check::CheckedPolicy& policy = *analysis.policy;
  const SourceMap& sources = analysis.sources;
  auto doc = [&](Span span) {
    const syntax::Module* module = analysis.ModuleOf(span.file);
    return module ? DocComment(*module, sources, span) : std::string();
  };
  auto from_module = [&](uint32_t instance) {
    return instance == 0 ? std::string()
                         : fmt::format("from `{}`", policy.instances[instance].package);
  };
  if (occurrence == nullptr) {
    if (expr == nullptr || policy.expr_types[expr->id]->kind == types::TypeKind::kError)
      return {};
    return Block(fmt::format("{}: {}", sources.Text(expr->span),
                             types::TypeName(policy.expr_types[expr->id])));
  }
  const SymbolKey& key = occurrence->key;
  std::string text;
  switch (key.kind) {
    case SymbolKind::kRule: {
      const check::CheckedRule& rule = policy.rules[key.index];
      text = Block(fmt::format("{} {}{}", LevelKeyword(rule.level), rule.id,
                               rule.rule->has_for ? fmt::format(" for {} in {}", rule.rule->var,
                                                                sources.Text(rule.rule->over->span))
                                                  : std::string()));
      Append(text, fmt::format("Message: {}", sources.Text(rule.rule->message.span)));
      if (rule.rollout != 0)
        Append(text, fmt::format("Advisory until {}; {} from then.", rule.rollout_text,
                                 LevelKeyword(rule.level)));
      Append(text, doc(rule.rule->span));
      Append(text, from_module(rule.instance));
      return text;
    }
    case SymbolKind::kLet:
    case SymbolKind::kConst: {
      const check::CheckedBinding& binding =
          key.kind == SymbolKind::kLet ? policy.lets[key.index] : policy.consts[key.index];
      const std::string type = binding.type ? types::TypeName(binding.type) : "?";
      std::string value;
      if (binding.value != nullptr) {
        const std::string_view source = sources.Text(binding.value->span);
        value = source.size() <= 200 ? fmt::format(" = {}", source) : " = …";
      }
      text = Block(fmt::format("{} {}: {}{}", key.kind == SymbolKind::kLet ? "let" : "const",
                               binding.name, type, value));
      if (binding.set_by_import)
        Append(text, "Set by its import.");
      for (const syntax::Constraint& constraint : binding.decl->constraints) {
        Append(text, fmt::format("Must hold: `{}` (\"{}\")",
                                 sources.Text(constraint.condition->span), constraint.message));
      }
      Append(text, doc(binding.decl->span));
      Append(text, from_module(binding.instance));
      return text;
    }
    case SymbolKind::kFact: {
      std::string type;
      if (expr != nullptr && policy.expr_types[expr->id]->kind != types::TypeKind::kError)
        type = types::TypeName(policy.expr_types[expr->id]);
      const auto definitions = analysis.Definitions(key);
      if (type.empty() && !definitions.empty()) {
        // A declaration: the type as declared there.
        const std::string_view line = sources.file(definitions[0]->span.file)
                                          .Line(sources.file(definitions[0]->span.file)
                                                    .LocationOf(definitions[0]->span.begin)
                                                    .line);
        type = std::string(
            line.substr(line.find(':') == std::string_view::npos ? 0 : line.find(':') + 1));
        while (!type.empty() && type.front() == ' ')
          type.erase(type.begin());
      }
      text = Block(fmt::format("(fact) {}: {}", key.path, type));
      for (const Occurrence* definition : definitions)
        Append(text, doc(definition->span));
      return text;
    }
    case SymbolKind::kLocal: {
      const syntax::Expr* use = expr;
      if (use == nullptr) {
        for (const Occurrence& o : analysis.occurrences) {
          if (o.key == key && o.expr != nullptr) {
            use = o.expr;
            break;
          }
        }
      }
      const std::string type = use ? types::TypeName(policy.expr_types[use->id]) : std::string("?");
      return Block(fmt::format("(variable) {}: {}", sources.Text(occurrence->span), type));
    }
    case SymbolKind::kModule: {
      const check::ModuleInstance& instance = policy.instances[key.index];
      text = Block(fmt::format("import {} as {}", instance.package, instance.alias));
      if (!instance.files.empty())
        Append(text, HeaderComment(*instance.files[0], sources));
      std::vector<std::string> params;
      for (const check::CheckedBinding& c : policy.consts) {
        if (c.instance != key.index)
          continue;
        std::string line =
            fmt::format("- `{}: {}`", c.decl->name, c.type ? types::TypeName(c.type) : "?");
        if (c.decl->value)
          line += fmt::format(" = `{}`", sources.Text(c.decl->value->span));
        for (const syntax::Constraint& constraint : c.decl->constraints)
          line += fmt::format(" where `{}`", sources.Text(constraint.condition->span));
        params.push_back(line);
      }
      if (!params.empty())
        Append(text, fmt::format("Parameters:\n{}", fmt::join(params, "\n")));
      return text;
    }
    case SymbolKind::kBuiltin: {
      for (const builtins::Builtin* b : builtins::DefaultRegistry().Find(key.path)) {
        Append(text, Block(b->name + builtins::ParamsAndResult(*b)));
        Append(text, b->doc);
      }
      return text;
    }
  }
  return text;
}

Server::Reply Server::Hover(const Node* params) {
  Target target;
  if (!Locate(params, target) || !target.analysis->policy)
    return {};
  const Occurrence* occurrence = target.analysis->OccurrenceAt(target.file, target.offset);
  const syntax::Expr* expr = occurrence && occurrence->expr
                                 ? occurrence->expr
                                 : target.analysis->ExprAt(target.file, target.offset);
  const std::string text = HoverText(*target.analysis, occurrence, expr);
  if (text.empty())
    return {};
  JsonWriter json;
  json.Open('{');
  json.Key("contents");
  json.Open('{');
  json.Field("kind", "markdown");
  json.Field("value", text);
  json.Close('}');
  json.Key("range");
  WriteRange(json, *target.analysis,
             occurrence ? occurrence->span : (expr ? expr->span : Span{target.file, 0, 0}));
  json.Close('}');
  return {json.Take(), 0, {}};
}

Server::Reply Server::Definition(const Node* params) {
  Target target;
  const Occurrence* occurrence = NameAt(params, target);
  if (occurrence == nullptr)
    return {};
  const Analysis& analysis = *target.analysis;
  std::vector<Span> spans;
  if (occurrence->key.kind == SymbolKind::kModule) {
    const check::ModuleInstance& instance = analysis.policy->instances[occurrence->key.index];
    if (!instance.files.empty()) {
      const syntax::Module& module = *instance.files[0];
      spans.push_back(module.package_span.end > module.package_span.begin
                          ? module.package_span
                          : Span{module.file, 0, 0});
    }
  }
  for (const Occurrence* definition : analysis.Definitions(occurrence->key))
    spans.push_back(definition->span);
  JsonWriter json;
  json.Open('[');
  for (const Span& span : spans)
    WriteLocation(json, analysis, span);
  json.Close(']');
  return {json.Take(), 0, {}};
}

Server::Reply Server::References(const Node* params) {
  Target target;
  const Occurrence* occurrence = NameAt(params, target);
  if (occurrence == nullptr)
    return {};
  const Analysis& analysis = *target.analysis;
  const bool with_declaration = ReadBool(Member(params, "context"), "includeDeclaration");
  JsonWriter json;
  json.Open('[');
  for (const Occurrence& o : analysis.occurrences) {
    if (o.key == occurrence->key && (with_declaration || !o.definition))
      WriteLocation(json, analysis, o.span);
  }
  json.Close(']');
  return {json.Take(), 0, {}};
}

Server::Reply Server::DocumentSymbols(const Node* params) {
  Document* document = FindDocument(params);
  if (document == nullptr)
    return {};
  const Analysis& analysis = AnalysisFor(RootFor(document->path));
  FileId file = 0;
  const syntax::Module* module =
      analysis.FindFile(document->path, file) ? analysis.ModuleOf(file) : nullptr;
  if (module == nullptr)
    return {"[]", 0, {}};
  // SymbolKind numbers of the protocol.
  constexpr int kModuleKind = 2, kFieldKind = 8, kFunctionKind = 12, kVariableKind = 13,
                kConstantKind = 14, kEventKind = 24;

  struct Item {
    std::string name, detail;
    int kind;
    Span range, selection;
  };

  std::vector<Item> items;
  for (const syntax::Import& import : module->imports)
    items.push_back({import.target, "import", kModuleKind, import.span, import.span});
  for (const syntax::FieldDecl& field : module->facts)
    items.push_back({field.name, "fact", kFieldKind, field.span, field.span});
  for (const syntax::Binding& binding : module->bindings) {
    items.push_back({binding.name, binding.is_const ? "const" : "let",
                     binding.is_const ? kConstantKind : kVariableKind, binding.span,
                     binding.name_span});
  }
  for (const syntax::Rule& rule : module->rules)
    items.push_back(
        {rule.name, LevelKeyword(rule.level), kFunctionKind, rule.span, rule.name_span});
  for (const syntax::Exception& exception : module->exceptions) {
    items.push_back({fmt::format("except {}", exception.rule), exception.until_text, kEventKind,
                     exception.span, exception.rule_span});
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.range.begin < b.range.begin; });
  JsonWriter json;
  json.Open('[');
  for (const Item& item : items) {
    json.Open('{');
    json.Field("name", item.name);
    json.Field("detail", item.detail);
    json.Int("kind", item.kind);
    json.Key("range");
    WriteRange(json, analysis, item.range);
    json.Key("selectionRange");
    WriteRange(json, analysis, item.selection);
    json.Close('}');
  }
  json.Close(']');
  return {json.Take(), 0, {}};
}

// Lets, consts, rules and loop variables of the user's own files can be renamed; names
// the stdlib defines cannot (their uses would no longer resolve).
Server::Reply Server::PrepareRename(const Node* params) {
  Target target;
  const Occurrence* occurrence = NameAt(params, target);
  if (occurrence == nullptr)
    return {};
  const Analysis& analysis = *target.analysis;
  const SymbolKind kind = occurrence->key.kind;
  if (kind == SymbolKind::kFact || kind == SymbolKind::kModule || kind == SymbolKind::kBuiltin)
    return {};
  for (const Occurrence* definition : analysis.Definitions(occurrence->key)) {
    if (analysis.IsStdlib(definition->span.file))
      return {};
  }
  JsonWriter json;
  WriteRange(json, analysis, occurrence->span);
  return {json.Take(), 0, {}};
}

Server::Reply Server::Rename(const Node* params) {
  Target target;
  std::string new_name;
  if (!Locate(params, target) || !ReadString(params, "newName", new_name))
    return {"null", kInvalidParams, "rename needs a document, a position and newName"};
  if (!target.analysis->policy)
    return {"null", kRequestFailed, "the policy does not parse; fix its syntax errors first"};
  const Analysis& analysis = *target.analysis;
  const Occurrence* occurrence = analysis.OccurrenceAt(target.file, target.offset);
  if (occurrence == nullptr || PrepareRename(params).result == "null")
    return {"null", kRequestFailed, "nothing here can be renamed"};
  if (!IsIdentifier(new_name))
    return {"null", kRequestFailed,
            fmt::format("`{}` cannot be a name: use letters, digits and `_`, not starting with a "
                        "digit, and not a keyword",
                        new_name)};
  std::map<std::string, std::vector<Span>> edits;
  for (const Occurrence& o : analysis.occurrences) {
    if (o.key == occurrence->key && !analysis.IsStdlib(o.span.file))
      edits[UriOf(analysis, o.span.file)].push_back(o.span);
  }
  JsonWriter json;
  json.Open('{');
  json.Key("changes");
  json.Open('{');
  for (const auto& [uri, spans] : edits) {
    json.Key(uri);
    json.Open('[');
    for (const Span& span : spans) {
      json.Open('{');
      json.Key("range");
      WriteRange(json, analysis, span);
      json.Field("newText", new_name);
      json.Close('}');
    }
    json.Close(']');
  }
  json.Close('}');
  json.Close('}');
  return {json.Take(), 0, {}};
}

}  // namespace relgate::lsp
