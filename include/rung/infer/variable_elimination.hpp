#pragma once
/// \file
/// Exact variable elimination over the merged parallel-worlds network (rung::WorldNetwork).
///
///     rung::Rational p = rung::ve::probability<rung::Rational>(scm, probability, limit);
///     std::vector<double> d = rung::ve::distribution<double>(scm, term, evidence, limit);
///
/// Factors: the prior of each exogenous node (dense), and the mechanism of each function node as a
/// FunctionFactor (its table, no scalars). Evidence restricts: an observed node's value is fed
/// to its children's tables, and its own factor becomes [f(inputs) = e] (or P(U = e) for an
/// exogenous node). Values known without any uncertainty are folded away before elimination:
/// constants, exogenous nodes with a one-point prior, and function nodes all of whose inputs are
/// known. Elimination order: greedy min-fill on the interaction graph, ties broken by the
/// smaller weight (product of the cardinalities of the node and its neighbours) and then by the
/// smaller node id. Eliminating a function node substitutes its function into the factors that
/// read it (composition, no arithmetic); eliminating any other node is a sum of products. What is
/// left is the joint P(targets, evidence), from which numerator and denominator are both read.
///
/// Throws rung::TooLarge before allocating any factor of more than max_factor_cells cells, or one
/// that would take the digits the elimination holds past byte_limit(max_factor_cells), and
/// ZeroProbabilityEvidence (with the evidence in query notation) when P(evidence) = 0.

#include "rung/core/rational.hpp"
#include "rung/infer/factor.hpp"
#include "rung/infer/worlds.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace rung::ve {

/// Greedy min-fill order of the nodes with `eliminable[v]` among nodes 0..count-1, on the graph
/// where every clique in `cliques` is complete. Ties: smaller weight (product of the cardinalities
/// of the node and its remaining neighbours, saturating), then smaller id. Deterministic.
[[nodiscard]] std::vector<NodeId> min_fill_order(std::size_t count, const std::vector<std::vector<NodeId>>& cliques,
                                                 std::span<const std::uint32_t> card,
                                                 const std::vector<bool>& eliminable);

/// The unnormalised joint P(targets = t, evidence) over the network, as a factor whose scope is
/// `targets` sorted. Preconditions: targets and evidence are disjoint, and neither contains a
/// constant node. Every node of the network takes part (the network holds only the ancestors of
/// the nodes the caller added).
template <class S>
[[nodiscard]] Factor<S> joint(const WorldNetwork& net, std::vector<NodeId> targets,
                              const std::map<NodeId, Value>& evidence, std::size_t max_factor_cells);

/// The joint of a few terms and some evidence, from one elimination: P(evidence), the
/// probability of events on those terms and each term's distribution, all given the evidence,
/// are read off it (exactly the numbers one elimination per quantity gives).
///
///     rung::ve::Joint<rung::Rational> j(scm, {&y0, &y1}, evidence, limit);
///     j.probability({{y0, 1}, {y1, 0}});   // P(Y[X=0]=1, Y[X=1]=0 | evidence)
///     j.distribution(y0);                  // P(Y[X=0] = v | evidence) for every v
///
/// The factor over the terms has the product of their cardinalities cells: when that exceeds
/// combined_cells, or the joint elimination would exceed max_factor_cells, each accessor runs its
/// own elimination over just the terms it reads instead. The Joint refers to the model, the terms
/// and the evidence, which must outlive it. The constructor throws InvalidQuery for a term or
/// event that does not fit the model; probability() and distribution() throw
/// ZeroProbabilityEvidence when the evidence is non-empty and has probability 0.
template <class S>
class Joint {
 public:
  static constexpr std::size_t combined_cells = 4096;

  Joint(const Scm& scm, std::vector<const Term*> terms, const std::vector<Event>& evidence,
        std::size_t max_factor_cells);
  /// The Joint keeps a reference to the evidence: a temporary would dangle.
  Joint(const Scm& scm, std::vector<const Term*> terms, std::vector<Event>&& evidence,
        std::size_t max_factor_cells) = delete;

  /// P(evidence): 1 for no evidence, 0 for contradictory evidence; never throws.
  [[nodiscard]] S evidence_probability() const;
  /// P(events | evidence). Precondition: every event's term equals one of the terms.
  [[nodiscard]] S probability(const std::vector<Event>& events) const;
  /// P(term = v | evidence) for every value v. Precondition: `term` equals one of the terms.
  [[nodiscard]] std::vector<S> distribution(const Term& term) const;
  /// P(terms = t | evidence) for every combination t of the terms' values, row-major over the
  /// terms in the order given (the last fastest), read off the one factor in a single pass.
  [[nodiscard]] std::vector<S> table() const;

 private:
  Joint(const Scm& scm, std::vector<const Term*> terms, const std::vector<Event>& evidence,
        std::size_t max_factor_cells, bool force_combined);
  void eliminate();
  void check_defined() const;
  [[nodiscard]] std::size_t index_of(const Term& term) const;

  const Scm* scm_;
  std::vector<const Term*> terms_;
  const std::vector<Event>* evidence_;
  std::size_t limit_;
  bool combined_ = true;       ///< factor_ holds all the terms; otherwise each accessor eliminates
  bool contradictory_ = false;  ///< the evidence contradicts itself or an intervention
  std::vector<NodeId> node_;                // per term: its node
  std::vector<std::optional<Value>> point_;  // per term: the value of a constant or observed node
  Factor<S> factor_;                         // P(evidence, the other terms' nodes)
  S evidence_probability_{0};
};

/// P(events | evidence). Throws ZeroProbabilityEvidence if P(evidence) = 0 (evidence non-empty).
template <class S>
[[nodiscard]] S probability(const Scm& scm, const Probability& p, std::size_t max_factor_cells);

/// P(term = v | evidence) for every value v of the term's variable.
template <class S>
[[nodiscard]] std::vector<S> distribution(const Scm& scm, const Term& term, const std::vector<Event>& evidence,
                                          std::size_t max_factor_cells);

/// P(evidence) (1 for no evidence); never throws ZeroProbabilityEvidence.
template <class S>
[[nodiscard]] S evidence_probability(const Scm& scm, const std::vector<Event>& evidence,
                                     std::size_t max_factor_cells);

extern template Factor<Rational> joint(const WorldNetwork&, std::vector<NodeId>, const std::map<NodeId, Value>&,
                                       std::size_t);
extern template Factor<FastRational> joint(const WorldNetwork&, std::vector<NodeId>, const std::map<NodeId, Value>&,
                                       std::size_t);
extern template Factor<double> joint(const WorldNetwork&, std::vector<NodeId>, const std::map<NodeId, Value>&,
                                     std::size_t);
extern template class Joint<Rational>;
extern template class Joint<FastRational>;
extern template class Joint<double>;
extern template Rational probability(const Scm&, const Probability&, std::size_t);
extern template FastRational probability(const Scm&, const Probability&, std::size_t);
extern template double probability(const Scm&, const Probability&, std::size_t);
extern template std::vector<Rational> distribution(const Scm&, const Term&, const std::vector<Event>&, std::size_t);
extern template std::vector<FastRational> distribution(const Scm&, const Term&, const std::vector<Event>&, std::size_t);
extern template std::vector<double> distribution(const Scm&, const Term&, const std::vector<Event>&, std::size_t);
extern template Rational evidence_probability(const Scm&, const std::vector<Event>&, std::size_t);
extern template FastRational evidence_probability(const Scm&, const std::vector<Event>&, std::size_t);
extern template double evidence_probability(const Scm&, const std::vector<Event>&, std::size_t);

}  // namespace rung::ve
