#include "rung/identify/counterfactual.hpp"

#include "rung/core/error.hpp"
#include "rung/identify/identify.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <utility>
#include <variant>

// ID* and IDC* (Shpitser & Pearl 2007/2008). The counterfactual graph is built from the parallel
// worlds of the event's interventions over the observed ADMG: one node per variable and world
// (ancestors of the event only), fixed nodes for intervened variables; nodes are merged, in
// topological order, when they are the same random variable (same variable, same parent nodes;
// fixed nodes: same value). Values are constants or summed slots; a decision that would compare a
// slot with a value (or two slots) is not taken symbolically: the algorithm reports the query not
// identifiable rather than guess (7 of 3,600 random queries in the tests).

namespace rung {

// ---- ID* and IDC* ------------------------------------------------------------------------

namespace {

constexpr VarMask bit(int i) { return VarMask{1} << i; }
constexpr std::size_t kMaxConjunctions = 4096;
constexpr std::size_t kMaxNodes = 4096;

CfValue value_of(std::uint32_t v) { return CfValue{false, v}; }

/// The interventions of one world: (variable, value), sorted by variable, one per variable.
using Sub = std::vector<std::pair<int, CfValue>>;

/// The event `var = value` in the world `sub`.
struct Atom {
  int var = 0;
  CfValue value;
  Sub sub;
  friend bool operator==(const Atom&, const Atom&) = default;
};

struct Fail {
  std::string reason;
};
struct Zero {};
using Result = std::variant<CfExpr, Zero, Fail>;

/// The counterfactual graph of a conjunction (make-cg): nodes that are ancestors of the event.
struct CfGraph {
  struct Node {
    int var = 0;
    bool fixed = false;
    CfValue value;             ///< a fixed node's value
    std::vector<int> parents;  ///< node indices
  };
  std::vector<Node> nodes;
  std::vector<std::optional<CfValue>> event;  ///< the event's value at each random node, if any
  std::vector<int> atom_node;                 ///< the node of each atom given to make_cg
  bool inconsistent = false;
  bool undecided = false;  ///< the event compared a slot with a value at one node
};

class Solver {
 public:
  Solver(const Admg& g) : g_(g) {}

  std::vector<int> slot_vars;

  int new_slot(int var) {
    slot_vars.push_back(var);
    return static_cast<int>(slot_vars.size()) - 1;
  }

