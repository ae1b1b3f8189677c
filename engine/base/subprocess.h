// Running a program as a subprocess, without a shell: argv as given (nothing is
// interpreted), stdin from /dev/null (or the input given), stdout and stderr captured up to a
// bound, and a time limit after which it is killed. What importers use to ask a tool (git) for what
// it knows, with no way for an argument to become a command.
#pragma once

#include <string>
#include <vector>

namespace relgate {

struct SubprocessResult {
  bool started = false;  // false: the program could not be run (`problem` says why)
  int exit_code = -1;    // when it exited; -1 when killed by a signal or the time limit
  bool timed_out = false;
  bool truncated = false;  // stdout passed `max_output` and was cut (the program killed)
  std::string out, err;
  std::string problem;
};

struct SubprocessOptions {
  std::vector<std::string> env;  // `NAME=value` added to (or replacing in) the environment
  int timeout_seconds = 60;
  size_t max_output = size_t{64} << 20;
  // Inherited variables whose names start with one of these are left out (`GIT_`: what the
  // caller's shell says to git must not change what an importer reads).
  std::vector<std::string> drop_prefixes;
  // Given to the program as its standard input (else /dev/null).
  std::string input;
};

// Runs argv[0] (looked up in PATH) with argv.
[[nodiscard]] SubprocessResult RunSubprocess(const std::vector<std::string>& argv,
                                             const SubprocessOptions& options = {});

}  // namespace relgate
