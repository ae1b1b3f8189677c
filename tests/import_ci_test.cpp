// Facts from the CI job the gate runs in: `import github-actions` and `import gitlab-ci`
// read a job's environment (here a made-up one, the variables each runner sets) and the
// event payload; values an attacker chooses (a branch name, a fork's name) are copied as
// data and never run; a job that is not one is refused; and a policy decides on them
// through `--facts github-actions:`.
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/cli_util.h"
#include "tests/fixture_util.h"

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::Contains;
using testing::RunResult;

// Runs relgate with exactly `env` as its environment (`env -i`), from the source dir.
RunResult RunInJob(const std::string& env, const std::string& args) {
  return testing::RunShell(fmt::format("cd '{}' && env -i {}{} '{}' {} 2>&1", RELGATE_SOURCE_DIR,
                                       env, testing::SanitizerEnv(), RELGATE_BINARY, args));
}

const char* kGithubTagPush =
    "GITHUB_ACTIONS=true GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=acme/app "
    "GITHUB_REPOSITORY_ID=1296269 GITHUB_REPOSITORY_OWNER=acme GITHUB_REF=refs/tags/v1.2.0 "
    "GITHUB_REF_NAME=v1.2.0 GITHUB_REF_TYPE=tag GITHUB_REF_PROTECTED=true "
    "GITHUB_SHA=6dcb09b5b57875f334f61aebed695e2e4193db5e GITHUB_EVENT_NAME=push "
    "GITHUB_WORKFLOW=release "
    "GITHUB_WORKFLOW_REF=acme/app/.github/workflows/release.yml@refs/tags/v1.2.0 "
    "GITHUB_WORKFLOW_SHA=6dcb09b5b57875f334f61aebed695e2e4193db5e GITHUB_JOB=gate "
    "GITHUB_RUN_ID=7340120111 GITHUB_RUN_NUMBER=88 GITHUB_RUN_ATTEMPT=1 GITHUB_ACTOR=alice "
    "GITHUB_ACTOR_ID=583231 GITHUB_TRIGGERING_ACTOR=alice RUNNER_ENVIRONMENT=github-hosted "
    "RUNNER_OS=Linux RUNNER_ARCH=X64 'RUNNER_NAME=GitHub Actions 12'";

TEST_CASE("github-actions: a tag push on a hosted runner, as the job's environment says") {
  auto imported = RunInJob(kGithubTagPush, "import github-actions");
  CAPTURE(imported.output);
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.output == R"({
  "ci": {
    "system": "github-actions",
    "server_url": "https://github.com",
    "repository": "acme/app",
    "repository_id": "1296269",
    "repository_owner": "acme",
    "ref": "refs/tags/v1.2.0",
    "ref_name": "v1.2.0",
    "ref_type": "tag",
    "ref_protected": true,
    "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
    "event_name": "push",
    "workflow": "release",
    "workflow_ref": "acme/app/.github/workflows/release.yml@refs/tags/v1.2.0",
    "workflow_sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
    "job": "gate",
    "run_id": 7340120111,
    "run_number": 88,
    "run_attempt": 1,
    "actor": "alice",
    "actor_id": "583231",
    "triggering_actor": "alice",
    "runner": {
      "environment": "github-hosted",
      "os": "Linux",
      "arch": "X64",
      "name": "GitHub Actions 12"
    }
  },
  "builder": {
    "id": "https://github.com/actions/runner/github-hosted",
    "hosted": true,
    "ephemeral": true
  }
}
)");
  // A self-hosted runner is named so, and is neither hosted nor known to be ephemeral.
  auto self_hosted = RunInJob(
      "GITHUB_ACTIONS=true GITHUB_REPOSITORY=acme/app GITHUB_REF=refs/heads/main GITHUB_SHA=1 "
      "GITHUB_EVENT_NAME=push RUNNER_ENVIRONMENT=self-hosted",
      "import github-actions");
  CHECK(Contains(self_hosted.output,
                 "\"id\": \"https://github.com/actions/runner/self-hosted\",\n"
                 "    \"hosted\": false,\n    \"ephemeral\": false"));
  // A runner that does not say: no builder at all (a rule reading it cannot pass).
  auto silent = RunInJob(
      "GITHUB_ACTIONS=true GITHUB_REPOSITORY=acme/app GITHUB_REF=refs/heads/main GITHUB_SHA=1 "
      "GITHUB_EVENT_NAME=push",
      "import github-actions");
  CHECK(silent.exit_code == 0);
  CHECK(!Contains(silent.output, "builder"));
}

