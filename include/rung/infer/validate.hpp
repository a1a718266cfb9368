#pragma once
/// \file
/// Checks that a query built in code (not by parse_query) fits a model, before any engine runs.
///
///     rung::check_events(probability.events, scm);   // throws InvalidQuery naming the problem
///
/// parse_query already guarantees all of this; queries written as struct literals may not.

#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <vector>

namespace rung {

/// Ids in range, constant values inside the domain, settings sorted by variable with at most one
/// per variable, exactly one nested term per nested setting, a nested term whose variable has the
/// same domain as the variable it sets, no intervention on an exogenous variable. Throws
/// InvalidQuery naming the problem.
void check_term(const Term& term, const Scm& scm);

/// check_term for every event's term, and every event's value inside its variable's domain.
void check_events(const std::vector<Event>& events, const Scm& scm);

/// Every label of the variable's domain as a number (for expectations); throws InvalidQuery
/// (`E(W) needs numeric values, but W takes {lo, mid, hi}`) if one is not a number.
[[nodiscard]] std::vector<Rational> numeric_labels(VarId var, const Scm& scm);

}  // namespace rung
