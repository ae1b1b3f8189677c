#include "bench/handwritten.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include <re2/re2.h>

namespace relgate::bench {

struct HandWritten::Slots {
  int release, approvals, builder, artifact, provenance, dependencies;
  int author, committed_at, built_at;
  int user, team;
  int id, hosted, ephemeral;
  int digest, files;
  int subject_digest;
  int name, pinned, integrity, has_install_script;
  RE2 builder_re{"^https://github\\.com/actions/runner/github-hosted$"};
};

namespace {

int Slot(const types::Type* record, const char* name) {
  if (record->kind == types::TypeKind::kList)
    record = record->element;
  const int k = record->FieldIndex(name);
  if (k < 0)
    throw std::runtime_error(std::string("no field ") + name);
  return k;
}

}  // namespace

HandWritten::HandWritten(const compile::Program& program) {
  const types::Type* s = program.schema();
  auto* slots = new Slots();
  slots->release = Slot(s, "release");
  slots->approvals = Slot(s, "approvals");
  slots->builder = Slot(s, "builder");
  slots->artifact = Slot(s, "artifact");
  slots->provenance = Slot(s, "provenance");
  slots->dependencies = Slot(s, "dependencies");
  const auto& f = s->fields;
  slots->author = Slot(f[slots->release].type, "author");
  slots->committed_at = Slot(f[slots->release].type, "committed_at");
  slots->built_at = Slot(f[slots->release].type, "built_at");
  slots->user = Slot(f[slots->approvals].type, "user");
  slots->team = Slot(f[slots->approvals].type, "team");
  slots->id = Slot(f[slots->builder].type, "id");
  slots->hosted = Slot(f[slots->builder].type, "hosted");
  slots->ephemeral = Slot(f[slots->builder].type, "ephemeral");
  slots->digest = Slot(f[slots->artifact].type, "digest");
  slots->files = Slot(f[slots->artifact].type, "files");
  slots->subject_digest = Slot(f[slots->provenance].type, "subject_digest");
  slots->name = Slot(f[slots->dependencies].type, "name");
  slots->pinned = Slot(f[slots->dependencies].type, "pinned");
  slots->integrity = Slot(f[slots->dependencies].type, "integrity");
  slots->has_install_script = Slot(f[slots->dependencies].type, "has_install_script");
  slots_ = slots;
}

uint32_t HandWritten::Evaluate(const eval::BoundFacts& facts) const {
  const Slots& s = *slots_;
  const Value* root = facts.root();
  const Value* release = root[s.release].items;
  const Value& approvals = root[s.approvals];
  const Value* builder = root[s.builder].items;
  const Value* artifact = root[s.artifact].items;
  const Value& deps = root[s.dependencies];
  uint32_t failed = 0;

  // R1: distinct approvers other than the author.
  std::string_view seen[16];
  size_t distinct = 0;
  const std::string_view author = release[s.author].str();
  bool releng = false;
  for (uint32_t k = 0; k < approvals.len; ++k) {
    const Value* a = approvals.items[k].items;
    const std::string_view user = a[s.user].str();
    if (a[s.team].str() == "release-eng")
      releng = true;
    if (user == author)
      continue;
    if (std::find(seen, seen + distinct, user) == seen + distinct && distinct < 16) {
      seen[distinct++] = user;
    }
  }
  if (distinct < 2)
    failed |= 1u << 0;
  if (!releng)
    failed |= 1u << 1;
  // R3
  if (!(RE2::PartialMatch(builder[s.id].str(), s.builder_re) && builder[s.hosted].b &&
        builder[s.ephemeral].b)) {
    failed |= 1u << 2;
  }
  // R4, R5
  for (uint32_t k = 0; k < deps.len; ++k) {
    const Value* d = deps.items[k].items;
    const Value& integrity = d[s.integrity];
    const std::string_view i = integrity.kind == ValueKind::kString ? integrity.str() : "";
    if (!(d[s.pinned].b && (i.substr(0, 7) == "sha512-" || i.substr(0, 7) == "sha256-"))) {
      failed |= 1u << 3;
    }
    if (d[s.has_install_script].b) {
      const std::string_view n = d[s.name].str();
      if (n != "esbuild" && n != "sharp" && n != "fsevents")
        failed |= 1u << 4;
    }
  }
  // R6
  if (artifact[s.digest].str() != root[s.provenance].items[s.subject_digest].str()) {
    failed |= 1u << 5;
  }
  // R7
  const Value& files = artifact[s.files];
  for (uint32_t k = 0; k < files.len; ++k) {
    const std::string_view f = files.items[k].str();
    if (f.size() >= 4 && f.substr(f.size() - 4) == ".map")
      failed |= 1u << 6;
  }
  // R8
  const int64_t c = release[s.committed_at].i, t = release[s.built_at].i;
  if (!(c <= t && t - c <= 24 * 3600 * int64_t{1'000'000'000}))
    failed |= 1u << 7;
  return failed;
}

}  // namespace relgate::bench
