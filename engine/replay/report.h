// The replay summary for people (text, Markdown, HTML) and for tools (JSON, schema
// relgate.replay/v1).
#pragma once

#include <string>

#include "engine/replay/replay.h"

namespace relgate::replay {

[[nodiscard]] std::string RenderText(const Summary& s);
[[nodiscard]] std::string RenderJson(const Summary& s);
// For a pull request that changes the policy: tables a reviewer can read in place.
[[nodiscard]] std::string RenderMarkdown(const Summary& s);
// One self-contained page (no network, no scripts) with weekly charts per rule.
[[nodiscard]] std::string RenderHtml(const Summary& s);

// 0: the candidate blocks nothing the baseline allowed; 1: it newly blocks (or cannot
// decide) at least one release.
[[nodiscard]] int ExitCode(const Summary& s);

}  // namespace relgate::replay
