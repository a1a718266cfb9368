#pragma once
/// \file
/// Queries on linear-Gaussian models (docs/notation.md, "Linear models"): moments of potential
/// outcomes in any number of worlds, given evidence in any number of worlds.
///
///     rung::LinearQuery q = rung::parse_linear_query("E(Y[X=1] | X=0, Y=2)", m);
///     rung::to_string(q, m);          // "E(Y[X=1] | X=0, Y=2)"
///
///     E(Y[X=1] | X=0, Y=2)                mean
///     Var(Y[X=1] | X=0)                   variance
///     Cov(Y[X=1], Y[X=0] | Z=1/2)         covariance (several worlds: joint)
///     P(Y[X=1] > 3 | X=0, Y=2)            probability of a half-line (double precision)
///     E(Y | do(X=1), Z=0)                 do(...) folds into every term of the quantity
///     E(Y[X=1, M=M[X=0]]) - E(Y[X=0])     nested settings; sums and differences of quantities
///
/// Values are rationals (`3`, `-1/4`, `0.5`). Semantics as for discrete queries (query.hpp):
/// every term is evaluated for the same unit (the same exogenous values); a nested setting
/// `M=M[X=0]` gives M the value the term M[X=0] takes in its own world.

#include "rung/scm/linear_scm.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace rung {

struct LinearOutcome;

/// `X=x` or `X=<outcome>` inside brackets.
struct LinearSetting {
  VarId var = 0;
  Rational value;                       ///< the constant, when `nested` is empty
  std::vector<LinearOutcome> nested;    ///< empty, or exactly one outcome whose value X takes
  [[nodiscard]] bool is_nested() const noexcept { return !nested.empty(); }
  friend bool operator==(const LinearSetting&, const LinearSetting&) = default;
};

/// A potential outcome `Y[X=1, M=M[X=0]]` (no settings: the factual world). Invariant: settings
/// sorted by var, at most one per variable; none on an exogenous variable.
struct LinearOutcome {
  VarId var = 0;
  std::vector<LinearSetting> settings;
  friend bool operator==(const LinearOutcome&, const LinearOutcome&) = default;
};

/// `outcome = value`, evidence.
struct LinearObservation {
  LinearOutcome outcome;
  Rational value;
  friend bool operator==(const LinearObservation&, const LinearObservation&) = default;
};

/// One quantity: E(a | e), Var(a | e), Cov(a, b | e) or P(a > c | e) / P(a < c | e).
struct LinearQuantity {
  enum class Kind { mean, variance, covariance, probability };
  Kind kind = Kind::mean;
  std::vector<LinearOutcome> outcomes;   ///< one (two for Cov)
  Rational threshold;                    ///< probability only: the c of `a > c`
  bool above = true;                     ///< probability only: `>` (else `<`)
  std::vector<LinearObservation> evidence;
  friend bool operator==(const LinearQuantity&, const LinearQuantity&) = default;
};

/// A signed sum of quantities: `E(Y[X=1]) - E(Y[X=0])`. Usually one part.
struct LinearQuery {
  struct Part {
    int sign = 1;
    LinearQuantity quantity;
    friend bool operator==(const Part&, const Part&) = default;
  };
  std::vector<Part> parts;
  friend bool operator==(const LinearQuery&, const LinearQuery&) = default;
};

/// Parses the notation above against `m`. `Y_{X=0}` is read as `Y[X=0]`; `>=` and `<=` are read as
/// `>` and `<` (the same probability for a continuous variable). Throws InvalidQuery with the
/// 1-based column and what was expected, or naming the unknown variable; a discrete query form
/// (`P(Y=1)`) is refused with a message that says the model is linear.
[[nodiscard]] LinearQuery parse_linear_query(std::string_view text, const LinearScm& m);

/// Canonical notation (settings sorted by variable id, no do()): parses back to the same query.
[[nodiscard]] std::string to_string(const LinearQuery& q, const LinearScm& m);
[[nodiscard]] std::string to_string(const LinearQuantity& q, const LinearScm& m);
[[nodiscard]] std::string to_string(const LinearOutcome& t, const LinearScm& m);
[[nodiscard]] std::string to_string(const std::vector<LinearObservation>& evidence, const LinearScm& m);

/// 1 if no outcome has settings; 2 if each quantity's outcomes share one set of constant
/// settings; 3 otherwise.
[[nodiscard]] int rung_of(const LinearQuery& q);

/// The named estimands on a linear model, treatment x = `treated`, baseline x' = `control`:
///   ATE = E(Y[X=x]) - E(Y[X=x'])             ETT = E(Y[X=x] | X=x) - E(Y[X=x'] | X=x)
///   NDE = E(Y[X=x, M=M[X=x']]) - E(Y[X=x'])  NIE = E(Y[X=x', M=M[X=x]]) - E(Y[X=x'])
/// `kind` is "ate", "ett", "nde" or "nie"; names must be endogenous (InvalidQuery otherwise).
[[nodiscard]] LinearQuery make_linear_estimand(std::string_view kind, const std::string& treatment,
                                               const std::string& mediator, const std::string& outcome,
                                               const Rational& treated, const Rational& control, const LinearScm& m);

}  // namespace rung
