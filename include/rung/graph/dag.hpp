#pragma once
/// \file
/// Directed acyclic graph with stable node ids and names, on Boost.Graph.
///
///     rung::Dag g = rung::Dag::parse("Z->X; Z->Y; X->Y");
///     auto x = *g.find("X");
///     g.topological_order();                 // ids, ties broken by smaller id first
///     g.dsep({*g.find("X")}, {*g.find("Y")}, {*g.find("Z")});   // false: X->Y
///     g.add_arc(*g.find("Y"), *g.find("Z")); // throws InvalidModel("cycle: Y -> Z -> Y")
///
/// Invariants: the graph is acyclic at all times (add_arc refuses an arc that would close a
/// cycle and leaves the graph unchanged); node ids are 0..size()-1 in insertion order and never
/// change; names are unique. This is the one name<->id map of a model: Scm delegates to it.

#include "rung/core/error.hpp"

#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rung {

using NodeId = std::uint32_t;
/// A set of nodes: kept sorted and free of duplicates by every function returning one.
using NodeSet = std::vector<NodeId>;

class Dag {
 public:
  Dag() = default;
  Dag(const Dag& other);
  Dag& operator=(const Dag& other);
  /// Moves take the graph over without copying it; the moved-from Dag is empty.
  Dag(Dag&& other) noexcept;
  Dag& operator=(Dag&& other) noexcept;
  ~Dag();

  /// Every function taking a NodeId throws std::out_of_range for an id >= size().
  ///
  /// One-line fixture: `"A->B->C; U->A, U->C; D"` (arcs chained with `->`, statements split by
  /// `;` or `,`; a lone name adds an isolated node). Nodes get ids in order of first mention.
  /// Names are [A-Za-z0-9_]+; whitespace (newlines included) may surround tokens; empty statements
  /// are skipped. Throws InvalidModel on a cycle, ParseError listing every malformed statement.
  [[nodiscard]] static Dag parse(std::string_view text);

  /// Adds a node; throws InvalidModel::duplicate_name if the name exists. Returns its id.
  NodeId add_node(std::string name);
  /// Makes room for `nodes` nodes in all (no effect on the graph).
  void reserve(std::size_t nodes);
  /// Adds the arc from -> to (no-op if present). Throws InvalidModel `cycle: from -> to -> ... -> from`
  /// naming the cycle it would close, along the shortest path back (ties: smaller ids first); a
  /// self-loop gives `cycle: A -> A`. The graph is unchanged after a throw.
  void add_arc(NodeId from, NodeId to);

  [[nodiscard]] std::size_t size() const noexcept;
  [[nodiscard]] std::size_t arc_count() const noexcept;
  [[nodiscard]] const std::string& name(NodeId id) const;
  [[nodiscard]] std::optional<NodeId> find(std::string_view name) const;
  [[nodiscard]] bool has_arc(NodeId from, NodeId to) const;

  /// All arcs, sorted by (from, to).
  [[nodiscard]] std::vector<std::pair<NodeId, NodeId>> arcs() const;
  [[nodiscard]] NodeSet parents(NodeId id) const;
  [[nodiscard]] NodeSet children(NodeId id) const;
  /// Proper ancestors / descendants of any node in `nodes` (the nodes themselves excluded unless
  /// they are ancestors/descendants of another member).
  [[nodiscard]] NodeSet ancestors(std::span<const NodeId> nodes) const;
  [[nodiscard]] NodeSet descendants(std::span<const NodeId> nodes) const;

  /// Deterministic topological order: among the nodes ready at each step, the smallest id first.
  [[nodiscard]] std::vector<NodeId> topological_order() const;

  /// True iff every node of x is d-separated from every node of y given z (Bayes-ball).
  /// x, y, z need not be sorted. Nodes of x or y that are also in z are observed, so separated
  /// from everything (that rule wins); otherwise a node in both x and y is never separated.
  [[nodiscard]] bool dsep(std::span<const NodeId> x, std::span<const NodeId> y,
                          std::span<const NodeId> z) const;

  friend bool operator==(const Dag& a, const Dag& b);

 private:
  using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::bidirectionalS>;
  // Held by pointer so that a Dag moves cheaply (Boost's adjacency_list declares a copy
  // constructor and no move, so moving one copies it). Null while the graph has no node.
  std::unique_ptr<Graph> graph_;
  std::vector<std::string> names_;
  std::map<std::string, NodeId, std::less<>> ids_;

  void check(NodeId id) const;
  [[nodiscard]] const Graph& graph() const;
};

}  // namespace rung
