#include "engine/replay/source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "engine/facts/json_lines.h"

namespace relgate::replay {
namespace {

namespace fs = std::filesystem;

bool IsFactsFile(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".json" || ext == ".yaml" || ext == ".yml";
}

bool Hidden(const fs::path& path) {
  return path.filename().string().rfind('.', 0) == 0;
}

// The entries of `dir` in name order, hidden ones left out.
std::vector<fs::path> SortedEntries(const fs::path& dir, std::error_code& ec) {
  std::vector<fs::path> out;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!Hidden(it->path()))
      out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool ReadHistory(const std::string& path, const history::ListFilter& filter,
                 const std::function<void(Release)>& sink, std::string& error,
                 SourceProgress& progress) {
  auto store = history::OpenStore(path, /*create=*/false, error);
  if (store == nullptr)
    return false;
  progress.total = store->Count(filter, error);
  if (progress.total < 0) {
    error = fmt::format("the history cannot be read: {}", error);
    return false;
  }
  const bool ok = store->List(
      filter, /*with_facts=*/true,
      [&](history::Record& r) {
        Release release;  // the record's strings moved, not copied
        release.id = std::move(r.release_id);
        release.repo = std::move(r.repo);
        release.time = r.evaluated_at;  // as it was decided
        release.release_time = r.release_time;
        release.facts = std::move(r.facts);
        release.recorded_verdict = std::move(r.verdict);
        release.recorded_decision = std::move(r.decision_json);
        ++progress.done;
        sink(std::move(release));
        return true;
      },
      error);
  if (!ok)
    error = fmt::format("the history cannot be read: {}", error);
  return ok;
}

bool ReadJsonLines(const std::string& path, const std::function<void(Release)>& sink,
                   std::string& error, SourceProgress& progress) {
  facts::JsonLinesReader reader(path);
  if (!reader.ok()) {
    error = fmt::format("`{}` {}", path, reader.error());
    return false;
  }
  std::error_code ec;
  if (path != "-" && fs::is_regular_file(path, ec))
    progress.total = static_cast<int64_t>(fs::file_size(path, ec));
  facts::JsonLine line;
  while (reader.Next(line)) {
    Release release;
    release.id = fmt::format("line {}", line.number);
    release.error = line.error;
    release.line = line.text;  // read in place: no copy of the line
    release.line_block = std::move(line.block);
    release.line_name = fmt::format("{}:{}", path, line.number);
    progress.done = static_cast<int64_t>(reader.consumed());
    sink(std::move(release));
  }
  if (!reader.error().empty()) {
    error = fmt::format("`{}` {}", path, reader.error());
    return false;
  }
  return true;
}

bool ReadDirectory(const std::string& path, const std::function<void(Release)>& sink,
                   std::string& error, SourceProgress& progress) {
  std::error_code ec;
  const std::vector<fs::path> entries = SortedEntries(path, ec);
  if (ec) {
    error = fmt::format("`{}` cannot be listed: {}", path, ec.message());
    return false;
  }
  progress.total = static_cast<int64_t>(entries.size());
  for (const fs::path& entry : entries) {
    ++progress.done;
    Release release;
    release.id = entry.filename().string();
    if (fs::is_directory(entry, ec)) {
      // One release in several facts files, merged by top-level key as in `eval`.
      for (const fs::path& file : SortedEntries(entry, ec)) {
        if (IsFactsFile(file))
          release.files.push_back(file.string());
      }
      if (ec) {
        release.error = fmt::format("cannot be listed: {}", ec.message());
      } else if (release.files.empty()) {
        release.error = "holds no facts file (.json, .yaml, .yml)";
      }
    } else if (IsFactsFile(entry)) {
      release.files.push_back(entry.string());
    } else {
      release.error = "is not a facts file (.json, .yaml, .yml) or a directory of them";
    }
    sink(std::move(release));
  }
  return true;
}

}  // namespace

std::string DetectSource(const std::string& path, SourceKind& kind) {
  if (path == "-") {
    kind = SourceKind::kJsonLines;  // standard input: facts, one release per line
    return "";
  }
  if (history::IsPostgresUri(path)) {
    kind = SourceKind::kHistory;  // the organisation's history on PostgreSQL
    return "";
  }
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec)
    return fmt::format("`{}` cannot be read: {}", path, ec.message());
  if (fs::is_directory(status)) {
    kind = SourceKind::kDirectory;
    return "";
  }
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fmt::format("`{}` cannot be opened", path);
  char header[16] = {};
  in.read(header, sizeof header);
  const bool sqlite =
      in.gcount() == 16 && std::string(header, 16) == std::string("SQLite format 3\0", 16);
  kind = sqlite ? SourceKind::kHistory : SourceKind::kJsonLines;
  return "";
}

bool ReadSource(const std::string& path, SourceKind kind, const history::ListFilter& filter,
                const std::function<void(Release)>& sink, std::string& error,
                SourceProgress* progress) {
  SourceProgress unused;
  SourceProgress& p = progress != nullptr ? *progress : unused;
  switch (kind) {
    case SourceKind::kHistory: return ReadHistory(path, filter, sink, error, p);
    case SourceKind::kJsonLines: return ReadJsonLines(path, sink, error, p);
    case SourceKind::kDirectory: return ReadDirectory(path, sink, error, p);
  }
  return false;
}

}  // namespace relgate::replay
