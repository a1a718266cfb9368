#pragma once
/// \file
/// The mechanism kinds the generator's `--mechanisms` knob names, and the expression text of the
/// one kind the expression language has no operator for: "at least k of these inputs".
///
///     rung::at_least_expression({"A", "not B", "C"}, 2);
///     // "(A and not B) or (A and C) or (not B and C)"

#include <string>
#include <vector>

namespace rung {

/// and, or, not, copy, xor, threshold, table (what each preset accepts: docs/generator.md).
[[nodiscard]] const std::vector<std::string>& mechanism_kinds();

/// True when at least `k` of `literals` hold (1 <= k <= literals.size()): the disjunction of the
/// conjunctions of every k of them, in their order. k = 1 is their `or`, k = size their `and`.
[[nodiscard]] std::string at_least_expression(const std::vector<std::string>& literals, int k);

}  // namespace rung
