#include "rung/gen/backbone.hpp"

#include <algorithm>
#include <cstdint>

namespace rung {

BackboneDag draw_backbone_dag(Rng& rng, const BackboneShape& shape) {
  const int min_backbone = shape.min_backbone;
  const int n = std::max(rng.between(shape.min_variables, shape.max_variables), min_backbone + 1);
  BackboneDag g;
  g.parents.resize(static_cast<std::size_t>(n));
  const int length = rng.between(min_backbone, std::min(n - 1, min_backbone + shape.extra_length));
  std::vector<int> middle;
  for (int v = 1; v < n - 1; ++v) middle.push_back(v);
  rng.shuffle(middle);
  middle.resize(static_cast<std::size_t>(length - 1));
  std::sort(middle.begin(), middle.end());
  g.backbone.push_back(0);
  g.backbone.insert(g.backbone.end(), middle.begin(), middle.end());
  g.backbone.push_back(n - 1);
  for (std::size_t i = 1; i < g.backbone.size(); ++i) g.parents[static_cast<std::size_t>(g.backbone[i])].push_back(g.backbone[i - 1]);
  for (int v = 1; v < n; ++v) {
    auto& p = g.parents[static_cast<std::size_t>(v)];
    if (p.empty() && rng.chance(1, static_cast<std::uint64_t>(shape.root_odds))) continue;  // a root
    std::vector<int> candidates;
    for (int u = 0; u < v; ++u) {
      if (std::find(p.begin(), p.end(), u) == p.end()) candidates.push_back(u);
    }
    rng.shuffle(candidates);
    const int have = static_cast<int>(p.size());
    const int want = rng.between(std::max(1, have), std::max(have, shape.max_in_degree));
    for (std::size_t i = 0; static_cast<int>(p.size()) < want && i < candidates.size(); ++i) p.push_back(candidates[i]);
    std::sort(p.begin(), p.end());
  }
  return g;
}

}  // namespace rung
