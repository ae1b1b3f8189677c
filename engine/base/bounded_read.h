// Reading an input file whole, with its size limit enforced while reading. Every file
// relgate reads (policy sources, stdlib modules, facts) comes through here, so no input
// can make it read without bound: a regular file larger than the limit is refused before
// any byte is read, and a pipe, stdin or a file that grows is cut off one byte past the
// limit, however much more it would give. Only regular files are read, and pipes (FIFOs,
// stdin) where the caller allows them; a directory, a device (`/dev/zero`) or a socket
// is refused with a message that says what it is.
#pragma once

#include <cstddef>
#include <string>

namespace relgate {

struct ReadLimits {
  size_t max_bytes = 0;
  bool allow_pipes = false;  // FIFOs and `-` (standard input)
};

// Reads `path` (`-` is standard input, when pipes are allowed) into `out`. Returns "" on
// success, else why it could not be read, worded to follow the path: "is a directory",
// "is larger than the limit of 67108864 bytes".
[[nodiscard]] std::string ReadBounded(const std::string& path, const ReadLimits& limits,
                                      std::string& out);

}  // namespace relgate
