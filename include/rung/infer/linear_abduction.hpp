#pragma once
/// \file
/// Method 1 for linear-Gaussian models: abduction, action, prediction on the exogenous vector.
/// Every term, in its own world (the action: set variables replaced by their constant or by a
/// nested term's value), is an affine map of the exogenous vector U ~ N(μ_U, Σ_U). The evidence
/// conditions U one observation at a time (exact Gaussian conditioning, i.e. an LDLᵀ of the
/// evidence covariance: an observation whose conditional variance is 0 is checked against its
/// conditional mean and dropped), giving the posterior N(μ', Σ'); each term's mean and the
/// terms' covariance are then the affine maps applied to it (prediction).
///
///     rung::LinearTrace t;
///     auto g = rung::abduction_gaussian<rung::Rational>(m, q.outcomes, q.evidence, &t);
///
/// Throws ZeroProbabilityEvidence when the evidence is impossible under the model (an
/// observation that the earlier ones determine, with another value).

#include "rung/infer/gaussian.hpp"
#include "rung/query/linear_query.hpp"

#include <vector>

namespace rung {

/// S = Rational (exact) or double (rounding tolerances 1e-9 relative). `trace` (exact only; may be
/// null) receives three steps: abduction, action, prediction.
template <class S>
[[nodiscard]] Gaussian<S> abduction_gaussian(const LinearScm& m, const std::vector<LinearOutcome>& outcomes,
                                             const std::vector<LinearObservation>& evidence, LinearTrace* trace = nullptr);

extern template Gaussian<Rational> abduction_gaussian<Rational>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                                const std::vector<LinearObservation>&, LinearTrace*);
extern template Gaussian<double> abduction_gaussian<double>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                            const std::vector<LinearObservation>&, LinearTrace*);

}  // namespace rung
