// A facts document as JSON, indented two spaces, keys in document order: what `relgate
// import` writes (and `relgate eval --facts` reads back unchanged).
#pragma once

#include <string>

#include "engine/facts/facts.h"

namespace relgate::import {

[[nodiscard]] std::string FactsJson(const facts::Document& document);

}  // namespace relgate::import
