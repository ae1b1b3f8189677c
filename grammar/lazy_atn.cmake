# Run after antlr4 (cmake -P): makes the generated lexer and parser build their ATN on
# first use instead of in a static initializer. antlr4 4.7 deserializes both ATNs before
# main() in every process, about half a millisecond that `relgate import`, `history`,
# `--version` and a gate loading a compiled bundle never need. A function-local static
# keeps the initialization once and thread-safe.
foreach(class GateLexer GateParser)
  set(file ${GEN_DIR}/${class}.cpp)
  file(READ ${file} text)
  if(class STREQUAL "GateLexer")
    set(ctor "${class}::${class}(CharStream *input) : Lexer(input) {")
  else()
    set(ctor "${class}::${class}(TokenStream *input) : Parser(input) {")
  endif()
  set(eager "${class}::Initializer ${class}::_init;")
  string(FIND "${text}" "${ctor}" at_ctor)
  string(FIND "${text}" "${eager}" at_eager)
  if(at_ctor EQUAL -1 OR at_eager EQUAL -1)
    message(FATAL_ERROR "${file}: antlr4 no longer generates the expected constructor or static initializer")
  endif()
  string(REPLACE "${eager}" "// The ATN is built by the first constructor (grammar/lazy_atn.cmake)." text "${text}")
  string(REPLACE "${ctor}" "${ctor}\n  static Initializer lazy_init;" text "${text}")
  file(WRITE ${file} "${text}")
endforeach()
