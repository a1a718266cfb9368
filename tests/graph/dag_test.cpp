#include "rung/graph/dag.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using rung::Dag;
using rung::NodeId;
using rung::NodeSet;

// ---- helpers -----------------------------------------------------------------------------

/// The ids of the named nodes, in the order given.
NodeSet ids(const Dag& g, std::initializer_list<std::string_view> names) {
  NodeSet out;
  for (auto name : names) {
    auto id = g.find(name);
    if (!id) throw std::invalid_argument("no node " + std::string(name));
    out.push_back(*id);
  }
  return out;
}

NodeId id(const Dag& g, std::string_view name) { return ids(g, {name}).front(); }

std::vector<std::string> names(const Dag& g, const std::vector<NodeId>& nodes) {
  std::vector<std::string> out;
  for (NodeId v : nodes) out.push_back(g.name(v));
  return out;
}

using Names = std::vector<std::string>;

/// The message of the InvalidModel thrown by add_arc(from, to), or "" if none is thrown.
std::string cycle_error(Dag& g, std::string_view from, std::string_view to) {
  try {
    g.add_arc(id(g, from), id(g, to));
  } catch (const rung::InvalidModel& e) {
    return e.what();
  }
  return "";
}

/// True iff d-separated, with x, y, z given by names.
bool dsep(const Dag& g, std::initializer_list<std::string_view> x,
          std::initializer_list<std::string_view> y, std::initializer_list<std::string_view> z) {
  return g.dsep(ids(g, x), ids(g, y), ids(g, z));
}

