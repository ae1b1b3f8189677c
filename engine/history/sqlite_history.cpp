#include "engine/history/sqlite_history.h"

#include <chrono>
#include <cstdlib>
#include <limits>
#include <thread>

#include <fmt/format.h>
#include <sqlite3.h>

namespace relgate::history {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1');
CREATE TABLE IF NOT EXISTS records (
  seq INTEGER PRIMARY KEY,
  release_id TEXT NOT NULL,
  release_time INTEGER NOT NULL,
  repo TEXT NOT NULL,
  evaluated_at INTEGER NOT NULL,
  policy_digest TEXT NOT NULL,
  verdict TEXT NOT NULL,
  decision TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_repo_time ON records (repo, release_time);
CREATE TABLE IF NOT EXISTS facts (
  seq INTEGER NOT NULL,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (seq, position)
);
)";

constexpr const char* kRecordColumns =
    "seq, release_id, release_time, repo, evaluated_at, policy_digest, verdict, decision, "
    "prev_hash, hash";

// A prepared statement, finalized on every path.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      stmt_ = nullptr;
  }

  ~Statement() { sqlite3_finalize(stmt_); }

  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }

  bool ok() const { return stmt_ != nullptr; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::string Text(sqlite3_stmt* s, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
  return text != nullptr ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(s, column)))
                         : std::string();
}

void BindText(sqlite3_stmt* s, int index, const std::string& text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

Record ReadRecord(sqlite3_stmt* s) {
  Record r;
  r.seq = sqlite3_column_int64(s, 0);
  r.release_id = Text(s, 1);
  r.release_time = sqlite3_column_int64(s, 2);
  r.repo = Text(s, 3);
  r.evaluated_at = sqlite3_column_int64(s, 4);
  r.policy_digest = Text(s, 5);
  r.verdict = Text(s, 6);
  r.decision_json = Text(s, 7);
  r.prev_hash = Text(s, 8);
  r.hash = Text(s, 9);
  return r;
}

// SQLite stores whatever type a value was written with, whatever the column says: a repo
// written as a BLOB or a time as TEXT hashes the same bytes, yet compares unequal to every
// filter, so a record edited that way would drop out of `--repo` and of the chain walk
// unseen. Every read first looks for a value of the wrong type (the record header holds
// the types: this reads no payload) and refuses the history if one is found.
std::string MistypedValue(sqlite3* db) {
  Statement records(db,
                    "SELECT seq, typeof(seq), typeof(release_id), typeof(release_time), "
                    "typeof(repo), typeof(evaluated_at), typeof(policy_digest), typeof(verdict), "
                    "typeof(decision), typeof(prev_hash), typeof(hash) FROM records WHERE "
                    "typeof(seq) != 'integer' OR typeof(release_id) != 'text' OR "
                    "typeof(release_time) != 'integer' OR typeof(repo) != 'text' OR "
                    "typeof(evaluated_at) != 'integer' OR typeof(policy_digest) != 'text' OR "
                    "typeof(verdict) != 'text' OR typeof(decision) != 'text' OR "
                    "typeof(prev_hash) != 'text' OR typeof(hash) != 'text' ORDER BY seq LIMIT 1");
  if (!records.ok())
    return sqlite3_errmsg(db);
  if (sqlite3_step(records.get()) == SQLITE_ROW) {
    static const char* kNames[] = {"seq",          "release_id",    "release_time", "repo",
                                   "evaluated_at", "policy_digest", "verdict",      "decision",
                                   "prev_hash",    "hash"};
    static const char* kTypes[] = {"integer", "text", "integer", "text", "integer",
                                   "text",    "text", "text",    "text", "text"};
    for (int k = 0; k < 10; ++k) {
      const std::string type = Text(records.get(), k + 1);
      if (type != kTypes[k])
        return fmt::format(
            "record {}: its {} is stored as {}, not {}: the history was edited outside relgate",
            Text(records.get(), 0), kNames[k], type, kTypes[k]);
    }
  }
  Statement facts(db,
                  "SELECT seq, position, typeof(name), typeof(bytes) FROM facts WHERE "
                  "typeof(seq) != 'integer' OR typeof(position) != 'integer' OR typeof(name) != "
                  "'text' OR typeof(bytes) != 'blob' LIMIT 1");
  if (!facts.ok())
    return sqlite3_errmsg(db);
  if (sqlite3_step(facts.get()) == SQLITE_ROW)
    return fmt::format(
        "the facts of record {} (file {}) are stored with the wrong types (name {}, bytes {}): "
        "the history was edited outside relgate",
        Text(facts.get(), 0), Text(facts.get(), 1), Text(facts.get(), 2), Text(facts.get(), 3));
  return "";
}

}  // namespace