  Result id_star(std::vector<Atom> atoms) {
    // Lines 2-3: an event on an intervened variable is certain (same value) or impossible.
    std::vector<Atom> kept;
    for (auto& a : atoms) {
      auto it = std::find_if(a.sub.begin(), a.sub.end(), [&](const auto& s) { return s.first == a.var; });
      if (it == a.sub.end()) {
        kept.push_back(std::move(a));
        continue;
      }
      if (it->second.is_slot || a.value.is_slot) {
        if (it->second == a.value) continue;
        return Fail{"an event compares a summed value with a set one (not decided symbolically)"};
      }
      if (it->second != a.value) return Zero{};
    }
    if (kept.empty()) return CfExpr::constant(Rational(1));
    if (auto single = one_world(kept)) return std::move(*single);
    if (++calls_ > 100000) throw TooLarge("the counterfactual identification takes more than 100,000 steps");

    CfGraph cg = make_cg(kept);
    if (cg.inconsistent) return Zero{};
    if (cg.undecided) return Fail{"two events on one variable compare a summed value with another (not decided symbolically)"};

    // Values of the random nodes: the event's, else a new summed slot.
    std::vector<CfValue> val(cg.nodes.size());
    std::vector<int> fresh;
    for (std::size_t i = 0; i < cg.nodes.size(); ++i) {
      const auto& node = cg.nodes[i];
      if (node.fixed) {
        val[i] = node.value;
      } else if (cg.event[i]) {
        val[i] = *cg.event[i];
      } else {
        const int s = new_slot(node.var);
        fresh.push_back(s);
        val[i] = CfValue{true, static_cast<std::uint32_t>(s)};
      }
    }
    const std::vector<std::vector<int>> parts = components(cg);

    if (parts.size() > 1) {  // line 6: one factor per c-component, each intervened on its other parents
      std::vector<CfExpr> factors;
      std::vector<char> in(cg.nodes.size(), 0);
      for (const auto& part : parts) {
        for (int i : part) in[static_cast<std::size_t>(i)] = 1;
        std::vector<Atom> sub_atoms;
        for (int i : part) {
          // The node's event, intervened on every node outside the part that reaches it through
          // the part: the parents outside the part of its ancestors inside it (itself included).
          const auto& node = cg.nodes[static_cast<std::size_t>(i)];
          Atom a{node.var, val[static_cast<std::size_t>(i)], {}};
          std::vector<int> stack{i};
          std::vector<char> seen(cg.nodes.size(), 0);
          seen[static_cast<std::size_t>(i)] = 1;
          VarMask inside = 0;
          while (!stack.empty()) {
            const int q = stack.back();
            stack.pop_back();
            inside |= bit(cg.nodes[static_cast<std::size_t>(q)].var);
            for (int p : cg.nodes[static_cast<std::size_t>(q)].parents) {
              if (seen[static_cast<std::size_t>(p)] != 0) continue;
              seen[static_cast<std::size_t>(p)] = 1;
              if (in[static_cast<std::size_t>(p)] != 0) stack.push_back(p);
              else a.sub.emplace_back(cg.nodes[static_cast<std::size_t>(p)].var, val[static_cast<std::size_t>(p)]);
            }
          }
          std::sort(a.sub.begin(), a.sub.end());
          a.sub.erase(std::unique(a.sub.begin(), a.sub.end()), a.sub.end());
          for (std::size_t k = 0; k < a.sub.size(); ++k) {
            const int var = a.sub[k].first;
            if ((k + 1 < a.sub.size() && a.sub[k + 1].first == var) || ((inside >> var) & 1U) != 0) {
              return Fail{fmt::format("in the counterfactual graph, {} reaches the c-component of {} both set and "
                                      "random, or at two values (not decided by this implementation of ID*)",
                                      g_.name(var), g_.name(node.var))};
            }
          }
          sub_atoms.push_back(std::move(a));
        }
        for (int i : part) in[static_cast<std::size_t>(i)] = 0;
        Result r = id_star(std::move(sub_atoms));
        if (!std::holds_alternative<CfExpr>(r)) return r;
        factors.push_back(std::move(std::get<CfExpr>(r)));
      }
      return CfExpr::sum(std::move(fresh), CfExpr::product(std::move(factors)));
    }

    // Lines 7-9: one c-component S. Every variable must take one value across the events and
    // the interventions of S (else no experiment yields the joint: not identifiable); then
    // P(gamma) = P_x(var(S)), x = the interventions, less the variables S observes at the same
    // value (consistency: Y[X=x]=y, X=x is the event Y=y, X=x).
    const std::vector<int>& s = parts.at(0);
    std::map<int, std::vector<CfValue>> assigned;
    VarMask y = 0, x = 0;
    std::vector<CfValue> bind(static_cast<std::size_t>(g_.size()), value_of(0));
    const auto assign = [&](int var, CfValue v) {
      auto& list = assigned[var];
      if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
      bind[static_cast<std::size_t>(var)] = v;
    };
    for (int i : s) {
      const auto& node = cg.nodes[static_cast<std::size_t>(i)];
      y |= bit(node.var);
      assign(node.var, val[static_cast<std::size_t>(i)]);
      for (int p : node.parents) {
        const auto& parent = cg.nodes[static_cast<std::size_t>(p)];
        if (!parent.fixed) continue;
        x |= bit(parent.var);
        assign(parent.var, parent.value);
      }
    }
    for (const auto& [var, list] : assigned) {
      if (list.size() > 1) return Fail{conflict_reason(cg, s, var, list)};
    }
    x &= ~y;
    const Identification r = identify(g_, y, x);
    if (!r.identifiable) {
      return Fail{fmt::format("its factor P({}{}) is not identifiable from the observed distribution: {}", g_.names(y),
                              x == 0 ? "" : " | do(" + g_.names(x) + ")", r.reason)};
    }
    return CfExpr::sum(std::move(fresh), CfExpr::factor(plainest(r, y | x), std::move(bind)));
  }

