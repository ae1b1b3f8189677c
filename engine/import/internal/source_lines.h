// Where an importer's entries are in the file it read, so that a finding on an entry can
// point at its line (a lockfile entry, a workflow step). The parsers the importers use
// keep no positions, so entries are found in the text itself, in the order the importer
// emits them: each search starts where the previous match ended, which keeps a whole
// file to one pass and stops a name written earlier (in a comment, another entry's
// dependency list) from being taken for a later entry.
#pragma once

#include <cstdint>
#include <string_view>

namespace relgate::import::internal {

class SourceLines {
 public:
  explicit SourceLines(std::string_view text) : text_(text) {}

  // The 1-based line of the next line, at or after the current position, whose text
  // after its indentation (and an optional `- `) starts with `head`; 0 if none (the
  // position is then left where it was).
  uint32_t NextLineStartingWith(std::string_view head);

  // The 1-based line of the next `"key"` followed by `:` (a JSON object key); 0 if none.
  uint32_t NextJsonKey(std::string_view key);

  // The 1-based line of the next line that is the YAML mapping key `key` (`key:`,
  // `'key':` or `"key":` after its indentation); 0 if none.
  uint32_t NextYamlKey(std::string_view key);

  // The 1-based line of the next line that is `key: value` (the value possibly quoted, a
  // comment after it); 0 if none.
  uint32_t NextKeyWithValue(std::string_view key, std::string_view value);

  // The byte offset where the line of the last match starts.
  size_t last_line_offset() const { return last_line_offset_; }

 private:
  // Moves to `at`, counting the lines passed; the 1-based line of `at`.
  uint32_t MoveTo(size_t at);
  // The first line from the current position on whose text after its indentation (and an
  // optional `- `) `matches`; its 1-based number, the position moved past it.
  template <typename Match>
  uint32_t NextLine(Match matches);

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;  // the line of pos_
  size_t last_line_offset_ = 0;
};

}  // namespace relgate::import::internal
