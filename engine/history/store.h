// A release history: gate decisions, each in one transaction, chained by hash
// (record.h). Two backends behind one interface and one behaviour: SQLite, embedded, for
// one repository or machine (sqlite_history.h), and PostgreSQL, for an organisation's
// recorders on many machines (pg_history.h). OpenStore picks by the location: a
// `postgresql://` (or `postgres://`) URI, else a SQLite file.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "engine/history/record.h"

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

// The schema version this relgate writes; a history with a newer one is refused.
inline constexpr int kSchemaVersion = 1;

class Store {
 public:
  virtual ~Store() = default;

  // Appends `record` at the head of the chain, in one transaction; sets its seq,
  // prev_hash and hash. Concurrent recorders queue: the chain never forks.
  [[nodiscard]] virtual bool Append(Record& record, std::string& error) = 0;

  // Visits the records that pass `filter`, in order; `visit` returns false to stop.
  // Facts are loaded only when `with_facts`.
  // `visit` may move what it keeps out of the record (a replay takes its facts).
  [[nodiscard]] virtual bool List(const ListFilter& filter, bool with_facts,
                                  const std::function<bool(Record&)>& visit,
                                  std::string& error) = 0;

  // How many records pass `filter`; -1 with `error` when the history cannot be read.
  [[nodiscard]] virtual int64_t Count(const ListFilter& filter, std::string& error) = 0;

  [[nodiscard]] virtual std::optional<Record> Get(int64_t seq, std::string& error) = 0;

  // Walks the whole chain. With `expected_head`, also checks that the chain still leads
  // to (contains) that hash: a chain cannot see its newest records deleted by itself.
  [[nodiscard]] Verification Verify(const std::string& expected_head);
};

// True for a PostgreSQL connection URI.
[[nodiscard]] bool IsPostgresUri(const std::string& location);

// The location as it may be shown: a URI without its password.
[[nodiscard]] std::string Redacted(const std::string& location);

// Opens the history at `location` (creating a SQLite file, or the PostgreSQL schema, when
// `create`); null with `error` (naming the location without its password) on failure.
[[nodiscard]] std::unique_ptr<Store> OpenStore(const std::string& location, bool create,
                                               std::string& error);

// Creates or upgrades the schema at `location`; `message` says what was done.
[[nodiscard]] bool Migrate(const std::string& location, std::string& message);

}  // namespace relgate::history
