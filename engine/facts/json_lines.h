// A streaming JSON Lines reader: one facts document per line, read in fixed-size blocks
// so that a history of any size costs the memory of its longest line, never of the whole
// file. A line longer than limits::kMaxFactsBytes is reported and skipped (the reader
// goes on at the next line); blank lines are skipped; `\r\n` endings are accepted.
//
// Lines are handed out as views into the block they were read into, shared with the
// caller: a replay keeps thousands of lines in flight without copying one. A block is
// reused once no line of it is held any more.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relgate::facts {

struct JsonLine {
  uint64_t number = 0;    // 1-based line number in the file
  std::string_view text;  // without its line ending; into `block`
  // Holds `text` (a read block, or the line's own copy when it was longer than a block).
  // At least kPadding readable bytes follow `text` in it: a JSON parser that reads past the
  // end of its input (simdjson) parses the line where it is.
  std::shared_ptr<const char[]> block;
  std::string error;  // set instead of text when the line could not be read whole

  static constexpr size_t kPadding = 64;
};

class JsonLinesReader {
 public:
  // `path` may be `-` for standard input. Check ok() (and error()) before reading.
  explicit JsonLinesReader(const std::string& path);
  ~JsonLinesReader();
  JsonLinesReader(const JsonLinesReader&) = delete;
  JsonLinesReader& operator=(const JsonLinesReader&) = delete;

  bool ok() const { return fd_ >= 0; }

  const std::string& error() const { return error_; }

  // Bytes of the input taken as lines so far (for a progress estimate).
  uint64_t consumed() const { return read_ - (end_ - begin_); }

  // The next non-blank line; false at the end of the input (or on a read error, which
  // error() then describes).
  bool Next(JsonLine& line);

 private:
  bool Fill();
  std::shared_ptr<char[]> NewBlock(size_t size);

  int fd_ = -1;
  bool owned_ = false;
  bool eof_ = false;
  std::string error_;
  // Blocks to reuse once no line holds them; declared before buffer_, which the
  // constructor takes from it.
  std::vector<std::shared_ptr<char[]>> spare_;
  std::shared_ptr<char[]> buffer_;  // the block being read
  size_t begin_ = 0, end_ = 0;      // unread bytes of buffer_
  uint64_t line_ = 0;
  uint64_t read_ = 0;  // bytes read from the input
};

}  // namespace relgate::facts
