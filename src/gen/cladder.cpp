// One file for the cladder preset (past ~800 lines): its graphs, CPTs, roles, the statement in
// observed quantities and the item loop share private types (Graph, Cpts, Roles, Observation)
// that no other area needs; the reusable parts live in gen/observed.hpp (stating probabilities)
// and identify/ (the formulas).
#include "rung/gen/cladder.hpp"

#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/gen/distractors.hpp"
#include "rung/gen/observed.hpp"
#include "rung/gen/options.hpp"
#include "rung/gen/path_rule.hpp"
#include "rung/graph/dag.hpp"
#include "rung/identify/bounds.hpp"
#include "rung/identify/counterfactual.hpp"
#include "rung/identify/identify.hpp"
#include "rung/infer/solver.hpp"
#include "rung/query/decision.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <numeric>
#include <span>
#include <unordered_map>
#include <unordered_set>

namespace rung {

namespace {

constexpr int kMaxAttempts = 2000;
constexpr int kRelaxEvery = 400;  // draws after which the last shortcut target left is dropped
// A variable that directly causes both X and Y (the textbook hidden confounder) is a candidate to
// hide, in a set with undetermined items, in one draw in this many, for both classes: always a
// candidate, it was hidden in two thirds of the undetermined ate and ett items and in almost no
// determined one, and "a hidden common cause of X and Y means undetermined" scored 8-12 points
// above those types' majority. ate, whose trees still read it at one in 8 (+7.2 on 3,000 items),
// one in 16 (docs/generator.md, "Where the hidden variable sits").
std::uint64_t common_cause_keep(std::string_view type) { return type == "ate" ? 16 : 8; }
constexpr std::string_view kBackground =
    "Imagine a self-contained, hypothetical world with only the following conditions, and without any "
    "unmentioned factors or causal relationships: ";

/// A binary causal graph in topological order, with CLadder's role of each node (X, Y, V1, ...).
struct Graph {
  std::string id;                         ///< CLadder graph_id, or "random"
  std::vector<std::string> roles;
  std::vector<std::vector<int>> parents;  ///< sorted, all smaller than the node
  int x = 0;
  int y = 0;

