// The .gate policy language. docs/language.md describes every construct with an example.
//
// Comments (`# ...`) go to the hidden channel rather than being skipped, so the syntax
// stage can keep them in the AST for the formatter and for policy tests.
grammar Gate;

@lexer::members {
  // A `/` starts a regex literal only where an operand may begin (as in JavaScript):
  // after an operand it is division. Tracks the last token on the default channel.
  size_t last_type_ = 0;

  bool RegexAllowed() const {
    switch (last_type_) {
      case IDENT: case INT: case FLOAT: case STRING: case TEMPLATE: case DURATION: case DATE:
      case DATETIME: case REGEX: case TRUE: case FALSE: case NOW: case RPAREN:
      case RBRACK: case RBRACE:
        return false;
      default:
        return true;
    }
  }

  // A string may be a message template, whose `{...}` holes hold string literals of
  // their own, only where a rule's message stands: followed by `:`, or last on its line
  // (the condition-less `for ... where ... "message"` form). Elsewhere the same text is
  // lexed as plain strings, so `["{a", "b}"]` stays two strings.
  bool MessageFollows() {
    for (size_t k = 1;; ++k) {
      const size_t c = _input->LA(static_cast<ssize_t>(k));
      if (c == ' ' || c == '\t')
        continue;
      return c == ':' || c == '\n' || c == '\r' || c == '#' || c == antlr4::IntStream::EOF;
    }
  }

  std::unique_ptr<antlr4::Token> nextToken() override {
    auto token = antlr4::Lexer::nextToken();
    if (token->getChannel() == antlr4::Token::DEFAULT_CHANNEL) last_type_ = token->getType();
    return token;
  }
}

// ---------------------------------------------------------------- declarations

file        : packageDecl? importDecl* decl* EOF ;
exprOnly    : expr EOF ;   // used to parse `{expr}` holes in message templates

packageDecl : PACKAGE qualifiedName ;
qualifiedName : name (DOT name)* ;
importDecl  : IMPORT (qualifiedName | str) (AS IDENT)?
              (WITH LBRACE (paramSet (COMMA paramSet)* COMMA?)? RBRACE)? ruleSelection* ;
paramSet    : name COLON expr ;
// Which of an imported module's rules apply, and how: `skip [a, b]` leaves rules out,
// `warn [c]` makes them advisory, `from 2027-01-01 [d]` rolls them out (advisory until
// that day, as written from it).
ruleSelection : kind=(SKIP_ | WARN) ruleList
              | FROM when=(DATE | DATETIME) ruleList ;
ruleList    : LBRACK (IDENT (COMMA IDENT)* COMMA?)? RBRACK ;

decl        : factsDecl | letDecl | constDecl | ruleDecl | exceptDecl ;

factsDecl   : FACTS LBRACE fieldList RBRACE ;
fieldList   : (fieldType (COMMA? fieldType)* COMMA?)? ;
fieldType   : name COLON typeExpr ;
typeExpr    : baseType QUESTION? ;
baseType    : IDENT                                    # namedType
            | LBRACK typeExpr RBRACK                   # listType
            | LBRACE fieldList RBRACE                  # recordType
            | MAP LBRACK typeExpr RBRACK typeExpr      # mapType
            ;

letDecl     : LET IDENT (COLON typeExpr)? ASSIGN expr ;
// A const is a module parameter when the importer sets it; `where` states what any value
// must satisfy, checked when the policy compiles.
constDecl   : CONST IDENT (COLON typeExpr)? (ASSIGN expr)? constraint* ;
constraint  : WHERE expr str ;

// Without `: condition`, a `for ... where` rule makes every item it selects a finding.
// `from DATE`: the rule is advisory before that day (its rollout), as written from it.
ruleDecl    : level=(DENY | HOLD | WARN) IDENT (FROM when=(DATE | DATETIME))?
              (FOR IDENT IN expr (WHERE expr)?)?
              str (COLON expr)? ;

exceptDecl  : EXCEPT qualifiedName (WHEN expr)?
              UNTIL until=(DATE | DATETIME) OWNER str REASON str ;

str         : STRING | TEMPLATE ;

// ----------------------------------------------------------------- expressions
// Precedence, tightest first: postfix, unary minus, * / %, + -, ??, comparisons / in /
// matches, not, and, or.

expr
  : primary                                              # primaryExpr
  | expr DOT name LPAREN args? RPAREN                    # methodExpr
  | expr DOT name                                        # memberExpr
  | expr LBRACK expr RBRACK                              # indexExpr
  | MINUS expr                                           # negateExpr
  | expr op=(STAR | SLASH | PERCENT) expr                # mulExpr
  | expr op=(PLUS | MINUS) expr                          # addExpr
  | <assoc=right> expr COALESCE expr                     # coalesceExpr
  | expr op=(EQ | NE | LT | LE | GT | GE) expr           # compareExpr
  | expr NOT? IN expr                                    # inExpr
  | expr MATCHES expr                                    # matchesExpr
  | NOT expr                                             # notExpr
  | expr AND expr                                        # andExpr
  | expr OR expr                                         # orExpr
  ;

