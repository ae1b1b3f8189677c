// Drives ANTLR: the exception wall around the generated parser, the error listener that
// turns ANTLR's messages into relgate diagnostics, and the pre-scan that refuses input
// nested deeper than the limits before the recursive-descent parser can overflow.
#include "engine/syntax/parse.h"

#include <atomic>

#include <antlr4-runtime.h>
#include <fmt/format.h>

#include "GateLexer.h"
#include "GateParser.h"

#include "engine/base/limits.h"
#include "engine/base/utf8.h"
#include "engine/syntax/internal/hidden_text.h"
#include "engine/syntax/internal/lowering.h"

namespace relgate::syntax {
namespace {

using grammar::GateLexer;
using grammar::GateParser;

// `':'` -> `:`; IDENT -> a name.
std::string ExpectedName(const antlr4::dfa::Vocabulary& vocabulary, size_t type) {
  if (type == antlr4::Token::EOF)
    return "end of file";
  const std::string name = vocabulary.getDisplayName(type);
  if (name.size() >= 2 && name.front() == '\'' && name.back() == '\'') {
    return fmt::format("`{}`", name.substr(1, name.size() - 2));
  }
  switch (type) {
    case GateParser::IDENT: return "a name";
    case GateParser::STRING:
    case GateParser::TEMPLATE: return "a string";
    case GateParser::INT: return "an integer";
    case GateParser::FLOAT: return "a number";
    case GateParser::DURATION: return "a duration";
    case GateParser::DATE:
    case GateParser::DATETIME: return "a date";
    case GateParser::REGEX: return "a regex";
    default: return name;
  }
}

// A keyword token: its literal name is a quoted lowercase word (`'now'`).
bool IsKeyword(const antlr4::dfa::Vocabulary& vocabulary, size_t type) {
  const std::string name = vocabulary.getLiteralName(type);
  if (name.size() < 3 || name.front() != '\'' || name.back() != '\'')
    return false;
  for (size_t i = 1; i + 1 < name.size(); ++i) {
    if (name[i] < 'a' || name[i] > 'z')
      return false;
  }
  return true;
}

std::string TokenDisplay(antlr4::Token* token) {
  if (token == nullptr)
    return "input";
  if (token->getType() == antlr4::Token::EOF)
    return "end of file";
  std::string text = token->getText();
  if (text.size() > 40)
    text = fmt::format("{}...", text.substr(0, 37));
  return fmt::format("`{}`", text);
}

bool IsExpressionStart(size_t type) {
  switch (type) {
    case GateParser::INT:
    case GateParser::FLOAT:
    case GateParser::STRING:
    case GateParser::TEMPLATE:
    case GateParser::IDENT:
    case GateParser::LPAREN:
    case GateParser::LBRACK:
    case GateParser::LBRACE:
    case GateParser::MINUS:
    case GateParser::NOT:
    case GateParser::REGEX:
    case GateParser::DURATION:
    case GateParser::DATE: return true;
    default: return false;
  }
}

// The byte offset of a `{` in a string token that no `}` closes (`{{` is a literal
// brace), or npos. A hole whose string literal is not closed ends the token early:
// `"tag {release.tag ?? "x"": ...` lexes as `"tag {release.tag ?? "` and then `x`.
size_t UnclosedBrace(const std::string& token) {
  size_t open = std::string::npos;
  for (size_t i = 1; i + 1 < token.size(); ++i) {
    if (token[i] == '\\') {
      ++i;
    } else if (token[i] == '{' && open == std::string::npos) {
      if (token[i + 1] == '{') {
        ++i;
      } else {
        open = i;
      }
    } else if (token[i] == '}') {
      open = std::string::npos;
    }
  }
  return open;
}

// Rewrites ANTLR's "mismatched input 'x' expecting {...}" into relgate's wording.
class ErrorListener : public antlr4::BaseErrorListener {
 public:
  ErrorListener(const internal::OffsetMap& offsets, DiagnosticSink& sink)
      : offsets_(offsets), sink_(sink) {}

