// Whether a package's tree can be extracted as listed, whatever extracts it: the checks an
// archive or a directory passes before its listing becomes facts (internal to
// engine/import).
//
// - Links are resolved through the tree's own links, as a file system would (`..` after
//   the link it follows): a symbolic link whose target leaves the root, directly or through
//   other links (`sub/up -> ..`, `esc -> sub/up/../..`), or that loops, is refused.
// - An entry below a symbolic link (`esc/pwned.txt` beside `esc -> ...`) is refused:
//   extracting it writes wherever the link points. So is a hard link through one.
// - Two entries that one file system can hold as one name are refused: `README` and
//   `readme`, NFC and NFD spellings of one name (compared case-folded and
//   NFD-normalised, as macOS and Windows compare names), and a file `a` beside `a/b`
//   (a file that is also a directory). Which one an extractor keeps is its choice, not
//   the policy's.
#pragma once

#include <string>
#include <vector>

namespace relgate::import::internal {

struct TreeEntry {
  std::string path;         // normalised, relative
  std::string type;         // file, symlink, hardlink, directory
  std::string link_target;  // as written (symlink), or normalised (hardlink)
};

// "" when the tree is safe to extract, else why not, naming the entries.
[[nodiscard]] std::string CheckTree(const std::vector<TreeEntry>& entries);

}  // namespace relgate::import::internal
