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
// identifiable rather than guess (never reached from the query kinds rung generates).

namespace rung {

// ---- CfExpr ------------------------------------------------------------------------------

CfExpr CfExpr::constant(Rational c) {
  CfExpr e;
  e.kind_ = Kind::constant;
  e.constant_ = std::move(c);
  return e;
}

CfExpr CfExpr::factor(Functional f, std::vector<CfValue> bind) {
  CfExpr e;
  e.kind_ = Kind::factor;
  e.functional_ = std::move(f);
  e.bind_ = std::move(bind);
  return e;
}

CfExpr CfExpr::sum(std::vector<int> slots, CfExpr body) {
  if (slots.empty()) return body;
  if (body.kind_ == Kind::sum) {  // sum_a sum_b f = sum_{a,b} f (slots are never rebound)
    slots.insert(slots.end(), body.slots_.begin(), body.slots_.end());
    body.slots_ = std::move(slots);
    return body;
  }
  CfExpr e;
  e.kind_ = Kind::sum;
  e.slots_ = std::move(slots);
  e.children_.push_back(std::move(body));
  return e;
}

CfExpr CfExpr::product(std::vector<CfExpr> factors) {
  std::vector<CfExpr> flat;
  for (auto& f : factors) {
    if (f.kind_ == Kind::constant && f.constant_ == 1) continue;
    if (f.kind_ == Kind::product) {
      for (auto& g : f.children_) flat.push_back(std::move(g));
    } else {
      flat.push_back(std::move(f));
    }
  }
  if (flat.empty()) return constant(Rational(1));
  if (flat.size() == 1) return std::move(flat[0]);
  CfExpr e;
  e.kind_ = Kind::product;
  e.children_ = std::move(flat);
  return e;
}

CfExpr CfExpr::ratio(CfExpr numerator, CfExpr denominator, std::string evidence) {
  if (numerator.is_zero()) return numerator;
  CfExpr e;
  e.kind_ = Kind::ratio;
  e.evidence_ = std::move(evidence);
  e.children_.push_back(std::move(numerator));
  e.children_.push_back(std::move(denominator));
  return e;
}

CfExpr CfExpr::linear(std::vector<Rational> coefficients, std::vector<CfExpr> terms) {
  std::vector<Rational> c;
  std::vector<CfExpr> t;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (coefficients[i] == 0 || terms[i].is_zero()) continue;
    c.push_back(coefficients[i]);
    t.push_back(std::move(terms[i]));
  }
  if (t.empty()) return constant(Rational(0));
  if (t.size() == 1 && c[0] == 1) return std::move(t[0]);
  CfExpr e;
  e.kind_ = Kind::linear;
  e.coefficients_ = std::move(c);
  e.children_ = std::move(t);
  return e;
}

// ---- CounterfactualEstimand --------------------------------------------------------------

Rational CounterfactualEstimand::evaluate(const ObservedJoint& p) const {
  std::vector<std::uint32_t> slots(slot_vars_.size(), 0);
  return value(root_, p, slots);
}

Rational CounterfactualEstimand::value(const CfExpr& e, const ObservedJoint& p, std::vector<std::uint32_t>& slots) const {
  const Admg& g = p.graph();
  switch (e.kind_) {
    case CfExpr::Kind::constant:
      return e.constant_;
    case CfExpr::Kind::factor: {
      std::vector<std::uint32_t> at(static_cast<std::size_t>(g.size()), 0);
      for (std::size_t v = 0; v < at.size(); ++v) at[v] = e.bind_[v].is_slot ? slots[e.bind_[v].index] : e.bind_[v].index;
      return e.functional_->evaluate(p, std::move(at));
    }
    case CfExpr::Kind::sum: {
      for (int s : e.slots_) slots[static_cast<std::size_t>(s)] = 0;
      Rational total(0);
      for (;;) {
        total += value(e.children_[0], p, slots);
        std::size_t k = e.slots_.size();
        while (k > 0) {
          const auto s = static_cast<std::size_t>(e.slots_[k - 1]);
          if (++slots[s] < g.cardinality(slot_vars_[s])) break;
          slots[s] = 0;
          --k;
        }
        if (k == 0) break;
      }
      return total;
    }
    case CfExpr::Kind::product: {
      Rational r(1);
      for (const auto& c : e.children_) {
        r *= value(c, p, slots);
        if (r == 0) break;
      }
      return r;
    }
    case CfExpr::Kind::ratio: {
      const Rational den = value(e.children_[1], p, slots);
      if (den == 0) throw ZeroProbabilityEvidence(e.evidence_);
      return value(e.children_[0], p, slots) / den;
    }
    case CfExpr::Kind::linear: {
      Rational r(0);
      for (std::size_t i = 0; i < e.children_.size(); ++i) r += e.coefficients_[i] * value(e.children_[i], p, slots);
      return r;
    }
  }
  return Rational(0);
}

