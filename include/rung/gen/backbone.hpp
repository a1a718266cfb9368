#pragma once
/// \file
/// The random DAG the `ladder` and `linear` presets draw their models on: a treatment (node 0)
/// -> ... -> outcome (node n-1) path through random middle nodes (the backbone), then more
/// parents among earlier nodes. Nodes are numbered in topological order.
///
///     rung::BackboneDag g = rung::draw_backbone_dag(rng, {.min_variables = 4, .max_variables = 6,
///                                                         .min_backbone = 2, .extra_length = 2,
///                                                         .max_in_degree = 2, .root_odds = 3});

#include "rung/gen/random.hpp"

#include <vector>

namespace rung {

struct BackboneShape {
  int min_variables = 3;
  int max_variables = 6;
  int min_backbone = 2;   ///< arcs on the path, at least (n is raised to min_backbone + 1)
  int extra_length = 1;   ///< the path has min_backbone .. min_backbone + extra_length arcs (at most n - 1)
  int max_in_degree = 2;  ///< parents of a node, at most (the path's arc counts)
  int root_odds = 3;      ///< a node off the path's heads stays a root with chance 1 in root_odds
};

struct BackboneDag {
  std::vector<std::vector<int>> parents;  ///< sorted, all smaller than the node
  std::vector<int> backbone;              ///< 0 -> ... -> n-1
};

/// Draws n, the backbone and the other parents from `rng`, in that order.
[[nodiscard]] BackboneDag draw_backbone_dag(Rng& rng, const BackboneShape& shape);

}  // namespace rung
