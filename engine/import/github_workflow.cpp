// GitHub Actions workflow files (`.github/workflows/*.yml`), as what a release gate asks of
// them:
//
//   workflow: { name?, triggers: [string], pull_request_target, workflow_run,
//               permissions: string ("write-all" when absent: GitHub's default for a
//               repository that has not restricted it, "read-all", "none" or "custom"),
//               writes: [string] (the scopes granted `write`, top level),
//               jobs: [{ id, runs_on: [string], self_hosted, permissions, writes,
//                        uses: [{ action, ref, pinned }], secrets: [string],
//                        restores_cache, checks_out_pr_head }],
//               uses: [{ job, action, ref, pinned }] }   (every job's, flattened)
//
// `pinned`: the ref is a full 40-hex commit SHA (not a tag or branch that can move);
// local (`./...`) and `docker://` actions count as pinned only with a digest.
// `checks_out_pr_head`: a checkout step whose `ref` names the pull request's head
// (`github.event.pull_request.head.*`, `github.head_ref`) — with pull_request_target, the
// "pwn request" pattern. `restores_cache`: a step of actions/cache or a setup action with
// `cache:` set.
#include <regex>
#include <set>

#include <fmt/format.h>

#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;

std::string Scalar(const Node* node) {
  if (node == nullptr)
    return "";
  switch (node->kind) {
    case NodeKind::kString: return std::string(node->str());
    case NodeKind::kBool: return node->b ? "true" : "false";
    case NodeKind::kInt: return fmt::to_string(node->i);
    default: return "";
  }
}

struct Use {
  std::string action, ref;
  bool pinned;
};

Use ParseUses(const std::string& uses) {
  static const std::regex sha("[0-9a-f]{40}");
  const size_t at = uses.rfind('@');
  Use u{at == std::string::npos ? uses : uses.substr(0, at),
        at == std::string::npos ? "" : uses.substr(at + 1), false};
  if (uses.rfind("docker://", 0) == 0)
    u.pinned = uses.find("@sha256:") != std::string::npos;
  else
    u.pinned = std::regex_match(u.ref, sha);
  return u;
}

// `permissions:` as one word and the scopes it grants `write`.
std::string Permissions(const Node* node, std::vector<std::string>& writes) {
  if (node == nullptr)
    return "write-all";  // not restricted in the file
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
  static const std::regex pr_head(
      R"(github\.event\.pull_request\.head\.|github\.head_ref|refs/pull/)");

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
  b.Field("permissions", Permissions(root.Find("permissions"), writes));
  Strings(b, "writes", writes);
  std::vector<std::pair<std::string, Use>> all_uses;
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
    std::vector<std::string> runs_on;
    const Node* ro = job.Find("runs-on");
    if (ro != nullptr && ro->kind == NodeKind::kArray) {
      for (uint32_t k = 0; k < ro->len; ++k)
        runs_on.push_back(Scalar(&ro->items[k]));
    } else if (ro != nullptr && ro->kind == NodeKind::kObject) {
      runs_on.push_back(Scalar(ro->Find("group")));
      for (const Node* labels = ro->Find("labels");
           labels != nullptr && labels->kind == NodeKind::kArray;) {
        for (uint32_t k = 0; k < labels->len; ++k)
          runs_on.push_back(Scalar(&labels->items[k]));
        break;
      }
    } else if (ro != nullptr) {
      runs_on.push_back(Scalar(ro));
    }
    Strings(b, "runs_on", runs_on);
    b.FieldBool("self_hosted",
                std::find(runs_on.begin(), runs_on.end(), "self-hosted") != runs_on.end());
    std::vector<std::string> job_writes;
    b.Field("permissions", job.Find("permissions") != nullptr
                               ? Permissions(job.Find("permissions"), job_writes)
                               : "inherited");
    Strings(b, "writes", job_writes);
    std::vector<Use> uses;
    bool cache = false, pr_checkout = false;
    if (const Node* reusable = job.Find("uses"))
      uses.push_back(ParseUses(Scalar(reusable)));
    if (const Node* steps = job.Find("steps");
        steps != nullptr && steps->kind == NodeKind::kArray) {
      for (uint32_t s = 0; s < steps->len; ++s) {
        const Node& step = steps->items[s];
        const std::string u = Scalar(step.Find("uses"));
        if (u.empty())
          continue;
        const Use use = ParseUses(u);
        uses.push_back(use);
        const Node* with = step.Find("with");
        if (use.action == "actions/cache" || use.action == "actions/cache/restore" ||
            (with != nullptr && !Scalar(with->Find("cache")).empty()))
          cache = true;
        if (use.action == "actions/checkout" && with != nullptr &&
            std::regex_search(Scalar(with->Find("ref")), pr_head))
          pr_checkout = true;
      }
    }
    b.Key("uses");
    b.BeginArray();
    for (const Use& u : uses) {
      b.BeginObject();
      b.Field("action", u.action);
      b.Field("ref", u.ref);
      b.FieldBool("pinned", u.pinned);
      b.EndObject();
      all_uses.push_back({id, u});
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
    b.Field("action", u.action);
    b.Field("ref", u.ref);
    b.FieldBool("pinned", u.pinned);
    b.EndObject();
  }
  b.EndArray();
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace relgate::import
