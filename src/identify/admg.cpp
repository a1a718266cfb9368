#include "rung/identify/admg.hpp"

#include "rung/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

namespace rung {

std::vector<int> members(VarMask set) {
  std::vector<int> out;
  for (; set != 0; set &= set - 1) out.push_back(std::countr_zero(set));
  return out;
}

Dag Admg::to_dag() const {
  Dag d;
  for (int i = 0; i < size(); ++i) (void)d.add_node(name(i));
  for (int i = 0; i < size(); ++i) {
    for (int p : members(parents(i))) d.add_arc(static_cast<NodeId>(p), static_cast<NodeId>(i));
  }
  for (int a = 0; a < size(); ++a) {
    for (int b : members(siblings(a))) {
      if (b <= a) continue;
      const NodeId u = d.add_node(fmt::format("<{},{}>", name(a), name(b)));
      d.add_arc(u, static_cast<NodeId>(a));
      d.add_arc(u, static_cast<NodeId>(b));
    }
  }
  return d;
}

Admg Admg::of(const Scm& scm, std::span<const VarId> hidden) {
  const std::size_t n = scm.size();
  std::vector<char> is_hidden(n, 0);
  for (VarId h : hidden) {
    if (h >= n || scm.is_exogenous(h)) throw InvalidQuery("only endogenous variables can be hidden (exogenous ones are unobserved already)");
    if (is_hidden[h] != 0) throw InvalidQuery(fmt::format("'{}' is listed as hidden twice", scm.name(h)));
    is_hidden[h] = 1;
  }
  Admg g;
  std::vector<int> index(n, -1);
  for (VarId v : scm.evaluation_order()) {
    if (scm.is_exogenous(v) || is_hidden[v] != 0) continue;
    if (g.vars_.size() == 64) {
      throw TooLarge("identification handles at most 64 observed variables; mark more of them hidden");
    }
    index[v] = static_cast<int>(g.vars_.size());
    g.vars_.push_back(v);
    g.names_.push_back(scm.name(v));
    std::vector<std::string> labels;
    for (Value x = 0; x < scm.domain(v).size(); ++x) labels.push_back(scm.domain(v).label(x));
    g.labels_.push_back(std::move(labels));
  }
  const std::size_t k = g.vars_.size();
  g.parents_.assign(k, 0);
  g.children_.assign(k, 0);
  g.siblings_.assign(k, 0);
  for (std::size_t i = 0; i < k; ++i) g.order_.push_back(static_cast<int>(i));  // evaluation order

  // The observed variables a node reaches through unobserved intermediates only (its children
  // that are observed, and what its unobserved children reach). Iterative, in reverse
  // evaluation order for the endogenous ones, so every child's set is known first.
  const Dag& dag = scm.dag();
  std::vector<VarMask> reach(n, 0);
  std::vector<VarId> reverse(scm.evaluation_order().rbegin(), scm.evaluation_order().rend());
  auto reach_of = [&](VarId v) {
    VarMask r = 0;
    for (NodeId c : dag.children(v)) {
      if (scm.is_exogenous(c)) continue;
      r |= index[c] >= 0 ? VarMask{1} << index[c] : reach[c];
    }
    return r;
  };
  for (VarId v : reverse) {
    if (!scm.is_exogenous(v)) reach[v] = reach_of(v);
  }
  for (VarId u : scm.exogenous()) reach[u] = reach_of(u);
  for (VarId v = 0; v < n; ++v) {
    const int i = index[v];
    if (i >= 0) {
      g.children_[static_cast<std::size_t>(i)] = reach[v];
      for (int c : members(reach[v])) g.parents_[static_cast<std::size_t>(c)] |= VarMask{1} << i;
    } else {
      // Unobserved: a common cause of everything it reaches.
      for (int a : members(reach[v])) g.siblings_[static_cast<std::size_t>(a)] |= reach[v] & ~(VarMask{1} << a);
    }
  }
  return g;
}

Admg Admg::of_parts(std::vector<VarId> vars, std::vector<std::string> names, std::vector<std::vector<std::string>> labels,
                    std::vector<VarMask> parents, std::vector<VarMask> siblings) {
  const std::size_t k = vars.size();
  if (names.size() != k || labels.size() != k || parents.size() != k || siblings.size() != k) {
    throw InvalidQuery(fmt::format("an ADMG's parts differ in length: {} ids, {} names, {} label lists, {} parent sets, {} sibling sets",
                                   k, names.size(), labels.size(), parents.size(), siblings.size()));
  }
  if (k > 64) throw TooLarge("identification handles at most 64 observed variables; mark more of them hidden");
  const VarMask all = k == 64 ? ~VarMask{0} : (VarMask{1} << k) - 1;
  Admg g;
  g.children_.assign(k, 0);
  for (std::size_t i = 0; i < k; ++i) {
    const VarMask below = (VarMask{1} << i) - 1;  // (i < 64)
    if ((parents[i] & ~below) != 0) {
      throw InvalidQuery(fmt::format("ADMG part: a parent of '{}' (index {}) does not lie below it", names[i], i));
    }
    if ((siblings[i] & ~all) != 0 || ((siblings[i] >> i) & 1U) != 0) {
      throw InvalidQuery(fmt::format("ADMG part: the siblings of '{}' (index {}) hold itself or an index past the last", names[i], i));
    }
    for (int s : members(siblings[i])) {
      if (((siblings[static_cast<std::size_t>(s)] >> i) & 1U) == 0) {
        throw InvalidQuery(fmt::format("ADMG part: '{}' is a sibling of '{}' but not the other way round", names[static_cast<std::size_t>(s)], names[i]));
      }
    }
    for (int p : members(parents[i])) g.children_[static_cast<std::size_t>(p)] |= VarMask{1} << i;
    g.order_.push_back(static_cast<int>(i));
  }
  g.vars_ = std::move(vars);
  g.names_ = std::move(names);
  g.labels_ = std::move(labels);
  g.parents_ = std::move(parents);
  g.siblings_ = std::move(siblings);
  return g;
}

int Admg::index(VarId v) const {
  const auto it = std::find(vars_.begin(), vars_.end(), v);
  return it == vars_.end() ? -1 : static_cast<int>(it - vars_.begin());
}

VarMask Admg::ancestors(VarMask of, VarMask within, VarMask cut) const {
  VarMask found = of & within;
  std::vector<int> stack = members(found);
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    if (((cut >> v) & 1U) != 0) continue;  // arcs into `cut` are removed
    const VarMask fresh = parents(v) & within & ~found;
    found |= fresh;
    for (int p : members(fresh)) stack.push_back(p);
  }
  return found;
}

