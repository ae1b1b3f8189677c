// The decision as JSON, schema "relgate.decision/v1" (docs/decision.md). Keys are written
// in a fixed order, and arrays keep the decision's order (rules in policy order, findings
// in evaluation order), so equal decisions give identical bytes.
#include <iterator>

#include <fmt/format.h>

#include "engine/base/json_writer.h"
#include "engine/base/time.h"
#include "engine/report/report.h"

namespace relgate::report {
namespace {

void WriteException(JsonWriter& w, std::string_view key, const eval::AppliedException& e) {
  w.Key(key);
  w.Open('{');
  w.Field("owner", e.owner);
  w.Field("reason", e.reason);
  w.Field("until", e.until);
  w.Field("location", e.location.ToString());
  w.Close('}');
}

}  // namespace

std::string RenderJson(const eval::Decision& d) {
  JsonWriter w;
  w.Open('{');
  w.Field("schema", "relgate.decision/v1");
  w.Field("verdict", eval::VerdictName(d.verdict));
  w.Int("exit_code", eval::ExitCode(d.verdict));
  w.Field("evaluated_at", FormatRfc3339(d.evaluated_at));
  w.Key("policy");
  w.Open('{');
  w.Field("package", d.package);
  w.Field("digest", fmt::format("sha256:{}", d.policy_digest));
  w.Key("roots");
  w.Open('[');
  for (const auto& root : d.policy_roots)
    w.String(root);
  w.Close(']');
  w.Key("sources");
  w.Open('[');
  for (const auto& s : d.policy_sources) {
    w.Open('{');
    w.Field("path", s.path);
    w.Field("digest", fmt::format("sha256:{}", s.sha256));
    w.Close('}');
  }
  w.Close(']');
  if (!d.bundle_digest.empty()) {
    w.Key("bundle");
    w.Open('{');
    w.Field("digest", fmt::format("sha256:{}", d.bundle_digest));
    w.Field("revision", d.bundle_revision);
    w.Close('}');
  }
  w.Close('}');
  w.Key("facts");
  w.Open('[');
  for (const auto& f : d.facts) {
    w.Open('{');
    w.Field("path", f.name);
    w.Field("digest", fmt::format("sha256:{}", f.sha256));
    w.Close('}');
  }
  w.Close(']');
  w.Key("rules");
  w.Open('[');
  for (const auto& r : d.rules) {
    w.Open('{');
    w.Field("id", r.rule);
    w.Field("level", eval::LevelName(r.level));
    w.Field("status", eval::RuleStatusName(r.status));
    w.Int("findings", r.findings);
    if (!r.rollout.empty()) {
      w.Field("rollout", r.rollout);
      w.Bool("rollout_pending", r.rollout_pending);
    }
    w.Close('}');
  }
  w.Close(']');
  w.Key("findings");
  w.Open('[');
  for (const auto& f : d.findings) {
    w.Open('{');
    w.Field("rule", f.rule);
    w.Field("level", eval::LevelName(f.level));
    w.Field("status", eval::StatusName(f.status));
    w.Field("message", f.message);
    if (!f.item.empty())
      w.Field("item", f.item);
    if (!f.item_value.empty())
      w.Field("item_value", f.item_value);
    if (!f.facts_file.empty())
      w.Field("facts_file", f.facts_file);
    if (f.facts_line > 0)
      w.Int("facts_line", f.facts_line);
    w.Key("because");
    w.Open('[');
    for (const auto& b : f.because) {
      w.Open('{');
      w.Field("expr", b.expr);
      w.Field("value", b.value);
      w.Close('}');
    }
    w.Close(']');
    w.Field("location", f.location.ToString());
    if (!f.rollout_pending.empty())
      w.Field("becomes_blocking_on", f.rollout_pending);
    if (f.has_exception)
      WriteException(w, "exception", f.exception);
    if (f.expired_exception)
      WriteException(w, "expired_exception", f.expired);
    w.Close('}');
  }
  w.Close(']');
  w.Key("errors");
  w.Open('[');
  for (const auto& e : d.errors) {
    w.Open('{');
    w.Field("rule", e.rule);
    w.Field("level", eval::LevelName(e.level));
    w.Bool("blocks", e.blocks);
    if (!e.item.empty())
      w.Field("item", e.item);
    if (!e.path.empty())
      w.Field("path", e.path);
    if (!e.facts_file.empty())
      w.Field("facts_file", e.facts_file);
    if (e.facts_line > 0)
      w.Int("facts_line", e.facts_line);
    w.Field("message", e.message);
    w.Field("location", e.location.ToString());
    w.Close('}');
  }
  w.Close(']');
  if (!d.history_head.empty()) {
    w.Key("history");
    w.Open('{');
    w.Int("seq", d.history_seq);
    w.Field("head", fmt::format("sha256:{}", d.history_head));
    w.Close('}');
  }
  w.Key("warnings");
  w.Open('[');
  for (const auto& warning : d.warnings) {
    w.Open('{');
    w.Field("path", warning.path);
    w.Field("message", warning.message);
    w.Close('}');
  }
  w.Close(']');
  w.Key("overrides");
  w.Open('[');
  for (const auto& o : d.overrides) {
    w.Open('{');
    w.Field("rule", o.rule);
    w.Field("by", o.by);
    w.Field("reason", o.reason);
    w.Bool("used", o.used);
    w.Close('}');
  }
  w.Close(']');
  w.Key("expired_exceptions");
  w.Open('[');
  for (const auto& e : d.expired_exceptions) {
    w.Open('{');
    w.Field("rule", e.rule);
    w.Field("owner", e.exception.owner);
    w.Field("reason", e.exception.reason);
    w.Field("until", e.exception.until);
    w.Field("location", e.exception.location.ToString());
    w.Close('}');
  }
  w.Close(']');
  w.Close('}');
  return w.TakeLine();
}

}  // namespace relgate::report
