#pragma once
/// \file
/// Bounds on causal quantities the data do not identify, exact (docs/identification.md, "Bounds"):
/// linear-programming bounds over canonical response-function models for P(y | do(x)) and
/// differences of two of them (Balke & Pearl 1997), and Tian & Pearl's (2000) closed-form bounds
/// on the probabilities of causation PN, PS, PNS of a binary treatment and outcome.
///
///     const ResponseFunctionLp lp(observed_joint(scm, g));    // Z -> X -> Y, X <-> Y
///     Bounds b = lp.effect(y, x, at);                         // on P(Y=1 | do(X=1))
///     Bounds ate = lp.difference(y, x, at, at_prime);         // on P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))
///     lp.sharp();                                             // true: no tighter bounds exist
///     Bounds ett = lp.bounds(parse_query("E(Y[X=1] | X=0) - E(Y[X=0] | X=0)", scm), scm);  // counterfactual
///
///     Bounds pns = pns_bounds(causation_data(scm, estimand)); // from P(X, Y), P(y_x), P(y_x')

#include "rung/identify/functional.hpp"
#include "rung/identify/identify.hpp"
#include "rung/identify/linear_program.hpp"
#include "rung/query/query.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace rung {

/// Response-function programs above this many columns are refused (TooLarge).
inline constexpr std::uint64_t kMaxResponseColumns = std::uint64_t{1} << 14;
/// ... and above this many tableau entries (constraint rows times columns).
inline constexpr std::uint64_t kMaxResponseEntries = std::uint64_t{1} << 22;

/// The canonical response-function model of an ADMG and its observed distribution, as a linear
/// program. The observed variables with no parents and no bidirected arc are free roots: the
/// model conditions on them. Every other observed variable V gets a response type, a function
/// from the values of its observed parents to its own values (|V|^(product of its parents'
/// sizes) of them); one column per tuple of response types of the non-roots, and q, the unknown,
/// is a distribution over the tuples, independent of the roots. For every root assignment w with
/// P(w) > 0 and every assignment v of the non-roots, the tuples that produce v from w carry
/// P(v | w) (so q sums to 1). An interventional probability is linear in q:
/// P(y | do(x)) = sum_w P(w) sum_t q(t) [the tuple t, the roots w and do(x) give y], and the LP's
/// minimum and maximum bound it.
///
/// Valid for every model of the graph with this observed distribution: each non-root's
/// mechanism, seen from its observed parents, is one of its response types, chosen by latent
/// variables that no root depends on. Sharp — some model of the graph attains each bound — when
/// every two non-roots share a bidirected arc (the instrument Z -> X -> Y with X <-> Y; the bow
/// arc): the model whose one latent is the tuple of types, drawn from the optimal q, has this very
/// graph. Otherwise (several c-components, or one whose members are not all pairwise
/// confounded) the LP drops the independence between latents that the graph asserts, a
/// nonlinear constraint: the bounds hold, but may not be the tightest.
///
/// Counterfactual queries (bounds()): in the canonical model each pair (root assignment w, tuple
/// of types t) fixes every observed variable in every world, nested ones included, so the
/// probability of a joint counterfactual event and factual evidence is linear in q, and divided
/// by the evidence's observed probability (a constant of the data) it stays linear. The validity
/// argument carries over unchanged (interventions act on observed variables only, so each
/// non-root answers every world through the same response type). So does sharpness: the model
/// with one latent drawn from the optimal q reproduces the observed distribution and gives, in
/// every world at once, exactly the objective's value at q.
///
/// Throws TooLarge above kMaxResponseColumns columns or kMaxResponseEntries tableau entries,
/// Error when no q fits the observed distribution (it is not one this graph can produce).
class ResponseFunctionLp {
 public:
  /// `options` choose the simplex's pivoting and whether it solves in doubles first (certified
  /// exactly either way: LinearProgram); the tests compare both.
  explicit ResponseFunctionLp(const ObservedJoint& p, LpOptions options = {});

