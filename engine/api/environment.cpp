// What an organisation adds through include/relgate/relgate.h's Environment. Functions:
// each is a builtin of the registry the checker reads, whose data is the function; one
// trampoline turns the evaluator's values into string views and back. Importers and
// report formats: tables by name, read by Policy::Decide and Environment::Render.
#include <algorithm>
#include <exception>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

bool IsKindName(std::string_view name) {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z'))
    return false;
  for (char c : name) {
    if (!(c == '-' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return false;
  }
  return true;
}

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

bool Environment::AddImporter(const std::string& kind,
                              std::function<std::string(std::string_view text)> importer,
                              std::string& error) {
  if (!IsKindName(kind)) {
    error = fmt::format("`{}` is not an importer kind (lower-case letters, digits, -)", kind);
    return false;
  }
  if (!impl_->importers.emplace(kind, std::move(importer)).second) {
    error = fmt::format("an importer `{}` already exists", kind);
    return false;
  }
  return true;
}

bool Environment::AddRenderer(const std::string& format,
                              std::function<std::string(const Decision&)> renderer,
                              std::string& error) {
  if (!IsKindName(format)) {
    error = fmt::format("`{}` is not a report format name (lower-case letters, digits, -)", format);
    return false;
  }
  if (format == "text" || !impl_->renderers.emplace(format, std::move(renderer)).second) {
    error = fmt::format("a report format `{}` already exists", format);
    return false;
  }
  return true;
}

bool Environment::Render(const std::string& format, const Decision& decision, std::string& out,
                         std::string& error) const {
  if (format == "text") {
    out = decision.text;
    return true;
  }
  auto it = impl_->renderers.find(format);
  if (it == impl_->renderers.end()) {
    error = fmt::format("no report format `{}` (formats: {})", format,
                        fmt::join(RenderFormats(), ", "));
    return false;
  }
  try {
    out = it->second(decision);
    return true;
  } catch (const std::exception& e) {
    error = fmt::format("report format `{}` failed: {}", format, e.what());
  } catch (...) {
    error = fmt::format("report format `{}` failed", format);
  }
  return false;
}

std::vector<std::string> Environment::ImporterKinds() const {
  std::vector<std::string> kinds;
  for (const auto& [kind, importer] : impl_->importers)
    kinds.push_back(kind);
  return kinds;
}

std::vector<std::string> Environment::RenderFormats() const {
  std::vector<std::string> formats{"text"};
  for (const auto& [format, renderer] : impl_->renderers)
    formats.push_back(format);
  std::sort(formats.begin(), formats.end());
  return formats;
}

}  // namespace relgate