  void syntaxError(antlr4::Recognizer* recognizer, antlr4::Token* offending, size_t,
                   size_t char_position, const std::string& msg, std::exception_ptr) override {
    ++errors_;
    Span span{offsets_.file, 0, 0};
    if (offending != nullptr && offending->getType() != antlr4::Token::EOF) {
      span.begin = offsets_.Byte(offending->getStartIndex());
      span.end = offsets_.Byte(offending->getStopIndex() + 1);
    } else if (offending != nullptr) {
      span.begin = span.end = offsets_.Byte(offending->getStartIndex());
    } else {
      (void)char_position;
      span.begin = span.end = offsets_.base;
    }
    auto* parser = dynamic_cast<antlr4::Parser*>(recognizer);
    if (parser == nullptr) {
      // Lexer: the UNKNOWN token catches stray characters, so this is rare.
      sink_.Error("syntax", span, "unexpected character in input");
      return;
    }
    std::string message;
    std::string help;
    if (offending != nullptr && offending->getType() == GateParser::UNKNOWN) {
      message = fmt::format("unexpected character {}", TokenDisplay(offending));
      // The operators of C-like languages, as people write them from habit.
      const std::string text = offending->getText();
      if (text == "&")
        help = "write `and` for a logical and (`&&` in other languages)";
      else if (text == "|")
        help = "write `or` for a logical or (`||` in other languages)";
      else if (text == "!")
        help = "write `not` for a negation, `!=` for inequality";
    } else {
      message = fmt::format("unexpected {}", TokenDisplay(offending));
      antlr4::misc::IntervalSet expected;
      try {
        expected = parser->getExpectedTokens();
      } catch (...) {
      }
      const antlr4::dfa::Vocabulary& vocabulary = parser->getVocabulary();
      bool wants_expression = false;
      std::vector<std::string> names;
      for (size_t type : expected.toList()) {
        if (IsExpressionStart(type))
          wants_expression = true;
        names.push_back(ExpectedName(vocabulary, type));
      }
      antlr4::Token* previous = nullptr;
      if (auto* stream = dynamic_cast<antlr4::TokenStream*>(parser->getInputStream())) {
        try {
          previous = stream->LT(-1);
        } catch (...) {
        }
      }
      if (offending != nullptr && expected.contains(static_cast<size_t>(GateParser::IDENT)) &&
          !expected.contains(static_cast<size_t>(GateParser::INT)) &&
          IsKeyword(vocabulary, offending->getType())) {
        // Where only a name may stand (`let now = ...`, `for count in ...`, not inside an
        // expression, where a keyword may start one), say why the word cannot be a name.
        const std::string word = offending->getText();
        message = fmt::format("`{}` is a reserved word and cannot be used as a name", word);
        help = fmt::format("choose another name, such as `{}_value`", word);
      } else if (wants_expression) {
        message = "expected an expression";
        if (previous != nullptr)
          message += fmt::format(" after {}", TokenDisplay(previous));
        message += fmt::format(", found {}", TokenDisplay(offending));
      } else if (!names.empty() && names.size() <= 6) {
        help = "expected ";
        for (size_t i = 0; i < names.size(); ++i) {
          if (i > 0)
            help += i + 1 == names.size() ? " or " : ", ";
          help += names[i];
        }
      } else if (msg.rfind("extraneous input", 0) == 0 && previous != nullptr) {
        message += fmt::format(" after {}", TokenDisplay(previous));
      }
      const size_t brace = previous != nullptr && (previous->getType() == GateParser::STRING ||
                                                   previous->getType() == GateParser::TEMPLATE)
                               ? UnclosedBrace(previous->getText())
                               : std::string::npos;
      if (brace != std::string::npos) {
        // The real mistake is the hole left open, not the token after the string.
        const std::string text = previous->getText();
        size_t chars = 0;  // ANTLR indexes code points
        for (size_t i = 0; i < brace; ++i)
          chars += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
        const size_t at = previous->getStartIndex() + chars;
        span.begin = offsets_.Byte(at);
        span.end = offsets_.Byte(at + 1);
        sink_.Error("bad-template", span, "unclosed `{` in message template",
                    "close the hole with `}` (a string inside it needs its closing quote), or "
                    "write `{{` for a literal brace");
        return;
      }
      // `deny r "msg" cond`: the colon is optional only for `for ... where` rules, so
      // ANTLR no longer lists it; say what is missing.
      if (previous != nullptr &&
          (previous->getType() == GateParser::STRING ||
           previous->getType() == GateParser::TEMPLATE) &&
          offending != nullptr && IsExpressionStart(offending->getType())) {
        help = "expected `:` and the rule's condition after its message";
      }
    }
    sink_.Error("syntax", span, message, help);
  }

