#pragma once
/// \file
/// Exact linear programs over the rationals: minimise or maximise c·q subject to A q = b, q >= 0,
/// by the two-phase primal simplex method, every step in GMP rationals.
///
///     LinearProgram lp({{1, 1, 1}}, {1});          // q1 + q2 + q3 = 1, q >= 0
///     LpResult hi = lp.maximize({1, 2, 3});        // optimal, value 3, solution (0, 0, 1)
///     LpResult lo = lp.minimize({1, 2, 3});        // optimal, value 1
///
/// Why not GLPK: glp_exact computes in rationals internally but takes its coefficients and
/// returns its solution as `double` (it rounds each input to a nearby fraction, and converts the
/// answer back with mpq_get_d), so 1/3 can be neither passed nor returned exactly. rung's bounds
/// are exact fractions, so the solver is rung's own (docs/identification.md, "Bounds").
///
/// Phase 1 (finding a feasible basis, or proving there is none) depends on A and b only: it runs
/// once, in the constructor, and every objective starts its phase 2 from that basis. Redundant
/// equality rows are detected and dropped there. Pivoting: Dantzig's rule (the most negative
/// reduced cost enters) while pivots improve the objective; after 8 degenerate pivots in a row,
/// Bland's rule (the lowest-index negative reduced cost enters) until one improves it; ties in
/// the ratio test leave by the lowest basic index. Bland's rule cannot cycle and an improving
/// pivot never returns to an earlier basis, so every call terminates. (Beale's degenerate example,
/// on which the textbook largest-coefficient rule cycles, is a test.) Dense tableau: meant for a
/// few hundred rows and a few thousand columns.

#include "rung/core/rational.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace rung {

struct LpResult {
  enum class Status { optimal, infeasible, unbounded };
  Status status = Status::infeasible;
  Rational value;                ///< the optimum (0 unless optimal)
  std::vector<Rational> solution;  ///< an optimal basic solution q (empty unless optimal)
};

/// "optimal", "infeasible", "unbounded".
[[nodiscard]] std::string to_string(LpResult::Status status);

struct LpOptions {
  /// Degenerate pivots in a row after which Bland's rule takes over from Dantzig's (until a pivot
  /// improves the objective); 0: Bland's rule throughout.
  int bland_after = 8;
};

class LinearProgram {
 public:
  /// The constraints A q = b, q >= 0: `a` has one row per entry of `b`, all of one length (the
  /// number of variables, at least 1). Throws std::invalid_argument on ragged or empty input.
  LinearProgram(std::vector<std::vector<Rational>> a, std::vector<Rational> b, LpOptions options = {});

  /// min / max of c·q over the feasible set (`c` has one entry per variable).
  [[nodiscard]] LpResult minimize(const std::vector<Rational>& c) const;
  [[nodiscard]] LpResult maximize(const std::vector<Rational>& c) const;

  [[nodiscard]] bool feasible() const noexcept { return feasible_; }
  [[nodiscard]] std::size_t variables() const noexcept { return n_; }
  /// Constraint rows left after phase 1 dropped the redundant ones (0 when infeasible).
  [[nodiscard]] std::size_t rank() const noexcept { return basis_.size(); }
  /// Simplex pivots so far (phase 1 and every phase 2), for the benchmarks.
  [[nodiscard]] std::size_t pivots() const noexcept { return pivots_; }

 private:
  LpOptions options_;
  std::size_t n_ = 0;
  bool feasible_ = false;
  /// After phase 1: one row per independent constraint, n_ coefficients then the right-hand
  /// side, in the basis `basis_` (row i's basic variable).
  std::vector<std::vector<Rational>> tableau_;
  std::vector<std::size_t> basis_;
  mutable std::size_t pivots_ = 0;
};

}  // namespace rung
