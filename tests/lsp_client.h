// A JSON-RPC client for `relgate lsp` in tests: starts the server with pipes for stdin and
// stdout, frames requests and notifications, reads its messages with a deadline (a hung
// server fails the test instead of stalling it) and keeps the notifications it sends.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/base/json_writer.h"
#include "engine/facts/facts.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace relgate::testing {

using Message = std::shared_ptr<facts::Document>;

// The node at a dotted path of `root` (`result.items.0.label`); null when absent.
inline const facts::Node* At(const facts::Node* node, std::string_view path) {
  while (node != nullptr && !path.empty()) {
    const size_t dot = path.find('.');
    const std::string_view part = path.substr(0, dot);
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (node->kind == facts::NodeKind::kArray) {
      const size_t index = std::stoul(std::string(part));
      node = index < node->len ? &node->items[index] : nullptr;
    } else if (node->kind == facts::NodeKind::kObject) {
      node = node->Find(part);
    } else {
      node = nullptr;
    }
  }
  return node;
}

inline std::string Str(const facts::Node* node) {
  return node && node->kind == facts::NodeKind::kString ? std::string(node->str()) : "<absent>";
}

inline int64_t Int(const facts::Node* node) {
  return node && node->kind == facts::NodeKind::kInt ? node->i : -1;
}

class LspClient {
 public:
  // `command` is run by /bin/sh with its stdin and stdout connected to the client.
  explicit LspClient(const std::string& command) {
    int to_server[2], from_server[2];
    if (pipe(to_server) != 0 || pipe(from_server) != 0)
      throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_server[0], 0);
      dup2(from_server[1], 1);
      close(to_server[1]);
      close(from_server[0]);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_server[0]);
    close(from_server[1]);
    in_ = to_server[1];
    out_ = from_server[0];
    signal(SIGPIPE, SIG_IGN);
  }

  ~LspClient() {
    if (in_ >= 0)
      close(in_);
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
  }

  void SendRaw(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = write(in_, bytes.data() + done, bytes.size() - done);
      if (n <= 0)
        throw std::runtime_error("the server closed its input");
      done += static_cast<size_t>(n);
    }
  }

  void Send(const std::string& body) {
    SendRaw(fmt::format("Content-Length: {}\r\n\r\n{}", body.size(), body));
  }

  void Notify(const std::string& method, const std::string& params) {
    Send(fmt::format(R"({{"jsonrpc":"2.0","method":{},"params":{}}})", JsonQuote(method), params));
  }

  // Sends a request and returns its response; notifications that arrive first are kept.
  Message Request(const std::string& method, const std::string& params) {
    const int id = ++next_id_;
    Send(fmt::format(R"({{"jsonrpc":"2.0","id":{},"method":{},"params":{}}})", id,
                     JsonQuote(method), params));
    while (true) {
      Message message = Read();
      const facts::Node* got = At(&message->root(), "id");
      if (got != nullptr && got->kind == facts::NodeKind::kInt && got->i == id)
        return message;
      notifications_.push_back(message);
    }
  }

  // The next publishDiagnostics for `uri` (kept or read).
  Message Diagnostics(const std::string& uri) {
    for (auto it = notifications_.begin(); it != notifications_.end(); ++it) {
      if (IsDiagnosticsFor(*it, uri)) {
        Message found = *it;
        notifications_.erase(it);
        return found;
      }
    }
    while (true) {
      Message message = Read();
      if (IsDiagnosticsFor(message, uri))
        return message;
      notifications_.push_back(message);
    }
  }

  void DropNotifications() { notifications_.clear(); }

  // The server's process id (a shell that exec'd it, or its parent shell).
  pid_t pid() const { return pid_; }

  // Closes the server's input and waits for it to end; its exit status.
  int Finish() {
    close(in_);
    in_ = -1;
    int status = 0;
    for (int i = 0; i < 600; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      usleep(100'000);
    }
    throw std::runtime_error("the server did not exit");
  }

  // One message from the server, within the deadline.
  Message Read() {
    std::string header;
    while (header.size() < 4 || header.compare(header.size() - 4, 4, "\r\n\r\n") != 0)
      header.push_back(ReadByte());
    const size_t at = header.find("Content-Length: ");
    if (at == std::string::npos)
      throw std::runtime_error("a message without Content-Length: " + header);
    const size_t length = std::stoul(header.substr(at + 16));
    std::string body;
    while (body.size() < length)
      body.push_back(ReadByte());
    facts::LoadError error;
    auto document = facts::ParseJson(body, "message", error, facts::Digest::kSkip);
    if (!document)
      throw std::runtime_error("the server sent invalid JSON: " + error.ToString());
    return Message(document.release());
  }

 private:
  static bool IsDiagnosticsFor(const Message& m, const std::string& uri) {
    return Str(At(&m->root(), "method")) == "textDocument/publishDiagnostics" &&
           Str(At(&m->root(), "params.uri")) == uri;
  }

  char ReadByte() {
    if (buffered_.empty()) {
      pollfd fd{out_, POLLIN, 0};
      if (poll(&fd, 1, 60'000) <= 0)
        throw std::runtime_error("no answer from the server within 60 s");
      char chunk[65536];
      const ssize_t n = read(out_, chunk, sizeof chunk);
      if (n <= 0)
        throw std::runtime_error("the server closed its output");
      buffered_.insert(buffered_.end(), chunk, chunk + n);
    }
    const char c = buffered_.front();
    buffered_.pop_front();
    return c;
  }

  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  int next_id_ = 0;
  std::deque<char> buffered_;
  std::deque<Message> notifications_;
};

}  // namespace relgate::testing