  size_t errors() const { return errors_; }

 private:
  const internal::OffsetMap& offsets_;
  DiagnosticSink& sink_;
  size_t errors_ = 0;
};

// Refuses bracket nesting and prefix-operator chains that would make the recursive
// parser, lowering, checker or evaluator recurse too deeply.
bool CheckNesting(antlr4::CommonTokenStream& tokens, const internal::OffsetMap& offsets,
                  DiagnosticSink& sink) {
  size_t depth = 0;
  size_t prefix_run = 0;
  size_t coalesce = 0;  // `??` is right-associative: the parser recurses once per `??`
  for (antlr4::Token* token : tokens.getTokens()) {
    if (token->getChannel() != antlr4::Token::DEFAULT_CHANNEL)
      continue;
    const size_t type = token->getType();
    switch (type) {
      case GateParser::LPAREN:
      case GateParser::LBRACK:
      case GateParser::LBRACE: ++depth; break;
      case GateParser::RPAREN:
      case GateParser::RBRACK:
      case GateParser::RBRACE:
        if (depth > 0)
          --depth;
        break;
      case GateParser::DENY:
      case GateParser::HOLD:
      case GateParser::WARN:
      case GateParser::LET:
      case GateParser::CONST:
      case GateParser::EXCEPT:
      case GateParser::FACTS:
        coalesce = 0;  // a new declaration
        break;
      case GateParser::COALESCE: ++coalesce; break;
      default: break;
    }
    prefix_run = (type == GateParser::NOT || type == GateParser::MINUS) ? prefix_run + 1 : 0;
    if (depth > limits::kMaxBracketDepth || prefix_run > limits::kMaxBracketDepth ||
        coalesce > limits::kMaxBracketDepth) {
      Span span{offsets.file, offsets.Byte(token->getStartIndex()),
                offsets.Byte(token->getStopIndex() + 1)};
      sink.Error("too-deep", span,
                 fmt::format("expression nested deeper than {} levels", limits::kMaxBracketDepth),
                 "split it with `let` bindings");
      return false;
    }
  }
  return true;
}

// Parses in two stages, as the ANTLR documentation recommends: SLL prediction with a
// bail-out strategy first (much faster, and right for every valid input of this grammar
// but rare ambiguous ones), then full LL with error reporting only if SLL failed.
// `on_tree` lowers the tree while the parser that owns it is alive.
template <typename Entry, typename OnTree>
void RunParser(std::string_view text, const internal::OffsetMap& offsets, DiagnosticSink& sink,
               Entry entry, OnTree on_tree, size_t& errors) {
  antlr4::ANTLRInputStream input(std::string(text.data(), text.size()));
  GateLexer lexer(&input);
  ErrorListener listener(offsets, sink);
  lexer.removeErrorListeners();
  lexer.addErrorListener(&listener);
  antlr4::CommonTokenStream tokens(&lexer);
  tokens.fill();
  if (!CheckNesting(tokens, offsets, sink)) {
    errors = 1;
    return;
  }
  if (listener.errors() == 0) {
    GateParser fast(&tokens);
    fast.removeErrorListeners();
    fast.setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
    fast.getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(
        antlr4::atn::PredictionMode::SLL);
    try {
      auto* tree = entry(fast);
      errors = 0;
      on_tree(fast, tree);
      return;
    } catch (const antlr4::ParseCancellationException&) {
      tokens.seek(0);  // fall through to the full parse, which reports the errors
    }
  }
  GateParser parser(&tokens);
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  auto* tree = entry(parser);
  errors = listener.errors();
  if (errors == 0)
    on_tree(parser, tree);
}

}  // namespace

namespace internal {

OffsetMap OffsetMap::For(FileId file, uint32_t base, std::string_view text) {
  OffsetMap map;
  map.file = file;
  map.base = base;
  bool ascii = true;
  for (unsigned char c : text)
    ascii = ascii && c < 0x80;
  if (!ascii) {
    for (uint32_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
        map.byte_of_char.push_back(i);
    }
    map.byte_of_char.push_back(static_cast<uint32_t>(text.size()));
  }
  return map;
}

ExprPtr ParseHole(const SourceMap& sources, FileId file, uint32_t base, std::string_view text,
                  IdAllocator& ids, DiagnosticSink& sink) {
  OffsetMap offsets = OffsetMap::For(file, base, text);
  // The parse tree is owned by the parser, so lowering happens inside the entry callback.
  size_t errors = 0;
  ExprPtr result;
  RunParser(
      text, offsets, sink, [](GateParser& parser) { return parser.exprOnly(); },
      [&](GateParser&, GateParser::ExprOnlyContext* tree) {
        Lowerer lowerer(sources, offsets, ids, sink);
        result = lowerer.LowerExpr(tree->expr());
      },
      errors);
  if (errors > 0)
    return nullptr;
  return result;
}

}  // namespace internal

namespace {
std::atomic<uint64_t> parse_count{0};
}  // namespace

uint64_t ParseCount() {
  return parse_count.load(std::memory_order_relaxed);
}

std::optional<Module> ParseModule(const SourceMap& sources, FileId file, IdAllocator& ids,
                                  DiagnosticSink& sink) {
  parse_count.fetch_add(1, std::memory_order_relaxed);
  const std::string& text = sources.file(file).text();
  if (const size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    sink.Error("invalid-utf8", Span{file, static_cast<uint32_t>(bad), static_cast<uint32_t>(bad)},
               fmt::format("source is not valid UTF-8 at byte {}", bad));
    return std::nullopt;
  }
  if (internal::RefuseHiddenText(text, file, 0, sink) > 0)
    return std::nullopt;
  const size_t errors_before = sink.error_count();
  internal::OffsetMap offsets = internal::OffsetMap::For(file, 0, text);
  std::optional<Module> module;
  size_t errors = 0;
  try {
    RunParser(
        text, offsets, sink, [](GateParser& parser) { return parser.file(); },
        [&](GateParser& parser, GateParser::FileContext* tree) {
          internal::Lowerer lowerer(sources, offsets, ids, sink);
          module = lowerer.LowerFile(tree);
          // Comments live on the hidden channel of the token stream.
          auto* stream = dynamic_cast<antlr4::BufferedTokenStream*>(parser.getTokenStream());
          for (antlr4::Token* token : stream->getTokens()) {
            if (token->getType() == GateParser::COMMENT) {
              module->comments.push_back({Span{file, offsets.Byte(token->getStartIndex()),
                                               offsets.Byte(token->getStopIndex() + 1)},
                                          token->getText()});
            }
          }
        },
        errors);
  } catch (const std::exception& e) {
    sink.Error("syntax", Span{file, 0, 0}, fmt::format("could not parse: {}", e.what()));
    return std::nullopt;
  }
  if (errors > 0 || sink.error_count() > errors_before)
    return std::nullopt;
  return module;
}

ExprPtr ParseExpression(const SourceMap& sources, FileId file, IdAllocator& ids,
                        DiagnosticSink& sink) {
  const std::string& text = sources.file(file).text();
  if (const size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    sink.Error("invalid-utf8", Span{file, static_cast<uint32_t>(bad), static_cast<uint32_t>(bad)},
               fmt::format("expression is not valid UTF-8 at byte {}", bad));
    return nullptr;
  }
  if (internal::RefuseHiddenText(text, file, 0, sink) > 0)
    return nullptr;
  const size_t errors_before = sink.error_count();
  ExprPtr expr = internal::ParseHole(sources, file, 0, text, ids, sink);
  if (sink.error_count() > errors_before)
    return nullptr;
  return expr;
}

}  // namespace relgate::syntax
