// libpq, opened on first use of a PostgreSQL history (engine/base/shared_library.h says why).
// Each member is the libpq function of the same name; call sites read `Libpq().PQexec(...)`.
#pragma once

#include <string>

#include <libpq-fe.h>

namespace relgate::history {

#define RELGATE_LIBPQ_FUNCTIONS(X) \
  X(PQclear)                       \
  X(PQconnectdbParams)             \
  X(PQconninfoFree)                \
  X(PQconninfoParse)               \
  X(PQerrorMessage)                \
  X(PQexec)                        \
  X(PQexecParams)                  \
  X(PQfinish)                      \
  X(PQfreemem)                     \
  X(PQgetisnull)                   \
  X(PQgetlength)                   \
  X(PQgetvalue)                    \
  X(PQntuples)                     \
  X(PQresultStatus)                \
  X(PQstatus)

struct LibpqApi {
#define RELGATE_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
  RELGATE_LIBPQ_FUNCTIONS(RELGATE_LIBPQ_MEMBER)
#undef RELGATE_LIBPQ_MEMBER
};

// Loads libpq once per process; false (with `error` naming the library and the Debian
// package) when it is not installed.
bool LoadLibpq(std::string& error);

// The loaded functions: only after LoadLibpq returned true.
const LibpqApi& Libpq();

}  // namespace relgate::history