 private:
  const Admg& g_;
  std::size_t calls_ = 0;

  /// The named formula (backdoor, frontdoor) when it reads only the query's variables, else the
  /// ID algorithm's (whose free variables may include ones it set because they cannot reach the
  /// outcome: they are then at their first value, and the formula holds at any value).
  static Functional plainest(const Identification& r, VarMask query) {
    if (r.named_estimand && (r.named_estimand->free() & ~query) == 0) return *r.named_estimand;
    return *r.estimand;
  }

  /// Atoms all in one world, on distinct variables: P(y | do(x)) by the ID algorithm (rung 2,
  /// complete), which gives the plainest formula (ID* would reach an equal one).
  std::optional<Result> one_world(const std::vector<Atom>& atoms) const {
    VarMask y = 0, x = 0;
    std::vector<CfValue> bind(static_cast<std::size_t>(g_.size()), value_of(0));
    for (const auto& a : atoms) {
      if (a.sub != atoms[0].sub || ((y >> a.var) & 1U) != 0) return std::nullopt;
      y |= bit(a.var);
      bind[static_cast<std::size_t>(a.var)] = a.value;
    }
    for (const auto& [var, value] : atoms[0].sub) {
      x |= bit(var);
      bind[static_cast<std::size_t>(var)] = value;
    }
    const Identification r = identify(g_, y, x);
    if (!r.identifiable) {
      return Result{Fail{fmt::format("P({}{}) is not identifiable from the observed distribution: {}", g_.names(y),
                                     x == 0 ? "" : " | do(" + g_.names(x) + ")", r.reason)}};
    }
    return Result{CfExpr::factor(plainest(r, y | x), std::move(bind))};
  }

 public:
  /// IDC* (Shpitser & Pearl 2007, Fig. 6) for one conjunction: P(gamma | delta). Line 4: an
  /// evidence event d whose node is m-separated from gamma's nodes given the rest of delta, once
  /// its outgoing arcs are cut, acts as an intervention (rule 2 of the do-calculus in the
  /// counterfactual graph): d is dropped from delta and its value added to the worlds of the
  /// events downstream of it. Then P(gamma, delta) / P(delta), both by ID*. `moved` counts line 4.
  Result idc_star(std::vector<Atom> gamma, std::vector<Atom> delta, int& moved) {
    if (delta.empty()) return id_star(std::move(gamma));
    if (++calls_ > 100000) throw TooLarge("the counterfactual identification takes more than 100,000 steps");
    std::vector<Atom> all = gamma;
    all.insert(all.end(), delta.begin(), delta.end());
    bool certain = true;  // make_cg needs atoms off their own intervened variables
    for (const auto& a : all) {
      certain = certain && std::none_of(a.sub.begin(), a.sub.end(), [&](const auto& s) { return s.first == a.var; });
    }
    if (certain) {
      const CfGraph cg = make_cg(all);
      if (cg.inconsistent) return Zero{};
      if (!cg.undecided) {
        std::vector<int> gamma_nodes(cg.atom_node.begin(), cg.atom_node.begin() + static_cast<std::ptrdiff_t>(gamma.size()));
        for (std::size_t d = 0; d < delta.size(); ++d) {
          const int node = cg.atom_node[gamma.size() + d];
          std::vector<int> given;
          for (std::size_t e = 0; e < delta.size(); ++e) {
            if (e != d) given.push_back(cg.atom_node[gamma.size() + e]);
          }
          if (std::find(gamma_nodes.begin(), gamma_nodes.end(), node) != gamma_nodes.end()) continue;
          if (!m_separated(cg, node, gamma_nodes, given)) continue;
          // Move d: every other event on a proper descendant of its node gets d's value in its world.
          const std::vector<char> below = descendants(cg, node);
          const Atom& da = delta[d];
          const auto add = [&](Atom a, int at) {
            if (at != node && below[static_cast<std::size_t>(at)] != 0 &&
                std::none_of(a.sub.begin(), a.sub.end(), [&](const auto& s) { return s.first == da.var; })) {
              a.sub.emplace_back(da.var, da.value);
              std::sort(a.sub.begin(), a.sub.end());
            }
            return a;
          };
          std::vector<Atom> g2, d2;
          for (std::size_t k = 0; k < gamma.size(); ++k) g2.push_back(add(gamma[k], cg.atom_node[k]));
          for (std::size_t e = 0; e < delta.size(); ++e) {
            if (e != d) d2.push_back(add(delta[e], cg.atom_node[gamma.size() + e]));
          }
          ++moved;
          return idc_star(std::move(g2), std::move(d2), moved);
        }
      }
    }
    Result num = id_star(all);
    if (!std::holds_alternative<CfExpr>(num)) return num;
    Result den = id_star(delta);
    if (std::holds_alternative<Zero>(den)) return Fail{"the evidence, once some of it acts as an intervention, has probability 0"};
    if (!std::holds_alternative<CfExpr>(den)) return den;
    return CfExpr::ratio(std::move(std::get<CfExpr>(num)), std::move(std::get<CfExpr>(den)), "the evidence");
  }

