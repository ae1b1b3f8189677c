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
  std::vector<int> stack;  // per open bracket: the indent of lines inside it
  bool in_declaration = false;
  for (Line& line : lines) {
    const Tok& first = tokens[line.begin];
    if (first.type != GateLexer::COMMENT) {
      if (Closes(first.type) && !stack.empty()) {
        line.indent = stack.back() - 2;
      } else if (!stack.empty()) {
        line.indent = stack.back();
      } else {
        // `warn [rules]` continues an import; `warn name` declares a rule.
        const bool starts = StartsDeclaration(first.type) &&
                            !(first.type == GateLexer::WARN && line.begin + 1 < tokens.size() &&
                              tokens[line.begin + 1].type == GateLexer::LBRACK);
        line.indent = starts || !in_declaration ? 0 : 2;
        in_declaration = true;
      }
    }
    // Brackets opened on this line indent the lines inside them from this one's indent;
    // several opened on one line count as one level. (A comment line has no brackets.)
    int opened_here = 0;
    for (size_t k = line.begin; k < line.end; ++k) {
      const size_t t = tokens[k].type;
      if (Opens(t)) {
        stack.push_back(opened_here > 0 ? stack.back() : line.indent + 2);
        ++opened_here;
      } else if (Closes(t) && !stack.empty()) {
        stack.pop_back();
        if (opened_here > 0)
          --opened_here;
      }
    }
  }
  // A comment-only line takes the indent of the code line after it (0 at the end).
  int next = 0;
  for (size_t k = lines.size(); k-- > 0;) {
    if (lines[k].indent < 0)
      lines[k].indent = next;
    else
      next = lines[k].indent;
  }
  std::string out;
  std::vector<bool> map_keys;  // per open `[`: is it the key of a map type (`map[string]V`)?
  bool after_map_key = false;
  for (size_t l = 0; l < lines.size(); ++l) {
    const Line& line = lines[l];
    if (line.blank_before > 0 && !out.empty())
      out += "\n";
    out += std::string(static_cast<size_t>(line.indent), ' ');
    bool prev_unary = false;
    for (size_t k = line.begin; k < line.end; ++k) {
      const Tok& t = tokens[k];
      if (k > line.begin)
        out += after_map_key ? "" : Between(tokens[k - 1], t, prev_unary);
      out += t.text;
      after_map_key = false;
      if (t.type == GateLexer::LBRACK) {
        map_keys.push_back(k > 0 && tokens[k - 1].type == GateLexer::MAP);
      } else if (t.type == GateLexer::RBRACK && !map_keys.empty()) {
        after_map_key = map_keys.back();
        map_keys.pop_back();
      }
      prev_unary = t.type == GateLexer::MINUS && (k == 0 || (!EndsOperand(tokens[k - 1].type)));
    }
    out += "\n";
  }
  return out;
}

}  // namespace relgate::syntax
