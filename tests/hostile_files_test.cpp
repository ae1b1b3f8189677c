// Files an attacker can plant: symlinks in a policy directory that lead out of it (to a
// secret, to /proc/self/environ), FIFOs, devices and sockets named like policy or facts
// files, endless pipes and oversized inputs. Each is refused with a message that names
// the file and what it is, exit 2, without echoing what lies outside and without hanging.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

using testing::Contains;

const char* kRules =
    "facts { release: { tag: string } }\ndeny tagged \"untagged\": release.tag != \"\"\n";
const char* kSecret = "API_TOKEN=hunter2-do-not-print";

// A scratch directory with a policy directory `p/` (one good file) and a secret
// outside it.
struct Sandbox {
  fs::path dir = fs::temp_directory_path() / ("relgate-hostile-" + std::to_string(getpid()));
  fs::path policy = dir / "p";

  Sandbox() {
    fs::remove_all(dir);
    fs::create_directories(policy);
    std::ofstream(policy / "rules.gate") << kRules;
    std::ofstream(dir / "secret.gate") << kSecret << "\n";
    std::ofstream(dir / "facts.yaml") << "release: {tag: v1}\n";
  }

  ~Sandbox() { fs::remove_all(dir); }

  testing::RunResult Check() const { return RunRelgate("check '" + policy.string() + "'"); }
};

TEST_CASE("a symlink in the policy directory that leads outside it is refused unread") {
  Sandbox box;
  SUBCASE("to a file beside the directory") {
    fs::create_symlink("../secret.gate", box.policy / "leak.gate");
  }
  SUBCASE("by an absolute path") {
    fs::create_symlink(box.dir / "secret.gate", box.policy / "leak.gate");
  }
  SUBCASE("to /proc/self/environ") {
    fs::create_symlink("/proc/self/environ", box.policy / "leak.gate");
  }
  SUBCASE("through a symlinked subdirectory that a file imports") {
    fs::create_directories(box.dir / "outside");
    std::ofstream(box.dir / "outside" / "x.gate") << kSecret << "\n";
    fs::create_directory_symlink("../outside", box.policy / "sub");
    std::ofstream(box.policy / "rules.gate") << "import \"sub/x.gate\"\n" << kRules;
  }
  auto run = box.Check();
  CAPTURE(run.output);
  CHECK(run.exit_code == 2);
  CHECK(Contains(run.output, "leads outside the policy directory"));
  CHECK(!Contains(run.output, "hunter2"));
  CHECK(!Contains(run.output, "PATH="));
}

TEST_CASE("a policy file named directly is confined to its own directory") {
  Sandbox box;
  fs::create_symlink("../secret.gate", box.policy / "leak.gate");
  auto run = RunRelgate("check '" + (box.policy / "leak.gate").string() + "'");
  CHECK(run.exit_code == 2);
  CHECK(Contains(run.output, "leak.gate` leads outside the policy directory"));
  CHECK(!Contains(run.output, "hunter2"));
}

TEST_CASE("symlinks that stay inside the policy directory are followed") {
  Sandbox box;
  fs::create_directories(box.policy / "shared");
  std::ofstream(box.policy / "shared" / "extra.gate") << "warn extra \"x\": true\n";
  fs::create_symlink("shared/extra.gate", box.policy / "extra.gate");
  auto run = box.Check();
  CAPTURE(run.output);
  CHECK(run.exit_code == 0);
  CHECK(Contains(run.output, "ok: 2 rules"));
}

TEST_CASE("a dangling symlink is an error that says so") {
  Sandbox box;
  fs::create_symlink("nowhere.gate", box.policy / "gone.gate");
  auto run = box.Check();
  CHECK(run.exit_code == 2);
  CHECK(Contains(run.output, "gone.gate` is a symbolic link that leads nowhere"));
}

