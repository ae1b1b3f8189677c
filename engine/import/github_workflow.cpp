// GitHub Actions workflow files (`.github/workflows/*.yml`), as what a release gate asks of
// them:
//
//   workflow: { name?, triggers: [string], pull_request_target, workflow_run,
//               permissions: string ("write-all" when absent: GitHub's default for a
//               repository that has not restricted it, "read-all", "none" or "custom"),
//               writes: [string] (the scopes granted `write`, top level; "*": all),
//               jobs: [{ id, runs_on: [string], self_hosted,
//                        runners: [{ labels: [string], self_hosted }],
//                        permissions, permissions_source, writes,
//                        uses: [{ action, ref, pinned, local }], secrets: [string],
//                        restores_cache, checks_out_pr_head }],
//               uses: [{ job, action, ref, pinned, local }] }   (every job's, flattened)
//
// `runners`: each label set the job may run on, `${{ matrix.KEY }}` expanded over a
// literal matrix; `runs_on` their union, `self_hosted` whether any may be self-hosted.
// A job without `permissions:` has the workflow's: `permissions_source` says where the
// job's come from ("job", "workflow", or "default" when neither sets them).
// `pinned`: the ref is a full 40-hex commit SHA (not a tag or branch that can move); a
// `docker://` image only with `@sha256:`; a local (`./...`) action or reusable workflow is
// the workflow's own commit (`local`, pinned).
// `checks_out_pr_head`: a step that checks out or fetches the code of a pull request or of
// the run that triggered the workflow: `actions/checkout` whose `ref` or `repository` names
// `github.event.pull_request.head.*` or `.merge_commit_sha`, `github.head_ref`, `refs/pull/`,
// `github.event.workflow_run.head_*` or the issue's pull request; or a `run:` with
// `gh pr checkout`, or `git fetch`/`checkout`/`pull` of `pull/N/...` or those expressions.
// With a trigger that holds the repository's secrets (pull_request_target, workflow_run,
// issue_comment), the "pwn request" pattern. `restores_cache`: a step of actions/cache or a
// setup action with `cache:` set.
#include <regex>
#include <set>

#include <fmt/format.h>

#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/reading.h"
#include "engine/import/internal/source_lines.h"
#include "engine/import/internal/workflow_runners.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Scalar;

struct Use {
  std::string action, ref;
  bool pinned;
  bool local = false;
};

Use ParseUses(const std::string& uses) {
  static const std::regex sha("[0-9a-f]{40}");
  const size_t at = uses.rfind('@');
  Use u{at == std::string::npos ? uses : uses.substr(0, at),
        at == std::string::npos ? "" : uses.substr(at + 1), false};
  if (uses.rfind("./", 0) == 0) {
    u.local = u.pinned = true;  // the repository's own file, at the commit being run
    u.action = uses;
    u.ref = "";
  } else if (uses.rfind("docker://", 0) == 0) {
    u.pinned = uses.find("@sha256:") != std::string::npos;
    // An image by tag: the tag is its ref (`docker://IMAGE:TAG`, the registry may have a
    // port, so only a colon after the last slash).
    if (const size_t colon = uses.rfind(':'); at == std::string::npos && colon > uses.rfind('/'))
      u = Use{uses.substr(0, colon), uses.substr(colon + 1), false};
  } else {
    u.pinned = std::regex_match(u.ref, sha);
  }
  return u;
}

// `permissions:` as one word and the scopes it grants `write`.
std::string Permissions(const Node* node, std::vector<std::string>& writes) {
  if (node == nullptr) {
    writes.push_back("*");
    return "write-all";  // not restricted in the file
  }
  if (node->kind == NodeKind::kString) {
    const std::string p(node->str());
    if (p == "write-all")
      writes.push_back("*");
    return p;
  }
  if (node->kind == NodeKind::kObject) {
    for (uint32_t k = 0; k < node->len; ++k) {
      if (Scalar(&node->members[k].value) == "write")
        writes.push_back(std::string(node->members[k].name()));
    }
    return node->len == 0 ? "none" : "custom";
  }
  return "custom";
}

void Strings(facts::TreeBuilder& b, const char* key, const std::vector<std::string>& values) {
  b.Key(key);
  b.BeginArray();
  for (const std::string& v : values)
    b.String(v);
  b.EndArray();
}

// Every `secrets.NAME` mentioned in the text of a node.
void Secrets(const Node& node, std::set<std::string>& out) {
  static const std::regex secret(R"(secrets\.([A-Za-z_][A-Za-z0-9_]*))");
  if (node.kind == NodeKind::kString) {
    const std::string text(node.str());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), secret);
         it != std::sregex_iterator(); ++it)
      out.insert((*it)[1]);
  } else if (node.kind == NodeKind::kArray) {
    for (uint32_t k = 0; k < node.len; ++k)
      Secrets(node.items[k], out);
  } else if (node.kind == NodeKind::kObject) {
    for (uint32_t k = 0; k < node.len; ++k)
      Secrets(node.members[k].value, out);
  }
}

