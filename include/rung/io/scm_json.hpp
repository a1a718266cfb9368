#pragma once
/// \file
/// The JSON form of a model (SPEC §2), the same content as the .scm text:
///
///     {"exogenous": [{"name": "U", "domain": ["0", "1"], "prior": ["1/2", "1/2"]}],
///      "endogenous": [{"name": "X", "domain": ["0", "1"], "mechanism": "not U"},
///                     {"name": "Y", "domain": ["0", "1"],
///                      "mechanism": {"table": {"inputs": ["X"], "rows": [["0", "1"], ["1", "0"]]}}}]}
///
/// `domain` may be left out (meaning {0,1}); priors are fraction or decimal strings; a table row
/// lists the input values then the output value.

#include "rung/scm/scm.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace rung {

class JsonWriter;

/// The JSON form of a model (domains and priors always written, priors as reduced fractions).
[[nodiscard]] nlohmann::json to_json(const Scm& scm);
/// The same, written as compact text (keys in to_json's alphabetical order).
void write_json(JsonWriter& out, const Scm& scm);

/// Reads the JSON form. Throws ParseError listing every problem, each naming the JSON path
/// (e.g. `/endogenous/1/mechanism`) or, for syntax errors, the line and column.
[[nodiscard]] Scm scm_from_json(const nlohmann::json& json, std::string_view file = "");
[[nodiscard]] Scm read_scm_json(std::string_view text, std::string_view file = "");

/// to_json, printed with two-space indentation and a trailing newline.
[[nodiscard]] std::string write_scm_json(const Scm& scm);

}  // namespace rung