VarMask Admg::descendants(VarMask of, VarMask within) const {
  VarMask found = of & within;
  std::vector<int> stack = members(found);
  while (!stack.empty()) {
    const int v = stack.back();
    stack.pop_back();
    const VarMask fresh = children(v) & within & ~found;
    found |= fresh;
    for (int c : members(fresh)) stack.push_back(c);
  }
  return found;
}

bool Admg::m_separated(VarMask a, VarMask b, VarMask given, VarMask cut_out, VarMask cut_in) const {
  return rung::m_separated(parents_, children_, siblings_, a, b, given, cut_out, cut_in);
}

bool m_separated(std::span<const VarMask> parents, std::span<const VarMask> children, std::span<const VarMask> siblings, VarMask a,
                 VarMask b, VarMask given, VarMask cut_out, VarMask cut_in) {
  const VarMask target = b & ~given;
  const VarMask sources = a & ~given;
  if ((sources & target) != 0) return false;
  if (sources == 0) return true;
  // The graph with the cuts: parents, children and siblings of each variable.
  auto has = [](VarMask m, int v) { return ((m >> v) & 1U) != 0; };
  auto pa = [&](int v) { return has(cut_in, v) ? VarMask{0} : parents[static_cast<std::size_t>(v)] & ~cut_out; };
  auto ch = [&](int v) { return has(cut_out, v) ? VarMask{0} : children[static_cast<std::size_t>(v)] & ~cut_in; };
  auto sib = [&](int v) {
    return has(cut_in, v) || siblings.empty() ? VarMask{0} : siblings[static_cast<std::size_t>(v)] & ~cut_in;
  };
  // The given variables and their ancestors: a collider there is open.
  VarMask open_collider = given;
  for (VarMask frontier = given; frontier != 0;) {
    VarMask next = 0;
    for (VarMask m = frontier; m != 0; m &= m - 1) next |= pa(std::countr_zero(m));
    frontier = next & ~open_collider;
    open_collider |= next;
  }
  // Bayes ball (Dag::dsep) on the DAG with a latent parent for every bidirected arc: a latent L
  // of v and s is never given and has no parents, so a trail that leaves v upwards through it
  // (the fork v <- L -> s) arrives at s from a parent. One frontier of masks at a time.
  VarMask seen_up = 0, seen_down = 0;  // reached from a child / from a parent
  VarMask up = sources, down = 0;
  for (;;) {
    up &= ~seen_up;
    down &= ~seen_down;
    if (up == 0 && down == 0) return true;
    seen_up |= up;
    seen_down |= down;
    if (((up | down) & target) != 0) return false;
    VarMask next_up = 0, next_down = 0;
    // From a child: a chain or fork through v, open only if v is not given.
    for (VarMask m = up & ~given; m != 0; m &= m - 1) {
      const int v = std::countr_zero(m);
      next_up |= pa(v);
      next_down |= ch(v) | sib(v);
    }
    // From a parent: a chain through v if it is not given, a collider if v or a descendant is.
    for (VarMask m = down; m != 0; m &= m - 1) {
      const int v = std::countr_zero(m);
      if (!has(given, v)) next_down |= ch(v);
      if (has(open_collider, v)) {
        next_up |= pa(v);
        next_down |= sib(v);
      }
    }
    up = next_up;
    down = next_down;
  }
}

