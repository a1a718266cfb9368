#pragma once
/// \file
/// A human-readable description of a model (what `rung show` prints).
///
///     std::cout << rung::describe(m);

#include "rung/scm/scm.hpp"

#include <string>

namespace rung {

/// Counts, then exogenous variables with domains and priors, endogenous variables in evaluation
/// order with domains and mechanisms, then each endogenous variable's parents.
[[nodiscard]] std::string describe(const Scm& scm);

}  // namespace rung
