// relgate import archive beyond its goldens (tests/import_test.cpp): the hand-made
// fixtures are what their generator writes, each file's digest is the digest of its
// bytes, a directory walked like an archive, links out of a directory refused, and a
// packaging gate on an imported tarball (recorded as facts, not as the tarball).
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/base/digest.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunRelgate;

const std::string kDir = "tests/data/import/archive/";

using testing::TempDir;

TEST_CASE("the committed fixtures are exactly what make_fixtures.py writes") {
  CHECK(testing::CompareWithGenerator(kDir) == 23);
}

TEST_CASE("each file's sha256 is the digest of its bytes, the archive's of the file") {
  auto run = RunRelgate("import archive " + kDir + "crate__demo-0.1.0.crate", false);
  REQUIRE(run.exit_code == 0);
  CHECK(Contains(run.output,
                 "\"path\": \"demo-0.1.0/src/lib.rs\",\n        \"type\": \"file\",\n"
                 "        \"size\": 30,\n        \"mode\": 420,\n        \"sha256\": \"" +
                     Sha256Hex("pub fn answer() -> u32 { 42 }\n") + "\""));
  CHECK(Contains(run.output, "\"digest\": \"sha256:" +
                                 Sha256Hex(testing::ReadFile(testing::SourceDir() + "/" + kDir +
                                                             "crate__demo-0.1.0.crate")) +
                                 "\""));
  // A gem's files are those of its data.tar.gz, with their modes.
  auto gem = RunRelgate("import archive " + kDir + "gem__demo-1.0.gem", false);
  CHECK(Contains(gem.output, "\"format\": \"gem\""));
  CHECK(Contains(gem.output,
                 "\"path\": \"bin/demo\",\n        \"type\": \"file\",\n        "
                 "\"size\": 20,\n        \"mode\": 493"));
  CHECK(!Contains(gem.output, "metadata.gz"));
}

TEST_CASE("a directory is listed like an archive, a link out of it is refused") {
  const fs::path dir = TempDir("relgate-archive-dir");
  fs::create_directories(dir / "model" / ".git");
  std::ofstream(dir / "model" / "weights.safetensors") << "weights";
  std::ofstream(dir / "model" / ".git" / "HEAD") << "ref: refs/heads/main\n";
  fs::create_symlink("weights.safetensors", dir / "model" / "latest");
  auto ok = RunRelgate("import archive " + (dir / "model").string(), false);
  CHECK(ok.exit_code == 0);
  CHECK(
      Contains(ok.output, "\"files\": [\n      \"latest\",\n      \"weights.safetensors\"\n    ]"));
  CHECK(Contains(ok.output, "\"sha256\": \"" + Sha256Hex("weights") + "\""));
  CHECK(!Contains(ok.output, ".git"));        // the repository, not the release
  CHECK(!Contains(ok.output, "\"digest\""));  // a directory has no digest of its own
  fs::create_symlink("../../etc/passwd", dir / "model" / "escape");
  auto out = RunRelgate("import archive " + (dir / "model").string() + " -o " +
                        (dir / "out.json").string());
  CHECK(out.exit_code == 2);
  CHECK(Contains(out.output,
                 "error: `escape`: a symbolic link to `../../etc/passwd`, outside "
                 "the directory"));
  CHECK(!fs::exists(dir / "out.json"));
  CHECK(RunRelgate("import archive " + (dir / "missing").string()).exit_code == 2);
  fs::remove_all(dir);
}