  /// Bounds on P(y | do(x)) at the values `at` gives to y and x (one value per observed
  /// variable). y not empty and disjoint from x; InvalidQuery otherwise.
  [[nodiscard]] Bounds effect(VarMask y, VarMask x, const std::vector<std::uint32_t>& at) const;
  /// Bounds on P(y | do(x)) - P(y | do(x')): y and x at their values in `at`, then in `at_prime`
  /// (an ATE-type contrast when only x's values differ).
  [[nodiscard]] Bounds difference(VarMask y, VarMask x, const std::vector<std::uint32_t>& at,
                                  const std::vector<std::uint32_t>& at_prime) const;

  /// Bounds on `q`, parsed against `scm` (the model whose observed variables the program's graph
  /// holds): a signed sum of probabilities P(events | evidence) and expectations
  /// E(term | evidence) of numeric-valued variables, whose events and terms may live in any
  /// worlds (settings to constants or to nested terms: E(Y[X=1, M=M[X=0]])) and whose evidence,
  /// if any, is factual (terms without settings). ETT, NDE, NIE, PNS, PN and interventional
  /// queries are all of this form. Throws InvalidQuery for evidence in an intervened world (the
  /// quantity is then a ratio of two unknowns, not linear in q), for a hidden variable anywhere in
  /// the query, or a model that does not match the graph; ZeroProbabilityEvidence when the
  /// observed probability of the evidence is 0.
  [[nodiscard]] Bounds bounds(const Query& q, const Scm& scm) const;
  /// The linear objective bounds() optimises (one coefficient per column), for checks that build
  /// the attaining model from an optimal q.
  [[nodiscard]] std::vector<Rational> coefficients(const Query& q, const Scm& scm) const;
  /// An optimal q (LpResult::solution) for the minimum or maximum of an objective.
  [[nodiscard]] LpResult minimize(const std::vector<Rational>& c) const { return lp_->minimize(c); }
  [[nodiscard]] LpResult maximize(const std::vector<Rational>& c) const { return lp_->maximize(c); }
  /// The value non-root `v` (an observed index) takes in column `column` when its observed
  /// parents, in index order, have configuration `config` (mixed radix, the last parent fastest).
  [[nodiscard]] std::uint32_t response(std::uint64_t column, int v, std::uint64_t config) const;

  /// True when the bounds are sharp (every two non-roots are joined by a bidirected arc).
  [[nodiscard]] bool sharp() const noexcept { return sharp_; }
  /// Whether the program of `g` gives sharp bounds, without building it.
  [[nodiscard]] static bool sharp_for(const Admg& g);
  /// The variables that get response types (all observed but the free roots).
  [[nodiscard]] static VarMask non_roots(const Admg& g);
  [[nodiscard]] VarMask roots() const noexcept { return roots_; }
  [[nodiscard]] std::uint64_t columns() const noexcept { return columns_; }
  /// Constraint rows before and after phase 1 dropped the redundant ones.
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t rank() const noexcept { return lp_->rank(); }
  /// Simplex pivots so far (for the benchmarks).
  [[nodiscard]] std::size_t pivots() const noexcept { return lp_->pivots(); }
  /// Objectives the exact simplex solved because the doubles' basis failed its certificate.
  [[nodiscard]] std::size_t fallbacks() const noexcept { return lp_->fallbacks(); }
  /// The number of columns the program of `g` would have, counted without building it (capped
  /// just above kMaxResponseColumns), to decide whether to ask for it.
  [[nodiscard]] static std::uint64_t count_columns(const Admg& g);

 private:
  Admg g_;
  VarMask roots_ = 0;
  bool sharp_ = false;
  std::uint64_t columns_ = 0;
  std::size_t rows_ = 0;
  std::vector<int> non_roots_;                  ///< in index order
  std::vector<int> position_;                   ///< observed index -> place in non_roots_, or -1
  std::vector<std::vector<int>> parents_;       ///< each non-root's observed parents, in index order
  std::vector<std::uint64_t> types_;            ///< each non-root's number of response types
  std::vector<std::vector<std::vector<std::uint32_t>>> tables_;  ///< [non-root][type][parent configuration] -> value
  /// The root assignments w with P(w) > 0 (one value per observed variable, the roots' set), and P(w).
  std::vector<std::pair<std::vector<std::uint32_t>, Rational>> worlds_;
  /// P(v | w_k) for every world k above and assignment v of the non-roots (the program's
  /// right-hand side, row k * outcomes_ + v), to weigh factual evidence.
  std::vector<Rational> observed_;
  std::uint64_t outcomes_ = 0;
  std::shared_ptr<const LinearProgram> lp_;

