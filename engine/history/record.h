// One recorded gate decision, and the hash chain that makes a history tamper-evident.
// Each record stores the sha256 of the record before it (`prev_hash`, 64 zeros for the
// first) and its own `hash`, computed over every stored field and `prev_hash`; editing,
// inserting or deleting a record breaks the chain at that record.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace relgate::history {

// A facts document exactly as it was given, so that the release can be replayed.
struct StoredFacts {
  std::string name;   // the path given on the command line
  std::string bytes;  // the document's bytes
};

struct Record {
  int64_t seq = 0;  // position in the history, from 1; set when appended
  std::string release_id;
  int64_t release_time = 0;  // ns since the epoch (UTC)
  std::string repo;
  int64_t evaluated_at = 0;  // the decision's --now
  std::string policy_digest;
  std::string verdict;        // open | shut | undecided
  std::string decision_json;  // the JSON decision, as `eval --format json` prints it
  std::vector<StoredFacts> facts;
  std::string prev_hash;  // set when appended
  std::string hash;       // set when appended
};

inline const std::string kGenesisHash(64, '0');

// The hash of `record` over its fields and prev_hash (not seq, so that a history moved
// to another store keeps its hashes; an inserted or deleted record still breaks the chain
// through prev_hash).
[[nodiscard]] std::string RecordHash(const Record& record);

}  // namespace relgate::history
