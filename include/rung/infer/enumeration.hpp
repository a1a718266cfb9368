#pragma once
/// \file
/// The reference engine: brute force over the relevant exogenous values, each world evaluated by
/// direct simulation of the mechanisms. Shares no code with the parallel-worlds network or the
/// factors, so that it can check them.
///
///     rung::Rational p = rung::enumeration::probability<rung::Rational>(scm, probability);
///     std::vector<Value> u(scm.size());                  // exogenous values at their ids
///     rung::Value y = rung::enumeration::evaluate(scm, term, u);
///
/// A unit u is a combination of values of the relevant exogenous variables (the exogenous
/// ancestors of every variable the query mentions, nested terms included) whose prior weight is
/// not zero; the other exogenous variables cannot change any term. P(A | B) is the sum of the
/// weights of the units where A and B hold over the sum where B holds.
///
/// Throws rung::TooLarge when there are more than max_units units (the default is 2^26), or units
/// x the bytes of a unit's weight exceed 16 per unit of that limit (at least 64 MiB), and
/// ZeroProbabilityEvidence when P(evidence) = 0.

#include "rung/core/fast_rational.hpp"
#include "rung/core/rational.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace rung::enumeration {

inline constexpr std::uint64_t default_max_units = std::uint64_t{1} << 26;

/// The value of `term` for the unit whose exogenous values are `unit[id]` (endogenous entries are
/// ignored): the settings are applied (a nested term evaluated in its own world for the same
/// unit), then every other endogenous variable is computed by its mechanism.
[[nodiscard]] Value evaluate(const Scm& scm, const Term& term, std::span<const Value> unit);

/// Exogenous variables that are ancestors of (or are) a variable of one of the terms or of their
/// nested terms, sorted by id.
[[nodiscard]] std::vector<VarId> relevant_exogenous(const Scm& scm, const std::vector<const Term*>& terms);

/// Calls visit(unit, weight) for every combination of values of `exogenous` whose prior weight is
/// not zero, in lexicographic order of the values (first variable slowest). `unit` has one entry
/// per model variable; entries of other variables are 0. Throws rung::Error if there are more
/// than max_units combinations.
template <class S>
void for_each_unit(const Scm& scm, const std::vector<VarId>& exogenous,
                   const std::function<void(std::span<const Value>, const S&)>& visit,
                   std::uint64_t max_units = default_max_units);

/// P(events | evidence).
template <class S>
[[nodiscard]] S probability(const Scm& scm, const Probability& p, std::uint64_t max_units = default_max_units);

/// P(term = v | evidence) for every value v of the term's variable.
template <class S>
[[nodiscard]] std::vector<S> distribution(const Scm& scm, const Term& term, const std::vector<Event>& evidence,
                                          std::uint64_t max_units = default_max_units);

extern template void for_each_unit(const Scm&, const std::vector<VarId>&,
                                   const std::function<void(std::span<const Value>, const Rational&)>&,
                                   std::uint64_t);
extern template void for_each_unit(const Scm&, const std::vector<VarId>&,
                                   const std::function<void(std::span<const Value>, const double&)>&, std::uint64_t);
extern template void for_each_unit(const Scm&, const std::vector<VarId>&,
                                   const std::function<void(std::span<const Value>, const FastRational&)>&, std::uint64_t);
extern template Rational probability(const Scm&, const Probability&, std::uint64_t);
extern template double probability(const Scm&, const Probability&, std::uint64_t);
extern template std::vector<Rational> distribution(const Scm&, const Term&, const std::vector<Event>&, std::uint64_t);
extern template std::vector<double> distribution(const Scm&, const Term&, const std::vector<Event>&, std::uint64_t);

}  // namespace rung::enumeration
