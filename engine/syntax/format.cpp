#include "engine/syntax/format.h"

#include <algorithm>
#include <vector>

#include <antlr4-runtime.h>

#include "GateLexer.h"

namespace relgate::syntax {
namespace {

using grammar::GateLexer;

struct Tok {
  size_t type;
  std::string text;
  int newlines_before;  // line breaks between the previous token and this one
};

bool Opens(size_t t) {
  return t == GateLexer::LPAREN || t == GateLexer::LBRACK || t == GateLexer::LBRACE;
}

bool Closes(size_t t) {
  return t == GateLexer::RPAREN || t == GateLexer::RBRACK || t == GateLexer::RBRACE;
}

bool StartsDeclaration(size_t t) {
  switch (t) {
    case GateLexer::PACKAGE:
    case GateLexer::IMPORT:
    case GateLexer::FACTS:
    case GateLexer::LET:
    case GateLexer::CONST:
    case GateLexer::DENY:
    case GateLexer::HOLD:
    case GateLexer::WARN:
    case GateLexer::EXCEPT: return true;
    default: return false;
  }
}

// Whether line-starting token `first` begins a declaration (`warn [rules]` continues an
// import; `warn name` declares a rule).
bool IsDeclarationStart(const std::vector<Tok>& tokens, size_t first) {
  return StartsDeclaration(tokens[first].type) &&
         !(tokens[first].type == GateLexer::WARN && first + 1 < tokens.size() &&
           tokens[first + 1].type == GateLexer::LBRACK);
}

// A token after which a value ends: what follows `-` there is subtraction, `(` or `[`
// there is a call or an index.
bool EndsOperand(size_t t) {
  switch (t) {
    case GateLexer::IDENT:
    case GateLexer::INT:
    case GateLexer::FLOAT:
    case GateLexer::STRING:
    case GateLexer::TEMPLATE:
    case GateLexer::DURATION:
    case GateLexer::DATE:
    case GateLexer::DATETIME:
    case GateLexer::REGEX:
    case GateLexer::TRUE:
    case GateLexer::FALSE:
    case GateLexer::NOW:
    case GateLexer::RPAREN:
    case GateLexer::RBRACK:
    case GateLexer::RBRACE: return true;
    default: return false;
  }
}

// What goes between two tokens on one line. `unary` says `prev` is a unary minus.
const char* Between(const Tok& prev, const Tok& cur, bool prev_unary) {
  const size_t p = prev.type, c = cur.type;
  if (c == GateLexer::COMMENT)
    return "  ";
  if (prev_unary || p == GateLexer::DOT || p == GateLexer::LPAREN || p == GateLexer::LBRACK)
    return "";
  if (p == GateLexer::LBRACE)
    return c == GateLexer::RBRACE ? "" : " ";
  switch (c) {
    case GateLexer::RPAREN:
    case GateLexer::RBRACK:
    case GateLexer::COMMA:
    case GateLexer::DOT:
    case GateLexer::COLON:
    case GateLexer::QUESTION: return "";
    case GateLexer::RBRACE: return " ";
    case GateLexer::LPAREN:
    case GateLexer::LBRACK:
      // A call or an index (`count(`, `all(`, `map[`), else a group or a list.
      if (c == GateLexer::LBRACK && (p == GateLexer::DATE || p == GateLexer::DATETIME))
        return " ";  // `from 2027-01-01 [rules]`
      if (EndsOperand(p) || p == GateLexer::ALL || p == GateLexer::ANY || p == GateLexer::NONE ||
          p == GateLexer::COUNT || p == GateLexer::HAS || p == GateLexer::MAP) {
        return p == GateLexer::RBRACE ? " " : "";
      }
      return " ";
    default: return " ";
  }
}

}  // namespace

std::string FormatSource(std::string_view text) {
  antlr4::ANTLRInputStream input(std::string(text.data(), text.size()));
  GateLexer lexer(&input);
  lexer.removeErrorListeners();
  antlr4::CommonTokenStream stream(&lexer);
  stream.fill();
  std::vector<Tok> tokens;
  int newlines = 0;
  for (antlr4::Token* t : stream.getTokens()) {
    if (t->getType() == antlr4::Token::EOF)
      break;
    const std::string s = t->getText();
    if (t->getType() == GateLexer::WS) {
      newlines += static_cast<int>(std::count(s.begin(), s.end(), '\n'));
      continue;
    }
    tokens.push_back({t->getType(), s, tokens.empty() ? 0 : newlines});
    newlines = 0;
  }

  // Lines of tokens, each with its indent.
  struct Line {
    size_t begin, end;  // token range
    int blank_before;   // 0 or 1
    int indent = -1;    // -1 until computed (comment-only lines take the next line's)
  };

  std::vector<Line> lines;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (k == 0 || tokens[k].newlines_before > 0) {
      if (!lines.empty())
        lines.back().end = k;
      lines.push_back({k, tokens.size(), k > 0 && tokens[k].newlines_before > 1 ? 1 : 0});
    }
  }

