#pragma once
/// \file
/// The learners' chance level: what the learned-shortcut audit (learners.hpp) scores on the
/// same records with their answers shuffled among the records of each type, so that no text
/// says anything about its answer. A cell of a few hundred records scores a few points above
/// its most common answer's share by chance, and the largest of forty such cells more (about
/// 6 points at 300 records a cell); this says, for every cell and for the largest excess of any
/// cell, how often answers with no shortcut at all do as well (a permutation test). Part of
/// `rung audit --chance-shuffles N`; docs/audit.md explains how to read it.
///
///     rung::LearnedShortcuts seen = rung::learned_shortcuts(records, options);
///     rung::LearnerChance c = rung::learner_chance(records, seen, options, 20);
///     std::cout << rung::to_text(c);
///
/// Determinism: the shuffles come from `options.seed` alone (never from threads).

#include "rung/check/learners.hpp"
#include "rung/core/json.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace rung {

/// One learner's cell (all yes/no records, or one type's) against its shuffles.
struct ChanceCell {
  std::string learner;  ///< "linear" or "trees"
  std::string group;    ///< "all" or the type
  std::size_t records = 0;
  double majority = 0;  ///< share of the cell's most common answer (the same in every shuffle)
  double observed = 0;  ///< the cell's best accuracy (LearnerCell::best) on the real answers
  double mean = 0;      ///< mean best accuracy over the shuffles
  double p95 = 0;       ///< 95th percentile (nearest rank) of the shuffles' best accuracies
  /// (1 + shuffles scoring at least `observed`) / (1 + shuffles): the permutation p-value.
  double p_value = 1;
  friend bool operator==(const ChanceCell&, const ChanceCell&) = default;
};

struct LearnerChance {
  unsigned shuffles = 0;
  std::vector<ChanceCell> cells;  ///< learners in order, "all" first, then the types in order
  /// The largest excess of a per-type cell's best accuracy over its majority share, on the real
  /// answers (`max_cell` names it: "trees/correlation") and in each shuffle (sorted ascending).
  double observed_max_excess = 0;
  std::string max_cell;
  std::vector<double> shuffled_max_excess;
  /// (1 + shuffles whose largest excess is at least the observed one) / (1 + shuffles): whether
  /// the dataset's largest cell is more than the largest of its cells by chance.
  double max_p_value = 1;
  friend bool operator==(const LearnerChance&, const LearnerChance&) = default;
};

/// Runs learned_shortcuts `shuffles` times on `records` with the yes/no answers shuffled
/// (Fisher-Yates, seeded by options.seed and the shuffle's number) among the yes/no records of
/// each group, and compares each cell with `observed` (learned_shortcuts on the same records and
/// options). Feature importances are not computed in the shuffled runs. Empty result (shuffles
/// 0) when `shuffles` is 0 or `observed` has no classifier.
[[nodiscard]] LearnerChance learner_chance(const std::vector<LearnerRecord>& records, const LearnedShortcuts& observed,
                                           const LearnerOptions& options, unsigned shuffles);

/// The report's section (empty when shuffles is 0), ending with a newline.
[[nodiscard]] std::string to_text(const LearnerChance& c);
[[nodiscard]] rung::ordered_json to_json(const LearnerChance& c);

}  // namespace rung
