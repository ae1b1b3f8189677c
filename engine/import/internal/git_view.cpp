#include "engine/import/internal/git_view.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>

#include "engine/base/bounded_read.h"
#include "engine/base/subprocess.h"

namespace relgate::import::internal {
namespace {

namespace fs = std::filesystem;

// HEAD, a `.git` file, `commondir`: a line or two of text each.
constexpr size_t kSmallFile = 4096;

std::string ReadSmall(const fs::path& path) {
  std::string text;
  if (!ReadBounded(path.string(), {kSmallFile, false}, text).empty())
    return "";
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

bool IsGitDir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "HEAD", ec) && fs::is_directory(dir / "objects", ec) &&
         fs::is_directory(dir / "refs", ec);
}

// The git directory of `repo`, as git finds it: `repo/.git` (a directory, or a file that
// says `gitdir: X` for a linked worktree or a submodule), `repo` itself when bare, else
// the same asked of the parent directory.
std::string FindGitDir(const fs::path& repo, fs::path& git_dir) {
  std::error_code ec;
  fs::path dir = fs::absolute(repo, ec);
  if (ec || !fs::is_directory(dir, ec))
    return "is not a directory";
  for (int depth = 0; depth < 256 && !dir.empty(); ++depth) {
    const fs::path dot_git = dir / ".git";
    if (fs::is_directory(dot_git, ec) && IsGitDir(dot_git)) {
      git_dir = dot_git;
      return "";
    }
    if (fs::is_regular_file(dot_git, ec)) {
      const std::string text = ReadSmall(dot_git);
      if (text.rfind("gitdir: ", 0) != 0)
        return fmt::format("has a `.git` file that does not say `gitdir: PATH`");
      fs::path target = text.substr(8);
      if (target.is_relative())
        target = dir / target;
      if (!IsGitDir(target) && !fs::is_regular_file(target / "HEAD", ec))
        return fmt::format("has a `.git` file naming `{}`, which is not a git directory",
                           target.string());
      git_dir = target;
      return "";
    }
    if (IsGitDir(dir)) {
      git_dir = dir;
      return "";
    }
    if (dir == dir.parent_path())
      break;
    dir = dir.parent_path();
  }
  return "is not inside a git repository";
}

// One value of the repository's config file, read as a file (`--file`, so no includes are
// followed and nothing is run).
std::string ConfigValue(const fs::path& config, const char* key) {
  std::error_code ec;
  if (!fs::is_regular_file(config, ec))
    return "";
  const SubprocessResult r =
      RunSubprocess({"git", "config", "--file", config.string(), "--get", key},
                    {{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null"}, 30, 4096, {"GIT_"}});
  std::string value = r.exit_code == 0 ? r.out : "";
  while (!value.empty() && value.back() == '\n')
    value.pop_back();
  return value;
}

bool Link(const fs::path& target, const fs::path& link) {
  std::error_code ec;
  if (!fs::exists(target, ec))
    return true;
  fs::create_symlink(target, link, ec);
  return !ec;
}

}  // namespace

GitView::GitView(const std::string& repo) {
  fs::path git_dir;
  if (std::string why = FindGitDir(repo, git_dir); !why.empty()) {
    problem_ = why;
    return;
  }
  fs::path common = git_dir;
  if (const std::string commondir = ReadSmall(git_dir / "commondir"); !commondir.empty())
    common = fs::path(commondir).is_relative() ? git_dir / commondir : fs::path(commondir);
  std::error_code ec;
  if (fs::exists(common / "shallow", ec)) {
    problem_ =
        "is a shallow clone: its history is cut off, so the range cannot be read from the "
        "whole commit graph (fetch the whole history, e.g. actions/checkout with "
        "fetch-depth: 0)";
    return;
  }
  // HEAD is the only file copied: a branch it points at, or a commit.
  const std::string head = ReadSmall(git_dir / "HEAD");
  static const std::regex kHead(R"(ref: refs/[A-Za-z0-9._/+-]+|[0-9a-f]{40}|[0-9a-f]{64})");
  if (!std::regex_match(head, kHead)) {
    problem_ = "has a HEAD that is neither `ref: refs/...` nor a commit id";
    return;
  }
  std::string format = ConfigValue(common / "config", "extensions.objectformat");
  if (!format.empty() && format != "sha1" && format != "sha256") {
    problem_ = fmt::format("uses the object format `{}`, which relgate does not read", format);
    return;
  }

  sha256_ = format == "sha256";
  std::string pattern = (fs::temp_directory_path() / "relgate-git-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    problem_ = "cannot create a temporary directory";
    return;
  }
  root_ = pattern;
  git_dir_ = (fs::path(root_) / "git").string();
  scratch_ = (fs::path(root_) / "scratch").string();
  fs::create_directory(git_dir_, ec);
  fs::create_directory(scratch_, ec);
  fs::permissions(scratch_, fs::perms::owner_all, ec);
  {
    std::ofstream(fs::path(git_dir_) / "HEAD") << head << '\n';
    std::ofstream config(fs::path(git_dir_) / "config");
    // The commit-graph file caches parents; git trusts it over the commits themselves.
    config << "[core]\n\trepositoryformatversion = " << (format.empty() ? 0 : 1)
           << "\n\tbare = true\n\tcommitGraph = false\n";
    if (!format.empty())
      config << "[extensions]\n\tobjectformat = " << format << '\n';
  }
  if (!Link(common / "objects", fs::path(git_dir_) / "objects") ||
      !Link(common / "refs", fs::path(git_dir_) / "refs") ||
      !Link(common / "packed-refs", fs::path(git_dir_) / "packed-refs") ||
      !Link(common / "logs", fs::path(git_dir_) / "logs"))
    problem_ = "cannot link its objects and refs into a temporary directory";
}

GitView::~GitView() {
  if (root_.empty())
    return;
  if (!scratch_.empty())
    (void)RunSubprocess({"gpgconf", "--kill", "all"},
                        {{fmt::format("GNUPGHOME={}", scratch_)}, 10});
  std::error_code ec;
  fs::remove_all(root_, ec);
}

}  // namespace relgate::import::internal
