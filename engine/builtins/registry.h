// The one registry of builtin functions: signature and implementation in one entry
// (Cedar's ExtensionFunction). The checker resolves calls against it, the compiler binds
// the function pointer into the node, and the evaluator calls it without any lookup.
//
// Every builtin can be called as a function or as a method on its first argument:
// `ends_with(f, ".map")` and `f.ends_with(".map")` are the same call. A builtin that
// fails returns ctx.Fail(message) (an error value); it never throws.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "engine/base/arena.h"
#include "engine/base/value.h"

namespace relgate::builtins {

// Parameter and result types, in the registry's own small vocabulary (the checker maps
// them to its types).
enum class ArgType {
  kBool,
  kInt,
  kFloat,
  kString,
  kTime,
  kDuration,
  kVersion,
  kStringList,  // [string]
  kSized,       // string, list, set or map
  kScalar,      // bool, int, float, string, time, duration or version
};

// What a builtin may touch while running: an arena for results it builds, and the error
// table of the current evaluation.
class CallContext {
 public:
  CallContext(Arena& arena, std::deque<ErrorInfo>& errors, const void* data = nullptr)
      : arena_(arena), errors_(errors), data_(data) {}

  Arena& arena() { return arena_; }

  // The called builtin's `data` (Builtin::data): what a function added by an embedder
  // carries (engine/api).
  const void* data() const { return data_; }

  Value Fail(std::string message) {
    errors_.push_back({"", std::move(message)});
    return Value::Error(&errors_.back());
  }

 private:
  Arena& arena_;
  std::deque<ErrorInfo>& errors_;
  const void* data_;
};

using BuiltinFn = Value (*)(const Value* args, CallContext& ctx);

// How a parameter or result type is written in signatures (`string`, `[string]`).
const char* ArgTypeName(ArgType type);

// Checks an argument written as a string literal, at compile time: "" if it is fine,
// else what is wrong (`split("")`: "the separator is empty"). Optional.
using LiteralCheck = std::string (*)(size_t arg, std::string_view text);

struct Builtin {
  std::string name;
  std::vector<ArgType> params;
  ArgType result;
  bool pure;  // may be folded when all arguments are constants
  BuiltinFn fn;
  std::string doc;  // one line, for docs/language.md and `relgate check --list-builtins`
  LiteralCheck check_literal = nullptr;
  // Given to `fn` through CallContext::data(): state of a function an embedder added. It
  // must outlive every program compiled with it.
  const void* data = nullptr;
};

// A builtin's parameters and result as written in signatures: `(string, string) -> bool`.
std::string ParamsAndResult(const Builtin& builtin);

class Registry {
 public:
  // Builtins named `name`, in registration order (there is no overloading by now, but
  // the lookup returns a list so that adding one does not change callers).
  std::vector<const Builtin*> Find(std::string_view name) const;

  const std::deque<Builtin>& all() const { return builtins_; }

  void Add(Builtin builtin) { builtins_.push_back(std::move(builtin)); }

 private:
  std::deque<Builtin> builtins_;
};

// The registry with every builtin family registered, in a fixed order. Thread-safe. A
// policy is checked against it unless CompileOptions::builtins names another (a copy with
// an organisation's functions added: include/relgate/relgate.h, Environment).
const Registry& DefaultRegistry();

void RegisterStringBuiltins(Registry& registry);
void RegisterTimeBuiltins(Registry& registry);
void RegisterSemverBuiltins(Registry& registry);
void RegisterGlobBuiltins(Registry& registry);
void RegisterConvertBuiltins(Registry& registry);
void RegisterDiffBuiltins(Registry& registry);

// Glob matching of slash-separated paths: `*` and `?` stay within one segment, `**`
// crosses segments, `[abc]` is a character class. Exposed for tests.
bool GlobMatch(std::string_view pattern, std::string_view path);

}  // namespace relgate::builtins
