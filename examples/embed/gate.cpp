// gate POLICY FACTS... [--now TIME]: compiles a policy, decides one release on its facts
// files, prints the verdict and each finding, and exits as `relgate eval` does (0 open,
// 1 shut, 2 undecided). Uses only <relgate/relgate.h>.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <relgate/relgate.h>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: gate POLICY FACTS... [--now RFC3339]\n";
    return 2;
  }
  std::string now = "2026-06-01T00:00:00Z";
  std::vector<relgate::FactsDocument> facts;
  for (int k = 2; k < argc; ++k) {
    const std::string arg = argv[k];
    if (arg == "--now" && k + 1 < argc) {
      now = argv[++k];
      continue;
    }
    std::ifstream in(arg, std::ios::binary);
    if (!in) {
      std::cerr << "cannot read " << arg << "\n";
      return 2;
    }
    std::ostringstream text;
    text << in.rdbuf();
    facts.push_back({arg, text.str()});
  }
  std::string diagnostics;
  const auto policy = relgate::Policy::Compile({argv[1]}, diagnostics);
  if (!policy) {
    std::cerr << diagnostics;
    return 2;
  }
  const relgate::Decision decision = policy->Decide(facts, now);
  std::cout << "relgate " << relgate::Version() << ", policy " << policy->package() << " ("
            << policy->rule_count() << " rules): " << relgate::VerdictName(decision.verdict)
            << "\n";
  for (const relgate::Finding& f : decision.findings) {
    std::cout << "  " << f.status << " " << f.rule << (f.item.empty() ? "" : " " + f.item) << ": "
              << f.message << "\n";
  }
  for (const relgate::RuleError& e : decision.errors)
    std::cout << "  error " << e.rule << " " << e.path << ": " << e.message << "\n";
  if (!decision.facts_error.empty())
    std::cout << "  facts: " << decision.facts_error << "\n";
  return decision.exit_code();
}
