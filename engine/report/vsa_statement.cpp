#include "engine/report/vsa_statement.h"

#include <fmt/format.h>

#include "engine/base/json_writer.h"
#include "engine/base/relative_uri.h"
#include "engine/base/time.h"
#include "engine/base/version.h"

namespace relgate::report {
namespace {
using attest::kStatementType;

void Digest(JsonWriter& w, const std::string& sha256, const std::string& sha512 = "") {
  w.Key("digest");
  w.Open('{');
  if (!sha256.empty())
    w.Field("sha256", sha256);
  if (!sha512.empty())
    w.Field("sha512", sha512);
  w.Close('}');
}

std::string Text(const facts::Node* node, std::string_view key) {
  const facts::Node* value = node != nullptr ? node->Find(key) : nullptr;
  return value != nullptr && value->kind == facts::NodeKind::kString ? std::string(value->str())
                                                                     : "";
}

}  // namespace

std::string VsaStatement(const eval::Decision& d, const std::vector<Subject>& subjects,
                         const StatementOptions& options) {
  const bool passed = d.verdict == eval::Verdict::kOpen;
  JsonWriter w;
  w.Open('{');
  w.Field("_type", kStatementType);
  w.Key("subject");
  w.Open('[');
  for (const Subject& s : subjects) {
    w.Open('{');
    w.Field("name", s.name);
    Digest(w, s.sha256, s.sha512);
    w.Close('}');
  }
  w.Close(']');
  w.Field("predicateType", kVsaType);
  w.Key("predicate");
  w.Open('{');
  w.Key("verifier");
  w.Open('{');
  w.Field("id", options.verifier_id);
  w.Key("version");
  w.Open('{');
  w.Field("relgate", kRelgateVersion);
  w.Close('}');
  w.Close('}');
  w.Field("timeVerified", FormatRfc3339(d.evaluated_at));
  w.Field("resourceUri", !options.resource_uri.empty() ? options.resource_uri
                         : subjects.empty()
                             ? "urn:relgate:artifact"
                             : fmt::format("urn:relgate:artifact:{}", subjects.front().name));
  w.Key("policy");
  w.Open('{');
  w.Field("uri", fmt::format("urn:relgate:policy:{}", d.package));
  Digest(w, d.policy_digest);
  w.Close('}');
  w.Key("inputAttestations");
  w.Open('[');
  for (const eval::FactsDigest& f : d.facts) {
    w.Open('{');
    w.Field("uri", RelativeUri(f.path.empty() ? f.name : f.path));
    Digest(w, f.sha256);
    w.Close('}');
  }
  w.Close(']');
  w.Field("verificationResult", passed ? "PASSED" : "FAILED");
  w.Key("verifiedLevels");
  w.Open('[');
  w.String(passed ? "RELGATE_POLICY_PASSED" : "FAILED");
  w.Close(']');
  w.Field("slsaVersion", "1.0");
  // Extension (docs/decision.md): what the gate found, and what let findings through.
  w.Key("relgate");
  w.Open('{');
  w.Field("package", d.package);
  w.Field("verdict", eval::VerdictName(d.verdict));
  w.Key("findings");
  w.Open('[');
  for (const eval::Finding& f : d.findings) {
    w.Open('{');
    w.Field("rule", f.rule);
    w.Field("level", eval::LevelName(f.level));
    w.Field("status", eval::StatusName(f.status));
    w.Field("message", f.message);
    if (!f.item.empty())
      w.Field("item", f.item);
    if (f.status == eval::FindingStatus::kExcepted) {
      w.Key("exception");
      w.Open('{');
      w.Field("owner", f.exception.owner);
      w.Field("reason", f.exception.reason);
      w.Field("until", f.exception.until);
      w.Close('}');
    }
    w.Close('}');
  }
  w.Close(']');
  w.Key("errors");
  w.Open('[');
  for (const eval::RuleError& e : d.errors) {
    w.Open('{');
    w.Field("rule", e.rule);
    w.Field("message", e.message);
    w.Close('}');
  }
  w.Close(']');
  w.Key("overrides");
  w.Open('[');
  for (const eval::Override& o : d.overrides) {
    w.Open('{');
    w.Field("rule", o.rule);
    w.Field("by", o.by);
    w.Field("reason", o.reason);
    w.Bool("used", o.used);
    w.Close('}');
  }
  w.Close(']');
  w.Close('}');
  w.Close('}');
  w.Close('}');
  return w.TakeLine();
}

bool ReadStatement(std::string_view json, StatementSummary& s, std::string& error) {
  facts::LoadError load_error;
  auto doc = facts::ParseJson(json, "statement", load_error, facts::Digest::kSkip);
  if (!doc) {
    error = fmt::format("the payload is not JSON: {}", load_error.message);
    return false;
  }
  const facts::Node& root = doc->root();
  s.type = Text(&root, "_type");
  s.predicate_type = Text(&root, "predicateType");
  if (s.type != kStatementType || s.predicate_type != kVsaType) {
    error = fmt::format(
        "the payload is not an in-toto Statement v1 with a VSA v1 predicate (_type `{}`, "
        "predicateType `{}`)",
        s.type, s.predicate_type);
    return false;
  }
  const facts::Node* predicate = root.Find("predicate");
  s.result = Text(predicate, "verificationResult");
  s.time_verified = Text(predicate, "timeVerified");
  const facts::Node* policy = predicate != nullptr ? predicate->Find("policy") : nullptr;
  s.policy_digest = Text(policy != nullptr ? policy->Find("digest") : nullptr, "sha256");
  const facts::Node* extension = predicate != nullptr ? predicate->Find("relgate") : nullptr;
  s.package = Text(extension, "package");
  if (const facts::Node* subjects = root.Find("subject");
      subjects != nullptr && subjects->kind == facts::NodeKind::kArray) {
    for (uint32_t k = 0; k < subjects->len; ++k) {
      const facts::Node* digest = subjects->items[k].Find("digest");
      s.subjects.push_back(
          {Text(&subjects->items[k], "name"), Text(digest, "sha256"), Text(digest, "sha512")});
    }
  }
  if (s.result != "PASSED" && s.result != "FAILED") {
    error = "the statement has no verificationResult PASSED or FAILED";
    return false;
  }
  return true;
}

}  // namespace relgate::report
