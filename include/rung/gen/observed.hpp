#pragma once
/// \file
/// What a question states when it gives only observed quantities (`--given observed`): the
/// probabilities an identification formula reads, as CLadder's text states them, with their exact
/// values and the values the text shows (whole percentages), and the formula evaluated on either.
///
///     auto stated = stated_probabilities(g, estimand.terms(), joint, /*joints=*/false);
///     StatedSource shown(g, stated, /*shown=*/true);
///     Rational from_text = estimand.evaluate(shown);        // what a reader of the text computes
///     sentence(g, stated[0]);   // "For those who are not X and are V3, the probability of Y is 31%."
///
/// A term P(T | G) of the formula is stated by the chain rule over T in index (topological)
/// order: P(t | G, the earlier t's) for each t, every value of the conditions. With `joints`,
/// a two-variable term without conditions P(A, B) is stated as CLadder states correlations:
/// P(A) and P(A = a, B = 1) for each a. Only binary variables are stated (P(V = 1 | ...)).

#include "rung/core/rational.hpp"
#include "rung/identify/admg.hpp"
#include "rung/identify/counterfactual.hpp"
#include "rung/identify/functional.hpp"
#include "rung/graph/dag.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rung {

/// One stated number: P(target = 1 | given = at), or with `joint` set P(joint = at, target = 1).
struct StatedProbability {
  int target = 0;                 ///< observed index (Admg) of the variable stated
  VarMask given = 0;              ///< conditions (their values in `at`)
  VarMask joint = 0;              ///< a joint statement's other variables (given is 0 then)
  std::vector<std::uint32_t> at;  ///< one value per observed variable; only given's or joint's are read
  Rational exact;                 ///< the value under the model
  Rational shown;                 ///< the value as the text shows it: `exact` rounded to a whole percent
};

/// The conditions of P(targets | given) that matter: `given` with conditions dropped one at a
/// time (the last first) while the targets stay m-separated from the dropped ones given the rest
/// in `g` (Admg::m_separated), so that P(targets | given) = P(targets | result) on every
/// distribution of that graph.
[[nodiscard]] VarMask relevant_given(const Admg& g, VarMask targets, VarMask given);

/// The observed distribution of `set` (in index order, which is topological) by the chain rule,
/// each term's conditions reduced by relevant_given: prod_{v in set} P(v | relevant earlier
/// members of set).
[[nodiscard]] Functional factorization(const Admg& g, VarMask set);

/// A probability as the generator's texts show it: "46%" when a whole (or exact) percentage,
/// else the fraction ("1/3").
[[nodiscard]] std::string percent_text(const Rational& p);

/// `p` rounded to a whole percent, half up (CLadder's rounding): 0.315 -> 0.32.
[[nodiscard]] Rational whole_percent(const Rational& p);

/// The numbers that state `terms` (Estimand terms (targets, given)), valued by `exact`, in a
/// stable order: by target in index order, then by conditions, then by their values (the first
/// condition the most significant). Throws Error for a stated variable that is not binary.
[[nodiscard]] std::vector<StatedProbability> stated_probabilities(const Admg& g, const std::vector<std::pair<VarMask, VarMask>>& terms,
                                                                  const ProbabilitySource& exact, bool joints);

/// The stated numbers as a probability source (exact or as shown): P(T | G) by the chain rule
/// over the statements; a pair P(A, B), or P(B | A), from joint statements. Throws Error when a term needs a
/// number that is not stated (a bug of the caller), ZeroProbabilityEvidence when a shown
/// denominator is 0.
class StatedSource : public ProbabilitySource {
 public:
  StatedSource(const Admg& g, const std::vector<StatedProbability>& stated, bool shown);
  [[nodiscard]] const Admg& graph() const noexcept override { return *g_; }
  [[nodiscard]] Rational conditional(VarMask targets, VarMask given, const std::vector<std::uint32_t>& at) const override;

 private:
  const Admg* g_;
  const std::vector<StatedProbability>* stated_;
  bool shown_;
  /// P(target = 1 | given = at) or P(joint = at, target = 1) as stated; nullptr when not stated.
  [[nodiscard]] const Rational* find(int target, VarMask given, VarMask joint, const std::vector<std::uint32_t>& at) const;
};

