// Formatting, quick fixes, and the diagnostics of policy test files (`*.test.yaml`).
#include <ctime>
#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "engine/import/facts_json.h"
#include "engine/lsp/json_read.h"
#include "engine/lsp/json_rpc.h"
#include "engine/lsp/server.h"
#include "engine/lsp/uri.h"
#include "engine/policytest/suite.h"
#include "engine/syntax/format.h"
#include "engine/syntax/parse.h"

namespace relgate::lsp {
namespace fs = std::filesystem;

namespace {

std::string RangeJson(const LineIndex& lines, uint32_t begin, uint32_t end,
                      PositionEncoding encoding) {
  const Position start = lines.PositionOf(begin, encoding);
  const Position finish = lines.PositionOf(end, encoding);
  return fmt::format(
      R"({{"start":{{"line":{},"character":{}}},"end":{{"line":{},"character":{}}}}})", start.line,
      start.character, finish.line, finish.character);
}

std::string DateInDays(int days) {
  const std::time_t when = std::time(nullptr) + static_cast<std::time_t>(days) * 86400;
  std::tm tm{};
  gmtime_r(&when, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

}  // namespace

Server::Reply Server::Formatting(const Node* params) {
  Document* document = FindDocument(params);
  if (document == nullptr)
    return {};
  SourceMap sources;
  const FileId file = sources.Add(document->path, document->text);
  syntax::IdAllocator ids;
  DiagnosticSink sink;
  if (!syntax::ParseModule(sources, file, ids, sink))
    return {"null", kRequestFailed, "the file has syntax errors; it is formatted once it parses"};
  std::string problem;
  auto formatted = syntax::FormatSourceChecked(document->text, problem);
  if (!formatted)
    return {"null", kRequestFailed, fmt::format("not formatted: {}", problem)};
  if (*formatted == document->text)
    return {"[]", 0, {}};
  const LineIndex lines(document->text);
  return {fmt::format(R"([{{"range":{},"newText":{}}}])",
                      RangeJson(lines, 0, static_cast<uint32_t>(document->text.size()), encoding_),
                      JsonQuote(*formatted)),
          0,
          {}};
}

Server::Reply Server::CodeActions(const Node* params) {
  Document* document = FindDocument(params);
  if (document == nullptr)
    return {};
  const std::string uri = document->uri;
  JsonWriter json;
  json.Open('[');
  // Did-you-mean suggestions the checker gave.
  static const std::regex kSuggestion("did you mean `([^`]+)`\\?");
  const Node* diagnostics = Member(Member(params, "context"), "diagnostics");
  for (uint32_t i = 0;
       diagnostics && diagnostics->kind == facts::NodeKind::kArray && i < diagnostics->len; ++i) {
    const Node* diagnostic = &diagnostics->items[i];
    std::string help, source;
    ReadString(Member(diagnostic, "data"), "help", help);
    ReadString(diagnostic, "source", source);
    std::smatch match;
    if (source != "relgate" || !std::regex_search(help, match, kSuggestion))
      continue;
    const Node* range = Member(diagnostic, "range");
    if (range == nullptr)
      continue;
    const std::string replacement = match[1].str();
    json.Open('{');
    json.Field("title", fmt::format("Replace with `{}`", replacement));
    json.Field("kind", "quickfix");
    json.Key("diagnostics");
    json.Raw(fmt::format("[{}]", import::NodeJson(*diagnostic)));
    json.Bool("isPreferred", true);
    json.Key("edit");
    json.Raw(fmt::format(R"({{"changes":{{{}:[{{"range":{},"newText":{}}}]}}}})", JsonQuote(uri),
                         import::NodeJson(*range), JsonQuote(replacement)));
    json.Close('}');
  }
  // An exception skeleton for the rule named at the cursor.
  Position start;
  if (ReadPosition(Member(Member(params, "range"), "start"), start)) {
    const Analysis& analysis = AnalysisFor(RootFor(document->path));
    FileId file = 0;
    if (analysis.policy && analysis.FindFile(document->path, file)) {
      const uint32_t offset =
          LineIndex(analysis.sources.file(file).text()).OffsetOf(start, encoding_);
      const Occurrence* occurrence = analysis.OccurrenceAt(file, offset);
      if (occurrence != nullptr && occurrence->key.kind == SymbolKind::kRule) {
        const check::CheckedRule& rule = analysis.policy->rules[occurrence->key.index];
        std::string skeleton = fmt::format("\nexcept {}", rule.id);
        if (rule.rule->has_for) {
          skeleton += fmt::format(
              "\n  # Covers every finding of the rule; narrow it: `when {}.<field> == \"...\"`",
              rule.rule->var);
        }
        skeleton += fmt::format(
            "\n  until {} owner \"TODO: who answers for it\" reason \"TODO: why, and the "
            "ticket\"\n",
            DateInDays(30));
        const std::string& text = document->text;
        if (!text.empty() && text.back() != '\n')
          skeleton.insert(0, "\n");
        const LineIndex lines(text);
        const auto end = static_cast<uint32_t>(text.size());
        json.Open('{');
        json.Field("title", fmt::format("Add an exception to rule `{}`", rule.id));
        json.Field("kind", "quickfix");
        json.Key("edit");
        json.Raw(fmt::format(R"({{"changes":{{{}:[{{"range":{},"newText":{}}}]}}}})",
                             JsonQuote(uri), RangeJson(lines, end, end, encoding_),
                             JsonQuote(skeleton)));
        json.Close('}');
      }
    }
  }
  json.Close(']');
  return {json.Take(), 0, {}};
}

// A test file's problems: malformed (the loader's one error), fixtures that do not
// exist, expected findings and errors of rules the policy does not have.
void Server::PublishTestDiagnostics(const Document& document) {
  struct Problem {
    uint32_t begin, end;
    std::string code, message;
  };

  std::vector<Problem> problems;
  const std::string& text = document.text;
  const LineIndex lines(text);
  auto line_span = [&](uint32_t line) {  // 1-based line -> its text
    const uint32_t begin = lines.OffsetOf({line - 1, 0}, PositionEncoding::kUtf8);
    const uint32_t end = lines.OffsetOf({line - 1, UINT32_MAX}, PositionEncoding::kUtf8);
    return std::make_pair(begin, end);
  };
  // Where `needle` is first written at or after 1-based `line`; the line itself if nowhere.
  auto find_from = [&](uint32_t line, const std::string& needle) {
    const auto [begin, end] = line_span(line);
    const size_t at = text.find(needle, begin);
    if (at == std::string::npos || needle.empty())
      return std::make_pair(begin, end);
    return std::make_pair(static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size()));
  };
  policytest::TestFile file;
  std::string error;
  if (!policytest::LoadTestText(document.path, text, file, error)) {
    // `path:line: what`
    uint32_t line = 1;
    std::string message = error;
    if (error.rfind(document.path, 0) == 0 && error.size() > document.path.size() + 1) {
      const std::string rest = error.substr(document.path.size() + 1);
      const size_t colon = rest.find(':');
      if (colon != std::string::npos && colon > 0 &&
          rest.find_first_not_of("0123456789") == colon) {
        line = static_cast<uint32_t>(std::stoul(rest.substr(0, colon)));
        message = rest.substr(colon + 1);
        while (!message.empty() && message.front() == ' ')
          message.erase(message.begin());
      }
    }
    const auto [begin, end] = line_span(std::max<uint32_t>(line, 1));
    problems.push_back({begin, end, "malformed-test", message});
  } else {
    const fs::path dir = fs::path(document.path).parent_path();
    const std::string policy_root = file.policy.empty() ? dir.string() : file.policy;
    std::error_code ec;
    const Analysis* analysis = nullptr;
    if (fs::exists(policy_root, ec))
      analysis = &AnalysisFor(fs::weakly_canonical(policy_root, ec).string());
    for (const policytest::TestCase& c : file.cases) {
      std::vector<std::string> fixtures = c.facts;
      fixtures.insert(fixtures.end(), c.previous.begin(), c.previous.end());
      for (const std::string& fixture : fixtures) {
        // `KIND:FILE` evidence to import names its file after the colon.
        const size_t colon = fixture.find(':');
        const std::string relative =
            colon == std::string::npos ? fixture : fixture.substr(colon + 1);
        if (!fs::exists(dir / relative, ec)) {
          const auto [begin, end] = find_from(static_cast<uint32_t>(c.line), relative);
          problems.push_back(
              {begin, end, "missing-fixture",
               fmt::format("fixture `{}` does not exist (relative to this file)", relative)});
        }
      }
      // Rules of a file that does not parse are unknown: say nothing then.
      if (analysis == nullptr || !analysis->policy || !analysis->complete)
        continue;
      auto known = [&](const std::string& rule) {
        for (const check::CheckedRule& r : analysis->policy->rules) {
          if (r.id == rule)
            return true;
        }
        return false;
      };
      std::vector<std::string> rules;
      for (const policytest::ExpectedFinding& f : c.findings)
        rules.push_back(f.rule);
      for (const policytest::ExpectedError& e : c.errors)
        rules.push_back(e.rule);
      for (const std::string& rule : rules) {
        if (known(rule))
          continue;
        const auto [begin, end] = find_from(static_cast<uint32_t>(c.line), rule);
        problems.push_back({begin, end, "unknown-rule",
                            fmt::format("the policy has no rule `{}`{}", rule,
                                        std::find(analysis->policy->skipped_rules.begin(),
                                                  analysis->policy->skipped_rules.end(),
                                                  rule) != analysis->policy->skipped_rules.end()
                                            ? " (its import skips it)"
                                            : "")});
      }
    }
  }
  JsonWriter json;
  json.Open('{');
  json.Field("jsonrpc", "2.0");
  json.Field("method", "textDocument/publishDiagnostics");
  json.Key("params");
  json.Open('{');
  json.Field("uri", document.uri);
  json.Int("version", document.version);
  json.Key("diagnostics");
  json.Open('[');
  for (const Problem& p : problems) {
    json.Open('{');
    json.Key("range");
    json.Raw(RangeJson(lines, p.begin, p.end, encoding_));
    json.Int("severity", 1);
    json.Field("code", p.code);
    json.Field("source", "relgate");
    json.Field("message", p.message);
    json.Close('}');
  }
  json.Close(']');
  json.Close('}');
  json.Close('}');
  outbox_.push_back(json.Take());
}

}  // namespace relgate::lsp
