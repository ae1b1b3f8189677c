// Moving a history as JSON Lines: one record per line, every stored field, the facts as
// their text and the chain hashes, so that another store (or another machine) can check
// the chain before taking the records in.
//
//   {"schema":"relgate.history/v1","seq":1,"release_id":"r-1","release_time_ns":...,
//    "repo":"acme/web","evaluated_at_ns":...,"policy_digest":"...","verdict":"open",
//    "decision":"{...}","facts":[{"name":"release.yaml","text":"..."}],
//    "prev_hash":"000...","hash":"..."}
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "engine/history/record.h"

namespace relgate::history {

[[nodiscard]] std::string ToJsonLine(const Record& record);

// Reads every line of `path` (`-`: standard input) as a record, checking the exported
// chain as it goes (each record's hash, and each prev_hash equal to the hash before it);
// `take` receives each record in order. False with `error` naming the line at the first
// unreadable line or broken link.
[[nodiscard]] bool ReadJsonLines(const std::string& path,
                                 const std::function<bool(Record&, std::string&)>& take,
                                 std::string& error);

}  // namespace relgate::history
