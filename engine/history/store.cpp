#include "engine/history/store.h"

#include <fmt/format.h>

#include "engine/history/sqlite_history.h"
#if RELGATE_WITH_POSTGRES
#include "engine/history/pg_history.h"
#include "engine/history/pg_uri.h"
#endif

namespace relgate::history {
namespace {

std::string Describe(const Record& r) {
  return fmt::format("record {} (release {})", r.seq, r.release_id);
}

#if !RELGATE_WITH_POSTGRES
// A build without PostgreSQL (cmake -DRELGATE_POSTGRES=OFF) refuses its URIs by name, and
// never shows one: it may hold a password.
std::string NoPostgres(const std::string& location) {
  return fmt::format(
      "history {}...: this relgate was built without PostgreSQL support (RELGATE_POSTGRES=OFF); "
      "use a SQLite history",
      location.substr(0, location.find("://") + 3));
}
#endif

}  // namespace

bool IsPostgresUri(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string Redacted(const std::string& location) {
#if RELGATE_WITH_POSTGRES
  return IsPostgresUri(location) ? InspectPgUri(location).shown : location;
#else
  return IsPostgresUri(location)
             ? fmt::format("{}...", location.substr(0, location.find("://") + 3))
             : location;
#endif
}

std::unique_ptr<Store> OpenStore(const std::string& location, bool create, std::string& error) {
  if (IsPostgresUri(location)) {
#if RELGATE_WITH_POSTGRES
    return PgHistory::Open(location, create, error);
#else
    (void)create;
    error = NoPostgres(location);
    return nullptr;
#endif
  }
  return SqliteHistory::Open(location, create, error);
}

bool Migrate(const std::string& location, std::string& message) {
  if (IsPostgresUri(location)) {
#if RELGATE_WITH_POSTGRES
    return PgHistory::Migrate(location, message);
#else
    message = NoPostgres(location);
    return false;
#endif
  }
  auto store = SqliteHistory::Open(location, /*create=*/true, message);
  if (!store)
    return false;
  message =
      fmt::format("history `{}` has schema version {} (the current one)", location, kSchemaVersion);
  return true;
}

Verification Store::Verify(const std::string& expected_head) {
  Verification v;
  std::string previous = kGenesisHash;
  int64_t previous_seq = 0;
  bool head_seen = expected_head.empty();
  std::string error;
  const bool read = List(
      {}, /*with_facts=*/true,
      [&](const Record& r) {
        ++v.records;
        if (r.prev_hash != previous) {
          v.ok = false;
          v.bad_seq = r.seq;
          v.problem = previous_seq == 0 ? fmt::format(
                                              "{} is the first but does not start the chain: "
                                              "records before it were deleted",
                                              Describe(r))
                                        : fmt::format(
                                              "{} does not follow record {}: a record was inserted "
                                              "or deleted between them",
                                              Describe(r), previous_seq);
          return false;
        }
        if (RecordHash(r) != r.hash) {
          v.ok = false;
          v.bad_seq = r.seq;
          v.problem =
              fmt::format("{} was edited: its contents no longer match its hash", Describe(r));
          return false;
        }
        previous = r.hash;
        previous_seq = r.seq;
        head_seen = head_seen || r.hash == expected_head;
        return true;
      },
      error);
  if (!read) {
    v.ok = false;
    v.problem = fmt::format("the history cannot be read: {}", error);
    return v;
  }
  v.head = previous;
  if (v.ok && !head_seen) {
    v.ok = false;
    v.problem = fmt::format(
        "the chain no longer leads to head {}: records were deleted from its end, or the history "
        "was rewritten",
        expected_head);
  }
  return v;
}

}  // namespace relgate::history
