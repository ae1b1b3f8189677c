#include "engine/report/renderers.h"

#include "engine/report/report.h"

namespace relgate::report {

const std::vector<Renderer>& Renderers() {
  static const std::vector<Renderer> table = {
      {"text", "for people: verdict, findings and why (colour on a terminal)",
       [](const eval::Decision& d, const RenderOptions& o) {
         return RenderText(d, {o.color, o.max_findings});
       }},
      {"json", "relgate.decision/v1 (docs/decision.md), for programs",
       [](const eval::Decision& d, const RenderOptions&) { return RenderJson(d); }},
      {"junit", "JUnit XML: a test case per rule (per finding for per-item rules)",
       [](const eval::Decision& d, const RenderOptions&) { return RenderJunit(d); }},
      {"sarif", "SARIF 2.1.0: results at the facts file and path, related to the rule",
       [](const eval::Decision& d, const RenderOptions&) { return RenderSarif(d); }},
      {"github", "GitHub Actions workflow commands (annotations)",
       [](const eval::Decision& d, const RenderOptions& o) {
         return RenderGithub(d, o.max_findings);
       }},
      {"markdown", "a table to paste into a review",
       [](const eval::Decision& d, const RenderOptions& o) {
         return RenderMarkdown(d, o.max_findings);
       }},
  };
  return table;
}

const Renderer* FindRenderer(std::string_view name) {
  for (const Renderer& r : Renderers()) {
    if (name == r.name)
      return &r;
  }
  return nullptr;
}

}  // namespace relgate::report