/// The stated numbers of a factorization of `set` (one statement family per variable of the set,
/// as factorization() and stated_probabilities() give them) as a probability source for any
/// P(T | G) with T and G inside the set: the joint of the set is the product of the stated
/// conditionals (exact or as shown), marginals and conditionals are read off it. For a formula
/// whose terms the text does not state one by one (an undetermined item's, docs/generator.md).
/// Throws Error for a variable outside the set or a set of more than 16 variables,
/// ZeroProbabilityEvidence when P(G) is 0.
class FactorizedSource : public ProbabilitySource {
 public:
  FactorizedSource(const Admg& g, const std::vector<StatedProbability>& stated, bool shown, VarMask set);
  [[nodiscard]] const Admg& graph() const noexcept override { return *g_; }
  [[nodiscard]] Rational conditional(VarMask targets, VarMask given, const std::vector<std::uint32_t>& at) const override;

 private:
  const Admg* g_;
  VarMask set_;
  std::vector<int> vars_;        ///< the set's variables, in index order
  std::vector<Rational> joint_;  ///< P(set = code), the first variable the most significant bit
  [[nodiscard]] Rational marginal(VarMask of, const std::vector<std::uint32_t>& at) const;
};

/// The variables a statement in observed quantities may hide beside `base` (always hidden: an
/// unobserved common cause), split by what hiding each does to `query`: identified from the
/// remaining observed variables (ID*/IDC*), or not identified while the formula that ignores the
/// hidden common causes (the same graph without bidirected arcs) identifies it (an
/// undetermined item's reading). A candidate in neither list is left out. In `candidates`' order.
struct HiddenClasses {
  struct Candidate {
    std::string name;
    /// The form of the statement the candidate's hiding gives: how many numbers are stated, how
    /// many of them are overall (unconditional) probabilities, and the number of conditions of
    /// `x`'s and of `y`'s statements (what a reader sees first; 99 when not stated); then where
    /// the stated graph puts the candidate: 1 when it is a direct cause of `x` (else 0), 1 when
    /// it is one of `y`.
    std::vector<std::size_t> form;
  };
  std::vector<Candidate> determined;
  std::vector<Candidate> undetermined;
};
[[nodiscard]] HiddenClasses hidden_classes(const Scm& model, const Query& query, const std::vector<std::string>& base,
                                           const std::vector<std::string>& candidates, const std::string& x, const std::string& y);

/// What a question about `query` states when the variables `hidden` (of `model`) are unobserved
/// (the ladder preset's `--given observed`, docs/generator.md): the observed distribution of the
/// ancestors of what the formula reads, factorized by the chain rule (factorization()), each
/// number exact (`shown` == `exact`); the formula is the query's own (identified) or the one that
/// ignores the hidden common causes (undetermined), its conditions reduced by relevant_given().
struct ObservedStatement {
  std::shared_ptr<const Admg> admg;  ///< the observed graph (the formula's indices are its)
  std::shared_ptr<const ObservedJoint> joint;  ///< the model's distribution of its variables
  VarMask set = 0;                   ///< the variables whose distribution is stated
  std::vector<StatedProbability> stated;
  std::optional<CounterfactualEstimand> estimand;  ///< the formula a reader evaluates
  bool undetermined = false;                       ///< the observed variables do not identify the query
  std::string reason;                              ///< why not (undetermined)
  Rational from_text;                              ///< the formula on the stated numbers
  /// The formula that ignores the hidden common causes, on the stated numbers, when the graph has
  /// any (the assume_identifiable mistake; an undetermined item's from_text).
  std::optional<Rational> assume_identifiable;
};

/// The statement for `query` with `hidden` unobserved; nullopt when neither the query's formula
/// nor (with `undetermined`) the one ignoring the hidden common causes exists, when the query is
/// identified but `undetermined` asks otherwise (or the other way round), when more than
/// `max_numbers` numbers would be stated, or when a stated condition has probability 0. Throws
/// Error when an identified formula on the exact stated numbers differs from `value` (a bug).
[[nodiscard]] std::optional<ObservedStatement> observed_statement(const Scm& model, const Query& query,
                                                                  const std::vector<std::string>& hidden, bool undetermined,
                                                                  const Rational& value, std::size_t max_numbers);

/// CLadder's sentence for a statement, with the shown value: "The overall probability of X is
/// 64%.", "For those who are not X and are V3, the probability of Y is 31%.", "The probability of
/// not X and Y is 8%.".
[[nodiscard]] std::string sentence(const Admg& g, const StatedProbability& s);

/// CLadder's sentence for a variable's children (at least one): "Kwox has a direct effect on blaf,
/// zup and wemb."
[[nodiscard]] std::string effect_sentence(const std::string& cause, const std::vector<std::string>& children);

/// The statement in rung's notation: "P(Y=1 | X=0, V3=1)", "P(X=0, Y=1)".
[[nodiscard]] std::string notation(const Admg& g, const StatedProbability& s);

}  // namespace rung
