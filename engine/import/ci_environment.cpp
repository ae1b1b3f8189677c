// The CI job the gate runs in, from its environment: `github-actions` (GITHUB_* and RUNNER_*
// variables and the event payload at $GITHUB_EVENT_PATH) and `gitlab-ci` (CI_* and
// GITLAB_* variables). Every value is copied as data — a branch name or a pull request's
// head repository is text to compare, never a command, a template or a path to open.
//
//   ci: { system, server_url, repository, repository_id, repository_owner, ref, ref_name,
//         ref_type, ref_protected, sha, event_name, workflow, workflow_ref, workflow_sha,
//         job, run_id, run_number, run_attempt, actor, actor_id, triggering_actor,
//         head_ref, base_ref, runner: {environment, os, arch, name, ...},
//         pull_request?: {number, head_repository, base_repository, head_sha, from_fork} }
//   builder: { id, hosted, ephemeral }   (GitHub Actions, when the runner says which it is)
//
// A variable the job does not have is left out (a rule reading it is then a missing fact,
// and the gate stays shut), never given a default. These facts are as trustworthy as the
// runner that sets them: a self-hosted runner controls its own environment. Signed
// provenance (`slsa`) is the stronger evidence of where a build ran.
#include <cstdlib>
#include <initializer_list>

#include <fmt/format.h>

#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/reading.h"