std::unique_ptr<SqliteHistory> SqliteHistory::Open(const std::string& path, bool create,
                                                   std::string& error) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    error = fmt::format("cannot open history `{}`: {}", path,
                        (db != nullptr ? sqlite3_errmsg(db) : "out of memory"));
    sqlite3_close(db);
    return nullptr;
  }
  std::unique_ptr<SqliteHistory> history(new SqliteHistory(db));
  // Another recorder may hold the write lock for a moment: wait for it, boundedly.
  sqlite3_busy_timeout(db, 10000);
  auto exec = [&](const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK)
      return true;
    error = fmt::format("cannot use history `{}`: {}", path, (message != nullptr ? message : "?"));
    sqlite3_free(message);
    return false;
  };
  // Switching a new file to WAL takes an exclusive lock, and SQLite reports a recorder
  // creating the same history at that moment as busy without waiting: wait here, as long
  // as the busy timeout would.
  for (int tries = 0;; ++tries) {
    if (exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"))
      break;
    if (sqlite3_errcode(db) != SQLITE_BUSY || tries == 1000)
      return nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // A new history gets its schema in one transaction (a recorder killed meanwhile leaves
  // none of it); an existing one is only read, so opening it writes nothing.
  const bool has_schema = [&] {
    Statement probe(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
    return probe.ok() && sqlite3_step(probe.get()) == SQLITE_ROW;
  }();
  if (!has_schema && create && !exec((fmt::format("BEGIN IMMEDIATE;{}COMMIT;", kSchema)).c_str())) {
    return nullptr;
  }
  Statement version(db, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!version.ok() || sqlite3_step(version.get()) != SQLITE_ROW) {
    error = fmt::format("`{}` is not a relgate history", path);
    return nullptr;
  }
  if (Text(version.get(), 0) != "1") {
    error = fmt::format("history `{}` has schema version {}, which this relgate does not know",
                        path, Text(version.get(), 0));
    return nullptr;
  }
  return history;
}

SqliteHistory::~SqliteHistory() {
  sqlite3_close(db_);
}

bool SqliteHistory::Append(Record& record, std::string& error) {
  auto fail = [&](const char* step) {
    error = fmt::format("cannot record in the history: {}: {}", step, sqlite3_errmsg(db_));
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return false;
  };
  // IMMEDIATE: take the write lock before reading the head, so that two recorders
  // cannot both chain onto the same record.
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail("begin");
  {
    Statement head(db_, "SELECT hash FROM records ORDER BY seq DESC LIMIT 1");
    if (!head.ok())
      return fail("read the chain head");
    const int step = sqlite3_step(head.get());
    if (step != SQLITE_ROW && step != SQLITE_DONE)
      return fail("read the chain head");
    record.prev_hash = step == SQLITE_ROW ? Text(head.get(), 0) : kGenesisHash;
  }
  record.hash = RecordHash(record);
  {
    Statement insert(db_,
                     "INSERT INTO records (release_id, release_time, repo, evaluated_at, "
                     "policy_digest, verdict, decision, prev_hash, hash) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert.ok())
      return fail("prepare");
    BindText(insert.get(), 1, record.release_id);
    sqlite3_bind_int64(insert.get(), 2, record.release_time);
    BindText(insert.get(), 3, record.repo);
    sqlite3_bind_int64(insert.get(), 4, record.evaluated_at);
    BindText(insert.get(), 5, record.policy_digest);
    BindText(insert.get(), 6, record.verdict);
    BindText(insert.get(), 7, record.decision_json);
    BindText(insert.get(), 8, record.prev_hash);
    BindText(insert.get(), 9, record.hash);
    if (sqlite3_step(insert.get()) != SQLITE_DONE)
      return fail("insert the record");
    record.seq = sqlite3_last_insert_rowid(db_);
  }
  for (size_t k = 0; k < record.facts.size(); ++k) {
    Statement insert(db_, "INSERT INTO facts (seq, position, name, bytes) VALUES (?, ?, ?, ?)");
    if (!insert.ok())
      return fail("prepare");
    sqlite3_bind_int64(insert.get(), 1, record.seq);
    sqlite3_bind_int64(insert.get(), 2, static_cast<int64_t>(k));
    BindText(insert.get(), 3, record.facts[k].name);
    sqlite3_bind_blob64(insert.get(), 4, record.facts[k].bytes.data(), record.facts[k].bytes.size(),
                        SQLITE_TRANSIENT);
    if (sqlite3_step(insert.get()) != SQLITE_DONE)
      return fail("insert the facts");
  }
  if (const char* pause = std::getenv("RELGATE_TEST_PAUSE_BEFORE_COMMIT_MS")) {
    // Tests only: hold the transaction open so a test can kill the recorder mid-way.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(pause)));
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail("commit");
  return true;
}

bool SqliteHistory::LoadFacts(Record& record, std::string& error) {
  Statement select(db_, "SELECT name, bytes FROM facts WHERE seq = ? ORDER BY position");
  if (!select.ok()) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  sqlite3_bind_int64(select.get(), 1, record.seq);
  record.facts.clear();
  int step;
  while ((step = sqlite3_step(select.get())) == SQLITE_ROW) {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(select.get(), 1));
    const int size = sqlite3_column_bytes(select.get(), 1);
    record.facts.push_back(
        {Text(select.get(), 0), bytes != nullptr ? std::string(bytes, size) : std::string()});
  }
  if (step != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  return true;
}

bool SqliteHistory::List(const ListFilter& filter, bool with_facts,
                         const std::function<bool(Record&)>& visit, std::string& error) {
  if (std::string mistyped = MistypedValue(db_); !mistyped.empty()) {
    error = mistyped;
    return false;
  }
  const std::string sql = fmt::format(
      "SELECT {} FROM records WHERE (?1 = '' OR repo = ?1) AND release_time >= ?2 AND (?3 = {} "
      "OR release_time < ?3) AND (?4 = '' OR verdict = ?4) ORDER BY seq",
      kRecordColumns, std::numeric_limits<int64_t>::max());
  Statement select(db_, sql.c_str());
  if (!select.ok()) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  BindText(select.get(), 1, filter.repo);
  sqlite3_bind_int64(select.get(), 2, filter.since);
  sqlite3_bind_int64(select.get(), 3, filter.until);
  BindText(select.get(), 4, filter.verdict);
  int step;
  while ((step = sqlite3_step(select.get())) == SQLITE_ROW) {
    Record record = ReadRecord(select.get());
    if (with_facts && !LoadFacts(record, error))
      return false;
    if (!visit(record))
      return true;
  }
  if (step != SQLITE_DONE) {
    error = sqlite3_errmsg(db_);
    return false;
  }
  return true;
}

int64_t SqliteHistory::Count(const ListFilter& filter, std::string& error) {
  if (std::string mistyped = MistypedValue(db_); !mistyped.empty()) {
    error = mistyped;
    return -1;
  }
  const std::string sql = fmt::format(
      "SELECT count(*) FROM records WHERE (?1 = '' OR repo = ?1) AND release_time >= ?2 AND (?3 = "
      "{} OR release_time < ?3) AND (?4 = '' OR verdict = ?4)",
      std::numeric_limits<int64_t>::max());
  Statement select(db_, sql.c_str());
  if (!select.ok()) {
    error = sqlite3_errmsg(db_);
    return -1;
  }
  BindText(select.get(), 1, filter.repo);
  sqlite3_bind_int64(select.get(), 2, filter.since);
  sqlite3_bind_int64(select.get(), 3, filter.until);
  BindText(select.get(), 4, filter.verdict);
  if (sqlite3_step(select.get()) != SQLITE_ROW) {
    error = sqlite3_errmsg(db_);
    return -1;
  }
  return sqlite3_column_int64(select.get(), 0);
}

std::optional<Record> SqliteHistory::Get(int64_t seq, std::string& error) {
  if (std::string mistyped = MistypedValue(db_); !mistyped.empty()) {
    error = mistyped;
    return std::nullopt;
  }
  const std::string sql = fmt::format("SELECT {} FROM records WHERE seq = ?", kRecordColumns);
  Statement select(db_, sql.c_str());
  if (!select.ok()) {
    error = sqlite3_errmsg(db_);
    return std::nullopt;
  }
  sqlite3_bind_int64(select.get(), 1, seq);
  if (sqlite3_step(select.get()) != SQLITE_ROW) {
    error = fmt::format("the history has no record {}", seq);
    return std::nullopt;
  }
  Record record = ReadRecord(select.get());
  if (!LoadFacts(record, error))
    return std::nullopt;
  return record;
}

}  // namespace relgate::history
