// Simulated CI runners for the tests of action.yml, the GitLab template and the CI
// examples: a GitHub runner that runs a composite action's steps (RunAction), a GitLab
// runner that runs a job's script (RunGitlabScript), and a release tarball laid out as
// `make package` lays it out, with a signed bundle of the shipped policy (Release).
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/base/digest.h"
#include "engine/facts/facts.h"
#include "tests/cli_util.h"
#include "tests/fixture_util.h"
#include "tests/test_util.h"

namespace relgate::ci {

namespace fs = std::filesystem;
using testing::RunShell;

inline std::string Quoted(const std::string& value) {
  std::string out = "'";
  for (const char c : value)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string Text(const facts::Node* node, std::string_view key) {
  const facts::Node* value = node != nullptr ? node->Find(key) : nullptr;
  return value != nullptr && value->kind == facts::NodeKind::kString ? std::string(value->str())
                                                                     : "";
}

struct Runner {
  fs::path dir = testing::TempDir("relgate-action");
  fs::path temp = dir / "runner-temp";
  fs::path output = dir / "github-output";
  fs::path path_file = dir / "github-path";
  fs::path summary = dir / "step-summary";

  Runner() {
    fs::create_directories(temp);
    for (const fs::path& file : {output, path_file, summary})
      std::ofstream(file.string()).close();
  }

  ~Runner() { fs::remove_all(dir); }

  std::string Read(const fs::path& file) const { return testing::ReadFile(file.string()); }
};

struct ActionRun {
  int exit_code = 0;
  std::string output;
  std::string failed_step;
};

// Runs action.yml's steps in order in `workspace` ($GITHUB_WORKSPACE; default the source
// directory), stopping at a failing one. `job_env`: more of the job's variables
// (`NAME='value' ...`), as the runner sets them.
inline ActionRun RunAction(const Runner& runner, const std::map<std::string, std::string>& inputs,
                           const std::string& workspace = RELGATE_SOURCE_DIR,
                           const std::string& job_env = "") {
  const std::string source = RELGATE_SOURCE_DIR;
  facts::LoadError error;
  auto action = facts::ParseYaml(testing::ReadFile(source + "/action.yml"), "action.yml", error);
  REQUIRE_MESSAGE(action, error.ToString());
  const facts::Node* declared = action->root().Find("inputs");
  const facts::Node* steps = action->root().Find("runs")->Find("steps");
  REQUIRE(steps != nullptr);
  const std::regex input_ref(R"(\$\{\{\s*inputs\.([a-z0-9-]+)\s*\}\})");
  ActionRun result;
  for (uint32_t k = 0; k < steps->len; ++k) {
    const facts::Node& step = steps->items[k];
    CHECK(Text(&step, "shell") == "bash");
    std::string env = fmt::format(
        "PATH=/usr/local/bin:/usr/bin:/bin HOME={} GITHUB_ACTIONS=true GITHUB_ACTION_PATH={} "
        "RUNNER_TEMP={} GITHUB_OUTPUT={} GITHUB_PATH={} GITHUB_STEP_SUMMARY={}",
        Quoted(runner.dir.string()), Quoted(source), Quoted(runner.temp.string()),
        Quoted(runner.output.string()), Quoted(runner.path_file.string()),
        Quoted(runner.summary.string()));
    env += testing::SanitizerEnv();
    if (!job_env.empty())
      env += " " + job_env;
    const facts::Node* step_env = step.Find("env");
    for (uint32_t m = 0; step_env != nullptr && m < step_env->len; ++m) {
      const std::string raw(step_env->members[m].value.str());
      std::smatch match;
      std::string value = raw;
      if (std::regex_search(raw, match, input_ref)) {
        const std::string name = match[1];
        const facts::Node* input = declared->Find(name);
        REQUIRE_MESSAGE(input != nullptr, "action.yml uses an undeclared input " << name);
        auto given = inputs.find(name);
        value = given != inputs.end() ? given->second : Text(input, "default");
      }
      env += fmt::format(" {}={}", step_env->members[m].name(), Quoted(value));
    }
    const auto run =
        RunShell(fmt::format("cd {} && env -i {} bash --noprofile --norc -eo pipefail "
                             "-c {} 2>&1",
                             Quoted(workspace), env, Quoted(Text(&step, "run"))));
    result.output += run.output;
    result.exit_code = run.exit_code;
    if (run.exit_code != 0) {
      result.failed_step = Text(&step, "name");
      break;
    }
  }
  return result;
}

// A release tarball laid out as `make package` lays it out, holding the binary under test.
struct Release {
  fs::path dir = testing::TempDir("relgate-action-release");
  std::string tarball = (dir / "relgate-0.1.0-linux-x86_64.tar.gz").string();
  std::string sha256;
  std::string bundle = (dir / "org.bundle").string();
  std::string key = (dir / "org.pub").string();
  std::string sign_key = (dir / "org.pem").string();

  // `policy`: the policy directory the bundle is built from, relative to the source.
  explicit Release(const std::string& policy = "policies") {
    const fs::path root = dir / "stage" / "relgate-0.1.0-linux-x86_64" / "bin";
    fs::create_directories(root);
    fs::copy_file(RELGATE_BINARY, root / "relgate");
    REQUIRE(RunShell(fmt::format("tar -czf {} -C {} relgate-0.1.0-linux-x86_64", Quoted(tarball),
                                 Quoted((dir / "stage").string())))
                .exit_code == 0);
    sha256 = Sha256Hex(testing::ReadFile(tarball));
    REQUIRE(RunShell(fmt::format("openssl genpkey -algorithm ed25519 -out {0} && openssl pkey -in "
                                 "{0} -pubout -out {1}",
                                 Quoted(sign_key), Quoted(key)))
                .exit_code == 0);
    REQUIRE(testing::RunRelgate(fmt::format("bundle build {} -o {} --sign-key {} "
                                            "--revision action-test",
                                            Quoted(policy), Quoted(bundle), Quoted(sign_key)))
                .exit_code == 0);
  }

  ~Release() { fs::remove_all(dir); }

  std::map<std::string, std::string> Inputs(const std::string& facts) const {
    return {{"tarball-url", "file://" + tarball},
            {"tarball-sha256", sha256},
            {"policy", bundle},
            {"bundle-key", key},
            {"facts", facts}};
  }
};

// Runs GitLab job script entries (a job's `before_script`, then its `script`) as a runner
// does (one bash session, errexit) in `project` as $CI_PROJECT_DIR, with the CI_*
// variables every job has and `variables`.
inline testing::RunResult RunGitlabScript(const std::vector<const facts::Node*>& scripts,
                                          const fs::path& project, const fs::path& home,
                                          const std::map<std::string, std::string>& variables) {
  std::string all;
  for (const facts::Node* script : scripts) {
    for (uint32_t k = 0; script != nullptr && k < script->len; ++k)
      all += fmt::format("{}\n", script->items[k].str());
  }
  std::string env = fmt::format(
      "PATH=/usr/local/bin:/usr/bin:/bin HOME={} GITLAB_CI=true CI=true CI_PROJECT_DIR={} "
      "CI_SERVER_URL=https://gitlab.example CI_PROJECT_PATH=acme/app CI_PROJECT_ID=1 "
      "CI_PROJECT_NAMESPACE=acme CI_COMMIT_SHA=8f5e1c2 CI_PIPELINE_SOURCE=push "
      "CI_COMMIT_TAG=v1.2.0 CI_JOB_NAME=release-gate CI_PIPELINE_ID=1 CI_JOB_ID=2 "
      "CI_CONFIG_PATH=.gitlab-ci.yml",
      Quoted(home.string()), Quoted(project.string()));
  env += testing::SanitizerEnv();
  for (const auto& [name, value] : variables)
    env += fmt::format(" {}={}", name, Quoted(value));
  return RunShell(fmt::format("cd {} && env -i {} bash --noprofile --norc -e -c {} 2>&1",
                              Quoted(project.string()), env, Quoted(all)));
}

}  // namespace relgate::ci