 private:
  /// Nodes below `from` (itself included) along directed arcs.
  static std::vector<char> descendants(const CfGraph& cg, int from) {
    std::vector<char> below(cg.nodes.size(), 0);
    below[static_cast<std::size_t>(from)] = 1;
    for (std::size_t i = 0; i < cg.nodes.size(); ++i) {  // nodes are in topological order
      for (int p : cg.nodes[i].parents) {
        if (below[static_cast<std::size_t>(p)] != 0) below[i] = 1;
      }
    }
    return below;
  }

  /// Whether `from` is m-separated from every node of `targets` given `given` in the
  /// counterfactual graph with the arcs out of `from` removed (Bayes ball on the graph with one
  /// latent parent per pair of random nodes that share hidden causes).
  bool m_separated(const CfGraph& cg, int from, const std::vector<int>& targets, const std::vector<int>& given) const {
    const std::size_t m = cg.nodes.size();
    // Adjacency: directed arcs (minus those out of `from`), and "spouses" sharing hidden causes.
    std::vector<std::vector<int>> children(m), spouses(m);
    for (std::size_t i = 0; i < m; ++i) {
      for (int p : cg.nodes[i].parents) {
        if (p != from) children[static_cast<std::size_t>(p)].push_back(static_cast<int>(i));
      }
    }
    for (std::size_t a = 0; a < m; ++a) {
      if (cg.nodes[a].fixed) continue;
      for (std::size_t b = a + 1; b < m; ++b) {
        if (cg.nodes[b].fixed) continue;
        if (cg.nodes[a].var == cg.nodes[b].var || g_.bidirected(cg.nodes[a].var, cg.nodes[b].var)) {
          spouses[a].push_back(static_cast<int>(b));
          spouses[b].push_back(static_cast<int>(a));
        }
      }
    }
    std::vector<char> in_given(m, 0), anc(m, 0);
    for (int z : given) in_given[static_cast<std::size_t>(z)] = 1;
    for (std::size_t i = 0; i < m; ++i) {
      if (cg.nodes[i].fixed) in_given[i] = 1;  // a constant: no path passes through it
    }
    // Ancestors of the conditioning set (directed arcs only; a latent parent of a given node is
    // an ancestor too, handled when a path arrives through a bidirected arc below).
    std::vector<int> stack(given.begin(), given.end());
    for (int z : given) anc[static_cast<std::size_t>(z)] = 1;  // (fixed nodes have no parents: nothing to add)
    while (!stack.empty()) {
      const int v = stack.back();
      stack.pop_back();
      for (int p : cg.nodes[static_cast<std::size_t>(v)].parents) {
        if (p == from && v != from) {  // the arc from `from` is cut
          continue;
        }
        if (anc[static_cast<std::size_t>(p)] == 0) {
          anc[static_cast<std::size_t>(p)] = 1;
          stack.push_back(p);
        }
      }
    }
    // States: (node, arrived with an arrowhead into it). A node entered with an arrowhead is a
    // collider for the next step unless it leaves by its parents... the usual rules: a
    // non-collider passes when not given; a collider passes when it is an ancestor of the given.
    std::vector<char> seen(2 * m, 0), reached(m, 0);
    std::vector<std::pair<int, bool>> queue{{from, false}};
    seen[static_cast<std::size_t>(2 * from)] = 1;
    while (!queue.empty()) {
      const auto [v, head] = queue.back();
      queue.pop_back();
      const auto vi = static_cast<std::size_t>(v);
      if (in_given[vi] == 0) reached[vi] = 1;
      const auto push = [&](int w, bool arrow) {
        const std::size_t k = 2 * static_cast<std::size_t>(w) + (arrow ? 1 : 0);
        if (seen[k] == 0) {
          seen[k] = 1;
          queue.emplace_back(w, arrow);
        }
      };
      const bool passes_as_noncollider = in_given[vi] == 0;
      const bool passes_as_collider = anc[vi] != 0;
      // Leaving v along an arc out of v (v -> c): v is a non-collider on the path unless we
      // arrived with an arrowhead and leave... leaving by a tail is never a collider.
      if (passes_as_noncollider || v == from) {
        for (int c : children[vi]) push(c, true);
      }
      // Leaving v towards a parent (v <- p) or a spouse (v <-> s): the arc has an arrowhead at
      // v, so v is a collider when we also arrived with an arrowhead.
      const bool can_leave_into_head = v == from || (head ? passes_as_collider : passes_as_noncollider);
      if (can_leave_into_head) {
        for (int p : cg.nodes[vi].parents) {
          if (p == from && v != from) continue;  // cut
          push(p, false);
        }
        for (int s : spouses[vi]) push(s, true);
      }
    }
    return std::none_of(targets.begin(), targets.end(), [&](int t) { return reached[static_cast<std::size_t>(t)] != 0; });
  }

