// Where replayed releases come from, in the forms users already have them:
//  - a recorded history (SQLite, `relgate eval --record`): each record's facts as given,
//    decided at the time it was decided then, beside the verdict recorded;
//  - a JSON Lines file: one release's facts per line (as the reference workload writes);
//  - a directory: one facts file per release (.json, .yaml, .yml), or one sub-directory
//    per release whose facts files merge as in `relgate eval`; in name order.
// Releases from JSON Lines and directories are named by their `release.id` and decided at
// their `release.built_at` (engine/replay/replay.h). Every source streams: memory does not
// grow with the number of releases (a directory keeps only its entry names).
#pragma once

#include <functional>
#include <string>

#include "engine/history/store.h"
#include "engine/replay/replay.h"

namespace relgate::replay {

enum class SourceKind { kHistory, kJsonLines, kDirectory };

// How far a source has been read, in its own unit (records, bytes, entries), for a
// progress estimate; `total` 0 when unknown (standard input).
struct SourceProgress {
  int64_t done = 0;
  int64_t total = 0;
};

// What `path` is, by its kind and first bytes; "" on success, else why it cannot be read.
[[nodiscard]] std::string DetectSource(const std::string& path, SourceKind& kind);

// Hands every release of the source to `sink`, in order. A release that cannot be read is
// handed on with its `error` set (the replay reports it and goes on); false (with `error`)
// only when the source itself cannot be read. `filter` selects records of a history by
// repository and release time; for the other forms the replayer applies it to the facts.
[[nodiscard]] bool ReadSource(const std::string& path, SourceKind kind,
                              const history::ListFilter& filter,
                              const std::function<void(Release)>& sink, std::string& error,
                              SourceProgress* progress = nullptr);

}  // namespace relgate::replay
