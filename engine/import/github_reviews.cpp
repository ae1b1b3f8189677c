// Pull-request reviews as GitHub's REST API lists them (`GET /repos/O/R/pulls/N/reviews`,
// a JSON list, oldest first), reduced to what counts: each reviewer's latest review that
// decided something (APPROVED, CHANGES_REQUESTED or DISMISSED; a later COMMENTED does not
// undo an approval, as on GitHub).
//
//   reviews: [{ user, state, commit, submitted_at?, association? }]
//
// `commit` is the head the review was made on: a policy compares it with the commit
// released (`r.commit == release.commit`), so an approval of an earlier push does not
// count. With `--head SHA` the import does that comparison: each review's `on_head`, and
// `reviewed_head: {sha, stale_approvals}` naming who approved another commit.
#include <map>

#include <fmt/format.h>

#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/reading.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Text;

}  // namespace

namespace {

std::unique_ptr<facts::Document> ImportReviews(std::string_view bytes, const std::string& path,
                                               const std::string& head, facts::LoadError& error) {
  auto doc = facts::ParseJson(bytes, path, error);
  if (!doc)
    return nullptr;
  const Node& root = doc->root();
  if (root.kind != NodeKind::kArray) {
    error.message = "expected the REST API's list of pull-request reviews (a JSON list)";
    return nullptr;
  }

  struct Review {
    std::string user, state, commit, submitted_at, association;
  };

  std::vector<std::string> order;
  std::map<std::string, Review> latest;
  for (uint32_t k = 0; k < root.len; ++k) {
    const Node& r = root.items[k];
    const std::string at = fmt::format("[{}]", k);
    const std::string user = Text(r.Find("user"), "login");
    const std::string state = Text(&r, "state");
    if (user.empty() || state.empty()) {
      error.path = at + (user.empty() ? ".user.login" : ".state");
      error.message = "expected a review with its user's login and its state";
      return nullptr;
    }
    if (state != "APPROVED" && state != "CHANGES_REQUESTED" && state != "DISMISSED")
      continue;  // COMMENTED, PENDING: no decision
    if (latest.find(user) == latest.end())
      order.push_back(user);
    latest[user] = {user, state, Text(&r, "commit_id"), Text(&r, "submitted_at"),
                    Text(&r, "author_association")};
  }
  facts::TreeBuilder b(fmt::format("{} (github-reviews)", path), doc->sha256());
  b.BeginObject();
  b.Key("reviews");
  b.BeginArray();
  for (const std::string& user : order) {
    const Review& r = latest[user];
    b.BeginObject();
    b.Field("user", r.user);
    b.Field("state", r.state);
    b.Field("commit", r.commit);
    if (!r.submitted_at.empty())
      b.Field("submitted_at", r.submitted_at);
    if (!r.association.empty())
      b.Field("association", r.association);
    if (!head.empty())
      b.FieldBool("on_head", r.commit == head);
    b.EndObject();
  }
  b.EndArray();
  if (!head.empty()) {
    // Approvals given to an earlier push: they do not approve what is released.
    b.Key("reviewed_head");
    b.BeginObject();
    b.Field("sha", head);
    b.Key("stale_approvals");
    b.BeginArray();
    for (const std::string& user : order) {
      if (latest[user].state == "APPROVED" && latest[user].commit != head)
        b.String(user);
    }
    b.EndArray();
    b.EndObject();
  }
  b.EndObject();
  return b.Finish(error);
}

}  // namespace

std::unique_ptr<facts::Document> ImportGithubReviews(std::string_view bytes,
                                                     const std::string& path,
                                                     facts::LoadError& error) {
  return ImportReviews(bytes, path, "", error);
}

std::unique_ptr<facts::Document> ImportGithubReviewsRequest(const Request& request,
                                                            facts::LoadError& error) {
  const std::string& head = request.head;
  if (!head.empty() && (head.size() < 7 || head.size() > 64 ||
                        head.find_first_not_of("0123456789abcdef") != std::string::npos)) {
    error.file = request.inputs.front();
    error.message = fmt::format("--head `{}` is not a commit SHA (lower-case hex)", head);
    return nullptr;
  }
  std::string bytes;
  if (!ReadInput(request.inputs.front(), bytes, error))
    return nullptr;
  return ImportReviews(bytes, request.inputs.front(), head, error);
}

}  // namespace relgate::import