// An expression or ref naming code from a pull request or from the triggering run.
bool NamesPullRequestCode(const std::string& text) {
  static const std::regex pr_code(
      R"(github\.event\.pull_request\.(head\.|merge_commit_sha)|github\.head_ref|refs/pull/|)"
      R"(github\.event\.workflow_run\.(head_|pull_requests)|github\.event\.issue\.number|)"
      R"(github\.event\.issue\.pull_request)");
  return std::regex_search(text, pr_code);
}

// A shell step that checks out or fetches a pull request's code.
bool RunChecksOutPullRequest(const std::string& script) {
  static const std::regex gh_checkout(R"(\bgh\s+pr\s+checkout\b)");
  static const std::regex git_fetch(
      R"(\bgit\s+(fetch|checkout|pull|switch)\b[^\n;&|]*(\bpull/|refs/pull/|\$\{\{[^}]*(pull_request\.head|merge_commit_sha|head_ref|workflow_run\.head|issue\.number)))");
  return std::regex_search(script, gh_checkout) || std::regex_search(script, git_fetch);
}

bool ChecksOutPullRequest(const Use& use, const facts::Node& step) {
  if (const Node* run = step.Find("run"))
    return RunChecksOutPullRequest(Scalar(run));
  const Node* with = step.Find("with");
  return use.action == "actions/checkout" && with != nullptr &&
         (NamesPullRequestCode(Scalar(with->Find("ref"))) ||
          NamesPullRequestCode(Scalar(with->Find("repository"))));
}

void WriteUse(facts::TreeBuilder& b, const Use& u) {
  b.Field("action", u.action);
  b.Field("ref", u.ref);
  b.FieldBool("pinned", u.pinned);
  b.FieldBool("local", u.local);
}

}  // namespace

