#include "engine/history/jsonl.h"

#include "engine/facts/facts.h"
#include "engine/facts/json_lines.h"
#include "engine/report/report.h"

namespace relgate::history {
namespace {

using facts::Node;
using facts::NodeKind;

bool GetString(const Node& object, std::string_view key, std::string& out, std::string& error) {
  const Node* value = object.Find(key);
  if (value == nullptr || value->kind != NodeKind::kString) {
    error = "`" + std::string(key) + "` must be a string";
    return false;
  }
  out.assign(value->str());
  return true;
}

bool GetInt(const Node& object, std::string_view key, int64_t& out, std::string& error) {
  const Node* value = object.Find(key);
  if (value == nullptr || value->kind != NodeKind::kInt) {
    error = "`" + std::string(key) + "` must be an integer";
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
    error = "schema `" + schema + "` is not relgate.history/v1";
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
  using report::JsonQuote;
  std::string out =
      "{\"schema\":\"relgate.history/v1\",\"seq\":" + std::to_string(r.seq) +
      ",\"release_id\":" + JsonQuote(r.release_id) +
      ",\"release_time_ns\":" + std::to_string(r.release_time) + ",\"repo\":" + JsonQuote(r.repo) +
      ",\"evaluated_at_ns\":" + std::to_string(r.evaluated_at) +
      ",\"policy_digest\":" + JsonQuote(r.policy_digest) + ",\"verdict\":" + JsonQuote(r.verdict) +
      ",\"decision\":" + JsonQuote(r.decision_json) + ",\"facts\":[";
  for (size_t k = 0; k < r.facts.size(); ++k) {
    out += std::string(k > 0 ? "," : "") + "{\"name\":" + JsonQuote(r.facts[k].name) +
           ",\"text\":" + JsonQuote(r.facts[k].bytes) + "}";
  }
  out += "],\"prev_hash\":" + JsonQuote(r.prev_hash) + ",\"hash\":" + JsonQuote(r.hash) + "}\n";
  return out;
}

bool ReadJsonLines(const std::string& path, const std::function<bool(Record&, std::string&)>& take,
                   std::string& error) {
  facts::JsonLinesReader reader(path);
  if (!reader.ok()) {
    error = "`" + path + "` " + reader.error();
    return false;
  }
  std::string previous = kGenesisHash;
  facts::JsonLine line;
  while (reader.Next(line)) {
    const std::string where = path + ":" + std::to_string(line.number) + ": ";
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
      error = where + "record " + std::to_string(record.seq) +
              " does not follow the line before it: the export was cut or reordered";
      return false;
    }
    if (RecordHash(record) != record.hash) {
      error = where + "record " + std::to_string(record.seq) +
              " was edited: its contents no longer match its hash";
      return false;
    }
    previous = record.hash;
    if (!take(record, problem)) {
      error = where + problem;
      return false;
    }
  }
  if (!reader.error().empty()) {
    error = "`" + path + "` " + reader.error();
    return false;
  }
  return true;
}

}  // namespace relgate::history
