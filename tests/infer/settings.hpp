#pragma once
// The infer tests' shorthands for a world's interventions: set(X, 1) is do(X=1), set_to(X, t)
// sets X to the value term t takes (another world's X, say).

#include "rung/query/query.hpp"

#include <utility>

namespace rung::testing {

inline Setting set(VarId var, Value v) { return Setting::to_value(var, v); }
inline Setting set_to(VarId var, Term t) { return Setting::to_term(var, std::move(t)); }

}  // namespace rung::testing