  std::string conflict_reason(const CfGraph& cg, const std::vector<int>& s, int var, const std::vector<CfValue>& list) const {
    std::vector<std::string> values;
    for (const auto& v : list) values.push_back(v.is_slot ? "a summed value" : g_.label(var, v.index));
    std::set<std::string> nodes;  // each node as its variable and its set parents: Tar[Smoking=1]
    for (int i : s) {
      const auto& node = cg.nodes[static_cast<std::size_t>(i)];
      std::string settings;
      for (int p : node.parents) {
        const auto& parent = cg.nodes[static_cast<std::size_t>(p)];
        if (!parent.fixed) continue;
        settings += (settings.empty() ? "" : ", ") + g_.name(parent.var) + "=" +
                    (parent.value.is_slot ? std::string("a summed value") : g_.label(parent.var, parent.value.index));
      }
      nodes.insert(settings.empty() ? g_.name(node.var) : g_.name(node.var) + "[" + settings + "]");
    }
    std::string names;
    for (const auto& n : nodes) names += (names.empty() ? "" : ", ") + n;
    return fmt::format("in the counterfactual graph, the events on {} form one c-component (they share hidden causes) in "
                       "which {} takes the values {}: no experiment fixes both, so even all interventional "
                       "distributions do not give the joint (ID* line 8)",
                       names, g_.name(var), fmt::join(values, " and "));
  }

