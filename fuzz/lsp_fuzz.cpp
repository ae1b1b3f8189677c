// The language server's request handling on arbitrary input, in process. Each input is
// first handed to the server as a raw message (any bytes: JSON or not, any method, any
// params), then used as the text of an open policy that a session edits and queries at
// positions taken from the text itself: hover, definition, references, completion,
// signature help, symbols, formatting, rename and code actions, then an incremental edit
// that deletes a slice, and the queries again. Whatever the input: no crash, hang or
// unbounded recursion, and every answer is one JSON object with the request's id.
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "engine/base/json_writer.h"
#include "engine/facts/facts.h"
#include "engine/lsp/server.h"
#include "engine/lsp/text_position.h"
#include "fuzz/fuzz_main.h"
#include "fuzz/properties.h"
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using relgate::fuzz::Require;

const fs::path& WorkDir() {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / fmt::format("relgate-lsp-fuzz-{}", getpid());
    fs::create_directories(d / "policy");
    std::ofstream(d / "policy" / "fuzz.gate") << "package fuzz\n";
    return d;
  }();
  return dir;
}

void CheckAnswers(const std::vector<std::string>& messages, int id) {
  bool answered = id == 0;
  for (const std::string& message : messages) {
    relgate::facts::LoadError error;
    auto document =
        relgate::facts::ParseJson(message, "answer", error, relgate::facts::Digest::kSkip);
    Require(document != nullptr, "the server writes valid JSON");
    Require(document->root().kind == relgate::facts::NodeKind::kObject,
            "the server writes JSON objects");
    const relgate::facts::Node* got = document->root().Find("id");
    if (got != nullptr && got->kind == relgate::facts::NodeKind::kInt && got->i == id)
      answered = true;
  }
  Require(answered, "every request is answered");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  relgate::lsp::ServerOptions options;
  options.cache_dir = (WorkDir() / "cache").string();
  relgate::lsp::Server server(options);
  int id = 0;
  auto request = [&](const std::string& method, const std::string& params) {
    ++id;
    CheckAnswers(server.Handle(fmt::format(R"({{"jsonrpc":"2.0","id":{},"method":{},"params":{}}})",
                                           id, relgate::JsonQuote(method), params)),
                 id);
  };
  auto notify = [&](const std::string& method, const std::string& params) {
    CheckAnswers(server.Handle(fmt::format(R"({{"jsonrpc":"2.0","method":{},"params":{}}})",
                                           relgate::JsonQuote(method), params)),
                 0);
  };
  request("initialize", R"({"capabilities":{"general":{"positionEncodings":["utf-8"]}}})");
  // The input as a message of its own.
  CheckAnswers(server.Handle(text), 0);
  if (server.exited())
    return 0;

  const std::string uri = fmt::format("file://{}", (WorkDir() / "policy" / "fuzz.gate").string());
  const std::string doc = fmt::format(R"({{"uri":{}}})", relgate::JsonQuote(uri));
  notify("textDocument/didOpen",
         fmt::format(R"({{"textDocument":{{"uri":{},"languageId":"gate","version":1,"text":{}}}}})",
                     relgate::JsonQuote(uri), relgate::JsonQuote(text)));
  auto queries = [&](const std::string& current) {
    const relgate::lsp::LineIndex lines(current);
    // Positions: after each of the first dots, and a few spread over the text.
    std::vector<uint32_t> offsets;
    for (size_t at = current.find('.'); at != std::string::npos && offsets.size() < 4;
         at = current.find('.', at + 1))
      offsets.push_back(static_cast<uint32_t>(at + 1));
    for (uint32_t k = 1; k <= 3; ++k)
      offsets.push_back(static_cast<uint32_t>(current.size() * k / 4));
    for (uint32_t offset : offsets) {
      const relgate::lsp::Position p =
          lines.PositionOf(offset, relgate::lsp::PositionEncoding::kUtf8);
      const std::string at =
          fmt::format(R"({{"textDocument":{},"position":{{"line":{},"character":{}}}}})", doc,
                      p.line, p.character);
      request("textDocument/hover", at);
      request("textDocument/definition", at);
      request("textDocument/completion", at);
      request("textDocument/signatureHelp", at);
      request("textDocument/prepareRename", at);
      request(
          "textDocument/references",
          fmt::format(
              R"({{"textDocument":{},"position":{{"line":{},"character":{}}},"context":{{"includeDeclaration":true}}}})",
              doc, p.line, p.character));
      request(
          "textDocument/rename",
          fmt::format(
              R"({{"textDocument":{},"position":{{"line":{},"character":{}}},"newName":"renamed"}})",
              doc, p.line, p.character));
      request(
          "textDocument/codeAction",
          fmt::format(
              R"({{"textDocument":{},"range":{{"start":{{"line":{},"character":{}}},"end":{{"line":{},"character":{}}}}},"context":{{"diagnostics":[]}}}})",
              doc, p.line, p.character, p.line, p.character));
    }
    request("textDocument/documentSymbol", fmt::format(R"({{"textDocument":{}}})", doc));
    request(
        "textDocument/formatting",
        fmt::format(R"({{"textDocument":{},"options":{{"tabSize":2,"insertSpaces":true}}}})", doc));
  };
  queries(text);
  // Delete the middle third, as an incremental change.
  const relgate::lsp::LineIndex lines(text);
  const auto from = lines.PositionOf(static_cast<uint32_t>(text.size() / 3),
                                     relgate::lsp::PositionEncoding::kUtf8);
  const auto to = lines.PositionOf(static_cast<uint32_t>(text.size() * 2 / 3),
                                   relgate::lsp::PositionEncoding::kUtf8);
  notify(
      "textDocument/didChange",
      fmt::format(
          R"({{"textDocument":{{"uri":{},"version":2}},"contentChanges":[{{"range":{{"start":{{"line":{},"character":{}}},"end":{{"line":{},"character":{}}}}},"text":""}}]}})",
          relgate::JsonQuote(uri), from.line, from.character, to.line, to.character));
  const uint32_t a =
      relgate::lsp::LineIndex(text).OffsetOf(from, relgate::lsp::PositionEncoding::kUtf8);
  const uint32_t b =
      relgate::lsp::LineIndex(text).OffsetOf(to, relgate::lsp::PositionEncoding::kUtf8);
  queries(text.substr(0, a) + text.substr(b));
  request("shutdown", "null");
  return 0;
}
