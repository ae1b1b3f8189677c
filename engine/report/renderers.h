// Every format a decision can be rendered in, chosen by name: the command line offers
// exactly this table (`--format`), so adding a format is adding a row.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/eval/decision.h"

namespace relgate::report {

struct RenderOptions {
  bool color = false;  // text only: ANSI colour on a terminal
  // Text, GitHub and Markdown: findings shown per rule, then how many more (0: all).
  size_t max_findings = 10;
};

struct Renderer {
  const char* name;
  const char* description;
  std::string (*render)(const eval::Decision& decision, const RenderOptions& options);
};

// In the order `--help` lists them; text first (the default).
[[nodiscard]] const std::vector<Renderer>& Renderers();

// The renderer named `name`, or nullptr.
[[nodiscard]] const Renderer* FindRenderer(std::string_view name);

// The formats for CI systems (engine/report/ci_formats.cpp).
[[nodiscard]] std::string RenderJunit(const eval::Decision& decision);
[[nodiscard]] std::string RenderSarif(const eval::Decision& decision);
[[nodiscard]] std::string RenderGithub(const eval::Decision& decision, size_t max_findings = 10);
[[nodiscard]] std::string RenderMarkdown(const eval::Decision& decision, size_t max_findings = 10);

}  // namespace relgate::report