  /// make-cg: the counterfactual graph of `atoms` (no atom on its own intervened variable).
  CfGraph make_cg(const std::vector<Atom>& atoms) const {
    const int n = g_.size();
    std::vector<Sub> worlds;
    std::vector<std::size_t> world_of;
    for (const auto& a : atoms) {
      auto it = std::find(worlds.begin(), worlds.end(), a.sub);
      if (it == worlds.end()) {
        worlds.push_back(a.sub);
        it = worlds.end() - 1;
      }
      world_of.push_back(static_cast<std::size_t>(it - worlds.begin()));
    }
    CfGraph all;
    std::vector<std::vector<int>> node_of(worlds.size(), std::vector<int>(static_cast<std::size_t>(n), -1));
    for (std::size_t w = 0; w < worlds.size(); ++w) {
      VarMask xw = 0, want = 0;
      std::vector<CfValue> set(static_cast<std::size_t>(n));
      for (const auto& [v, value] : worlds[w]) {
        xw |= bit(v);
        set[static_cast<std::size_t>(v)] = value;
      }
      for (std::size_t k = 0; k < atoms.size(); ++k) {
        if (world_of[k] == w) want |= bit(atoms[k].var);
      }
      const VarMask an = g_.ancestors(want, g_.all(), xw);
      for (int v : g_.order()) {
        if (((an >> v) & 1U) == 0) continue;
        CfGraph::Node node{v, ((xw >> v) & 1U) != 0, set[static_cast<std::size_t>(v)], {}};
        if (!node.fixed) {
          for (int p : members(g_.parents(v))) node.parents.push_back(node_of[w][static_cast<std::size_t>(p)]);
        }
        node_of[w][static_cast<std::size_t>(v)] = static_cast<int>(all.nodes.size());
        all.nodes.push_back(std::move(node));
        if (all.nodes.size() > kMaxNodes) throw TooLarge(fmt::format("the counterfactual graph has more than {} nodes", kMaxNodes));
      }
    }
    // Merge, in topological order: the same variable with the same parent nodes (or fixed to the
    // same value) is the same random variable in every world.
    std::vector<int> rep(all.nodes.size());
    std::iota(rep.begin(), rep.end(), 0);
    for (int v : g_.order()) {
      std::map<std::pair<std::vector<int>, CfValue>, int> seen;
      for (std::size_t w = 0; w < worlds.size(); ++w) {
        const int i = node_of[w][static_cast<std::size_t>(v)];
        if (i < 0) continue;
        auto& node = all.nodes[static_cast<std::size_t>(i)];
        for (int& p : node.parents) p = rep[static_cast<std::size_t>(p)];
        const auto key = node.fixed ? std::pair(std::vector<int>{-1}, node.value) : std::pair(node.parents, value_of(0));
        auto [it, fresh] = seen.emplace(key, i);
        rep[static_cast<std::size_t>(i)] = it->second;
      }
    }
    // The event on the merged nodes.
    std::vector<std::optional<CfValue>> event(all.nodes.size());
    CfGraph out;
    for (std::size_t k = 0; k < atoms.size(); ++k) {
      const int i = rep[static_cast<std::size_t>(node_of[world_of[k]][static_cast<std::size_t>(atoms[k].var)])];
      auto& e = event[static_cast<std::size_t>(i)];
      if (!e) {
        e = atoms[k].value;
      } else if (*e != atoms[k].value) {
        if (e->is_slot || atoms[k].value.is_slot) out.undecided = true;
        else out.inconsistent = true;
      }
    }
    if (out.inconsistent || out.undecided) return out;
    // Keep the ancestors of the event's nodes, renumbered in creation (topological) order.
    std::vector<char> keep(all.nodes.size(), 0);
    std::vector<int> stack;
    for (std::size_t i = 0; i < event.size(); ++i) {
      if (event[i]) {
        keep[i] = 1;
        stack.push_back(static_cast<int>(i));
      }
    }
    while (!stack.empty()) {
      const int i = stack.back();
      stack.pop_back();
      for (int p : all.nodes[static_cast<std::size_t>(i)].parents) {
        if (keep[static_cast<std::size_t>(p)] == 0) {
          keep[static_cast<std::size_t>(p)] = 1;
          stack.push_back(p);
        }
      }
    }
    std::vector<int> index(all.nodes.size(), -1);
    for (std::size_t i = 0; i < all.nodes.size(); ++i) {
      if (keep[i] == 0) continue;
      index[i] = static_cast<int>(out.nodes.size());
      out.nodes.push_back(all.nodes[i]);
      out.event.push_back(event[i]);
    }
    for (auto& node : out.nodes) {
      for (int& p : node.parents) p = index[static_cast<std::size_t>(p)];
    }
    for (std::size_t k = 0; k < atoms.size(); ++k) {
      out.atom_node.push_back(index[static_cast<std::size_t>(rep[static_cast<std::size_t>(node_of[world_of[k]][static_cast<std::size_t>(atoms[k].var)])])]);
    }
    return out;
  }

