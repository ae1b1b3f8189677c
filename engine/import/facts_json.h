// A facts document as JSON, indented two spaces, keys in document order: what `relgate
// import` writes (and `relgate eval --facts` reads back unchanged).
#pragma once

#include <string>

#include "engine/facts/facts.h"

namespace relgate::import {

[[nodiscard]] std::string FactsJson(const facts::Document& document);
// One value of a facts tree as JSON, laid out the same way (no final newline).
[[nodiscard]] std::string NodeJson(const facts::Node& node);

}  // namespace relgate::import
