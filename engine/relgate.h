// The facade: what the command line, the benchmarks and the fuzzers need beyond the core
// (decider.h: compile, bind, evaluate, explain): facts read from files, imported on the
// fly, or stored in a history. Stages are still usable one by one through their own
// headers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/decider.h"
#include "engine/facts/facts.h"
#include "engine/history/record.h"

namespace relgate {

// Loads facts files into one set. False (with `error`) on the first bad file. With `raw`,
// also keeps each document's bytes as given (what a history record stores).
[[nodiscard]] bool LoadFacts(const std::vector<std::string>& paths, facts::FactSet& set,
                             facts::LoadError& error,
                             std::vector<history::StoredFacts>* raw = nullptr);

// One stored facts document (a history record's, a replayed file's): a `kind:path` name
// is imported again from the bytes, as `eval --facts kind:path` did; any other is parsed
// as a facts file.
[[nodiscard]] std::unique_ptr<facts::Document> ParseStoredFacts(const std::string& name,
                                                                std::string_view bytes,
                                                                facts::Digest digest,
                                                                facts::LoadError& error);

// The facts a history stored for a release (as `eval --record` kept them: `kind:path`
// names imported again), into `set`; false with `error`.
[[nodiscard]] bool LoadStoredFacts(const std::vector<history::StoredFacts>& stored,
                                   facts::FactSet& set, facts::LoadError& error);

// The previous release's facts as the fact `previous` of this one: the files given
// (`eval --previous`), or the last release of `repo` the gate let through in the history
// at `history` (`--previous-from`). `found` says which; with no such release (a first
// release) it is null with an empty `error`, and `previous` stays absent.
[[nodiscard]] std::unique_ptr<facts::Document> LoadPrevious(const std::vector<std::string>& files,
                                                            const std::string& history,
                                                            const std::string& repo,
                                                            std::string& found,
                                                            facts::LoadError& error);

}  // namespace relgate
