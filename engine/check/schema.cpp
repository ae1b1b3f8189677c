// The facts schema: `facts { }` blocks lowered to types, and the declarations of one fact
// from several files and modules merged into one record type (conflicts reported).
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "engine/base/limits.h"
#include "engine/base/suggest.h"
#include "engine/check/internal/checker.h"

namespace relgate::check::internal {

const Type* Checker::LowerType(const syntax::TypeExpr& t, bool allow_regex) {
  const Type* type = nullptr;
  switch (t.kind) {
    case syntax::TypeExprKind::kNamed:
      type = out_->types->Named(t.name);
      if (type == nullptr || (type->kind == TypeKind::kRegex && !allow_regex)) {
        const std::vector<std::string> names = {"bool", "int",      "float",  "string",
                                                "time", "duration", "version"};
        sink_.Error("unknown-type", t.span, fmt::format("unknown type {}", Q(t.name)),
                    Suggest(t.name, names).empty()
                        ? "types are bool, int, float, string, time, duration, version"
                        : fmt::format("did you mean {}?", Q(Suggest(t.name, names))));
        type = out_->types->Error();
      }
      break;
    case syntax::TypeExprKind::kList: type = out_->types->List(LowerType(*t.element)); break;
    case syntax::TypeExprKind::kMap:
      if (t.key->kind != syntax::TypeExprKind::kNamed || t.key->name != "string" ||
          t.key->optional) {
        sink_.Error("unknown-type", t.key->span, "map keys must be `string`");
      }
      type = out_->types->Map(LowerType(*t.element));
      break;
    case syntax::TypeExprKind::kRecord: {
      std::vector<Field> fields;
      std::set<std::string> names;
      for (const syntax::FieldDecl& f : t.fields) {
        if (!names.insert(f.name).second) {
          sink_.Error("duplicate-name", f.span,
                      fmt::format("field {} is declared twice", Q(f.name)));
          continue;
        }
        fields.push_back({f.name, LowerType(*f.type)});
      }
      type = out_->types->Record(std::move(fields));
      break;
    }
  }
  return t.optional ? out_->types->Optional(type) : type;
}

const Type* Checker::MergeTypes(const Type* a, const Type* b) {
  if (a == b)
    return a;
  if (a->kind == TypeKind::kError)
    return b;
  if (b->kind == TypeKind::kError)
    return a;
  if (a->kind != b->kind)
    return nullptr;
  switch (a->kind) {
    case TypeKind::kList:
    case TypeKind::kSet:
    case TypeKind::kMap:
    case TypeKind::kOptional: {
      const Type* e = MergeTypes(a->element, b->element);
      if (e == nullptr)
        return nullptr;
      if (a->kind == TypeKind::kList)
        return out_->types->List(e);
      if (a->kind == TypeKind::kSet)
        return out_->types->Set(e);
      if (a->kind == TypeKind::kMap)
        return out_->types->Map(e);
      return out_->types->Optional(e);
    }
    case TypeKind::kRecord: {
      std::vector<Field> fields = a->fields;
      for (const Field& f : b->fields) {
        const int k = a->FieldIndex(f.name);
        if (k < 0) {
          fields.push_back(f);
        } else {
          const Type* m = MergeTypes(fields[k].type, f.type);
          if (m == nullptr)
            return nullptr;
          fields[k].type = m;
        }
      }
      return out_->types->Record(std::move(fields));
    }
    default: return nullptr;
  }
}

void Checker::BuildSchema() {
  std::vector<Field> roots;
  std::vector<Span> spans;
  for (const ModuleInstance& instance : out_->instances) {
    for (const syntax::Module* file : instance.files) {
      for (const syntax::FieldDecl& decl : file->facts) {
        const Type* type = LowerType(*decl.type);
        auto it = std::find_if(roots.begin(), roots.end(),
                               [&](const Field& f) { return f.name == decl.name; });
        if (it == roots.end()) {
          roots.push_back({decl.name, type});
          spans.push_back(decl.span);
          continue;
        }
        const Type* merged = MergeTypes(it->type, type);
        if (merged == nullptr) {
          Diagnostic d{Severity::kError,
                       "conflicting-fact",
                       decl.span,
                       true,
                       fmt::format("fact {} is declared as {} here and as {} elsewhere",
                                   Q(decl.name), Q(TypeName(type)), Q(TypeName(it->type))),
                       {{spans[it - roots.begin()], "other declaration"}},
                       {}};
          sink_.Report(std::move(d));
        } else {
          it->type = merged;
        }
      }
    }
  }
  // `previous`: the same facts, of the release before this one (`eval --previous`,
  // `--previous-from`), absent for a first release, so a policy must say what it does
  // then (`has(previous)`, `??`).
  for (size_t k = 0; k < roots.size(); ++k) {
    if (roots[k].name == kPreviousFact) {
      sink_.Report({Severity::kError,
                    "reserved-fact",
                    spans[k],
                    true,
                    "`previous` cannot be declared: it is the previous release's facts, typed "
                    "by this schema",
                    {},
                    "name the fact otherwise"});
      roots.erase(roots.begin() + static_cast<long>(k));
      spans.erase(spans.begin() + static_cast<long>(k));
      break;
    }
  }
  if (!roots.empty()) {
    const Type* previous = out_->types->Optional(out_->types->Record(roots));
    roots.push_back({kPreviousFact, previous});
    spans.push_back(spans.front());
  }
  out_->schema = out_->types->Record(std::move(roots));
  fact_spans_ = std::move(spans);
}
}  // namespace relgate::check::internal
