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

// 1: the candidate newly blocks (or cannot decide) at least one release the baseline
// allowed; else 2 when no release was decided by both policies (an empty selection, every
// release unreadable, or undecided on both sides: a replay that compared nothing is no
// evidence that a change is safe); else 0.
[[nodiscard]] int ExitCode(const Summary& s);

// The verdict in one sentence, the same in every format: "the candidate blocks nothing the
// baseline allowed (240 of 300 releases compared)".
[[nodiscard]] std::string Headline(const Summary& s);

// "300 releases replayed, 240 compared, 60 undecided by both (not compared), 2 unreadable".
[[nodiscard]] std::string Counts(const Summary& s);

}  // namespace relgate::replay
