// Helpers shared by the JSON and YAML loaders (internal to engine/facts): building
// nodes in a document's arena, duplicate-key detection, and fact-path text for errors.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "engine/facts/facts.h"

namespace relgate::facts::internal {

// `release.approvals[2].user` from a stack of segments (keys and indices).
class PathStack {
 public:
  void PushKey(std::string_view key) { segments_.push_back({key, 0, true}); }

  void PushIndex(size_t index) { segments_.push_back({{}, index, false}); }

  void Pop() { segments_.pop_back(); }

  // For a path collected while unwinding, innermost segment first.
  void Reverse() { std::reverse(segments_.begin(), segments_.end()); }

  std::string ToString() const {
    std::string out;
    for (const Segment& s : segments_) {
      if (s.is_key) {
        if (!out.empty())
          out += '.';
        out += s.key;
      } else {
        out += fmt::format("[{}]", s.index);
      }
    }
    // Deep paths (a hostile document) are cut in the middle to stay readable.
    if (out.size() > 120)
      out = fmt::format("{}...{}", out.substr(0, 60), out.substr(out.size() - 57));
    return out;
  }

 private:
  struct Segment {
    std::string_view key;
    size_t index;
    bool is_key;
  };

  std::vector<Segment> segments_;
};

// Index of the first member whose key repeats an earlier one, or -1.
inline int FindDuplicateKey(const Member* members, uint32_t count) {
  if (count < 2)
    return -1;
  if (count <= 16) {
    for (uint32_t k = 1; k < count; ++k) {
      for (uint32_t j = 0; j < k; ++j) {
        if (members[j].name() == members[k].name())
          return static_cast<int>(k);
      }
    }
    return -1;
  }
  std::vector<uint32_t> order(count);
  for (uint32_t k = 0; k < count; ++k)
    order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return members[a].name() < members[b].name(); });
  int first = -1;
  for (uint32_t k = 1; k < count; ++k) {
    if (members[order[k]].name() == members[order[k - 1]].name()) {
      const int later = static_cast<int>(std::max(order[k], order[k - 1]));
      if (first < 0 || later < first)
        first = later;
    }
  }
  return first;
}

// Sets error.line/column (1-based, columns in code points) for a byte offset of `text`.
inline void SetLineColumn(std::string_view text, size_t offset, LoadError& error) {
  error.line = 1;
  error.column = 1;
  for (size_t k = 0; k < offset && k < text.size(); ++k) {
    if (text[k] == '\n') {
      ++error.line;
      error.column = 1;
    } else if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) {
      ++error.column;
    }
  }
}

inline Member* AllocMembers(Arena& arena, size_t count) {
  return static_cast<Member*>(arena.Allocate(count * sizeof(Member), alignof(Member)));
}

inline Node* AllocNodes(Arena& arena, size_t count) {
  return static_cast<Node*>(arena.Allocate(count * sizeof(Node), alignof(Node)));
}

}  // namespace relgate::facts::internal
