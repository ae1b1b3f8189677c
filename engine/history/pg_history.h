// The organisation-wide history on PostgreSQL (libpq). The same records, chain and
// behaviour as the SQLite history, for any number of recorders on many machines:
//
// - Appending takes a transaction-scoped advisory lock before reading the chain head, so
//   recorders queue in the server's lock queue (first come, first served: none starves,
//   none retries) and the chain never forks; the record and its facts commit together or
//   not at all, whatever happens to the recorder or the server.
// - Reading streams through a server-side cursor in one snapshot, so a replay of any
//   size holds one batch in memory.
// - Tables are `relgate_meta`, `relgate_records` and `relgate_facts` in the connection's
//   current schema: a history user needs rights on that schema only (docs/replay.md).
// - Connecting gives up after `connect_timeout` (10 s unless the URI says otherwise);
//   errors name the server without the password.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/history/store.h"

typedef struct pg_conn PGconn;

namespace relgate::history {

class PgHistory : public Store {
 public:
  static std::unique_ptr<PgHistory> Open(const std::string& uri, bool create, std::string& error);
  static bool Migrate(const std::string& uri, std::string& message);
  ~PgHistory() override;
  PgHistory(const PgHistory&) = delete;
  PgHistory& operator=(const PgHistory&) = delete;

  [[nodiscard]] bool Append(Record& record, std::string& error) override;
  [[nodiscard]] bool List(const ListFilter& filter, bool with_facts,
                          const std::function<bool(Record&)>& visit, std::string& error) override;
  [[nodiscard]] int64_t Count(const ListFilter& filter, std::string& error) override;
  [[nodiscard]] std::optional<Record> Get(int64_t seq, std::string& error) override;

 private:
  PgHistory(PGconn* conn, std::string where, std::vector<std::string> secrets)
      : conn_(conn), where_(std::move(where)), secrets_(std::move(secrets)) {}

  PGconn* conn_;
  std::string where_;                 // the URI without its password, for messages
  std::vector<std::string> secrets_;  // masked in every message (history/pg_uri.h)
};

}  // namespace relgate::history
