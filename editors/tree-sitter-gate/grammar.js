// Tree-sitter grammar for relgate's policy language (.gate files): highlighting, folding
// and structure in Neovim, Helix, Zed and GitHub's code view. It follows grammar/Gate.g4,
// the grammar relgate itself parses with; relgate's parser stays the one that decides
// what a policy means (this one only has to be right for editors).
//
// Differences, each deliberate: every `{...}` inside a string is an interpolation (in
// relgate only messages interpolate, and a lone `{` elsewhere is rare in policies); a
// field after `.` may not be spelled like a keyword that is valid there.

const PREC = {
  or: 1,
  and: 2,
  not: 3,
  compare: 4,
  coalesce: 5,
  add: 6,
  mul: 7,
  unary: 8,
  postfix: 9,
};

const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)), optional(','));
const commaSep = (rule) => optional(commaSep1(rule));

module.exports = grammar({
  name: 'gate',

  extras: ($) => [/\s/, $.comment],

  word: ($) => $.identifier,

  // `warn` after an import opens a rule selection (`warn [a]`) or a rule (`warn a "..."`):
  // the token after it decides.
  conflicts: ($) => [[$._primary, $.quantifier], [$.import_declaration]],

  rules: {
    source_file: ($) =>
      seq(optional($.package_declaration), repeat($.import_declaration), repeat($._declaration)),

    comment: (_) => token(seq('#', /.*/)),

    package_declaration: ($) => seq('package', field('name', $.qualified_name)),

    qualified_name: ($) => seq($.identifier, repeat(seq('.', $.identifier))),

    import_declaration: ($) =>
      seq(
        'import',
        field('module', choice($.qualified_name, $.string)),
        optional(seq('as', field('alias', $.identifier))),
        optional(seq('with', '{', commaSep($.parameter), '}')),
        repeat($.rule_selection),
      ),

    parameter: ($) => seq(field('name', $.identifier), ':', field('value', $._expression)),

    rule_selection: ($) =>
      seq(
        choice('skip', 'warn', seq('from', field('date', choice($.date, $.datetime)))),
        '[',
        commaSep($.identifier),
        ']',
      ),

    _declaration: ($) =>
      choice(
        $.facts_declaration,
        $.let_declaration,
        $.const_declaration,
        $.rule_declaration,
        $.exception_declaration,
      ),

    facts_declaration: ($) => seq('facts', '{', optional($._field_list), '}'),

    _field_list: ($) =>
      seq($.field_declaration, repeat(seq(optional(','), $.field_declaration)), optional(',')),

    field_declaration: ($) => seq(field('name', $.identifier), ':', field('type', $.type)),

    type: ($) =>
      prec.right(
        seq(
          choice(alias($.identifier, $.type_identifier), $.list_type, $.record_type, $.map_type),
          optional('?'),
        ),
      ),

    list_type: ($) => seq('[', $.type, ']'),
    record_type: ($) => seq('{', optional($._field_list), '}'),
    map_type: ($) => seq('map', '[', field('key', $.type), ']', field('value', $.type)),

    let_declaration: ($) =>
      seq(
        'let',
        field('name', $.identifier),
        optional(seq(':', field('type', $.type))),
        '=',
        field('value', $._expression),
      ),

    const_declaration: ($) =>
      prec.right(
        seq(
          'const',
          field('name', $.identifier),
          optional(seq(':', field('type', $.type))),
          optional(seq('=', field('value', $._expression))),
          repeat($.constraint),
        ),
      ),

    constraint: ($) =>
      seq('where', field('condition', $._expression), field('message', $.string)),

    rule_declaration: ($) =>
      seq(
        field('level', choice('deny', 'hold', 'warn')),
        field('name', $.identifier),
        optional(seq('from', field('rollout', choice($.date, $.datetime)))),
        optional(
          seq(
            'for',
            field('variable', $.identifier),
            'in',
            field('list', $._expression),
            optional(seq('where', field('filter', $._expression))),
          ),
        ),
        field('message', $.string),
        optional(seq(':', field('condition', $._expression))),
      ),

    exception_declaration: ($) =>
      seq(
        'except',
        field('rule', $.qualified_name),
        optional(seq('when', field('condition', $._expression))),
        'until',
        field('until', choice($.date, $.datetime)),
        'owner',
        field('owner', $.string),
        'reason',
        field('reason', $.string),
      ),

    // ------------------------------------------------------------------ expressions

    _expression: ($) =>
      choice(
        $._primary,
        $.member_expression,
        $.method_call,
        $.index_expression,
        $.unary_expression,
        $.binary_expression,
        $.in_expression,
        $.not_expression,
      ),

    member_expression: ($) =>
      prec(PREC.postfix, seq(field('object', $._expression), '.', field('field', $.identifier))),

    method_call: ($) =>
      prec(
        PREC.postfix,
        seq(field('object', $._expression), '.', field('method', $.identifier), $.arguments),
      ),

    index_expression: ($) =>
      prec(PREC.postfix, seq(field('object', $._expression), '[', field('index', $._expression), ']')),

    unary_expression: ($) => prec(PREC.unary, seq('-', field('operand', $._expression))),

    not_expression: ($) => prec(PREC.not, seq('not', field('operand', $._expression))),

    binary_expression: ($) =>
      choice(
        ...[
          ['or', PREC.or],
          ['and', PREC.and],
          ['==', PREC.compare],
          ['!=', PREC.compare],
          ['<', PREC.compare],
          ['<=', PREC.compare],
          ['>', PREC.compare],
          ['>=', PREC.compare],
          ['matches', PREC.compare],
          ['+', PREC.add],
          ['-', PREC.add],
          ['*', PREC.mul],
          ['/', PREC.mul],
          ['%', PREC.mul],
        ].map(([operator, precedence]) =>
          prec.left(
            precedence,
            seq(
              field('left', $._expression),
              field('operator', operator),
              field('right', $._expression),
            ),
          ),
        ),
        prec.right(
          PREC.coalesce,
          seq(field('left', $._expression), field('operator', '??'), field('right', $._expression)),
        ),
      ),

    in_expression: ($) =>
      prec.left(
        PREC.compare,
        seq(field('left', $._expression), optional('not'), 'in', field('right', $._expression)),
      ),

    _primary: ($) =>
      choice(
        $.integer,
        $.float,
        $.string,
        $.true,
        $.false,
        $.duration,
        $.date,
        $.datetime,
        $.regex,
        $.now,
        $.quantifier,
        $.has_call,
        $.call,
        $.identifier,
        $.parenthesized_expression,
        $.list_comprehension,
        $.set_comprehension,
        $.list,
        $.set,
      ),

    quantifier: ($) =>
      seq(
        field('quantifier', choice('all', 'any', 'none', 'count')),
        '(',
        field('variable', $.identifier),
        'in',
        field('list', $._expression),
        ':',
        field('body', $._expression),
        ')',
      ),

    has_call: ($) => seq('has', '(', $._expression, ')'),

    call: ($) =>
      seq(field('function', choice($.identifier, alias('count', $.identifier))), $.arguments),

    arguments: ($) => seq('(', commaSep($._expression), ')'),

    parenthesized_expression: ($) => seq('(', $._expression, ')'),

    list_comprehension: ($) => seq('[', $._comprehension, ']'),
    set_comprehension: ($) => seq('{', $._comprehension, '}'),
    _comprehension: ($) =>
      seq(
        field('element', $._expression),
        'for',
        field('variable', $.identifier),
        'in',
        field('list', $._expression),
        optional(seq('where', field('filter', $._expression))),
      ),

    list: ($) => seq('[', commaSep($._expression), ']'),
    set: ($) => seq('{', commaSep1($._expression), '}'),

    // -------------------------------------------------------------------- literals

    string: ($) =>
      seq('"', repeat(choice($.string_content, $.escape_sequence, $.interpolation)), '"'),
    string_content: (_) => token.immediate(prec(1, /[^"\\{\r\n]+/)),
    escape_sequence: (_) => token.immediate(seq('\\', /[^\r\n]/)),
    interpolation: ($) => seq(token.immediate('{'), $._expression, '}'),

    regex: (_) => token(seq('/', repeat1(choice(/[^/\\\r\n]/, /\\[^\r\n]/)), '/')),
    datetime: (_) =>
      token(
        seq(
          /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/,
          optional(/\.\d+/),
          choice('Z', /[+-]\d{2}:\d{2}/),
        ),
      ),
    date: (_) => token(/\d{4}-\d{2}-\d{2}/),
    duration: (_) => token(/(\d+(ms|d|h|m|s))+/),
    float: (_) => token(/\d+\.\d+([eE][+-]?\d+)?/),
    integer: (_) => token(/\d+/),
    true: (_) => 'true',
    false: (_) => 'false',
    now: (_) => 'now',
    identifier: (_) => /[a-zA-Z_][a-zA-Z_0-9]*/,
  },
});