TEST_CASE("github-actions: a fork's pull request, its names copied as data, never run") {
  const fs::path dir = testing::TempDir("relgate-import-ci");
  const std::string event = (dir / "event.json").string();
  std::ofstream(event) << R"({"pull_request": {"number": 42,
    "head": {"sha": "abc123", "repo": {"full_name": "mallory/app"}},
    "base": {"repo": {"full_name": "acme/app"}}}, "sender": {"login": "mallory"}})";
  const std::string planted = (dir / "pwned").string();
  const std::string env = fmt::format(
      "GITHUB_ACTIONS=true GITHUB_REPOSITORY=acme/app GITHUB_REF=refs/pull/42/merge "
      "GITHUB_SHA=1 GITHUB_EVENT_NAME=pull_request_target GITHUB_EVENT_PATH='{}' "
      "RUNNER_ENVIRONMENT=github-hosted 'GITHUB_HEAD_REF=$(touch {})' "
      "'GITHUB_BASE_REF=${{{{ github.token }}}}'",
      event, planted);
  auto imported = RunInJob(env, "import github-actions");
  CAPTURE(imported.output);
  REQUIRE(imported.exit_code == 0);
  CHECK(Contains(imported.output, fmt::format("\"head_ref\": \"$(touch {})\"", planted)));
  CHECK(Contains(imported.output, "\"base_ref\": \"${{ github.token }}\""));
  CHECK(Contains(imported.output, R"("pull_request": {
      "number": 42,
      "head_repository": "mallory/app",
      "base_repository": "acme/app",
      "head_sha": "abc123",
      "from_fork": true
    },
    "sender": "mallory")"));
  CHECK(!fs::exists(planted));

  // A policy decides on them: releases only from tags, never from a fork's pull request.
  std::ofstream(dir / "ci.gate") << R"(package ci
import std.ci as ci_schema
facts {
  builder: { hosted: bool }
}
deny not_from_fork "a pull request from {ci.pull_request.head_repository ?? "?"}":
  not (ci.pull_request.from_fork ?? false)
deny from_tag "released from {ci.ref_type ?? "no ref"}, not a tag":
  (ci.ref_type ?? "") == "tag"
deny hosted "not built on a hosted runner": builder.hosted
)";
  auto from_pr = RunInJob(
      env, fmt::format("eval --policy '{}' --facts github-actions:", (dir / "ci.gate").string()));
  CHECK(from_pr.exit_code == 1);
  CHECK(Contains(from_pr.output, "released from no ref, not a tag"));
  CHECK(Contains(from_pr.output, "a pull request from mallory/app"));
  auto from_tag = RunInJob(kGithubTagPush, fmt::format("eval --policy '{}' --facts github-actions:",
                                                       (dir / "ci.gate").string()));
  CAPTURE(from_tag.output);
  CHECK(from_tag.exit_code == 0);
  // The payload given as the input is read instead of $GITHUB_EVENT_PATH.
  auto given = RunInJob(
      "GITHUB_ACTIONS=true GITHUB_REPOSITORY=acme/app GITHUB_REF=r GITHUB_SHA=1 "
      "GITHUB_EVENT_NAME=pull_request",
      fmt::format("import github-actions '{}'", event));
  CHECK(Contains(given.output, "\"from_fork\": true"));
  fs::remove_all(dir);
}

TEST_CASE("a job that is not one is refused, with what is missing") {
  auto outside = RunInJob("PATH=/usr/bin", "import github-actions");
  CHECK(outside.exit_code == 2);
  CHECK(Contains(outside.output, "not a GitHub Actions job: GITHUB_ACTIONS is not `true`"));
  auto partial =
      RunInJob("GITHUB_ACTIONS=true GITHUB_REPOSITORY=acme/app", "import github-actions");
  CHECK(partial.exit_code == 2);
  CHECK(Contains(partial.output, "GITHUB_SHA is not set"));
  auto bad_event = RunInJob(
      "GITHUB_ACTIONS=true GITHUB_REPOSITORY=a/b GITHUB_REF=r GITHUB_SHA=1 GITHUB_EVENT_NAME=push "
      "GITHUB_EVENT_PATH=/nonexistent/event.json",
      "import github-actions");
  CHECK(bad_event.exit_code == 2);
  CHECK(Contains(bad_event.output, "/nonexistent/event.json"));
  auto not_gitlab = RunInJob("PATH=/usr/bin", "import gitlab-ci");
  CHECK(not_gitlab.exit_code == 2);
  CHECK(Contains(not_gitlab.output, "not a GitLab CI job: GITLAB_CI is not `true`"));
}

