#pragma once
/// \file
/// Identification of counterfactual queries from the observed distribution: the ID* and IDC*
/// algorithms of Shpitser & Pearl (2007, "What counterfactuals can be tested"; 2008, "Complete
/// identification methods for the causal hierarchy"), each interventional factor they leave
/// identified in turn by the ID algorithm (identify.hpp).
///
///     const Admg g = Admg::of(scm, scm.hidden());
///     const CounterfactualIdentification r = identify_counterfactual(g, parse_query("P(Y[X=1]=1 | X=0)", scm), scm);
///     if (r.identifiable) r.estimand->to_string(g);  // "[sum_{Z} P(Y=1 | X=1, Z) P(X=0, Z)] / [P(X=0)]"
///     else r.reason;
///
/// A query is reduced to conjunctions of counterfactual events with constant values: an
/// expectation is the sum of its outcome's values times their probabilities, a nested setting
/// Y[X=x, M=M[X=x']] the sum over m of the joint event Y[X=x, M=m] = y, M[X=x'] = m (which is
/// the same event), a difference of parts a difference of estimands. Each conditional
/// P(gamma | delta) is IDC*: P(gamma, delta) / P(delta), both by ID*.
///
/// docs/identification.md lists what "not identifiable" means here, and where this
/// implementation is conservative: a decision that would compare a summed value with another
/// value symbolically is not taken (the query is reported not identifiable; never a wrong
/// estimand).

#include "rung/identify/admg.hpp"
#include "rung/identify/functional.hpp"
#include "rung/query/query.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rung {

/// A value inside a counterfactual estimand: a constant value of a variable, or a summed slot
/// (an index into the estimand's slots).
struct CfValue {
  bool is_slot = false;
  std::uint32_t index = 0;  ///< the value, or the slot
  friend bool operator==(const CfValue&, const CfValue&) = default;
  friend auto operator<=>(const CfValue&, const CfValue&) = default;
};

/// An expression over the observed distribution with summed slots: a linear combination, sums
/// over slots, products and ratios of interventional factors, each factor an ID estimand
/// (`Functional`) whose free variables are bound to constants or slots.
class CfExpr {
 public:
  enum class Kind { constant, factor, sum, product, ratio, linear };

  [[nodiscard]] static CfExpr constant(Rational c);
  /// `f` with its free variable v at `bind[v]` (one entry per observed variable).
  [[nodiscard]] static CfExpr factor(Functional f, std::vector<CfValue> bind);
  [[nodiscard]] static CfExpr sum(std::vector<int> slots, CfExpr body);
  [[nodiscard]] static CfExpr product(std::vector<CfExpr> factors);
  /// `evidence`: the event the denominator is the probability of, in query notation (named by
  /// ZeroProbabilityEvidence when it is 0).
  [[nodiscard]] static CfExpr ratio(CfExpr numerator, CfExpr denominator, std::string evidence);
  /// sum_i coefficient_i * term_i.
  [[nodiscard]] static CfExpr linear(std::vector<Rational> coefficients, std::vector<CfExpr> terms);

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] bool is_zero() const noexcept { return kind_ == Kind::constant && constant_ == 0; }

 private:
  friend class CounterfactualEstimand;
  Kind kind_ = Kind::constant;
  Rational constant_{0};
  std::optional<Functional> functional_;
  std::vector<CfValue> bind_;
  std::vector<int> slots_;
  std::vector<CfExpr> children_;
  std::vector<Rational> coefficients_;
  std::string evidence_;
};

/// The estimand of a counterfactual query: an expression and the variable of each slot.
class CounterfactualEstimand {
 public:
  CounterfactualEstimand(CfExpr root, std::vector<int> slot_vars) : root_(std::move(root)), slot_vars_(std::move(slot_vars)) {}
  /// Exact value on the observed distribution `p`. Throws ZeroProbabilityEvidence when a
  /// denominator is 0 (the query's evidence, or a positivity violation of p).
  [[nodiscard]] Rational evaluate(const ProbabilitySource& p) const;
  /// The same estimand with every factor's terms reduced (Functional::with_given).
  [[nodiscard]] CounterfactualEstimand with_given(const std::function<VarMask(VarMask targets, VarMask given)>& reduce) const;
  /// Every distinct probability term P(targets | given) the estimand reads (Functional::terms).
  [[nodiscard]] std::vector<std::pair<VarMask, VarMask>> terms() const;
  /// "[sum_{Z} P(Y=1 | X=1, Z) P(X=0, Z)] / [P(X=0)]": constants as `X=1`, slots by name
  /// (primed when a variable has several).
  [[nodiscard]] std::string to_string(const Admg& g) const;
  [[nodiscard]] std::string to_latex(const Admg& g) const;
  [[nodiscard]] const CfExpr& root() const noexcept { return root_; }

 private:
  CfExpr root_;
  std::vector<int> slot_vars_;
  [[nodiscard]] Rational value(const CfExpr& e, const ProbabilitySource& p, std::vector<std::uint32_t>& slots) const;
  static void terms(const CfExpr& e, std::vector<std::pair<VarMask, VarMask>>& out);
  static CfExpr with_given(const CfExpr& e, const std::function<VarMask(VarMask, VarMask)>& reduce);
  struct PrintScope {
    std::vector<int> bound;               ///< per variable: slots of it bound around the point printed
    std::vector<std::string> slot_names;  ///< per slot, once bound
  };
  [[nodiscard]] std::string print(const CfExpr& e, const Admg& g, bool latex) const;
  [[nodiscard]] std::string print(const CfExpr& e, const Admg& g, bool latex, PrintScope& scope) const;
};

struct CounterfactualIdentification {
  bool identifiable = false;
  std::optional<CounterfactualEstimand> estimand;
  std::string reason;  ///< why not identifiable, in words
  /// How many conjunctions P(gamma | delta) the query was reduced to (expectations and nested
  /// settings are sums over values).
  std::size_t conjunctions = 0;
  /// How many times IDC*'s line 4 turned an evidence event into an intervention (0 when the
  /// plain ratio P(gamma, delta) / P(delta) identified the query).
  int evidence_moved = 0;
};

/// Identifies `q` (any rung; probabilities, expectations, nested settings in events, evidence
/// in any world, signed sums of parts) on the observed variables of `g`. Throws InvalidQuery
/// for a hidden variable in the query, a nested setting in evidence, or a query that would be
/// reduced to more than 4,096 conjunctions; ZeroProbabilityEvidence when the evidence is
/// impossible in every model (e.g. X[X=1]=0).
[[nodiscard]] CounterfactualIdentification identify_counterfactual(const Admg& g, const Query& q, const Scm& scm);

}  // namespace rung
