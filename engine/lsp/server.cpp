#include "engine/lsp/server.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "engine/base/atomic_file.h"
#include "engine/base/digest.h"
#include "engine/base/version.h"
#include "engine/lsp/json_read.h"
#include "engine/lsp/json_rpc.h"
#include "engine/lsp/uri.h"
#include <sys/stat.h>

namespace relgate::lsp {
namespace fs = std::filesystem;

namespace {

std::string Canonical(const std::string& path) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(path, ec);
  return ec ? path : canonical.string();
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string DefaultCacheDir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/')
    return fmt::format("{}/relgate", xdg);
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/')
    return fmt::format("{}/.cache/relgate", home);
  return (fs::temp_directory_path() / "relgate-cache").string();
}

}  // namespace

Server::Server(ServerOptions options) : options_(std::move(options)), stdlib_(options_.stdlib_dir) {
  if (options_.cache_dir.empty())
    options_.cache_dir = DefaultCacheDir();
}

std::vector<std::string> Server::Handle(std::string_view body) {
  std::vector<std::string> out;
  facts::LoadError load_error;
  auto message = facts::ParseJson(body, "message", load_error, facts::Digest::kSkip);
  auto respond = [&](const std::string& id, const Reply& reply) {
    JsonWriter json;
    json.Open('{');
    json.Field("jsonrpc", "2.0");
    json.Key("id");
    json.Raw(id);
    if (reply.error_code != 0) {
      json.Key("error");
      json.Open('{');
      json.Int("code", reply.error_code);
      json.Field("message", reply.error_message);
      json.Close('}');
    } else {
      json.Key("result");
      json.Raw(reply.result);
    }
    json.Close('}');
    out.push_back(json.Take());
  };
  if (!message || message->root().kind != facts::NodeKind::kObject) {
    respond("null",
            {"null", kParseError, message ? "a message is a JSON object" : load_error.ToString()});
    return out;
  }
  const Node* root = &message->root();
  std::string method;
  const bool has_method = ReadString(root, "method", method);
  const Node* id = Member(root, "id");
  std::string id_text;
  if (id != nullptr) {
    if (id->kind == facts::NodeKind::kInt)
      id_text = fmt::format("{}", id->i);
    else if (id->kind == facts::NodeKind::kString)
      id_text = JsonQuote(id->str());
  }
  const bool is_request = id != nullptr;
  if (!has_method) {
    if (!is_request)
      return out;  // a response to a request of ours (we send none) or noise
    respond(id_text.empty() ? "null" : id_text, {"null", kInvalidRequest, "no method"});
    return out;
  }
  if (is_request && id_text.empty()) {
    respond("null", {"null", kInvalidRequest, "an id is a number or a string"});
    return out;
  }
  Reply reply;
  try {
    if (method == "exit") {
      exited_ = true;
      return out;
    }
    if (shutdown_ && is_request) {
      reply = {"null", kInvalidRequest, "the server is shutting down"};
    } else if (!initialized_ && method != "initialize") {
      if (!is_request)
        return out;  // notifications before initialize are dropped, as the protocol says
      reply = {"null", kServerNotInitialized, "initialize first"};
    } else {
      reply = Dispatch(method, Member(root, "params"));
    }
  } catch (const std::exception& e) {
    reply = {"null", kInternalError, fmt::format("internal error in {}: {}", method, e.what())};
  }
  if (is_request)
    respond(id_text, reply);
  for (std::string& notification : outbox_)
    out.push_back(std::move(notification));
  outbox_.clear();
  return out;
}