namespace {

std::string latex_name(const std::string& name) {
  std::string lower;
  for (char c : name) lower += c == '_' ? std::string("\\_") : std::string(1, static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return "\\mathit{" + lower + "}";
}

}  // namespace

std::string CounterfactualEstimand::print(const CfExpr& e, const Admg& g, bool latex) const {
  const auto n = static_cast<std::size_t>(g.size());
  // Slot names: a variable's first slot is its name, the next ones primed.
  std::vector<int> count(n, 0);
  std::vector<std::string> slot_name;
  for (int v : slot_vars_) {
    auto k = static_cast<std::size_t>(v);
    std::string name = latex ? latex_name(g.name(v)) : g.name(v);
    name.append(static_cast<std::size_t>(count[k]++), '\'');
    slot_name.push_back(std::move(name));
  }
  const auto parenthesised = [&](const CfExpr& c, const std::string& text) {
    const bool wrap = c.kind_ == CfExpr::Kind::sum || c.kind_ == CfExpr::Kind::linear;
    if (!wrap) return text;
    return latex ? "\\left(" + text + "\\right)" : "(" + text + ")";
  };
  switch (e.kind_) {
    case CfExpr::Kind::constant:
      return rung::to_string(e.constant_);
    case CfExpr::Kind::factor: {
      std::vector<std::string> names(n);
      const VarMask free = e.functional_->free();
      for (int v : members(free)) {
        const CfValue& b = e.bind_[static_cast<std::size_t>(v)];
        if (b.is_slot) names[static_cast<std::size_t>(v)] = slot_name[b.index];
        else names[static_cast<std::size_t>(v)] = latex ? latex_name(g.name(v)) + "=" + g.label(v, b.index) : g.name(v) + "=" + g.label(v, b.index);
      }
      return latex ? e.functional_->to_latex(g, names, count) : e.functional_->to_string(g, names, count);
    }
    case CfExpr::Kind::sum: {
      std::string head;
      for (int s : e.slots_) head += (head.empty() ? "" : ", ") + slot_name[static_cast<std::size_t>(s)];
      const CfExpr& body = e.children_[0];
      std::string inner = print(body, g, latex);
      if (body.kind_ == CfExpr::Kind::ratio && !latex) inner = "[" + inner + "]";
      if (body.kind_ == CfExpr::Kind::linear) inner = latex ? "\\left(" + inner + "\\right)" : "(" + inner + ")";
      return (latex ? "\\sum_{" : "sum_{") + head + "} " + inner;
    }
    case CfExpr::Kind::product: {
      std::string out;
      for (const auto& c : e.children_) {
        std::string part = parenthesised(c, print(c, g, latex));
        if (c.kind_ == CfExpr::Kind::ratio && !latex) part = "[" + part + "]";
        out += (out.empty() ? "" : " ") + part;
      }
      return out;
    }
    case CfExpr::Kind::ratio: {
      const std::string num = print(e.children_[0], g, latex);
      const std::string den = print(e.children_[1], g, latex);
      if (latex) return "\\frac{" + num + "}{" + den + "}";
      return "[" + num + "] / [" + den + "]";
    }
    case CfExpr::Kind::linear: {
      std::string out;
      for (std::size_t i = 0; i < e.children_.size(); ++i) {
        const Rational& c = e.coefficients_[i];
        const Rational magnitude = c < 0 ? Rational(-c) : c;
        std::string term = print(e.children_[i], g, latex);
        if (e.children_[i].kind_ == CfExpr::Kind::linear || e.children_[i].kind_ == CfExpr::Kind::sum ||
            (magnitude != 1 && e.children_[i].kind_ == CfExpr::Kind::ratio && !latex)) {
          term = latex ? "\\left(" + term + "\\right)" : "(" + term + ")";
        }
        if (magnitude != 1) term = rung::to_string(magnitude) + (latex ? " \\cdot " : " * ") + term;
        if (out.empty()) out = (c < 0 ? "-" : "") + term;
        else out += (c < 0 ? " - " : " + ") + term;
      }
      return out;
    }
  }
  return "";
}

std::string CounterfactualEstimand::to_string(const Admg& g) const { return print(root_, g, false); }
std::string CounterfactualEstimand::to_latex(const Admg& g) const { return print(root_, g, true); }

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
    return CfExpr::sum(std::move(fresh), CfExpr::factor(*r.estimand, std::move(bind)));
  }

 private:
  const Admg& g_;
  std::size_t calls_ = 0;

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
    return Result{CfExpr::factor(*r.estimand, std::move(bind))};
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

    std::vector<CfExpr> terms;
    for (auto& c : conjunctions) {
      c.insert(c.end(), delta.begin(), delta.end());
      Result r = solver.id_star(std::move(c));
      if (const auto* f = std::get_if<Fail>(&r)) {
        result.reason = f->reason;
        return result;
      }
      terms.push_back(std::holds_alternative<Zero>(r) ? CfExpr::constant(Rational(0)) : std::move(std::get<CfExpr>(r)));
    }
    CfExpr numerator = CfExpr::linear(std::move(coefficients), std::move(terms));
    if (!delta.empty()) {
      Result den = solver.id_star(delta);
      if (std::holds_alternative<Zero>(den)) throw ZeroProbabilityEvidence(to_string(*evidence_events, scm));
      if (const auto* f = std::get_if<Fail>(&den)) {
        result.reason = "the probability of the evidence: " + f->reason;
        return result;
      }
      numerator = CfExpr::ratio(std::move(numerator), std::move(std::get<CfExpr>(den)), to_string(*evidence_events, scm));
    }
    part_signs.emplace_back(part.sign);
    parts.push_back(std::move(numerator));
  }
  result.identifiable = true;
  result.estimand.emplace(CfExpr::linear(std::move(part_signs), std::move(parts)), std::move(solver.slot_vars));
  return result;
}

}  // namespace rung