/// Small deterministic random source: std::mt19937_64 bounded by multiply-shift.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  /// Uniform-ish in [0, n) for 0 < n < 2^32 (Lemire's multiply-shift on the top 32 bits).
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((engine_() >> 32) * n) >> 32);
  }
  /// True with probability num/den.
  bool chance(std::uint32_t num, std::uint32_t den) { return below(den) < num; }
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      std::swap(v[i - 1], v[below(static_cast<std::uint32_t>(i))]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

/// A random DAG on n nodes V0..V{n-1}: arcs follow a random hidden order (so ids are not a
/// topological order), each present with probability num/den, added in random order.
Dag random_dag(Rng& rng, std::uint32_t n, std::uint32_t num, std::uint32_t den) {
  std::vector<std::uint32_t> rank(n);
  for (std::uint32_t i = 0; i < n; ++i) rank[i] = i;
  rng.shuffle(rank);
  std::vector<std::pair<NodeId, NodeId>> arcs;
  for (NodeId u = 0; u < n; ++u) {
    for (NodeId v = 0; v < n; ++v) {
      if (rank[u] < rank[v] && rng.chance(num, den)) arcs.emplace_back(u, v);
    }
  }
  rng.shuffle(arcs);
  Dag g;
  for (std::uint32_t i = 0; i < n; ++i) g.add_node("V" + std::to_string(i));
  for (auto [u, v] : arcs) g.add_arc(u, v);
  return g;
}

std::string describe(const Dag& g) {
  std::string out = std::to_string(g.size()) + " nodes:";
  for (auto [u, v] : g.arcs()) out += " " + g.name(u) + "->" + g.name(v);
  return out;
}

std::string describe(const NodeSet& s) {
  std::string out = "{";
  for (NodeId v : s) out += (out.size() > 1 ? "," : "") + std::to_string(v);
  return out + "}";
}

// ---- an independent d-separation oracle ----------------------------------------------------

/// d-separation straight from the definition: enumerates every simple path of the skeleton.
class BruteForceDsep {
 public:
  explicit BruteForceDsep(const Dag& g) : n_(g.size()), arc_(n_ * n_, false) {
    for (auto [u, v] : g.arcs()) arc_[u * n_ + v] = true;
    // Reflexive-transitive closure by Floyd-Warshall: reach_[u][v] iff v is u or a descendant.
    reach_ = arc_;
    for (std::size_t v = 0; v < n_; ++v) reach_[v * n_ + v] = true;
    for (std::size_t k = 0; k < n_; ++k) {
      for (std::size_t i = 0; i < n_; ++i) {
        for (std::size_t j = 0; j < n_; ++j) {
          if (reach_[i * n_ + k] && reach_[k * n_ + j]) reach_[i * n_ + j] = true;
        }
      }
    }
  }

  /// Same contract as Dag::dsep: observed members of x and y drop out; a shared one connects.
  bool separated(const NodeSet& x, const NodeSet& y, const NodeSet& z) {
    z_.assign(n_, false);
    for (NodeId v : z) z_[v] = true;
    for (NodeId a : x) {
      for (NodeId b : y) {
        if (z_[a] || z_[b]) continue;
        if (a == b || has_open_path(a, b)) return false;
      }
    }
    return true;
  }

 private:
  std::size_t n_;
  std::vector<bool> arc_;
  std::vector<bool> reach_;
  std::vector<bool> z_;
  std::vector<NodeId> path_;
  std::vector<bool> on_path_;

  [[nodiscard]] bool adjacent(std::size_t u, std::size_t v) const {
    return arc_[u * n_ + v] || arc_[v * n_ + u];
  }

  [[nodiscard]] bool blocked(const std::vector<NodeId>& path) const {
    for (std::size_t i = 1; i + 1 < path.size(); ++i) {
      const NodeId m = path[i];
      const bool collider = arc_[path[i - 1] * n_ + m] && arc_[path[i + 1] * n_ + m];
      if (collider) {
        bool opened = false;
        for (std::size_t d = 0; d < n_; ++d) opened = opened || (reach_[m * n_ + d] && z_[d]);
        if (!opened) return true;
      } else if (z_[m]) {
        return true;
      }
    }
    return false;
  }

  bool has_open_path(NodeId a, NodeId b) {
    path_.assign(1, a);
    on_path_.assign(n_, false);
    on_path_[a] = true;
    return extend(b);
  }

  /// Depth-first enumeration of the simple paths from path_ to b; true once one is unblocked.
  bool extend(NodeId b) {
    const NodeId last = path_.back();
    if (last == b) return !blocked(path_);
    for (NodeId next = 0; next < n_; ++next) {
      if (on_path_[next] || !adjacent(last, next)) continue;
      path_.push_back(next);
      on_path_[next] = true;
      const bool open = extend(b);
      on_path_[next] = false;
      path_.pop_back();
      if (open) return true;
    }
    return false;
  }
};

// ---- structure -----------------------------------------------------------------------------

TEST(Dag, EmptyGraph) {
  Dag g;
  EXPECT_EQ(g.size(), 0U);
  EXPECT_EQ(g.arc_count(), 0U);
  EXPECT_TRUE(g.arcs().empty());
  EXPECT_TRUE(g.topological_order().empty());
  EXPECT_FALSE(g.find("A").has_value());
  EXPECT_TRUE(g.dsep({}, {}, {}));
  EXPECT_EQ(Dag::parse(""), g);
  EXPECT_EQ(Dag::parse("  \t "), g);
}

TEST(Dag, AddNodeGivesConsecutiveIds) {
  Dag g;
  EXPECT_EQ(g.add_node("X"), 0U);
  EXPECT_EQ(g.add_node("Y"), 1U);
  EXPECT_EQ(g.add_node("Z"), 2U);
  EXPECT_EQ(g.size(), 3U);
  EXPECT_EQ(g.name(1), "Y");
  EXPECT_EQ(g.find("Z"), 2U);
  EXPECT_FALSE(g.find("W").has_value());
}

TEST(Dag, AddNodeRejectsDuplicateName) {
  Dag g;
  g.add_node("A");
  try {
    g.add_node("A");
    FAIL() << "no exception";
  } catch (const rung::InvalidModel& e) {
    EXPECT_STREQ(e.what(), "duplicate name 'A'");
  }
  EXPECT_EQ(g.size(), 1U);
}

TEST(Dag, UnknownIdsThrowOutOfRange) {
  Dag g = Dag::parse("A->B");
  const NodeSet bad{2};
  const NodeSet a{0};
  EXPECT_THROW(g.add_arc(0, 2), std::out_of_range);
  EXPECT_THROW(g.add_arc(2, 0), std::out_of_range);
  EXPECT_THROW((void)g.name(2), std::out_of_range);
  EXPECT_THROW((void)g.has_arc(0, 2), std::out_of_range);
  EXPECT_THROW((void)g.parents(2), std::out_of_range);
  EXPECT_THROW((void)g.children(2), std::out_of_range);
  EXPECT_THROW((void)g.ancestors(bad), std::out_of_range);
  EXPECT_THROW((void)g.descendants(bad), std::out_of_range);
  EXPECT_THROW((void)g.dsep(a, bad, {}), std::out_of_range);
  EXPECT_THROW((void)g.dsep(a, {}, bad), std::out_of_range);
  EXPECT_EQ(g.arc_count(), 1U);
}

TEST(Dag, ParseAssignsIdsInOrderOfFirstMention) {
  Dag g = Dag::parse("A->B->C; U->A, U->C; D");
  EXPECT_EQ(names(g, {0, 1, 2, 3, 4}), (Names{"A", "B", "C", "U", "D"}));
  EXPECT_EQ(g.arc_count(), 4U);
  const std::vector<std::pair<NodeId, NodeId>> arcs{{0, 1}, {1, 2}, {3, 0}, {3, 2}};
  EXPECT_EQ(g.arcs(), arcs);
  EXPECT_TRUE(g.has_arc(id(g, "U"), id(g, "C")));
  EXPECT_FALSE(g.has_arc(id(g, "C"), id(g, "U")));
  EXPECT_FALSE(g.has_arc(id(g, "A"), id(g, "C")));
}

TEST(Dag, ParentsAndChildren) {
  Dag g = Dag::parse("A->B->C; U->A, U->C; D");
  EXPECT_EQ(g.parents(id(g, "C")), ids(g, {"B", "U"}));
  EXPECT_EQ(g.parents(id(g, "A")), ids(g, {"U"}));
  EXPECT_TRUE(g.parents(id(g, "U")).empty());
  EXPECT_EQ(g.children(id(g, "U")), ids(g, {"A", "C"}));
  EXPECT_TRUE(g.children(id(g, "C")).empty());
  EXPECT_TRUE(g.parents(id(g, "D")).empty());
  EXPECT_TRUE(g.children(id(g, "D")).empty());
}

TEST(Dag, NeighbourSetsAreSortedWhateverTheInsertionOrder) {
  Dag g;
  for (auto name : {"P0", "P1", "P2", "P3", "X", "C0", "C1", "C2"}) g.add_node(name);
  for (NodeId p : {3U, 0U, 2U, 1U}) g.add_arc(p, 4);
  for (NodeId c : {7U, 5U, 6U}) g.add_arc(4, c);
  EXPECT_EQ(g.parents(4), (NodeSet{0, 1, 2, 3}));
  EXPECT_EQ(g.children(4), (NodeSet{5, 6, 7}));
  const std::vector<std::pair<NodeId, NodeId>> arcs{{0, 4}, {1, 4}, {2, 4}, {3, 4},
                                                    {4, 5}, {4, 6}, {4, 7}};
  EXPECT_EQ(g.arcs(), arcs);
}

TEST(Dag, AddingAnExistingArcIsANoOp) {
  Dag g = Dag::parse("A->B");
  g.add_arc(0, 1);
  EXPECT_EQ(g.arc_count(), 1U);
  EXPECT_EQ(Dag::parse("A->B; A->B, A->B"), g);
}

TEST(Dag, AncestorsAndDescendants) {
  Dag g = Dag::parse("A->B->C; U->A, U->C; D");
  EXPECT_EQ(g.ancestors(ids(g, {"C"})), ids(g, {"A", "B", "U"}));
  EXPECT_EQ(g.ancestors(ids(g, {"B"})), ids(g, {"A", "U"}));
  EXPECT_TRUE(g.ancestors(ids(g, {"U"})).empty());
  EXPECT_TRUE(g.ancestors(ids(g, {"D"})).empty());
  EXPECT_EQ(g.descendants(ids(g, {"U"})), ids(g, {"A", "B", "C"}));
  EXPECT_EQ(g.descendants(ids(g, {"A"})), ids(g, {"B", "C"}));
  EXPECT_TRUE(g.descendants(ids(g, {"C"})).empty());
  EXPECT_TRUE(g.ancestors({}).empty());
  EXPECT_TRUE(g.descendants({}).empty());
}

TEST(Dag, AncestorsOfASetIncludeMembersOnlyWhenAncestorsOfAnother) {
  Dag g = Dag::parse("A->B->C; U->A, U->C; D");
  // A is an ancestor of C, so it is in; D is nobody's ancestor, so it is out.
  EXPECT_EQ(g.ancestors(ids(g, {"C", "A", "D"})), ids(g, {"A", "B", "U"}));
  EXPECT_EQ(g.descendants(ids(g, {"B", "A"})), ids(g, {"B", "C"}));
  EXPECT_EQ(g.descendants(ids(g, {"C", "C", "D"})), NodeSet{});
  EXPECT_EQ(g.ancestors(ids(g, {"B", "B"})), ids(g, {"A", "U"}));
}

TEST(Dag, EqualityComparesNamesIdsAndArcs) {
  Dag built;
  built.add_node("A");
  built.add_node("B");
  built.add_node("C");
  built.add_arc(0, 1);
  EXPECT_EQ(Dag::parse("A->B; C"), built);
  EXPECT_NE(Dag::parse("C; A->B"), built);  // same graph, other ids
  EXPECT_NE(Dag::parse("A; B; C"), built);
  EXPECT_NE(Dag::parse("A->B; A->C"), built);
  EXPECT_NE(Dag::parse("A->B"), built);
  Dag copy = built;
  EXPECT_EQ(copy, built);
  copy.add_arc(1, 2);
  EXPECT_NE(copy, built);
}

// ---- cycles --------------------------------------------------------------------------------

TEST(Dag, TwoCycleMessage) {
  Dag g = Dag::parse("A->B");
  EXPECT_EQ(cycle_error(g, "B", "A"), "cycle: B -> A -> B");
}

TEST(Dag, SelfLoopMessage) {
  Dag g = Dag::parse("A");
  EXPECT_EQ(cycle_error(g, "A", "A"), "cycle: A -> A");
  EXPECT_EQ(g.arc_count(), 0U);
}

TEST(Dag, CycleMessageFollowsTheShortestPath) {
  // A reaches D both by A->B->C->D and by A->C->D: the shorter one closes a 3-cycle.
  Dag g = Dag::parse("A->B->C->D; A->C");
  EXPECT_EQ(cycle_error(g, "D", "A"), "cycle: D -> A -> C -> D");
  EXPECT_EQ(cycle_error(g, "C", "A"), "cycle: C -> A -> C");
  EXPECT_EQ(cycle_error(g, "D", "B"), "cycle: D -> B -> C -> D");
}

TEST(Dag, CycleMessageBreaksTiesBySmallerId) {
  // Two shortest paths A->B->D and A->C->D; arcs via C are added first, B has the smaller id.
  Dag g;
  for (auto name : {"A", "B", "C", "D"}) g.add_node(name);
  g.add_arc(0, 2);
  g.add_arc(2, 3);
  g.add_arc(0, 1);
  g.add_arc(1, 3);
  EXPECT_EQ(cycle_error(g, "D", "A"), "cycle: D -> A -> B -> D");
}

TEST(Dag, HeaderExampleCycle) {
  Dag g = Dag::parse("Z->X; Z->Y; X->Y");
  EXPECT_EQ(cycle_error(g, "Y", "Z"), "cycle: Y -> Z -> Y");
  EXPECT_EQ(cycle_error(g, "Y", "X"), "cycle: Y -> X -> Y");
}

TEST(Dag, GraphIsUnchangedAfterACycleIsRefused) {
  Dag g = Dag::parse("A->B->C->D; A->C; E");
  const Dag before = g;
  EXPECT_THROW(g.add_arc(id(g, "D"), id(g, "A")), rung::InvalidModel);
  EXPECT_THROW(g.add_arc(id(g, "C"), id(g, "C")), rung::InvalidModel);
  EXPECT_EQ(g, before);
  EXPECT_EQ(g.arc_count(), 4U);
  EXPECT_FALSE(g.has_arc(id(g, "D"), id(g, "A")));
  EXPECT_TRUE(g.children(id(g, "D")).empty());
  EXPECT_TRUE(g.parents(id(g, "A")).empty());
  EXPECT_EQ(g.topological_order(), before.topological_order());
  // Still usable: a legal arc goes in.
  g.add_arc(id(g, "D"), id(g, "E"));
  EXPECT_EQ(g.arc_count(), 5U);
}

TEST(Dag, ParseRejectsACycle) {
  try {
    (void)Dag::parse("A->B->C->A");
    FAIL() << "no exception";
  } catch (const rung::InvalidModel& e) {
    EXPECT_STREQ(e.what(), "cycle: C -> A -> B -> C");
  }
  EXPECT_THROW((void)Dag::parse("A->A"), rung::InvalidModel);
  EXPECT_THROW((void)Dag::parse("A->B; B->A"), rung::InvalidModel);
}

TEST(Dag, CycleErrorIsAnInvalidModelWithBadInputExitCode) {
  Dag g = Dag::parse("A->B");
  try {
    g.add_arc(1, 0);
    FAIL() << "no exception";
  } catch (const rung::Error& e) {
    EXPECT_EQ(e.exit_code(), static_cast<int>(rung::ExitCode::bad_input));
  }
}

// ---- topological order ---------------------------------------------------------------------

Names topo_names(const Dag& g) { return names(g, g.topological_order()); }

TEST(Dag, TopologicalOrderOnFixtures) {
  EXPECT_EQ(topo_names(Dag::parse("A->B->C; U->A, U->C; D")), (Names{"U", "A", "B", "C", "D"}));
  EXPECT_EQ(topo_names(Dag::parse("C->A; B")), (Names{"C", "A", "B"}));
  EXPECT_EQ(topo_names(Dag::parse("D->B; D->C; B->A; C->A")), (Names{"D", "B", "C", "A"}));
  EXPECT_EQ(topo_names(Dag::parse("Z->X; Z->Y; X->Y")), (Names{"Z", "X", "Y"}));
  EXPECT_EQ(topo_names(Dag::parse("A; B; C")), (Names{"A", "B", "C"}));
}

TEST(Dag, TopologicalOrderTakesTheSmallestReadyIdNotTheOldest) {
  // B and C are ready first; placing B frees A, whose smaller id goes before C (a FIFO
  // queue would give B C A).
  Dag g;
  for (auto name : {"A", "B", "C"}) g.add_node(name);
  g.add_arc(1, 0);
  EXPECT_EQ(topo_names(g), (Names{"B", "A", "C"}));
}

/// The reference: repeatedly take the smallest id all of whose parents are placed.
std::vector<NodeId> reference_topological_order(const Dag& g) {
  std::vector<bool> placed(g.size(), false);
  std::vector<NodeId> order;
  while (order.size() < g.size()) {
    for (NodeId v = 0; v < g.size(); ++v) {
      const auto ps = g.parents(v);
      if (!placed[v] && std::all_of(ps.begin(), ps.end(), [&](NodeId p) { return placed[p]; })) {
        placed[v] = true;
        order.push_back(v);
        break;
      }
    }
  }
  return order;
}

TEST(Dag, TopologicalOrderOnRandomDags) {
  Rng rng(0x70901091CA1ULL);
  for (int round = 0; round < 200; ++round) {
    const std::uint32_t n = 1 + rng.below(20);
    const Dag g = random_dag(rng, n, 1 + rng.below(4), 5);
    const auto order = g.topological_order();
    SCOPED_TRACE(describe(g));

    ASSERT_EQ(order.size(), g.size());
    std::vector<std::size_t> position(g.size(), g.size());
    for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
    for (std::size_t v = 0; v < g.size(); ++v) ASSERT_LT(position[v], g.size()) << "missing";
    for (auto [u, v] : g.arcs()) EXPECT_LT(position[u], position[v]) << u << "->" << v;

    EXPECT_EQ(g.topological_order(), order);
    EXPECT_EQ(reference_topological_order(g), order);

    // A copy rebuilt with the arcs in another order has the same order.
    Dag rebuilt;
    for (NodeId v = 0; v < g.size(); ++v) rebuilt.add_node(g.name(v));
    auto arcs = g.arcs();
    rng.shuffle(arcs);
    for (auto [u, v] : arcs) rebuilt.add_arc(u, v);
    EXPECT_EQ(rebuilt, g);
    EXPECT_EQ(rebuilt.topological_order(), order);
  }
}

// ---- d-separation --------------------------------------------------------------------------

TEST(Dag, DsepChain) {
  Dag g = Dag::parse("A->B->C");
  EXPECT_FALSE(dsep(g, {"A"}, {"C"}, {}));
  EXPECT_TRUE(dsep(g, {"A"}, {"C"}, {"B"}));
  EXPECT_FALSE(dsep(g, {"C"}, {"A"}, {}));
  EXPECT_TRUE(dsep(g, {"C"}, {"A"}, {"B"}));
  EXPECT_FALSE(dsep(g, {"A"}, {"B"}, {"C"}));
}

TEST(Dag, DsepFork) {
  Dag g = Dag::parse("B->A; B->C");
  EXPECT_FALSE(dsep(g, {"A"}, {"C"}, {}));
  EXPECT_TRUE(dsep(g, {"A"}, {"C"}, {"B"}));
}

TEST(Dag, DsepCollider) {
  Dag g = Dag::parse("A->B; C->B");
  EXPECT_TRUE(dsep(g, {"A"}, {"C"}, {}));
  EXPECT_FALSE(dsep(g, {"A"}, {"C"}, {"B"}));
}

TEST(Dag, DsepColliderWithObservedDescendant) {
  Dag g = Dag::parse("A->B; C->B; B->D->E");
  EXPECT_TRUE(dsep(g, {"A"}, {"C"}, {}));
  EXPECT_FALSE(dsep(g, {"A"}, {"C"}, {"D"}));
  EXPECT_FALSE(dsep(g, {"A"}, {"C"}, {"E"}));
  // Observing the collider's descendant opens it; observing B too does not close it.
  EXPECT_FALSE(dsep(g, {"A"}, {"C"}, {"B", "E"}));
}

TEST(Dag, DsepMGraph) {
  // X <- U1 -> M <- U2 -> Y: M is a collider on the only path.
  Dag g = Dag::parse("U1->X; U1->M; U2->M; U2->Y");
  EXPECT_TRUE(dsep(g, {"X"}, {"Y"}, {}));
  EXPECT_FALSE(dsep(g, {"X"}, {"Y"}, {"M"}));
  EXPECT_TRUE(dsep(g, {"X"}, {"Y"}, {"M", "U1"}));
  EXPECT_TRUE(dsep(g, {"X"}, {"Y"}, {"M", "U2"}));
  EXPECT_TRUE(dsep(g, {"X"}, {"Y"}, {"U1"}));
  EXPECT_FALSE(dsep(g, {"X"}, {"U2"}, {"M"}));
}

TEST(Dag, DsepHeaderExample) {
  Dag g = Dag::parse("Z->X; Z->Y; X->Y");
  EXPECT_FALSE(dsep(g, {"X"}, {"Y"}, {"Z"}));
  EXPECT_FALSE(dsep(g, {"X"}, {"Y"}, {}));
}

TEST(Dag, DsepOfSets) {
  Dag g = Dag::parse("A->B->C; D->E; F");
  EXPECT_TRUE(dsep(g, {"A", "D"}, {"F"}, {}));
  EXPECT_FALSE(dsep(g, {"A", "D"}, {"F", "C"}, {}));
  EXPECT_TRUE(dsep(g, {"C", "A", "D"}, {"F"}, {}));  // unsorted
  EXPECT_TRUE(dsep(g, {"A", "A"}, {"E", "E"}, {}));  // duplicates
  EXPECT_TRUE(dsep(g, {"A"}, {"C", "E"}, {"B"}));
  EXPECT_FALSE(dsep(g, {"A"}, {"C", "E"}, {"D"}));
}

TEST(Dag, DsepWithEmptySetsIsVacuouslyTrue) {
  Dag g = Dag::parse("A->B");
  EXPECT_TRUE(dsep(g, {}, {"B"}, {}));
  EXPECT_TRUE(dsep(g, {"A"}, {}, {}));
}

TEST(Dag, DsepOverlappingSets) {
  Dag g = Dag::parse("A->B->C; D");
  // A node in both x and y is never separated, even from an isolated node's side.
  EXPECT_FALSE(dsep(g, {"D"}, {"D"}, {}));
  EXPECT_FALSE(dsep(g, {"A", "D"}, {"D"}, {"B"}));
  // Observed members of x or y drop out.
  EXPECT_TRUE(dsep(g, {"B"}, {"C"}, {"B"}));
  EXPECT_TRUE(dsep(g, {"A"}, {"B"}, {"B"}));
  EXPECT_FALSE(dsep(g, {"A", "B"}, {"C"}, {"A"}));
  EXPECT_TRUE(dsep(g, {"A", "B"}, {"C"}, {"B"}));
  // ... including one in both x and y: given itself, it is a constant.
  EXPECT_TRUE(dsep(g, {"B"}, {"B"}, {"B"}));
}

TEST(Dag, DsepOracleAgreesOnTextbookCases) {
  // The brute-force oracle itself, on cases whose answers are known.
  Dag m = Dag::parse("U1->X; U1->M; U2->M; U2->Y; M->W");
  BruteForceDsep oracle(m);
  EXPECT_TRUE(oracle.separated(ids(m, {"X"}), ids(m, {"Y"}), {}));
  EXPECT_FALSE(oracle.separated(ids(m, {"X"}), ids(m, {"Y"}), ids(m, {"M"})));
  EXPECT_FALSE(oracle.separated(ids(m, {"X"}), ids(m, {"Y"}), ids(m, {"W"})));
  EXPECT_TRUE(oracle.separated(ids(m, {"X"}), ids(m, {"Y"}), ids(m, {"W", "U2"})));
}

/// A random triple of disjoint sets with x and y non-empty, each in shuffled order.
struct Query {
  NodeSet x, y, z;
};

Query random_query(Rng& rng, std::uint32_t n) {
  Query q;
  const std::uint32_t mode = rng.below(3);
  if (mode == 0) {  // single x and y, random z
    const std::uint32_t a = rng.below(n);
    std::uint32_t b = rng.below(n - 1);
    if (b >= a) ++b;
    q.x = {a};
    q.y = {b};
    for (NodeId v = 0; v < n; ++v) {
      if (v != a && v != b && rng.chance(1, 3)) q.z.push_back(v);
    }
  } else {  // a random partition; mode 2 keeps z empty
    while (q.x.empty() || q.y.empty()) {
      q = Query{};
      for (NodeId v = 0; v < n; ++v) {
        switch (rng.below(mode == 1 ? 4 : 3)) {
          case 0: q.x.push_back(v); break;
          case 1: q.y.push_back(v); break;
          case 3: q.z.push_back(v); break;
          default: break;
        }
      }
    }
  }
  rng.shuffle(q.x);
  rng.shuffle(q.y);
  rng.shuffle(q.z);
  return q;
}

TEST(Dag, DsepAgreesWithBruteForceOnRandomDags) {
  Rng rng(0xD5E9ULL);
  constexpr int graphs = 600;
  constexpr int queries_per_graph = 30;
  int separated = 0;
  int connected = 0;
  for (int round = 0; round < graphs && !HasFailure(); ++round) {
    const std::uint32_t n = 2 + rng.below(7);  // 2..8 nodes
    const Dag g = random_dag(rng, n, 1 + rng.below(4), 5);
    BruteForceDsep oracle(g);
    for (int k = 0; k < queries_per_graph && !HasFailure(); ++k) {
      const Query q = random_query(rng, n);
      const bool expected = oracle.separated(q.x, q.y, q.z);
      EXPECT_EQ(g.dsep(q.x, q.y, q.z), expected)
          << describe(g) << "\n  x=" << describe(q.x) << " y=" << describe(q.y)
          << " z=" << describe(q.z);
      EXPECT_EQ(g.dsep(q.y, q.x, q.z), expected) << "not symmetric";
      ++(expected ? separated : connected);
    }
  }
  // Both answers are common, so the comparison is not vacuous.
  EXPECT_GT(separated, graphs * queries_per_graph / 5);
  EXPECT_GT(connected, graphs * queries_per_graph / 5);
}

// ---- parse errors --------------------------------------------------------------------------

TEST(Dag, ParseAcceptsWhitespaceAndSeparators) {
  const Dag expected = Dag::parse("A->B->C;D,E");
  EXPECT_EQ(Dag::parse("  A -> B->  C ; D ,E  "), expected);
  EXPECT_EQ(Dag::parse("\tA\t->\tB -> C;\nD,\r\nE\n"), expected);
  EXPECT_EQ(Dag::parse("A->B->C; D, E;"), expected);  // a trailing separator is fine
  EXPECT_EQ(Dag::parse("A->B->C;; D,, E"), expected);  // and so are empty statements
  const Dag names = Dag::parse("x_1 -> Y2; _3; 42");
  EXPECT_EQ(names.size(), 4U);
  EXPECT_TRUE(names.find("x_1").has_value());
  EXPECT_TRUE(names.find("_3").has_value());
  EXPECT_TRUE(names.find("42").has_value());
}

/// The single diagnostic of the ParseError thrown by parse(text).
rung::Diagnostic parse_error(std::string_view text) {
  try {
    (void)Dag::parse(text);
  } catch (const rung::ParseError& e) {
    if (e.diagnostics().size() == 1) return e.diagnostics().front();
    ADD_FAILURE() << e.diagnostics().size() << " diagnostics for '" << text << "'";
    return {};
  }
  ADD_FAILURE() << "no ParseError for '" << text << "'";
  return {};
}

rung::Diagnostic at(int line, int column, std::string message) {
  return rung::Diagnostic{"", line, column, std::move(message)};
}

TEST(Dag, ParseErrorMissingNameAfterArrow) {
  EXPECT_EQ(parse_error("A->"), at(1, 4, "expected a node name after '->', found end of input"));
  EXPECT_EQ(parse_error("A->  "), at(1, 6, "expected a node name after '->', found end of input"));
  EXPECT_EQ(parse_error("A->;B"), at(1, 4, "expected a node name after '->', found ';'"));
  EXPECT_EQ(parse_error("A->->B"), at(1, 4, "expected a node name after '->', found '->'"));
}

TEST(Dag, ParseErrorMissingNameBeforeArrow) {
  EXPECT_EQ(parse_error("->B"), at(1, 1, "expected a node name, found '->'"));
  EXPECT_EQ(parse_error("A; ->B"), at(1, 4, "expected a node name, found '->'"));
  EXPECT_EQ(parse_error("A->B, -> C"), at(1, 7, "expected a node name, found '->'"));
}

TEST(Dag, ParseErrorIllegalCharacters) {
  EXPECT_EQ(parse_error("$A"), at(1, 1, "expected a node name, found '$'"));
  EXPECT_EQ(parse_error("A$"),
            at(1, 2, "expected '->', ';', ',' or end of input after 'A', found '$'"));
  EXPECT_EQ(parse_error("A->B-C"),
            at(1, 5, "expected '->', ';', ',' or end of input after 'B', found '-'"));
  EXPECT_EQ(parse_error("A->B.x"),
            at(1, 5, "expected '->', ';', ',' or end of input after 'B', found '.'"));
  EXPECT_EQ(parse_error("A -> \xC3\xA9"),
            at(1, 6, "expected a node name after '->', found byte 0xC3"));
  EXPECT_EQ(parse_error(std::string_view("A\0B", 3)),
            at(1, 2, "expected '->', ';', ',' or end of input after 'A', found byte 0x00"));
}

TEST(Dag, ParseErrorTwoNamesWithoutArrow) {
  EXPECT_EQ(parse_error("A B"),
            at(1, 3, "expected '->', ';', ',' or end of input after 'A', found 'B'"));
  EXPECT_EQ(parse_error("A -> B C"),
            at(1, 8, "expected '->', ';', ',' or end of input after 'B', found 'C'"));
}

TEST(Dag, ParseErrorMessageHasLineAndColumn) {
  try {
    (void)Dag::parse("A->B; C->");
    FAIL() << "no exception";
  } catch (const rung::ParseError& e) {
    EXPECT_STREQ(e.what(), "1:10: error: expected a node name after '->', found end of input");
    EXPECT_EQ(e.exit_code(), static_cast<int>(rung::ExitCode::bad_input));
  }
}

TEST(Dag, ParseErrorReportsEveryBadStatement) {
  try {
    (void)Dag::parse("A->; B->C; ->D, E$");
    FAIL() << "no exception";
  } catch (const rung::ParseError& e) {
    const std::vector<rung::Diagnostic> expected{
        at(1, 4, "expected a node name after '->', found ';'"),
        at(1, 12, "expected a node name, found '->'"),
        at(1, 18, "expected '->', ';', ',' or end of input after 'E', found '$'"),
    };
    EXPECT_EQ(e.diagnostics(), expected);
  }
}

TEST(Dag, ParseErrorCountsLines) {
  EXPECT_EQ(parse_error("A->B;\n  ->C"), at(2, 3, "expected a node name, found '->'"));
}

TEST(Dag, CopiesAndMoves) {
  Dag a = Dag::parse("A->B->C; A->C");
  const Dag copy(a);
  EXPECT_EQ(copy, a);
  Dag moved(std::move(a));
  EXPECT_EQ(moved, copy);
  EXPECT_EQ(moved.arc_count(), 3U);
  Dag assigned;
  assigned = moved;
  EXPECT_EQ(assigned.children(*assigned.find("A")), (NodeSet{1, 2}));
  // A moved-from Dag is empty and usable.
  a = Dag();
  EXPECT_EQ(a.size(), 0U);
  EXPECT_EQ(a.arc_count(), 0U);
  EXPECT_TRUE(a.ancestors({}).empty());
  a.reserve(2);
  const NodeId x = a.add_node("X");
  a.add_arc(x, a.add_node("Y"));
  EXPECT_EQ(a.arcs(), (std::vector<std::pair<NodeId, NodeId>>{{0, 1}}));
}

}  // namespace
