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

#include "engine/history/store.h"

struct sqlite3;

namespace relgate::history {

class SqliteHistory : public Store {
 public:
  // Opens (creating when `create`) the history at `path`; null with `error` on failure.
  static std::unique_ptr<SqliteHistory> Open(const std::string& path, bool create,
                                             std::string& error);
  ~SqliteHistory();
  SqliteHistory(const SqliteHistory&) = delete;
  SqliteHistory& operator=(const SqliteHistory&) = delete;

  [[nodiscard]] bool Append(Record& record, std::string& error) override;
  [[nodiscard]] bool List(const ListFilter& filter, bool with_facts,
                          const std::function<bool(Record&)>& visit, std::string& error) override;
  [[nodiscard]] int64_t Count(const ListFilter& filter, std::string& error) override;
  [[nodiscard]] std::optional<Record> Get(int64_t seq, std::string& error) override;

 private:
  explicit SqliteHistory(sqlite3* db) : db_(db) {}

  bool LoadFacts(Record& record, std::string& error);

  sqlite3* db_;
};

}  // namespace relgate::history