// A directory is held to what an archive is: links resolved through its own links, names
// one file system holds as one, and a bound on the bytes hashed, checked before hashing.
TEST_CASE("a directory: links through links, colliding names, sparse and oversized files") {
  const fs::path dir = TempDir("relgate-archive-hostile");
  auto import = [&](const char* name) {
    return RunRelgate("import archive " + (dir / name).string() + " -o " +
                      (dir / "out.json").string());
  };
  fs::create_directories(dir / "chain" / "pkg" / "sub");
  std::ofstream(dir / "chain" / "pkg" / "index.js") << "1\n";
  fs::create_symlink("..", dir / "chain" / "pkg" / "sub" / "up");
  fs::create_symlink("sub/up/../..", dir / "chain" / "pkg" / "esc");
  auto chain = import("chain");
  CHECK(chain.exit_code == 2);
  CHECK(Contains(chain.output,
                 "the symbolic link `pkg/esc` -> `sub/up/../..` leads out of the tree"));

  fs::create_directories(dir / "case");
  std::ofstream(dir / "case" / "README") << "1\n";
  std::ofstream(dir / "case" / "readme") << "2\n";
  auto names = import("case");
  CHECK(names.exit_code == 2);
  CHECK(Contains(names.output, "are one name on case-insensitive or normalising file systems"));

  // Apparent size against blocks on disk: 200 GB of holes is refused at once, unhashed.
  fs::create_directories(dir / "sparse");
  std::ofstream(dir / "sparse" / "model.bin") << "x";
  fs::resize_file(dir / "sparse" / "model.bin", uintmax_t{200} << 30);
  auto sparse = import("sparse");
  CHECK(sparse.exit_code == 2);
  CHECK(Contains(sparse.output, "`model.bin` is a sparse file: 214748364800 bytes long"));
  // Many files each below the sparse floor, together beyond the bound: refused before
  // any is read.
  fs::create_directories(dir / "large");
  for (int k = 0; k < 4100; ++k) {
    const fs::path file = dir / "large" / fmt::format("part-{:04}.bin", k);
    std::ofstream(file) << "x";
    fs::resize_file(file, uintmax_t{16} << 20);
  }
  auto large = import("large");
  CHECK(large.exit_code == 2);
  CHECK(Contains(large.output, "its files hold more than 64 GiB together"));
  CHECK(!fs::exists(dir / "out.json"));
  fs::remove_all(dir);
}

// A text file is not an archive: libarchive's mtree reader took a list of paths (or an
// mtree spec) for a package of made-up entries; only package containers are read.
TEST_CASE("text files are not archives, whatever libarchive's mtree reader would make of them") {
  const fs::path dir = TempDir("relgate-archive-text");
  std::ofstream(dir / "files.txt") << "README.md\nsrc/main.c\nsrc/util.c\n";
  std::ofstream(dir / "spec.mtree") << "#mtree\n./a type=file size=0\n";
  for (const char* name : {"files.txt", "spec.mtree"}) {
    CAPTURE(name);
    auto run = RunRelgate("import archive " + (dir / name).string());
    CHECK(run.exit_code == 2);
    CHECK(Contains(run.output, "not an archive libarchive reads: Unrecognized archive format"));
  }
  fs::remove_all(dir);
}

TEST_CASE("a packaging gate on an imported tarball, and the history keeps its facts") {
  const fs::path dir = TempDir("relgate-archive-gate");
  std::ofstream(dir / "gate.gate") << "package packaging\nimport std.archives\n"
                                      "deny no_maps for f in artifact.files \"ships {f}\":\n"
                                      "  not f.ends_with(\".map\")\n";
  const std::string tarball = kDir + "npm-pack__relgate-demo-widget-1.2.0.tgz";
  const std::string db = (dir / "history.db").string();
  auto run = RunRelgate(
      "eval --policy " + (dir / "gate.gate").string() + " --facts archive:" + tarball +
      " --record " + db +
      " --release-id widget-1.2.0 --repo acme/widget --release-time 2026-11-01T00:00:00Z");
  CHECK(run.exit_code == 1);
  CHECK(Contains(run.output, "ships package/dist/index.js.map"));
  auto show = RunRelgate("history show 1 --history " + db, false);
  CHECK(Contains(show.output, "npm-pack__relgate-demo-widget-1.2.0.tgz (archive).facts.json"));
  // Replayed from the recorded facts, not the tarball (which a history does not hold).
  auto replay = RunRelgate("replay --policy " + (dir / "gate.gate").string() + " --history " + db +
                           " --format json");
  CHECK(Contains(replay.output, "\"blocked\":{\"candidate\":1,"));
  CHECK(Contains(replay.output, "ships package/dist/index.js.map"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace relgate
