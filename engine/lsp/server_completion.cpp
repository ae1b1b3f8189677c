// Completion and signature help. The buffer mid-edit rarely parses (`build.` is not an
// expression), so completion checks a copy of it with a placeholder name at the cursor
// and reads what the checker typed there: the fields of the value before the `.`, the
// names in scope. Where even that does not parse, fact paths come from the schema.
#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "engine/check/types.h"
#include "engine/lsp/json_read.h"
#include "engine/lsp/server.h"

namespace relgate::lsp {
namespace {

constexpr const char* kPlaceholder = "relgate_completion_placeholder";

// CompletionItemKind numbers of the protocol.
constexpr int kMethodKind = 2, kFunctionKind = 3, kFieldKind = 5, kVariableKind = 6,
              kModuleKind = 9, kKeywordKind = 14, kConstantKind = 21, kEventKind = 23;

struct Item {
  std::string label;
  int kind;
  std::string detail;
  std::string documentation;
};

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Whether a builtin's first parameter accepts a value of `type` (method-call style).
bool AcceptsReceiver(builtins::ArgType param, const types::Type* type) {
  using builtins::ArgType;
  using types::TypeKind;
  switch (param) {
    case ArgType::kBool: return type->kind == TypeKind::kBool;
    case ArgType::kInt: return type->kind == TypeKind::kInt;
    case ArgType::kFloat: return type->IsNumeric();
    case ArgType::kString: return type->kind == TypeKind::kString;
    case ArgType::kTime: return type->kind == TypeKind::kTime;
    case ArgType::kDuration: return type->kind == TypeKind::kDuration;
    case ArgType::kVersion:
      return type->kind == TypeKind::kVersion || type->kind == TypeKind::kString;
    case ArgType::kStringList:
      return (type->kind == TypeKind::kList || type->kind == TypeKind::kSet) &&
             type->element->kind == TypeKind::kString;
    case ArgType::kSized:
      return type->kind == TypeKind::kString || type->kind == TypeKind::kList ||
             type->kind == TypeKind::kSet || type->kind == TypeKind::kMap;
    case ArgType::kScalar: return type->IsScalar();
  }
  return false;
}

void AddFields(const types::Type* type, std::vector<Item>& items) {
  if (type->kind == types::TypeKind::kOptional)
    type = type->element;
  if (type->kind == types::TypeKind::kRecord) {
    for (const types::Field& field : type->fields)
      items.push_back({field.name, kFieldKind, types::TypeName(field.type), {}});
  }
  for (const builtins::Builtin& b : builtins::DefaultRegistry().all()) {
    if (!b.params.empty() && AcceptsReceiver(b.params[0], type))
      items.push_back({b.name, kMethodKind, builtins::ParamsAndResult(b), b.doc});
  }
}

// The module of the `import std.x ...` declaration the text before the cursor ends in,
// or "": the last line starting with `import`, when no line after it starts a new
// declaration at its first column.
std::string EnclosingImport(std::string_view before) {
  size_t line = before.size();
  while (true) {
    const size_t newline = line == 0 ? std::string_view::npos : before.rfind('\n', line - 1);
    const size_t begin = newline == std::string_view::npos ? 0 : newline + 1;
    const std::string_view text = before.substr(begin, line - begin);
    if (text.rfind("import", 0) == 0) {
      size_t at = 6;
      while (at < text.size() && (text[at] == ' ' || text[at] == '\t'))
        ++at;
      size_t end = at;
      while (end < text.size() && (IsNameChar(text[end]) || text[end] == '.'))
        ++end;
      const std::string_view target = text.substr(at, end - at);
      return target.rfind("std.", 0) == 0 ? std::string(target) : std::string();
    }
    if (!text.empty() && text[0] != ' ' && text[0] != '\t' && text[0] != '#' && text[0] != '}' &&
        text[0] != ']' && text[0] != '\r')
      return {};
    if (begin == 0)
      return {};
    line = begin - 1;
  }
}

// The instance that imports `package` in the user's policy.
const check::ModuleInstance* InstanceOf(const check::CheckedPolicy& policy,
                                        const std::string& package, uint32_t& index) {
  for (uint32_t i = 1; i < policy.instances.size(); ++i) {
    if (policy.instances[i].package == package) {
      index = i;
      return &policy.instances[i];
    }
  }
  return nullptr;
}

// Whether `before` ends inside an unclosed `open` ... `close` pair whose opening is
// preceded by text matching `lead`.
bool InsideBracket(std::string_view before, char open, char close, const std::regex& lead) {
  int depth = 0;
  for (size_t i = before.size(); i-- > 0;) {
    if (before[i] == close) {
      ++depth;
    } else if (before[i] == open) {
      if (depth == 0) {
        const std::string head(before.substr(i >= 40 ? i - 40 : 0, i >= 40 ? 40 : i));
        return std::regex_search(head, lead);
      }
      --depth;
    } else if (before[i] == '\n' && depth == 0 && open == '[') {
      return false;
    }
  }
  return false;
}

}  // namespace

Server::Reply Server::Completion(const Node* params) {
  Document* document = FindDocument(params);
  Position position;
  if (document == nullptr || !ReadPosition(Member(params, "position"), position))
    return {};
  const std::string& text = document->text;
  const uint32_t offset = LineIndex(text).OffsetOf(position, encoding_);
  uint32_t start = offset;
  while (start > 0 && IsNameChar(text[start - 1]))
    --start;
  const std::string_view before = std::string_view(text).substr(0, start);
  const std::string_view line = before.substr(before.rfind('\n') + 1);
  const std::string root = RootFor(document->path);

  // What the checker makes of the buffer with a name at the cursor.
  check::SourceOverlay overlay = Overlay();
  std::string patched = text;
  if (start == offset)
    patched.insert(offset, kPlaceholder);
  overlay[document->path] = patched;
  std::unique_ptr<Analysis> completed =
      Analyze(root, overlay, stdlib_, builtins::DefaultRegistry());
  const bool parsed = completed->policy && completed->complete;
  const Analysis* analysis = parsed ? completed.get() : ParsedAnalysisFor(root);
  const check::CheckedPolicy* policy = analysis ? analysis->policy.get() : nullptr;

  std::vector<Item> items;
  static const std::regex kImportLine(R"(^\s*import\s+(std\.)?$)");
  static const std::regex kSelection(R"((skip|warn|from\s+\S+)\s*$)");
  static const std::regex kWith(R"(with\s*$)");
  static const std::regex kExcept(R"(^\s*except\s+([A-Za-z0-9_]+\.)?$)");
  std::cmatch match;
  const std::string line_text(line);
  const std::string import_target = EnclosingImport(before);
  uint32_t instance_index = 0;
  const check::ModuleInstance* instance = policy && !import_target.empty()
                                              ? InstanceOf(*policy, import_target, instance_index)
                                              : nullptr;
  if (std::regex_search(line_text, kImportLine)) {
    const bool qualified = line_text.find("std.") != std::string::npos;
    for (const std::string& name : stdlib_.Names()) {
      items.push_back({qualified ? name : fmt::format("std.{}", name),
                       kModuleKind,
                       fmt::format("std.{}", name),
                       {}});
    }
  } else if (instance != nullptr && InsideBracket(before, '[', ']', kSelection)) {
    for (const check::CheckedRule& rule : policy->rules) {
      if (rule.instance == instance_index)
        items.push_back({rule.id.substr(instance->alias.size() + 1),
                         kEventKind,
                         fmt::format("rule of {}", instance->package),
                         {}});
    }
    for (const std::string& skipped : policy->skipped_rules) {
      if (skipped.rfind(fmt::format("{}.", instance->alias), 0) == 0)
        items.push_back(
            {skipped.substr(instance->alias.size() + 1), kEventKind, "rule (skipped)", {}});
    }
  } else if (instance != nullptr && InsideBracket(before, '{', '}', kWith) && [&] {
               const size_t last = before.find_last_not_of(" \t\r\n");
               return last != std::string_view::npos &&
                      (before[last] == '{' || before[last] == ',');
             }()) {
    for (const check::CheckedBinding& c : policy->consts) {
      if (c.instance != instance_index)
        continue;
      items.push_back({c.decl->name, kConstantKind, c.type ? types::TypeName(c.type) : "",
                       c.decl->value
                           ? fmt::format("default: {}", analysis->sources.Text(c.decl->value->span))
                           : "required"});
    }
  } else if (std::regex_search(line_text.c_str(), match, kExcept)) {
    const std::string alias = match[1].matched ? match[1].str() : std::string();
    if (policy) {
      for (const check::CheckedRule& rule : policy->rules) {
        if (alias.empty() || rule.id.rfind(alias, 0) == 0)
          items.push_back({alias.empty() ? rule.id : rule.id.substr(alias.size()),
                           kEventKind,
                           rule.instance == 0 ? "rule" : policy->instances[rule.instance].package,
                           {}});
      }
    }
  } else if (start > 0 && text[start - 1] == '.') {
    bool found = false;
    if (parsed) {
      for (const syntax::Expr* e : completed->exprs) {
        if (e->kind != syntax::ExprKind::kMember || e->var_span.begin != start)
          continue;
        const syntax::Expr& object = *e->children[0];
        const check::Ref ref = completed->policy->refs[object.id];
        if (ref.kind == check::RefKind::kModule) {
          const std::string prefix =
              fmt::format("{}.", completed->policy->instances[ref.index].alias);
          for (const auto* bindings : {&completed->policy->lets, &completed->policy->consts}) {
            for (const check::CheckedBinding& b : *bindings) {
              if (b.instance == ref.index)
                items.push_back(
                    {b.name.substr(prefix.size()),
                     bindings == &completed->policy->lets ? kVariableKind : kConstantKind,
                     b.type ? types::TypeName(b.type) : "",
                     {}});
            }
          }
        } else {
          AddFields(completed->policy->expr_types[object.id], items);
        }
        found = true;
        break;
      }
    }
    if (!found && policy) {
      // The schema, followed along the dotted path before the cursor.
      size_t chain_begin = start - 1;
      while (chain_begin > 0 && (IsNameChar(text[chain_begin - 1]) || text[chain_begin - 1] == '.'))
        --chain_begin;
      const std::string chain = text.substr(chain_begin, start - 1 - chain_begin);
      const types::Type* type = policy->schema;
      size_t from = 0;
      while (type != nullptr && from <= chain.size()) {
        const size_t dot = std::min(chain.find('.', from), chain.size());
        const std::string part = chain.substr(from, dot - from);
        if (type->kind == types::TypeKind::kOptional)
          type = type->element;
        const int field = type->kind == types::TypeKind::kRecord ? type->FieldIndex(part) : -1;
        type = field >= 0 ? type->fields[field].type : nullptr;
        from = dot + 1;
      }
      if (type != nullptr)
        AddFields(type, items);
    }
  } else if (policy) {
    for (const types::Field& field : policy->schema->fields)
      items.push_back({field.name, kFieldKind, types::TypeName(field.type), "fact"});
    for (const auto* bindings : {&policy->lets, &policy->consts}) {
      for (const check::CheckedBinding& b : *bindings) {
        if (b.instance == 0)
          items.push_back({b.name,
                           bindings == &policy->lets ? kVariableKind : kConstantKind,
                           b.type ? types::TypeName(b.type) : "",
                           {}});
      }
    }
    for (uint32_t i = 1; i < policy->instances.size(); ++i)
      items.push_back({policy->instances[i].alias, kModuleKind, policy->instances[i].package, {}});
    // Loop variables declared before the cursor in the declaration around it.
    FileId file = 0;
    if (analysis != nullptr && analysis->FindFile(document->path, file)) {
      if (const syntax::Module* module = analysis->ModuleOf(file)) {
        for (const syntax::Rule& rule : module->rules) {
          if (rule.span.begin > start || rule.span.end + 1 < start)
            continue;
          for (const Occurrence& o : analysis->occurrences) {
            if (o.definition && o.key.kind == SymbolKind::kLocal && o.span.file == file &&
                o.span.begin >= rule.span.begin && o.span.end <= start)
              items.push_back({std::string(analysis->sources.Text(o.span)),
                               kVariableKind,
                               "loop variable",
                               {}});
          }
        }
      }
    }
  }
  if (items.empty() && !(start > 0 && text[start - 1] == '.')) {
    for (const char* keyword :
         {"deny",  "hold",   "warn",  "let", "const", "facts", "import",  "except", "when", "until",
          "owner", "reason", "for",   "in",  "where", "and",   "or",      "not",    "has",  "all",
          "any",   "none",   "count", "now", "true",  "false", "package", "from",   "skip", "with"})
      items.push_back({keyword, kKeywordKind, "keyword", {}});
  } else if (!(start > 0 && text[start - 1] == '.') && policy &&
             !std::regex_search(line_text, kImportLine) && import_target.empty()) {
    std::set<std::string> seen;
    for (const builtins::Builtin& b : builtins::DefaultRegistry().all()) {
      if (seen.insert(b.name).second)
        items.push_back({b.name, kFunctionKind, builtins::ParamsAndResult(b), b.doc});
    }
    for (const char* keyword : {"and", "or", "not", "has", "all", "any", "none", "count", "now",
                                "true", "false", "in", "matches"})
      items.push_back({keyword, kKeywordKind, "keyword", {}});
  }
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.label < b.label; });
  items.erase(std::unique(items.begin(), items.end(),
                          [](const Item& a, const Item& b) { return a.label == b.label; }),
              items.end());
  JsonWriter json;
  json.Open('{');
  json.Bool("isIncomplete", false);
  json.Key("items");
  json.Open('[');
  for (const Item& item : items) {
    if (item.label == kPlaceholder)
      continue;
    json.Open('{');
    json.Field("label", item.label);
    json.Int("kind", item.kind);
    if (!item.detail.empty())
      json.Field("detail", item.detail);
    if (!item.documentation.empty())
      json.Field("documentation", item.documentation);
    json.Close('}');
  }
  json.Close(']');
  json.Close('}');
  return {json.Take(), 0, {}};
}

