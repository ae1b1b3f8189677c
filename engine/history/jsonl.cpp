#include "engine/history/jsonl.h"

#include <fmt/format.h>

#include "engine/base/json_writer.h"
#include "engine/facts/facts.h"
#include "engine/facts/json_lines.h"

namespace relgate::history {
namespace {

using facts::Node;
using facts::NodeKind;

bool GetString(const Node& object, std::string_view key, std::string& out, std::string& error) {
  const Node* value = object.Find(key);
  if (value == nullptr || value->kind != NodeKind::kString) {
    error = fmt::format("`{}` must be a string", key);
    return false;
  }
  out.assign(value->str());
  return true;
}

bool GetInt(const Node& object, std::string_view key, int64_t& out, std::string& error) {
  const Node* value = object.Find(key);
  if (value == nullptr || value->kind != NodeKind::kInt) {
    error = fmt::format("`{}` must be an integer", key);
    return false;
  }
  out = value->i;
  return true;
}

bool FromJson(const Node& root, Record& r, std::string& error) {
  std::string schema;
  if (root.kind != NodeKind::kObject || !GetString(root, "schema", schema, error))
    return false;
  if (schema != "relgate.history/v1") {
    error = fmt::format("schema `{}` is not relgate.history/v1", schema);
    return false;
  }
  if (!GetInt(root, "seq", r.seq, error) || !GetString(root, "release_id", r.release_id, error) ||
      !GetInt(root, "release_time_ns", r.release_time, error) ||
      !GetString(root, "repo", r.repo, error) ||
      !GetInt(root, "evaluated_at_ns", r.evaluated_at, error) ||
      !GetString(root, "policy_digest", r.policy_digest, error) ||
      !GetString(root, "verdict", r.verdict, error) ||
      !GetString(root, "decision", r.decision_json, error) ||
      !GetString(root, "prev_hash", r.prev_hash, error) ||
      !GetString(root, "hash", r.hash, error)) {
    return false;
  }
  const Node* facts = root.Find("facts");
  if (facts == nullptr || facts->kind != NodeKind::kArray) {
    error = "`facts` must be a list";
    return false;
  }
  r.facts.clear();
  for (uint32_t k = 0; k < facts->len; ++k) {
    StoredFacts f;
    if (!GetString(facts->items[k], "name", f.name, error) ||
        !GetString(facts->items[k], "text", f.bytes, error)) {
      return false;
    }
    r.facts.push_back(std::move(f));
  }
  return true;
}

}  // namespace

std::string ToJsonLine(const Record& r) {
  JsonWriter w;
  w.Open('{');
  w.Field("schema", "relgate.history/v1");
  w.Int("seq", r.seq);
  w.Field("release_id", r.release_id);
  w.Int("release_time_ns", r.release_time);
  w.Field("repo", r.repo);
  w.Int("evaluated_at_ns", r.evaluated_at);
  w.Field("policy_digest", r.policy_digest);
  w.Field("verdict", r.verdict);
  w.Field("decision", r.decision_json);
  w.Key("facts");
  w.Open('[');
  for (const auto& file : r.facts) {
    w.Open('{');
    w.Field("name", file.name);
    w.Field("text", file.bytes);
    w.Close('}');
  }
  w.Close(']');
  w.Field("prev_hash", r.prev_hash);
  w.Field("hash", r.hash);
  w.Close('}');
  return w.TakeLine();
}

bool ReadJsonLines(const std::string& path, const std::function<bool(Record&, std::string&)>& take,
                   std::string& error) {
  facts::JsonLinesReader reader(path);
  if (!reader.ok()) {
    error = fmt::format("`{}` {}", path, reader.error());
    return false;
  }
  std::string previous = kGenesisHash;
  facts::JsonLine line;
  while (reader.Next(line)) {
    const std::string where = fmt::format("{}:{}: ", path, line.number);
    if (!line.error.empty()) {
      error = where + line.error;
      return false;
    }
    facts::LoadError load;
    auto doc = facts::ParseJson(line.text, path, load);
    if (!doc) {
      error = where + load.message;
      return false;
    }
    Record record;
    std::string problem;
    if (!FromJson(doc->root(), record, problem)) {
      error = where + problem;
      return false;
    }
    if (record.prev_hash != previous) {
      error = fmt::format(
          "{}record {} does not follow the line before it: the export was cut or reordered", where,
          record.seq);
      return false;
    }
    if (RecordHash(record) != record.hash) {
      error = fmt::format("{}record {} was edited: its contents no longer match its hash", where,
                          record.seq);
      return false;
    }
    previous = record.hash;
    if (!take(record, problem)) {
      error = where + problem;
      return false;
    }
  }
  if (!reader.error().empty()) {
    error = fmt::format("`{}` {}", path, reader.error());
    return false;
  }
  return true;
}

}  // namespace relgate::history
