// `eval --record HISTORY.db`: which release a decision is about (from flags, else from
// the facts), and appending the decision to the history.
#include "cli/record.h"

#include <fmt/format.h>

#include "engine/base/time.h"
#include "engine/history/store.h"

namespace relgate::cli {
bool IdentifyRelease(const RecordArgs& args, const facts::FactSet& set, history::Record& record,
                     std::string& error) {
  record.release_id = !args.release_id.empty() ? args.release_id : set.StringAt("release", "id");
  record.repo = !args.repo.empty() ? args.repo : set.StringAt("release", "repo");
  const std::string time =
      !args.release_time.empty() ? args.release_time : set.StringAt("release", "built_at");
  if (record.release_id.empty()) {
    error = "--record needs the release id: give --release-id, or a `release.id` fact";
    return false;
  }
  if (record.repo.empty()) {
    error = "--record needs the repository: give --repo, or a `release.repo` fact";
    return false;
  }
  if (time.empty()) {
    error = "--record needs the release time: give --release-time, or a `release.built_at` fact";
    return false;
  }
  const auto parsed = ParseRfc3339(time);
  if (!parsed) {
    const std::string problem = TimeProblem(time);
    error = fmt::format("the release time `{}` {}", time,
                        (problem.empty() ? "is not an RFC 3339 time" : problem));
    return false;
  }
  record.release_time = *parsed;
  return true;
}

bool RecordDecision(const std::string& path, history::Record& record, std::string& error) {
  auto store = history::OpenStore(path, /*create=*/true, error);
  return store != nullptr && store->Append(record, error);
}

}  // namespace relgate::cli
