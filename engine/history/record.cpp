#include "engine/history/record.h"

#include <fmt/format.h>

#include "engine/base/digest.h"

namespace relgate::history {
namespace {

// Length-prefixed, so that no two different records serialize alike.
void Put(std::string& out, std::string_view field) {
  out += fmt::to_string(field.size());
  out += ':';
  out.append(field);
  out += ';';
}

}  // namespace

std::string RecordHash(const Record& record) {
  std::string canonical = "relgate.history/v1;";
  Put(canonical, record.prev_hash);
  Put(canonical, record.release_id);
  Put(canonical, fmt::to_string(record.release_time));
  Put(canonical, record.repo);
  Put(canonical, fmt::to_string(record.evaluated_at));
  Put(canonical, record.policy_digest);
  Put(canonical, record.verdict);
  Put(canonical, record.decision_json);
  Put(canonical, fmt::to_string(record.facts.size()));
  for (const StoredFacts& f : record.facts) {
    Put(canonical, f.name);
    Put(canonical, Sha256Hex(f.bytes));
  }
  return Sha256Hex(canonical);
}

}  // namespace relgate::history
