// Functions an organisation adds to the policy language (include/relgate/relgate.h,
// Environment): each is a builtin of the registry the checker reads, whose data is the
// function; one trampoline turns the evaluator's values into string views and back.
#include <exception>

#include <fmt/format.h>

#include "engine/api/environment_impl.h"

namespace relgate {
namespace {

Value CallAdded(const Value* args, builtins::CallContext& ctx) {
  const auto& f = *static_cast<const Environment::Impl::Function*>(ctx.data());
  Environment::Args in;
  in.reserve(f.arity);
  for (size_t k = 0; k < f.arity; ++k)
    in.push_back(args[k].str());
  try {
    if (f.test)
      return Value::Bool(f.test(in));
    const std::string out = f.text(in);
    return Value::String(ctx.arena().CopyString(out));
  } catch (const std::exception& e) {
    return ctx.Fail(fmt::format("{}() failed: {}", f.name, e.what()));
  } catch (...) {
    return ctx.Fail(fmt::format("{}() failed", f.name));
  }
}

bool IsName(const std::string& name) {
  if (name.empty() || !(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z')))
    return false;
  for (char c : name) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return false;
  }
  return true;
}

bool Add(Environment::Impl& impl, Environment::Impl::Function function, const std::string& doc,
         std::string& error) {
  if (!IsName(function.name)) {
    error =
        fmt::format("`{}` is not a function name (lower-case letters, digits, _)", function.name);
    return false;
  }
  if (!impl.registry.Find(function.name).empty()) {
    error = fmt::format("a function `{}` already exists", function.name);
    return false;
  }
  const bool predicate = static_cast<bool>(function.test);
  impl.functions.push_back(std::move(function));
  const Environment::Impl::Function& added = impl.functions.back();
  builtins::Builtin builtin;
  builtin.name = added.name;
  builtin.params.assign(added.arity, builtins::ArgType::kString);
  builtin.result = predicate ? builtins::ArgType::kBool : builtins::ArgType::kString;
  builtin.pure = false;  // never folded: it is the organisation's to call
  builtin.fn = CallAdded;
  builtin.doc = doc;
  builtin.data = &added;
  impl.registry.Add(std::move(builtin));
  return true;
}

}  // namespace

Environment::Environment() : impl_(std::make_shared<Impl>()) {}

Environment::~Environment() = default;

bool Environment::AddStringFunction(const std::string& name, size_t arity,
                                    std::function<std::string(const Args&)> function,
                                    const std::string& doc, std::string& error) {
  Impl::Function f;
  f.name = name;
  f.arity = arity;
  f.text = std::move(function);
  return Add(*impl_, std::move(f), doc, error);
}

bool Environment::AddPredicate(const std::string& name, size_t arity,
                               std::function<bool(const Args&)> function, const std::string& doc,
                               std::string& error) {
  Impl::Function f;
  f.name = name;
  f.arity = arity;
  f.test = std::move(function);
  return Add(*impl_, std::move(f), doc, error);
}

}  // namespace relgate