  [[nodiscard]] int size() const { return static_cast<int>(parents.size()); }
  [[nodiscard]] bool is_root(int v) const { return parents[static_cast<std::size_t>(v)].empty(); }
  [[nodiscard]] bool has_arc(int a, int b) const {
    const auto& p = parents[static_cast<std::size_t>(b)];
    return std::find(p.begin(), p.end(), a) != p.end();
  }
  /// Whether a directed path leads from a to b (a != b), not through `avoid` (-1: none).
  [[nodiscard]] bool reaches(int a, int b, int avoid = -1) const {
    std::vector<bool> reach(parents.size(), false);
    reach[static_cast<std::size_t>(a)] = true;
    for (int w = a + 1; w < size(); ++w) {
      if (w == avoid) continue;
      for (int p : parents[static_cast<std::size_t>(w)]) reach[static_cast<std::size_t>(w)] = reach[static_cast<std::size_t>(w)] || reach[static_cast<std::size_t>(p)];
    }
    return a != b && reach[static_cast<std::size_t>(b)];
  }
  /// Whether v has a child (children(v) without collecting them).
  [[nodiscard]] bool has_child(int v) const {
    for (int w = v + 1; w < size(); ++w) {
      if (has_arc(v, w)) return true;
    }
    return false;
  }
  [[nodiscard]] std::vector<int> children(int v) const {
    std::vector<int> out;
    for (int w = v + 1; w < size(); ++w) {
      if (has_arc(v, w)) out.push_back(w);
    }
    return out;
  }
};

struct Family {
  const char* id;
  const char* arcs;
};

// CLadder's ten graphs, as its model files write them.
constexpr Family kFamilies[] = {
    {"arrowhead", "X->V3,V2->V3,X->Y,V2->Y,V3->Y"},
    {"chain", "X->V2,V2->Y"},
    {"collision", "X->V3,Y->V3"},
    {"confounding", "V1->X,V1->Y,X->Y"},
    {"diamond", "X->V3,X->V2,V2->Y,V3->Y"},
    {"diamondcut", "V1->V3,V1->X,X->Y,V3->Y"},
    {"fork", "X->Y,V2->Y"},
    {"frontdoor", "V1->X,X->V3,V1->Y,V3->Y"},
    {"IV", "V1->X,V2->X,V1->Y,X->Y"},
    {"mediation", "X->V2,X->Y,V2->Y"},
};

// Graphs only the collider_bias questions use besides CLadder's: X affects Y (a directed path)
// and has a child C with another parent.
constexpr Family kColliderFamilies[] = {
    {"collision-direct", "X->V3,Y->V3,X->Y"},
    {"collision-mediated", "X->V3,Y->V3,X->V2,V2->Y"},
    {"collision-confounded", "X->V3,V2->V3,V2->Y,X->Y"},
};

/// The family's graph, nodes in topological order (ties by role: V1, V2, X, V3, Y).
Graph parse_family(const Family& f) {
  static const std::vector<std::string> kRoleOrder = {"V1", "V2", "V4", "V5", "X", "V3", "Y"};
  std::vector<std::pair<std::string, std::string>> arcs;
  std::string_view rest = f.arcs;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view arc = rest.substr(0, comma);
    const auto arrow = arc.find("->");
    arcs.emplace_back(std::string(arc.substr(0, arrow)), std::string(arc.substr(arrow + 2)));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  std::vector<std::string> present;
  for (const auto& role : kRoleOrder) {
    if (std::any_of(arcs.begin(), arcs.end(), [&](const auto& a) { return a.first == role || a.second == role; })) {
      present.push_back(role);
    }
  }
  Graph g;
  g.id = f.id;
  std::vector<std::string> placed;
  while (placed.size() < present.size()) {
    for (const auto& role : present) {
      if (std::find(placed.begin(), placed.end(), role) != placed.end()) continue;
      const bool ready = std::all_of(arcs.begin(), arcs.end(), [&](const auto& a) {
        return a.second != role || std::find(placed.begin(), placed.end(), a.first) != placed.end();
      });
      if (!ready) continue;
      placed.push_back(role);
      break;
    }
  }
  g.roles = placed;
  g.parents.resize(placed.size());
  auto index = [&](const std::string& role) {
    return static_cast<int>(std::find(placed.begin(), placed.end(), role) - placed.begin());
  };
  for (const auto& [from, to] : arcs) g.parents[static_cast<std::size_t>(index(to))].push_back(index(from));
  for (auto& p : g.parents) std::sort(p.begin(), p.end());
  g.x = index("X");
  g.y = index("Y");
  return g;
}

/// The same, parsed once per thread (a family is drawn on most of the generator's draws).
const Graph& family_graph(const Family& f) {
  thread_local std::map<std::string_view, Graph> parsed;
  auto it = parsed.find(f.id);
  if (it == parsed.end()) it = parsed.emplace(f.id, parse_family(f)).first;
  return it->second;
}

/// `g` with one more root, V0, placed first, with two children drawn uniformly. CLadder's graphs
/// have few variables besides their roles, often none whose hiding leaves the query identified,
/// or none whose hiding does not: the undetermined-capable types add V0 to them (to every family
/// graph, whichever the item's class) so that most graphs offer a hidden variable for each class
/// (hidden_for_class). Hiding V0 confounds its two children, which may or may not matter. A
/// second extra root (`name` W0) is added to every graph of those types: more candidates, so
/// that both classes are found with statements of the same shape (class_pools).
Graph with_extra_cause(Graph g, Rng& rng, const char* name = "V0") {
  // (In place: every node moves up by one, the new root takes index 0.)
  for (auto& ps : g.parents) {
    for (int& p : ps) ++p;
  }
  g.parents.insert(g.parents.begin(), std::vector<int>{});
  g.roles.insert(g.roles.begin(), name);
  std::vector<std::size_t> nodes;
  for (std::size_t v = 1; v < g.parents.size(); ++v) nodes.push_back(v);
  rng.shuffle(nodes);
  for (std::size_t i = 0; i < 2 && i < nodes.size(); ++i) g.parents[nodes[i]].insert(g.parents[nodes[i]].begin(), 0);
  g.x += 1;
  g.y += 1;
  return g;
}

/// A random DAG with n nodes: X early, Y last and reachable from X.
Graph random_graph(const GeneratorOptions& o, Rng& rng) {
  const int n = rng.between(std::max(o.min_variables, 3), std::max(o.max_variables, 3));
  Graph g;
  g.id = "random";
  g.parents.resize(static_cast<std::size_t>(n));
  g.x = rng.between(0, (n - 1) / 2);
  g.y = n - 1;
  for (int v = 1; v < n; ++v) {
    if (v != g.y && rng.chance(1, 3)) continue;  // a root
    std::vector<int> candidates;
    for (int u = 0; u < v; ++u) candidates.push_back(u);
    rng.shuffle(candidates);
    const int k = rng.between(1, std::min(o.max_in_degree, v));
    candidates.resize(static_cast<std::size_t>(k));
    g.parents[static_cast<std::size_t>(v)] = candidates;
    std::sort(g.parents[static_cast<std::size_t>(v)].begin(), g.parents[static_cast<std::size_t>(v)].end());
  }
  if (!g.reaches(g.x, g.y)) {
    auto& p = g.parents[static_cast<std::size_t>(g.y)];
    if (static_cast<int>(p.size()) >= o.max_in_degree) p.erase(p.begin() + static_cast<std::ptrdiff_t>(rng.below(p.size())));
    p.push_back(g.x);
    std::sort(p.begin(), p.end());
  }
  int k = 1;
  for (int v = 0; v < n; ++v) g.roles.push_back(v == g.x ? "X" : v == g.y ? "Y" : fmt::format("V{}", k++));
  return g;
}

/// The size class of a backdoor_set graph, drawn once per balanced block (ItemTarget::block_seed):
/// its variables and arcs, the counts a reader sees first. Within a class, whether {} is the
/// valid set is balanced by construction, so neither count decides it (docs/generator.md).
struct GraphSize {
  int variables = 0;
  int arcs = 0;
};

GraphSize draw_backdoor_size(const GeneratorOptions& o, Rng& rng) {
  GraphSize k;
  // Six variables at least: an M-bias whose Z has a child (the pair's fingerprint asks for one
  // when the other graph's Z blocks a path) needs X's parent, two roots, Z and Z's child besides X
  // and Y; with four, no Z that is neither a parent nor a descendant of X makes {} valid and {Z} not.
  const int lo = std::max(6, o.min_variables);
  k.variables = rng.between(lo, std::max(lo + 1, o.max_variables));
  k.arcs = k.variables + static_cast<int>(rng.below(2));
  return k;
}

/// A random DAG of the class's size for a backdoor_set question: Y last, X with at least one
/// parent (else {} is trivially valid) and a directed path to Y, in-degree at most the knob's.
std::optional<Graph> backdoor_graph(const GeneratorOptions& o, const GraphSize& k, Rng& rng) {
  const int n = k.variables;
  Graph g;
  g.id = "random";
  g.parents.resize(static_cast<std::size_t>(n));
  g.x = rng.between(1, n - 2);
  g.y = n - 1;
  std::vector<std::pair<int, int>> pairs;
  for (int v = 1; v < n; ++v) {
    for (int u = 0; u < v; ++u) pairs.emplace_back(u, v);
  }
  rng.shuffle(pairs);
  int placed = 0;
  for (const auto& [u, v] : pairs) {
    if (placed == k.arcs) break;
    auto& p = g.parents[static_cast<std::size_t>(v)];
    if (static_cast<int>(p.size()) >= std::max(2, o.max_in_degree)) continue;
    p.push_back(u);
    ++placed;
  }
  if (placed != k.arcs || g.is_root(g.x) || !g.reaches(g.x, g.y)) return std::nullopt;
  for (int v = 0; v < n; ++v) {
    if (g.is_root(v) && g.children(v).empty()) return std::nullopt;  // the text would not mention it
  }
  for (auto& p : g.parents) std::sort(p.begin(), p.end());
  int r = 1;
  for (int v = 0; v < n; ++v) g.roles.push_back(v == g.x ? "X" : v == g.y ? "Y" : fmt::format("V{}", r++));
  return g;
}

std::atomic<bool> fast{true};  // detail::fast_paths()

/// Whether `z` is a valid adjustment set for the effect of X on Y (the backdoor criterion).
bool valid_adjustment(const Graph& g, const std::vector<int>& z) {
  for (int v : z) {
    if (g.reaches(g.x, v)) return false;
  }
  // On masks (identify's Bayes ball, X's outgoing arcs cut) where the graph allows: the
  // generator asks this on many draws, where building a Dag with named nodes cost more than the
  // rest of the draw. The Dag below is the slow path the tests compare it with (detail::fast_paths).
  if (g.size() <= 64 && fast.load(std::memory_order_relaxed)) {
    const auto n = static_cast<std::size_t>(g.size());
    std::vector<VarMask> parents(n, 0);
    std::vector<VarMask> children(n, 0);
    for (std::size_t v = 0; v < n; ++v) {
      for (int p : g.parents[v]) {
        parents[v] |= VarMask{1} << p;
        children[static_cast<std::size_t>(p)] |= VarMask{1} << v;
      }
    }
    VarMask given = 0;
    for (int v : z) given |= VarMask{1} << v;
    const VarMask x = VarMask{1} << g.x;
    return m_separated(parents, children, {}, x, VarMask{1} << g.y, given, x);
  }
  Dag d;
  for (int v = 0; v < g.size(); ++v) d.add_node(g.roles[static_cast<std::size_t>(v)]);
  for (int v = 0; v < g.size(); ++v) {
    for (int p : g.parents[static_cast<std::size_t>(v)]) {
      if (p != g.x) d.add_arc(static_cast<NodeId>(p), static_cast<NodeId>(v));
    }
  }
  const std::vector<NodeId> xs{static_cast<NodeId>(g.x)};
  const std::vector<NodeId> ys{static_cast<NodeId>(g.y)};
  std::vector<NodeId> zs;
  for (int v : z) zs.push_back(static_cast<NodeId>(v));
  return d.dsep(xs, ys, zs);
}

/// Where the candidate adjustment variable Z of a backdoor_set question stands: a parent of X,
/// a descendant of X, or neither. With exactly one of {} and {Z} valid, a parent forces {Z}
/// (if {} were valid, {Z} would be too: docs/generator.md) and a descendant forces {}.
enum class ZClass { parent, descendant, open };

ZClass z_class(const Graph& g, int z) {
  if (g.has_arc(z, g.x)) return ZClass::parent;
  return g.reaches(g.x, z) ? ZClass::descendant : ZClass::open;
}

/// What a reader can count in a backdoor_set graph with candidate Z, without deciding the
/// criterion: variables, arcs, "has a direct effect" sentences, X's in- and out-degree, Y's
/// in-degree, whether Z has children (a childless Z can only open a path), whether Z is a parent of
/// Y, and the shortest directed path X -> Y.
std::vector<int> backdoor_fingerprint(const Graph& g, int z) {
  auto in = [&](int v) { return static_cast<int>(g.parents[static_cast<std::size_t>(v)].size()); };
  auto out = [&](int v) { return static_cast<int>(g.children(v).size()); };
  int arcs = 0;
  int clauses = 0;
  for (int v = 0; v < g.size(); ++v) {
    arcs += in(v);
    clauses += out(v) > 0 ? 1 : 0;
  }
  std::vector<int> dist(static_cast<std::size_t>(g.size()), -1);
  dist[static_cast<std::size_t>(g.x)] = 0;
  for (int v = g.x + 1; v < g.size(); ++v) {
    for (int p : g.parents[static_cast<std::size_t>(v)]) {
      const int d = dist[static_cast<std::size_t>(p)];
      if (d >= 0 && (dist[static_cast<std::size_t>(v)] < 0 || d + 1 < dist[static_cast<std::size_t>(v)])) dist[static_cast<std::size_t>(v)] = d + 1;
    }
  }
  return {g.size(), arcs, clauses, in(g.x), out(g.x), in(g.y), out(z) > 0 ? 1 : 0, g.has_arc(z, g.y) ? 1 : 0,
          dist[static_cast<std::size_t>(g.y)]};
}

/// Two backdoor_set graphs that a reader counting (backdoor_fingerprint) cannot tell apart, one
/// where {} is the valid set and one where {Z} is (Z neither a parent nor a descendant of X).
struct BackdoorDraw {
  Graph g;
  int z = -1;
};
struct BackdoorPair {
  std::optional<BackdoorDraw> empty_valid;
  std::optional<BackdoorDraw> z_valid;
};

/// The first such pair among random graphs of size `k` drawn from `rng`; nullopt when none turns
/// up in a few thousand draws.
std::optional<BackdoorPair> backdoor_pair(const GeneratorOptions& o, const GraphSize& k, Rng& rng);

/// What a question type needs of the graph: a collider, a mediator or an adjustment variable.
struct Roles {
  int c = -1;  ///< explaining_away / collider_bias: a child of X with another parent
  int m = -1;  ///< nde / nie: a child of X on a path to Y
  int z = -1;  ///< backdoor_set: exactly one of {} and {z} is a valid adjustment set
};

/// Candidates for the roles `type` needs; empty optional when the graph has none. For
/// backdoor_set, Z must be of class `zc` and {} valid iff `direct_valid`.
std::optional<Roles> pick_roles(const Graph& g, const std::string& type, Rng& rng, ZClass zc = ZClass::open,
                                bool direct_valid = true) {
  Roles r;
  std::vector<int> pool;
  if (type == "explaining_away") {
    for (int v : g.children(g.x)) {
      if (g.has_arc(g.y, v)) pool.push_back(v);
    }
    if (pool.empty()) return std::nullopt;
    r.c = rng.pick(pool);
  } else if (type == "collider_bias") {
    for (int v : g.children(g.x)) {
      if (v != g.y && g.parents[static_cast<std::size_t>(v)].size() >= 2) pool.push_back(v);
    }
    if (!g.reaches(g.x, g.y)) return std::nullopt;  // the question asks for the sign of X's effect
    if (pool.empty()) return std::nullopt;
    r.c = rng.pick(pool);
  } else if (type == "nde" || type == "nie") {
    for (int v : g.children(g.x)) {
      if (v != g.y && g.reaches(v, g.y)) pool.push_back(v);
    }
    if (pool.empty()) return std::nullopt;
    r.m = rng.pick(pool);
  } else if (type == "backdoor_set") {
    const bool direct = valid_adjustment(g, {});
    if (direct != direct_valid) return std::nullopt;
    for (int v = 0; v < g.size(); ++v) {
      if (v != g.x && v != g.y && z_class(g, v) == zc && valid_adjustment(g, {v}) != direct) pool.push_back(v);
    }
    if (pool.empty()) return std::nullopt;
    r.z = rng.pick(pool);
  }
  return r;
}

std::optional<BackdoorPair> backdoor_pair(const GeneratorOptions& o, const GraphSize& k, Rng& rng) {
  constexpr int kDraws = 4000;
  std::map<std::vector<int>, BackdoorPair> seen;
  for (int draw = 0; draw < kDraws; ++draw) {
    std::optional<Graph> g = backdoor_graph(o, k, rng);
    if (!g) continue;
    const bool direct = valid_adjustment(*g, {});
    for (int v = 0; v < g->size(); ++v) {
      if (v == g->x || v == g->y || z_class(*g, v) != ZClass::open || valid_adjustment(*g, {v}) == direct) continue;
      BackdoorPair& slot = seen[backdoor_fingerprint(*g, v)];
      std::optional<BackdoorDraw>& side = direct ? slot.empty_valid : slot.z_valid;
      if (!side) side = BackdoorDraw{*g, v};
      if (slot.empty_valid && slot.z_valid) return slot;
    }
  }
  return std::nullopt;
}

/// Conditional probabilities: p[v][c] = P(v = 1 | parents in configuration c), the first parent
/// the most significant bit of c.
using Cpts = std::vector<std::vector<Rational>>;

Cpts sample_cpts(const Graph& g, int grid, Rng& rng) {
  Cpts p(static_cast<std::size_t>(g.size()));
  for (int v = 0; v < g.size(); ++v) {
    const std::size_t configs = std::size_t{1} << g.parents[static_cast<std::size_t>(v)].size();
    for (std::size_t c = 0; c < configs; ++c) p[static_cast<std::size_t>(v)].emplace_back(rng.between(1, grid - 1), grid);
  }
  return p;
}

std::string literal(const std::string& name, int value) { return value != 0 ? name : "not " + name; }

/// The model: each variable V has one exogenous U_V. A root is V := U_V with U_V ~ Bernoulli(p).
/// Otherwise U_V ranges over the intervals between V's distinct probabilities t_1 < ... < t_m
/// (P(U_V = j) = t_{j+1} - t_j) and V = 1 iff U_V falls below P(V=1 | its parents): every CPT
/// is met exactly, with one noise variable a node.
///
/// Built in code, declaration by declaration, as read_scm_text() built it from the text the
/// preset used to write (`exogenous U_V in {0, 1, 2} ~ (..)`, `V := if A then (U_V == 0 or
/// U_V == 1) else (U_V == 0)`): the same declarations and the same expression trees (the
/// parser's: `or` nests to the left, parentheses leave no node), so the same model, without
/// printing and re-reading text for every draw.
Scm noisy_model(const Graph& g, const Cpts& p, const std::vector<std::string>& names) {
  ScmBuilder b;
  for (int v = 0; v < g.size(); ++v) {
    const auto& name = names[static_cast<std::size_t>(v)];
    const auto& probs = p[static_cast<std::size_t>(v)];
    const auto& parents = g.parents[static_cast<std::size_t>(v)];
    const std::string noise = "U_" + name;
    if (parents.empty()) {
      b.exogenous(noise, Domain(), {Rational(1) - probs[0], probs[0]});
      b.endogenous(name, Domain(), Expr::atom(noise));
      continue;
    }
    std::vector<Rational> cuts(probs.begin(), probs.end());
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::vector<std::string> labels;
    std::vector<Rational> masses;
    Rational last(0);
    for (std::size_t j = 0; j <= cuts.size(); ++j) {
      const Rational next = j < cuts.size() ? cuts[j] : Rational(1);
      labels.push_back(std::to_string(j));
      masses.emplace_back(next - last);
      last = next;
    }
    // `U_V == 0 or U_V == 1 or ...`: the first `rank` labels.
    auto leaf = [&](std::size_t c) {
      const auto rank = static_cast<std::size_t>(std::find(cuts.begin(), cuts.end(), probs[c]) - cuts.begin()) + 1;
      Expr e = Expr::binary(Expr::Kind::eq, Expr::atom(noise), Expr::atom(labels[0]));
      for (std::size_t j = 1; j < rank; ++j) {
        e = Expr::binary(Expr::Kind::or_, std::move(e), Expr::binary(Expr::Kind::eq, Expr::atom(noise), Expr::atom(labels[j])));
      }
      return e;
    };
    // Nested ifs over the parents, first parent outermost.
    auto rec = [&](auto&& self, std::size_t i, std::size_t c) -> Expr {
      if (i == parents.size()) return leaf(c);
      const auto& pn = names[static_cast<std::size_t>(parents[i])];
      return Expr::if_then_else(Expr::atom(pn), self(self, i + 1, c * 2 + 1), self(self, i + 1, c * 2));
    };
    Expr mechanism = rec(rec, 0, 0);
    b.exogenous(noise, Domain(std::move(labels)), std::move(masses));
    b.endogenous(name, Domain(), std::move(mechanism));
  }
  return b.build();
}

/// "Kwox has a direct effect on blaf and zup. Blaf has a direct effect on zup.": a sentence per variable with children in
/// topological order; with `shuffle`, sentences and the children within each in an order drawn from
/// it (so that which variable is named last says nothing about the graph's kind).
std::string graph_text(const Graph& g, const std::vector<std::string>& names, Rng* shuffle = nullptr) {
  std::vector<std::string> sentences;
  for (int v = 0; v < g.size(); ++v) {
    std::vector<std::string> kids;
    for (int w : g.children(v)) kids.push_back(names[static_cast<std::size_t>(w)]);
    if (kids.empty()) continue;
    if (shuffle != nullptr) shuffle->shuffle(kids);
    sentences.push_back(effect_sentence(names[static_cast<std::size_t>(v)], kids));
  }
  if (shuffle != nullptr) shuffle->shuffle(sentences);
  return fmt::format("{}", fmt::join(sentences, " "));
}

/// "The overall probability of kwox is 60%. For those who are not kwox, the probability of ..."
std::string cpt_text(const Graph& g, const Cpts& p, const std::vector<std::string>& names) {
  std::string out;
  for (int v = 0; v < g.size(); ++v) {
    const auto& parents = g.parents[static_cast<std::size_t>(v)];
    const auto& name = names[static_cast<std::size_t>(v)];
    const auto& probs = p[static_cast<std::size_t>(v)];
    if (parents.empty()) {
      out += fmt::format(" The overall probability of {} is {}.", name, percent_text(probs[0]));
      continue;
    }
    for (std::size_t c = 0; c < probs.size(); ++c) {
      std::vector<std::string> who;
      for (std::size_t i = 0; i < parents.size(); ++i) {
        const int bit = static_cast<int>((c >> (parents.size() - 1 - i)) & 1U);
        who.push_back(literal(names[static_cast<std::size_t>(parents[i])], bit));
      }
      out += fmt::format(" For those who are {}, the probability of {} is {}.", fmt::join(who, " and are "), name,
                         percent_text(probs[c]));
    }
  }
  return out;
}

/// The stated difference P(b=1 | a=1, r) - P(b=1 | a=0, r), averaged without weights over the
/// rows r of b's other parents (a must be a parent of b).
Rational arc_difference(const Graph& g, const Cpts& p, int a, int b) {
  const auto& parents = g.parents[static_cast<std::size_t>(b)];
  const auto i = static_cast<std::size_t>(std::find(parents.begin(), parents.end(), a) - parents.begin());
  const std::size_t bit = std::size_t{1} << (parents.size() - 1 - i);
  const auto& probs = p[static_cast<std::size_t>(b)];
  Rational sum(0);
  for (std::size_t c = 0; c < probs.size(); ++c) {
    if ((c & bit) != 0) sum += probs[c] - probs[c & ~bit];
  }
  return sum / Rational(static_cast<long>(probs.size() / 2));
}

/// The sum over the directed paths from `from` to `to` of the product of the arcs' stated
/// differences (0 without a path): the linear path-analysis reading of the stated numbers.
Rational path_difference(const Graph& g, const Cpts& p, int from, int to) {
  std::vector<Rational> f(static_cast<std::size_t>(g.size()), Rational(0));
  f[static_cast<std::size_t>(from)] = 1;
  for (int v = from + 1; v <= to; ++v) {
    for (int u : g.parents[static_cast<std::size_t>(v)]) {
      if (u >= from && f[static_cast<std::size_t>(u)] != 0) f[static_cast<std::size_t>(v)] += f[static_cast<std::size_t>(u)] * arc_difference(g, p, u, v);
    }
  }
  return from == to ? Rational(0) : f[static_cast<std::size_t>(to)];
}

/// The mean of the stated P(v=1 | parents) over v's rows, unweighted.
Rational mean_conditional(const Cpts& p, int v) {
  const auto& probs = p[static_cast<std::size_t>(v)];
  Rational sum(0);
  for (const Rational& q : probs) sum += q;
  return sum / Rational(static_cast<long>(probs.size()));
}

/// The mean of Y's stated P(Y=1 | parents) weighted by the stated P(X) along X's column (the
/// other parents at 1/2 each): mean_conditional + (P(X) - 1/2) * arc_difference(X, Y) where X is
/// a root parent of Y, else mean_conditional. The law of total probability done for X alone,
/// which a learner can compute from P(X), Y's mean and its average difference on X.
Rational treatment_weighted(const Graph& g, const Cpts& p, int x, int y) {
  const Rational mean = mean_conditional(p, y);
  if (!g.has_arc(x, y) || !g.is_root(x) || p[static_cast<std::size_t>(x)].empty()) return mean;  // (X not stated)
  return mean + (p[static_cast<std::size_t>(x)][0] - Rational(1, 2)) * arc_difference(g, p, x, y);
}

/// A deterministic boolean model on the graph (for det_counterfactual): each non-root is the
/// `and` or `or` of its (possibly negated) parents.
struct Circuit {
  std::vector<std::string> op;                 ///< per node: "", "and", "or"
  std::vector<std::vector<int>> negated;       ///< per node, per parent: 0/1
  std::vector<int> roots;                      ///< factual values of the roots
};

/// The class of a det_counterfactual item, drawn once per balanced block (ItemTarget::block_seed)
/// so that the answer is balanced within each class: the outcome's connective and the treatment's
/// factual value (the question's "if not X instead of X"), what a learner reading the text picks
/// up first (docs/generator.md). -1 leaves a part free. Observed signs get no class:
/// sample_circuit's distribution hides them. The statement's `not` count gets none either,
/// though the distribution does not hide it: the count carries the parities of the paths from X
/// to Y, part of the evaluation itself (docs/generator.md, "The statement's `not` count").
struct CircuitClass {
  int outcome_op = -1;       ///< index into the allowed connectives (Y has 2+ causes); their count: Y has one cause
  int treatment_value = -1;  ///< X's factual value
  int treatment_in_outcome = -1;  ///< whether X is one of Y's causes (an arc X -> Y)
};

std::vector<std::string> circuit_ops(const GeneratorOptions& o) {
  std::vector<std::string> ops;
  for (const char* op : {"and", "or"}) {
    if (std::find(o.mechanisms.begin(), o.mechanisms.end(), op) != o.mechanisms.end()) ops.emplace_back(op);
  }
  if (ops.empty()) ops.emplace_back("or");
  return ops;
}

bool circuit_negations(const GeneratorOptions& o) {
  return std::find(o.mechanisms.begin(), o.mechanisms.end(), "not") != o.mechanisms.end();
}

CircuitClass draw_circuit_class(const GeneratorOptions& o, Rng& rng) {
  CircuitClass k;
  // One more than the connectives: Y with a single cause ("A causes Y"), which reads as no connective.
  k.outcome_op = static_cast<int>(rng.below(circuit_ops(o).size() + 1));
  k.treatment_value = rng.chance(1, 2) ? 1 : 0;
  k.treatment_in_outcome = rng.chance(1, 2) ? 1 : 0;
  return k;
}

Circuit sample_circuit(const Graph& g, const GeneratorOptions& o, const CircuitClass& k, Rng& rng) {
  Circuit c;
  const bool negations = circuit_negations(o);
  const std::vector<std::string> ops = circuit_ops(o);
  for (int v = 0; v < g.size(); ++v) {
    const auto& parents = g.parents[static_cast<std::size_t>(v)];
    const bool outcome = v == g.y && !parents.empty();
    const bool class_op = outcome && k.outcome_op >= 0 && static_cast<std::size_t>(k.outcome_op) < ops.size();
    c.op.push_back(parents.empty() ? "" : class_op ? ops[static_cast<std::size_t>(k.outcome_op)] : rng.pick(ops));
    std::vector<int> neg;
    // Each cause is negated with probability 1/2 (and each op, each root value, is 1/2 either way),
    // so that the circuits' distribution is unchanged by reading any variable V as "not V" (De
    // Morgan on its clause, its uses negated, its observed value flipped): such a relabelling
    // keeps the answer, so negation counts and observed signs say nothing about it.
    for (std::size_t i = 0; i < parents.size(); ++i) neg.push_back(negations && rng.chance(1, 2) ? 1 : 0);
    c.negated.push_back(neg);
    c.roots.push_back(rng.chance(1, 2) ? 1 : 0);
  }
  if (k.treatment_value >= 0 && g.is_root(g.x)) c.roots[static_cast<std::size_t>(g.x)] = k.treatment_value;
  return c;
}

std::vector<int> simulate(const Graph& g, const Circuit& c, int set_var, int set_value) {
  std::vector<int> value(static_cast<std::size_t>(g.size()), 0);
  for (int v = 0; v < g.size(); ++v) {
    const auto sv = static_cast<std::size_t>(v);
    if (v == set_var) {
      value[sv] = set_value;
    } else if (g.is_root(v)) {
      value[sv] = c.roots[sv];
    } else {
      const auto& parents = g.parents[sv];
      int r = c.op[sv] == "and" ? 1 : 0;
      for (std::size_t i = 0; i < parents.size(); ++i) {
        const int in = value[static_cast<std::size_t>(parents[i])] ^ c.negated[sv][i];
        r = c.op[sv] == "and" ? (r & in) : (r | in);
      }
      value[sv] = r;
    }
  }
  return value;
}

/// The answer of the no_abduction distractor (distractors.cpp) on a det_counterfactual item:
/// the sign of P(Y[X=value]=1) - 1/2 with every root at its prior (each value 1/2, independent),
/// by enumerating the roots' values (det_counterfactual's graphs have at most a few roots). 1 is
/// yes, -1 no, and 0 (exactly 1/2) `undetermined` (Decision::answer), which agrees with neither.
int prior_counterfactual_sign(const Graph& g, Circuit c, int set_var, int set_value) {
  std::vector<std::size_t> roots;
  for (int v = 0; v < g.size(); ++v) {
    if (g.is_root(v) && v != set_var) roots.push_back(static_cast<std::size_t>(v));
  }
  std::uint64_t ones = 0;
  const std::uint64_t total = std::uint64_t{1} << roots.size();
  for (std::uint64_t bits = 0; bits < total; ++bits) {
    for (std::size_t i = 0; i < roots.size(); ++i) c.roots[roots[i]] = static_cast<int>((bits >> i) & 1U);
    ones += static_cast<std::uint64_t>(simulate(g, c, set_var, set_value)[static_cast<std::size_t>(g.y)]);
  }
  return 2 * ones > total ? 1 : 2 * ones < total ? -1 : 0;
}

/// What a det_counterfactual item asks of its circuit besides its class (the ItemTarget's parts).
struct CircuitTarget {
  bool answer = false;
  bool answer_equals_factual = false;  ///< Y keeps its factual value (the rank's bit; overridden below)
  int no_abduction_agrees = -1;        ///< -1 no target, 1 the prior counterfactual answers alike, 0 not
  bool keep_reading = true;            ///< the factual relation and the shortest-path reading still hold
};

/// One draw of a det_counterfactual item's circuit on `g`, of class `k`: the circuit and X's
/// factual value when it meets `t`, else nullopt (most draws are rejected; one costs a few
/// simulations of the circuit).
std::optional<std::pair<Circuit, int>> draw_circuit(const Graph& g, const GeneratorOptions& o, const CircuitClass& k,
                                                     const CircuitTarget& t, Rng& rng) {
  Circuit c = sample_circuit(g, o, k, rng);
  const std::vector<int> factual = simulate(g, c, -1, 0);
  const int x_fact = factual[static_cast<std::size_t>(g.x)];
  if (k.treatment_value >= 0 && x_fact != k.treatment_value) return std::nullopt;
  const std::vector<int> world = simulate(g, c, g.x, 1 - x_fact);
  const int y_cf = world[static_cast<std::size_t>(g.y)];
  if ((y_cf != 0) != t.answer) return std::nullopt;
  // Where X is one of Y's causes and its literal in the hypothetical world is true in an
  // `or` (false in an `and`), that literal alone decides the answer (yes; no): a one-step
  // item that every reading gets right. Only 1 in 4 of those is kept, so that "read X's
  // literal in Y's clause" decides few items. (The shortest-path reading below rejects them
  // while it is kept: it would get them right.)
  bool equals_factual = t.answer_equals_factual;  // whether Y must keep its factual value
  const auto& y_parents = g.parents[static_cast<std::size_t>(g.y)];
  const std::vector<int>& y_negated = c.negated[static_cast<std::size_t>(g.y)];
  const std::string& y_op = c.op[static_cast<std::size_t>(g.y)];
  // Whether a literal of Y's clause, with this value, decides Y alone (true in an `or`, false
  // in an `and`; a single cause is no clause of several).
  const auto decides = [&](int literal) {
    return y_parents.size() > 1 && ((y_op == "or" && literal == 1) || (y_op == "and" && literal == 0));
  };
  // Y's causes other than X, in one pass: whether an observed root's literal decides Y
  // ("We observed A" and "A or ... causes Y", or "not A and ... causes Y": in every world,
  // whatever X does), and whether every one of them is an observed root.
  bool decided_by_observation = false;
  bool others_observed = y_parents.size() > 1;
  for (std::size_t j = 0; j < y_parents.size(); ++j) {
    const int p = y_parents[j];
    if (p == g.x) continue;
    if (!g.is_root(p)) {
      others_observed = false;
    } else if (decides(c.roots[static_cast<std::size_t>(p)] ^ y_negated[j])) {
      decided_by_observation = true;
    }
  }
  if (g.has_arc(g.x, g.y)) {
    const auto i = static_cast<std::size_t>(std::find(y_parents.begin(), y_parents.end(), g.x) - y_parents.begin());
    // So is Y when each other cause of Y is an observed root whose literal does not decide
    // the clause ("We observed A" and "A and X causes Y"): Y is X's literal, a one-step item
    // like the above but for either answer. Left free, these were kept for one answer only
    // (the other is the deciding literal above), and a learner read the answer off Y's
    // connective and whether an observed root is among its causes (69% yes with `and`, 32%
    // with `or`; docs/generator.md, "Observed literals").
    const bool copies_x = others_observed && !decided_by_observation;
    if ((decides((1 - x_fact) ^ y_negated[i]) || copies_x) && !rng.chance(1, 4)) return std::nullopt;
    // With X one of Y's several causes, the shortest-path reading below is X's literal, and
    // an unchanged Y it does not give exists for one answer per connective only (`or`: yes,
    // the literal false and another cause true; `and`: no). There the factual relation
    // follows the answer instead of the rank's bit: unchanged for that answer, changed for
    // the other, so that the reading and the factual value are each right on half the class.
    if (y_parents.size() > 1) equals_factual = (y_op == "or") == t.answer;
  }
  // An observed literal that decides Y (above) is kept one time in sixteen: on 15% of the
  // items before, a learner counting the `not`s of Y's clause against the negative
  // observations read them off (docs/generator.md, "Observed literals").
  if (decided_by_observation && !rng.chance(1, 16)) return std::nullopt;
  if (t.keep_reading && (y_cf == factual[static_cast<std::size_t>(g.y)]) != equals_factual) return std::nullopt;
  // The shortest-path reading (path_rule.hpp: X's new value carried along the shortest path
  // to Y, flipped by its negations) must give the answer exactly on the items whose Y changes
  // (counterbench.cpp says why), and be defined; given up with the factual target above
  // (docs/generator.md, "The shortest-path reading in det_counterfactual").
  if (t.keep_reading) {
    const std::pair<int, int> setting{g.x, 1 - x_fact};
    const std::optional<int> reading =
        path_rule_value(g.size(), g.y, std::span(&setting, 1), 0, [&](int w, auto&& f) {
          const auto& parents = g.parents[static_cast<std::size_t>(w)];
          for (std::size_t i = 0; i < parents.size(); ++i) f(parents[i], c.negated[static_cast<std::size_t>(w)][i] != 0);
        });
    if (!reading || (*reading != 0) != (t.answer != equals_factual)) return std::nullopt;
  }
  // The no_abduction target (the counterfactual with the roots at their priors), checked
  // here on the circuit, where a miss costs one simulation per root value, before the item
  // is built and its distractors solved (CladderPreset::make checks `wanted` exactly).
  if (t.no_abduction_agrees >= 0) {
    const int prior = prior_counterfactual_sign(g, c, g.x, 1 - x_fact);
    if ((prior == (t.answer ? 1 : -1)) != (t.no_abduction_agrees == 1)) return std::nullopt;
  }
  return std::pair<Circuit, int>{std::move(c), x_fact};
}

/// The circuit's model, built in code as read_scm_text() built it from the text the preset used
/// to write (`exogenous U_A ~ Bernoulli(1/2)`, `A := U_A`, `C := A and not B`: the connective
/// nests to the left, as the parser nests it).
Scm circuit_model(const Graph& g, const Circuit& c, const std::vector<std::string>& names) {
  ScmBuilder b;
  for (int v = 0; v < g.size(); ++v) {
    const auto sv = static_cast<std::size_t>(v);
    const auto& name = names[sv];
    if (g.is_root(v)) {
      b.exogenous("U_" + name, Domain(), {Rational(1, 2), Rational(1, 2)});
      b.endogenous(name, Domain(), Expr::atom("U_" + name));
      continue;
    }
    const Expr::Kind op = c.op[sv] == "and" ? Expr::Kind::and_ : Expr::Kind::or_;
    std::optional<Expr> e;
    for (std::size_t i = 0; i < g.parents[sv].size(); ++i) {
      Expr in = Expr::atom(names[static_cast<std::size_t>(g.parents[sv][i])]);
      if (c.negated[sv][i] != 0) in = Expr::unary(Expr::Kind::not_, std::move(in));
      e = e ? Expr::binary(op, std::move(*e), std::move(in)) : std::move(in);
    }
    b.endogenous(name, Domain(), std::move(*e));
  }
  return b.build();
}

/// "We know that kwox causes blaf. kwox or not blaf causes zup."
std::string circuit_text(const Graph& g, const Circuit& c, const std::vector<std::string>& names) {
  std::vector<std::string> sentences;
  for (int v = 0; v < g.size(); ++v) {
    const auto sv = static_cast<std::size_t>(v);
    if (g.is_root(v)) continue;
    std::vector<std::string> inputs;
    for (std::size_t i = 0; i < g.parents[sv].size(); ++i) {
      inputs.push_back(literal(names[static_cast<std::size_t>(g.parents[sv][i])], 1 - c.negated[sv][i]));
    }
    sentences.push_back(fmt::format("{} causes {}", fmt::join(inputs, " " + c.op[sv] + " "), names[sv]));
  }
  return fmt::format("We know that {}.", fmt::join(sentences, ". "));
}

Rational solve_exact(const Scm& model, const Query& q) { return solve(model, q).value; }

/// sum_z P(Y=1 | X=1, Z=z) P(z) - sum_z P(Y=1 | X=0, Z=z) P(z): the backdoor adjustment formula
/// with {Z} as the adjustment set, on the model; nullopt where a condition has probability 0.
std::optional<Rational> adjusted_contrast(const Scm& model, const std::string& x, const std::string& y, const std::string& z) {
  const VarId zid = *model.find(z);
  Rational sum;
  try {
    for (std::size_t k = 0; k < model.domain(zid).size(); ++k) {
      const std::string& zv = model.domain(zid).label(static_cast<Value>(k));
      const Rational pz = solve_exact(model, parse_query(fmt::format("P({}={})", z, zv), model));
      if (pz == 0) continue;
      sum += pz * solve_exact(model, parse_query(fmt::format("P({0}=1 | {1}=1, {2}={3}) - P({0}=1 | {1}=0, {2}={3})", y, x, z, zv), model));
    }
  } catch (const ZeroProbabilityEvidence&) {
    return std::nullopt;
  }
  return sum;
}

// ---- Questions stated in observed quantities (--given observed) --------------------------------

/// The variables a question stated in observed quantities hides, outside a set with undetermined
/// items (hidden_for_class() below is that case): half the items hide one variable with children
/// that plays no role in the question (CLadder's unobserved V1 of the frontdoor and IV graphs
/// among them). Every family and random DAG follows the same rule (docs/generator.md).
std::vector<int> hidden_nodes(const Graph& g, const Roles& roles, Rng& rng) {
  std::vector<int> candidates;
  for (int v = 0; v < g.size(); ++v) {
    if (v == g.x || v == g.y || v == roles.c || v == roles.m || v == roles.z) continue;
    if (!g.children(v).empty()) candidates.push_back(v);
  }
  if (candidates.empty() || !rng.chance(1, 2)) return {};
  return {candidates[rng.below(candidates.size())]};
}

/// Whether the observed variables identify `query` (of an ate/ett/nde/nie item) when the
/// observed graph is `a` (the model with some variables hidden).
/// `x`, `y`: X's and Y's indices in `a`. ate asks identify() on the graph alone; the others ask
/// identify_counterfactual(), which reads the query's variables off `model` (a model of the graph).
///
/// The counterfactual identification (ID*, most of class_pools' cost) is kept per thread by the
/// part of `a` it depends on: the ancestors of X, Y and the mediator `m` (-1: none), renumbered
/// in order, with their arcs (what lies outside them enters no counterfactual graph of the
/// query), the type and `treated` (ett's group). Random graphs drawn once share these parts
/// often. Only looked up, never walked; forgotten past 1<<16 parts; not with fast_paths(false).
bool identified_with_hidden(const std::string& type, const Admg& a, int x, int y, int m, int treated,
                            const std::function<std::pair<const Scm*, const Query*>()>& model_and_query) {
  if (type == "ate") return identify(a, VarMask{1} << y, VarMask{1} << x).identifiable;
  auto id_star = [&] {
    const auto [model, query] = model_and_query();
    return identify_counterfactual(a, *query, *model).identifiable;
  };
  if (!fast.load(std::memory_order_relaxed)) return id_star();
  thread_local std::unordered_map<std::string, bool> known;
  VarMask roles = (VarMask{1} << x) | (VarMask{1} << y);
  if (m >= 0) roles |= VarMask{1} << m;
  const VarMask part = a.ancestors(roles, a.all());
  // Index i of `a` -> its place among the part's members (a mask's bits keep their order).
  auto renumber = [&](VarMask set) {
    VarMask out = 0;
    for (int i : members(set & part)) out |= VarMask{1} << std::popcount(part & ((VarMask{1} << i) - 1));
    return out;
  };
  std::string key = fmt::format("{}|{}|{}|{}|{}|", type, treated, renumber(VarMask{1} << x), renumber(VarMask{1} << y),
                                m >= 0 ? renumber(VarMask{1} << m) : 0);
  for (int i : members(part)) key += fmt::format("{},{};", renumber(a.parents(i)), renumber(a.siblings(i)));
  if (auto it = known.find(key); it != known.end()) return it->second;
  if (known.size() >= (std::size_t{1} << 16)) known.clear();
  const bool identified = id_star();
  known.emplace(std::move(key), identified);
  return identified;
}

/// The observed graph of g's canonical model (canonical_model) with node `hidden` hidden, as
/// Admg::of gives it, without building the model: node w is observed variable w (w - 1 above the
/// hidden node; the model's evaluation order is its declaration order, since every parent comes
/// first), with the model's id n + w (ScmBuilder numbers the n noise terms first); the hidden node's
/// parents become its children's, and its children are siblings (it and its noise are their
/// common cause).
Admg hide_one(const Graph& g, int hidden) {
  const int n = g.size();
  auto index = [&](int w) { return w < hidden ? w : w - 1; };
  std::vector<VarId> vars;
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> labels;
  std::vector<VarMask> parents;
  VarMask hidden_parents = 0;
  for (int p : g.parents[static_cast<std::size_t>(hidden)]) hidden_parents |= VarMask{1} << index(p);
  VarMask hidden_children = 0;
  for (int w = 0; w < n; ++w) {
    if (w == hidden) continue;
    vars.push_back(static_cast<VarId>(n + w));
    names.push_back(fmt::format("N{}", w));
    labels.push_back({"0", "1"});
    VarMask ps = 0;
    for (int p : g.parents[static_cast<std::size_t>(w)]) {
      if (p == hidden) {
        ps |= hidden_parents;
        hidden_children |= VarMask{1} << index(w);
      } else {
        ps |= VarMask{1} << index(p);
      }
    }
    parents.push_back(ps);
  }
  std::vector<VarMask> siblings(parents.size(), 0);
  for (int c : members(hidden_children)) siblings[static_cast<std::size_t>(c)] = hidden_children & ~(VarMask{1} << c);
  return Admg::of_parts(std::move(vars), std::move(names), std::move(labels), std::move(parents), std::move(siblings));
}

/// The shape of what the text states when `v` is hidden (factorize: the chain rule over the
/// observed ancestors of X and Y, each term's conditions reduced as factorization() reduces
/// them): the number of stated numbers and the numbers of conditions of X's and Y's statements.
/// `a`: the model's observed graph with `v` hidden.
/// `x`, `y`: X's and Y's indices in `a`.
std::vector<int> statement_shape(const Admg& a, int x, int y) {
  VarMask earlier = 0;
  int numbers = 0;
  int x_given = 0;
  int y_given = 0;
  for (int t : members(a.ancestors((VarMask{1} << x) | (VarMask{1} << y), a.all()))) {
    const int k = std::popcount(relevant_given(a, VarMask{1} << t, earlier));
    earlier |= VarMask{1} << t;
    numbers += 1 << k;
    if (t == x) x_given = k;
    if (t == y) y_given = k;
  }
  return {numbers, x_given, y_given};
}

/// The query of an ate, ett, nde or nie item in rung's notation (ett: about those with X = treated).
std::string effect_query(const std::string& type, const std::string& x, const std::string& y, const std::string& m, int treated) {
  if (type == "ett") return fmt::format("E({0}[{1}={2}] | {1}={3}) - E({0}[{1}={3}] | {1}={3})", y, x, 1 - treated, treated);
  if (type == "nde") return fmt::format("E({0}[{1}=1, {2}={2}[{1}=0]]) - E({0}[{1}=0])", y, x, m);
  if (type == "nie") return fmt::format("E({0}[{1}=0, {2}={2}[{1}=1]]) - E({0}[{1}=0])", y, x, m);
  return fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", y, x);
}

/// A model of graph `g` with names N0, N1, ..., for what depends on the graph's structure only
/// (class_pools, observed_formula: the latent projection and the identification formulas read
/// which variables each mechanism reads and which noise terms are shared, never a number). Each
/// variable is the xor of its parents and its own noise U_V ~ Bernoulli(1/2), so every parent
/// matters and every probability is 1/2: one expression node per arc, where noisy_model() nests
/// ifs over the 2^k rows of a table. Kept per thread, keyed by the arcs (a pure function of
/// them); forgotten past 1<<10 graphs: at 1<<14, 300 level-5 items held 470 MB of these models,
/// at 1<<10 75 MB, at the same speed, since building one is cheap.
struct CanonicalModel {
  std::vector<std::string> names;
  Scm model;
};
/// The canonical model's construction with the given names: the same ids, domains and
/// structure as noisy_model(g, ..., names), so a query parses to the same ids on either.
Scm structure_model(const Graph& g, const std::vector<std::string>& names) {
  ScmBuilder b;
  const Rational half(1, 2);
  for (int v = 0; v < g.size(); ++v) {
    const std::string noise = "U_" + names[static_cast<std::size_t>(v)];
    b.exogenous(noise, Domain(), {half, half});
    Expr mechanism = Expr::atom(noise);
    for (int parent : g.parents[static_cast<std::size_t>(v)]) {
      mechanism = Expr::binary(Expr::Kind::xor_, Expr::atom(names[static_cast<std::size_t>(parent)]), std::move(mechanism));
    }
    b.endogenous(names[static_cast<std::size_t>(v)], Domain(), std::move(mechanism));
  }
  return b.build();
}

const CanonicalModel& canonical_model(const Graph& g) {
  thread_local std::unordered_map<std::string, std::shared_ptr<const CanonicalModel>> known;  // (looked up only)
  std::string key;
  for (const auto& ps : g.parents) key += fmt::format("{};", fmt::join(ps, ","));
  if (auto it = known.find(key); it != known.end()) return *it->second;
  if (known.size() >= (std::size_t{1} << 10)) known.clear();
  std::vector<std::string> names;
  for (int v = 0; v < g.size(); ++v) names.push_back(fmt::format("N{}", v));
  Scm model = structure_model(g, names);
  return *known.emplace(std::move(key), std::make_shared<const CanonicalModel>(CanonicalModel{std::move(names), std::move(model)}))
              .first->second;
}

/// The variables a set with undetermined items may hide in one graph, by statement shape: per
/// shape, the candidates whose hiding keeps the query identified and those whose hiding does not;
/// only shapes that offer both are kept (empty: the graph offers no class pair). A function of the
/// graph, the roles and the query's form only, computed on a model of the graph with fixed numbers
/// and kept per thread (a pure function of the key, so nothing the items contain depends on what
/// a thread saw before; forgotten past 1<<16 graphs): the same graphs come back draw after draw.
/// `without_common_causes`: the same with no direct common cause of X and Y among the
/// undetermined candidates (common_cause_keep()), so that a shape may no longer offer both.
using ClassPools = std::map<std::vector<int>, std::pair<std::vector<int>, std::vector<int>>>;
struct GraphPools {
  ClassPools all;
  ClassPools without_common_causes;
};
const GraphPools& class_pools(const Graph& g, const Roles& roles, const std::string& type, int treated) {
  // Whether v may be hidden (the candidates below).
  auto candidate = [&](int v) {
    if (v == g.x || v == g.y || v == roles.c || v == roles.m || v == roles.z || !g.has_child(v)) return false;
    // ate, ett: only X's parents. With one hidden variable the effect of X is unidentified only
    // when X is one of its children, so hiding anything else made "the hidden variable does not
    // cause X" a rule for "determined"; hiding a cause of X in both classes leaves the question
    // whether its other paths to Y are blocked by what is observed (docs/generator.md, "Where
    // the hidden variable sits").
    return (type != "ate" && type != "ett") || g.has_arc(v, g.x);
  };
  // A pair needs two candidates: most draws have fewer, and are answered without the cache.
  int candidates = 0;
  for (int v = 0; v < g.size() && candidates < 2; ++v) candidates += candidate(v) ? 1 : 0;
  static const GraphPools kNone;
  if (candidates < 2) return kNone;
  thread_local std::unordered_map<std::string, GraphPools> known;  // (looked up only, never walked)
  std::string key = type;
  for (int k : {treated, g.x, g.y, roles.c, roles.m, roles.z}) (key += '|') += std::to_string(k);
  for (const auto& ps : g.parents) {
    key += ';';
    for (int p : ps) (key += std::to_string(p)) += ',';
  }
  if (auto it = known.find(key); it != known.end()) return it->second;
  if (known.size() >= (std::size_t{1} << 16)) known.clear();
  // The graph's canonical model and the query on it, built when first needed: the shapes and the
  // ate's identification read the observed graph only, which hide_one() gives without a model
  // (most graphs here are drawn once and give no pair; the slow path builds the model always).
  const bool quick = fast.load(std::memory_order_relaxed);
  const CanonicalModel* canonical = nullptr;
  std::optional<Query> query;
  auto model_and_query = [&]() -> std::pair<const Scm*, const Query*> {
    if (!canonical) {
      canonical = &canonical_model(g);
      const std::vector<std::string>& names = canonical->names;
      const std::string m = roles.m >= 0 ? names[static_cast<std::size_t>(roles.m)] : std::string();
      query = parse_query(effect_query(type, names[static_cast<std::size_t>(g.x)], names[static_cast<std::size_t>(g.y)], m, treated),
                          canonical->model);
    }
    return {&canonical->model, &*query};
  };
  if (!quick) model_and_query();
  GraphPools pools;
  // Each candidate's shape first: a shape with one candidate cannot offer both classes, so its
  // candidate is not identified at all (identification is most of the cost).
  struct Hiding {
    int v;
    int x, y, m;  // X's, Y's and the mediator's indices in a (m: -1 without one)
    Admg a;
    std::vector<int> shape;
  };
  std::vector<Hiding> hidings;
  std::map<std::vector<int>, int> per_shape;
  for (int v = 0; v < g.size(); ++v) {
    if (!candidate(v)) continue;
    Admg a;
    int x = 0;
    int y = 0;
    int m = -1;
    if (quick) {
      a = hide_one(g, v);
      x = g.x < v ? g.x : g.x - 1;
      y = g.y < v ? g.y : g.y - 1;
      if (roles.m >= 0) m = roles.m < v ? roles.m : roles.m - 1;
    } else {
      const Scm& model = canonical->model;
      auto id = [&](int w) { return *model.find(canonical->names[static_cast<std::size_t>(w)]); };
      const VarId hidden = id(v);
      a = Admg::of(model, std::span<const VarId>(&hidden, 1));
      x = a.index(id(g.x));
      y = a.index(id(g.y));
      if (roles.m >= 0) m = a.index(id(roles.m));
    }
    std::vector<int> shape = statement_shape(a, x, y);
    ++per_shape[shape];
    hidings.push_back({v, x, y, m, std::move(a), std::move(shape)});
  }
  for (const auto& [v, x, y, m, a, shape] : hidings) {
    if (per_shape[shape] < 2) continue;
    auto& [identified, not_identified] = pools.all[shape];
    auto& [identified_too, not_identified_too] = pools.without_common_causes[shape];
    // One child: the latent projection adds no bidirected arc, so the query stays identified.
    if (g.children(v).size() == 1 || identified_with_hidden(type, a, x, y, m, treated, model_and_query)) {
      identified.push_back(v);
      identified_too.push_back(v);
    } else {
      not_identified.push_back(v);
      if (!g.has_arc(v, g.x) || !g.has_arc(v, g.y)) not_identified_too.push_back(v);
    }
  }
  for (ClassPools* p : {&pools.all, &pools.without_common_causes}) {
    std::erase_if(*p, [](const auto& entry) { return entry.second.first.empty() || entry.second.second.empty(); });
  }
  return known.emplace(std::move(key), std::move(pools)).first->second;
}

/// In a set with undetermined items, every item of a type that can be undetermined hides one
/// variable that plays no role in the question, chosen among those whose hiding gives the
/// item's class: the query stays identified (determined) or not (undetermined). A graph is kept
/// only when it offers both (empty result: redrawn), so that the graph, its family and "a
/// variable is unobserved" are the same for both classes; which variable is hidden decides, as
/// in the identification the question asks for (docs/generator.md). Both classes must moreover
/// be reachable with statements of the same shape (statement_shape): the shape is drawn first,
/// among those that offer both classes, then the hidden variable within it, so that the form of
/// the statement (how many numbers, whether P(X) is stated, how many conditions Y's numbers
/// have) says nothing of the class either.
std::vector<int> hidden_for_class(const Graph& g, const Roles& roles, const std::string& type, int treated, bool undetermined,
                                  bool common_cause_allowed, Rng& rng) {
  // Without the common causes of X and Y among the undetermined candidates, a graph that then
  // offers no pair is redrawn whichever the item's class.
  const GraphPools& both = class_pools(g, roles, type, treated);
  const ClassPools& pools = common_cause_allowed ? both.all : both.without_common_causes;
  if (pools.empty()) return {};
  auto shape = pools.begin();
  if (pools.size() > 1) std::advance(shape, static_cast<std::ptrdiff_t>(rng.below(pools.size())));
  const std::vector<int>& pool = undetermined ? shape->second.second : shape->second.first;
  return {pool[rng.below(pool.size())]};
}

VarMask bit(int i) { return VarMask{1} << i; }

/// The query's formula on an observed graph `a` (the item's, or the same without bidirected
/// arcs), its conditions reduced by the independences of `a`; nullopt with the reason when `a`
/// does not identify it. `named`, `named_set`: the ID algorithm's named criterion (ate,
/// collider_bias), for method_text().
struct Found {
  std::optional<CounterfactualEstimand> estimand;
  std::string named;
  VarMask named_set = 0;
  std::string reason;
};

Found find_formula(const Admg& a, const Scm& model, const Query& query, const std::string& type, int x, int y) {
  const auto n = static_cast<std::size_t>(a.size());
  // A factor `f` with X at xv and Y at 1 (the other free variables are summed inside f).
  auto at_xy = [&](const Functional& f, std::uint32_t xv) {
    std::vector<CfValue> bind(n);
    bind[static_cast<std::size_t>(x)] = {false, xv};
    bind[static_cast<std::size_t>(y)] = {false, 1};
    return CfExpr::factor(f, std::move(bind));
  };
  auto contrast = [&](const Functional& f) {
    return CounterfactualEstimand(CfExpr::linear({Rational(1), Rational(-1)}, {at_xy(f, 1), at_xy(f, 0)}), {});
  };
  Found f;
  if (type == "marginal" || type == "correlation") {
    // The observed distribution of the ancestors of Y (and X) by the chain rule, conditions
    // pruned by d-separation: the reader has to sum it out (CLadder's three-number forms,
    // sum_x P(x) P(Y | x) and P(X, Y) / P(X), are read off by any learner: docs/generator.md).
    const VarMask of = type == "marginal" ? bit(y) : bit(x) | bit(y);
    const VarMask set = a.ancestors(of, a.all());
    const Functional joint_of_set = factorization(a, set);
    if (type == "marginal") {
      f.estimand = CounterfactualEstimand(at_xy(Functional::sum(set & ~bit(y), joint_of_set), 0), {});
    } else {
      f.estimand = contrast(Functional::ratio(Functional::sum(set & ~(bit(x) | bit(y)), joint_of_set), Functional::sum(set & ~bit(x), joint_of_set)));
    }
  } else if (type == "ate" || type == "collider_bias") {
    const Identification r = identify(a, bit(y), bit(x));
    f.reason = r.reason;
    if (!r.identifiable) return f;
    // The ID algorithm's truncated factorization (the named backdoor or frontdoor formula with a
    // minimal set is often the one difference of stated numbers: docs/generator.md).
    f.estimand = contrast(*r.estimand);
    f.named = r.named;
    f.named_set = r.named_set;
  } else {
    const CounterfactualIdentification r = identify_counterfactual(a, query, model);
    f.reason = r.reason;
    if (!r.identifiable) return f;
    f.estimand = *r.estimand;
  }
  // Conditions an independence of `a` makes irrelevant are dropped (P(Y | V1, X, V2, W) =
  // P(Y | V2, W)): for the formula that ignores the hidden common causes, the independences its
  // reader assumes (P(Y | Z, X) = P(Y | X) for an instrument Z), so that no variable is left free.
  f.estimand = f.estimand->with_given([&](VarMask targets, VarMask given) { return relevant_given(a, targets, given); });
  return f;
}

/// How find_formula() found the item's formula, in words (names from `a`).
std::string method_text(const std::string& type, const Found& f, const Admg& a) {
  if (type == "marginal" || type == "correlation") return "the chain rule over the observed ancestors";
  if (type == "ate" || type == "collider_bias") {
    if (f.named == "backdoor") {
      return f.named_set == 0 ? "ID algorithm (no backdoor path)" : fmt::format("ID algorithm (the backdoor criterion holds for {})", a.names(f.named_set));
    }
    if (f.named == "frontdoor") return fmt::format("ID algorithm (the frontdoor criterion holds through {})", a.names(f.named_set));
    return "ID algorithm (Shpitser-Pearl)";
  }
  return type == "explaining_away" ? "conditioning on the observed distribution (Bayes' rule)"
                                   : "counterfactual identification (ID*, IDC*; Shpitser-Pearl)";
}

/// What an item's statement in observed quantities reads, as far as the graph, the hidden
/// variables and the query's form decide it (not the numbers): the formula, the formula that
/// ignores the hidden common causes, and the terms the text states.
struct ObservedFormula {
  bool usable = false;  ///< of the class asked for (identified or not), with a formula to state
  Found found;          ///< the item's own formula (reason left empty: found again for the text)
  std::optional<CounterfactualEstimand> naive;  ///< the formula that ignores the hidden common causes, when any
  std::optional<VarMask> factorized;            ///< as Observation::factorized
  std::vector<std::pair<VarMask, VarMask>> terms;  ///< the terms the text states
  [[nodiscard]] const CounterfactualEstimand& estimand(bool undetermined) const { return undetermined ? *naive : *found.estimand; }
};

ObservedFormula make_observed_formula(const Admg& admg, const Scm& model, const Query& query, const std::string& type, int x, int y,
                                      bool undetermined, bool factorize) {
  ObservedFormula out;
  out.found = find_formula(admg, model, query, type, x, y);
  out.found.reason.clear();
  if (out.found.estimand.has_value() == undetermined) return out;  // not the class the target asks for
  bool confounded = false;
  for (int i = 0; i < admg.size(); ++i) confounded = confounded || admg.siblings(i) != 0;
  if (confounded) out.naive = find_formula(admg.without_bidirected(), model, query, type, x, y).estimand;
  if (undetermined && !out.naive) return out;
  const CounterfactualEstimand& estimand = out.estimand(undetermined);
  if (factorize) {
    VarMask read = 0;
    for (const auto& [t, gv] : estimand.terms()) read |= t | gv;
    out.factorized = admg.ancestors(read, admg.all());
    factorization(admg, *out.factorized).terms(out.terms);
  } else {
    out.terms = estimand.terms();
  }
  out.usable = true;
  return out;
}

/// make_observed_formula() for an item of graph `g` (its model `model`, built by noisy_model()
/// with the graph's node order), cached per thread: a pure function of the graph, the hidden
/// variables, the query (its variables by id and values, not their names: the same for every
/// model of the graph) and the flags, computed on a model of the graph with fixed numbers and
/// names N0, N1, ... (as class_pools does), so that what a thread saw before changes nothing;
/// forgotten past 1<<16 keys. The formulas name no variable (their indices are the observed
/// graph's, whose order is the graph's), except in the evidence a ZeroProbabilityEvidence
/// message names, which cannot be raised on a model of the preset (every probability positive).
std::atomic<bool> cache_formulas{true};  // detail::cache_observed_formulas()

std::shared_ptr<const ObservedFormula> observed_formula(const Graph& g, const std::vector<std::string>& item_names, const Scm& item_model,
                                                        const Query& query, const std::string& type, const std::vector<int>& hidden,
                                                        bool undetermined, bool factorize) {
  // (Both looked up only, never walked.)
  thread_local std::unordered_map<std::string, std::vector<std::pair<Query, std::shared_ptr<const ObservedFormula>>>> known;
  thread_local std::unordered_set<std::string> seen;  // keys asked for once: kept from their second time on
  std::string key = fmt::format("{}|{}{}|{},{}|{}|", type, undetermined ? 1 : 0, factorize ? 1 : 0, g.x, g.y, fmt::join(hidden, ","));
  for (const auto& ps : g.parents) key += fmt::format("{};", fmt::join(ps, ","));
  // marginal, correlation, ate and collider_bias read only X and Y from the query.
  const bool by_query = !(type == "marginal" || type == "correlation" || type == "ate" || type == "collider_bias");
  if (auto it = known.find(key); it != known.end() && cache_formulas.load(std::memory_order_relaxed)) {
    for (const auto& [q, f] : it->second) {
      if (!by_query || q == query) return f;
    }
  }
  if (known.size() >= (std::size_t{1} << 16)) known.clear();
  if (seen.size() >= (std::size_t{1} << 16)) seen.clear();
  // A key asked for the first time (most random graphs are drawn once) is found on the item's
  // own model, which gives the same formula, and not kept: no model of the graph is built for it.
  if (!cache_formulas.load(std::memory_order_relaxed) || seen.insert(key).second) {  // on the item's own model
    std::vector<VarId> hidden_ids;
    for (int h : hidden) hidden_ids.push_back(*item_model.find(item_names[static_cast<std::size_t>(h)]));
    const Admg admg = Admg::of(item_model, hidden_ids);
    auto idx = [&](int v) { return admg.index(*item_model.find(item_names[static_cast<std::size_t>(v)])); };
    return std::make_shared<const ObservedFormula>(
        make_observed_formula(admg, item_model, query, type, idx(g.x), idx(g.y), undetermined, factorize));
  }
  const CanonicalModel& canonical = canonical_model(g);
  const std::vector<std::string>& names = canonical.names;
  const Scm& model = canonical.model;
  std::vector<VarId> hidden_ids;
  for (int h : hidden) hidden_ids.push_back(*model.find(names[static_cast<std::size_t>(h)]));
  const Admg admg = Admg::of(model, hidden_ids);
  auto idx = [&](int v) { return admg.index(*model.find(names[static_cast<std::size_t>(v)])); };
  auto f = std::make_shared<const ObservedFormula>(make_observed_formula(admg, model, query, type, idx(g.x), idx(g.y), undetermined, factorize));
  known[key].emplace_back(query, f);
  return f;
}

/// The observed joint of noisy_model(g, p, ...) read off its CPTs: each cell the sum, over the
/// hidden nodes' values, of the product of every node's P(value | parents), in integers over the
/// CPTs' common denominator and reduced once per cell. The same numbers as observed_joint(model,
/// admg), variable elimination over the model's noise (the slow path, detail::fast_paths(false),
/// uses that one, and CladderFastPaths compares the items both give), at a small part of its cost.
/// `node_of[i]`: the graph node of observed variable i. nullopt when the products could overflow
/// 128 bits (more than ~18 nodes): the caller solves the model then.
std::optional<ObservedJoint> cpt_joint(const Graph& g, const Cpts& p, const Admg& admg, const std::vector<int>& node_of) {
  __extension__ typedef unsigned __int128 Wide;  // (__extension__: -Wpedantic)
  const auto n = static_cast<std::size_t>(g.size());
  if (n > 24) return std::nullopt;
  // The common denominator of every entry (CLadder's grid: 10 or 100).
  std::uint64_t d = 1;
  for (const auto& column : p) {
    for (const Rational& r : column) {
      const auto den = boost::multiprecision::denominator(r);
      if (den > 1000000) return std::nullopt;
      d = std::lcm(d, den.convert_to<std::uint64_t>());
      if (d > 1000000) return std::nullopt;
    }
  }
  // d^n must fit (every product is below it, and so is every sum of them: they add up to d^n).
  Wide total = 1;
  for (std::size_t v = 0; v < n; ++v) {
    if (total > (~Wide{0}) / d) return std::nullopt;
    total *= d;
  }
  // Each entry as k / d: P(V=1 | row) = ones[v][row] / d.
  std::vector<std::vector<std::uint64_t>> ones(n);
  for (std::size_t v = 0; v < n; ++v) {
    for (const Rational& r : p[v]) {
      const auto den = boost::multiprecision::denominator(r).convert_to<std::uint64_t>();
      ones[v].push_back(boost::multiprecision::numerator(r).convert_to<std::uint64_t>() * (d / den));
    }
  }
  const std::size_t k = node_of.size();
  for (std::size_t i = 0; i < k; ++i) {
    if (node_of[i] < 0 || admg.cardinality(static_cast<int>(i)) != 2) return std::nullopt;
  }
  std::vector<Wide> cells(std::size_t{1} << k, 0);
  for (std::uint64_t w = 0; w < (std::uint64_t{1} << n); ++w) {  // bit v: node v's value
    Wide product = 1;
    for (std::size_t v = 0; v < n; ++v) {
      std::size_t row = 0;  // first parent most significant, as noisy_model nests its ifs
      for (int parent : g.parents[v]) row = row * 2 + ((w >> parent) & 1U);
      const std::uint64_t one = ones[v][row];
      product *= ((w >> v) & 1U) != 0 ? one : d - one;
    }
    std::size_t cell = 0;  // row-major over the observed variables, the last fastest
    for (std::size_t i = 0; i < k; ++i) cell = cell * 2 + ((w >> node_of[i]) & 1U);
    cells[cell] += product;
  }
  auto big = [](Wide x) {
    boost::multiprecision::mpz_int z(static_cast<std::uint64_t>(x >> 64U));
    z <<= 64;
    z += static_cast<std::uint64_t>(x);
    return z;
  };
  const boost::multiprecision::mpz_int denominator = big(total);
  std::vector<Rational> values;
  values.reserve(cells.size());
  for (Wide c : cells) values.emplace_back(big(c), denominator);
  return ObservedJoint(admg, std::move(values));
}

/// What a question stated in observed quantities says and how its answer follows from that.
struct Observation {
  std::unique_ptr<Admg> admg;  ///< the observed graph (the sources below point into it)
  std::shared_ptr<const ObservedFormula> formula;
  std::vector<int> hidden;     ///< the hidden nodes of the graph
  std::vector<VarId> hidden_ids;  ///< the same, as variables of the item's model
  std::vector<StatedProbability> stated;
  Rational value;              ///< the model's value of the query; undetermined: the assume_identifiable value
  bool undetermined = false;   ///< the observed variables do not identify the query
  /// The set whose observed distribution the text states, factorized, when it states that rather
  /// than the formula's own terms (the formula is then evaluated on it: FactorizedSource).
  std::optional<VarMask> factorized;
  /// The observed joint the stated numbers come from (the formula that ignores the hidden
  /// common causes reads it when asked: most draws are rejected before).
  std::shared_ptr<const ObservedJoint> joint;
  /// The value of the formula that ignores the hidden common causes (nullopt: the query has no
  /// such formula), evaluated on the observed joint the first time it is asked for.
  [[nodiscard]] const std::optional<Rational>& assume_identifiable() const {
    if (!naive_value) naive_value.emplace(formula->naive ? std::optional<Rational>(formula->naive->evaluate(*joint)) : std::nullopt);
    return *naive_value;
  }
  mutable std::optional<std::optional<Rational>> naive_value;  ///< assume_identifiable(), once asked
  ItemIdentification id;       ///< without value_from_text and the last steps until decide_from_text()
  bool described = false;      ///< describe() wrote `text` and the words of `id`
  std::string text;  ///< the sentences after the graph's: the unobserved variables, then the numbers
  /// The stated conditionals as a network over the graph's nodes (the readings of the stated
  /// numbers use it), when each variable has one set of conditions, all earlier in the graph.
  std::optional<std::pair<Graph, Cpts>> network;
  [[nodiscard]] const CounterfactualEstimand& estimand() const { return formula->estimand(undetermined); }
};

/// The item's statement in observed quantities: its identification formula and the numbers the
/// formula reads (rounded as the text shows them). nullopt when the query is not identifiable
/// from the observed variables or when the text would state more than 32 numbers: the item is
/// then redrawn. Whether the shown numbers decide the answer is decide_from_text()'s business,
/// checked last (it is the costlier check and rarely fails); the words (describe()) are written
/// for a kept draw only.
/// `model` has the item's names, ids and structure; its numbers are not read (a structure_model()
/// will do) except through `numbers`, which gives the item's own model (noisy_model) for the
/// joint when the CPTs cannot be summed in 128 bits, and with fast_paths(false).
std::optional<Observation> observe(const Graph& g, const Cpts& p, const std::vector<std::string>& names, const Scm& model,
                                   const Query& query, const std::string& type, const std::vector<int>& hidden, const Rational& value, bool undetermined,
                                   bool factorize, const std::function<const Scm&()>& numbers) {
  Observation out;
  out.formula = observed_formula(g, names, model, query, type, hidden, undetermined, factorize);
  if (!out.formula->usable) return std::nullopt;
  std::vector<VarId> hidden_ids;
  for (int h : hidden) hidden_ids.push_back(*model.find(names[static_cast<std::size_t>(h)]));
  out.admg = std::make_unique<Admg>(Admg::of(model, hidden_ids));
  out.hidden = hidden;
  out.hidden_ids = hidden_ids;
  const Admg& admg = *out.admg;
  auto idx = [&](int v) { return admg.index(*model.find(names[static_cast<std::size_t>(v)])); };
  const int x = idx(g.x);
  const int y = idx(g.y);
  const auto n = static_cast<std::size_t>(admg.size());
  std::vector<int> node_of(n, -1);  // the graph node of each observed variable
  for (int v = 0; v < g.size(); ++v) {
    if (const int i = admg.index(*model.find(names[static_cast<std::size_t>(v)])); i >= 0) node_of[static_cast<std::size_t>(i)] = v;
  }
  std::optional<ObservedJoint> by_cpts;
  if (fast.load(std::memory_order_relaxed)) by_cpts = cpt_joint(g, p, admg, node_of);
  out.joint = std::make_shared<const ObservedJoint>(by_cpts ? std::move(*by_cpts) : observed_joint(numbers(), admg));
  const ObservedJoint& joint = *out.joint;
  // (collider_bias states the effect's terms only, as the model register states the CPTs only:
  // stating the correlation among the selected too let a learner average the stated differences
  // to the answer on 85% of the items.) With `factorize` (every item of a type that can be
  // undetermined, in a set that has such items) the text states what a study of the observed
  // variables reports instead: their distribution factorized by the chain rule over the
  // ancestors of what the formula reads (an undetermined item's: the formula that ignores the
  // hidden variables), so that determined and undetermined items state the same kind of numbers
  // (stating each formula's own terms let a learner count them: docs/generator.md).
  out.factorized = out.formula->factorized;
  out.stated = stated_probabilities(admg, out.formula->terms, joint, false);
  const std::vector<StatedProbability>& stated = out.stated;
  if (stated.size() > 32) return std::nullopt;
  const StatedSource exact(admg, stated, false);

  if (undetermined && type == "ate") {
    // Manski's natural bounds on each P(Y=1 | do(X=x)), hence on their difference.
    std::vector<std::uint32_t> at(n, 0);
    at[static_cast<std::size_t>(y)] = 1;
    at[static_cast<std::size_t>(x)] = 1;
    const Bounds one = natural_bounds(joint, bit(y), bit(x), at);
    at[static_cast<std::size_t>(x)] = 0;
    const Bounds zero = natural_bounds(joint, bit(y), bit(x), at);
    out.id.bounds.emplace(one.lower - zero.upper, one.upper - zero.lower);
  }
  out.value = undetermined ? *out.assume_identifiable() : value;
  out.undetermined = undetermined;

  // The stated conditionals as a network over the graph's nodes, when they form one: each
  // variable under the largest of its stated sets of conditions that lie earlier in the graph,
  // when that set holds the others (P(Y | X, M) over P(Y | X): the smaller is derived).
  Graph ng = g;
  Cpts np(static_cast<std::size_t>(g.size()));
  bool network = true;
  VarMask earlier = 0;  // observed variables before v in the graph
  for (int v = 0; v < g.size() && network; ++v) {
    auto& ps = ng.parents[static_cast<std::size_t>(v)];
    ps.clear();
    if (std::find(hidden.begin(), hidden.end(), v) != hidden.end()) continue;
    const int t = idx(v);
    std::optional<VarMask> given;
    for (const StatedProbability& s : stated) {
      if (s.target != t || s.joint != 0 || (s.given & ~earlier) != 0) continue;
      if (!given || (s.given & *given) == *given) {
        given = s.given;
      } else if ((s.given & *given) != s.given) {
        network = false;  // two sets, neither holding the other
      }
    }
    earlier |= bit(t);
    if (!given) continue;
    for (int u = 0; u < v; ++u) {
      if (std::find(hidden.begin(), hidden.end(), u) == hidden.end() && ((*given >> idx(u)) & 1U) != 0) ps.push_back(u);
    }
    for (std::size_t c = 0; network && c < (std::size_t{1} << ps.size()); ++c) {
      std::vector<std::uint32_t> at(n, 0);
      at[static_cast<std::size_t>(t)] = 1;
      for (std::size_t i = 0; i < ps.size(); ++i) at[static_cast<std::size_t>(idx(ps[i]))] = static_cast<std::uint32_t>((c >> (ps.size() - 1 - i)) & 1U);
      np[static_cast<std::size_t>(v)].push_back(exact.conditional(bit(t), *given, at));
    }
  }
  if (network) out.network.emplace(std::move(ng), std::move(np));
  return out;
}

/// The words of an observation (observe() made it from these arguments): the sentences the text
/// adds after the graph's, and the identification's estimand, method, reason and steps up to the
/// stated numbers. Written once, for a draw that is kept.
void describe(Observation& o, const Graph& g, const std::vector<std::string>& names, const Scm& model, const Query& query,
              const std::string& type) {
  if (o.described) return;
  o.described = true;
  const Admg& admg = *o.admg;
  const bool undetermined = o.undetermined;
  const CounterfactualEstimand& estimand = o.estimand();
  ItemIdentification& id = o.id;
  std::string reason;  // why the observed variables do not identify the query: found again, on the item's model
  if (undetermined) {
    auto idx = [&](int v) { return admg.index(*model.find(names[static_cast<std::size_t>(v)])); };
    reason = find_formula(admg, model, query, type, idx(g.x), idx(g.y)).reason;
  }
  for (int h : o.hidden) id.hidden.push_back(names[static_cast<std::size_t>(h)]);
  id.identifiable = !undetermined;
  id.method = undetermined ? std::string("not identifiable") : method_text(type, o.formula->found, admg);
  id.reason = reason;
  if (!undetermined) {
    id.estimand = estimand.to_string(admg);
    id.estimand_latex = estimand.to_latex(admg);
  }
  std::vector<std::string> sentences;
  for (const auto& h : id.hidden) sentences.push_back(fmt::format("{} is unobserved.", h));
  std::vector<std::string> numbers;
  for (const StatedProbability& s : o.stated) {
    sentences.push_back(sentence(admg, s));
    id.stated.push_back({notation(admg, s), s.exact, s.shown});
    numbers.push_back(fmt::format("{} = {}", id.stated.back().probability, percent_text(s.shown)));
  }
  o.text = fmt::format("{}", fmt::join(sentences, " "));
  // The gold reasoning.
  std::vector<std::string> arcs;
  for (int v = 0; v < g.size(); ++v) {
    for (int c : g.children(v)) arcs.push_back(fmt::format("{} -> {}", names[static_cast<std::size_t>(v)], names[static_cast<std::size_t>(c)]));
  }
  id.steps.push_back(fmt::format("Graph: {}.{}", fmt::join(arcs, ", "),
                                 id.hidden.empty() ? std::string() : fmt::format(" Unobserved: {}.", fmt::join(id.hidden, ", "))));
  id.steps.push_back(fmt::format("Query: {}.", to_string(query, model)));
  id.steps.push_back(fmt::format("Stated numbers: {}.", fmt::join(numbers, "; ")));
  if (undetermined) {
    id.steps.push_back(fmt::format("Identification: the observed variables do not identify the query ({}).", reason));
    if (id.bounds) {
      id.steps.push_back(fmt::format("The stated numbers only bound it: {} <= {} <= {} (natural bounds).", to_string(id.bounds->first),
                                     to_string(query, model), to_string(id.bounds->second)));
    }
    id.steps.push_back(fmt::format("Ignoring the unobserved common causes would give {} (the assume_identifiable mistake).",
                                   estimand.to_string(admg)));
  } else {
    id.steps.push_back(fmt::format("Identification, by {}: {}.", id.method, id.estimand));
  }
}

/// Whether the numbers the text shows decide the answer the model does: the formula evaluated
/// on the shown (rounded) numbers gives the same decision, and no shown denominator is 0%. Sets
/// the value from the text and the reasoning's last steps. Throws Error when the formula on the
/// exact stated numbers is not the model's value (a bug: the identification or the statements).
bool decide_from_text(Observation& o, const Decision& decision) {
  const Admg& admg = *o.admg;
  const Rational& value = o.value;
  auto on_text = [&](bool shown) {
    if (o.factorized) return o.estimand().evaluate(FactorizedSource(admg, o.stated, shown, *o.factorized));
    return o.estimand().evaluate(StatedSource(admg, o.stated, shown));
  };
  if (on_text(false) != value) {
    throw Error(fmt::format("cladder preset: the estimand {} on the exact stated numbers differs from the model's {} (a bug)",
                            o.estimand().to_string(admg), to_string(value)));
  }
  try {
    o.id.value_from_text = on_text(true);
  } catch (const ZeroProbabilityEvidence&) {
    return false;  // a denominator shown as 0%
  }
  if (decision.answer(o.id.value_from_text) != decision.answer(value)) return false;
  if (o.undetermined) {
    o.id.steps.push_back(fmt::format("That formula on the stated numbers gives {} ({}: {}), but the answer is undetermined.",
                                     to_decimal(o.id.value_from_text, 4), to_string(decision), decision.answer(value)));
    return true;
  }
  o.id.steps.push_back(fmt::format("Substituted: {} (exactly {}; {} with the unrounded numbers).", to_decimal(o.id.value_from_text, 4),
                                   to_string(o.id.value_from_text), to_string(value)));
  o.id.steps.push_back(fmt::format("Decision: {}, so the answer is {}.", to_string(decision), decision.answer(value)));
  return true;
}

/// The reading of the stated numbers whose agreement with the answer a type balances
/// (ItemTarget::agreements), and the classes of its distance from the type's threshold: class k
/// holds the distances in [edges[k], edges[k + 1]). Readings farther than the last edge are
/// redrawn while the classes are kept (`kept` draws): with one "far" class, a reading deep in it
/// agreed with the answer nearly always and one at its near end seldom, which boosted trees
/// read off the stated numbers (docs/generator.md, "Readings' distance").
struct ReadingClasses {
  std::string_view procedure;
  Rational threshold;
  std::vector<Rational> edges;
  int kept = 0;   ///< draws for which the class holds
  int relax = 1;  ///< each agreement target is kept relax * kRelaxEvery draws
};

std::optional<ReadingClasses> reading_classes(std::string_view type) {
  // marginal: four classes of width 1/20 from 1/2, as correlation's (two, within 1/10 or farther,
  // left the far class open-ended: its reading agreed more often the farther it was). Each
  // agreement target is kept four times as long (1,600 draws): at twice, treatment_weighted was
  // given up often enough to agree on 53.6-55.4% of 3,000 items, and the trees read the answer
  // off X's probability and the stated differences (57.0 / 58.5%; now 50.1% and 55.5 / 55.4%, for
  // 1.14x the time). Keeping the class longer too gave treatment_weighted up again (53.2%).
  if (type == "marginal") {
    return ReadingClasses{"mean_conditional", Rational(1, 2), {Rational(0), Rational(1, 20), Rational(1, 10), Rational(3, 20), Rational(1, 5)}, 2 * kRelaxEvery, 4};
  }
  // correlation: four classes of width 1/20; collider_bias: two (its readings seldom disagree
  // past 1/10). Each agreement target is kept twice as long as the other types' (800 draws), so
  // that the class is the first thing given up.
  if (type == "correlation") {
    return ReadingClasses{"unweighted_difference", Rational(0), {Rational(0), Rational(1, 20), Rational(1, 10), Rational(3, 20), Rational(1, 5)}, 2 * kRelaxEvery, 2};
  }
  if (type == "collider_bias") return ReadingClasses{"unweighted_difference", Rational(0), {Rational(0), Rational(1, 20), Rational(1, 10)}, 2 * kRelaxEvery, 2};
  // ate, ett, nde, nie: four classes, each with about a quarter of the readings that disagree
  // with the answer when nothing is balanced (measured on 3,000 items of each at level 2, seed 1:
  // quartiles near 1/50, 1/20, 1/10, and 90% within 1/5; nie's reading, a product of two
  // differences, about four times nearer 0). With the class and up to three agreement targets
  // (and the undetermined class's shape match) a draw is rarer: each target is kept three times
  // as long; ett's twelve times and ate's sixteen (their hidden variable is a cause of X, and a
  // common cause of X and Y only in some draws, common_cause_keep(): with fewer confounded graphs
  // `conditioning` agreed with 168 of the 250 determined ate items of the default 3,000 at six
  // times, 141 at twelve, 135 at sixteen).
  const std::vector<Rational> differences{Rational(0), Rational(1, 50), Rational(1, 20), Rational(1, 10), Rational(1, 5)};
  if (type == "ate" || type == "ett") {
    return ReadingClasses{"unweighted_difference", Rational(0), differences, 2 * kRelaxEvery, type == "ate" ? 16 : 12};
  }
  if (type == "nde") return ReadingClasses{"direct_difference", Rational(0), differences, 2 * kRelaxEvery, 3};
  if (type == "nie") {
    return ReadingClasses{"unweighted_difference", Rational(0), {Rational(0), Rational(1, 200), Rational(1, 80), Rational(1, 40), Rational(1, 20)}, 2 * kRelaxEvery, 3};
  }
  return std::nullopt;
}

/// How far the value a yes/no item compares with its threshold may lie from it: a value far from
/// the threshold is answered right by any rough version of the computation (the readings of
/// reading_classes are balanced, but the trees combine several: P(X), the stated differences,
/// the mean of the outcome's numbers), so the types whose trees read the answer off the numbers
/// at 3,000 items keep it within 1/10 (docs/generator.md, "The value's distance"). Measured on
/// 3,000 items of the type, seed 1, level 2 (best learner; majority 50% / 41.7%): marginal 56.2% ->
/// 52.2%, ate 47.3% -> 45.9%, correlation 53.7% -> 52.9%. An undetermined item's value is that of
/// the formula that ignores the hidden variables (the basis of its polarity).
std::optional<Rational> value_cap(std::string_view type) {
  if (type == "marginal" || type == "correlation" || type == "ate") return Rational(1, 10);
  return std::nullopt;
}

/// What the pre-screens read of a network (g, p), in floating point: P(X = a, Y = 1), P(X = a)
/// and P(Y = 1 | do(X = a)) for a = 0, 1, as sums over the 2^n assignments in the graph's order
/// (nodes are numbered topologically), where building and solving the exact model costs tens of
/// times more. For the pre-screens only: they reject a draw only far from where the exact test
/// would decide otherwise.
struct NetworkSummary {
  double xy[2] = {0, 0};   ///< P(X = a, Y = 1)
  double x[2] = {0, 0};    ///< P(X = a)
  double do_y[2] = {0, 0}; ///< P(Y = 1 | do(X = a))
  /// The value of a marginal, correlation, ate or ett item (ett: about those with X = treated);
  /// nullopt for other types and where P(X = a) is 0.
  [[nodiscard]] std::optional<double> value(std::string_view type, int treated = 0) const {
    if (type == "marginal") return xy[0] + xy[1];
    if (type == "ate") return do_y[1] - do_y[0];
    if (x[0] <= 0 || x[1] <= 0) return std::nullopt;
    if (type == "correlation") return xy[1] / x[1] - xy[0] / x[0];
    if (type == "ett") {
      // E(Y[X=t'] | X=t) = (P(Y=1 | do(X=t')) - P(Y=1, X=t')) / P(X=t) for binary X (consistency),
      // minus E(Y | X=t).
      const int t = treated;
      return (do_y[1 - t] - xy[1 - t]) / x[t] - xy[t] / x[t];
    }
    return std::nullopt;
  }
};

/// nullopt past 16 variables.
std::optional<NetworkSummary> summarize(const Graph& g, const Cpts& p, bool interventions) {
  if (g.size() > 16) return std::nullopt;
  const auto n = static_cast<std::size_t>(g.size());
  std::vector<std::vector<double>> q(n);
  for (std::size_t v = 0; v < n; ++v) {
    for (const Rational& r : p[v]) q[v].push_back(to_double(r));
  }
  NetworkSummary out;
  std::vector<int> value(n, 0);
  const auto x = static_cast<std::size_t>(g.x);
  const auto y = static_cast<std::size_t>(g.y);
  // world -1: the observed one; 0 and 1: X set to that value.
  for (int world = -1; world < (interventions ? 2 : 0); ++world) {
    // Depth-first over the nodes in order; the weight of a path is the product of its CPT rows.
    auto rec = [&](auto&& self, std::size_t v, double w) -> void {
      if (v == n) {
        if (world < 0) {
          out.x[value[x]] += w;
          if (value[y] == 1) out.xy[value[x]] += w;
        } else if (value[y] == 1) {
          out.do_y[world] += w;
        }
        return;
      }
      if (world >= 0 && v == x) {
        value[v] = world;
        self(self, v + 1, w);
        return;
      }
      std::size_t row = 0;
      for (int u : g.parents[v]) row = row * 2 + static_cast<std::size_t>(value[static_cast<std::size_t>(u)]);
      const double one = q[v][row];
      value[v] = 1;
      self(self, v + 1, w * one);
      value[v] = 0;
      self(self, v + 1, w * (1 - one));
    };
    rec(rec, 0, 1.0);
  }
  return out;
}

/// The bounds an `ate_bounds` item asks for: on the ATE of X on Y that the observed variables do
/// not identify, the tightest interval over every model of the graph that produces the stated
/// numbers. The stated set (o.factorized: the observed ancestors of what the formula reads) is
/// the whole of what the text gives, so the program runs on its graph alone (the model with the
/// other observed variables hidden too: none of them is an ancestor of the set, so hiding them
/// adds no arc inside it). Computed by the response-function linear program
/// (Balke & Pearl), which is sharp when every two variables of the set with parents are joined by
/// a bidirected arc (ResponseFunctionLp::sharp_for); nullopt otherwise, or when the rounded
/// numbers fit no model of the graph, or the program is too large, or the natural bounds are
/// the answer where `want_tight` says they must not be, or the other way round: the item is
/// redrawn.
struct AteBounds {
  Bounds model;    ///< on the model's exact observed distribution
  Bounds text;     ///< on the numbers as the text shows them (the answer)
  Bounds natural;  ///< Manski's natural bounds on the shown numbers (a distractor where tighter ones exist)
};

/// The stated set's graph: the model with the hidden variables and every observed variable
/// outside the set (o.factorized) hidden too (none of them is an ancestor of the set: hiding them
/// adds no arc inside it).
Admg stated_graph(const Observation& o, const Scm& model, const std::vector<VarId>& hidden_ids) {
  const Admg& admg = *o.admg;
  std::vector<VarId> hide = hidden_ids;
  for (int i = 0; i < admg.size(); ++i) {
    if (((*o.factorized >> i) & 1U) == 0) hide.push_back(admg.var(i));
  }
  return Admg::of(model, hide);
}

/// The joint of the stated set over `sub` (stated_graph()), row-major over sub's variables (the
/// last fastest), from the stated factorization: as the text shows the numbers, or exact.
ObservedJoint stated_joint(const Observation& o, const Admg& sub, bool shown) {
  const Admg& admg = *o.admg;
  const FactorizedSource source(admg, o.stated, shown, *o.factorized);
  std::size_t cells = 1;
  for (int i = 0; i < sub.size(); ++i) cells *= sub.cardinality(i);
  std::vector<Rational> joint(cells);
  std::vector<std::uint32_t> at(static_cast<std::size_t>(admg.size()), 0);
  for (std::size_t code = 0; code < cells; ++code) {
    std::size_t rest = code;
    for (int i = sub.size() - 1; i >= 0; --i) {
      const std::size_t card = sub.cardinality(i);
      at[static_cast<std::size_t>(admg.index(sub.var(i)))] = static_cast<std::uint32_t>(rest % card);
      rest /= card;
    }
    joint[code] = source.conditional(*o.factorized, 0, at);
  }
  return ObservedJoint(sub, std::move(joint));
}

std::optional<AteBounds> sharp_ate_bounds(const Observation& o, const Scm& model, const std::vector<VarId>& hidden_ids, VarId x_id,
                                          VarId y_id, std::optional<bool> want_tight) {
  if (!o.factorized) return std::nullopt;
  const Admg sub = stated_graph(o, model, hidden_ids);
  if (!ResponseFunctionLp::sharp_for(sub)) return std::nullopt;
  const int x = sub.index(x_id);
  const int y = sub.index(y_id);
  if (want_tight == false) {
    // Without an observed instrument (a cause of X alone with no cause of its own) the natural
    // bounds are sharp (tests/gen/cladder_bounds_test.cpp derives them so): the programs are
    // not run for an item that needs tighter ones.
    const VarMask roots = sub.all() & ~ResponseFunctionLp::non_roots(sub);
    bool instrument = false;
    for (int v : members(roots)) instrument = instrument || (((sub.parents(x) >> v) & 1U) != 0 && ((sub.parents(y) >> v) & 1U) == 0);
    if (!instrument) return std::nullopt;
  }
  const auto n = static_cast<std::size_t>(sub.size());
  std::vector<std::uint32_t> at1(n, 0);
  at1[static_cast<std::size_t>(y)] = 1;
  at1[static_cast<std::size_t>(x)] = 1;
  std::vector<std::uint32_t> at0 = at1;
  at0[static_cast<std::size_t>(x)] = 0;
  auto on = [&](bool shown, Bounds* natural) -> std::optional<Bounds> {
    const ObservedJoint p = stated_joint(o, sub, shown);
    if (natural != nullptr) {
      const Bounds one = natural_bounds(p, bit(y), bit(x), at1);
      const Bounds zero = natural_bounds(p, bit(y), bit(x), at0);
      *natural = {one.lower - zero.upper, one.upper - zero.lower};
    }
    try {
      const ResponseFunctionLp lp(p);
      return lp.difference(bit(y), bit(x), at1, at0);
    } catch (const Error&) {
      return std::nullopt;  // the rounded numbers fit no model of the graph, or too large
    }
  };
  AteBounds b;
  const std::optional<Bounds> shown = on(true, &b.natural);
  if (!shown) return std::nullopt;
  // The class `want_tight` asks for (the natural bounds are the answer, or not), before the
  // second program.
  if (want_tight && (b.natural.lower == shown->lower && b.natural.upper == shown->upper) != *want_tight) return std::nullopt;
  const std::optional<Bounds> exact = on(false, nullptr);
  if (!exact) return std::nullopt;
  b.model = *exact;
  b.text = *shown;
  return b;
}

std::string interval_text(const Bounds& b) { return interval_string(b.lower, b.upper); }

/// An ate_bounds item's identification and gold reasoning: the bounds on the model's and on the
/// shown numbers, the natural bounds beside them, and the formula that ignores the hidden
/// variables evaluated on the shown numbers (assume_identifiable_from_text). False when a
/// denominator is shown as 0%: the item is redrawn.
bool bound_from_text(Observation& o, const AteBounds& b, const Rational& value) {
  if (value < b.model.lower || value > b.model.upper) {
    throw Error(fmt::format("cladder preset: the ATE {} lies outside its bounds {} (a bug)", to_string(value), interval_text(b.model)));
  }
  try {
    o.id.value_from_text = o.estimand().evaluate(FactorizedSource(*o.admg, o.stated, true, *o.factorized));
  } catch (const ZeroProbabilityEvidence&) {
    return false;
  }
  std::erase_if(o.id.steps, [](const std::string& step) { return step.starts_with("The stated numbers only bound it"); });
  o.id.bounds = std::pair{b.model.lower, b.model.upper};
  o.id.bounds_from_text = std::pair{b.text.lower, b.text.upper};
  o.id.bounds_method = "response-function linear program (Balke & Pearl 1997), sharp for this graph";
  o.id.steps.push_back(fmt::format(
      "Bounds: over every model of the graph that gives the stated numbers, the response-function linear program (Balke & "
      "Pearl) finds the smallest and the largest ATE: {} on the shown numbers ({} with the unrounded ones).",
      interval_text(b.text), interval_text(b.model)));
  const bool same = b.natural.lower == b.text.lower && b.natural.upper == b.text.upper;
  o.id.steps.push_back(fmt::format("Manski's natural bounds, from P(X, Y) alone, give {}{}.", interval_text(b.natural),
                                   same ? ": the graph tightens them no further" : ": the graph's other variables tighten them"));
  o.id.steps.push_back(fmt::format("Answer: {} (about [{}, {}]).", interval_text(b.text), to_decimal(b.text.lower, 4),
                                   to_decimal(b.text.upper, 4)));
  return true;
}

/// Bounds on an undetermined ett, nde or nie item's query (a counterfactual: several worlds,
/// nested settings, ETT's factual evidence X = x) over every model of the stated set's graph
/// that produces the stated numbers: the response-function program over counterfactual worlds
/// (ResponseFunctionLp::bounds) on the model's exact numbers and on the numbers as the text shows
/// them. Sharp where every two variables of the set with causes are confounded
/// (ResponseFunctionLp::sharp_for; `need_sharp`, for a bounds question, refuses the others),
/// valid elsewhere. nullopt when the program is larger than the cap below, the shown numbers fit no model of
/// the graph, or the evidence is shown as 0%: the record then carries no bounds (the item is not
/// redrawn for that; a bounds question is).
struct CounterfactualBounds {
  Bounds model;  ///< on the model's exact observed distribution of the set
  Bounds text;   ///< on the numbers as the text shows them
  bool sharp = false;
};

/// Above this many columns the records of yes/no items go without counterfactual bounds. With
/// the exact simplex, 4,096 cost the preset 1.76x its time (3,000 items, level 2) and the limit
/// was 1,024; since the doubles propose the basis and rationals certify it, 16,384 costs 15%
/// and gives bounds to 199 of 300 undetermined ett/nde/nie records instead of 58
/// (docs/generator.md).
constexpr std::uint64_t kRecordBoundsColumns = 16384;
/// The bounds questions (opt-in) accept programs up to this size.
constexpr std::uint64_t kQuestionBoundsColumns = 4096;

std::optional<CounterfactualBounds> counterfactual_bounds(const Observation& o, const Scm& model, const Query& query, bool need_sharp) {
  const std::uint64_t max_columns = need_sharp ? kQuestionBoundsColumns : kRecordBoundsColumns;
  if (!o.factorized) return std::nullopt;
  // (o.hidden_ids, not the names in o.id: those are written by describe(), for a kept draw.)
  const Admg sub = stated_graph(o, model, o.hidden_ids);
  CounterfactualBounds b;
  b.sharp = ResponseFunctionLp::sharp_for(sub);
  if ((need_sharp && !b.sharp) || ResponseFunctionLp::count_columns(sub) > max_columns) return std::nullopt;
  try {
    const ObservedJoint shown = stated_joint(o, sub, true);
    b.text = ResponseFunctionLp(shown).bounds(query, model);
  } catch (const Error&) {
    return std::nullopt;  // too large, the rounded numbers fit no model of the graph, or 0% evidence
  }
  // The model's own numbers fit its graph and give its evidence a positive probability: only the
  // size can refuse them (anything else is a bug, and says so).
  try {
    const ObservedJoint exact = stated_joint(o, sub, false);
    b.model = ResponseFunctionLp(exact).bounds(query, model);
  } catch (const TooLarge&) {
    return std::nullopt;
  }
  return b;
}

/// Writes the bounds into an undetermined item's identification and names them in its gold
/// reasoning (after the identification verdict). Throws Error when the model's value lies
/// outside the bounds on its exact numbers (a bug).
void record_counterfactual_bounds(Observation& o, const CounterfactualBounds& b, const Query& query, const Scm& model,
                                  const Rational& value) {
  if (value < b.model.lower || value > b.model.upper) {
    throw Error(fmt::format("cladder preset: the value {} of {} lies outside its bounds {} (a bug)", to_string(value),
                            to_string(query, model), interval_text(b.model)));
  }
  o.id.bounds = std::pair{b.model.lower, b.model.upper};
  o.id.bounds_from_text = std::pair{b.text.lower, b.text.upper};
  o.id.bounds_method = b.sharp ? "response-function linear program over counterfactual worlds (Balke & Pearl 1997), sharp for this graph"
                               : "response-function linear program over counterfactual worlds (Balke & Pearl 1997), valid for this "
                                 "graph but maybe not the tightest (it drops the independence of the graph's separate hidden causes)";
  const std::string step = fmt::format(
      "The stated numbers only bound it: over every model of the graph that gives them, the response-function linear program "
      "(Balke & Pearl) over the counterfactual worlds finds {} <= {} <= {} on the shown numbers ({} with the unrounded ones){}.",
      to_string(b.text.lower), to_string(query, model), to_string(b.text.upper), interval_text(b.model),
      b.sharp ? "; no tighter interval holds" : "; the graph may allow a tighter one");
  auto at = std::find_if(o.id.steps.begin(), o.id.steps.end(), [](const std::string& s) { return s.starts_with("Identification:"); });
  o.id.steps.insert(at == o.id.steps.end() ? at : at + 1, step);
}

/// A bounds question's identification and gold reasoning (ett_bounds, nde_bounds, nie_bounds):
/// the sharp bounds on the shown and the exact numbers, and the formula that ignores the hidden
/// variables on the shown numbers (assume_identifiable_from_text). False when a denominator of
/// that formula is shown as 0%: the item is redrawn.
bool counterfactual_bound_from_text(Observation& o, const CounterfactualBounds& b, const Query& query, const Scm& model,
                                    const Rational& value) {
  try {
    o.id.value_from_text = o.estimand().evaluate(FactorizedSource(*o.admg, o.stated, true, *o.factorized));
  } catch (const ZeroProbabilityEvidence&) {
    return false;
  }
  record_counterfactual_bounds(o, b, query, model, value);
  o.id.steps.push_back(fmt::format("Answer: {} (about [{}, {}]).", interval_text(b.text), to_decimal(b.text.lower, 4),
                                   to_decimal(b.text.upper, 4)));
  return true;
}

}  // namespace

std::optional<std::string_view> cladder_graph_arcs(std::string_view graph_id) {
  for (const Family& f : kFamilies) {
    if (graph_id == f.id) return std::string_view(f.arcs);
  }
  return std::nullopt;
}

const std::vector<std::string>& cladder_query_types() {
  static const std::vector<std::string> kTypes = {"marginal", "correlation", "explaining_away", "ate", "backdoor_set",
                                                  "collider_bias", "ett", "nde", "nie", "det_counterfactual"};
  return kTypes;
}

namespace detail {
void cache_observed_formulas(bool on) { cache_formulas.store(on, std::memory_order_relaxed); }
void fast_paths(bool on) { fast.store(on, std::memory_order_relaxed); }
}  // namespace detail

CladderPreset::CladderPreset(GeneratorOptions options) : options_(std::move(options)) {}

Item CladderPreset::make(Rng& rng, Rng& name_rng, const ItemTarget& target) const {
  // ate_bounds asks for the bounds of an ATE that the observed variables do not identify: drawn
  // as an undetermined ate item (graph, hidden variable, statement), answered by an interval.
  // ett_bounds, nde_bounds, nie_bounds likewise, for an undetermined ett, nde or nie item, and only
  // on graphs whose program is sharp (the answer is the tightest interval).
  const bool bounds_item = is_bounds_type(target.type);
  const std::string type = bounds_item ? target.type.substr(0, target.type.size() - std::string_view("_bounds").size()) : target.type;
  const bool undetermined_item = target.undetermined || bounds_item;
  const int grid = options_.difficulty <= 1 ? 10 : 100;
  // Share of random DAGs among the graphs: none at level 1, then growing with the level.
  // det_counterfactual draws 3/4 of its graphs at random at every level: with CLadder's graphs only,
  // an outcome clause of `and` could not keep Y true when X flips (docs/generator.md).
  const int random_share = type == "det_counterfactual" ? std::max(75, (options_.difficulty - 1) * 20)
                                                        : (options_.difficulty - 1) * 20;  // percent
  // Whether conditioning on X (instead of intervening) must give the answer too: the generator
  // asks for both halves, so that a model that confuses seeing with doing is found out. The
  // same for reading a natural effect as the total effect. Checked on the exact distractors.
  // -1 no target, 1 must agree, 0 must not (an int for the reason given below).
  int conditioning_agrees = -1;
  // ett: whether the effect on everyone (the ATE) must answer alike: -1 no target, 1 alike, 0 not.
  // (An int, not std::optional<bool>: GCC 12 calls the optional's payload maybe-uninitialized.)
  int no_abduction_agrees = -1;
  for (const auto& [procedure, agree] : target.agreements) {
    if (procedure == "conditioning") conditioning_agrees = agree ? 1 : 0;
    if (procedure == "no_abduction" && (type == "ett" || type == "det_counterfactual")) no_abduction_agrees = agree ? 1 : 0;
  }
  // backdoor_set: where Z stands and whether {} is the valid set. A parent Z forces {Z}, a
  // descendant forces {}; those classes get 1/32 of the items each (bits 2..6 of the rank), so
  // "adjust iff Z is a parent" or "iff X has a parent" is right on at most ~53% of them; the
  // rest (Z neither) has {} valid on half the items (bit 1 of the rank).
  ZClass zc = ZClass::open;
  bool direct_valid = target.answer_equals_factual;
  if (type == "backdoor_set") {
    const std::uint64_t k = (target.rank >> 2U) % 32U;
    zc = k == 0 ? ZClass::parent : k == 1 ? ZClass::descendant : ZClass::open;
    if (zc != ZClass::open) direct_valid = zc == ZClass::descendant;
  }
  // The classes below are drawn from the block's seed, so every item of a balanced block has the
  // same one (an item redrawn without a block seed draws its own; a type uses one class only).
  const bool in_block = target.block_seed != 0;
  Rng block_rng(target.block_seed);
  Rng& class_rng = in_block ? block_rng : rng;
  // det_counterfactual: the item's class (CircuitClass).
  CircuitClass circuit_class;
  if (type == "det_counterfactual") circuit_class = draw_circuit_class(options_, class_rng);
  // det_counterfactual's random graphs have 4 variables at least (5 at most at level 1): on three,
  // nearly every X -> Y path is one arc or a chain, where the negations along it decide. Above
  // level 1 they have up to 6 at least: an unchanged Y whose clause the change reaches only
  // through a gate that blocks it needs room (on at most 5, a third of some classes' items gave
  // the shortest-path reading up).
  GeneratorOptions graph_options = options_;
  if (type == "det_counterfactual") {
    graph_options.min_variables = std::max(graph_options.min_variables, 4);
    graph_options.max_variables = std::max(graph_options.max_variables, options_.difficulty <= 1 ? 5 : 6);
  }
  // The class of the balanced reading's distance from the threshold (reading_classes), drawn per
  // block, so that the reading's agreement with the answer is balanced within each class: a far
  // reading no longer agrees more often than a near one (docs/generator.md). -1: no class.
  // (Not for ate_bounds: its answer is an interval, agreeing with no reading.)
  const std::optional<ReadingClasses> classes = bounds_item ? std::nullopt : reading_classes(type);
  int reading_class = -1;
  if (classes && in_block) {
    const std::uint64_t n = classes->edges.size() - 1;
    reading_class = static_cast<int>(n - 1 - block_rng.below(n));
  }
  // backdoor_set: the graph's size class (GraphSize).
  GraphSize backdoor_size;
  std::optional<BackdoorDraw> paired;  // the block's graph for this item (Z neither parent nor descendant)
  if (type == "backdoor_set") {
    backdoor_size = draw_backdoor_size(options_, class_rng);
    // The block's items share one pair of indistinguishable graphs, one for each answer of
    // "is {} the valid set" (every item of the block finds the same pair from the block's seed).
    for (int size_draw = 0; zc == ZClass::open && in_block && !paired && size_draw < 4; ++size_draw) {
      if (size_draw > 0) backdoor_size = draw_backdoor_size(options_, block_rng);
      if (std::optional<BackdoorPair> pair = backdoor_pair(options_, backdoor_size, block_rng)) {
        paired = direct_valid ? pair->empty_valid : pair->z_valid;
      }
    }
  }
  // Items of a type that can be undetermined, in a set that has such items (hidden_for_class).
  const bool three_class = bounds_item || (options_.given == "observed" && parse_rational(options_.undetermined_share) > 0 &&
                                            can_be_undetermined(options_.preset, type));
  // The extra graphs of a type: drawn like one more family each.
  std::vector<Family> families(std::begin(kFamilies), std::end(kFamilies));
  if (type == "collider_bias") families.insert(families.end(), std::begin(kColliderFamilies), std::end(kColliderFamilies));
  // The shortcut targets still wanted: every kRelaxEvery draws the last one is dropped (the
  // generator does the same when it checks them itself).
  std::vector<std::pair<std::string, bool>> wanted = target.agreements;
  // det_counterfactual's draws are cheap (no solving until the targets are checked): four times
  // the budget, and every target kept twelve times longer (4,800 draws), so that its class and
  // its procedures' targets both hold. Its class (below) is given up part by part first.
  const int det_scale = type == "det_counterfactual" ? 4 : 1;
  // (reading_classes: ate, ett, nde and nie keep each target three times as long, correlation and
  // collider_bias twice.)
  const int relax = classes ? classes->relax : 1;
  const int relax_every = type == "det_counterfactual" ? 3 * det_scale * kRelaxEvery : relax * kRelaxEvery;
  // det_counterfactual keeps the factual relation and the shortest-path reading until the first
  // procedure's target is given up (below, "What the draws cannot meet").
  const int keep_reading = relax_every;
  const int max_attempts = relax * det_scale * kMaxAttempts;
  const std::size_t connectives = circuit_ops(options_).size();  // det_counterfactual's class: its last value is a single cause
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    if (attempt > 0 && attempt % relax_every == 0 && !wanted.empty()) {
      if (wanted.back().first == "conditioning") conditioning_agrees = -1;
      if (wanted.back().first == "no_abduction") no_abduction_agrees = -1;
      wanted.pop_back();
    }
    Graph g;
    if (paired) {
      g = paired->g;
    } else if (type == "backdoor_set") {
      // A size class that cannot meet the target in half the draws is given up (that item's
      // size is then drawn freely).
      if (attempt >= kMaxAttempts / 2) backdoor_size = draw_backdoor_size(options_, rng);
      std::optional<Graph> drawn = backdoor_graph(options_, backdoor_size, rng);
      if (!drawn) continue;
      g = std::move(*drawn);
    } else {
      const bool random = rng.below(100) < static_cast<std::uint64_t>(random_share);
      g = random ? random_graph(graph_options, rng) : family_graph(families[rng.below(families.size())]);
      if (three_class && !random) g = with_extra_cause(std::move(g), rng);
      // A second extra cause (every graph of the type, random ones too): more candidates to hide,
      // so that more graphs offer both classes with statements of the same shape.
      if (three_class) g = with_extra_cause(std::move(g), rng, "W0");
    }
    // Seeing and doing differ only where a backdoor path is open; so do the effects on the
    // treated and on everyone.
    // (det_counterfactual: conditioning agrees exactly when X is a root, checked below.)
    if (type != "det_counterfactual" && (conditioning_agrees == 0 || no_abduction_agrees == 0) && valid_adjustment(g, {})) continue;
    const std::optional<Roles> roles = paired ? std::optional<Roles>(Roles{-1, -1, paired->z}) : pick_roles(g, type, rng, zc, direct_valid);
    if (!roles) continue;
    // A graph that offers no class pair (class_pools) is redrawn before anything else is drawn
    // (ett: for neither group asked about; its group is drawn below).
    if (three_class && class_pools(g, *roles, type, 0).all.empty() && (type != "ett" || class_pools(g, *roles, type, 1).all.empty())) continue;
    // det_counterfactual: the circuit and its worlds are drawn and checked before the names are
    // made (most draws are rejected here, and a name costs more than a circuit).
    std::optional<Circuit> circuit;
    int x_fact = 0;
    if (type == "det_counterfactual") {
      // Y must depend on X (else the answer is Y's observed or computed value, whatever X is).
      if (!g.reaches(g.x, g.y)) continue;
      // With X the only root nothing is observed and every variable is a function of X: whether Y
      // changes is in the wiring alone (two paths that cancel), and the trees read these items'
      // answers at 57-64% (14% of the items). Kept one graph in four, drawn before the circuit so
      // that it does not depend on the answer (docs/generator.md, "Observed literals").
      const auto roots = std::count_if(g.parents.begin(), g.parents.end(), [](const auto& ps) { return ps.empty(); });
      if (roots == 1 && g.is_root(g.x) && !rng.chance(1, 4)) continue;
      // Conditioning on X's new value with every root observed (distractors.cpp) is X's
      // counterfactual when X is a root, and undefined (zero-probability evidence) when it is not:
      // its target is X being a root or not (checked exactly with `wanted` below). The open
      // backdoor path the other types need for "must not agree" (above) asked more of the graph
      // than this, and some classes could then not meet it together with the reading.
      if (conditioning_agrees >= 0 && g.is_root(g.x) != (conditioning_agrees == 1)) continue;
      // What the draws cannot meet is given up in this order (docs/generator.md, "What a
      // det_counterfactual item gives up"): X's value after 3,600 draws, X among Y's causes after
      // 4,000, the clause after 4,400, and the factual relation with the shortest-path reading
      // after 4,800, with the first of the named procedures' targets (`wanted`, one every 4,800
      // draws for this type): a few items of a set then miss a part of their class, not the
      // answer balance overall.
      if (attempt >= 9 * det_scale * kRelaxEvery / 4) circuit_class.treatment_value = -1;
      if (attempt >= 11 * det_scale * kRelaxEvery / 4) circuit_class.outcome_op = -1;
      if (attempt >= 10 * det_scale * kRelaxEvery / 4) circuit_class.treatment_in_outcome = -1;
      // The class is what the text shows: Y's connective, or a single cause (outcome_op at the
      // connectives' count), and whether X is one of Y's causes (never its only one: there the
      // answer is just X's literal flipped).
      if (circuit_class.outcome_op >= 0) {
        const bool single = static_cast<std::size_t>(circuit_class.outcome_op) == connectives;
        if (single != (g.parents[static_cast<std::size_t>(g.y)].size() == 1)) continue;
        if (single && circuit_class.treatment_in_outcome >= 0) circuit_class.treatment_in_outcome = 0;
      }
      if (circuit_class.treatment_in_outcome >= 0 && g.has_arc(g.x, g.y) != (circuit_class.treatment_in_outcome == 1)) continue;
      const CircuitTarget wanted_circuit{target.answer, target.answer_equals_factual, no_abduction_agrees, attempt < keep_reading};
      std::optional<std::pair<Circuit, int>> drawn = draw_circuit(g, options_, circuit_class, wanted_circuit, rng);
      if (!drawn) continue;
      circuit = std::move(drawn->first);
      x_fact = drawn->second;
    }
    const std::vector<std::string> names = make_names(options_.name_style, static_cast<std::size_t>(g.size()), name_rng);
    auto nm = [&](int v) -> const std::string& { return names[static_cast<std::size_t>(v)]; };
    const std::string& X = nm(g.x);
    const std::string& Y = nm(g.y);

    Item item;
    std::optional<Observation> obs;  // --given observed: what the text states, and how it decides
    // The node of the wrong_adjustment distractor, computed (4 solves) once the draw is kept:
    // no target reads it, so it is the last distractor of item.computed either way.
    int wrong_z = -1;
    Rational model_value;            // the model's value of the query (ate/ett/nde/nie and the other stated types)
    item.type = type == "det_counterfactual" ? "basic" : target.type;
    item.query_type = target.type;
    item.meta["graph_id"] = g.id;
    item.meta["story_id"] = "nonsense";
    item.meta["treatment"] = X;
    item.meta["outcome"] = Y;
    Decision decision;
    std::string formal;
    std::string question;

    if (type == "det_counterfactual") {
      const Circuit& c = *circuit;
      item.model = circuit_model(g, c, names);
      std::vector<std::string> evidence;
      std::vector<std::string> observed;
      for (int v = 0; v < g.size(); ++v) {
        if (!g.is_root(v)) continue;
        evidence.push_back(fmt::format("{}={}", nm(v), c.roots[static_cast<std::size_t>(v)]));
        if (v != g.x) observed.push_back(literal(nm(v), c.roots[static_cast<std::size_t>(v)]));
      }
      if (!g.is_root(g.x)) evidence.push_back(fmt::format("{}={}", X, x_fact));
      formal = fmt::format("P({}[{}={}]=1 | {})", Y, X, 1 - x_fact, fmt::join(evidence, ", "));
      item.given_info = circuit_text(g, c, names);
      if (!observed.empty()) item.given_info += fmt::format(" We observed {}.", fmt::join(observed, " and "));
      question = fmt::format("Would {} occur if {} instead of {}?", Y, literal(X, 1 - x_fact), literal(X, x_fact));
      item.knobs["interventions"] = 1;
      item.knobs["evidence_count"] = evidence.size();
    } else {
      // --given observed: the text states only what the identification formula reads, and hides
      // the variables hidden_nodes() picks (backdoor_set states no numbers either way).
      const bool observed = options_.given == "observed" && type != "backdoor_set";
      // A set with undetermined items picks the hidden variable once the query is known (below).
      std::vector<int> hidden = observed && !three_class ? hidden_nodes(g, *roles, rng) : std::vector<int>{};
      const Cpts p = sample_cpts(g, grid, rng);
      // (The model and its query are built below, once the hidden variables are drawn and the
      // value has passed the pre-screen: most draws end before that.)
      // backdoor_set asks which method is right, which the graph alone decides: like CLadder's
      // backadj items it states no numbers (they would only tell graphs apart by their size).
      // The other types' text is written once the draw is kept (below): it states the CPTs, or
      // what the observed quantities say.
      if (type == "backdoor_set") item.given_info = graph_text(g, names, &rng);
      int interventions = 0;
      int evidence_count = 0;
      int treated = 0;  // ett: the X of those asked about
      if (type == "marginal") {
        formal = fmt::format("P({}=1)", Y);
      } else if (type == "correlation") {
        formal = fmt::format("P({0}=1 | {1}=1) - P({0}=1 | {1}=0)", Y, X);
        evidence_count = 1;
      } else if (type == "explaining_away") {
        const int cv = rng.chance(1, 2) ? 1 : 0;
        item.meta["collider"] = nm(roles->c);
        formal = fmt::format("P({0}=1 | {1}=1, {2}={3}) - P({0}=1 | {1}=0, {2}={3})", Y, X, nm(roles->c), cv);
        question = fmt::format("If we look at those who are {}, does the chance of {} {{}} when {}?", literal(nm(roles->c), cv), Y, X);
        evidence_count = 2;
      } else if (type == "ate" || type == "collider_bias" || type == "backdoor_set") {
        formal = fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", Y, X);
        interventions = 1;
      } else if (type == "ett") {
        treated = rng.chance(1, 2) ? 1 : 0;
        formal = effect_query(type, X, Y, {}, treated);
        question = fmt::format("For those who are {}, would it be {{}} likely to see {} if they were {}?", literal(X, treated), Y,
                               literal(X, 1 - treated));
        interventions = 1;
        evidence_count = 1;
      } else if (type == "nde") {
        formal = effect_query(type, X, Y, nm(roles->m), 0);
        question = fmt::format("If we disregard the mediation effect through {}, would {} {{}} affect {}?", nm(roles->m), X, Y);
        interventions = 2;
        item.meta["mediator"] = nm(roles->m);
      } else if (type == "nie") {
        formal = effect_query(type, X, Y, nm(roles->m), 0);
        question = fmt::format("Does {} {{}} affect {} through {}?", X, Y, nm(roles->m));
        interventions = 2;
        item.meta["mediator"] = nm(roles->m);
      } else {
        throw UsageError(fmt::format("the cladder preset has no question type '{}'", type));
      }
      if (three_class) {
        // A hidden common cause of X and Y is a candidate in one draw in common_cause_keep(), for
        // either class (bounds items: always).
        const bool common_cause_allowed = bounds_item || rng.chance(1, common_cause_keep(type));
        hidden = hidden_for_class(g, *roles, type, treated, undetermined_item, common_cause_allowed, rng);
        if (hidden.empty()) continue;  // the graph does not offer both classes
      }
      // A determined item whose value lies past the cap (value_cap) is redrawn before its model
      // is built: the value in floating point from the CPTs first, rejecting only far beyond the
      // cap (the exact test below decides everything near it), so the same draws are kept.
      // So is a determined ett item whose effect on everyone (the no_abduction reading) would
      // miss its target: both signs read in floating point, decided only away from 0.
      // An nde item whose every directed path from X to Y passes through the mediator has an
      // NDE of exactly 0 (Y[X=1, M=M[X=0]] = Y[M=M[X=0]] = Y[X=0]), which the exact test below
      // redraws (for either class): redrawn here, before the model is built.
      if (type == "nde" && !bounds_item && fast.load(std::memory_order_relaxed) && !g.reaches(g.x, g.y, roles->m)) continue;
      if (!target.undetermined && !bounds_item && fast.load(std::memory_order_relaxed)) {
        constexpr double kMargin = 1e-9;
        const std::optional<Rational> cap = value_cap(type);
        const bool ett_target = type == "ett" && no_abduction_agrees >= 0;
        std::optional<NetworkSummary> summary;
        if (cap || ett_target) summary = summarize(g, p, type == "ate" || type == "ett");
        const std::optional<double> v = summary ? summary->value(type, treated) : std::nullopt;
        if (v && cap) {
          const double threshold = type == "marginal" ? 0.5 : 0.0;
          if (std::abs(*v - threshold) > cap->convert_to<double>() + kMargin) continue;
        }
        if (v && ett_target) {
          // (What the exact check below does: the question asks about the value's side of 0, so
          // the effect on everyone agrees when it lies on the same side.)
          const double everyone = summary->do_y[1 - treated] - summary->do_y[treated];
          if (std::abs(*v) > kMargin && std::abs(everyone) > kMargin && ((everyone > 0) == (*v > 0)) != (no_abduction_agrees == 1)) continue;
        }
      }
      // Where the reading's class is checked before the solve (class_first, below), the item's own
      // model is built once the class holds: the readings of the model register read the CPTs,
      // and a statement in observed quantities reads the graph's structure (a structure_model
      // with the item's names, on which the query parses to the same ids) and the CPTs. The
      // other draws build it here, as before.
      const bool class_first = !bounds_item && reading_class >= 0 && attempt < classes->kept && type != "collider_bias" &&
                               fast.load(std::memory_order_relaxed);
      bool built = false;
      auto own_model = [&]() -> const Scm& {
        if (!built) item.model = noisy_model(g, p, names);
        built = true;
        return item.model;
      };
      // The statement in observed quantities needs the query before the model: it parses on the
      // structure model then; otherwise it parses on the item's model once that is built (below).
      std::optional<Scm> structure;
      if (class_first && observed) {
        structure = structure_model(g, names);
        item.query = parse_query(formal, *structure);
      }
      // The readings of the stated numbers (docs/generator.md), exact. Stated in observed
      // quantities, they read the stated conditionals as a network (when they form one).
      auto readings = [&](const std::optional<Observation>& o) {
        std::vector<Distractor> out;
        if (o && !o->network) return out;
        const Graph& rg = o ? o->network->first : g;
        const Cpts& rp = o ? o->network->second : p;
        if (type == "marginal") {
          out.push_back({"mean_conditional", mean_conditional(rp, g.y)});
          out.push_back({"treatment_weighted", treatment_weighted(rg, rp, g.x, g.y)});
        }
        if (type == "correlation" || type == "ate" || type == "explaining_away" || type == "collider_bias") {
          out.push_back({"unweighted_difference", path_difference(rg, rp, g.x, g.y)});
        }
        if (type == "ett") {
          const Rational d = path_difference(rg, rp, g.x, g.y);
          out.push_back({"unweighted_difference", treated == 0 ? d : Rational(-d)});
        }
        if (type == "nie") {
          out.push_back({"unweighted_difference", path_difference(rg, rp, g.x, roles->m) * path_difference(rg, rp, roles->m, g.y)});
        }
        if (type == "nde" || type == "ate") {
          out.push_back({"direct_difference", rg.has_arc(g.x, g.y) ? arc_difference(rg, rp, g.x, g.y) : Rational(0)});
        }
        return out;
      };
      // Whether the balanced reading lies at the distance from the threshold the block's class
      // says (reading_class, above; true when there is no such reading).
      auto in_class = [&](const std::vector<Distractor>& computed) {
        const auto it = std::find_if(computed.begin(), computed.end(), [&](const Distractor& d) { return d.procedure == classes->procedure; });
        if (it == computed.end() || !it->value) return true;
        const Rational distance = abs(Rational(*it->value - classes->threshold));
        const auto k = static_cast<std::size_t>(reading_class);
        return distance >= classes->edges[k] && distance < classes->edges[k + 1];
      };
      // The reading's class needs the statement, not the value: checked before the solve, on the
      // types where nothing between here and the class's own check below draws from rng (so the
      // same draws are kept), and the statement is kept for the item (its value set after the
      // solve; it reads the value nowhere else).
      std::optional<std::vector<Distractor>> stated_readings;  // readings(obs), once obs is final
      if (class_first) {
        if (observed) {
          obs = observe(g, p, names, *structure, item.query, type, hidden, Rational(0), target.undetermined, three_class, own_model);
          if (!obs) continue;  // (as below: not identifiable, identified after all, or too long)
        }
        stated_readings = readings(obs);
        if (!in_class(*stated_readings)) continue;
      }
      own_model();
      if (!structure) item.query = parse_query(formal, item.model);
      const Rational value = solve_exact(item.model, item.query);
      model_value = value;
      if (obs && !obs->undetermined) obs->value = value;
      std::optional<AteBounds> bounds;  // ate_bounds: the answer

      if (bounds_item && type != "ate") {
        obs = observe(g, p, names, item.model, item.query, type, hidden, value, true, true, own_model);
        if (!obs) continue;  // identified after all, or too long
        const std::optional<CounterfactualBounds> cb = counterfactual_bounds(*obs, item.model, item.query, true);
        if (!cb) continue;  // no sharp program for this graph, too large, or the rounded numbers fit no model of it
        describe(*obs, g, names, item.model, item.query, type);  // the steps the bounds' step goes after
        if (!counterfactual_bound_from_text(*obs, *cb, item.query, item.model, value)) continue;
        item.yes_no = false;
        item.interval = std::pair{cb->text.lower, cb->text.upper};
        static constexpr const char* kAsk = "Given only these numbers and the causal graph, what is the tightest interval that must contain ";
        if (type == "ett") {
          question = fmt::format("{0}the effect of {1} on {2} for those who are {3}, that is, for them, the chance of {2} if they were "
                                 "{4} minus the chance of {2} as they are?",
                                 kAsk, X, Y, literal(X, treated), literal(X, 1 - treated));
        } else if (type == "nde") {
          question = fmt::format("{0}the natural direct effect of {1} on {2}, that is, the chance of {2} if everyone were {1} while "
                                 "{3} stayed at what it would be if they were {4}, minus the chance of {2} if everyone were {4}?",
                                 kAsk, X, Y, nm(roles->m), literal(X, 0));
        } else {
          question = fmt::format("{0}the natural indirect effect of {1} on {2} through {3}, that is, the chance of {2} if everyone "
                                 "were {4} while {3} took the value it would have if they were {1}, minus the chance of {2} if "
                                 "everyone were {4}?",
                                 kAsk, X, Y, nm(roles->m), literal(X, 0));
        }
      } else if (bounds_item) {
        obs = observe(g, p, names, item.model, item.query, type, hidden, value, true, true, own_model);
        if (!obs) continue;  // identified after all, or too long
        std::vector<VarId> hidden_ids;
        for (int h : hidden) hidden_ids.push_back(*item.model.find(nm(h)));
        const bool want_tight = (target.rank & 1U) == 0;
        bounds = sharp_ate_bounds(*obs, item.model, hidden_ids, *item.model.find(X), *item.model.find(Y),
                                  attempt < 2 * kRelaxEvery ? std::optional<bool>(want_tight) : std::nullopt);
        if (!bounds) continue;  // no sharp program for this graph, or the rounded numbers fit no model of it
        // Manski's natural bounds, from P(X, Y) alone, are the answer on half the items (the rank's
        // first bit) and too wide on the others (an instrument tightens them), so that reciting
        // them is right on half the items only; given up after 800 draws.
        const bool natural_tight = bounds->natural.lower == bounds->text.lower && bounds->natural.upper == bounds->text.upper;
        if (attempt < 2 * kRelaxEvery && natural_tight != want_tight) continue;
        describe(*obs, g, names, item.model, item.query, type);
        if (!bound_from_text(*obs, *bounds, value)) continue;
        // Written on every item, also where it is the answer, so that the audit's
        // distractor:natural_bounds baseline is the share a reader reciting them gets (50%).
        item.computed.push_back({"natural_bounds", bounds->natural.lower, bounds->natural.upper});
        item.yes_no = false;
        item.interval = std::pair{bounds->text.lower, bounds->text.upper};
        question = fmt::format("Given only these numbers and the causal graph, what is the tightest interval that must contain the "
                               "average effect of {0} on {1}, that is, the chance of {1} if everyone were {0} minus the chance of {1} "
                               "if everyone were {2}?",
                               X, Y, literal(X, 0));
      } else if (type == "backdoor_set") {
        // The unadjusted comparison's bias: zero exactly when {} is a valid adjustment set.
        const Rational bias = solve_exact(item.model, parse_query(fmt::format("P({0}=1 | {1}=1) - P({0}=1 | {1}=0)", Y, X), item.model)) - value;
        const bool empty_set_valid = valid_adjustment(g, {});
        if ((bias == 0) != empty_set_valid) continue;  // a coincidence of the parameters: redraw
        formal = fmt::format("P({0}=1 | {1}=1) - P({0}=1 | {1}=0) - E({0}[{1}=1]) + E({0}[{1}=0])", Y, X);
        item.query = parse_query(formal, item.model);
        // Method 1 is the valid method when the answer must be yes; whether {} is valid is drawn
        // independently of the answer, so the order of the methods is too.
        const bool method1_direct = empty_set_valid == target.answer;
        decision.op = method1_direct ? Decision::Op::equal : Decision::Op::not_equal;
        decision.threshold = 0;
        const std::string direct = fmt::format("We look directly at how {} correlates with {} in general.", X, Y);
        const std::string by_z = fmt::format("We look at how {} correlates with {} case by case according to {}.", X, Y, nm(roles->z));
        question = fmt::format("Method 1: {} Method 2: {} To understand how {} affects {}, is it more correct to use the "
                               "Method 1 than Method 2?",
                               method1_direct ? direct : by_z, method1_direct ? by_z : direct, X, Y);
        item.meta["adjustment"] = nm(roles->z);
        evidence_count = 1;
      } else if (type == "collider_bias") {
        // X affects Y (a directed path); the question asks for the sign of the effect after
        // showing the selected group, where the correlation (collider_conditioning, balanced
        // at 50%) may point the other way.
        if (value == 0) continue;
        const bool ask_up = (value > 0) == target.answer;
        decision.op = ask_up ? Decision::Op::greater : Decision::Op::less;
        decision.threshold = 0;
        const int cv = rng.chance(1, 2) ? 1 : 0;
        question = fmt::format("If we look only at those who are {}, we see how {} correlates with {} among them. Will {} {} the "
                               "chance of {}?",
                               literal(nm(roles->c), cv), X, Y, X, ask_up ? "increase" : "decrease", Y);
        // The mistake the question invites: reading the correlation among the selected as an effect.
        item.readings.emplace_back("collider_conditioning",
                                   parse_query(fmt::format("P({0}=1 | {1}=1, {2}={3}) - P({0}=1 | {1}=0, {2}={3})", Y, X, nm(roles->c), cv), item.model));
        item.meta["collider"] = nm(roles->c);
        evidence_count = 1;
      } else {
        const Rational threshold = type == "marginal" ? Rational(1, 2) : Rational(0);
        // An undetermined item's polarity follows the formula that ignores the hidden variables:
        // the answer that reading gives is the balanced one.
        if (target.undetermined && !obs) {
          obs = observe(g, p, names, item.model, item.query, type, hidden, value, true, true, own_model);
          if (!obs) continue;  // identified after all, or too long
        }
        const Rational& basis = target.undetermined ? obs->value : value;
        // The model's own value on the threshold (an NDE with no direct path) would make the
        // type's graph tell undetermined items apart: redrawn for both classes.
        if (basis == threshold || value == threshold) continue;
        if (const std::optional<Rational> cap = value_cap(type); cap && abs(basis - threshold) > *cap) continue;
        // The question asks about an increase (value above the threshold) or a decrease: the
        // polarity that gives the target answer, chosen after solving.
        const bool above = basis > threshold;
        const bool ask_up = above == target.answer;
        decision.op = ask_up ? Decision::Op::greater : Decision::Op::less;
        decision.threshold = threshold;
        if (type == "marginal") {
          question = fmt::format("Is {} {} likely than not {} overall?", Y, ask_up ? "more" : "less", Y);
        } else if (type == "correlation") {
          question = fmt::format("Is the chance of {} {} when observing {}?", Y, ask_up ? "larger" : "smaller", X);
        } else if (type == "ate") {
          question = fmt::format("Will {} {} the chance of {}?", X, ask_up ? "increase" : "decrease", Y);
        } else if (type == "explaining_away") {
          question = fmt::format(fmt::runtime(question), ask_up ? "increase" : "decrease");
        } else if (type == "ett") {
          question = fmt::format(fmt::runtime(question), ask_up ? "more" : "less");
          if (no_abduction_agrees >= 0) {
            // The generator checks this target on the exact distractors; meeting it here saves redraws.
            const Rational everyone = solve_exact(item.model, parse_query(
                fmt::format("E({0}[{1}={2}]) - E({0}[{1}={3}])", Y, X, 1 - treated, treated), item.model));
            if ((decision.answer(everyone) == (target.answer ? "yes" : "no")) != (no_abduction_agrees == 1)) continue;
          }
        } else {
          question = fmt::format(fmt::runtime(question), ask_up ? "positively" : "negatively");
        }
      }
      item.decision = decision;
      if (observed && !obs) {
        obs = observe(g, p, names, item.model, item.query, type, hidden, value, false, three_class, own_model);
        if (!obs) continue;  // not identifiable, or too long
      }
      if (obs) {
        // (The text of a statement in observed quantities is written once the draw is kept.)
        // The formula of a reader who ignores the unobserved common causes.
        if (obs->assume_identifiable()) item.computed.push_back({"assume_identifiable", *obs->assume_identifiable()});
      } else if (type != "backdoor_set") {
        item.given_info = graph_text(g, names) + cpt_text(g, p, names);
      }
      // The readings (above); a target on one is checked here first, before the solved procedures
      // (cheap before costly).
      if (!stated_readings) stated_readings = readings(obs);
      item.computed.insert(item.computed.end(), stated_readings->begin(), stated_readings->end());
      // The backdoor formula with a descendant of X as the adjustment set: what a reader who
      // adjusts for a collider (collider_bias: its C) or a mediator (ate: X's first observed
      // descendant other than Y) computes, exactly on the model.
      if (type == "ate" || type == "collider_bias") {
        int z = type == "collider_bias" ? roles->c : -1;
        for (int v = g.x + 1; z < 0 && v < g.size(); ++v) {
          if (v != g.y && g.reaches(g.x, v) && std::find(hidden.begin(), hidden.end(), v) == hidden.end()) z = v;
        }
        const bool wanted_now = std::any_of(wanted.begin(), wanted.end(), [](const auto& w) { return w.first == "wrong_adjustment"; });
        if (z >= 0 && wanted_now) item.computed.push_back({"wrong_adjustment", adjusted_contrast(item.model, X, Y, nm(z))});
        if (z >= 0 && !wanted_now) wrong_z = z;
      }
      // Where a balanced reading equals the exact value (Y's only parent is X, a chain), it is
      // the right computation and can only agree: such graphs would carry all the agreeing
      // items, so they are not drawn for the types that balance it.
      const bool exact_reading = std::any_of(item.computed.begin(), item.computed.end(), [&](const Distractor& d) {
        return d.value == value && std::any_of(wanted.begin(), wanted.end(), [&](const auto& w) { return w.first == d.procedure; });
      });
      if (exact_reading) continue;
      // The reading's class (reading_class, above): the balanced reading must lie at the distance
      // from the threshold the block's class says, for the class's first `kept` draws (before any
      // agreement target is given up: the class is the first thing let go); checked before the
      // solve where class_first.
      if (!class_first && reading_class >= 0 && attempt < classes->kept && !in_class(item.computed)) continue;
      item.knobs["interventions"] = interventions;
      item.knobs["evidence_count"] = evidence_count;
    }
    if (type == "det_counterfactual") item.query = parse_query(formal, item.model);
    item.question = question;
    int arcs = 0;
    for (const auto& ps : g.parents) arcs += static_cast<int>(ps.size());
    rung::ordered_json knobs;
    knobs["variables"] = g.size();
    knobs["edges"] = arcs;
    knobs["graph"] = g.id;
    int path = 0;  // longest directed path X -> Y, in arcs
    {
      std::vector<int> longest(static_cast<std::size_t>(g.size()), -1);
      longest[static_cast<std::size_t>(g.x)] = 0;
      for (int v = g.x + 1; v < g.size(); ++v) {
        for (int u : g.parents[static_cast<std::size_t>(v)]) {
          if (longest[static_cast<std::size_t>(u)] >= 0) {
            longest[static_cast<std::size_t>(v)] = std::max(longest[static_cast<std::size_t>(v)], longest[static_cast<std::size_t>(u)] + 1);
          }
        }
      }
      path = std::max(0, longest[static_cast<std::size_t>(g.y)]);
    }
    knobs["path_length"] = path;
    knobs["interventions"] = item.knobs["interventions"];
    knobs["nesting_depth"] = (type == "nde" || type == "nie") ? 1 : 0;
    knobs["evidence_count"] = item.knobs["evidence_count"];
    item.knobs = std::move(knobs);
    if (type == "explaining_away") {
      // Ignoring the selection on the collider.
      item.readings.emplace_back("ignore_collider", parse_query(fmt::format("P({0}=1 | {1}=1) - P({0}=1 | {1}=0)", Y, X), item.model));
    }
    if (type == "nde" || type == "nie") {
      // Reading a natural direct or indirect effect as the total effect is the common mistake.
      item.readings.emplace_back("total_effect", parse_query(fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", Y, X), item.model));
    }
    if (!wanted.empty()) {
      const std::string answer = target.answer ? "yes" : "no";
      auto met = [&](const std::vector<Distractor>& procedures, bool all) {
        return std::all_of(wanted.begin(), wanted.end(), [&](const auto& w) {
          const auto it = std::find_if(procedures.begin(), procedures.end(), [&](const Distractor& d) { return d.procedure == w.first; });
          if (it == procedures.end() && !all) return true;  // not computed yet: checked with the solved ones
          const bool agrees = it != procedures.end() && it->value && item.decision.answer(*it->value) == answer;
          return agrees == w.second;
        });
      };
      if (!met(item.computed, false)) continue;
      std::vector<Distractor> procedures = distractors(item.model, item.query, item.readings, false);
      procedures.insert(procedures.end(), item.computed.begin(), item.computed.end());
      if (!met(procedures, true)) continue;
      item.agreements_met = wanted;
    }
    if (obs) {
      describe(*obs, g, names, item.model, item.query, type);
      item.given_info = fmt::format("{} {}", graph_text(g, names), obs->text);
    }
    if (obs && bounds_item) {
      item.identification = std::move(obs->id);  // bound_from_text() wrote it
    } else if (obs) {
      if (!decide_from_text(*obs, item.decision)) continue;  // the rounded numbers would not decide it
      // An undetermined ETT, NDE or NIE still has bounds: in the record when the program is
      // small enough, without a redraw either way (nothing here draws or rejects).
      if (obs->undetermined && (type == "ett" || type == "nde" || type == "nie")) {
        if (const auto b = counterfactual_bounds(*obs, item.model, item.query, false)) {
          record_counterfactual_bounds(*obs, *b, item.query, item.model, model_value);
        }
      }
      item.identification = std::move(obs->id);
    }
    // With undetermined items in the set, every prompt offers the third answer.
    item.prompt = fmt::format("{}{} {} {}", kBackground, item.given_info, item.question,
                              bounds_item ? "Answer with the interval [lower, upper], its ends as exact fractions or decimals."
                              : parse_rational(options_.undetermined_share) > 0 && options_.given == "observed"
                                  ? "Answer with yes or no, or with undetermined if what is stated cannot decide it."
                                  : "Answer with yes or no.");
    if (wrong_z >= 0) item.computed.push_back({"wrong_adjustment", adjusted_contrast(item.model, X, Y, nm(wrong_z))});
    // CLadder's spelling of its query types, for harnesses that key on meta.query_type.
    static const std::map<std::string, std::string> kCladderSpelling = {
        {"explaining_away", "exp_away"}, {"backdoor_set", "backadj"}, {"det_counterfactual", "det-counterfactual"}};
    const auto spelled = kCladderSpelling.find(target.type);
    item.meta["query_type"] = spelled == kCladderSpelling.end() ? target.type : spelled->second;
    item.meta["formal_form"] = to_string(item.query, item.model);
    if (!bounds_item) item.meta["polarity"] = item.decision.op == Decision::Op::less || item.decision.op == Decision::Op::equal ? 0 : 1;
    return item;
  }
  throw Error(fmt::format("cladder preset: no {} item with answer {} in {} draws; relax the knobs", type,
                          target.answer ? "yes" : "no", max_attempts));
}

}  // namespace rung
