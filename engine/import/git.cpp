// The commits of a revision range `A..B` of a local repository, and the tag B names, as
// git itself reports them: `git` runs as a subprocess (no shell, no network: only local
// reads) on a view of the repository that hides its config, hooks, grafts and replaced
// objects (internal/git_view.h), with no user or system configuration and none of the
// caller's GIT_* variables, so the facts depend on the repository's objects and refs and
// on the keys given, not on the machine, and nothing the repository says chooses a
// program. Signatures are checked by git against `--trusted-keys` only (an ssh
// allowed_signers file, or OpenPGP public keys imported into a keyring of its own);
// without trusted keys every signature is `cannot-check` and no tag is verified:
//
//   git: { range, base, head,
//          commits: [{ sha, parents, author_name, author_email, authored_at,
//                      committer_name, committer_email, committed_at, subject,
//                      signed, signature_status, signer?, signing_key?,
//                      trailers: [{key, value}] }],
//          tag: { name, annotated, signed, verified, tagger?, target }? }
//
// signature_status is git's %G? in words: good, bad, untrusted, expired-signature,
// expired-key, revoked-key, cannot-check (a key not among the trusted ones), none.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "engine/base/subprocess.h"
#include "engine/base/time.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/git_objects.h"
#include "engine/import/internal/git_view.h"

