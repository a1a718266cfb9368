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
///
/// Float first, certified exactly (LpOptions::float_first, on by default): each phase is first
/// solved by the same simplex in doubles, which only proposes a basis B. The basis is then
/// checked in rationals: x_B = B^-1 b >= 0 (feasible), and for an objective c, y = c_B B^-1 with
/// c_j - y·A_j >= 0 for every column (y is dual feasible, so x is optimal and c·x = y·b is the
/// exact optimum); an infeasible phase 1 is proved by Farkas' lemma (y·A_j <= 0 for every column,
/// y·b > 0); a dropped row w of B^-1 must have w·A_j = 0 for every column. Whenever a check fails
/// (rounding led the doubles astray, or they gave up), the exact simplex solves the program, so
/// the results are exact either way; only which optimal solution is returned may differ when
/// there are several. fallbacks() counts those.
#include "rung/core/rational.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
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
  /// Solve in doubles first and certify the basis exactly (see above); false: the exact simplex
  /// alone (the tests compare the two).
  bool float_first = true;
};

class LinearProgram {
 public:
  /// The constraints A q = b, q >= 0: `a` has one row per entry of `b`, all of one length (the
  /// number of variables, at least 1). Throws std::invalid_argument on ragged or empty input.
  /// (Kept as its columns' nonzeros: from_columns below.)
  LinearProgram(std::vector<std::vector<Rational>> a, std::vector<Rational> b, LpOptions options = {});

  /// A column of A by its nonzero entries (row, value), rows ascending.
  using Column = std::vector<std::pair<std::size_t, Rational>>;
  /// The same program from A's columns (at least one; each row below b.size()), without a dense
  /// matrix: for wide programs with few nonzeros a column (the response-function programs have
  /// one 1 per world in each of up to 16,384 columns); the dense form is read into this one.
  /// Throws std::invalid_argument on an entry past the rows or out of order.
  [[nodiscard]] static LinearProgram from_columns(std::vector<Column> columns, std::vector<Rational> b, LpOptions options = {});

  /// min / max of c·q over the feasible set (`c` has one entry per variable).
  [[nodiscard]] LpResult minimize(const std::vector<Rational>& c) const;
  [[nodiscard]] LpResult maximize(const std::vector<Rational>& c) const;

  [[nodiscard]] bool feasible() const noexcept;
  [[nodiscard]] std::size_t variables() const noexcept;
  /// Constraint rows left after phase 1 dropped the redundant ones (0 when infeasible).
  [[nodiscard]] std::size_t rank() const noexcept;
  /// Simplex pivots so far (phase 1 and every phase 2, in doubles and exact), for the benchmarks.
  [[nodiscard]] std::size_t pivots() const noexcept;
  /// Objectives whose double basis failed its exact certificate (or whose double solve gave up),
  /// solved by the exact simplex instead.
  [[nodiscard]] std::size_t fallbacks() const noexcept;

 private:
  struct Impl;
  LinearProgram(std::vector<Column> columns, std::vector<Rational> b, LpOptions options, bool);
  /// Shared by copies; minimize() and maximize() update its counters and may compute the exact
  /// simplex's start, so one program is not for concurrent calls (copies share it too).
  std::shared_ptr<Impl> impl_;
};

}  // namespace rung