Server::Reply Server::Dispatch(const std::string& method, const Node* params) {
  if (method == "initialize")
    return Initialize(params);
  if (method == "initialized" || method == "$/cancelRequest" || method == "$/setTrace" ||
      method == "workspace/didChangeConfiguration" || method == "workspace/didChangeWatchedFiles")
    return {};
  if (method == "shutdown") {
    shutdown_ = true;
    return {};
  }
  if (method == "textDocument/didOpen") {
    DidOpen(params);
    return {};
  }
  if (method == "textDocument/didChange") {
    DidChange(params);
    return {};
  }
  if (method == "textDocument/didClose") {
    DidClose(params);
    return {};
  }
  if (method == "textDocument/didSave") {
    DidSave(params);
    return {};
  }
  if (method == "textDocument/hover")
    return Hover(params);
  if (method == "textDocument/definition")
    return Definition(params);
  if (method == "textDocument/references")
    return References(params);
  if (method == "textDocument/completion")
    return Completion(params);
  if (method == "textDocument/signatureHelp")
    return SignatureHelp(params);
  if (method == "textDocument/documentSymbol")
    return DocumentSymbols(params);
  if (method == "textDocument/formatting")
    return Formatting(params);
  if (method == "textDocument/prepareRename")
    return PrepareRename(params);
  if (method == "textDocument/rename")
    return Rename(params);
  if (method == "textDocument/codeAction")
    return CodeActions(params);
  return {"null", kMethodNotFound, fmt::format("method `{}` is not supported", method)};
}

