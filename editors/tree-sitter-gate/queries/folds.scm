[
  (import_declaration)
  (facts_declaration)
  (record_type)
  (rule_declaration)
  (exception_declaration)
  (const_declaration)
  (let_declaration)
] @fold
