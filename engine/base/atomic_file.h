// Every file relgate writes goes through WriteFileAtomically: the content goes to a
// temporary file in the target's directory, is fsync'ed, and is renamed over the target
// (then the directory is fsync'ed). A crash or kill -9 at any moment leaves either the
// old file or the complete new one, never a truncated one; a failed write (full disk,
// unwritable directory) leaves the old file untouched and returns the reason.
#pragma once

#include <string>
#include <string_view>

namespace relgate {

// Returns "" on success, else a message naming `path` and the reason. Refuses targets
// that exist but are not regular files (a device such as /dev/full, a directory), since
// renaming over them would replace them. A kill between creating and renaming the
// temporary file can leave `.<name>.relgate-tmp-XXXXXX` beside the target.
[[nodiscard]] std::string WriteFileAtomically(const std::string& path, std::string_view content);

// Appends `content` to `path` (created if missing) in one write with O_APPEND: for files
// other programs own and read afterwards, such as GitHub's $GITHUB_STEP_SUMMARY. Returns
// "" on success, else a message naming `path` and the reason.
[[nodiscard]] std::string AppendToFile(const std::string& path, std::string_view content);

}  // namespace relgate
