// Reports: a Decision rendered for people (text) or programs (JSON, the stable schema in
// docs/decision.md that history, replay and the CI formats build on). Rendering is pure
// and deterministic: the same decision gives the same bytes.
#pragma once

#include <string>

#include "engine/eval/decision.h"

namespace relgate::report {

struct TextOptions {
  bool color = false;        // ANSI colour; the CLI enables it only on a terminal without NO_COLOR
  size_t max_findings = 10;  // per rule, then how many more; 0: every finding
};

[[nodiscard]] std::string RenderText(const eval::Decision& decision, const TextOptions& options);
[[nodiscard]] std::string RenderJson(const eval::Decision& decision);

// XML 1.0 text or attribute value: Printable() escapes every control character XML cannot
// carry (line breaks included: they are shown, not obeyed), then & < > " ' as entities.
[[nodiscard]] std::string XmlEscape(const std::string& text);

}  // namespace relgate::report
