#pragma once
/// \file
/// Linear-Gaussian structural causal models (issue #20): continuous endogenous variables with
/// linear mechanisms over Normal exogenous variables, every parameter an exact rational.
///
///     rung::LinearScmBuilder b;
///     b.exogenous("U_X", 0, 1);                                   // U_X ~ Normal(0, 1)
///     b.exogenous("U_Y", 0, rung::Rational(1, 2));
///     b.covariance("U_X", "U_Y", rung::Rational(1, 3));          // cov(U_X, U_Y) = 1/3
///     b.endogenous("X", {{"U_X", 1}}, 0);                        // X := U_X
///     b.endogenous("Y", {{"X", rung::Rational(3, 2)}, {"U_Y", 1}}, 2);   // Y := 3/2*X + U_Y + 2
///     rung::LinearScm m = b.build();   // throws InvalidModel listing every problem
///
/// Invariants of a built LinearScm (checked once, by the builder; the model is immutable):
/// - names are unique, made of letters, digits and '_', starting with a letter or '_';
/// - ids: exogenous variables first, in declaration order, then endogenous in declaration order;
/// - every exogenous variable has a rational mean and a variance >= 0; the covariance matrix of
///   the exogenous variables (variances on the diagonal, the declared `cov` entries off it, 0
///   elsewhere) is positive semi-definite, checked exactly;
/// - every endogenous variable has one mechanism `sum of coefficient*variable + constant`, each
///   variable at most once, none of them itself; the graph read off the mechanisms is acyclic.
/// A model is either discrete (rung::Scm) or linear: the two never mix.

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"
#include "rung/graph/dag.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

using VarId = NodeId;  // as in mechanism.hpp

/// One summand `coefficient * var` of a linear mechanism.
struct Coefficient {
  VarId var = 0;
  Rational value;
  friend bool operator==(const Coefficient&, const Coefficient&) = default;
};

/// `V := sum of coefficient*var + constant`; summands in the order written (each var once).
struct LinearMechanism {
  std::vector<Coefficient> coefficients;
  Rational constant;
  friend bool operator==(const LinearMechanism&, const LinearMechanism&) = default;
};

/// One variable of a linear model. Exogenous: `mean`, `variance` (Normal); endogenous: `mechanism`.
struct LinearVariable {
  std::string name;
  bool exogenous = false;
  Rational mean;
  Rational variance;
  LinearMechanism mechanism;
  friend bool operator==(const LinearVariable&, const LinearVariable&) = default;
};

/// A declared covariance `cov(a, b) = value` between two exogenous variables (a < b by id).
struct Covariance {
  VarId a = 0;
  VarId b = 0;
  Rational value;
  friend bool operator==(const Covariance&, const Covariance&) = default;
};

class LinearScm {
 public:
  [[nodiscard]] std::size_t size() const noexcept { return variables_.size(); }
  [[nodiscard]] const std::vector<LinearVariable>& variables() const noexcept { return variables_; }
  [[nodiscard]] const LinearVariable& variable(VarId id) const { return variables_.at(id); }
  [[nodiscard]] const std::string& name(VarId id) const { return variables_.at(id).name; }
  [[nodiscard]] bool is_exogenous(VarId id) const { return variables_.at(id).exogenous; }
  [[nodiscard]] std::optional<VarId> find(std::string_view name) const { return dag_.find(name); }
  /// Number of exogenous variables: their ids are 0..exogenous_count()-1.
  [[nodiscard]] std::size_t exogenous_count() const noexcept { return exogenous_count_; }
  [[nodiscard]] std::vector<VarId> exogenous() const;
  [[nodiscard]] std::vector<VarId> endogenous() const;
  /// The mechanism of an endogenous variable (precondition: endogenous).
  [[nodiscard]] const LinearMechanism& mechanism(VarId id) const { return variables_.at(id).mechanism; }
  /// The declared covariances, sorted by (a, b); each pair once.
  [[nodiscard]] const std::vector<Covariance>& covariances() const noexcept { return covariances_; }
  /// Cov(U_a, U_b) of two exogenous variables (the variance when a == b; 0 when undeclared).
  [[nodiscard]] Rational covariance(VarId a, VarId b) const;
  /// The causal graph over all variables (exogenous included), ids as in the model.
  [[nodiscard]] const Dag& dag() const noexcept { return dag_; }
  /// Endogenous variables in the Dag's deterministic topological order.
  [[nodiscard]] const std::vector<VarId>& evaluation_order() const noexcept { return order_; }

  friend bool operator==(const LinearScm& a, const LinearScm& b) {
    return a.variables_ == b.variables_ && a.covariances_ == b.covariances_;
  }

 private:
  friend class LinearScmBuilder;
  std::vector<LinearVariable> variables_;
  std::vector<Covariance> covariances_;
  std::size_t exogenous_count_ = 0;
  Dag dag_;
  std::vector<VarId> order_;
};

/// Collects declarations in any order, then checks everything at once (as ScmBuilder does).
class LinearScmBuilder {
 public:
  /// `name ~ Normal(mean, variance)`; `at` locates the name, `parameters` the variance.
  LinearScmBuilder& exogenous(std::string name, Rational mean, Rational variance, Location at = {},
                              Location parameters = {});
  /// `name := sum of coefficient*variable + constant`; `terms` name the variables (each once).
  LinearScmBuilder& endogenous(std::string name, std::vector<std::pair<std::string, Rational>> terms, Rational constant,
                               Location at = {}, Location rhs = {});
  /// `cov(a, b) = value` between two exogenous variables.
  LinearScmBuilder& covariance(std::string a, std::string b, Rational value, Location at = {});

  /// Every problem, each with the position given at declaration, ordered by position.
  [[nodiscard]] std::vector<Diagnostic> problems() const;
  /// Builds the model. Throws InvalidModel whose message lists every problem, one a line.
  [[nodiscard]] LinearScm build() const;

 private:
  struct Exo {
    std::string name;
    Rational mean, variance;
    Location at, parameters;
  };
  struct Endo {
    std::string name;
    std::vector<std::pair<std::string, Rational>> terms;
    Rational constant;
    Location at, rhs;
  };
  struct Cov {
    std::string a, b;
    Rational value;
    Location at;
  };
  std::vector<Exo> exogenous_;
  std::vector<Endo> endogenous_;
  std::vector<Cov> covariances_;
  std::optional<LinearScm> try_build(std::vector<Diagnostic>& problems) const;
};

/// Whether a symmetric rational matrix (row-major, n x n) is positive semi-definite, exactly, by
/// an LDLᵀ elimination that accepts zero pivots whose rows are zero. On failure, `why` (if given)
/// receives the index k of the first variable whose conditional variance given the earlier ones
/// is negative (`negative` true, `value` that variance), or zero while it still covaries with a
/// later variable j (`negative` false, `value` that covariance, `other` = j).
struct PsdFailure {
  std::size_t index = 0;
  std::size_t other = 0;
  bool negative = true;
  Rational value;
};
[[nodiscard]] bool is_positive_semidefinite(std::vector<Rational> matrix, std::size_t n, PsdFailure* why = nullptr);

}  // namespace rung
