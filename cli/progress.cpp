#include "cli/progress.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include <unistd.h>

namespace relgate::cli {
namespace {

std::string Minutes(double seconds) {
  const auto s = static_cast<int64_t>(seconds + 0.5);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

ProgressLine::ProgressLine()
    : enabled_(::isatty(STDERR_FILENO) == 1), start_(Clock::now()), last_(start_) {
  // How long a run goes before the line appears (default 1 s): the tests set 0.
  if (const char* after = std::getenv("RELGATE_PROGRESS_AFTER_MS"); after != nullptr)
    after_ = std::chrono::milliseconds(std::atoi(after));
}

ProgressLine::~ProgressLine() {
  Clear();
}

void ProgressLine::Clear() {
  if (drawn_)
    std::fputs("\r\033[K", stderr);  // clear the line, leave the cursor at its start
  drawn_ = false;
}

void ProgressLine::Update(int64_t releases, int64_t done, int64_t total) {
  if (!enabled_)
    return;
  const Clock::time_point now = Clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (now - start_ < after_ || (drawn_ && now - last_ < std::chrono::milliseconds(200)))
    return;
  last_ = now;
  std::string line =
      fmt::format("\r\033[K{} releases, {}/s", releases, static_cast<int64_t>(releases / elapsed));
  if (total > 0 && done > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / total);
    line += fmt::format(", {}%, {} left", static_cast<int>(fraction * 100),
                        Minutes(elapsed * (1 - fraction) / fraction));
  }
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace relgate::cli
