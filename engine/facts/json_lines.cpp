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

JsonLinesReader::JsonLinesReader(const std::string& path) : buffer_(NewBlock(kChunk)) {
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

// A block of `size` bytes and the padding after them: a spare one no line holds any more
// when there is one (only this reader had it, so nothing can take it back), else new.
std::shared_ptr<char[]> JsonLinesReader::NewBlock(size_t size) {
  if (size == kChunk) {
    for (std::shared_ptr<char[]>& spare : spare_) {
      if (spare.use_count() == 1)
        return spare;
    }
  }
  std::shared_ptr<char[]> block(new char[size + JsonLine::kPadding]);
  if (size == kChunk && spare_.size() < 64)
    spare_.push_back(block);
  return block;
}

// Reads more into a fresh block, which starts with the unread bytes of this one: the
// lines handed out from this block stay where they are.
bool JsonLinesReader::Fill() {
  if (eof_)
    return false;
  if (begin_ > 0) {
    // Lines before begin_ may be held: the rest moves to another block (never this one:
    // NewBlock returns only blocks that nothing holds, and the reader holds this one).
    std::shared_ptr<char[]> next = NewBlock(kChunk);
    std::memcpy(next.get(), buffer_.get() + begin_, end_ - begin_);
    buffer_ = std::move(next);
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
    line.text = {};
    line.block.reset();
    line.error.clear();
    // A line longer than a block is gathered apart (and refused past the facts limit).
    std::string gathered;
    bool gathering = false, too_long = false, got_any = false;
    for (;;) {
      const char* start = buffer_.get() + begin_;
      const void* newline = std::memchr(start, '\n', end_ - begin_);
      const size_t take =
          newline != nullptr ? static_cast<const char*>(newline) - start : end_ - begin_;
      got_any = got_any || take > 0 || newline != nullptr;
      if (newline != nullptr && !gathering) {
        line.text = std::string_view(start, take);
        line.block = buffer_;
        begin_ += take + 1;
        break;
      }
      if (newline == nullptr && !gathering && !eof_ && (begin_ > 0 || end_ < kChunk)) {
        // The line goes on past what was read: read on (into a fresh block that starts with
        // it, when lines before it were handed out).
        if (Fill())
          continue;
      }
      if (newline == nullptr && !gathering && eof_) {
        // A last line without a newline (or nothing left).
        if (take > 0) {
          line.text = std::string_view(start, take);
          line.block = buffer_;
        }
        begin_ = end_;
        break;
      }
      // The line fills a whole block (which then holds no other line): gather it apart.
      gathering = true;
      if (!too_long) {
        if (gathered.size() + take > limits::kMaxFactsBytes) {
          too_long = true;
          gathered.clear();
          gathered.shrink_to_fit();
        } else {
          gathered.append(start, take);
        }
      }
      begin_ += take;
      if (newline != nullptr) {
        ++begin_;  // the newline itself
        break;
      }
      begin_ = end_ = 0;
      if (!Fill())
        break;  // the end: a last line without a newline
    }
    if (!got_any)
      return false;  // the end, after a final newline
    ++line_;
    line.number = line_;
    if (too_long) {
      line.text = {};
      line.block.reset();
      line.error = fmt::format("line is longer than the limit of {} bytes", limits::kMaxFactsBytes);
      return true;
    }
    if (gathering) {
      std::shared_ptr<char[]> own(new char[gathered.size() + JsonLine::kPadding]);
      std::memcpy(own.get(), gathered.data(), gathered.size());
      line.text = std::string_view(own.get(), gathered.size());
      line.block = std::move(own);
    }
    if (!line.text.empty() && line.text.back() == '\r')
      line.text.remove_suffix(1);
    if (line.text.find_first_not_of(" \t") == std::string_view::npos)
      continue;  // blank
    return true;
  }
}

}  // namespace relgate::facts