namespace relgate::import {
namespace {

namespace fs = std::filesystem;

// A revision as a user writes one (`v1.2.0`, `main~3`, `HEAD^`, a SHA): never an option.
bool IsRevision(const std::string& text) {
  static const std::regex kRevision(R"([A-Za-z0-9_][A-Za-z0-9._/@{}~^+-]*)");
  return std::regex_match(text, kRevision) && text.find("..") == std::string::npos;
}

const char* StatusWord(char code) {
  switch (code) {
    case 'G': return "good";
    case 'B': return "bad";
    case 'U': return "untrusted";
    case 'X': return "expired-signature";
    case 'Y': return "expired-key";
    case 'R': return "revoked-key";
    case 'E': return "cannot-check";
    default: return "none";
  }
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(separator, begin);
    if (end == std::string::npos)
      end = text.size();
    out.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

std::string Utc(const std::string& iso) {
  const auto nanos = ParseRfc3339(iso);
  return nanos ? FormatRfc3339(*nanos) : iso;
}

// An ssh allowed_signers file names key types on every entry; anything else is taken for
// OpenPGP public keys.
bool IsAllowedSigners(const std::string& text) {
  bool any = false;
  for (const std::string& line : Split(text, '\n')) {
    if (line.empty() || line[0] == '#')
      continue;
    if (line.find("ssh-") == std::string::npos && line.find("ecdsa-sha2-") == std::string::npos &&
        line.find("sk-") == std::string::npos)
      return false;
    any = true;
  }
  return any;
}

}  // namespace

std::unique_ptr<facts::Document> ImportGit(const Request& request, facts::LoadError& error) {
  const std::string& repo = request.inputs.front();
  error.file = repo;
  if (repo.empty() || repo.front() == '-') {
    error.message = fmt::format(
        "a repository path that starts with `-` is refused (it would read as an option): write "
        "./{}",
        repo);
    return nullptr;
  }
  const size_t dots = request.range.find("..");
  const std::string base = dots == std::string::npos ? "" : request.range.substr(0, dots);
  const std::string head = dots == std::string::npos ? "" : request.range.substr(dots + 2);
  if (!IsRevision(base) || !IsRevision(head)) {
    error.message = request.range.empty()
                        ? "give the revisions to read with --range A..B (e.g. v1.1.0..v1.2.0)"
                        : fmt::format(
                              "--range `{}` is not A..B with two revision names (letters, digits, "
                              "`._/@{{}}~^+-`, not starting with `-`)",
                              request.range);
    return nullptr;
  }
  // git reads the repository through a view that hides its config, hooks, grafts and
  // replacements (internal/git_view.h); what the caller's environment says to git is
  // dropped too, so the facts depend on the repository's objects and refs and on the keys
  // given, nothing else.
  const internal::GitView view(repo);
  if (!view.ok()) {
    error.message = fmt::format("`{}` {}", repo, view.problem());
    return nullptr;
  }
  const std::string& gnupg_home = view.scratch();
  const bool have_keys = !request.trusted_keys.empty();
  std::string allowed_signers = "/dev/null";
  if (!request.trusted_keys.empty()) {
    std::ifstream in(request.trusted_keys, std::ios::binary);
    const std::string keys((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && keys.empty()) {
      error.message = fmt::format("cannot read --trusted-keys `{}`", request.trusted_keys);
      return nullptr;
    }
    if (IsAllowedSigners(keys)) {
      allowed_signers = fs::absolute(request.trusted_keys).string();
    } else {
      std::ofstream(fmt::format("{}/gpg.conf", gnupg_home)) << "trust-model always\n";
      const SubprocessResult imported = RunSubprocess(
          {"gpg", "--batch", "--quiet", "--import", fs::absolute(request.trusted_keys).string()},
          {{fmt::format("GNUPGHOME={}", gnupg_home)}, 60, size_t{1} << 20, {"GIT_", "GNUPG"}});
      if (imported.exit_code != 0) {
        error.message = fmt::format(
            "--trusted-keys `{}` is neither an ssh allowed_signers file nor OpenPGP public keys "
            "gpg imports{}",
            request.trusted_keys,
            (imported.started ? fmt::format(": {}", imported.err)
                              : fmt::format(": {}", imported.problem)));
        return nullptr;
      }
    }
  }
  const SubprocessOptions options{
      {fmt::format("GNUPGHOME={}", gnupg_home), fmt::format("GIT_DIR={}", view.git_dir()),
       "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
       "GIT_NO_REPLACE_OBJECTS=1", "GIT_ATTR_NOSYSTEM=1", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C"},
      120,
      size_t{64} << 20,
      {"GIT_", "GNUPG"}};
  // The programs git may run to check a signature are named here, as their defaults (the
  // view's config names none, and neither system nor user config is read).
  auto git = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {
        "git",       "--no-replace-objects",
        "-c",        "core.fsmonitor=false",
        "-c",        "core.hooksPath=/dev/null",
        "-c",        "core.commitGraph=false",
        "-c",        "gpg.program=gpg",
        "-c",        "gpg.ssh.program=ssh-keygen",
        "-c",        "gpg.x509.program=gpgsm",
        "-c",        fmt::format("gpg.ssh.allowedSignersFile={}", allowed_signers),
        "--no-pager"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunSubprocess(argv, options);
  };
  auto failed = [&](const SubprocessResult& r, const std::string& what) {
    std::string why = r.started ? r.err : r.problem;
    while (!why.empty() && why.back() == '\n')
      why.pop_back();
    error.message = why.empty() ? what : fmt::format("{}: {}", what, why);
    return nullptr;
  };
  std::string resolved[2];
  const std::string ends[2] = {base, head};
  for (int k = 0; k < 2; ++k) {
    const SubprocessResult r =
        git({"rev-parse", "--verify", "--end-of-options", fmt::format("{}^{{commit}}", ends[k])});
    if (r.exit_code != 0)
      return failed(r, fmt::format("`{}` is not a commit in this repository", ends[k]));
    resolved[k] = r.out.substr(0, r.out.find('\n'));
  }
  // One record per commit (\x1e), fields apart by \x00, trailers by \x1f.
  const SubprocessResult log =
      git({"log", "--no-color",
           "--format=%H%x00%P%x00%an%x00%ae%x00%aI%x00%cn%x00%ce%x00%cI%x00%s%x00%G?%x00%GS%x00%GK"
           "%x00%(trailers:unfold,separator=%x1f)%x1e",
           "--end-of-options", fmt::format("{}..{}", resolved[0], resolved[1])});
  if (log.exit_code != 0 || log.truncated)
    return failed(log, "git log failed");
  std::vector<std::vector<std::string>> commits;
  for (std::string record : Split(log.out, '\x1e')) {
    if (!record.empty() && record.front() == '\n')
      record.erase(0, 1);
    if (record.empty())
      continue;
    commits.push_back(Split(record, '\0'));
    if (commits.back().size() != 13) {
      error.message =
          fmt::format("unexpected output from git log ({} fields)", commits.back().size());
      return nullptr;
    }
  }
  // The commits as stored: each one's bytes hash to its id, and name the parents git
  // walked (internal/git_objects.h).
  {
    std::vector<std::string> ids = {resolved[0], resolved[1]};
    std::map<std::string, std::string> parents;
    std::string input = fmt::format("{}\n{}\n", resolved[0], resolved[1]);
    for (const std::vector<std::string>& f : commits) {
      ids.push_back(f[0]);
      parents[f[0]] = f[1];
      fmt::format_to(std::back_inserter(input), "{}\n", f[0]);
    }
    SubprocessOptions batch_options = options;
    batch_options.input = input;
    batch_options.max_output = size_t{1} << 30;
    const SubprocessResult batch =
        RunSubprocess({"git", "--no-replace-objects", "cat-file", "--batch"}, batch_options);
    if (batch.exit_code != 0 || batch.truncated)
      return failed(batch, "git cat-file failed");
    if (std::string why = internal::CheckCommitObjects(batch.out, ids, parents, view.sha256());
        !why.empty()) {
      error.message = why;
      return nullptr;
    }
  }

  facts::TreeBuilder b(fmt::format("{} {} (git)", repo, request.range));
  b.BeginObject();
  b.Key("git");
  b.BeginObject();
  b.Field("range", request.range);
  b.Field("base", resolved[0]);
  b.Field("head", resolved[1]);
  b.Key("commits");
  b.BeginArray();
  for (const std::vector<std::string>& f : commits) {
    b.BeginObject();
    b.Field("sha", f[0]);
    b.FieldInt("parents", f[1].empty() ? 0 : static_cast<int64_t>(Split(f[1], ' ').size()));
    b.Field("author_name", f[2]);
    b.Field("author_email", f[3]);
    b.Field("authored_at", Utc(f[4]));
    b.Field("committer_name", f[5]);
    b.Field("committer_email", f[6]);
    b.Field("committed_at", Utc(f[7]));
    b.Field("subject", f[8]);
    // Without trusted keys nothing can vouch for a signature, whatever git says.
    char code = f[9].empty() ? 'N' : f[9][0];
    if (!have_keys && code != 'N')
      code = 'E';
    b.FieldBool("signed", code != 'N');
    b.Field("signature_status", StatusWord(code));
    if (have_keys && !f[10].empty())
      b.Field("signer", f[10]);
    if (!f[11].empty())
      b.Field("signing_key", f[11]);
    b.Key("trailers");
    b.BeginArray();
    for (const std::string& trailer : Split(f[12], '\x1f')) {
      const size_t colon = trailer.find(':');
      if (trailer.empty() || colon == std::string::npos)
        continue;
      std::string value = trailer.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.erase(0, 1);
      while (!value.empty() && (value.back() == '\n' || value.back() == ' '))
        value.pop_back();
      b.BeginObject();
      b.Field("key", trailer.substr(0, colon));
      b.Field("value", value);
      b.EndObject();
    }
    b.EndArray();
    b.EndObject();
  }
  b.EndArray();
  // B as a tag: annotated or not, signed or not, and whether git verifies it.
  const SubprocessResult type =
      git({"cat-file", "-t", "--end-of-options", fmt::format("refs/tags/{}", head)});
  if (type.exit_code == 0) {
    const bool annotated = type.out.rfind("tag", 0) == 0;
    b.Key("tag");
    b.BeginObject();
    b.Field("name", head);
    b.FieldBool("annotated", annotated);
    bool is_signed = false, verified = false;
    std::string tagger;
    if (annotated) {
      const SubprocessResult body = git({"cat-file", "tag", fmt::format("refs/tags/{}", head)});
      is_signed = body.out.find("-----BEGIN PGP SIGNATURE-----") != std::string::npos ||
                  body.out.find("-----BEGIN SSH SIGNATURE-----") != std::string::npos;
      for (const std::string& line : Split(body.out, '\n')) {
        if (line.rfind("tagger ", 0) == 0) {
          tagger = line.substr(
              7, line.find('>') == std::string::npos ? std::string::npos : line.find('>') - 6);
          break;
        }
      }
      verified = have_keys && is_signed &&
                 git({"verify-tag", fmt::format("refs/tags/{}", head)}).exit_code == 0;
    }
    b.FieldBool("signed", is_signed);
    b.FieldBool("verified", verified);
    if (!tagger.empty())
      b.Field("tagger", tagger);
    b.Field("target", resolved[1]);
    b.EndObject();
  }
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace relgate::import
