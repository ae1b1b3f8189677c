// A real PostgreSQL server for the tests and benchmarks: initdb in a temporary directory, started
// with pg_ctl on a free port (as the `postgres` user when the tests run as root, as initdb refuses
// root), stopped and removed when the test is done. `make test` installs Debian's postgresql
// package; nothing is mocked.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace relgate::testing {

class PgServer {
 public:
  PgServer() {
    namespace fs = std::filesystem;
    for (const auto& version : fs::directory_iterator("/usr/lib/postgresql")) {
      if (fs::exists(version.path() / "bin" / "initdb"))
        bin_ = (version.path() / "bin").string();
    }
    Need(!bin_.empty(), "PostgreSQL is not installed (make test installs it)");
    dir_ = (fs::temp_directory_path() / ("relgate-pg-" + std::to_string(getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    port_ = FreePort();
    as_ = getuid() == 0 ? "runuser -u postgres -- " : "";
    if (getuid() == 0)
      Need(Shell("chown postgres '" + dir_ + "'"), "chown the data directory");
    Need(Shell(as_ + bin_ + "/initdb -D '" + dir_ + "/data' -A trust -U relgate > '" + dir_ +
               "/initdb.log' 2>&1"),
         "initdb");
    Need(Start(), "start the server");
  }

  ~PgServer() {
    (void)Shell(as_ + bin_ + "/pg_ctl -D '" + dir_ + "/data' -m immediate stop > /dev/null 2>&1");
    std::filesystem::remove_all(dir_);
  }

  bool Start() {
    return Shell(as_ + bin_ + "/pg_ctl -D '" + dir_ + "/data' -l '" + dir_ +
                 "/server.log' -w -t 60 -o \"-p " + std::to_string(port_) + " -k '" + dir_ +
                 "' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100\" start " +
                 "> /dev/null 2>&1");
  }

  bool Restart() {
    return Shell(as_ + bin_ + "/pg_ctl -D '" + dir_ + "/data' -m fast -w -t 60 -o \"-p " +
                 std::to_string(port_) + " -k '" + dir_ +
                 "' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100\" restart" +
                 " > /dev/null 2>&1");
  }

  // A database of its own per test, so tests do not see each other's records.
  std::string NewDatabase(const std::string& name) const {
    Need(Shell(bin_ + "/createdb -h 127.0.0.1 -p " + std::to_string(port_) + " -U relgate " + name),
         "createdb " + name);
    return Uri(name);
  }

  std::string Uri(const std::string& database) const {
    return "postgresql://relgate@127.0.0.1:" + std::to_string(port_) + "/" + database;
  }

  // Runs SQL through psql; true on success.
  bool Sql(const std::string& database, const std::string& sql) const {
    return Shell(bin_ + "/psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " + std::to_string(port_) +
                 " -U relgate -d " + database + " -c \"" + sql + "\" > /dev/null 2>&1");
  }

  int port() const { return port_; }

 private:
  static bool Shell(const std::string& command) { return std::system(command.c_str()) == 0; }

  // Tests see the exception as a failure; benchmarks stop.
  static void Need(bool ok, const std::string& what) {
    if (!ok)
      throw std::runtime_error("PostgreSQL for the tests: cannot " + what);
  }

  static int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    const int port = ntohs(addr.sin_port);
    close(fd);
    return port;
  }

  std::string bin_, dir_, as_;
  int port_ = 0;
};

}  // namespace relgate::testing
