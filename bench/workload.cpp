#include "bench/workload.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/base/json_writer.h"
#include "engine/report/report.h"
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace relgate::bench {
namespace {

void Emit(const facts::Node& node, int indent, std::string& out, bool in_list) {
  const std::string pad(indent, ' ');
  switch (node.kind) {
    case facts::NodeKind::kObject:
      for (uint32_t k = 0; k < node.len; ++k) {
        const facts::Member& m = node.members[k];
        if (!(in_list && k == 0))
          out += pad;
        out += std::string(m.name()) + ":";
        const facts::Node& v = m.value;
        if ((v.kind == facts::NodeKind::kObject || v.kind == facts::NodeKind::kArray) &&
            v.len > 0) {
          out += "\n";
          Emit(v, indent + 2, out, false);
        } else {
          out += " ";
          Emit(v, 0, out, false);
          out += "\n";
        }
      }
      if (node.len == 0)
        out += "{}";
      return;
    case facts::NodeKind::kArray:
      for (uint32_t k = 0; k < node.len; ++k) {
        out += pad + "- ";
        const facts::Node& v = node.items[k];
        if (v.kind == facts::NodeKind::kObject && v.len > 0) {
          Emit(v, indent + 2, out, true);
        } else {
          Emit(v, 0, out, false);
          out += "\n";
        }
      }
      if (node.len == 0)
        out += "[]";
      return;
    case facts::NodeKind::kString: out += JsonQuote(node.str()); return;
    case facts::NodeKind::kBool: out += node.b ? "true" : "false"; return;
    case facts::NodeKind::kInt: out += std::to_string(node.i); return;
    case facts::NodeKind::kFloat: out += std::to_string(node.f); return;
    case facts::NodeKind::kNull: out += "null"; return;
  }
}

}  // namespace

std::string ToYaml(const facts::Node& node) {
  std::string out;
  Emit(node, 0, out, false);
  return out;
}

Workload& GetWorkload() {
  static Workload* workload = [] {
    auto* w = new Workload();
    auto compile = [](const std::string& path) {
      SourceMap sources;
      DiagnosticSink sink;
      auto program = CompilePolicy({std::string(RELGATE_SOURCE_DIR) + "/" + path}, check::Stdlib(),
                                   sources, sink);
      if (!program) {
        std::cerr << RenderAll(sink, sources);
        std::abort();
      }
      return program;
    };
    w->program = compile("policies");
    const char* rules = std::getenv("RELGATE_BENCH_RULES");
    w->baseline = compile(rules != nullptr ? rules : "bench/baseline_only.gate");
    const char* env = std::getenv("RELGATE_WORKLOAD");
    w->source = env != nullptr
                    ? env
                    : std::string(RELGATE_SOURCE_DIR) + "/tests/data/workload/sample.ndjson";
    std::ifstream in(w->source);
    if (!in) {
      std::cerr << "cannot read " << w->source << "\n";
      std::abort();
    }
    for (std::string line; std::getline(in, line);) {
      if (line.empty())
        continue;
      Release r;
      r.json = line;
      facts::LoadError error;
      auto doc = facts::ParseJson(line, "release.json", error);
      if (!doc) {
        std::cerr << error.ToString() << "\n";
        std::abort();
      }
      r.yaml = ToYaml(doc->root());
      r.facts = std::make_unique<facts::FactSet>();
      if (!r.facts->Add(std::move(doc), error))
        std::abort();
      r.bound = eval::Bind(*w->program, *r.facts);
      r.bound_baseline = eval::Bind(*w->baseline, *r.facts);
      w->releases.push_back(std::move(r));
    }
    std::cerr << "workload: " << w->releases.size() << " releases from " << w->source << "\n";
    return w;
  }();
  return *workload;
}

void RunProcessLoop(benchmark::State& state, std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  for (auto _ : state) {
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
      state.SkipWithError("posix_spawn failed");
      break;
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1)
      state.SkipWithError("relgate failed");
  }
  posix_spawn_file_actions_destroy(&actions);
}

}  // namespace relgate::bench
