// Writing std.sboms' component hashes and dependency edges (internal to engine/import;
// the cyclonedx and spdx kinds share them).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/facts/tree_builder.h"

namespace relgate::import::internal {

// `hashes: [{alg, value}]`, and `sha256`: the first hash of algorithm `sha256_alg` (as the
// format spells it: `SHA-256`, `SHA256`). Pairs with an empty side are left out.
inline void WriteHashes(facts::TreeBuilder& b,
                        const std::vector<std::pair<std::string, std::string>>& hashes,
                        const std::string& sha256_alg) {
  std::string sha256;
  b.Key("hashes");
  b.BeginArray();
  for (const auto& [alg, value] : hashes) {
    if (alg.empty() || value.empty())
      continue;
    if (alg == sha256_alg && sha256.empty())
      sha256 = value;
    b.BeginObject();
    b.Field("alg", alg);
    b.Field("value", value);
    b.EndObject();
  }
  b.EndArray();
  if (!sha256.empty())
    b.Field("sha256", sha256);
}

// `dependencies: [{ref, depends_on}]`, one per dependent in `order`.
inline void WriteEdges(facts::TreeBuilder& b, const std::vector<std::string>& order,
                       const std::map<std::string, std::vector<std::string>>& edges) {
  b.Key("dependencies");
  b.BeginArray();
  for (const std::string& from : order) {
    b.BeginObject();
    b.Field("ref", from);
    b.Key("depends_on");
    b.BeginArray();
    for (const std::string& to : edges.at(from))
      b.String(to);
    b.EndArray();
    b.EndObject();
  }
  b.EndArray();
}

}  // namespace relgate::import::internal
