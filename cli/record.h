// Recording a decision in the history (`relgate eval --record`).
#pragma once

#include <string>

#include "engine/facts/facts.h"
#include "engine/history/record.h"

namespace relgate::cli {

struct RecordArgs {
  std::string history;  // --record
  std::string release_id;
  std::string release_time;
  std::string repo;
};

// Fills the record's release id, time and repository from the flags, else from the facts
// (`release.id`, `release.built_at`, `release.repo`); false with `error` when one is
// missing or the time is not RFC 3339. Called before anything is evaluated.
[[nodiscard]] bool IdentifyRelease(const RecordArgs& args, const facts::FactSet& set,
                                   history::Record& record, std::string& error);

// Appends the record (creating the history file if needed); sets its seq and hashes.
[[nodiscard]] bool RecordDecision(const std::string& path, history::Record& record,
                                  std::string& error);

}  // namespace relgate::cli
