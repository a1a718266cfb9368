#pragma once
/// \file
/// The parallel-worlds network of a query: one node per copy of a variable that some world of the
/// query needs, all worlds sharing the exogenous nodes (the same unit u).
///
///     rung::WorldNetwork net(scm);
///     rung::NodeId y0 = net.add(y_in_do_x0);     // Term Y[X=0]
///     rung::NodeId x = net.add(x_factual);       // Term X
///     net.node(y0).kind;                         // WorldNode::Kind::function
///
/// Construction (bottom-up, memoised): the node of variable V in a world whose settings are the
/// context C is
///   - C[V] if V is set in C: a constant node for `V=v`, or, for a nested setting `V=T`, the node
///     of the term T (built in T's own world, any depth);
///   - the exogenous node of V if V is exogenous (shared by every world);
///   - otherwise the function node keyed by (V, the nodes of V's mechanism parents in C).
/// The canonical key makes copies that are provably identical one node: a variable that is not
/// set in either of two worlds and whose parents' copies are identical nodes is the same node, so
/// the factual and counterfactual copies of the non-descendants of an intervention collapse.
///
/// Invariants: node ids are a topological order (a function node's inputs have smaller ids);
/// every node is one returned by add() or an ancestor of one (nothing else is ever built); at most
/// one node exists per exogenous variable, per (variable, constant) and per (variable, inputs).
/// The network refers to the Scm it was built for, which must outlive it.

#include "rung/infer/validate.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace rung {

/// One node of a parallel-worlds network: the copy of a model variable in one or more worlds.
struct WorldNode {
  enum class Kind : std::uint8_t {
    exogenous,  ///< an exogenous variable, shared by all worlds
    constant,   ///< a variable replaced by a constant by an intervention
    function,   ///< a variable computed by its mechanism from the nodes in `inputs`
  };
  Kind kind = Kind::function;
  VarId var = 0;               ///< the model variable this node is a copy of
  Value value = 0;             ///< Kind::constant: the value the intervention sets
  std::vector<NodeId> inputs;  ///< Kind::function: the node read for each mechanism parent, in
                               ///< Mechanism::parents() order (two parents may read one node)
  friend bool operator==(const WorldNode&, const WorldNode&) = default;
};

class WorldNetwork {
 public:
  explicit WorldNetwork(const Scm& scm) : scm_(&scm), exogenous_(scm.size(), kNone), last_function_(scm.size(), kNone) {
    nodes_.reserve(2 * scm.size());
  }

  /// The node holding the value of `term` (building the nodes of every world it needs, nested
  /// worlds included). Adding an equal term again returns the same node. Throws InvalidQuery
  /// for a term that does not fit the model (see rung::check_term).
  NodeId add(const Term& term);

  [[nodiscard]] const Scm& scm() const noexcept { return *scm_; }
  [[nodiscard]] std::size_t size() const noexcept { return nodes_.size(); }
  [[nodiscard]] const WorldNode& node(NodeId id) const { return nodes_.at(id); }
  [[nodiscard]] const std::vector<WorldNode>& nodes() const noexcept { return nodes_; }
  /// Number of values of the node's variable.
  [[nodiscard]] std::size_t cardinality(NodeId id) const { return scm_->domain(nodes_.at(id).var).size(); }

 private:
  using Context = std::vector<std::pair<VarId, NodeId>>;  // sorted by variable
  static constexpr NodeId kNone = std::numeric_limits<NodeId>::max();

  // A query has few worlds and few constants, so contexts and constants are found by linear
  // search, and the rest is indexed by variable: no maps to build for every solve.
  const Scm* scm_;
  std::vector<WorldNode> nodes_;
  std::vector<Context> context_list_;          // by context id
  std::vector<NodeId> memo_;                   // [context * variables + variable] -> node, kNone if not built
  std::vector<NodeId> exogenous_;              // [variable] -> node, kNone if not built
  std::vector<std::pair<std::pair<VarId, Value>, NodeId>> constants_;  // ((variable, value), node)
  // The function nodes of a variable (distinct inputs), as a list linked backwards through
  // previous_function_ (one entry per node; kNone ends the list): two flat vectors, not one
  // vector per variable.
  std::vector<NodeId> last_function_;          // [variable] -> its latest function node
  std::vector<NodeId> previous_function_;      // [node] -> the previous function node of its variable

  NodeId resolve(const Term& term);
  NodeId node_in(VarId var, std::uint32_t context);
  /// The node of a variable set in the context or exogenous (made if new); nullopt for the rest.
  std::optional<NodeId> leaf_in(VarId var, std::uint32_t context);
  NodeId push(WorldNode node);
};

}  // namespace rung
