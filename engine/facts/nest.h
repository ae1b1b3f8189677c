// One facts set seen as a single fact of another: the previous release's facts become
// `previous.<fact>` of this one (eval --previous), copied into a document of their own.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine/facts/facts.h"

namespace relgate::facts {

// `{key: {every top-level fact of set}}`, named `name`; `skip` leaves out one top-level
// fact (the previous release's own `previous`: chains are not nested). Null with `error`
// when a limit is breached.
[[nodiscard]] std::unique_ptr<Document> NestUnder(const FactSet& set, std::string_view key,
                                                  std::string_view skip, const std::string& name,
                                                  LoadError& error);

}  // namespace relgate::facts
