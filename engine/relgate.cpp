#include "engine/relgate.h"

#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "engine/base/bounded_read.h"
#include "engine/base/limits.h"
#include "engine/facts/nest.h"
#include "engine/history/store.h"
#include "engine/import/facts_json.h"
#include "engine/import/importer.h"

namespace relgate {
namespace {

// The name a history keeps a facts file under: the path as given, except a relative path
// that reads as `kind:path` — a file named `npm-lock:x.yaml`, read as a file because it
// exists — which is kept as `./npm-lock:x.yaml`. A stored name says how its bytes are
// parsed (ParseStoredFacts), so a replay then reads the file as the gate did, not as an
// import of it.
std::string StoredFileName(const std::string& path) {
  const import::Kind* kind = nullptr;
  std::string rest;
  return import::SplitKindPath(path, kind, rest) ? fmt::format("./{}", path) : path;
}

}  // namespace

bool LoadFacts(const std::vector<std::string>& paths, facts::FactSet& set, facts::LoadError& error,
               std::vector<history::StoredFacts>* raw) {
  for (const std::string& path : paths) {
    std::unique_ptr<facts::Document> doc;
    const import::Kind* kind = nullptr;
    std::string imported;
    std::error_code ec;
    if (import::SplitKindPath(path, kind, imported) && !std::filesystem::exists(path, ec)) {
      // `--facts npm-lock:package-lock.json`: imported on the fly; a history keeps the
      // file as given, under the same `kind:path` name, so a replay imports it again. An
      // input the kind reads itself (an archive, a directory) is not kept: its facts are.
      if (kind->min_inputs > 1) {
        error.file = imported;
        error.message =
            fmt::format("{} reads {}: import it with `relgate import {}` and give the facts file",
                        kind->name, kind->inputs, kind->name);
      } else if (kind->reads_itself || kind->import == nullptr) {
        import::Request request;
        request.inputs = {imported};
        doc = import::Import(*kind, request, error);
        if (doc && raw != nullptr)
          raw->push_back({StoredFileName(fmt::format("{} ({}).facts.json", imported, kind->name)),
                          import::FactsJson(*doc)});
      } else {
        std::string bytes;
        if (import::ReadInput(imported, bytes, error))
          doc = kind->import(bytes, imported, error);
        if (doc)
          doc->set_source_path(imported);
        if (doc && raw != nullptr)
          raw->push_back({path, std::move(bytes)});
      }
    } else if (raw == nullptr) {
      doc = facts::LoadFile(path, facts::Format::kAuto, error);
    } else {
      std::string text;
      error.file = path;
      error.message = ReadBounded(path, {limits::kMaxFactsBytes, /*allow_pipes=*/true}, text);
      if (error.message.empty())
        doc = facts::ParseDocument(text, path, facts::Format::kAuto, error);
      if (doc)
        raw->push_back({StoredFileName(path), std::move(text)});
    }
    if (!doc)
      return false;
    if (!set.Add(std::move(doc), error))
      return false;
  }
  return true;
}

std::unique_ptr<facts::Document> ParseStoredFacts(const std::string& name, std::string_view bytes,
                                                  facts::Digest digest, facts::LoadError& error) {
  const import::Kind* kind = nullptr;
  std::string imported;
  if (import::SplitKindPath(name, kind, imported) && kind->import != nullptr) {
    auto doc = kind->import(bytes, imported, error);
    if (doc)
      doc->set_source_path(imported);
    return doc;
  }
  return facts::ParseDocument(bytes, name, facts::Format::kAuto, error, digest);
}

bool LoadStoredFacts(const std::vector<history::StoredFacts>& stored, facts::FactSet& set,
                     facts::LoadError& error) {
  for (const history::StoredFacts& f : stored) {
    auto doc = ParseStoredFacts(f.name, f.bytes, facts::Digest::kCompute, error);
    if (!doc || !set.Add(std::move(doc), error))
      return false;
  }
  return true;
}

std::unique_ptr<facts::Document> LoadPrevious(const std::vector<std::string>& files,
                                              const std::string& history, const std::string& repo,
                                              std::string& found, facts::LoadError& error) {
  facts::FactSet previous;
  if (!files.empty()) {
    if (!LoadFacts(files, previous, error))
      return nullptr;
    found = fmt::format("{}", fmt::join(files, ", "));
  } else {
    std::string problem;
    std::error_code ec;
    if (!history::IsPostgresUri(history) && !std::filesystem::exists(history, ec)) {
      // Not an empty history: a mistyped path must not make every release a first one.
      error.message = fmt::format(
          "history `{}` does not exist: create it with `relgate history migrate --history {}` (its "
          "first release then has no previous)",
          history, history);
      return nullptr;
    }
    auto store = history::OpenStore(history, /*create=*/false, problem);
    if (store == nullptr) {
      error.message = problem;
      return nullptr;
    }
    // The last release of this repository that the gate let through.
    history::ListFilter filter;
    filter.repo = repo;
    filter.verdict = "open";
    int64_t last = 0;
    if (!store->List(
            filter, /*with_facts=*/false,
            [&](const history::Record& r) {
              last = r.seq;
              return true;
            },
            problem)) {
      error.message = problem;
      return nullptr;
    }
    if (last == 0)
      return nullptr;  // a first release: no previous
    std::optional<history::Record> record = store->Get(last, problem);
    if (!record) {
      error.message = problem.empty() ? fmt::format("record {} vanished", last) : problem;
      return nullptr;
    }
    if (!LoadStoredFacts(record->facts, previous, error))
      return nullptr;
    found = fmt::format("release {} (record {})", record->release_id, last);
  }
  auto doc = facts::NestUnder(previous, types::kPreviousFact, types::kPreviousFact,
                              fmt::format("previous: {}", found), error);
  if (doc != nullptr)
    doc->set_sha256(Sha256Hex(import::FactsJson(*doc)));
  return doc;
}

}  // namespace relgate
