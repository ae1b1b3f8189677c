#include "engine/base/bounded_read.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace relgate {
namespace {

std::string TooLarge(size_t limit) {
  return fmt::format("is larger than the limit of {} bytes", limit);
}

// What kind of file `st` describes, for the refusal message; "" when it may be read.
std::string Refusal(const struct stat& st, bool allow_pipes) {
  if (S_ISREG(st.st_mode))
    return "";
  if (S_ISFIFO(st.st_mode))
    return allow_pipes ? "" : "is a pipe (FIFO), not a regular file";
  if (S_ISDIR(st.st_mode))
    return "is a directory, not a file";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    return "is a device, not a regular file";
  if (S_ISSOCK(st.st_mode))
    return "is a socket, not a regular file";
  return "is not a regular file";
}

class Fd {
 public:
  explicit Fd(int fd, bool owned) : fd_(fd), owned_(owned) {}

  ~Fd() {
    if (owned_ && fd_ >= 0)
      ::close(fd_);
  }

  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }

 private:
  int fd_;
  bool owned_;
};

}  // namespace

std::string ReadBounded(const std::string& path, const ReadLimits& limits, std::string& out) {
  out.clear();
  const bool is_stdin = path == "-" && limits.allow_pipes;

  struct stat st {};

  // Classified before opening: opening a socket fails with an unhelpful ENXIO, and a
  // device should not be opened at all. fstat below checks the file actually opened.
  bool fifo = false;
  if (!is_stdin && ::stat(path.c_str(), &st) == 0) {
    if (std::string refused = Refusal(st, limits.allow_pipes); !refused.empty())
      return refused;
    fifo = S_ISFIFO(st.st_mode);
  }
  // A FIFO given as facts is opened blocking: like `cat`, it waits for its writer (opened
  // non-blocking, it would read as empty before the writer arrived). Anything else is
  // opened O_NONBLOCK, so that a file swapped for a FIFO after the stat cannot hang us
  // before fstat refuses it.
  const int open_flags = O_RDONLY | O_CLOEXEC | (fifo ? 0 : O_NONBLOCK);
  const Fd fd(is_stdin ? STDIN_FILENO : ::open(path.c_str(), open_flags), !is_stdin);
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return "does not exist";
    if (errno == EACCES || errno == EPERM)
      return "cannot be read: permission denied";
    if (errno == ELOOP)
      return "is a symbolic link loop";
    return fmt::format("cannot be opened: {}", std::strerror(errno));
  }
  if (::fstat(fd.get(), &st) != 0)
    return fmt::format("cannot be examined: {}", std::strerror(errno));
  if (is_stdin && S_ISCHR(st.st_mode) && ::isatty(fd.get()))
    return "is a terminal; pipe the facts in or name a file";
  if (std::string refused = Refusal(st, limits.allow_pipes || is_stdin); !refused.empty())
    return refused;
  if (S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) > limits.max_bytes)
    return TooLarge(limits.max_bytes);
  if (!is_stdin) {
    // Reads block again from here on: a pipe is read until its writer closes it.
    const int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags >= 0)
      (void)::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  }
  if (S_ISREG(st.st_mode))
    out.reserve(static_cast<size_t>(st.st_size));
  char buffer[64 * 1024];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      out.clear();
      return fmt::format("cannot be read: {}", std::strerror(errno));
    }
    if (n == 0)
      break;
    if (out.size() + static_cast<size_t>(n) > limits.max_bytes) {
      out.clear();
      out.shrink_to_fit();
      return TooLarge(limits.max_bytes);
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  return "";
}

}  // namespace relgate