TEST_CASE("a FIFO, a socket or a directory named like a policy file is refused, not read") {
  Sandbox box;
  std::string what;
  SUBCASE("FIFO") {
    REQUIRE(mkfifo((box.policy / "wait.gate").c_str(), 0600) == 0);
    what = "wait.gate` is a pipe (FIFO), not a regular file";
  }
  SUBCASE("socket") {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = (box.policy / "s.gate").string();
    REQUIRE(path.size() < sizeof addr.sun_path);
    std::copy(path.begin(), path.end(), addr.sun_path);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    close(fd);
    what = "s.gate` is a socket, not a regular file";
  }
  SUBCASE("directory") {
    fs::create_directories(box.policy / "d.gate");
    what = "d.gate` is a directory, not a file";
  }
  // A FIFO that were opened and read would block for ever (RunRelgate's timeout would
  // turn that into exit 124).
  auto run = RunRelgate("check '" + box.policy.string() + "'", true, " 2>&1 </dev/null");
  CAPTURE(run.output);
  CHECK(run.exit_code == 2);
  CHECK(Contains(run.output, what));
}

TEST_CASE("a device given as a policy or as facts is refused") {
  auto policy = RunRelgate("check /dev/zero");
  CHECK(policy.exit_code == 2);
  CHECK(Contains(policy.output, "policy file `/dev/zero` is a device, not a regular file"));
  auto facts = RunRelgate("eval --policy policies --facts /dev/zero --now 2026-06-01");
  CHECK(facts.exit_code == 2);
  CHECK(Contains(facts.output, "/dev/zero: error: is a device, not a regular file"));
  auto dir = RunRelgate("eval --policy policies --facts examples --now 2026-06-01");
  CHECK(dir.exit_code == 2);
  CHECK(Contains(dir.output, "examples: error: is a directory, not a file"));
}

TEST_CASE("an endless or oversized pipe is cut off at the facts size limit") {
  const std::string eval = "eval --policy policies --now 2026-06-01 --facts -";
  for (const char* producer : {"yes", "head -c 209715200 /dev/zero", "cat /dev/zero"}) {
    CAPTURE(producer);
    const std::string command = std::string("cd '") + RELGATE_SOURCE_DIR + "' && " + producer +
                                " | timeout 60 '" + RELGATE_BINARY + "' " + eval + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string output;
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
      output.append(buffer, n);
    const int status = pclose(pipe);
    CAPTURE(output);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(Contains(output, "-: error: is larger than the limit of 67108864 bytes"));
  }
}

