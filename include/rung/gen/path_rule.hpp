#pragma once
/// \file
/// The "shortest path" reading of a deterministic counterfactual question: follow the shortest
/// stated causal path from the changed variable to the outcome and count the negations on it.
/// It ignores whether the other inputs of the gates on the path let the change through, so it is
/// a shortcut, not a solution; on circuits drawn without regard to it, it was right on 70-81% of
/// the items (docs/generator.md, "The shortest-path reading"). The counterbench and cladder
/// presets draw their deterministic items so that it is right on exactly the items whose outcome
/// changes, half of them. `rung audit` computes the same reading from the text
/// (path_parity_prediction in rung/check/features.hpp).
///
///     // X (node 0) set to 1; parents of each node with the negation on the arc
///     std::optional<int> v = rung::path_rule_value(n, y, settings, held, for_each_parent);

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>

namespace rung {

/// The outcome's value under the shortest-path reading, or nullopt when no set variable reaches
/// the outcome or its shortest paths disagree.
///
/// Nodes are 0..n-1 in topological order (every parent has a smaller index), n <= 64.
/// `settings` are the question's (node, value) settings, `held` a bit mask of nodes held at their
/// factual value (a nested question's mediator: they block paths). `for_each_parent(w, f)` calls
/// f(parent, negated) for each parent of w, `negated` true when the arc carries an odd number of
/// negations as the text writes it ("not A causes B", "A causes not B", "not A and C causes B").
///
/// The reading: a breadth-first search from all set variables at once, not through held or other
/// set variables, gives each node its distance from the nearest setting; along the arcs of the
/// shortest paths the set values flow, flipped by each negated arc. The outcome's value is the
/// one that reaches it, if only one does.
template <class ForEachParent>
[[nodiscard]] std::optional<int> path_rule_value(int n, int outcome, std::span<const std::pair<int, int>> settings,
                                                 std::uint64_t held, ForEachParent&& for_each_parent) {
  if (n < 0 || n > 64 || outcome < 0 || outcome >= n) throw std::invalid_argument("path_rule_value: node out of range");
  constexpr int kUnreached = std::numeric_limits<int>::max();
  std::array<int, 64> dist{};
  std::array<std::uint8_t, 64> values{};  // bit v: the value v reaches the node
  dist.fill(kUnreached);
  std::uint64_t sources = 0;
  for (const auto& [v, value] : settings) {
    if (v < 0 || v >= n) throw std::invalid_argument("path_rule_value: setting out of range");
    const auto sv = static_cast<std::size_t>(v);
    sources |= std::uint64_t{1} << v;
    dist[sv] = 0;
    values[sv] = static_cast<std::uint8_t>(value != 0 ? 2U : 1U);
  }
  for (int w = 0; w < n; ++w) {
    if (((sources | held) >> w & 1U) != 0) continue;
    int best = kUnreached;
    std::uint8_t reaching = 0;
    for_each_parent(w, [&](int p, bool negated) {
      const auto sp = static_cast<std::size_t>(p);
      if (dist[sp] == kUnreached) return;
      const int d = dist[sp] + 1;
      std::uint8_t v = values[sp];
      if (negated) v = static_cast<std::uint8_t>(((v & 1U) << 1U) | ((v >> 1U) & 1U));
      if (d < best) {
        best = d;
        reaching = v;
      } else if (d == best) {
        reaching |= v;
      }
    });
    dist[static_cast<std::size_t>(w)] = best;
    values[static_cast<std::size_t>(w)] = reaching;
  }
  const std::uint8_t at = values[static_cast<std::size_t>(outcome)];
  if (at == 1U) return 0;
  if (at == 2U) return 1;
  return std::nullopt;
}

}  // namespace rung
