#include "engine/base/subprocess.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <string_view>

#include <fmt/format.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
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

namespace {

// Writing to a child that has exited raises SIGPIPE, which would end relgate: while a
// child's input is written, SIGPIPE is blocked on this thread, and one it raised is taken
// back before it is unblocked (the write then fails with EPIPE instead).
class SigpipeBlocked {
 public:
  SigpipeBlocked() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
  }

  ~SigpipeBlocked() {
    const timespec none{0, 0};
    while (sigtimedwait(&pipe_, nullptr, &none) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }

  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_, previous_;
};

}  // namespace

SubprocessResult RunSubprocess(const std::vector<std::string>& argv,
                               const SubprocessOptions& options) {
  SubprocessResult result;
  const bool feed = !options.input.empty();
  int out_pipe[2], err_pipe[2], in_pipe[2] = {-1, -1};
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0 ||
      (feed && pipe2(in_pipe, O_CLOEXEC) != 0)) {
    result.problem = fmt::format("cannot create a pipe: {}", std::strerror(errno));
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (feed)
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  else
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
  if (feed) {
    close(in_pipe[0]);
    fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);
  }
  if (spawned != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    if (feed)
      close(in_pipe[1]);
    result.problem = fmt::format("cannot run `{}`: {}", argv[0], std::strerror(spawned));
    return result;
  }
  result.started = true;
  const SigpipeBlocked sigpipe_blocked;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  // stdout, stderr, and the child's stdin while there is input left to give it.
  pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {in_pipe[1], POLLOUT, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_fds = 2;
  size_t written = 0;
  char buffer[1 << 16];
  bool killed = false;
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      break;
    }
    const int ready = poll(fds, fds[2].fd >= 0 ? 3 : 2, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR)
      continue;
    if (ready <= 0)
      continue;
    if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t n = write(fds[2].fd, options.input.data() + written,
                              std::min<size_t>(options.input.size() - written, 1 << 16));
      if (n > 0)
        written += static_cast<size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == options.input.size()) {
        close(fds[2].fd);  // all given, or the child stopped reading
        fds[2].fd = -1;
      }
    }
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
