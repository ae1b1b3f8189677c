// Log and terminal spoofing: strings from facts and policies (a dependency name in a
// message, a file name, a map key, a facts file's own name, a policy source line) may
// hold carriage returns, newlines, ANSI escapes, C1 controls and bidi overrides. None
// reaches the text report or a diagnostic raw: no fake "GATE OPEN" line, no colour or
// cursor control, no reordered text.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "engine/base/printable.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

// What a terminal acts on: any C0 control but newline, DEL, the C1 CSI, RLO.
void CheckInert(const std::string& output) {
  for (char c : output) {
    const auto u = static_cast<unsigned char>(c);
    CHECK_MESSAGE(!((u < 0x20 && c != '\n') || u == 0x7f), "raw control byte ", int(u));
  }
  CHECK(output.find("\xc2\x9b") == std::string::npos);
  CHECK(output.find("\xe2\x80\xae") == std::string::npos);
  // The one verdict line is the first; nothing else starts with GATE.
  size_t verdicts = 0;
  for (size_t at = 0; (at = output.find("GATE ", at)) != std::string::npos; ++at)
    verdicts += at == 0 || output[at - 1] == '\n';
  CHECK(verdicts <= 1);
}

// A spoofing payload in JSON string syntax.
const char* kPayload = "x\\r\\nGATE OPEN  0 blocking findings\\u001b[2K\\u009b31m\\u202etxt.exe";

struct Box {
  fs::path dir = fs::temp_directory_path() / ("relgate-spoof-" + std::to_string(getpid()));

  Box() {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "p.gate")
        << "facts { deps: [{ name: string }], files: [string], labels: map[string]string }\n"
           "deny named for d in deps \"bad dependency {d.name}\": d.name == \"ok\"\n"
           "deny files for f in files \"ships {f}\": f == \"ok\"\n"
           "deny labels for k in labels \"label {k} = {labels[k]}\": k == \"ok\"\n"
           "deny missing \"x\": labels[\"team\"] == \"web\"\n";
    const std::string p = kPayload;
    std::ofstream(dir / "f.json") << "{\"deps\": [{\"name\": \"" << p << "\"}], \"files\": [\"" << p
                                  << "\"], \"labels\": {\"" << p << "\": \"" << p << "\"}}";
  }

  ~Box() { fs::remove_all(dir); }
};

TEST_CASE("fact values in messages, items, values and errors are escaped in the text report") {
  Box box;
  auto run = RunRelgate("eval --policy '" + (box.dir / "p.gate").string() + "' --facts '" +
                        (box.dir / "f.json").string() + "' --now 2026-06-01");
  CAPTURE(run.output);
  CHECK(run.exit_code == 2);  // `missing`: labels has no key "team"
  CheckInert(run.output);
  CHECK(run.output.find("bad dependency x\\r\\nGATE OPEN  0 blocking findings\\x1b[2K\\u{9b}31m"
                        "\\u{202e}txt.exe") != std::string::npos);
  CHECK(run.output.find("ships x\\r\\nGATE OPEN") != std::string::npos);
  CHECK(run.output.find("labels[\"x\\r\\nGATE OPEN") != std::string::npos);
  CHECK(run.output.find("why: d.name = \"x\\r\\nGATE OPEN") != std::string::npos);
}

TEST_CASE("a facts file's name and a load error's key are escaped") {
  Box box;
  const fs::path odd = box.dir / "evil\rGATE OPEN\x1b[0m.json";
  std::ofstream(odd) << "{\"deps\": [], \"files\": [], \"labels\": {\"team\": \"web\"}}";
  auto ok = RunRelgate("eval --policy '" + (box.dir / "p.gate").string() + "' --facts '" +
                       odd.string() + "' --now 2026-06-01");
  CAPTURE(ok.output);
  CheckInert(ok.output);
  CHECK(ok.output.find("evil\\rGATE OPEN\\x1b[0m.json sha256:") != std::string::npos);

  std::ofstream(box.dir / "dup.json") << "{\"a\\u001b[31m\": 1, \"a\\u001b[31m\": 2}";
  auto dup = RunRelgate("eval --policy '" + (box.dir / "p.gate").string() + "' --facts '" +
                        (box.dir / "dup.json").string() + "' --now 2026-06-01");
  CAPTURE(dup.output);
  CHECK(dup.exit_code == 2);
  CheckInert(dup.output);
  CHECK(dup.output.find("a\\x1b[31m") != std::string::npos);
}

TEST_CASE("a policy source line with control characters is shown inert, carets aligned") {
  Box box;
  std::ofstream(box.dir / "bad.gate") << "facts { r: { ok: bool } }\n"
                                         "deny x \"\x1b[2K GATE OPEN\x7f\": r.nope\n";
  auto run = RunRelgate("check '" + (box.dir / "bad.gate").string() + "'");
  CAPTURE(run.output);
  CHECK(run.exit_code == 2);
  CheckInert(run.output);
  // The escape and the DEL are refused in a policy source (`hidden-text`), each at its
  // column, and the line under the diagnostic shows them as U+FFFD, carets aligned.
  const std::string line = " 2 | deny x \"\xEF\xBF\xBD[2K GATE OPEN\xEF\xBF\xBD\": r.nope\n";
  CHECK(testing::Contains(run.output, "bad.gate:2:9: error: U+001B (a control character)"));
  CHECK(testing::Contains(run.output, line + "   | " + std::string(8, ' ') + "^\n"));
  CHECK(testing::Contains(run.output, "bad.gate:2:23: error: U+007F (a control character)"));
  CHECK(testing::Contains(run.output, line + "   | " + std::string(22, ' ') + "^\n"));
}

TEST_CASE("Printable escapes what terminals act on and keeps the rest") {
  CHECK(Printable("plain ünïcödé ✓") == "plain ünïcödé ✓");
  CHECK(Printable("a\nb\rc\td\x1b[0m\x7f") == "a\\nb\\rc\\td\\x1b[0m\\x7f");
  CHECK(Printable("\xc2\x9b"
                  "31m") == "\\u{9b}31m");
  CHECK(Printable("\xe2\x80\xae"
                  "abc\xe2\x81\xa6") == "\\u{202e}abc\\u{2066}");
  CHECK(Printable("\xff\xc0\x80") == "\\xff\\xc0\\x80");
  CHECK(PrintableColumns("a\x1b"
                         "b\tc") ==
        "a\xEF\xBF\xBD"
        "b\tc");
}

}  // namespace
}  // namespace relgate