Server::Reply Server::Initialize(const Node* params) {
  if (initialized_)
    return {"null", kInvalidRequest, "initialize was already called"};
  initialized_ = true;
  // UTF-8 positions when the client can count them so (no conversion), else UTF-16.
  const Node* encodings =
      Member(Member(Member(params, "capabilities"), "general"), "positionEncodings");
  if (encodings != nullptr && encodings->kind == facts::NodeKind::kArray) {
    for (uint32_t i = 0; i < encodings->len; ++i) {
      if (encodings->items[i].kind == facts::NodeKind::kString &&
          encodings->items[i].str() == "utf-8")
        encoding_ = PositionEncoding::kUtf8;
    }
  }
  JsonWriter json;
  json.Open('{');
  json.Key("capabilities");
  json.Open('{');
  json.Field("positionEncoding", encoding_ == PositionEncoding::kUtf8 ? "utf-8" : "utf-16");
  json.Key("textDocumentSync");
  json.Open('{');
  json.Bool("openClose", true);
  json.Int("change", 2);  // incremental
  json.Key("save");
  json.Open('{');
  json.Bool("includeText", false);
  json.Close('}');
  json.Close('}');
  json.Bool("hoverProvider", true);
  json.Bool("definitionProvider", true);
  json.Bool("referencesProvider", true);
  json.Key("completionProvider");
  json.Raw(R"({"triggerCharacters":[".","[","{"," "]})");
  json.Key("signatureHelpProvider");
  json.Raw(R"({"triggerCharacters":["(",","]})");
  json.Bool("documentSymbolProvider", true);
  json.Bool("documentFormattingProvider", true);
  json.Key("renameProvider");
  json.Raw(R"({"prepareProvider":true})");
  json.Key("codeActionProvider");
  json.Raw(R"({"codeActionKinds":["quickfix"]})");
  json.Close('}');
  json.Key("serverInfo");
  json.Open('{');
  json.Field("name", "relgate");
  json.Field("version", kRelgateVersion);
  json.Close('}');
  json.Close('}');
  return {json.Take(), 0, {}};
}

// ------------------------------------------------------------------ documents

void Server::DidOpen(const Node* params) {
  const Node* item = Member(params, "textDocument");
  Document document;
  int64_t version = 0;
  if (!ReadString(item, "uri", document.uri) || !ReadString(item, "text", document.text))
    return;
  ReadInt(item, "version", version);
  document.version = version;
  auto path = PathFromUri(document.uri);
  if (!path)
    return;  // untitled buffers and remote files: nothing on disk to check beside
  document.path = Canonical(*path);
  const std::string key = document.uri;
  documents_[key] = std::move(document);
  Republish(documents_[key].path);
}

void Server::DidChange(const Node* params) {
  std::string uri;
  if (!ReadString(Member(params, "textDocument"), "uri", uri))
    return;
  auto it = documents_.find(uri);
  if (it == documents_.end())
    return;
  Document& document = it->second;
  int64_t version = 0;
  if (ReadInt(Member(params, "textDocument"), "version", version))
    document.version = version;
  const Node* changes = Member(params, "contentChanges");
  if (changes == nullptr || changes->kind != facts::NodeKind::kArray)
    return;
  for (uint32_t i = 0; i < changes->len; ++i) {
    const Node* change = &changes->items[i];
    std::string text;
    if (!ReadString(change, "text", text))
      continue;
    const Node* range = Member(change, "range");
    Position start, end;
    if (range == nullptr || !ReadPosition(Member(range, "start"), start) ||
        !ReadPosition(Member(range, "end"), end)) {
      document.text = std::move(text);
      continue;
    }
    const LineIndex lines(document.text);
    uint32_t begin = lines.OffsetOf(start, encoding_);
    uint32_t finish = lines.OffsetOf(end, encoding_);
    if (finish < begin)
      std::swap(begin, finish);
    document.text.replace(begin, finish - begin, text);
  }
  Republish(document.path);
}

void Server::DidClose(const Node* params) {
  std::string uri;
  if (!ReadString(Member(params, "textDocument"), "uri", uri))
    return;
  auto it = documents_.find(uri);
  if (it == documents_.end())
    return;
  const std::string path = it->second.path;
  documents_.erase(it);
  Republish(path);  // the file on disk stands in for the buffer again
}

void Server::DidSave(const Node* params) {
  std::string uri;
  if (!ReadString(Member(params, "textDocument"), "uri", uri))
    return;
  auto it = documents_.find(uri);
  if (it != documents_.end())
    Republish(it->second.path);
}

Server::Document* Server::FindDocument(const Node* params) {
  std::string uri;
  if (!ReadString(Member(params, "textDocument"), "uri", uri))
    return nullptr;
  auto it = documents_.find(uri);
  return it == documents_.end() ? nullptr : &it->second;
}

check::SourceOverlay Server::Overlay() const {
  check::SourceOverlay overlay;
  for (const auto& [uri, document] : documents_)
    overlay[document.path] = document.text;
  return overlay;
}

bool Server::IsStdlibCopy(const std::string& path) const {
  const std::string prefix = fmt::format("{}/stdlib/", Canonical(options_.cache_dir));
  return path.rfind(prefix, 0) == 0;
}

std::string Server::RootFor(const std::string& path) const {
  if (IsStdlibCopy(path))
    return path;
  const std::string dir = fs::path(path).parent_path().string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return path;  // a buffer whose directory does not exist (yet): the file on its own
  // A directory whose files are not one policy (stdlib/, a folder of examples): each file
  // is checked on its own, with what it imports.
  auto it = analyses_.find(dir);
  if (it != analyses_.end()) {
    for (const Diagnostic& d : it->second->diagnostics) {
      if (d.code == "package-mismatch")
        return path;
    }
  }
  return dir;
}

const Analysis& Server::AnalysisFor(const std::string& root) {
  auto it = analyses_.find(root);
  if (it == analyses_.end()) {
    std::shared_ptr<const Analysis> analysis =
        Analyze(root, Overlay(), stdlib_, builtins::DefaultRegistry());
    if (analysis->policy && analysis->complete)
      last_parsed_[root] = analysis;
    it = analyses_.emplace(root, std::move(analysis)).first;
  }
  return *it->second;
}

const Analysis* Server::ParsedAnalysisFor(const std::string& root) {
  const Analysis& current = AnalysisFor(root);
  if (current.policy && current.complete)
    return &current;
  // A file does not parse: answer from the last time they all did, else from the others.
  auto it = last_parsed_.find(root);
  if (it != last_parsed_.end())
    return it->second.get();
  return current.policy ? &current : nullptr;
}

void Server::Republish(const std::string& path) {
  analyses_.clear();
  if (EndsWith(path, ".test.yaml") || EndsWith(path, ".test.yml")) {
    for (const auto& [uri, document] : documents_) {
      if (document.path == path)
        PublishTestDiagnostics(document);
    }
    return;
  }
  if (!EndsWith(path, ".gate"))
    return;
  AnalysisFor(fs::path(path).parent_path().string());
  const std::string root = RootFor(path);
  const Analysis& analysis = AnalysisFor(root);
  FileId fallback = 0;
  const bool have_file = analysis.FindFile(path, fallback);
  std::map<std::string, std::vector<const Diagnostic*>> by_uri;
  std::map<std::string, FileId> file_of;
  for (FileId f = 0; f < analysis.sources.size(); ++f) {
    if (!analysis.IsStdlib(f)) {
      by_uri[UriOf(analysis, f)];
      file_of[UriOf(analysis, f)] = f;
    }
  }
  const std::string own_uri = UriFromPath(path);
  for (const Diagnostic& d : analysis.diagnostics) {
    const std::string uri = d.has_span ? UriOf(analysis, d.span.file)
                                       : (have_file ? UriOf(analysis, fallback) : own_uri);
    by_uri[uri].push_back(&d);
    if (d.has_span)
      file_of[uri] = d.span.file;
  }
  if (by_uri.count(own_uri) == 0)
    by_uri[own_uri];
  std::set<std::string>& published = published_[root];
  for (const std::string& uri : published) {
    if (by_uri.count(uri) == 0)
      by_uri[uri];  // clear what no longer applies
  }
  published.clear();
  for (const auto& [uri, diagnostics] : by_uri) {
    JsonWriter json;
    json.Open('{');
    json.Field("jsonrpc", "2.0");
    json.Field("method", "textDocument/publishDiagnostics");
    json.Key("params");
    json.Open('{');
    json.Field("uri", uri);
    for (const auto& [open_uri, document] : documents_) {
      if (open_uri == uri)
        json.Int("version", document.version);
    }
    json.Key("diagnostics");
    json.Open('[');
    auto file = file_of.find(uri);
    for (const Diagnostic* d : diagnostics) {
      const FileId fallback_file = file != file_of.end() ? file->second : fallback;
      if (!d->has_span && !have_file && file == file_of.end()) {
        // The buffer's file is not part of what was loaded: report at its start.
        json.Open('{');
        json.Key("range");
        json.Raw(R"({"start":{"line":0,"character":0},"end":{"line":0,"character":0}})");
        json.Int("severity", d->severity == Severity::kError ? 1 : 2);
        json.Field("code", d->code);
        json.Field("source", "relgate");
        json.Field("message", d->message);
        json.Close('}');
        continue;
      }
      WriteDiagnostic(json, analysis, *d, fallback_file);
    }
    json.Close(']');
    json.Close('}');
    json.Close('}');
    outbox_.push_back(json.Take());
    if (!diagnostics.empty())
      published.insert(uri);
  }
}

bool Server::Locate(const Node* params, Target& target) {
  Document* document = FindDocument(params);
  Position position;
  if (document == nullptr || !ReadPosition(Member(params, "position"), position))
    return false;
  const Analysis* analysis = ParsedAnalysisFor(RootFor(document->path));
  FileId file = 0;
  if (analysis == nullptr || !analysis->FindFile(document->path, file))
    return false;
  const std::string& checked = analysis->sources.file(file).text();
  const uint32_t offset = LineIndex(document->text).OffsetOf(position, encoding_);
  // An analysis of an earlier text (the buffer does not parse now) answers only above the
  // first change, where its offsets and lines are still the buffer's.
  if (&checked != &document->text && checked != document->text) {
    const auto differ =
        std::mismatch(checked.begin(), checked.end(), document->text.begin(), document->text.end());
    const auto unchanged = static_cast<uint32_t>(differ.first - checked.begin());
    if (offset >= unchanged)
      return false;
  }
  target.analysis = analysis;
  target.file = file;
  target.offset = offset;
  target.document = document;
  return true;
}

const Occurrence* Server::NameAt(const Node* params, Target& target) {
  if (!Locate(params, target) || !target.analysis->policy)
    return nullptr;
  return target.analysis->OccurrenceAt(target.file, target.offset);
}

// ------------------------------------------------------------------ output

std::string Server::StdlibPath(const std::string& module) {
  if (auto cached = stdlib_paths_.find(module); cached != stdlib_paths_.end())
    return cached->second;
  std::string path;
  auto text = stdlib_.Read(module, path);
  if (!text)
    return {};
  // Content-addressed, so that copies of two relgate versions never overwrite each other
  // and a copy is never rewritten while an editor shows it.
  const std::string dir =
      fmt::format("{}/stdlib/{}", options_.cache_dir, Sha256Hex(*text).substr(0, 16));
  const std::string file = fmt::format("{}/{}.gate", dir, module);
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    fs::create_directories(dir, ec);
    if (WriteFileAtomically(file, *text).empty())
      ::chmod(file.c_str(), 0444);
  }
  return stdlib_paths_[module] = Canonical(file);
}

std::string Server::UriOf(const Analysis& analysis, FileId file) {
  if (analysis.IsStdlib(file)) {
    const std::string path = StdlibPath(analysis.stdlib_name[file]);
    if (!path.empty())
      return UriFromPath(path);
  }
  return UriFromPath(Canonical(analysis.sources.file(file).path()));
}

void Server::WriteRange(JsonWriter& json, const Analysis& analysis, Span span) {
  const LineIndex lines(analysis.sources.file(span.file).text());
  const Position start = lines.PositionOf(span.begin, encoding_);
  const Position end = lines.PositionOf(span.end, encoding_);
  json.Raw(
      fmt::format(R"({{"start":{{"line":{},"character":{}}},"end":{{"line":{},"character":{}}}}})",
                  start.line, start.character, end.line, end.character));
}

void Server::WriteLocation(JsonWriter& json, const Analysis& analysis, Span span) {
  json.Open('{');
  json.Field("uri", UriOf(analysis, span.file));
  json.Key("range");
  WriteRange(json, analysis, span);
  json.Close('}');
}

void Server::WriteDiagnostic(JsonWriter& json, const Analysis& analysis,
                             const Diagnostic& diagnostic, FileId fallback_file) {
  json.Open('{');
  json.Key("range");
  WriteRange(json, analysis, diagnostic.has_span ? diagnostic.span : Span{fallback_file, 0, 0});
  json.Int("severity", diagnostic.severity == Severity::kError     ? 1
                       : diagnostic.severity == Severity::kWarning ? 2
                                                                   : 3);
  json.Field("code", diagnostic.code);
  json.Field("source", "relgate");
  json.Field("message", diagnostic.help.empty()
                            ? diagnostic.message
                            : fmt::format("{}\nhelp: {}", diagnostic.message, diagnostic.help));
  if (!diagnostic.labels.empty()) {
    json.Key("relatedInformation");
    json.Open('[');
    for (const Label& label : diagnostic.labels) {
      json.Open('{');
      json.Key("location");
      WriteLocation(json, analysis, label.span);
      json.Field("message", label.text);
      json.Close('}');
    }
    json.Close(']');
  }
  if (!diagnostic.help.empty()) {
    json.Key("data");
    json.Open('{');
    json.Field("help", diagnostic.help);
    json.Close('}');
  }
  json.Close('}');
}

int Serve(Server& server, std::FILE* in, std::FILE* out) {
  std::string body, error;
  while (!server.exited()) {
    switch (ReadMessage(in, body, error)) {
      case ReadResult::kEnd: return server.exit_code();
      case ReadResult::kMalformed: fmt::print(stderr, "relgate lsp: {}\n", error); return 1;
      case ReadResult::kMessage:
        for (const std::string& message : server.Handle(body))
          WriteMessage(out, message);
        break;
    }
  }
  return server.exit_code();
}

}  // namespace relgate::lsp