  /// The c-components of the random nodes: two share hidden causes when they are copies of one
  /// variable (its own noise) or copies of two variables joined by a bidirected arc.
  std::vector<std::vector<int>> components(const CfGraph& cg) const {
    const std::size_t m = cg.nodes.size();
    std::vector<int> root(m);
    std::iota(root.begin(), root.end(), 0);
    const auto find = [&](int i) {
      while (root[static_cast<std::size_t>(i)] != i) i = root[static_cast<std::size_t>(i)] = root[static_cast<std::size_t>(root[static_cast<std::size_t>(i)])];
      return i;
    };
    for (std::size_t a = 0; a < m; ++a) {
      if (cg.nodes[a].fixed) continue;
      for (std::size_t b = a + 1; b < m; ++b) {
        if (cg.nodes[b].fixed) continue;
        const int va = cg.nodes[a].var, vb = cg.nodes[b].var;
        if (va == vb || g_.bidirected(va, vb)) root[static_cast<std::size_t>(find(static_cast<int>(a)))] = find(static_cast<int>(b));
      }
    }
    std::map<int, std::vector<int>> by_root;
    std::vector<std::vector<int>> out;
    std::vector<int> order;  // components by their first node
    for (std::size_t i = 0; i < m; ++i) {
      if (cg.nodes[i].fixed) continue;
      const int r = find(static_cast<int>(i));
      if (!by_root.contains(r)) order.push_back(r);
      by_root[r].push_back(static_cast<int>(i));
    }
    for (int r : order) out.push_back(std::move(by_root[r]));
    return out;
  }
};

/// A query's events as conjunctions of atoms with constant values: nested settings are summed
/// over (the nested term's value), the sum's terms listed with their coefficients.
class Reduction {
 public:
  Reduction(const Admg& g, const Scm& scm) : g_(g), scm_(scm) {}

  int observed(VarId v) const {
    const int i = g_.index(v);
    if (i < 0) {
      throw InvalidQuery(fmt::format("'{}' is not observed (hidden or exogenous): identification asks only about observed variables",
                                     scm_.name(v)));
    }
    return i;
  }

  Atom atom(const Term& t, Value value) const {
    Atom a{observed(t.var), value_of(value), {}};
    for (const Setting& s : t.settings) a.sub.emplace_back(observed(s.var), value_of(s.value));
    std::sort(a.sub.begin(), a.sub.end());
    return a;
  }

  /// Every conjunction of atoms the events expand to (nested settings enumerated).
  void expand(std::vector<std::pair<Term, Value>> pending, std::vector<Atom> done, std::vector<std::vector<Atom>>& out) const {
    if (pending.empty()) {
      if (out.size() >= kMaxConjunctions) {
        throw InvalidQuery(fmt::format("the query expands to more than {} conjunctions of events (nested settings are summed over)",
                                       kMaxConjunctions));
      }
      out.push_back(std::move(done));
      return;
    }
    auto [term, value] = std::move(pending.back());
    pending.pop_back();
    const auto nested = std::find_if(term.settings.begin(), term.settings.end(), [](const Setting& s) { return s.is_nested(); });
    if (nested == term.settings.end()) {
      done.push_back(atom(term, value));
      expand(std::move(pending), std::move(done), out);
      return;
    }
    const Term inner = nested->nested.at(0);
    const std::size_t values = scm_.domain(inner.var).size();
    for (Value m = 0; m < values; ++m) {
      Term t = term;
      auto& s = t.settings[static_cast<std::size_t>(nested - term.settings.begin())];
      s = Setting::to_value(s.var, m);
      auto next = pending;
      next.emplace_back(std::move(t), value);
      next.emplace_back(inner, m);
      expand(std::move(next), done, out);
    }
  }

  std::vector<Atom> evidence(const std::vector<Event>& events) const {
    std::vector<Atom> out;
    for (const Event& e : events) {
      for (const Setting& s : e.term.settings) {
        if (s.is_nested()) throw InvalidQuery("a nested setting in the evidence is not supported by identify (yet)");
      }
      out.push_back(atom(e.term, e.value));
    }
    return out;
  }