std::unique_ptr<facts::Document> ImportGithubWorkflow(std::string_view bytes,
                                                      const std::string& path,
                                                      facts::LoadError& error) {
  auto doc = facts::ParseYaml(bytes, path, error);
  if (!doc)
    return nullptr;
  const Node& root = doc->root();
  const Node* jobs = root.Find("jobs");
  const Node* on = root.Find("on");
  if (jobs == nullptr || jobs->kind != NodeKind::kObject || on == nullptr) {
    error.message = "expected a GitHub Actions workflow: `on:` and `jobs:` (a mapping of jobs)";
    return nullptr;
  }
  std::vector<std::string> triggers;
  if (on->kind == NodeKind::kString) {
    triggers.push_back(std::string(on->str()));
  } else if (on->kind == NodeKind::kArray) {
    for (uint32_t k = 0; k < on->len; ++k)
      triggers.push_back(Scalar(&on->items[k]));
  } else if (on->kind == NodeKind::kObject) {
    for (uint32_t k = 0; k < on->len; ++k)
      triggers.push_back(std::string(on->members[k].name()));
  }
  auto has = [&](const char* t) {
    return std::find(triggers.begin(), triggers.end(), t) != triggers.end();
  };
  facts::TreeBuilder b(fmt::format("{} (github-workflow)", path), doc->sha256());
  b.BeginObject();
  b.Key("workflow");
  b.BeginObject();
  if (std::string name = Scalar(root.Find("name")); !name.empty())
    b.Field("name", name);
  Strings(b, "triggers", triggers);
  b.FieldBool("pull_request_target", has("pull_request_target"));
  b.FieldBool("workflow_run", has("workflow_run"));
  std::vector<std::string> writes;
  const std::string permissions = Permissions(root.Find("permissions"), writes);
  b.Field("permissions", permissions);
  Strings(b, "writes", writes);
  std::vector<std::pair<std::string, Use>> all_uses;
  // Where each job and each `uses:` is in the file, for findings to point at: the jobs'
  // keys in order from `jobs:`, then each job's `uses:` lines within the job's own lines.
  std::vector<uint32_t> job_line(jobs->len, 0);
  std::vector<size_t> job_offset(jobs->len, bytes.size());
  {
    internal::SourceLines lines(bytes);
    lines.NextYamlKey("jobs");
    for (uint32_t j = 0; j < jobs->len; ++j) {
      job_line[j] = lines.NextYamlKey(jobs->members[j].name());
      if (job_line[j] > 0)
        job_offset[j] = lines.last_line_offset();
    }
  }
  std::vector<std::pair<std::string, uint32_t>> item_lines;
  b.Key("jobs");
  b.BeginArray();
  for (uint32_t j = 0; j < jobs->len; ++j) {
    const std::string id(jobs->members[j].name());
    const Node& job = jobs->members[j].value;
    if (job.kind != NodeKind::kObject) {
      error.path = fmt::format("jobs.{}", id);
      error.message = "expected a job (a mapping)";
      return nullptr;
    }
    b.BeginObject();
    b.Field("id", id);
    const std::vector<internal::RunnerSet> runners = internal::JobRunners(job);
    std::vector<std::string> runs_on;
    bool self_hosted = false;
    for (const internal::RunnerSet& r : runners) {
      self_hosted = self_hosted || r.self_hosted;
      for (const std::string& l : r.labels) {
        if (std::find(runs_on.begin(), runs_on.end(), l) == runs_on.end())
          runs_on.push_back(l);
      }
    }
    Strings(b, "runs_on", runs_on);
    b.FieldBool("self_hosted", self_hosted);
    b.Key("runners");
    b.BeginArray();
    for (const internal::RunnerSet& r : runners) {
      b.BeginObject();
      Strings(b, "labels", r.labels);
      b.FieldBool("self_hosted", r.self_hosted);
      b.EndObject();
    }
    b.EndArray();
    std::vector<std::string> job_writes;
    const bool inherited = job.Find("permissions") == nullptr;
    if (inherited)
      job_writes = writes;
    b.Field("permissions",
            inherited ? permissions : Permissions(job.Find("permissions"), job_writes));
    b.Field("permissions_source", !inherited                            ? "job"
                                  : root.Find("permissions") != nullptr ? "workflow"
                                                                        : "default");
    Strings(b, "writes", job_writes);
    std::vector<Use> uses;
    std::vector<std::string> written;  // each use as the file writes it
    bool cache = false, pr_checkout = false;
    if (const Node* reusable = job.Find("uses")) {
      uses.push_back(ParseUses(Scalar(reusable)));
      written.push_back(Scalar(reusable));
    }
    if (const Node* steps = job.Find("steps");
        steps != nullptr && steps->kind == NodeKind::kArray) {
      for (uint32_t s = 0; s < steps->len; ++s) {
        const Node& step = steps->items[s];
        const std::string u = Scalar(step.Find("uses"));
        if (u.empty()) {
          pr_checkout = pr_checkout || ChecksOutPullRequest(Use{}, step);
          continue;
        }
        const Use use = ParseUses(u);
        uses.push_back(use);
        written.push_back(u);
        const Node* with = step.Find("with");
        if (use.action == "actions/cache" || use.action == "actions/cache/restore" ||
            (with != nullptr && !Scalar(with->Find("cache")).empty()))
          cache = true;
        pr_checkout = pr_checkout || ChecksOutPullRequest(use, step);
      }
    }
    b.Key("uses");
    b.BeginArray();
    if (job_line[j] > 0)
      item_lines.push_back({fmt::format("workflow.jobs[{}]", j), job_line[j]});
    size_t end = bytes.size();
    for (uint32_t next = j + 1; next < jobs->len && end == bytes.size(); ++next)
      end = job_offset[next];
    internal::SourceLines job_text(
        bytes.substr(std::min(job_offset[j], end), end - std::min(job_offset[j], end)));
    for (size_t k = 0; k < uses.size(); ++k) {
      b.BeginObject();
      WriteUse(b, uses[k]);
      b.EndObject();
      const uint32_t at = job_line[j] > 0 ? job_text.NextKeyWithValue("uses", written[k]) : 0;
      if (at > 0) {
        item_lines.push_back(
            {fmt::format("workflow.jobs[{}].uses[{}]", j, k), job_line[j] + at - 1});
        item_lines.push_back(
            {fmt::format("workflow.uses[{}]", all_uses.size()), job_line[j] + at - 1});
      }
      all_uses.push_back({id, uses[k]});
    }
    b.EndArray();
    std::set<std::string> secrets;
    Secrets(job, secrets);
    Strings(b, "secrets", std::vector<std::string>(secrets.begin(), secrets.end()));
    b.FieldBool("restores_cache", cache);
    b.FieldBool("checks_out_pr_head", pr_checkout);
    b.EndObject();
  }
  b.EndArray();
  b.Key("uses");
  b.BeginArray();
  for (const auto& [job, u] : all_uses) {
    b.BeginObject();
    b.Field("job", job);
    WriteUse(b, u);
    b.EndObject();
  }
  b.EndArray();
  b.EndObject();
  b.EndObject();
  auto out = b.Finish(error);
  if (!out)
    return nullptr;
  for (auto& [item, line] : item_lines)
    out->set_line(std::move(item), line);
  return out;
}

}  // namespace relgate::import
