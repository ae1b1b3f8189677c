// `relgate lsp`: a Language Server Protocol 3.17 server for .gate policies. It keeps the
// editor's open buffers, checks the policy each buffer belongs to with the loader and
// checker of `relgate check` (the buffers in place of the files on disk) and answers from
// what the checker learnt: diagnostics, hover, definitions and references, completion,
// signature help, document symbols, rename, formatting (`relgate fmt`'s, with its proof
// that only the layout changes) and quick fixes.
//
// Requests are answered in order, one at a time; a request that fails inside relgate is
// an error response, never the end of the session. Input is untrusted: every message is
// parsed by the strict JSON loader and every field is checked before use.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/json_writer.h"
#include "engine/check/loader.h"
#include "engine/facts/facts.h"
#include "engine/lsp/analysis.h"
#include "engine/lsp/text_position.h"

namespace relgate::lsp {

struct ServerOptions {
  std::string stdlib_dir;  // empty: the embedded stdlib
  // Where the stdlib's sources are written for go-to-definition (read-only copies);
  // empty: $XDG_CACHE_HOME/relgate, else ~/.cache/relgate.
  std::string cache_dir;
};

class Server {
 public:
  explicit Server(ServerOptions options);

  // Handles one message (a JSON-RPC body); returns what to send, in order: the response
  // (for a request) and any notifications (diagnostics).
  std::vector<std::string> Handle(std::string_view body);

  bool exited() const { return exited_; }

  // The process's exit status once `exit` arrived: 0 after `shutdown`, else 1.
  int exit_code() const { return shutdown_ ? 0 : 1; }

 private:
  struct Document {
    std::string uri;
    std::string path;  // canonical
    std::string text;
    int64_t version = 0;
  };

  // One request's answer, or an error.
  struct Reply {
    std::string result = "null";  // JSON
    int error_code = 0;
    std::string error_message;
  };

  using Node = facts::Node;

  Reply Dispatch(const std::string& method, const Node* params);
  Reply Initialize(const Node* params);
  void DidOpen(const Node* params);
  void DidChange(const Node* params);
  void DidClose(const Node* params);
  void DidSave(const Node* params);
  Reply Hover(const Node* params);
  Reply Definition(const Node* params);
  Reply References(const Node* params);
  Reply Completion(const Node* params);
  Reply SignatureHelp(const Node* params);
  Reply DocumentSymbols(const Node* params);
  Reply Formatting(const Node* params);
  Reply PrepareRename(const Node* params);
  Reply Rename(const Node* params);
  Reply CodeActions(const Node* params);

  // Documents and analyses.
  Document* FindDocument(const Node* params);
  std::string RootFor(const std::string& path) const;
  const Analysis& AnalysisFor(const std::string& root);
  // AnalysisFor(root) if the policy parses, else the last one that did (null if none).
  const Analysis* ParsedAnalysisFor(const std::string& root);
  check::SourceOverlay Overlay() const;
  void Republish(const std::string& path);
  void PublishTestDiagnostics(const Document& document);

  // Where the request points: the analysis, the file and the byte offset.
  struct Target {
    const Analysis* analysis = nullptr;
    FileId file = 0;
    uint32_t offset = 0;
    Document* document = nullptr;
  };

  bool Locate(const Node* params, Target& target);
  // The name at the request's position in a policy that parsed (null if none): what
  // definition, references and rename act on.
  const Occurrence* NameAt(const Node* params, Target& target);

  // Output helpers.
  std::string UriOf(const Analysis& analysis, FileId file);
  void WriteRange(JsonWriter& json, const Analysis& analysis, Span span);
  void WriteLocation(JsonWriter& json, const Analysis& analysis, Span span);
  void WriteDiagnostic(JsonWriter& json, const Analysis& analysis, const Diagnostic& diagnostic,
                       FileId fallback_file);
  std::string HoverText(const Analysis& analysis, const Occurrence* occurrence,
                        const syntax::Expr* expr);
  std::string StdlibPath(const std::string& module);
  bool IsStdlibCopy(const std::string& path) const;

  ServerOptions options_;
  check::Stdlib stdlib_;
  PositionEncoding encoding_ = PositionEncoding::kUtf16;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
  std::map<std::string, Document> documents_;                        // by URI
  std::map<std::string, std::shared_ptr<const Analysis>> analyses_;  // by root
  // The last analysis of each root that parsed: what a buffer mid-edit is answered from
  // where it has not changed since.
  std::map<std::string, std::shared_ptr<const Analysis>> last_parsed_;
  std::map<std::string, std::set<std::string>> published_;  // root -> URIs with diagnostics
  std::vector<std::string> outbox_;                         // notifications to send
  std::map<std::string, std::string> stdlib_paths_;         // module -> its copy, written once
};

// Reads messages from `in` and answers on `out` until `exit` or the end of input; the
// process's exit status (a broken message stream ends the session with 1).
int Serve(Server& server, std::FILE* in, std::FILE* out);

}  // namespace relgate::lsp