TEST_CASE("a facts file over the limit is refused before it is read, and a FIFO is read") {
  Sandbox box;
  const fs::path big = box.dir / "big.json";
  { std::ofstream(big) << "{}"; }
  fs::resize_file(big, (64u << 20) + 1);  // sparse: costs no disk
  auto run = RunRelgate("eval --policy '" + box.policy.string() + "' --facts '" + big.string() +
                        "' --now 2026-06-01");
  CHECK(run.exit_code == 2);
  CHECK(Contains(run.output, "big.json: error: is larger than the limit of 67108864 bytes"));

  const fs::path fifo = box.dir / "facts.fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const std::string command = std::string("(printf 'release: {tag: v2}\\n' > '") + fifo.string() +
                              "' &) >/dev/null 2>&1; timeout 30 '" + RELGATE_BINARY +
                              "' eval --policy '" + box.policy.string() + "' --facts '" +
                              fifo.string() + "' --format json --now 2026-06-01 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
    output.append(buffer, n);
  const int status = pclose(pipe);
  CAPTURE(output);
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(Contains(output, "\"verdict\":\"open\""));
}

// Nesting and key depth are bounded before a parser library sees them: a deep TOML key
// (toml++ builds it as nested tables, recursively), deep arrays and inline tables, and deep
// YAML and JSON, each refused at its line, exit 2; lockfiles written with the shapes real
// ones use (quoted keys with dots, dotted strings, floats, multi-line strings) still read.
TEST_CASE("deep keys and nesting in every parsed format are refused at their line") {
  Sandbox box;
  const std::string lock = "[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n\n";
  auto dotted = [](size_t parts) {
    std::string key = "a";
    for (size_t k = 1; k < parts; ++k)
      key += ".a";
    return key;
  };

  struct Shape {
    const char* name;
    std::string text;
    const char* expected;
  };

  const std::vector<Shape> toml = {
      {"header", lock + "[" + dotted(100000) + ".b]\n",
       ":5:129: error: a dotted key of more than 64 parts"},
      {"key", lock + dotted(100000) + ".b = 1\n",
       ":5:128: error: a dotted key of more than 64 parts"},
      {"array of tables", lock + "[[" + dotted(70) + "]]\n", ":5:130: error: a dotted key"},
      {"inline table key", lock + "x = { y = 1, " + dotted(70) + " = 2 }\n",
       ":5:141: error: a dotted key"},
      {"arrays", lock + "x = " + std::string(100000, '[') + std::string(100000, ']') + "\n",
       ":5:69: error: arrays and inline tables nested deeper than 64 levels"},
      {"inline tables",
       lock + "x = " +
           [] {
             std::string t;
             for (int k = 0; k < 1000; ++k)
               t += "{a=";
             return t + "1" + std::string(1000, '}');
           }() +
           "\n",
       ":5:197: error: arrays and inline tables nested deeper than 64 levels"},
      // U+0354 in a table header: toml++ 3.3 reaches __builtin_unreachable deciding whether
      // it is white space (found by the import fuzz target under UBSan).
      {"non-ASCII in a key", lock + "[[packag\xCD\x94.k]]\nx = 1\n",
       ":5:9: error: a character other than ASCII outside a string or comment"},
      {"non-ASCII after a value", lock + "x = 1\xE2\x80\x83\n",
       ":5:6: error: a character other than ASCII outside a string or comment"},
      {"non-ASCII in a quoted key", lock + "\"k\xCD\x94\" = 1\n",
       ":5:3: error: a quoted key with a character other than ASCII"},
      {"non-ASCII in a quoted header", lock + "[a.'\xCD\x94']\n",
       ":5:5: error: a quoted key with a character other than ASCII"},
      {"non-ASCII after a line-ending backslash", lock + "s = \"\"\"a\\\n  \xCD\x94\"\"\"\n",
       ":6:3: error: a character other than ASCII after a backslash in a multi-line string"},
  };
  for (const Shape& shape : toml) {
    CAPTURE(shape.name);
    std::ofstream(box.dir / "Cargo.lock") << shape.text;
    auto run = RunRelgate("import cargo-lock '" + (box.dir / "Cargo.lock").string() + "'");
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.output, shape.expected));
  }
  std::ofstream(box.dir / "Cargo.lock")
      << "\xEF\xBB\xBF# Caf\xC3\xA9 \xE2\x80\x94 a comment\n"
      << lock << "[patch]\nu = \"na\xC3\xAFve\"\nl = '\xCD\x94'\nm = \"\"\"\n\xCD\x94\n\"\"\"\n"
      << dotted(64) << " = \"x.y.z\"\n\"" << dotted(500)
      << "\" = \"quoted\"\nf = [1.5, 2.5, {a.b.c = \"[[{{\"}]\ns = \"\"\"\n"
      << dotted(500) << " [[[[ {{{{\n\"\"\"\n";
  auto ok = RunRelgate("import cargo-lock '" + (box.dir / "Cargo.lock").string() + "'", false);
  CHECK(ok.exit_code == 0);
  CHECK(Contains(ok.output, "\"kind\": \"cargo-lock\""));
  // YAML and JSON facts, and YAML importers, likewise.
  std::ofstream(box.dir / "deep.yaml")
      << "a: " << std::string(100000, '[') << std::string(100000, ']') << "\n";
  std::ofstream(box.dir / "deep.json")
      << "{\"a\": " << std::string(100000, '[') << std::string(100000, ']') << "}\n";
  for (const std::string& command :
       {"eval --policy '" + box.policy.string() + "' --facts '" + (box.dir / "deep.yaml").string() +
            "'",
        "eval --policy '" + box.policy.string() + "' --facts '" + (box.dir / "deep.json").string() +
            "'",
        "import pnpm-lock '" + (box.dir / "deep.yaml").string() + "'",
        "import github-workflow '" + (box.dir / "deep.yaml").string() + "'"}) {
    CAPTURE(command);
    auto run = RunRelgate(command);
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.output, "deep."));
    CHECK(Contains(run.output, ":1:"));
  }
}

}  // namespace
}  // namespace relgate
