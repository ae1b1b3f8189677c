// The language server's responsiveness on a large policy: a 2,000-line policy (400 rules
// over std.deps' dependencies, lets and consts among them) open in the server, and for
// each iteration one keystroke (an incremental change) until its fresh diagnostics are
// published: reparse, recheck and reindex of the whole policy, as the server does at
// every edit. Also a hover and a completion after `.` mid-edit on the same file. The
// issue's aim: fresh diagnostics in ≤ 50 ms.
#include <filesystem>
#include <fstream>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "engine/base/json_writer.h"
#include "engine/lsp/server.h"
#include <unistd.h>

namespace relgate::bench {
namespace {

namespace fs = std::filesystem;

// `rules` rules of five lines each, with a let and a const every tenth.
std::string LargePolicy(int rules) {
  std::string text =
      "package bench.release\n\nimport std.deps with { cooldown: 3d }\n\n"
      "facts { builder: { id: string, hosted: bool }, release: { branch: string } }\n\n";
  for (int k = 0; k < rules; ++k) {
    if (k % 10 == 0) {
      text += fmt::format("let on_branch_{0} = release.branch == \"branch-{0}\"\n", k);
      text += fmt::format("const limit_{0}: int = {0}\n\n", k);
    }
    text += fmt::format(
        "# Rule {0}: dependencies of family {0} are pinned with a sha512 hash.\n"
        "deny rule_{0} for d in dependencies where d.name.starts_with(\"pkg-{0}\")\n"
        "  \"{{d.name}}@{{d.version}} breaks rule {0} on {{builder.id}}\":\n"
        "  d.pinned and (d.integrity ?? \"\").starts_with(\"sha512-\") and len(builder.id) > "
        "limit_{1} or on_branch_{1}\n\n",
        k, k - k % 10);
  }
  return text;
}

struct Session {
  fs::path dir;
  std::string uri;
  std::string text;
  lsp::Server server;
  int id = 0;

  explicit Session(int rules)
      : dir(fs::temp_directory_path() / fmt::format("relgate-lsp-bench-{}", getpid())), server([&] {
          lsp::ServerOptions options;
          options.cache_dir = (dir / "cache").string();
          return options;
        }()) {
    fs::create_directories(dir / "policy");
    text = LargePolicy(rules);
    std::ofstream(dir / "policy" / "main.gate") << text;
    uri = fmt::format("file://{}", (dir / "policy" / "main.gate").string());
    server.Handle(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}})");
    server.Handle(fmt::format(
        R"({{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":{},"languageId":"gate","version":1,"text":{}}}}}}})",
        JsonQuote(uri), JsonQuote(text)));
  }

  ~Session() { fs::remove_all(dir); }

  std::vector<std::string> Request(const std::string& method, const std::string& params) {
    return server.Handle(fmt::format(R"({{"jsonrpc":"2.0","id":{},"method":{},"params":{}}})", ++id,
                                     JsonQuote(method), params));
  }
};

void BM_LspDiagnosticsAfterEdit(benchmark::State& state) {
  Session session(static_cast<int>(state.range(0)));
  const auto lines = std::count(session.text.begin(), session.text.end(), '\n');
  state.SetLabel(fmt::format("{} lines", lines));
  int version = 1;
  // Type a character into the last rule's message and take it out again, alternately.
  const int line = static_cast<int>(lines) - 3;
  for (auto _ : state) {
    const bool insert = version % 2 == 1;
    const std::string change = fmt::format(
        R"({{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":{},"version":{}}},"contentChanges":[{{"range":{{"start":{{"line":{},"character":3}},"end":{{"line":{},"character":{}}}}},"text":"{}"}}]}}}})",
        JsonQuote(session.uri), ++version, line, line, insert ? 3 : 4, insert ? "x" : "");
    const std::vector<std::string> published = session.server.Handle(change);
    if (published.empty() || published[0].find("publishDiagnostics") == std::string::npos)
      state.SkipWithError("no diagnostics published");
    benchmark::DoNotOptimize(published);
  }
}

BENCHMARK(BM_LspDiagnosticsAfterEdit)->Arg(400)->Unit(benchmark::kMillisecond);

void BM_LspHover(benchmark::State& state) {
  Session session(400);
  const std::string params =
      fmt::format(R"({{"textDocument":{{"uri":{}}},"position":{{"line":1001,"character":4}}}})",
                  JsonQuote(session.uri));
  for (auto _ : state)
    benchmark::DoNotOptimize(session.Request("textDocument/hover", params));
}

BENCHMARK(BM_LspHover)->Unit(benchmark::kMicrosecond);

void BM_LspCompletionAfterDot(benchmark::State& state) {
  Session session(400);
  // `builder.` typed at the end of a condition: the text does not parse until completed.
  session.server.Handle(fmt::format(
      R"({{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":{},"version":2}},"contentChanges":[{{"range":{{"start":{{"line":12,"character":2}},"end":{{"line":12,"character":2}}}},"text":"builder. and "}}]}}}})",
      JsonQuote(session.uri)));
  const std::string params =
      fmt::format(R"({{"textDocument":{{"uri":{}}},"position":{{"line":12,"character":10}}}})",
                  JsonQuote(session.uri));
  for (auto _ : state) {
    const auto answer = session.Request("textDocument/completion", params);
    if (answer.empty() || answer[0].find("\"hosted\"") == std::string::npos)
      state.SkipWithError("no field completion");
  }
}

BENCHMARK(BM_LspCompletionAfterDot)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace relgate::bench
