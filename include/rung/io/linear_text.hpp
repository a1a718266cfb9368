#pragma once
/// \file
/// Linear-Gaussian models in the `.scm` text form (docs/file-format.md, "Linear models"):
///
///     exogenous U_X ~ Normal(0, 1)
///     exogenous U_Y ~ Normal(1/2, 2)
///     cov(U_X, U_Y) = 1/3
///     X := U_X
///     Y := 3/2*X + 2 + U_Y
///
///     rung::LinearScm m = rung::read_linear_text(text, "m.scm");
///     std::string back = rung::write_linear_text(m);   // reads back to an equal model
///
/// A text is linear when one of its statements declares a `Normal` exogenous variable
/// (is_linear_scm_text); the reader then reports each construct of a discrete model (Bernoulli,
/// domains, tables, CPTs) as an error: a model is either discrete or linear.

#include "rung/scm/linear_scm.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

/// True if a statement of `text` (comments aside) declares an exogenous variable `~ Normal(...)`.
[[nodiscard]] bool is_linear_scm_text(std::string_view text);

/// Parses a linear model; `file` names the source in diagnostics. Throws ParseError listing every
/// problem (`FILE:LINE:COL: error: MESSAGE`), in file order.
[[nodiscard]] LinearScm read_linear_text(std::string_view text, std::string_view file = "");

/// Canonical text: exogenous declarations, cov statements, then mechanisms, in id order.
[[nodiscard]] std::string write_linear_text(const LinearScm& m);

/// A mechanism as text, e.g. `3/2*X - 1/4*Z + 2 + U_Y` (summands as stored, the constant last,
/// left out when 0 unless it is all there is).
[[nodiscard]] std::string to_string(const LinearMechanism& mechanism, const LinearScm& m);

/// The right side of a mechanism parsed: `(name, coefficient)` summands in order, the constant
/// (the sum of the constants written). On a syntax error: `error` says what was expected and
/// `column` (1-based, within `text`) where.
struct ParsedLinearExpression {
  std::vector<std::pair<std::string, Rational>> terms;
  Rational constant;
  std::string error;
  int column = 0;
};
[[nodiscard]] ParsedLinearExpression parse_linear_expression(std::string_view text);

/// `rung show`: variables, distributions, covariances, mechanisms and parents.
[[nodiscard]] std::string describe(const LinearScm& m);
/// The causal graph as Graphviz DOT (exogenous variables dashed, arcs labelled with coefficients).
[[nodiscard]] std::string to_dot(const LinearScm& m);

}  // namespace rung

namespace rung {
/// A number as the linear formats write it: `3`, `-1/4`, `0.35`, `.5` (leading zeros allowed,
/// no exponent); nullopt otherwise (a zero denominator too).
[[nodiscard]] std::optional<Rational> parse_linear_number(std::string_view text);
}  // namespace rung
