; Highlighting for .gate policies (Neovim, Helix, Zed and the tree-sitter CLI's names).

; Names not captured by a more specific pattern below. (Neovim lets a later pattern win,
; as the tree-sitter CLI does here.)
(identifier) @variable

(comment) @comment

[
  "package"
  "import"
  "as"
  "with"
  "facts"
  "let"
  "const"
  "for"
  "in"
  "where"
  "except"
  "when"
  "until"
  "owner"
  "reason"
  "skip"
  "from"
  "map"
  "deny"
  "hold"
  "warn"
] @keyword

[
  "and"
  "or"
  "not"
  "matches"
] @keyword.operator

[
  "=="
  "!="
  "<"
  "<="
  ">"
  ">="
  "+"
  "-"
  "*"
  "/"
  "%"
  "??"
  "="
  "?"
] @operator

[
  "("
  ")"
  "["
  "]"
  "{"
  "}"
] @punctuation.bracket

[
  ","
  ":"
  "."
] @punctuation.delimiter

(string) @string
(escape_sequence) @string.escape
(interpolation
  "{" @punctuation.special
  "}" @punctuation.special)
(regex) @string.special
[
  (date)
  (datetime)
] @string.special
[
  (integer)
  (float)
  (duration)
] @number
[
  (true)
  (false)
] @constant.builtin
(now) @constant.builtin

(type_identifier) @type

(quantifier
  quantifier: _ @function.builtin)
(has_call
  "has" @function.builtin)
(call
  function: (identifier) @function.call)
(method_call
  method: (identifier) @function.method)

(package_declaration
  name: (qualified_name
    (identifier) @module))
(import_declaration
  module: (qualified_name
    (identifier) @module))
(import_declaration
  alias: (identifier) @module)
(parameter
  name: (identifier) @property)
(rule_selection
  (identifier) @function)
(exception_declaration
  rule: (qualified_name
    (identifier) @function))

(rule_declaration
  name: (identifier) @function)
(let_declaration
  name: (identifier) @variable)
(const_declaration
  name: (identifier) @constant)
(field_declaration
  name: (identifier) @property)
(member_expression
  field: (identifier) @property)
(rule_declaration
  variable: (identifier) @variable.parameter)
(quantifier
  variable: (identifier) @variable.parameter)
(list_comprehension
  variable: (identifier) @variable.parameter)
(set_comprehension
  variable: (identifier) @variable.parameter)

