// A progress line on stderr for long runs: releases done, releases per second and the
// time left. Drawn only when stderr is a terminal and the run has taken more than a
// second, at most a few times a second; cleared when done, so that nothing of it stays
// in a terminal's scrollback or reaches a log.
#pragma once

#include <chrono>
#include <cstdint>

namespace relgate::cli {

class ProgressLine {
 public:
  ProgressLine();
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // `releases` taken so far; `done` of `total` in the source's own unit (total 0: unknown).
  void Update(int64_t releases, int64_t done, int64_t total);

  // Clears the line, if drawn (before the report goes to the same terminal).
  void Clear();

 private:
  using Clock = std::chrono::steady_clock;

  bool enabled_;
  bool drawn_ = false;
  Clock::time_point start_;
  Clock::time_point last_;
  Clock::duration after_ = std::chrono::seconds(1);
};

}  // namespace relgate::cli
