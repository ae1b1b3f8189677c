// The decision as SARIF 2.1.0, which code-scanning tools ingest: one run of the tool
// "relgate", a rule descriptor per policy rule (its default level from its enforcement
// level: deny -> error, hold -> warning, warn -> note), and a result per finding and per
// rule error. A result is located at the facts file and, as a logical location, the
// fact path of its item (`dependencies[3]`), at the item's line when its importer recorded
// it (the lockfile entry, the workflow step); when no facts file holds the item, at the
// rule's declaration. It is related to the rule's declaration (file, line, column)
// either way. Excepted and overridden findings are results with a suppression that
// carries the exception's or override's justification.
#include <map>

#include <fmt/format.h>

#include "engine/base/json_writer.h"
#include "engine/base/relative_uri.h"
#include "engine/base/version.h"
#include "engine/report/renderers.h"

namespace relgate::report {
namespace {

const char* SarifLevel(Level level) {
  switch (level) {
    case Level::kHard: return "error";
    case Level::kSoft: return "warning";
    case Level::kAdvisory: return "note";
  }
  return "error";
}

void PolicyPlace(JsonWriter& w, const PolicyLocation& at) {
  w.Key("physicalLocation");
  w.Open('{');
  w.Key("artifactLocation");
  w.Open('{');
  w.Field("uri", RelativeUri(at.file));
  w.Close('}');
  if (at.line > 0) {
    w.Key("region");
    w.Open('{');
    w.Int("startLine", at.line);
    if (at.column > 0)
      w.Int("startColumn", at.column);
    w.Close('}');
  }
  w.Close('}');
}

// Where a result is: the facts file and path when known, else the rule's declaration.
void Locations(JsonWriter& w, const std::string& facts_file, uint32_t facts_line,
               const std::string& fact_path, const PolicyLocation& rule) {
  w.Key("locations");
  w.Open('[');
  w.Open('{');
  if (!facts_file.empty()) {
    w.Key("physicalLocation");
    w.Open('{');
    w.Key("artifactLocation");
    w.Open('{');
    w.Field("uri", RelativeUri(facts_file));
    w.Close('}');
    if (facts_line > 0) {
      w.Key("region");
      w.Open('{');
      w.Int("startLine", facts_line);
      w.Close('}');
    }
    w.Close('}');
  } else {
    PolicyPlace(w, rule);
  }
  if (!fact_path.empty()) {
    w.Key("logicalLocations");
    w.Open('[');
    w.Open('{');
    w.Field("fullyQualifiedName", fact_path);
    w.Field("kind", "element");
    w.Close('}');
    w.Close(']');
  }
  w.Close('}');
  w.Close(']');
  w.Key("relatedLocations");
  w.Open('[');
  w.Open('{');
  w.Int("id", 1);
  PolicyPlace(w, rule);
  w.Key("message");
  w.Open('{');
  w.Field("text", "the rule is declared (or its module imported) here");
  w.Close('}');
  w.Close('}');
  w.Close(']');
}

void Message(JsonWriter& w, const std::string& text) {
  w.Key("message");
  w.Open('{');
  w.Field("text", text);
  w.Close('}');
}

}  // namespace

std::string RenderSarif(const eval::Decision& d) {
  std::map<std::string, size_t> rule_index;
  JsonWriter w;
  w.Open('{');
  w.Field("$schema",
          "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
          "sarif-schema-2.1.0.json");
  w.Field("version", "2.1.0");
  w.Key("runs");
  w.Open('[');
  w.Open('{');
  w.Key("tool");
  w.Open('{');
  w.Key("driver");
  w.Open('{');
  w.Field("name", "relgate");
  w.Field("version", kRelgateVersion);
  w.Key("rules");
  w.Open('[');
  for (const eval::RuleResult& r : d.rules) {
    rule_index.emplace(r.rule, rule_index.size());
    w.Open('{');
    w.Field("id", r.rule);
    w.Key("shortDescription");
    w.Open('{');
    w.Field("text",
            fmt::format("{} rule {} of policy {}", eval::LevelName(r.level), r.rule, d.package));
    w.Close('}');
    if (!r.doc.empty()) {
      w.Key("fullDescription");
      w.Open('{');
      w.Field("text", r.doc);
      w.Close('}');
      w.Key("help");
      w.Open('{');
      w.Field("text", fmt::format("{} (declared at {})", r.doc, r.location.ToString()));
      w.Close('}');
    }
    w.Key("defaultConfiguration");
    w.Open('{');
    w.Field("level", SarifLevel(r.level));
    w.Close('}');
    w.Close('}');
  }
  w.Close(']');
  w.Close('}');
  w.Close('}');
  w.Key("invocations");
  w.Open('[');
  w.Open('{');
  // A decision that could not be made is a failed run: the gate stays shut.
  w.Bool("executionSuccessful", d.verdict != eval::Verdict::kUndecided);
  w.Close('}');
  w.Close(']');
  w.Key("results");
  w.Open('[');
  for (const eval::Finding& f : d.findings) {
    w.Open('{');
    w.Field("ruleId", f.rule);
    if (auto it = rule_index.find(f.rule); it != rule_index.end())
      w.Int("ruleIndex", static_cast<int64_t>(it->second));
    w.Field("level", f.status == eval::FindingStatus::kAdvisory ? "note" : SarifLevel(f.level));
    Message(w, f.message);
    Locations(w, f.facts_path, f.facts_line, f.item, eval::InRepository(f.location, f.imported_at));
    if (f.status == eval::FindingStatus::kExcepted ||
        f.status == eval::FindingStatus::kOverridden) {
      w.Key("suppressions");
      w.Open('[');
      w.Open('{');
      if (f.status == eval::FindingStatus::kExcepted) {
        w.Field("kind", "inSource");  // an `except` in the policy
        w.Field("justification", fmt::format("{} ({}, until {})", f.exception.reason,
                                             f.exception.owner, f.exception.until));
      } else {
        w.Field("kind", "external");  // `--override` on the command line
        for (const eval::Override& o : d.overrides) {
          if (o.rule == f.rule)
            w.Field("justification", fmt::format("{} ({})", o.reason, o.by));
        }
      }
      w.Close('}');
      w.Close(']');
    }
    w.Close('}');
  }
  for (const eval::RuleError& e : d.errors) {
    w.Open('{');
    w.Field("ruleId", e.rule);
    if (auto it = rule_index.find(e.rule); it != rule_index.end())
      w.Int("ruleIndex", static_cast<int64_t>(it->second));
    w.Field("level", e.blocks ? "error" : "note");
    Message(w, fmt::format("the rule could not be evaluated: {}{}", e.message,
                           e.path.empty() ? "" : fmt::format(" (at {})", e.path)));
    Locations(w, e.facts_path, e.facts_line, e.path.empty() ? e.item : e.path,
              eval::InRepository(e.location, e.imported_at));
    w.Close('}');
  }
  w.Close(']');
  w.Close('}');
  w.Close(']');
  w.Close('}');
  return w.TakeLine();
}

}  // namespace relgate::report
