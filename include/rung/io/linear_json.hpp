#pragma once
/// \file
/// The JSON form of a linear-Gaussian model (docs/file-format.md, "Linear models"):
///
///     {"kind": "linear",
///      "exogenous": [{"name": "U_X", "mean": "0", "variance": "1"},
///                    {"name": "U_Y", "mean": "1/2", "variance": "2"}],
///      "covariance": [{"between": ["U_X", "U_Y"], "value": "1/3"}],
///      "endogenous": [{"name": "X", "mechanism": "U_X"},
///                     {"name": "Y", "mechanism": "3/2*X + 2 + U_Y"}]}
///
/// Numbers are fraction or decimal strings; a mechanism is the text form's right side.
/// `"kind": "linear"` is what tells a linear JSON model from a discrete one.

#include "rung/scm/linear_scm.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace rung {

/// True if `doc` is an object whose "kind" is "linear".
[[nodiscard]] bool is_linear_json(const nlohmann::json& doc);
/// The JSON form (keys in alphabetical order, numbers as reduced fractions).
[[nodiscard]] nlohmann::json to_json(const LinearScm& m);
/// Reads the JSON form. Throws ParseError listing every problem, each naming its JSON path.
[[nodiscard]] LinearScm linear_scm_from_json(const nlohmann::json& doc, std::string_view file = "");
[[nodiscard]] LinearScm read_linear_json(std::string_view text, std::string_view file = "");
/// to_json, printed with two-space indentation and a trailing newline.
[[nodiscard]] std::string write_linear_json(const LinearScm& m);

}  // namespace rung
