// The command line's two streams, written through fmt.
//
// Out: reports and listings on standard output. It says whether the text was written, and
// OutFlushed whether all of it reached the file: a gate must not claim a result its caller
// never received (a full disk, a closed pipe).
// Err: messages on standard error, best effort: a closed standard error must not change a
// decision's exit code.
// WriteOut and WriteErr take text already made (a rendered report, diagnostics) as it is,
// without a copy through a format string.
#pragma once

#include <cstdio>
#include <iterator>
#include <string_view>

#include <fmt/format.h>

namespace relgate::cli {

inline bool WriteOut(std::string_view text) {
  return std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
}

template <typename... Args>
bool Out(fmt::format_string<Args...> format, Args&&... args) {
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text), format, std::forward<Args>(args)...);
  return WriteOut({text.data(), text.size()});
}

inline void WriteErr(std::string_view text) {
  (void)std::fwrite(text.data(), 1, text.size(), stderr);
}

inline bool OutFlushed() {
  return std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
}

template <typename... Args>
void Err(fmt::format_string<Args...> format, Args&&... args) {
  fmt::memory_buffer text;
  fmt::format_to(std::back_inserter(text), format, std::forward<Args>(args)...);
  WriteErr({text.data(), text.size()});
}

}  // namespace relgate::cli
