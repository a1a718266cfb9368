#pragma once
/// \file
/// An estimand as a functional of the observed distribution: an expression over probabilities of
/// observed variables — P(targets | given), sums over variables, products and ratios — as the
/// identification algorithms build it, with its printed forms (rung's notation and LaTeX) and its
/// exact value on an observed distribution. (rung::Estimand, in query.hpp, names the standard
/// causal quantities — ATE, NDE, ... — as queries; this is the formula that answers one.)
///
///     Functional e = Functional::sum(z, Functional::product({Functional::prob(y, x | z), Functional::prob(z, 0)}));
///     e.to_string(admg);     // "sum_{Z} P(Y | X, Z) P(Z)"
///     e.evaluate(joint, at); // exact, at the values `at` of its free variables
///
/// Every variable of an estimand stands for its value: a free one takes the value given to
/// evaluate(), a summed one every value of its domain.

#include "rung/core/rational.hpp"
#include "rung/identify/admg.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rung {

/// Where an estimand's probabilities come from: P(targets | given) at given values. The observed
/// joint is one source; the probabilities a generated question states (rounded as its text shows
/// them) are another, so that an estimand can be evaluated on exactly what a reader sees.
class ProbabilitySource {
 public:
  virtual ~ProbabilitySource() = default;
  [[nodiscard]] virtual const Admg& graph() const noexcept = 0;
  /// P(targets = at | given = at) (`at` holds a value for every observed variable; only those
  /// of the two sets are read; `given` may be 0). Throws ZeroProbabilityEvidence when P(given) = 0.
  [[nodiscard]] virtual Rational conditional(VarMask targets, VarMask given, const std::vector<std::uint32_t>& at) const = 0;
};

/// The joint distribution of the observed variables, exact: one probability per combination of
/// values, row-major in the observed variables' index order (the last fastest); and its
/// marginals, computed once each.
class ObservedJoint : public ProbabilitySource {
 public:
  ObservedJoint(const Admg& g, std::vector<Rational> cells);
  /// P(set = the values `at` gives to the set's variables) (`at` holds a value for every observed
  /// variable; only the set's are read).
  [[nodiscard]] const Rational& marginal(VarMask set, const std::vector<std::uint32_t>& at) const;
  [[nodiscard]] const Admg& graph() const noexcept override { return *g_; }
  /// P(targets | given) = P(targets, given) / P(given).
  [[nodiscard]] Rational conditional(VarMask targets, VarMask given, const std::vector<std::uint32_t>& at) const override;

 private:
  using BigInt = boost::multiprecision::mpz_int;
  /// The cells as integers over one common denominator (built by the first marginal()).
  struct Scaled {
    BigInt denominator;
    std::vector<BigInt> numerators;
  };
  const Admg* g_;
  std::vector<Rational> cells_;
  mutable std::optional<Scaled> scaled_;
  mutable std::map<VarMask, std::vector<Rational>> marginals_;
};

class Functional {
 public:
  enum class Kind { prob, sum, product, ratio };

  /// P(targets | given) under the observed distribution (given may be 0).
  [[nodiscard]] static Functional prob(VarMask targets, VarMask given);
  /// The sum over every value of `over` (a no-op for 0).
  [[nodiscard]] static Functional sum(VarMask over, Functional body);
  /// The product of the factors (one factor: itself; none: 1).
  [[nodiscard]] static Functional product(std::vector<Functional> factors);
  [[nodiscard]] static Functional ratio(Functional numerator, Functional denominator);

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] VarMask targets() const noexcept { return targets_; }
  [[nodiscard]] VarMask given() const noexcept { return given_; }
  [[nodiscard]] VarMask summed() const noexcept { return summed_; }
  [[nodiscard]] const std::vector<Functional>& children() const noexcept { return children_; }
  /// The variables whose values the estimand reads and does not sum over.
  [[nodiscard]] VarMask free() const;

  /// Exact value with the free variables at `at` (one value per observed variable). Throws
  /// ZeroProbabilityEvidence when a ratio or a conditional's denominator is 0 at some point
  /// (a positivity violation of the observed distribution).
  [[nodiscard]] Rational evaluate(const ProbabilitySource& p, std::vector<std::uint32_t> at) const;

  /// The same estimand with each term P(targets | given) replaced by P(targets | reduce(targets,
  /// given)): for dropping conditions an independence makes irrelevant (the caller's promise:
  /// P(targets | given) = P(targets | reduce(...)) on every distribution of the graph).
  [[nodiscard]] Functional with_given(const std::function<VarMask(VarMask targets, VarMask given)>& reduce) const;

  /// Every distinct probability term P(targets | given) the estimand reads, as (targets, given),
  /// appended to `out` in first-use order (a term already in `out` is not repeated).
  void terms(std::vector<std::pair<VarMask, VarMask>>& out) const;

  /// "sum_{Z} P(Y | X, Z) P(Z)"; `latex`: "\sum_{z} P(y \mid x, z) P(z)".
  [[nodiscard]] std::string to_string(const Admg& g) const;
  [[nodiscard]] std::string to_latex(const Admg& g) const;
  /// As above, with each free variable v printed as `names[v]` when that is not empty (e.g.
  /// "X=1", or a counterfactual estimand's summed copy "Z'"), and `base[v]` primes added to every
  /// other occurrence of v (`names` and `base` hold one entry per observed variable).
  [[nodiscard]] std::string to_string(const Admg& g, const std::vector<std::string>& names, const std::vector<int>& base) const;
  [[nodiscard]] std::string to_latex(const Admg& g, const std::vector<std::string>& names, const std::vector<int>& base) const;

 private:
  Kind kind_ = Kind::prob;
  VarMask targets_ = 0, given_ = 0, summed_ = 0;
  std::vector<Functional> children_;
  Rational value(const ProbabilitySource& p, std::vector<std::uint32_t>& at) const;
  std::string print(const Admg& g, bool latex, const std::vector<std::string>* names, const std::vector<int>* base) const;
};

}  // namespace rung
