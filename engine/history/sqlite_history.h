// The embedded history: gate decisions recorded in a SQLite file (WAL mode, a busy
// timeout), each in one transaction, chained by hash (record.h). Two processes may record
// at once: the chain head is read and the record written under SQLite's write lock
// (BEGIN IMMEDIATE), so they queue rather than fork the chain. A process killed at any
// moment leaves the file readable and without a partial record.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "engine/history/record.h"

struct sqlite3;

namespace relgate::history {

struct ListFilter {
  std::string repo;                                     // empty: every repository
  int64_t since = std::numeric_limits<int64_t>::min();  // release time, inclusive
  int64_t until = std::numeric_limits<int64_t>::max();  // release time, exclusive
  std::string verdict;                                  // empty: every verdict
};

struct Verification {
  bool ok = true;
  int64_t records = 0;
  std::string head;     // the hash of the last record (kGenesisHash when empty)
  int64_t bad_seq = 0;  // the first record found wrong, 0 if none
  std::string problem;  // what is wrong, for people
};

class SqliteHistory {
 public:
  // Opens (creating when `create`) the history at `path`; null with `error` on failure.
  static std::unique_ptr<SqliteHistory> Open(const std::string& path, bool create,
                                             std::string& error);
  ~SqliteHistory();
  SqliteHistory(const SqliteHistory&) = delete;
  SqliteHistory& operator=(const SqliteHistory&) = delete;

  // Appends `record` at the head of the chain; sets its seq, prev_hash and hash.
  [[nodiscard]] bool Append(Record& record, std::string& error);

  // Visits the records that pass `filter`, in order; `visit` returns false to stop.
  // Facts are loaded only when `with_facts`.
  [[nodiscard]] bool List(const ListFilter& filter, bool with_facts,
                          const std::function<bool(const Record&)>& visit, std::string& error);

  // How many records pass `filter`; -1 with `error` when the history cannot be read.
  [[nodiscard]] int64_t Count(const ListFilter& filter, std::string& error);

  [[nodiscard]] std::optional<Record> Get(int64_t seq, std::string& error);

  // Walks the whole chain. With `expected_head`, also checks that the chain still leads
  // to (contains) that hash: a chain cannot see its newest records deleted by itself.
  [[nodiscard]] Verification Verify(const std::string& expected_head);

 private:
  explicit SqliteHistory(sqlite3* db) : db_(db) {}

  bool LoadFacts(Record& record, std::string& error);

  sqlite3* db_;
};

}  // namespace relgate::history