std::vector<VarMask> Admg::c_components(VarMask within) const {
  std::vector<VarMask> out;
  VarMask left = within;
  while (left != 0) {
    const int start = std::countr_zero(left);
    VarMask component = VarMask{1} << start;
    std::vector<int> stack{start};
    while (!stack.empty()) {
      const int v = stack.back();
      stack.pop_back();
      const VarMask fresh = siblings(v) & within & ~component;
      component |= fresh;
      for (int s : members(fresh)) stack.push_back(s);
    }
    out.push_back(component);
    left &= ~component;
  }
  return out;
}

std::string Admg::names(VarMask set) const {
  std::string out = "{";
  for (int i : members(set)) {
    if (out.size() > 1) out += ", ";
    out += name(i);
  }
  return out + "}";
}

std::string Admg::to_dot(std::string_view graph_name) const {
  auto quoted = [](std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::string out = fmt::format("digraph {} {{\n  rankdir=TB;\n  node [fontname=\"Helvetica\", shape=ellipse];\n", quoted(graph_name));
  for (int i : order_) out += fmt::format("  {};\n", quoted(name(i)));
  for (int i : order_) {
    for (int c : members(children(i))) out += fmt::format("  {} -> {};\n", quoted(name(i)), quoted(name(c)));
  }
  for (int a = 0; a < size(); ++a) {
    for (int b : members(siblings(a))) {
      if (b > a) out += fmt::format("  {} -> {} [dir=both, style=dashed, constraint=false];\n", quoted(name(a)), quoted(name(b)));
    }
  }
  return out + "}\n";
}

std::string Admg::event(VarMask set, const std::vector<std::uint32_t>& at) const {
  std::string out;
  for (int i : members(set)) {
    if (!out.empty()) out += ", ";
    out += name(i) + "=" + label(i, at.at(static_cast<std::size_t>(i)));
  }
  return out;
}

}  // namespace rung