 private:
  const Admg& g_;
  const Scm& scm_;
};

}  // namespace

CounterfactualIdentification identify_counterfactual(const Admg& g, const Query& q, const Scm& scm) {
  Solver solver(g);
  Reduction reduce(g, scm);
  CounterfactualIdentification result;
  std::vector<Rational> part_signs;
  std::vector<CfExpr> parts;
  for (const Query::Part& part : q.parts) {
    // The part as sum_k c_k P(conjunction_k, evidence) / P(evidence).
    std::vector<Rational> coefficients;
    std::vector<std::vector<Atom>> conjunctions;
    const std::vector<Event>* evidence_events = nullptr;
    if (const auto* p = std::get_if<Probability>(&part.quantity)) {
      std::vector<std::pair<Term, Value>> pending;
      for (const Event& e : p->events) pending.emplace_back(e.term, e.value);
      reduce.expand(std::move(pending), {}, conjunctions);
      coefficients.assign(conjunctions.size(), Rational(1));
      evidence_events = &p->evidence;
    } else {
      const auto& e = std::get<Expectation>(part.quantity);
      const Domain& domain = scm.domain(e.term.var);
      for (Value y = 0; y < domain.size(); ++y) {
        std::vector<std::vector<Atom>> these;
        reduce.expand({{e.term, y}}, {}, these);
        const Rational number = parse_rational(domain.label(y));
        for (auto& c : these) {
          conjunctions.push_back(std::move(c));
          coefficients.push_back(number);
        }
        if (conjunctions.size() > kMaxConjunctions) throw InvalidQuery(fmt::format("the query expands to more than {} conjunctions of events", kMaxConjunctions));
      }
      evidence_events = &e.evidence;
    }
    const std::vector<Atom> delta = reduce.evidence(*evidence_events);
    result.conjunctions += conjunctions.size();

    // First sum_k c_k P(conjunction_k, delta) / P(delta): one denominator, the plainest formula.
    std::optional<Result> den;
    if (!delta.empty()) {
      den = solver.id_star(delta);
      if (std::holds_alternative<Zero>(*den)) throw ZeroProbabilityEvidence(to_string(*evidence_events, scm));
    }
    std::string reason;
    std::vector<CfExpr> terms;
    for (const auto& c : conjunctions) {
      std::vector<Atom> joint = c;
      joint.insert(joint.end(), delta.begin(), delta.end());
      Result r = solver.id_star(std::move(joint));
      if (const auto* f = std::get_if<Fail>(&r)) {
        reason = f->reason;
        break;
      }
      terms.push_back(std::holds_alternative<Zero>(r) ? CfExpr::constant(Rational(0)) : std::move(std::get<CfExpr>(r)));
    }
    if (reason.empty() && den && std::holds_alternative<Fail>(*den)) reason = "the probability of the evidence: " + std::get<Fail>(*den).reason;
    std::optional<CfExpr> estimate;
    if (reason.empty()) {
      estimate = CfExpr::linear(coefficients, std::move(terms));
      if (den) estimate = CfExpr::ratio(std::move(*estimate), std::move(std::get<CfExpr>(*den)), to_string(*evidence_events, scm));
    } else if (!delta.empty()) {
      // Else IDC* conjunction by conjunction, where evidence may act as an intervention.
      std::vector<CfExpr> conditionals;
      for (const auto& c : conjunctions) {
        Result r = solver.idc_star(c, delta, result.evidence_moved);
        if (const auto* f = std::get_if<Fail>(&r)) {
          reason = f->reason;
          conditionals.clear();
          break;
        }
        conditionals.push_back(std::holds_alternative<Zero>(r) ? CfExpr::constant(Rational(0)) : std::move(std::get<CfExpr>(r)));
      }
      if (!conditionals.empty()) estimate = CfExpr::linear(coefficients, std::move(conditionals));
    }
    if (!estimate) {
      result.reason = reason;
      return result;
    }
    part_signs.emplace_back(part.sign);
    parts.push_back(std::move(*estimate));
  }
  result.identifiable = true;
  result.estimand.emplace(CfExpr::linear(std::move(part_signs), std::move(parts)), std::move(solver.slot_vars));
  return result;
}

}  // namespace rung
