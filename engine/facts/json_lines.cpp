#include "engine/facts/json_lines.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "engine/base/limits.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace relgate::facts {
namespace {

constexpr size_t kChunk = 1 << 20;

}  // namespace

JsonLinesReader::JsonLinesReader(const std::string& path) : buffer_(new char[kChunk]) {
  if (path == "-") {
    fd_ = STDIN_FILENO;
    return;
  }

  struct stat st {};

  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
    error_ = S_ISDIR(st.st_mode) ? "is a directory, not a file" : "is not a regular file";
    return;
  }
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    error_ = errno == ENOENT ? "does not exist"
                             : fmt::format("cannot be opened: {}", std::strerror(errno));
    return;
  }
  owned_ = true;
}

JsonLinesReader::~JsonLinesReader() {
  if (owned_ && fd_ >= 0)
    ::close(fd_);
}

bool JsonLinesReader::Fill() {
  if (eof_)
    return false;
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  for (;;) {
    const ssize_t n = ::read(fd_, buffer_.get() + end_, kChunk - end_);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error_ = fmt::format("cannot be read: {}", std::strerror(errno));
      eof_ = true;
      return false;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    end_ += static_cast<size_t>(n);
    read_ += static_cast<uint64_t>(n);
    return true;
  }
}

bool JsonLinesReader::Next(JsonLine& line) {
  if (fd_ < 0)
    return false;
  for (;;) {
    line.text.clear();
    line.error.clear();
    bool too_long = false;
    bool got_any = false;
    for (;;) {
      const char* start = buffer_.get() + begin_;
      const void* newline = std::memchr(start, '\n', end_ - begin_);
      const size_t take =
          newline != nullptr ? static_cast<const char*>(newline) - start : end_ - begin_;
      if (!too_long) {
        if (line.text.size() + take > limits::kMaxFactsBytes) {
          too_long = true;
          line.text.clear();
          line.text.shrink_to_fit();
        } else {
          // Room for a JSON parser's padding after the line (simdjson reads 64 bytes past
          // the end): replay then parses the line where it is, without a copy.
          if (line.text.empty())
            line.text.reserve(take + 64);
          line.text.append(start, take);
        }
      }
      got_any = got_any || take > 0 || newline != nullptr;
      begin_ += take;
      if (newline != nullptr) {
        ++begin_;  // the newline itself
        break;
      }
      begin_ = end_ = 0;
      if (!Fill()) {
        if (!got_any)
          return false;  // the end, after a final newline
        break;           // a last line without a newline
      }
    }
    ++line_;
    line.number = line_;
    if (too_long) {
      line.error = fmt::format("line is longer than the limit of {} bytes", limits::kMaxFactsBytes);
      return true;
    }
    if (!line.text.empty() && line.text.back() == '\r')
      line.text.pop_back();
    if (line.text.find_first_not_of(" \t") == std::string::npos)
      continue;  // blank
    return true;
  }
}

}  // namespace relgate::facts