  /// The response type of each non-root in column `column` (mixed radix, the last fastest).
  [[nodiscard]] std::vector<std::uint64_t> types_of(std::uint64_t column) const;
  [[nodiscard]] std::vector<Rational> objective(VarMask y, VarMask x, const std::vector<std::uint32_t>& at) const;
  /// Fills `values` (the roots' already set) with the observed variables' values under do(x) at
  /// `at`, each non-root answering by its response type in `types`.
  void evaluate(std::vector<std::uint32_t>& values, VarMask x, const std::vector<std::uint32_t>& at,
                const std::vector<std::uint64_t>& types) const;
  [[nodiscard]] Bounds optimise(const std::vector<Rational>& c) const;
  /// The observed index of model variable `var`, or InvalidQuery naming it (hidden, or not this
  /// graph's model).
  [[nodiscard]] int observed_index(VarId var, const Scm& scm) const;
  /// The value of `term` in the world its settings make, for root values `world` and types `types`.
  [[nodiscard]] std::uint32_t value_of(const Term& term, const Scm& scm, const std::vector<std::uint32_t>& world,
                                       const std::vector<std::uint64_t>& types) const;
};

/// What Tian & Pearl's bounds read, for a binary treatment X (x treated, x' not) and outcome Y
/// (y the outcome, y' its absence): the observational P(X, Y), and on request the experimental
/// P(y_x) = P(Y=y | do(X=x)) and P(y_x') = P(Y=y | do(X=x')) — both or neither.
struct CausationData {
  Rational xy, xy_prime, x_prime_y, x_prime_y_prime;  ///< P(x, y), P(x, y'), P(x', y), P(x', y')
  std::optional<Rational> y_x, y_x_prime;             ///< P(y_x), P(y_x')
};

/// The data of `e` (PN, PS or PNS: its treatment, outcome and their two values) from the model:
/// the observational joint by solve(), and with `experimental` the two interventional answers.
/// InvalidQuery for another kind of estimand.
[[nodiscard]] CausationData causation_data(const Scm& scm, const Estimand& e, bool experimental = true);

/// Tian & Pearl (2000), Theorems 1-2 (and the observational-only bounds): sharp bounds on
///   PNS = P(y_x, y'_x'), from experimental and observational data
///     max{0, P(y_x) - P(y_x'), P(y) - P(y_x'), P(y_x) - P(y)}
///       <= PNS <= min{P(y_x), P(y'_x'), P(x, y) + P(x', y'), P(y_x) - P(y_x') + P(x, y') + P(x', y)},
///     from observational data alone 0 <= PNS <= P(x, y) + P(x', y');
///   PN = P(y'_x' | x, y)
///     max{0, (P(y) - P(y_x')) / P(x, y)} <= PN <= min{1, (P(y'_x') - P(x', y')) / P(x, y)},
///     observational alone [0, 1];
///   PS = P(y_x | x', y')
///     max{0, (P(y_x) - P(y)) / P(x', y')} <= PS <= min{1, (P(y_x) - P(x, y)) / P(x', y')},
///     observational alone [0, 1].
/// Throws InvalidQuery when the data are not probabilities or contradict each other (the
/// experimental P(y_x) outside [P(x, y), 1 - P(x, y')], or P(y_x') outside
/// [P(x', y), 1 - P(x', y')]: no model has both), ZeroProbabilityEvidence when PN's P(x, y) or
/// PS's P(x', y') is 0.
[[nodiscard]] Bounds pns_bounds(const CausationData& d);
[[nodiscard]] Bounds pn_bounds(const CausationData& d);
[[nodiscard]] Bounds ps_bounds(const CausationData& d);

}  // namespace rung
