#pragma once
/// \file
/// Answers to linear-Gaussian queries (issue #20): exact rational means, variances and
/// covariances of potential outcomes in any number of worlds, given evidence in any number of
/// worlds, by either of two independent methods (docs/solver.md, "Linear-Gaussian models").
///
///     rung::LinearScm m = rung::read_linear_model_file("examples/linear_mediation.scm");
///     rung::LinearQuery q = rung::parse_linear_query("E(Y[X=1] | X=0, Y=2)", m);
///     rung::LinearAnswer a = rung::solve(m, q);       // a.value exact; a.exact == true
///     double d = rung::solve_double(m, q);             // the double path (plain Eigen)
///
/// A probability `P(Y > c | ...)` of a term with positive variance is not rational: it is
/// computed in double precision and the answer says so (`exact == false`). With variance 0 it
/// is 0 or 1, exactly.

#include "rung/infer/gaussian.hpp"
#include "rung/query/linear_query.hpp"

#include <optional>
#include <string>

namespace rung {

enum class LinearMethod {
  abduction,        ///< posterior of the exogenous variables, then action and prediction (default)
  parallel_worlds,  ///< the joint Gaussian of the worlds' network, conditioned by a Schur complement
};

struct LinearSolverOptions {
  LinearMethod method = LinearMethod::abduction;
  bool trace = false;  ///< record abduction, action and prediction (abduction method, exact only)
};

struct LinearAnswer {
  /// False when a part is a probability of a term with positive variance (not a rational number):
  /// then `value` is meaningless and `approximate` holds the double-precision answer.
  bool exact = true;
  Rational value;
  double approximate = 0;  ///< the value in double (rounded from `value` when exact)
  std::optional<LinearTrace> trace;
};

/// The mean vector and covariance matrix of `outcomes` given `evidence`, by `method`.
template <class S>
[[nodiscard]] Gaussian<S> linear_gaussian(const LinearScm& m, const std::vector<LinearOutcome>& outcomes,
                                          const std::vector<LinearObservation>& evidence, LinearMethod method);

/// Exact answer (Eigen over Rational). Throws ZeroProbabilityEvidence for impossible evidence.
[[nodiscard]] LinearAnswer solve(const LinearScm& m, const LinearQuery& q, const LinearSolverOptions& options = {});
/// The double path (Eigen over double), no exact arithmetic.
[[nodiscard]] double solve_double(const LinearScm& m, const LinearQuery& q, const LinearSolverOptions& options = {});

/// P(N(mean, variance) > threshold) (`above`) or < threshold, in double precision.
[[nodiscard]] double normal_tail(double mean, double variance, double threshold, bool above);

}  // namespace rung
