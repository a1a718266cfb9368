#pragma once
/// \file
/// pgmpy-style linear-Gaussian Bayesian networks (issue #20, item 6), read as linear SCMs.
/// pgmpy's `LinearGaussianBayesianNetwork` holds one `LinearGaussianCPD(variable, beta, std,
/// evidence)` per variable: Y ~ N(beta[0] + Σ beta[i] X_i, std²) over the parents `evidence`.
/// pgmpy has no file format for them; rung reads this JSON form, whose fields mirror the CPD's
/// (docs/file-format.md §4.4):
///
///     {"format": "pgmpy.LinearGaussianBayesianNetwork",
///      "cpds": [{"variable": "X", "evidence": [],    "beta": [0],        "std": 1},
///               {"variable": "Y", "evidence": ["X"], "beta": [0.5, 1.5], "variance": 0.25}]}
///
///     rung::LinearScm m = rung::read_pgmpy_linear_json(text, "net.json");
///
/// Each CPD of Y becomes `exogenous U_Y ~ Normal(0, std²)` and `Y := beta[0] + Σ beta[i]*X_i +
/// U_Y` (the noise named U_Y, or U_Y_ etc. when that name is taken). Numbers are JSON numbers
/// or strings (`"1/3"`); a JSON decimal is read exactly as the shortest decimal that denotes the
/// same double (the digits written, for up to 15 significant digits), so 0.1 is 1/10.
/// `variance` may replace `std` (older pgmpy releases took a variance); `edges`, when present,
/// must be the arcs the `evidence` lists give.

#include "rung/scm/linear_scm.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace rung {

/// True if `doc` is an object with a `cpds` array (the form above) or a `format` naming it.
[[nodiscard]] bool is_pgmpy_linear_json(const nlohmann::json& doc);

/// Reads the form above. Throws ParseError listing every problem as `FILE:LINE:COL: error:
/// cpds[1] (Y): MESSAGE`, positioned at the offending field (malformed fields, beta's length
/// against evidence, negative std or variance, unknown evidence names, duplicate variables,
/// edges that disagree with evidence, cycles).
[[nodiscard]] LinearScm read_pgmpy_linear_json(std::string_view text, std::string_view file = "");

}  // namespace rung