namespace relgate::import {
namespace {

using internal::Text;

// The variable's value; nullopt when it is not set. An empty value is a value.
std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::optional<std::string>(value) : std::nullopt;
}

// Writes `key` from variable `name` when the job has it.
void FromEnv(facts::TreeBuilder& b, std::string_view key, const char* name) {
  if (auto value = Env(name))
    b.Field(key, *value);
}

// Writes `key` as an integer from `name` when it holds one (run ids and numbers).
void IntFromEnv(facts::TreeBuilder& b, std::string_view key, const char* name) {
  const auto value = Env(name);
  if (!value || value->empty() || value->size() > 18)
    return;
  int64_t n = 0;
  for (const char c : *value) {
    if (c < '0' || c > '9')
      return;
    n = n * 10 + (c - '0');
  }
  b.FieldInt(key, n);
}

void BoolFromEnv(facts::TreeBuilder& b, std::string_view key, const char* name) {
  if (auto value = Env(name))
    b.FieldBool(key, *value == "true");
}

// Whether this is a job of the CI system whose runner sets `flag` to `true`, with every
// variable of `required` set; else false with `error` saying which is not.
bool InJob(const char* flag, const char* system, std::initializer_list<const char*> required,
           facts::LoadError& error) {
  if (Env(flag).value_or("") != "true") {
    error.message = fmt::format("not a {} job: {} is not `true` (the runner sets it in every job)",
                                system, flag);
    return false;
  }
  for (const char* name : required) {
    if (!Env(name)) {
      error.message = fmt::format("{} is not set: the runner sets it in every job", name);
      return false;
    }
  }
  return true;
}

// Opens the document and its `ci` record, as both systems' facts begin.
void BeginCi(facts::TreeBuilder& b, std::string_view system) {
  b.BeginObject();
  b.Key("ci");
  b.BeginObject();
  b.Field("system", system);
}

// The pull request of a `pull_request` / `pull_request_target` event payload.
void WritePullRequest(facts::TreeBuilder& b, const facts::Node* pr) {
  if (pr == nullptr || pr->kind != facts::NodeKind::kObject)
    return;
  const std::string head_repo = Text(internal::Member(pr->Find("head"), "repo"), "full_name");
  const std::string base_repo = Text(internal::Member(pr->Find("base"), "repo"), "full_name");
  b.Key("pull_request");
  b.BeginObject();
  if (const facts::Node* number = pr->Find("number");
      number != nullptr && number->kind == facts::NodeKind::kInt)
    b.FieldInt("number", number->i);
  b.Field("head_repository", head_repo);
  b.Field("base_repository", base_repo);
  b.Field("head_sha", Text(pr->Find("head"), "sha"));
  // A fork's pull request runs the base repository's pull_request_target workflows with
  // its secrets: the shape pwn requests take.
  b.FieldBool("from_fork", head_repo.empty() || head_repo != base_repo);
  b.EndObject();
}

std::unique_ptr<facts::Document> ImportGithubActions(const Request& request,
                                                     facts::LoadError& error) {
  const std::string given = request.inputs.empty() ? "" : request.inputs.front();
  error.file = given.empty() ? "GitHub Actions environment" : given;
  if (!InJob("GITHUB_ACTIONS", "GitHub Actions",
             {"GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_REF", "GITHUB_EVENT_NAME"}, error))
    return nullptr;
  // The event payload: the file given, else the runner's $GITHUB_EVENT_PATH.
  const std::string event_path = !given.empty() ? given : Env("GITHUB_EVENT_PATH").value_or("");
  std::unique_ptr<facts::Document> event;
  if (!event_path.empty()) {
    std::string bytes;
    if (!ReadInput(event_path, bytes, error))
      return nullptr;
    event = facts::ParseJson(bytes, event_path, error);
    if (!event)
      return nullptr;
    if (event->root().kind != facts::NodeKind::kObject) {
      error.file = event_path;
      error.message = "expected the event payload GitHub writes (a JSON object)";
      return nullptr;
    }
  }
  facts::TreeBuilder b("GitHub Actions environment (github-actions)");
  BeginCi(b, "github-actions");
  FromEnv(b, "server_url", "GITHUB_SERVER_URL");
  FromEnv(b, "repository", "GITHUB_REPOSITORY");
  FromEnv(b, "repository_id", "GITHUB_REPOSITORY_ID");
  FromEnv(b, "repository_owner", "GITHUB_REPOSITORY_OWNER");
  FromEnv(b, "ref", "GITHUB_REF");
  FromEnv(b, "ref_name", "GITHUB_REF_NAME");
  FromEnv(b, "ref_type", "GITHUB_REF_TYPE");
  BoolFromEnv(b, "ref_protected", "GITHUB_REF_PROTECTED");
  FromEnv(b, "sha", "GITHUB_SHA");
  FromEnv(b, "event_name", "GITHUB_EVENT_NAME");
  FromEnv(b, "workflow", "GITHUB_WORKFLOW");
  FromEnv(b, "workflow_ref", "GITHUB_WORKFLOW_REF");
  FromEnv(b, "workflow_sha", "GITHUB_WORKFLOW_SHA");
  FromEnv(b, "job", "GITHUB_JOB");
  IntFromEnv(b, "run_id", "GITHUB_RUN_ID");
  IntFromEnv(b, "run_number", "GITHUB_RUN_NUMBER");
  IntFromEnv(b, "run_attempt", "GITHUB_RUN_ATTEMPT");
  FromEnv(b, "actor", "GITHUB_ACTOR");
  FromEnv(b, "actor_id", "GITHUB_ACTOR_ID");
  FromEnv(b, "triggering_actor", "GITHUB_TRIGGERING_ACTOR");
  FromEnv(b, "head_ref", "GITHUB_HEAD_REF");
  FromEnv(b, "base_ref", "GITHUB_BASE_REF");
  b.Key("runner");
  b.BeginObject();
  FromEnv(b, "environment", "RUNNER_ENVIRONMENT");
  FromEnv(b, "os", "RUNNER_OS");
  FromEnv(b, "arch", "RUNNER_ARCH");
  FromEnv(b, "name", "RUNNER_NAME");
  b.EndObject();
  if (event != nullptr) {
    const std::string event_name = Env("GITHUB_EVENT_NAME").value_or("");
    if (event_name == "pull_request" || event_name == "pull_request_target")
      WritePullRequest(b, event->root().Find("pull_request"));
    const std::string sender = Text(event->root().Find("sender"), "login");
    if (!sender.empty())
      b.Field("sender", sender);
  }
  b.EndObject();
  // The builder as std.baseline reads it, named as GitHub's own attestations name a runner.
  const std::string environment = Env("RUNNER_ENVIRONMENT").value_or("");
  if (environment == "github-hosted" || environment == "self-hosted") {
    b.Key("builder");
    b.BeginObject();
    b.Field("id", fmt::format("https://github.com/actions/runner/{}", environment));
    b.FieldBool("hosted", environment == "github-hosted");
    // GitHub-hosted runners are a fresh virtual machine per job; nothing in a self-hosted
    // runner's environment says it is.
    b.FieldBool("ephemeral", environment == "github-hosted");
    b.EndObject();
  }
  b.EndObject();
  return b.Finish(error);
}

std::unique_ptr<facts::Document> ImportGitlabCi(const Request& request, facts::LoadError& error) {
  error.file = "GitLab CI environment";
  if (!request.inputs.empty() && !request.inputs.front().empty()) {
    error.message = "gitlab-ci reads the job's environment only, no file";
    return nullptr;
  }
  if (!InJob("GITLAB_CI", "GitLab CI", {"CI_PROJECT_PATH", "CI_COMMIT_SHA", "CI_PIPELINE_SOURCE"},
             error))
    return nullptr;
  facts::TreeBuilder b("GitLab CI environment (gitlab-ci)");
  BeginCi(b, "gitlab-ci");
  FromEnv(b, "server_url", "CI_SERVER_URL");
  FromEnv(b, "repository", "CI_PROJECT_PATH");
  FromEnv(b, "repository_id", "CI_PROJECT_ID");
  FromEnv(b, "repository_owner", "CI_PROJECT_NAMESPACE");
  // A tag pipeline has CI_COMMIT_TAG; a branch pipeline CI_COMMIT_BRANCH; a merge request
  // pipeline neither (its source branch is head_ref).
  const auto tag = Env("CI_COMMIT_TAG");
  const auto branch = Env("CI_COMMIT_BRANCH");
  if (tag) {
    b.Field("ref", fmt::format("refs/tags/{}", *tag));
    b.Field("ref_name", *tag);
    b.Field("ref_type", "tag");
  } else if (branch) {
    b.Field("ref", fmt::format("refs/heads/{}", *branch));
    b.Field("ref_name", *branch);
    b.Field("ref_type", "branch");
  }
  BoolFromEnv(b, "ref_protected", "CI_COMMIT_REF_PROTECTED");
  FromEnv(b, "sha", "CI_COMMIT_SHA");
  FromEnv(b, "event_name", "CI_PIPELINE_SOURCE");
  FromEnv(b, "workflow", "CI_CONFIG_PATH");
  FromEnv(b, "job", "CI_JOB_NAME");
  IntFromEnv(b, "run_id", "CI_PIPELINE_ID");
  IntFromEnv(b, "run_number", "CI_PIPELINE_IID");
  IntFromEnv(b, "job_id", "CI_JOB_ID");
  FromEnv(b, "actor", "GITLAB_USER_LOGIN");
  FromEnv(b, "actor_id", "GITLAB_USER_ID");
  FromEnv(b, "head_ref", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME");
  FromEnv(b, "base_ref", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME");
  b.Key("runner");
  b.BeginObject();
  FromEnv(b, "id", "CI_RUNNER_ID");
  FromEnv(b, "description", "CI_RUNNER_DESCRIPTION");
  FromEnv(b, "version", "CI_RUNNER_VERSION");
  FromEnv(b, "arch", "CI_RUNNER_EXECUTABLE_ARCH");
  if (auto tags = Env("CI_RUNNER_TAGS")) {
    // A JSON list (`["saas-linux-small-amd64"]`) in current GitLab, comma-separated before.
    b.Key("tags");
    b.BeginArray();
    facts::LoadError ignored;
    auto list = facts::ParseJson(*tags, "CI_RUNNER_TAGS", ignored);
    if (list != nullptr && list->root().kind == facts::NodeKind::kArray) {
      for (uint32_t k = 0; k < list->root().len; ++k) {
        if (list->root().items[k].kind == facts::NodeKind::kString)
          b.String(list->root().items[k].str());
      }
    } else {
      size_t start = 0;
      while (start < tags->size()) {
        size_t end = std::min(tags->find(',', start), tags->size());
        std::string_view tag_text = std::string_view(*tags).substr(start, end - start);
        while (!tag_text.empty() && tag_text.front() == ' ')
          tag_text.remove_prefix(1);
        while (!tag_text.empty() && tag_text.back() == ' ')
          tag_text.remove_suffix(1);
        if (!tag_text.empty())
          b.String(tag_text);
        start = end + 1;
      }
    }
    b.EndArray();
  }
  b.EndObject();
  if (Env("CI_MERGE_REQUEST_IID")) {
    const std::string source = Env("CI_MERGE_REQUEST_SOURCE_PROJECT_PATH").value_or("");
    const std::string target = Env("CI_MERGE_REQUEST_PROJECT_PATH").value_or("");
    b.Key("pull_request");
    b.BeginObject();
    IntFromEnv(b, "number", "CI_MERGE_REQUEST_IID");
    b.Field("head_repository", source);
    b.Field("base_repository", target);
    FromEnv(b, "head_sha", "CI_MERGE_REQUEST_SOURCE_BRANCH_SHA");
    b.FieldBool("from_fork", source.empty() || source != target);
    b.EndObject();
  }
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace

std::unique_ptr<facts::Document> ImportGithubActionsRequest(const Request& request,
                                                            facts::LoadError& error) {
  return ImportGithubActions(request, error);
}

std::unique_ptr<facts::Document> ImportGitlabCiRequest(const Request& request,
                                                       facts::LoadError& error) {
  return ImportGitlabCi(request, error);
}

}  // namespace relgate::import
