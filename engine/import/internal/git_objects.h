// What git itself does not check when it walks history (internal to engine/import): that a
// commit's stored bytes hash to the commit's id. A repository's object store is as
// untrusted as its config; a commit object rewritten in place (say, the release's parent
// pointed past an unreviewed commit) would be walked as if it were the real one. The
// commits of an imported range, and both ends, are read raw (`git cat-file --batch`) and
// hashed here, and the parents git reported must be the ones their content names.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::import::internal {

// `batch` is `git cat-file --batch`'s output for `ids`, in that order. `parents` holds,
// for the commits whose parents git reported, those parents (space-separated, as %P).
// "" when every object is a commit whose bytes hash to its id (SHA-1, or SHA-256 for
// `sha256` repositories) and names the reported parents; else what is wrong.
[[nodiscard]] std::string CheckCommitObjects(std::string_view batch,
                                             const std::vector<std::string>& ids,
                                             const std::map<std::string, std::string>& parents,
                                             bool sha256);

}  // namespace relgate::import::internal
