#include "engine/base/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace relgate {
namespace {

std::string Reason(const std::string& path, const char* what) {
  return fmt::format("cannot write `{}`: {}: {}", path, what, std::strerror(errno));
}

bool WriteAll(int fd, std::string_view content) {
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::string WriteFileAtomically(const std::string& path, std::string_view content) {
  namespace fs = std::filesystem;
  struct stat existing;
  if (::stat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) {
    return fmt::format("cannot write `{}`: it exists and is not a regular file", path);
  }
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string temp =
      (dir / (fmt::format(".{}.relgate-tmp-XXXXXX", target.filename().string()))).string();
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());
  if (fd < 0)
    return Reason(path, "cannot create a temporary file beside it");
  temp = name.data();
  auto fail = [&](const char* what) {
    std::string message = Reason(path, what);
    ::close(fd);
    ::unlink(temp.c_str());
    return message;
  };
  if (!WriteAll(fd, content))
    return fail("write failed");
  if (::fsync(fd) != 0)
    return fail("fsync failed");
  // mkstemp creates 0600; reports are ordinary files (0644 less the umask).
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, 0644 & ~mask) != 0)
    return fail("chmod failed");
  if (::close(fd) != 0) {
    std::string message = Reason(path, "close failed");
    ::unlink(temp.c_str());
    return message;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    std::string message = Reason(path, "rename failed");
    ::unlink(temp.c_str());
    return message;
  }
  // Make the rename itself durable.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return "";
}

std::string AppendToFile(const std::string& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return fmt::format("cannot open `{}` to append: {}", path, std::strerror(errno));
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      const std::string why = n < 0 ? std::strerror(errno) : "nothing written";
      ::close(fd);
      return fmt::format("cannot append to `{}`: {}", path, why);
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0)
    return fmt::format("cannot append to `{}`: {}", path, std::strerror(errno));
  return "";
}

}  // namespace relgate
