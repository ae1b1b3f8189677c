// `relgate fmt [--check | -w] PATH...`: the canonical layout of .gate files
// (engine/syntax/format.h). One file without a flag: printed. --check: lists the files
// that would change, exit 1 if any. -w: rewrites them in place, atomically. A file that
// does not parse is reported with its diagnostics and left alone (exit 2), and so is one
// whose formatted text would parse to another syntax tree (syntax::FormatSourceChecked).
#include <algorithm>
#include <filesystem>

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/base/atomic_file.h"
#include "engine/base/bounded_read.h"
#include "engine/base/limits.h"
#include "engine/base/printable.h"
#include "engine/syntax/format.h"
#include "engine/syntax/parse.h"
#include <unistd.h>

namespace relgate::cli {
namespace {

namespace fs = std::filesystem;

struct FmtArgs {
  std::vector<std::string> paths;
  bool check = false;
  bool write = false;
};

// The .gate files named, directories searched (recursively), in name order.
std::vector<std::string> GateFiles(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file() && it->path().extension() == ".gate")
        found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace

Command SetupFmt(CLI::App& app) {
  auto args = std::make_shared<FmtArgs>();
  CLI::App* cmd = app.add_subcommand(
      "fmt",
      "Lay out .gate files canonically: print one, --check (exit 1 if any would change) "
      "or -w (rewrite)");
  cmd->add_option("paths", args->paths, ".gate files or directories")->required();
  cmd->add_flag("--check", args->check, "List the files that would change; exit 1 if any");
  cmd->add_flag("-w,--write", args->write, "Rewrite the files that would change, atomically");
  return [args]() {
    if (args->check && args->write) {
      Err("relgate: error: --check or -w, not both\n");
      return 2;
    }
    const std::vector<std::string> files = GateFiles(args->paths);
    if (files.size() != 1 && !args->check && !args->write) {
      Err("relgate: error: {} files: give --check or -w (only one file is printed)\n",
          files.size());
      return 2;
    }
    int changed = 0, broken = 0;
    for (const std::string& file : files) {
      std::string text;
      if (std::string why = ReadBounded(file, {limits::kMaxPolicySourceBytes, false}, text);
          !why.empty()) {
        Err("relgate: error: `{}` {}\n", Printable(file), why);
        ++broken;
        continue;
      }
      SourceMap sources;
      const FileId id = sources.Add(file, text);
      DiagnosticSink sink;
      syntax::IdAllocator ids;
      if (!syntax::ParseModule(sources, id, ids, sink)) {
        WriteErr(RenderAll(sink, sources, ColorFor(STDERR_FILENO)));
        Err("relgate: `{}` does not parse; not formatted\n", Printable(file));
        ++broken;
        continue;
      }
      std::string problem;
      const std::optional<std::string> checked = syntax::FormatSourceChecked(text, problem);
      if (!checked) {
        Err("relgate: error: `{}` {}\n", Printable(file), problem);
        ++broken;
        continue;
      }
      const std::string& formatted = *checked;
      if (!args->check && !args->write) {
        WriteOut(formatted);
        continue;
      }
      if (formatted == text)
        continue;
      ++changed;
      Out("{}\n", file);
      if (args->write) {
        if (std::string failed = WriteFileAtomically(file, formatted); !failed.empty()) {
          Err("relgate: error: {}\n", Printable(failed));
          ++broken;
        }
      }
    }
    if (broken > 0)
      return 2;
    return args->check && changed > 0 ? 1 : 0;
  };
}

}  // namespace relgate::cli
