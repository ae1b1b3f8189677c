// Runs the built relgate binary from the source directory and captures its output.
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sys/wait.h>

namespace relgate::testing {

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout, then stderr when `merge_stderr`
};

// Runs `command` with /bin/sh; its standard output, and exit code.
inline RunResult RunShell(const std::string& command) {
  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr)
    return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// The sanitizers' settings of this process (`make sanitize` sets LSAN_OPTIONS to its
// suppressions), as `NAME='value'` assignments for a command run under `env -i`.
inline std::string SanitizerEnv() {
  std::string out;
  for (const char* name : {"ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "TSAN_OPTIONS"}) {
    const char* value = std::getenv(name);
    if (value == nullptr)
      continue;
    out += std::string(" ") + name + "='";
    for (const char* c = value; *c != '\0'; ++c)
      out += *c == '\'' ? std::string("'\\''") : std::string(1, *c);
    out += "'";
  }
  return out;
}

// `args` is appended to the binary path and run by /bin/sh in the source directory.
// `redirect` replaces the default stream handling when given.
inline RunResult RunRelgate(const std::string& args, bool merge_stderr = true,
                            const char* redirect = nullptr) {
  const std::string streams =
      redirect != nullptr ? redirect : (merge_stderr ? " 2>&1" : " 2>/dev/null");
  // `timeout`: a relgate that hangs fails its test (exit 124) instead of stalling the run.
  return RunShell(std::string("cd '") + RELGATE_SOURCE_DIR + "' && NO_COLOR=1 timeout 120 '" +
                  RELGATE_BINARY + "' " + args + streams);
}

}  // namespace relgate::testing