TEST_CASE("gitlab-ci: a tag pipeline and a fork's merge request") {
  const std::string common =
      "GITLAB_CI=true CI_SERVER_URL=https://gitlab.com CI_PROJECT_PATH=acme/app "
      "CI_PROJECT_ID=278964 CI_PROJECT_NAMESPACE=acme CI_COMMIT_SHA=8f5e1c2 "
      "CI_CONFIG_PATH=.gitlab-ci.yml CI_JOB_NAME=gate CI_PIPELINE_ID=1150 CI_PIPELINE_IID=12 "
      "CI_JOB_ID=9001 GITLAB_USER_LOGIN=alice GITLAB_USER_ID=42 CI_RUNNER_ID=12270837 "
      "'CI_RUNNER_DESCRIPTION=3-blue.saas-linux-small-amd64.runners-manager.gitlab.com/default' "
      "CI_RUNNER_VERSION=17.5.0 CI_RUNNER_EXECUTABLE_ARCH=linux/amd64 ";
  auto tag = RunInJob(common +
                          "CI_PIPELINE_SOURCE=push CI_COMMIT_TAG=v1.2.0 "
                          "CI_COMMIT_REF_PROTECTED=true "
                          "'CI_RUNNER_TAGS=[\"saas-linux-small-amd64\"]'",
                      "import gitlab-ci");
  CAPTURE(tag.output);
  REQUIRE(tag.exit_code == 0);
  CHECK(tag.output == R"({
  "ci": {
    "system": "gitlab-ci",
    "server_url": "https://gitlab.com",
    "repository": "acme/app",
    "repository_id": "278964",
    "repository_owner": "acme",
    "ref": "refs/tags/v1.2.0",
    "ref_name": "v1.2.0",
    "ref_type": "tag",
    "ref_protected": true,
    "sha": "8f5e1c2",
    "event_name": "push",
    "workflow": ".gitlab-ci.yml",
    "job": "gate",
    "run_id": 1150,
    "run_number": 12,
    "job_id": 9001,
    "actor": "alice",
    "actor_id": "42",
    "runner": {
      "id": "12270837",
      "description": "3-blue.saas-linux-small-amd64.runners-manager.gitlab.com/default",
      "version": "17.5.0",
      "arch": "linux/amd64",
      "tags": [
        "saas-linux-small-amd64"
      ]
    }
  }
}
)");
  auto mr = RunInJob(common +
                         "CI_PIPELINE_SOURCE=merge_request_event CI_MERGE_REQUEST_IID=7 "
                         "CI_MERGE_REQUEST_SOURCE_PROJECT_PATH=mallory/app "
                         "CI_MERGE_REQUEST_PROJECT_PATH=acme/app "
                         "'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME=$(id)' "
                         "CI_MERGE_REQUEST_TARGET_BRANCH_NAME=main 'CI_RUNNER_TAGS=docker, linux'",
                     "import gitlab-ci");
  CAPTURE(mr.output);
  REQUIRE(mr.exit_code == 0);
  CHECK(Contains(mr.output, "\"head_ref\": \"$(id)\""));
  CHECK(Contains(mr.output, "\"tags\": [\n        \"docker\",\n        \"linux\"\n      ]"));
  CHECK(Contains(mr.output, R"("pull_request": {
      "number": 7,
      "head_repository": "mallory/app",
      "base_repository": "acme/app",
      "from_fork": true
    })"));
  CHECK(!Contains(mr.output, "\"ref\":"));  // a merge request pipeline has no branch or tag
  CHECK(RunInJob(common + "CI_PIPELINE_SOURCE=push", "import gitlab-ci file.json").exit_code == 2);
}

}  // namespace
}  // namespace relgate