primary
  : INT                                                  # intLit
  | FLOAT                                                # floatLit
  | str                                                  # stringLit
  | (TRUE | FALSE)                                       # boolLit
  | DURATION                                             # durationLit
  | (DATE | DATETIME)                                    # timeLit
  | REGEX                                                # regexLit
  | NOW                                                  # nowLit
  | quant=(ALL | ANY | NONE | COUNT) LPAREN IDENT IN expr COLON expr RPAREN   # quantifier
  | HAS LPAREN expr RPAREN                               # hasCall
  | (IDENT | COUNT) LPAREN args? RPAREN                  # call
  | IDENT                                                # nameRef
  | LPAREN expr RPAREN                                   # paren
  | LBRACK expr FOR IDENT IN expr (WHERE expr)? RBRACK   # listComp
  | LBRACE expr FOR IDENT IN expr (WHERE expr)? RBRACE   # setComp
  | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK           # listLit
  | LBRACE (expr (COMMA expr)* COMMA?)? RBRACE           # setLit
  ;

args        : expr (COMMA expr)* COMMA? ;

// A field or module member may be spelled like a keyword (`x.count`, `release.owner`).
name        : IDENT | PACKAGE | IMPORT | AS | WITH | FACTS | LET | CONST | DENY | HOLD | WARN
            | FOR | IN | WHERE | EXCEPT | WHEN | UNTIL | OWNER | REASON | MAP | ALL | ANY
            | NONE | COUNT | HAS | NOW | TRUE | FALSE | NOT | AND | OR | MATCHES | SKIP_
            | FROM ;

// ----------------------------------------------------------------------- lexer

PACKAGE  : 'package' ;
IMPORT   : 'import' ;
AS       : 'as' ;
WITH     : 'with' ;
FACTS    : 'facts' ;
LET      : 'let' ;
CONST    : 'const' ;
DENY     : 'deny' ;
HOLD     : 'hold' ;
WARN     : 'warn' ;
FOR      : 'for' ;
IN       : 'in' ;
WHERE    : 'where' ;
EXCEPT   : 'except' ;
WHEN     : 'when' ;
UNTIL    : 'until' ;
OWNER    : 'owner' ;
REASON   : 'reason' ;
MAP      : 'map' ;
SKIP_    : 'skip' ;  // SKIP is a name ANTLR reserves
FROM     : 'from' ;
ALL      : 'all' ;
ANY      : 'any' ;
NONE     : 'none' ;
COUNT    : 'count' ;
HAS      : 'has' ;
NOW      : 'now' ;
TRUE     : 'true' ;
FALSE    : 'false' ;
NOT      : 'not' ;
AND      : 'and' ;
OR       : 'or' ;
MATCHES  : 'matches' ;

LPAREN   : '(' ;
RPAREN   : ')' ;
LBRACK   : '[' ;
RBRACK   : ']' ;
LBRACE   : '{' ;
RBRACE   : '}' ;
COMMA    : ',' ;
COLON    : ':' ;
DOT      : '.' ;
COALESCE : '??' ;
QUESTION : '?' ;
EQ       : '==' ;
NE       : '!=' ;
LE       : '<=' ;
GE       : '>=' ;
LT       : '<' ;
GT       : '>' ;
ASSIGN   : '=' ;
PLUS     : '+' ;
MINUS    : '-' ;
STAR     : '*' ;
PERCENT  : '%' ;

REGEX    : '/' (~[/\\\r\n] | '\\' ~[\r\n])+ '/' {RegexAllowed()}? ;
SLASH    : '/' ;

DATETIME : D4 '-' D2 '-' D2 'T' D2 ':' D2 ':' D2 ('.' [0-9]+)? ('Z' | [+-] D2 ':' D2) ;
DATE     : D4 '-' D2 '-' D2 ;
DURATION : ([0-9]+ ('d' | 'h' | 'm' | 's' | 'ms'))+ ;
FLOAT    : [0-9]+ '.' [0-9]+ ([eE] [+-]? [0-9]+)? ;
INT      : [0-9]+ ;
// A `{...}` hole of a message template may hold string literals and braces of its own
// (`"tag {release.tag ?? "<none>"}"`); a lone `{` is kept for the template lowering to
// report. The lexer takes the longest match, so a hole wins over a lone brace; where the
// predicate fails, the same text is a STRING.
TEMPLATE : '"' (~["\\\r\n{] | '\\' ~[\r\n] | HOLE | '{')* '"' {MessageFollows()}? ;
STRING   : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
fragment HOLE       : '{' (HOLE_CHAR | HOLE)* '}' ;
fragment HOLE_CHAR  : ~["{}\\\r\n] | '\\' ~[\r\n] | HOLE_STRING ;
fragment HOLE_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
IDENT    : [a-zA-Z_] [a-zA-Z_0-9]* ;

COMMENT  : '#' ~[\r\n]* -> channel(HIDDEN) ;
WS       : [ \t\r\n]+ -> channel(HIDDEN) ;
// Anything else becomes a token the parser rejects with a positioned message.
UNKNOWN  : . ;

fragment D4 : [0-9] [0-9] [0-9] [0-9] ;
fragment D2 : [0-9] [0-9] ;
