// A streaming JSON Lines reader: one facts document per line, read in fixed-size chunks
// so that a history of any size costs the memory of its longest line, never of the whole
// file. A line longer than limits::kMaxFactsBytes is reported and skipped (the reader
// goes on at the next line); blank lines are skipped; `\r\n` endings are accepted.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace relgate::facts {

struct JsonLine {
  uint64_t number = 0;  // 1-based line number in the file
  std::string text;     // without its line ending
  std::string error;    // set instead of text when the line could not be read whole
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

  int fd_ = -1;
  bool owned_ = false;
  bool eof_ = false;
  std::string error_;
  std::unique_ptr<char[]> buffer_;
  size_t begin_ = 0, end_ = 0;  // unread bytes of buffer_
  uint64_t line_ = 0;
  uint64_t read_ = 0;  // bytes read from the input
};

}  // namespace relgate::facts
