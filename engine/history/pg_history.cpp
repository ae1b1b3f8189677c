#include "engine/history/pg_history.h"

#include <cstdlib>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "engine/history/internal/libpq_api.h"
#include "engine/history/pg_uri.h"
#include <endian.h>

namespace relgate::history {
namespace {

// The advisory lock keys: one for the chain head, one for creating the schema.
constexpr const char* kChainLock = "SELECT pg_advisory_xact_lock(7526163634352193)";
constexpr const char* kPgSchemaLock = "SELECT pg_advisory_xact_lock(7526163634352194)";

constexpr const char* kPgSchema = R"(
CREATE TABLE IF NOT EXISTS relgate_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO relgate_meta (key, value) VALUES ('schema_version', '1') ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS relgate_records (
  seq BIGINT PRIMARY KEY,
  release_id TEXT NOT NULL,
  release_time BIGINT NOT NULL,
  repo TEXT NOT NULL,
  evaluated_at BIGINT NOT NULL,
  policy_digest TEXT NOT NULL,
  verdict TEXT NOT NULL,
  decision TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS relgate_records_by_repo_time ON relgate_records (repo, release_time);
CREATE TABLE IF NOT EXISTS relgate_facts (
  seq BIGINT NOT NULL REFERENCES relgate_records (seq),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (seq, position)
);
)";

constexpr const char* kColumns =
    "r.seq, r.release_id, r.release_time, r.repo, r.evaluated_at, r.policy_digest, r.verdict, "
    "r.decision, r.prev_hash, r.hash";

constexpr const char* kFilter =
    "($1 = '' OR r.repo = $1) AND r.release_time >= $2::bigint AND ($3::bigint = "
    "9223372036854775807 OR r.release_time < $3::bigint) AND ($4 = '' OR r.verdict = $4)";

// A result, cleared on every path.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}

  ~Result() { Libpq().PQclear(r_); }

  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;

  PGresult* get() const { return r_; }

  bool ok(ExecStatusType want = PGRES_COMMAND_OK) const {
    return r_ != nullptr && Libpq().PQresultStatus(r_) == want;
  }

 private:
  PGresult* r_;
};

std::string Message(PGconn* conn) {
  std::string m = Libpq().PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' '))
    m.pop_back();
  return m;
}

// Binary result values: big-endian integers, raw text and bytes.
int64_t Int8(const PGresult* r, int row, int column) {
  uint64_t v;
  std::memcpy(&v, Libpq().PQgetvalue(r, row, column), 8);
  return static_cast<int64_t>(be64toh(v));
}

std::string Bytes(const PGresult* r, int row, int column) {
  return std::string(Libpq().PQgetvalue(r, row, column),
                     static_cast<size_t>(Libpq().PQgetlength(r, row, column)));
}

Record ReadRecord(const PGresult* r, int row) {
  Record rec;
  rec.seq = Int8(r, row, 0);
  rec.release_id = Bytes(r, row, 1);
  rec.release_time = Int8(r, row, 2);
  rec.repo = Bytes(r, row, 3);
  rec.evaluated_at = Int8(r, row, 4);
  rec.policy_digest = Bytes(r, row, 5);
  rec.verdict = Bytes(r, row, 6);
  rec.decision_json = Bytes(r, row, 7);
  rec.prev_hash = Bytes(r, row, 8);
  rec.hash = Bytes(r, row, 9);
  return rec;
}

PGconn* Connect(const std::string& uri, std::string& error) {
  if (!LoadLibpq(error))
    return nullptr;
  const PgUri inspected = InspectPgUri(uri);
  if (!inspected.parsed) {
    // libpq's own message quotes what it could not parse, password included.
    error = fmt::format(
        "cannot connect to history {}: libpq cannot parse the URI (its message is not shown, "
        "as it can quote the password): check the %XX escapes, the [brackets] around an IPv6 "
        "host and the parameter names",
        inspected.shown);
    return nullptr;
  }
  // Defaults the URI may override: a bounded connect, and a name in pg_stat_activity.
  const char* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {"10", "relgate", uri.c_str(), nullptr};
  PGconn* conn = Libpq().PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr || Libpq().PQstatus(conn) != CONNECTION_OK) {
    error = Scrubbed(fmt::format("cannot connect to history {}: {}", inspected.shown,
                                 (conn != nullptr ? Message(conn) : std::string("out of memory"))),
                     inspected.secrets);
    Libpq().PQfinish(conn);
    return nullptr;
  }
  // Lock waits are bounded too: a recorder never waits forever for the chain head.
  Result set(Libpq().PQexec(conn, "SET lock_timeout = '60s'; SET client_min_messages = warning"));
  if (!set.ok()) {
    error = Scrubbed(fmt::format("cannot use history {}: {}", inspected.shown, Message(conn)),
                     inspected.secrets);
    Libpq().PQfinish(conn);
    return nullptr;
  }
  return conn;
}

