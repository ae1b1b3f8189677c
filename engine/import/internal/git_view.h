// A read-only view of a local git repository that git can be pointed at without reading
// anything the repository says about how git should behave.
//
// A repository's own configuration is untrusted: `.git/config` (and whatever it includes)
// can name programs for git to run (gpg.program, core.fsmonitor, diff.external, textconv
// and filter drivers, hooks), and `info/grafts` or `refs/replace/*` can rewrite the commit
// graph. git has no switch that ignores the local config, so the view is a scratch
// GIT_DIR of our own: a config we write (only the object format copied across), the
// repository's HEAD copied, and its objects, refs and reflogs linked in. Nothing else
// from the repository's git directory is visible: no config, hooks, info/ (grafts,
// attributes, exclude), shallow list or worktree config; and the config we write turns
// off the commit-graph file, a cache of parents that the repository could forge.
#pragma once

#include <string>

namespace relgate::import::internal {

class GitView {
 public:
  // Builds the view of `repo` (a work tree, a linked worktree or a bare repository).
  // On failure `ok()` is false and `problem()` says why.
  explicit GitView(const std::string& repo);
  ~GitView();
  GitView(const GitView&) = delete;
  GitView& operator=(const GitView&) = delete;

  bool ok() const { return problem_.empty(); }

  const std::string& problem() const { return problem_; }

  // The scratch GIT_DIR to run git with (`--git-dir`), and a scratch directory beside it
  // for anything else the import needs (a GnuPG home).
  const std::string& git_dir() const { return git_dir_; }

  const std::string& scratch() const { return scratch_; }

  // Object ids are SHA-256 (extensions.objectformat), not SHA-1.
  bool sha256() const { return sha256_; }

 private:
  std::string root_;  // removed with everything in it
  std::string git_dir_, scratch_, problem_;
  bool sha256_ = false;
};

}  // namespace relgate::import::internal