  // Indents are decided while the text is written, because a continuation line inside a
  // bracket aligns with the first token after the bracket when one follows it on the
  // opening line (`[{ path: string,` / `   sha256: string? }]`, as clang-format's "align
  // after open bracket"), and indents two from the opening line when the bracket ends it.
  struct Open {
    int inner;  // the indent of lines inside the bracket
    int outer;  // the indent of a line that starts with its closer
  };

  std::vector<Open> stack;
  bool in_declaration = false;
  // The indent of a line starting with token `first` (an index), given the brackets open
  // before it: top-level lines of a declaration after its first indent by two.
  auto indent_for = [&](size_t first) {
    if (!stack.empty())
      return Closes(tokens[first].type) ? stack.back().outer : stack.back().inner;
    return IsDeclarationStart(tokens, first) || !in_declaration ? 0 : 2;
  };
  std::string out;
  std::vector<bool> map_keys;  // per open `[`: is it the key of a map type (`map[string]V`)?
  bool after_map_key = false;
  for (size_t l = 0; l < lines.size(); ++l) {
    Line& line = lines[l];
    const Tok& first = tokens[line.begin];
    if (first.type == GateLexer::COMMENT) {
      // A comment-only line takes the indent of the code line after it.
      size_t next = l + 1;
      while (next < lines.size() && tokens[lines[next].begin].type == GateLexer::COMMENT)
        ++next;
      line.indent = next < lines.size() ? indent_for(lines[next].begin) : 0;
    } else {
      line.indent = indent_for(line.begin);
      if (stack.empty())
        in_declaration = true;
    }
    if (line.blank_before > 0 && !out.empty())
      out += "\n";
    const size_t line_start = out.size();
    out += std::string(static_cast<size_t>(line.indent), ' ');
    bool prev_unary = false;
    size_t opened_here = 0;  // brackets this line opened and has not closed
    for (size_t t = line.begin; t < line.end; ++t) {
      const Tok& tok = tokens[t];
      if (t > line.begin)
        out += after_map_key ? "" : Between(tokens[t - 1], tok, prev_unary);
      if (Closes(tok.type) && !stack.empty()) {
        stack.pop_back();
        if (opened_here > 0)
          --opened_here;
      }
      out += tok.text;
      after_map_key = false;
      if (Opens(tok.type)) {
        const int here = line.indent;
        // Where the next token will stand: after this bracket and the space Between puts.
        int align = -1;
        if (t + 1 < line.end && tokens[t + 1].type != GateLexer::COMMENT) {
          align = static_cast<int>(out.size() - line_start) +
                  static_cast<int>(std::string_view(Between(tok, tokens[t + 1], false)).size());
        }
        stack.push_back({align >= 0 ? align : here + 2, here});
        ++opened_here;
      }
      if (tok.type == GateLexer::LBRACK) {
        map_keys.push_back(t > 0 && tokens[t - 1].type == GateLexer::MAP);
      } else if (tok.type == GateLexer::RBRACK && !map_keys.empty()) {
        after_map_key = map_keys.back();
        map_keys.pop_back();
      }
      prev_unary = tok.type == GateLexer::MINUS && (t == 0 || (!EndsOperand(tokens[t - 1].type)));
    }
    out += "\n";
  }
  return out;
}

}  // namespace relgate::syntax