bool Exec(PGconn* conn, const char* sql, std::string& error) {
  Result r(Libpq().PQexec(conn, sql));
  if (r.ok() || r.ok(PGRES_TUPLES_OK))
    return true;
  error = Message(conn);
  return false;
}

// The schema version, 0 when there is no history here yet, -1 on error.
int SchemaVersion(PGconn* conn, std::string& error) {
  Result exists(Libpq().PQexec(conn, "SELECT to_regclass('relgate_meta') IS NOT NULL"));
  if (!exists.ok(PGRES_TUPLES_OK)) {
    error = Message(conn);
    return -1;
  }
  if (std::string(Libpq().PQgetvalue(exists.get(), 0, 0)) != "t")
    return 0;
  Result version(
      Libpq().PQexec(conn, "SELECT value FROM relgate_meta WHERE key = 'schema_version'"));
  if (!version.ok(PGRES_TUPLES_OK) || Libpq().PQntuples(version.get()) != 1) {
    error = "relgate_meta has no schema_version: not a relgate history";
    return -1;
  }
  return std::atoi(Libpq().PQgetvalue(version.get(), 0, 0));
}

bool CreateSchema(PGconn* conn, std::string& error) {
  if (!Exec(conn, "BEGIN", error))
    return false;
  if (!Exec(conn, kPgSchemaLock, error) || !Exec(conn, kPgSchema, error) ||
      !Exec(conn, "COMMIT", error)) {
    std::string ignored;
    (void)Exec(conn, "ROLLBACK", ignored);
    return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<PgHistory> PgHistory::Open(const std::string& uri, bool create,
                                           std::string& error) {
  PGconn* conn = Connect(uri, error);
  if (conn == nullptr)
    return nullptr;
  const PgUri inspected = InspectPgUri(uri);
  std::unique_ptr<PgHistory> history(new PgHistory(conn, inspected.shown, inspected.secrets));
  std::string problem;
  int version = SchemaVersion(conn, problem);
  if (version == 0 && create) {
    if (!CreateSchema(conn, problem)) {
      error = Scrubbed(fmt::format("cannot create history {}: {}", history->where_, problem),
                       history->secrets_);
      return nullptr;
    }
    version = SchemaVersion(conn, problem);
  }
  if (version < 0) {
    error = Scrubbed(fmt::format("cannot use history {}: {}", history->where_, problem),
                     history->secrets_);
    return nullptr;
  }
  if (version == 0) {
    error =
        fmt::format("history {} has no relgate tables: create them with `relgate history migrate`",
                    history->where_);
    return nullptr;
  }
  if (version > kSchemaVersion) {
    error = fmt::format("history {} has schema version {}, newer than this relgate knows ({})",
                        history->where_, version, kSchemaVersion);
    return nullptr;
  }
  return history;
}

bool PgHistory::Migrate(const std::string& uri, std::string& message) {
  PGconn* conn = Connect(uri, message);
  if (conn == nullptr)
    return false;
  std::unique_ptr<PGconn, void (*)(PGconn*)> owned(conn, Libpq().PQfinish);
  std::string problem;
  const int before = SchemaVersion(conn, problem);
  if (before < 0) {
    message = Scrubbed(fmt::format("cannot migrate history {}: {}", Redacted(uri), problem),
                       InspectPgUri(uri).secrets);
    return false;
  }
  if (before > kSchemaVersion) {
    message = fmt::format(
        "history {} has schema version {}, newer than this relgate knows ({}): refusing to touch "
        "it",
        Redacted(uri), before, kSchemaVersion);
    return false;
  }
  if (before == kSchemaVersion) {
    message = fmt::format("history {} has schema version {} (the current one): nothing to do",
                          Redacted(uri), before);
    return true;
  }
  if (!CreateSchema(conn, problem)) {
    message = Scrubbed(fmt::format("cannot migrate history {}: {}", Redacted(uri), problem),
                       InspectPgUri(uri).secrets);
    return false;
  }
  message = fmt::format("history {}: schema version {} created", Redacted(uri), kSchemaVersion);
  return true;
}

PgHistory::~PgHistory() {
  Libpq().PQfinish(conn_);
}

bool PgHistory::Append(Record& record, std::string& error) {
  auto fail = [&](const char* step) {
    error = fmt::format("cannot record in history {}: {}: {}", where_, step,
                        Scrubbed(Message(conn_), secrets_));
    std::string ignored;
    (void)Exec(conn_, "ROLLBACK", ignored);
    return false;
  };
  std::string problem;
  if (!Exec(conn_, "BEGIN", problem))
    return fail("begin");
  // The chain head is read under the lock: recorders queue here, in arrival order.
  if (!Exec(conn_, kChainLock, problem))
    return fail("wait for the chain head");
  {
    Result head(
        Libpq().PQexec(conn_, "SELECT seq, hash FROM relgate_records ORDER BY seq DESC LIMIT 1"));
    if (!head.ok(PGRES_TUPLES_OK))
      return fail("read the chain head");
    const bool empty = Libpq().PQntuples(head.get()) == 0;
    record.seq = empty ? 1 : std::atoll(Libpq().PQgetvalue(head.get(), 0, 0)) + 1;
    record.prev_hash = empty ? kGenesisHash : Libpq().PQgetvalue(head.get(), 0, 1);
  }
  record.hash = RecordHash(record);
  {
    const std::string seq = fmt::to_string(record.seq);
    const std::string release_time = fmt::to_string(record.release_time);
    const std::string evaluated_at = fmt::to_string(record.evaluated_at);
    const char* values[] = {seq.c_str(),
                            record.release_id.c_str(),
                            release_time.c_str(),
                            record.repo.c_str(),
                            evaluated_at.c_str(),
                            record.policy_digest.c_str(),
                            record.verdict.c_str(),
                            record.decision_json.c_str(),
                            record.prev_hash.c_str(),
                            record.hash.c_str()};
    Result insert(
        Libpq().PQexecParams(conn_,
                             "INSERT INTO relgate_records (seq, release_id, release_time, repo, "
                             "evaluated_at, policy_digest, verdict, decision, prev_hash, hash) "
                             "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                             10, nullptr, values, nullptr, nullptr, 0));
    if (!insert.ok())
      return fail("insert the record");
  }
  for (size_t k = 0; k < record.facts.size(); ++k) {
    const std::string seq = fmt::to_string(record.seq);
    const std::string position = fmt::to_string(k);
    const char* values[] = {seq.c_str(), position.c_str(), record.facts[k].name.c_str(),
                            record.facts[k].bytes.data()};
    const int lengths[] = {0, 0, 0, static_cast<int>(record.facts[k].bytes.size())};
    const int formats[] = {0, 0, 0, 1};  // the facts' bytes as binary
    Result insert(Libpq().PQexecParams(
        conn_, "INSERT INTO relgate_facts (seq, position, name, bytes) VALUES ($1, $2, $3, $4)", 4,
        nullptr, values, lengths, formats, 0));
    if (!insert.ok())
      return fail("insert the facts");
  }
  if (const char* pause = std::getenv("RELGATE_TEST_PAUSE_BEFORE_COMMIT_MS")) {
    // Tests only: hold the transaction open so a test can kill the recorder mid-way.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(pause)));
  }
  if (!Exec(conn_, "COMMIT", problem))
    return fail("commit");
  return true;
}

bool PgHistory::List(const ListFilter& filter, bool with_facts,
                     const std::function<bool(Record&)>& visit, std::string& error) {
  auto fail = [&](const char* step) {
    error = fmt::format("cannot read history {}: {}: {}", where_, step,
                        Scrubbed(Message(conn_), secrets_));
    std::string ignored;
    (void)Exec(conn_, "ROLLBACK", ignored);
    return false;
  };
  std::string problem;
  // One snapshot for the whole walk, read through a cursor a batch at a time.
  if (!Exec(conn_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", problem))
    return fail("begin");
  const std::string since = fmt::to_string(filter.since);
  const std::string until = fmt::to_string(filter.until);
  const char* values[] = {filter.repo.c_str(), since.c_str(), until.c_str(),
                          filter.verdict.c_str()};
  const std::string sql =
      fmt::format("DECLARE relgate_walk NO SCROLL CURSOR FOR SELECT {}{}{}{}", kColumns,
                  (with_facts ? ", f.position, f.name, f.bytes FROM relgate_records r LEFT JOIN "
                                "relgate_facts f ON f.seq = r.seq WHERE "
                              : " FROM relgate_records r WHERE "),
                  kFilter, (with_facts ? " ORDER BY r.seq, f.position" : " ORDER BY r.seq"));
  {
    Result declare(
        Libpq().PQexecParams(conn_, sql.c_str(), 4, nullptr, values, nullptr, nullptr, 0));
    if (!declare.ok())
      return fail("open a cursor");
  }
  Record current;
  bool have = false;
  for (;;) {
    Result batch(Libpq().PQexecParams(conn_, "FETCH 500 FROM relgate_walk", 0, nullptr, nullptr,
                                      nullptr, nullptr, /*binary=*/1));
    if (!batch.ok(PGRES_TUPLES_OK))
      return fail("fetch");
    const int rows = Libpq().PQntuples(batch.get());
    if (rows == 0)
      break;
    for (int row = 0; row < rows; ++row) {
      const int64_t seq = Int8(batch.get(), row, 0);
      if (have && seq != current.seq) {
        if (!visit(current)) {
          (void)Exec(conn_, "COMMIT", problem);  // a read-only walk: nothing to keep
          return true;
        }
        have = false;
      }
      if (!have) {
        current = ReadRecord(batch.get(), row);
        have = true;
      }
      if (with_facts && !Libpq().PQgetisnull(batch.get(), row, 11))
        current.facts.push_back({Bytes(batch.get(), row, 11), Bytes(batch.get(), row, 12)});
    }
  }
  if (have && !visit(current)) {
    (void)Exec(conn_, "COMMIT", problem);
    return true;
  }
  if (!Exec(conn_, "COMMIT", problem))
    return fail("end");
  return true;
}

int64_t PgHistory::Count(const ListFilter& filter, std::string& error) {
  const std::string since = fmt::to_string(filter.since);
  const std::string until = fmt::to_string(filter.until);
  const char* values[] = {filter.repo.c_str(), since.c_str(), until.c_str(),
                          filter.verdict.c_str()};
  const std::string sql = fmt::format("SELECT count(*) FROM relgate_records r WHERE {}", kFilter);
  Result count(Libpq().PQexecParams(conn_, sql.c_str(), 4, nullptr, values, nullptr, nullptr, 0));
  if (!count.ok(PGRES_TUPLES_OK)) {
    error = fmt::format("cannot read history {}: {}", where_, Scrubbed(Message(conn_), secrets_));
    return -1;
  }
  return std::atoll(Libpq().PQgetvalue(count.get(), 0, 0));
}

std::optional<Record> PgHistory::Get(int64_t seq, std::string& error) {
  const std::string text = fmt::to_string(seq);
  const char* values[] = {text.c_str()};
  const std::string sql = fmt::format(
      "SELECT {}, f.position, f.name, f.bytes FROM relgate_records r LEFT JOIN relgate_facts f ON "
      "f.seq = r.seq WHERE r.seq = $1 ORDER BY f.position",
      kColumns);
  Result r(Libpq().PQexecParams(conn_, sql.c_str(), 1, nullptr, values, nullptr, nullptr, 1));
  if (!r.ok(PGRES_TUPLES_OK)) {
    error = fmt::format("cannot read history {}: {}", where_, Scrubbed(Message(conn_), secrets_));
    return std::nullopt;
  }
  if (Libpq().PQntuples(r.get()) == 0)
    return std::nullopt;
  Record record = ReadRecord(r.get(), 0);
  for (int row = 0; row < Libpq().PQntuples(r.get()); ++row) {
    if (!Libpq().PQgetisnull(r.get(), row, 11))
      record.facts.push_back({Bytes(r.get(), row, 11), Bytes(r.get(), row, 12)});
  }
  return record;
}

}  // namespace relgate::history
