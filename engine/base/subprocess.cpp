#include "engine/base/subprocess.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace relgate {
namespace {

// The environment without the names `drop` starts, with `extra` applied (a later NAME=
// replaces an earlier one).
std::vector<std::string> Environment(const std::vector<std::string>& extra,
                                     const std::vector<std::string>& drop) {
  std::map<std::string, std::string> vars;
  std::vector<std::string> order;
  auto add = [&](const std::string& entry) {
    const size_t eq = entry.find('=');
    const std::string name = entry.substr(0, eq);
    if (vars.find(name) == vars.end())
      order.push_back(name);
    vars[name] = entry;
  };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    bool dropped = false;
    for (const std::string& prefix : drop)
      dropped = dropped || entry.substr(0, prefix.size()) == prefix;
    if (!dropped)
      add(*e);
  }
  for (const std::string& entry : extra)
    add(entry);
  std::vector<std::string> out;
  for (const std::string& name : order)
    out.push_back(vars[name]);
  return out;
}

}  // namespace

SubprocessResult RunSubprocess(const std::vector<std::string>& argv,
                               const SubprocessOptions& options) {
  SubprocessResult result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.problem = fmt::format("cannot create a pipe: {}", std::strerror(errno));
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<char*> args;
  for (const std::string& a : argv)
    args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::vector<std::string> env_strings = Environment(options.env, options.drop_prefixes);
  std::vector<char*> env;
  for (const std::string& e : env_strings)
    env.push_back(const_cast<char*>(e.c_str()));
  env.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.problem = fmt::format("cannot run `{}`: {}", argv[0], std::strerror(spawned));
    return result;
  }
  result.started = true;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  char buffer[1 << 16];
  bool killed = false;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    const int ready = poll(fds, 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      continue;
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || (fds[k].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
        continue;
      const ssize_t n = read(fds[k].fd, buffer, sizeof buffer);
      if (n <= 0) {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open_fds;
        continue;
      }
      if (sinks[k]->size() + static_cast<size_t>(n) > options.max_output) {
        result.truncated = true;
        killed = true;
        break;
      }
      sinks[k]->append(buffer, static_cast<size_t>(n));
    }
    if (killed)
      break;
  }
  if (result.timed_out || killed)
    kill(pid, SIGKILL);
  for (pollfd& fd : fds) {
    if (fd.fd >= 0)
      close(fd.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && !result.timed_out && !killed)
    result.exit_code = WEXITSTATUS(status);
  return result;
}

}  // namespace relgate
