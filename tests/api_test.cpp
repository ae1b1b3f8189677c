// The embeddable library's public header alone (include/relgate/relgate.h): compile,
// decide, fail closed, and functions an organisation adds through an Environment.
#include <stdexcept>
#include <thread>

#include <doctest/doctest.h>

#include "include/relgate/relgate.h"

namespace {

const char* kPolicy = R"(package acme.api
facts {
  release: { author: string, branch: string }
  dependencies: [{ name: string, license: string }]
}
deny main_branch "released from {release.branch}": release.branch == "main"
deny allowed_license for d in dependencies "{d.name} is {d.license}":
  license_allowed(d.license)
deny owned "{release.author} owns nothing": owner_of(release.author) != ""
)";

const char* kFacts = R"({"release": {"author": "alice", "branch": "main"},
  "dependencies": [{"name": "left-pad", "license": "MIT"}, {"name": "x", "license": "SSPL"}]})";

std::unique_ptr<relgate::Environment> OrgEnvironment() {
  auto env = std::make_unique<relgate::Environment>();
  std::string error;
  REQUIRE(env->AddPredicate(
      "license_allowed", 1,
      [](const relgate::Environment::Args& a) { return a[0] == "MIT" || a[0] == "Apache-2.0"; },
      "is the licence on the organisation's allowlist", error));
  REQUIRE(env->AddStringFunction(
      "owner_of", 1,
      [](const relgate::Environment::Args& a) -> std::string {
        if (a[0] == "mallory")
          throw std::runtime_error("the directory is unreachable");
        return a[0] == "alice" ? "team-web" : "";
      },
      "the team that owns a person's releases", error));
  return env;
}

TEST_CASE(
    "an organisation's functions decide with the policy, and a failing one keeps the gate shut") {
  auto env = OrgEnvironment();
  std::string diagnostics;
  auto policy = relgate::Policy::CompileText("api.gate", kPolicy, diagnostics, env.get());
  INFO(diagnostics);
  REQUIRE(policy != nullptr);
  env.reset();  // the policy keeps the functions alive
  CHECK(policy->package() == "acme.api");
  CHECK(policy->rule_count() == 3);
  relgate::Decision d = policy->Decide({{"release.json", kFacts}}, "2026-06-01T00:00:00Z");
  CHECK(d.verdict == relgate::Verdict::kShut);
  CHECK(d.exit_code() == 1);
  REQUIRE(d.findings.size() == 1);
  CHECK(d.findings[0].rule == "allowed_license");
  CHECK(d.findings[0].item == "dependencies[1]");
  CHECK(d.findings[0].message == "x is SSPL");
  CHECK(d.errors.empty());
  // An exception from the organisation's function: that rule is undecided, the gate shut.
  std::string mallory = kFacts;
  mallory.replace(mallory.find("alice"), 5, "mallory");
  d = policy->Decide({{"release.json", mallory}}, "2026-06-01T00:00:00Z");
  CHECK(d.verdict == relgate::Verdict::kUndecided);
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0].rule == "owned");
  CHECK(d.errors[0].message == "owner_of() failed: the directory is unreachable");
  // Decisions on several threads at once share the policy.
  std::vector<std::thread> threads;
  std::vector<relgate::Verdict> verdicts(4);
  for (size_t t = 0; t < verdicts.size(); ++t)
    threads.emplace_back([&, t] {
      verdicts[t] = policy->Decide({{"release.json", kFacts}}, "2026-06-01T00:00:00Z").verdict;
    });
  for (std::thread& t : threads)
    t.join();
  for (relgate::Verdict v : verdicts)
    CHECK(v == relgate::Verdict::kShut);
}

TEST_CASE("without the environment the functions are unknown, and names are checked") {
  std::string diagnostics;
  CHECK(relgate::Policy::CompileText("api.gate", kPolicy, diagnostics) == nullptr);
  CHECK(diagnostics.find("unknown function `license_allowed`") != std::string::npos);
  relgate::Environment env;
  std::string error;
  CHECK_FALSE(env.AddPredicate(
      "starts_with", 2, [](const auto&) { return true; }, "", error));
  CHECK(error == "a function `starts_with` already exists");
  CHECK_FALSE(env.AddPredicate(
      "Org.check", 1, [](const auto&) { return true; }, "", error));
  CHECK(error == "`Org.check` is not a function name (lower-case letters, digits, _)");
}