Server::Reply Server::SignatureHelp(const Node* params) {
  Document* document = FindDocument(params);
  Position position;
  if (document == nullptr || !ReadPosition(Member(params, "position"), position))
    return {};
  const std::string& text = document->text;
  const uint32_t offset = LineIndex(text).OffsetOf(position, encoding_);
  // Back to the unclosed `(` of the call the cursor is in, counting the commas between.
  int depth = 0;
  uint32_t commas = 0;
  size_t open = std::string::npos;
  bool in_string = false;
  for (size_t i = offset; i-- > 0;) {
    const char c = text[i];
    if (c == '"' && (i == 0 || text[i - 1] != '\\')) {
      in_string = !in_string;
      continue;
    }
    if (in_string)
      continue;
    if (c == ')' || c == ']' || c == '}') {
      ++depth;
    } else if (c == '(' || c == '[' || c == '{') {
      if (depth == 0) {
        if (c == '(')
          open = i;
        break;
      }
      --depth;
    } else if (c == ',' && depth == 0) {
      ++commas;
    } else if (c == '\n' && i + 1 < offset && depth == 0 && text[i + 1] != ' ') {
      break;  // a new declaration
    }
  }
  if (open == std::string::npos)
    return {};
  size_t name_begin = open;
  while (name_begin > 0 && IsNameChar(text[name_begin - 1]))
    --name_begin;
  const std::string name = text.substr(name_begin, open - name_begin);
  const bool method = name_begin > 0 && text[name_begin - 1] == '.';
  const auto found = builtins::DefaultRegistry().Find(name);
  if (found.empty())
    return {};
  const builtins::Builtin& builtin = *found[0];
  JsonWriter json;
  json.Open('{');
  json.Key("signatures");
  json.Open('[');
  json.Open('{');
  std::string label = fmt::format("{}(", name);
  std::vector<std::pair<size_t, size_t>> ranges;
  for (size_t i = 0; i < builtin.params.size(); ++i) {
    if (i > 0)
      label += ", ";
    const size_t begin = label.size();
    label += builtins::ArgTypeName(builtin.params[i]);
    ranges.emplace_back(begin, label.size());
  }
  label += fmt::format(") -> {}", builtins::ArgTypeName(builtin.result));
  json.Field("label", label);
  json.Field("documentation", builtin.doc);
  json.Key("parameters");
  json.Open('[');
  for (const auto& [begin, end] : ranges) {
    // Offsets into the label count UTF-16 units; the label is ASCII.
    json.Raw(fmt::format(R"({{"label":[{},{}]}})", begin, end));
  }
  json.Close(']');
  json.Close('}');
  json.Close(']');
  json.Int("activeSignature", 0);
  json.Int("activeParameter", commas + (method ? 1 : 0));
  json.Close('}');
  return {json.Take(), 0, {}};
}

}  // namespace relgate::lsp
