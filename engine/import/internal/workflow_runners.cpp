#include "engine/import/internal/workflow_runners.h"

#include <regex>

#include <fmt/format.h>

#include "engine/import/internal/reading.h"

namespace relgate::import::internal {
namespace {

using facts::Node;
using facts::NodeKind;

// GitHub's hosted images (`ubuntu-24.04`, `windows-latest`, `macos-14-arm64`, ...). Any
// other label is a runner the organisation registers.
bool HostedImage(const std::string& label) {
  static const std::regex hosted(R"((ubuntu|windows|macos)-[A-Za-z0-9._-]+)");
  return std::regex_match(label, hosted);
}

// A matrix value as labels: a string, or a list of strings.
std::vector<std::string> Labels(const Node& value) {
  std::vector<std::string> out;
  if (value.kind == NodeKind::kArray) {
    for (uint32_t k = 0; k < value.len; ++k)
      out.push_back(Scalar(&value.items[k]));
  } else {
    out.push_back(Scalar(&value));
  }
  return out;
}

// The values `matrix.KEY` takes, each as labels; false when the matrix or the key's list
// is an expression (its values are not in the file).
bool MatrixValues(const Node& job, const std::string& key,
                  std::vector<std::vector<std::string>>& out) {
  const Node* strategy = job.Find("strategy");
  const Node* matrix = strategy != nullptr ? strategy->Find("matrix") : nullptr;
  if (matrix == nullptr || matrix->kind != NodeKind::kObject)
    return false;
  if (const Node* list = matrix->Find(key)) {
    if (list->kind != NodeKind::kArray)
      return false;
    for (uint32_t k = 0; k < list->len; ++k)
      out.push_back(Labels(list->items[k]));
  }
  if (const Node* include = matrix->Find("include")) {
    if (include->kind != NodeKind::kArray)
      return false;
    for (uint32_t k = 0; k < include->len; ++k) {
      if (const Node* v = include->items[k].Find(key))
        out.push_back(Labels(*v));
    }
  }
  return !out.empty();
}

// One `runs-on` element's alternatives: itself, or each value of the matrix key it names.
std::vector<std::vector<std::string>> Alternatives(const Node& job, const std::string& label) {
  static const std::regex matrix_ref(R"(\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\})");
  std::smatch m;
  std::vector<std::vector<std::string>> out;
  if (std::regex_match(label, m, matrix_ref) && MatrixValues(job, m[1], out))
    return out;
  return {{label}};
}

}  // namespace

std::vector<RunnerSet> JobRunners(const Node& job) {
  const Node* ro = job.Find("runs-on");
  if (ro == nullptr)
    return {RunnerSet{}};
  std::vector<std::string> elements;
  bool group = false;
  if (ro->kind == NodeKind::kArray) {
    for (uint32_t k = 0; k < ro->len; ++k)
      elements.push_back(Scalar(&ro->items[k]));
  } else if (ro->kind == NodeKind::kObject) {
    group = true;
    if (const Node* g = ro->Find("group"))
      elements.push_back(Scalar(g));
    if (const Node* labels = ro->Find("labels")) {
      for (const std::string& l : Labels(*labels))
        elements.push_back(l);
    }
  } else {
    elements.push_back(Scalar(ro));
  }
  // The cartesian product of the elements' alternatives, capped.
  std::vector<std::vector<std::string>> sets = {{}};
  for (const std::string& element : elements) {
    std::vector<std::vector<std::string>> next;
    for (const auto& set : sets) {
      for (const auto& alternative : Alternatives(job, element)) {
        if (next.size() == kMaxRunnerSets)
          break;
        std::vector<std::string> grown = set;
        grown.insert(grown.end(), alternative.begin(), alternative.end());
        next.push_back(std::move(grown));
      }
    }
    sets = std::move(next);
  }
  std::vector<RunnerSet> out;
  for (auto& labels : sets) {
    RunnerSet r;
    // Hosted: exactly one label, one of GitHub's images (a hosted image with extra labels
    // is matched against registered runners too).
    r.self_hosted = group || labels.size() != 1 || !HostedImage(labels[0]);
    r.labels = std::move(labels);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace relgate::import::internal
