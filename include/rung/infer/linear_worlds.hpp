#pragma once
/// \file
/// Method 2 for linear-Gaussian models: the parallel-worlds network conditioned directly.
/// The worlds the query mentions are unrolled into one linear network that shares the
/// exogenous nodes (a nested setting links a node to its node in the other world); the joint
/// mean and covariance of all its nodes are propagated in topological order
/// (Cov(V, W) = Σ_p b_p Cov(P, W) over V's parents), and the terms are conditioned on the
/// evidence nodes by a Schur complement solved with Eigen's full-pivoting LU (threshold 0 on the
/// exact path: a singular evidence covariance is solved in its range, after checking that the
/// observed values lie in it). Shares no code with linear_abduction.cpp.
///
///     auto g = rung::parallel_worlds_gaussian<rung::Rational>(m, q.outcomes, q.evidence);

#include "rung/infer/gaussian.hpp"
#include "rung/query/linear_query.hpp"

#include <vector>

namespace rung {

/// S = Rational (exact) or double. Throws ZeroProbabilityEvidence when the evidence is impossible.
template <class S>
[[nodiscard]] Gaussian<S> parallel_worlds_gaussian(const LinearScm& m, const std::vector<LinearOutcome>& outcomes,
                                                   const std::vector<LinearObservation>& evidence);

extern template Gaussian<Rational> parallel_worlds_gaussian<Rational>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                                      const std::vector<LinearObservation>&);
extern template Gaussian<double> parallel_worlds_gaussian<double>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                                  const std::vector<LinearObservation>&);

}  // namespace rung
