// The state behind include/relgate/relgate.h's Environment: a copy of the built-in
// functions with an organisation's added, and its importers and report formats, shared by
// every Policy compiled with it.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "engine/builtins/registry.h"
#include "include/relgate/relgate.h"

namespace relgate {

// `npm-lock`, `acme-sbom`: how importer kinds and report formats are named (lower-case
// letters, digits and `-`, a letter first), as on a command line.
bool IsKindName(std::string_view name);

struct Environment::Impl {
  struct Function {
    std::string name;
    size_t arity = 0;
    std::function<std::string(const Args&)> text;  // a string function
    std::function<bool(const Args&)> test;         // a predicate
  };

  builtins::Registry registry = builtins::DefaultRegistry();
  std::deque<Function> functions;  // Builtin::data points at these: a deque never moves them
  std::map<std::string, std::function<std::string(std::string_view)>, std::less<>> importers;
  std::map<std::string, std::function<std::string(const Decision&)>> renderers;
};

}  // namespace relgate
