#pragma once
/// \file
/// Graphviz DOT of a model's causal graph: endogenous variables as ellipses, exogenous ones as
/// dashed grey boxes.
///
///     std::cout << rung::to_dot(m);   // pipe into `dot -Tpng -o m.png`

#include "rung/scm/scm.hpp"

#include <string>

namespace rung {

[[nodiscard]] std::string to_dot(const Scm& scm, std::string_view graph_name = "scm");

}  // namespace rung