TEST_CASE("an organisation's importer and report format, added without changing relgate") {
  auto env = OrgEnvironment();
  std::string error;
  // `acme-owners`: one `name=license` a line, to the dependencies the policy reads.
  REQUIRE(env->AddImporter(
      "acme-owners",
      [](std::string_view text) -> std::string {
        if (text.find('=') == std::string_view::npos)
          throw std::runtime_error("no `name=license` line");
        std::string json = "{\"dependencies\": [";
        size_t start = 0;
        bool first = true;
        while (start < text.size()) {
          size_t end = text.find('\n', start);
          if (end == std::string_view::npos)
            end = text.size();
          const std::string_view line = text.substr(start, end - start);
          const size_t eq = line.find('=');
          if (eq != std::string_view::npos) {
            json += std::string(first ? "" : ", ") + "{\"name\": \"" +
                    std::string(line.substr(0, eq)) + "\", \"license\": \"" +
                    std::string(line.substr(eq + 1)) + "\"}";
            first = false;
          }
          start = end + 1;
        }
        return json + "]}";
      },
      error));
  CHECK_FALSE(env->AddImporter(
      "acme-owners", [](std::string_view) { return ""; }, error));
  CHECK(error == "an importer `acme-owners` already exists");
  CHECK_FALSE(env->AddImporter(
      "Acme_Owners", [](std::string_view) { return ""; }, error));
  CHECK(error == "`Acme_Owners` is not an importer kind (lower-case letters, digits, -)");
  REQUIRE(env->AddRenderer(
      "one-line",
      [](const relgate::Decision& d) {
        return std::string(relgate::VerdictName(d.verdict)) + " " +
               std::to_string(d.findings.size()) + "\n";
      },
      error));
  CHECK_FALSE(env->AddRenderer(
      "text", [](const relgate::Decision&) { return ""; }, error));
  CHECK(error == "a report format `text` already exists");
  CHECK(env->ImporterKinds() == std::vector<std::string>{"acme-owners"});
  CHECK(env->RenderFormats() == std::vector<std::string>{"one-line", "text"});

  std::string diagnostics;
  auto policy = relgate::Policy::CompileText("api.gate", kPolicy, diagnostics, env.get());
  REQUIRE(policy != nullptr);
  const std::string release = R"({"release": {"author": "alice", "branch": "main"}})";
  relgate::Decision d = policy->Decide(
      {{"release.json", release}, {"acme-owners:deps.txt", "left-pad=MIT\nx=SSPL\n"}},
      "2026-06-01T00:00:00Z");
  CHECK(d.verdict == relgate::Verdict::kShut);
  REQUIRE(d.findings.size() == 1);
  CHECK(d.findings[0].message == "x is SSPL");
  std::string out;
  REQUIRE(env->Render("one-line", d, out, error));
  CHECK(out == "shut 1\n");
  REQUIRE(env->Render("text", d, out, error));
  CHECK(out == d.text);
  CHECK_FALSE(env->Render("sarif", d, out, error));
  CHECK(error == "no report format `sarif` (formats: one-line, text)");

  // An importer that fails, a kind the environment lacks, and what an importer writes
  // that is not a facts document: undecided, each with its reason.
  d = policy->Decide({{"release.json", release}, {"acme-owners:deps.txt", "nothing"}},
                     "2026-06-01T00:00:00Z");
  CHECK(d.verdict == relgate::Verdict::kUndecided);
  CHECK(d.facts_error == "importer `acme-owners` failed on `deps.txt`: no `name=license` line");
  d = policy->Decide({{"release.json", release}, {"acme-sbom:bom.xml", "<bom/>"}},
                     "2026-06-01T00:00:00Z");
  CHECK(d.verdict == relgate::Verdict::kUndecided);
  CHECK(d.facts_error.find("facts document `acme-sbom:bom.xml`: no importer `acme-sbom`") == 0);
  d = policy->Decide({{"release.json", release}, {"acme-owners:deps.txt", "a=\"b"}},
                     "2026-06-01T00:00:00Z");
  CHECK(d.verdict == relgate::Verdict::kUndecided);
  CHECK(d.facts_error.find("deps.txt:1:") == 0);
}

TEST_CASE("facts that cannot be read and a bad time are undecided, never open") {
  std::string diagnostics;
  auto env = OrgEnvironment();
  auto policy = relgate::Policy::CompileText("api.gate", kPolicy, diagnostics, env.get());
  REQUIRE(policy != nullptr);
  relgate::Decision d =
      policy->Decide({{"release.json", "{\"release\": "}}, "2026-06-01T00:00:00Z");
  CHECK(d.verdict == relgate::Verdict::kUndecided);
  CHECK(d.facts_error.find("release.json:1:") == 0);
  d = policy->Decide({{"release.json", kFacts}}, "yesterday");
  CHECK(d.verdict == relgate::Verdict::kUndecided);
  CHECK(d.facts_error == "`yesterday` is not an RFC 3339 time");
  CHECK(std::string(relgate::VerdictName(d.verdict)) == "undecided");
  CHECK(std::string(relgate::Version()).size() > 0);
}

}  // namespace
