// One file (~1,100 lines) because its parts share one private vocabulary (the item's graph, the
// stated numbers, the stated-numbers network and its repricing) that no other file uses: reading
// the numbers, building the model, the three verdicts and the record are steps of one analysis.
#include "rung/import/cladder_items.hpp"

#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/core/text.hpp"
#include "rung/gen/cladder.hpp"
#include "rung/gen/distractors.hpp"
#include "rung/gen/structure.hpp"
#include "rung/graph/dag.hpp"
#include "rung/import/report.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/json_fields.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/query/query.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace rung {

std::string table_too_large(const std::string& var, std::size_t limit) {
  return fmt::format(
      "a table of {} with more than {} entries strictly between 0 and 1: each is a noise variable of {}, so a query "
      "on {} would need over 2^{} combinations of their values, beyond both exact methods' size guards",
      var, limit, var, var, limit);
}


namespace {

constexpr std::string_view kBackground =
    "Imagine a self-contained, hypothetical world with only the following conditions, and without any "
    "unmentioned factors or causal relationships: ";

std::string text_of(const ordered_json& j, std::string_view key) { return scalar_text(member(j, key)).value_or(""); }

/// A meta flag (`true`, `1`, absent = `fallback`).
bool flag(const ordered_json& meta, std::string_view key, bool fallback) {
  const ordered_json* v = member(meta, key);
  if (v == nullptr) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_number_integer()) return v->get<long long>() != 0;
  return fallback;
}

// ---- the item's graph ----------------------------------------------------------------------------

struct Graph {
  std::vector<std::string> vars;  // first appearance order
  std::map<std::string, std::vector<std::string>> parents;
  void add(const std::string& v) {
    if (!parents.contains(v)) {
      parents[v];
      vars.push_back(v);
    }
  }
};

Graph parse_graph(std::string_view text, const std::string& id) {
  Graph g;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view arc = trim(text.substr(start, end - start));
    if (!arc.empty()) {
      const auto arrow = arc.find("->");
      if (arrow == std::string_view::npos) throw ImportError(id, "reasoning.step1: an arc is not 'A->B'", std::string(arc));
      const std::string a(trim(arc.substr(0, arrow)));
      const std::string b(trim(arc.substr(arrow + 2)));
      if (a.empty() || b.empty()) throw ImportError(id, "reasoning.step1: an arc is not 'A->B'", std::string(arc));
      g.add(a);
      g.add(b);
      g.parents[b].push_back(a);
    }
    start = end + 1;
  }
  return g;
}

Graph item_graph(const ordered_json& item, const std::string& graph_id, const std::string& id) {
  if (const ordered_json* r = member(item, "reasoning"); r != nullptr && r->is_object()) {
    if (auto s = scalar_text(member(*r, "step1")); s && s->find("->") != std::string::npos) return parse_graph(*s, id);
  }
  // CLadder's ten graphs, for items without `reasoning.step1` (backadj).
  const auto arcs = cladder_graph_arcs(graph_id);
  if (!arcs) throw ImportError(id, "no reasoning.step1 graph and meta.graph_id is none of CLadder's ten graphs", graph_id);
  return parse_graph(*arcs, id);
}

Dag dag_of(const Graph& g, const std::string& cut_out_of = "") {
  Dag d;
  for (const auto& v : g.vars) d.add_node(v);
  for (const auto& v : g.vars) {
    for (const auto& p : g.parents.at(v)) {
      if (p != cut_out_of) d.add_arc(*d.find(p), *d.find(v));
    }
  }
  return d;
}

bool is_ancestor(const Graph& g, const std::string& a, const std::string& v) {
  const Dag d = dag_of(g);
  const std::vector<NodeId> nodes{*d.find(v)};
  const NodeSet anc = d.ancestors(nodes);
  return std::find(anc.begin(), anc.end(), *d.find(a)) != anc.end();
}

/// Whether P(v | a, z) is P(v | do(a), z): a is an ancestor of v and every backdoor path from a
/// to v is blocked by z.
bool causal_for(const Graph& g, const std::string& a, const std::string& v, const std::vector<std::string>& z) {
  if (!is_ancestor(g, a, v)) return false;
  const Dag d = dag_of(g, a);
  const std::vector<NodeId> xs{*d.find(a)};
  const std::vector<NodeId> ys{*d.find(v)};
  std::vector<NodeId> zs;
  for (const auto& n : z) zs.push_back(*d.find(n));
  return d.dsep(xs, ys, zs);
}

/// The backdoor criterion for the effect of x on y.
bool valid_adjustment(const Graph& g, const std::string& x, const std::string& y, const std::vector<std::string>& z) {
  for (const auto& n : z) {
    if (n == x || is_ancestor(g, x, n)) return false;
  }
  const Dag d = dag_of(g, x);
  const std::vector<NodeId> xs{*d.find(x)};
  const std::vector<NodeId> ys{*d.find(y)};
  std::vector<NodeId> zs;
  for (const auto& n : z) zs.push_back(*d.find(n));
  return d.dsep(xs, ys, zs);
}

// ---- stated numbers ------------------------------------------------------------------------------

/// One stated number with its structure.
struct Stated {
  enum class Kind { cpt, joint, raw } kind = Kind::raw;
  std::string var;                   // cpt / joint: the variable whose value is 1
  std::vector<std::string> parents;  // cpt: conditioning variables, in the key's order
  std::vector<int> bits;             // cpt: their values; joint: (other var value)
  std::string other;                 // joint: the other variable
  std::string query;
  Rational value;
  std::optional<Rational> shown;
  bool probability = true;  // bounded to [0, 1]
};

Rational number_of(const ordered_json& v, const std::string& id, const std::string& key) {
  if (v.is_number_integer()) return Rational(v.get<long long>());
  if (v.is_number()) return exact_decimal(v.get<double>());
  throw ImportError(id, "meta.given_info: a stated number is not a number", key);
}

std::vector<std::string> split_names(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view n = trim(s.substr(start, end - start));
    if (!n.empty()) out.emplace_back(n);
    start = end + 1;
  }
  return out;
}

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string cond_text(const std::vector<std::string>& vars, const std::vector<int>& bits) {
  std::string s;
  for (std::size_t k = 0; k < vars.size(); ++k) s += fmt::format("{}{}={}", k == 0 ? "" : ", ", vars[k], bits[k]);
  return s;
}

void flatten_cpt(const ordered_json& node, const std::string& var, const std::vector<std::string>& parents,
                 std::vector<int>& bits, std::vector<Stated>& out, const std::string& id, const std::string& key) {
  // One level of recursion per parent: a bound keeps hostile nesting off the call stack.
  constexpr std::size_t kMaxParents = 24;
  if (parents.size() > kMaxParents) {
    throw ImportError(id, fmt::format("meta.given_info: a table over {} parents: at most {} are supported", parents.size(), kMaxParents), key);
  }
  if (bits.size() == parents.size()) {
    const ordered_json* leaf = &node;
    if (parents.empty() && node.is_array()) {
      if (node.size() != 1) throw ImportError(id, "meta.given_info: a marginal must be one number", key);
      leaf = &node[0];
    }
    Stated s;
    s.kind = Stated::Kind::cpt;
    s.var = var;
    s.parents = parents;
    s.bits = bits;
    s.value = number_of(*leaf, id, key);
    s.query = parents.empty() ? fmt::format("P({}=1)", var) : fmt::format("P({}=1 | {})", var, cond_text(parents, bits));
    out.push_back(std::move(s));
    return;
  }
  if (!node.is_array() || node.size() != 2) {
    throw ImportError(id, fmt::format("meta.given_info: the table must nest {} lists of two", parents.size()), key);
  }
  for (int b = 0; b < 2; ++b) {
    bits.push_back(b);
    flatten_cpt(node[static_cast<std::size_t>(b)], var, parents, bits, out, id, key);
    bits.pop_back();
  }
}

/// "P(A=1)" / "P(A=1, B=0)" as (var, value) pairs; nullopt for any other form.
std::optional<std::vector<std::pair<std::string, int>>> event_list(std::string_view key) {
  std::string k;
  for (char c : key) {
    if (c != ' ') k += c;
  }
  if (k.size() < 4 || (k[0] != 'P' && k[0] != 'p') || k[1] != '(' || k.back() != ')') return std::nullopt;
  const std::string inner = k.substr(2, k.size() - 3);
  if (inner.find('|') != std::string::npos) return std::nullopt;
  std::vector<std::pair<std::string, int>> out;
  for (const auto& part : split_names(inner)) {
    const auto eq = part.find('=');
    if (eq == std::string::npos) return std::nullopt;
    const std::string name = part.substr(0, eq);
    const std::string value = part.substr(eq + 1);
    if (!is_name(name) || (value != "0" && value != "1")) return std::nullopt;
    out.emplace_back(name, value == "1" ? 1 : 0);
  }
  return out;
}

std::vector<Stated> stated_numbers(const ordered_json& given, const std::string& id) {
  std::vector<Stated> out;
  if (!given.is_object()) return out;
  for (const auto& [key, value] : given.items()) {
    const std::string_view k = trim(key);
    if (k.size() > 3 && (k[0] == 'p' || k[0] == 'P') && k[1] == '(' && k.back() == ')' && k.find('=') == std::string_view::npos) {
      const std::string_view inner = k.substr(2, k.size() - 3);
      const auto bar = inner.find('|');
      const std::string var(trim(inner.substr(0, bar)));
      const std::vector<std::string> parents = bar == std::string_view::npos ? std::vector<std::string>{} : split_names(inner.substr(bar + 1));
      if (!is_name(var)) throw ImportError(id, "meta.given_info: cannot read the variable of a key", key);
      for (const auto& p : parents) {
        if (!is_name(p)) throw ImportError(id, "meta.given_info: cannot read a conditioning variable of a key", key);
      }
      std::vector<int> bits;
      if (parents.empty() && value.is_number()) {
        ordered_json one = ordered_json::array({value});
        flatten_cpt(one, var, parents, bits, out, id, key);
      } else {
        flatten_cpt(value, var, parents, bits, out, id, key);
      }
      continue;
    }
    Stated s;
    s.value = number_of(value, id, key);
    s.query = std::string(k);
    if (auto ev = event_list(k)) {
      if (ev->size() == 1 && (*ev)[0].second == 1) {
        s.kind = Stated::Kind::cpt;
        s.var = (*ev)[0].first;
      } else if (ev->size() == 2 && (*ev)[0].second == 1) {
        s.kind = Stated::Kind::joint;
        s.var = (*ev)[0].first;
        s.other = (*ev)[1].first;
        s.bits = {(*ev)[1].second};
      } else {
        throw ImportError(id, "meta.given_info: a probability of a form not read", key);
      }
    } else {
      s.probability = false;  // e.g. collider_bias's stated difference
    }
    out.push_back(std::move(s));
  }
  return out;
}

/// The numbers written in the text, in order: percentages (26% -> 13/50) and decimals (-0.23),
/// each with half its last unit.
std::vector<std::pair<Rational, Rational>> text_numbers(std::string_view text) {
  std::vector<std::pair<Rational, Rational>> out;
  std::size_t k = 0;
  while (k < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[k]))) {
      ++k;
      continue;
    }
    const bool negative = k > 0 && text[k - 1] == '-';
    std::size_t e = k;
    while (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e]))) ++e;
    std::size_t decimals = 0;
    if (e + 1 < text.size() && text[e] == '.' && std::isdigit(static_cast<unsigned char>(text[e + 1]))) {
      ++e;
      while (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e]))) {
        ++e;
        ++decimals;
      }
    }
    const bool percent = e < text.size() && text[e] == '%';
    if (percent || decimals > 0) {
      Rational v = parse_rational(text.substr(k, e - k));
      Rational unit(1);
      for (std::size_t d = 0; d < decimals; ++d) unit /= 10;
      if (percent) {
        v /= 100;
        unit /= 100;
      }
      if (negative) v = -v;
      out.emplace_back(v, unit / 2);
    }
    k = e + (percent ? 1 : 0);
  }
  return out;
}

// ---- the stated-numbers model --------------------------------------------------------------------

struct Built {
  Scm scm;
  std::string formal;
  Rational value;
  std::string formula;
  bool wald = false;
  std::vector<Query> parts;  // the value is parts[0] (or parts[0] / parts[1] for Wald)
  std::optional<std::string> observational;  // P(Y=1|X=1) - P(Y=1|X=0) on scm, when meaningful
  std::vector<std::string> notes;
};

std::string paren(const std::string& e) { return e.find(' ') == std::string::npos ? e : "(" + e + ")"; }

/// The mechanism over refs[depth..] for the rows of `table` (bits -> p).
std::string table_expression(const std::string& var, const std::vector<std::string>& refs,
                             const std::map<std::vector<int>, Rational>& table, std::vector<int>& bits,
                             std::vector<std::pair<std::string, Rational>>& noise) {
  if (bits.size() == refs.size()) {
    // Every row keeps its own noise (even at 0 or 1), so that other numbers give the same
    // structure with other priors (reprice).
    const Rational& p = table.at(bits);
    std::string u = "N_" + var + "_";
    for (int b : bits) u += std::to_string(b);
    noise.emplace_back(u, p);
    return u;
  }
  bits.push_back(0);
  const std::string e0 = table_expression(var, refs, table, bits, noise);
  bits.back() = 1;
  const std::string e1 = table_expression(var, refs, table, bits, noise);
  bits.pop_back();
  const std::string& p = refs[bits.size()];
  return fmt::format("if {} then {} else {}", p, paren(e1), paren(e0));
}

struct Network {
  std::map<std::string, Rational> marginal;  // P(V=1) of a root
  struct Cpt {
    std::vector<std::string> parents;
    std::map<std::vector<int>, Rational> rows;
  };
  std::map<std::string, Cpt> cpts;
  std::vector<std::string> order;  // variables in first-mention order
  void mention(const std::string& v) {
    if (std::find(order.begin(), order.end(), v) == order.end()) order.push_back(v);
  }
};

Rational in_range(const Rational& p, const std::string& id, const std::string& what) {
  if (p < 0 || p > 1) throw ImportError(id, fmt::format("a stated probability is outside [0, 1] ({})", to_decimal(p, 6)), what);
  return p;
}

/// The numbers (full or shown) arranged as roots and tables.
Network network_of(const std::vector<Stated>& numbers, bool shown, const std::string& id) {
  Network n;
  std::vector<const Stated*> joints;
  for (const auto& s : numbers) {
    const Rational v = shown ? *s.shown : s.value;
    if (s.kind == Stated::Kind::raw) continue;
    if (s.kind == Stated::Kind::joint) {
      joints.push_back(&s);
      continue;
    }
    n.mention(s.var);
    for (const auto& p : s.parents) n.mention(p);
    if (s.parents.empty()) {
      n.marginal[s.var] = in_range(v, id, s.query);
    } else {
      auto& c = n.cpts[s.var];
      if (!c.parents.empty() && c.parents != s.parents) throw ImportError(id, "two tables of one variable", s.query);
      c.parents = s.parents;
      c.rows[s.bits] = in_range(v, id, s.query);
    }
  }
  for (const Stated* j : joints) {
    // P(A=1, B=b) with P(B=1) stated: A's table over B.
    auto m = n.marginal.find(j->other);
    if (m == n.marginal.end()) throw ImportError(id, fmt::format("a joint probability without P({}=1)", j->other), j->query);
    const Rational pb = j->bits[0] == 1 ? m->second : Rational(1 - m->second);
    if (pb == 0) throw ImportError(id, "a joint probability given an impossible value", j->query);
    n.mention(j->var);
    auto& c = n.cpts[j->var];
    c.parents = {j->other};
    c.rows[{j->bits[0]}] = in_range(Rational((shown ? *j->shown : j->value) / pb), id, j->query);
  }
  for (const auto& [v, c] : n.cpts) {
    if (c.rows.size() != (std::size_t{1} << c.parents.size())) throw ImportError(id, "a stated table lacks rows", v);
    if (n.marginal.contains(v)) throw ImportError(id, "a variable is both a root and a table", v);
  }
  return n;
}

/// The SCM of `n`: conditioning variables that are not causal in `g` enter through their noise.
Scm build_scm(const Network& n, const Graph& g, const std::string& id, std::vector<std::string>* notes = nullptr) {
  ScmBuilder b;
  std::vector<std::pair<std::string, std::string>> endo;
  for (const auto& v : n.order) {
    if (!g.parents.contains(v)) throw ImportError(id, "a stated number names a variable that is not in the graph", v);
  }
  std::set<std::string> need_root;
  for (const auto& v : n.order) {
    auto c = n.cpts.find(v);
    if (c == n.cpts.end()) {
      const Rational p = n.marginal.contains(v) ? n.marginal.at(v) : Rational(1, 2);
      b.bernoulli("U_" + v, p);
      endo.emplace_back(v, "U_" + v);
      continue;
    }
    std::vector<std::string> refs;
    for (const auto& p : c->second.parents) {
      std::vector<std::string> others;
      for (const auto& q : c->second.parents) {
        if (q != p) others.push_back(q);
      }
      if (causal_for(g, p, v, others)) {
        refs.push_back(p);
      } else if (n.cpts.contains(p) && is_ancestor(g, p, v)) {
        // p has its own table, so its association cannot come from its noise: CLadder's formula
        // uses the table as if it were causal although a backdoor path is open.
        refs.push_back(p);
        if (notes != nullptr) {
          notes->push_back(fmt::format("the formula reads P({} | {}) as causal for {} although a backdoor path from {} to {} is open", v,
                                       fmt::join(c->second.parents, ", "), p, p, v));
        }
      } else {
        refs.push_back("U_" + p);
        need_root.insert(p);
      }
    }
    const auto uncertain = static_cast<std::size_t>(std::count_if(
        c->second.rows.begin(), c->second.rows.end(), [](const auto& row) { return row.second > 0 && row.second < 1; }));
    if (uncertain > kMaxTableNoise) throw ImportError(id, table_too_large(v, kMaxTableNoise), v);
    std::vector<int> bits;
    std::vector<std::pair<std::string, Rational>> noise;
    const std::string e = table_expression(v, refs, c->second.rows, bits, noise);
    for (auto& [u, p] : noise) b.bernoulli(u, p);
    endo.emplace_back(v, e);
  }
  for (const auto& r : need_root) {
    if (n.cpts.contains(r)) {
      throw ImportError(id, "the stated numbers use a non-causal association of a variable that has its own table", r);
    }
  }
  for (const auto& [v, e] : endo) b.endogenous(v, e);
  try {
    return b.build();
  } catch (const Error& e) {
    throw ImportError(id, fmt::format("the stated numbers do not make a model ({})", e.what()), "");
  }
}

Rational solve_text(const Scm& scm, const std::string& formal, const std::string& id) {
  try {
    return solve(scm, parse_query(formal, scm)).value;
  } catch (const ZeroProbabilityEvidence& e) {
    throw ImportError(id, fmt::format("zero-probability evidence under the stated numbers ({})", e.what()), formal);
  } catch (const InvalidQuery& e) {
    throw ImportError(id, fmt::format("the question does not fit the stated numbers ({})", e.what()), formal);
  }
}

struct Roles {
  std::string x, y, collider;
  std::vector<std::string> mediators;
};

/// The question on the stated-numbers model, and its exact value.
Built evaluate(const std::string& type, const std::vector<Stated>& numbers, bool shown, const Graph& g, const Roles& r,
               const std::string& id) {
  const Network n = network_of(numbers, shown, id);
  Built out;
  const std::string& X = r.x;
  const std::string& Y = r.y;
  const bool y_table = n.cpts.contains(Y);
  // IV: Y's and X's tables are over one instrument Z (not X): the Wald ratio.
  if (type == "ate" && y_table && n.cpts.contains(X)) {
    const auto& cy = n.cpts.at(Y);
    const auto& cx = n.cpts.at(X);
    if (cy.parents.size() == 1 && cx.parents == cy.parents && cy.parents[0] != X) {
      const std::string& Z = cy.parents[0];
      out.scm = build_scm(n, g, id);
      out.parts = {parse_query(fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", Y, Z), out.scm),
                   parse_query(fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", X, Z), out.scm)};
      const Rational num = solve(out.scm, out.parts[0]).value;
      const Rational den = solve(out.scm, out.parts[1]).value;
      if (den == 0) throw ImportError(id, "the instrument does not move the treatment (Wald denominator 0)", Z);
      out.value = num / den;
      out.wald = true;
      out.formula = fmt::format("IV (Wald): [P({0}=1|{2}=1) - P({0}=1|{2}=0)] / [P({1}=1|{2}=1) - P({1}=1|{2}=0)]", Y, X, Z);
      out.formal = fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", Y, X);
      return out;
    }
  }
  out.scm = build_scm(n, g, id, &out.notes);
  auto has = [&](const std::string& v) { return std::find(n.order.begin(), n.order.end(), v) != n.order.end(); };
  if (!has(X) || !has(Y)) throw ImportError(id, fmt::format("the stated numbers do not mention both {} and {}", X, Y), "");
  std::vector<std::string> med;
  for (const auto& m : r.mediators) {
    if (has(m)) med.push_back(m);
  }
  auto nested = [&](int x, int base) {
    std::string s = fmt::format("{}={}", X, x);
    for (const auto& m : med) s += fmt::format(", {0}={0}[{1}={2}]", m, X, base);
    return s;
  };
  const std::string ate = fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", Y, X);
  const std::string obs = fmt::format("P({0}=1 | {1}=1) - P({0}=1 | {1}=0)", Y, X);
  if (type == "marginal") {
    out.formal = fmt::format("P({}=1)", Y);
    out.formula = fmt::format("P({0}=1) = sum_x P({1}=x) P({0}=1|{1}=x)", Y, X);
  } else if (type == "correlation") {
    out.formal = obs;
    out.formula = fmt::format("P({0}=1,{1}=1)/P({1}=1) - P({0}=1,{1}=0)/P({1}=0)", Y, X);
  } else if (type == "exp_away") {
    if (r.collider.empty() || !has(r.collider)) throw ImportError(id, "no collider among the stated numbers", r.collider);
    out.formal = fmt::format("P({0}=1 | {1}=1, {2}=1) - P({0}=1 | {2}=1)", Y, X, r.collider);
    out.formula = fmt::format("P({0}=1|{1}=1,{2}=1) - sum_x P({1}=x) P({0}=1|{1}=x,{2}=1)", Y, X, r.collider);
  } else if (type == "ate") {
    out.formal = ate;
    out.observational = obs;
    out.formula = "effect through the stated tables (backdoor / frontdoor / direct difference)";
  } else if (type == "ett") {
    out.formal = fmt::format("E({0}[{1}=1] | {1}=1) - E({0}[{1}=0] | {1}=1)", Y, X);
    out.observational = obs;
    out.formula = "effect on the treated through the stated tables";
  } else if (type == "nde") {
    out.formal = fmt::format("E({}[{}]) - E({}[{}=0])", Y, nested(1, 0), Y, X);
    out.formula = "mediation formula (NDE)";
  } else if (type == "nie") {
    out.formal = med.empty() ? ate : fmt::format("E({}[{}]) - E({}[{}=0])", Y, nested(0, 1), Y, X);
    out.formula = med.empty() ? "no mediator is stated: NIE = total effect" : "mediation formula (NIE)";
  } else {
    throw ImportError(id, "unknown query type", type);
  }
  out.value = solve_text(out.scm, out.formal, id);
  out.parts = {parse_query(out.formal, out.scm)};
  return out;
}

/// `b`'s parts with other (shown) numbers: the same structure with the numbers' priors.
std::vector<Rational> reprice_parts(const Built& b, const std::vector<Stated>& numbers, const std::string& id) {
  const Network n = network_of(numbers, true, id);
  std::vector<std::vector<Rational>> priors;
  for (VarId u : b.scm.exogenous()) {
    const std::string& name = b.scm.name(u);
    Rational p(1, 2);
    if (name.rfind("U_", 0) == 0) {
      if (auto it = n.marginal.find(name.substr(2)); it != n.marginal.end()) p = it->second;
    } else if (name.rfind("N_", 0) == 0) {
      // N_<var>_<bits>: the var's row.
      bool found = false;
      for (const auto& [v, c] : n.cpts) {
        const std::string prefix = "N_" + v + "_";
        if (name.size() != prefix.size() + c.parents.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
        std::vector<int> bits;
        for (std::size_t k = prefix.size(); k < name.size(); ++k) bits.push_back(name[k] == '1' ? 1 : 0);
        p = c.rows.at(bits);
        found = true;
      }
      if (!found) throw Error(fmt::format("item {}: no number for the noise {}", id, name));
    }
    priors.push_back({Rational(1 - p), p});
  }
  const Scm scm = b.scm.with_priors(priors);
  std::vector<Rational> out;
  try {
    for (const auto& part : b.parts) out.push_back(solve(scm, part).value);
  } catch (const ZeroProbabilityEvidence& e) {
    throw ImportError(id, e.what(), "");
  }
  return out;
}

/// The value of `b`'s question at other numbers (the Wald ratio of the parts for IV).
Rational reprice(const Built& b, const std::vector<Stated>& numbers, const std::string& id) {
  const std::vector<Rational> parts = reprice_parts(b, numbers, id);
  if (!b.wald) return parts[0];
  if (parts[1] == 0) throw ImportError(id, "the Wald denominator is 0 at this point", "");
  return parts[0] / parts[1];
}

/// A model of the graph with fixed generic tables (backadj and collider_bias state no numbers).
Scm generic_model(const Graph& g) {
  ScmBuilder b;
  int salt = 0;
  for (const auto& v : g.vars) {
    Network::Cpt c;
    c.parents = g.parents.at(v);
    for (std::size_t row = 0; row < (std::size_t{1} << c.parents.size()); ++row) {
      std::vector<int> bits;
      for (std::size_t k = 0; k < c.parents.size(); ++k) bits.push_back(static_cast<int>((row >> (c.parents.size() - 1 - k)) & 1U));
      c.rows[bits] = Rational(2 + static_cast<int>((5 * row + 3 * static_cast<std::size_t>(salt)) % 9), 12);
    }
    ++salt;
    std::vector<int> bits;
    std::vector<std::pair<std::string, Rational>> noise;
    const std::string e = table_expression(v, c.parents, c.rows, bits, noise);
    for (auto& [u, p] : noise) b.bernoulli(u, p);
    b.endogenous(v, e);
  }
  return b.build();
}

Decision make(Decision::Op op, Rational threshold) {
  Decision d;
  d.op = op;
  d.threshold = std::move(threshold);
  return d;
}

/// The answer, "undecided" at a tie of a > or < rule.
std::string decide(const Decision& d, const Rational& v) { return d.answer(v); }

std::string verdict_of(const std::string& answer, const std::string& label) {
  if (answer == "undetermined") return "undecided";
  return answer == label ? "agrees" : "wrong";
}

std::vector<std::string> name_list(const ordered_json& j, const std::string& id) {
  std::vector<std::string> out;
  if (!j.is_array()) throw ImportError(id, "meta.given_info: a method's set is not a list", j.dump());
  for (const auto& n : j) {
    if (!n.is_string()) throw ImportError(id, "meta.given_info: a set member is not a name", n.dump());
    out.push_back(n.get<std::string>());
  }
  return out;
}

/// det-counterfactual from the item's own fields: mechanisms from reasoning.step4 ("V2 = X").
void analyze_det(const ordered_json& item, const ordered_json& meta, const Graph& g, CladderItemAnalysis& a) {
  const std::string& id = a.id;
  const ordered_json* r = member(item, "reasoning");
  const std::string step4 = r != nullptr ? scalar_text(member(*r, "step4")).value_or("") : "";
  std::map<std::string, std::string> mech;
  std::size_t start = 0;
  while (start < step4.size()) {
    std::size_t end = step4.find('\n', start);
    if (end == std::string::npos) end = step4.size();
    const std::string_view line = trim(std::string_view(step4).substr(start, end - start));
    start = end + 1;
    if (line.empty()) continue;
    const auto eq = line.find(" = ");
    if (eq == std::string_view::npos) throw ImportError(id, "reasoning.step4: a line is not 'V = expression'", std::string(line));
    const std::string v(trim(line.substr(0, eq)));
    if (!g.parents.contains(v)) throw ImportError(id, "reasoning.step4 defines a variable that is not in the graph", std::string(line));
    mech[v] = std::string(trim(line.substr(eq + 3)));
  }
  if (mech.empty()) throw ImportError(id, "no mechanisms in reasoning.step4", step4);
  std::vector<std::string> off_graph;  // mechanisms over variables that are not the graph's parents
  for (const auto& [v, e] : mech) {
    static const std::set<std::string> kWords = {"not", "and", "or", "xor", "if", "then", "else", "true", "false"};
    std::string word;
    const auto& ps = g.parents.at(v);
    for (std::size_t k = 0; k <= e.size(); ++k) {
      const char c = k < e.size() ? e[k] : ' ';
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
        word += c;
        continue;
      }
      if (!word.empty() && !std::isdigit(static_cast<unsigned char>(word[0])) && !kWords.contains(word) &&
          std::find(ps.begin(), ps.end(), word) == ps.end()) {
        off_graph.push_back(fmt::format("{} over {} (the graph's parents: {})", v, word, ps.empty() ? "none" : fmt::format("{}", fmt::join(ps, ", "))));
      }
      word.clear();
    }
  }
  ScmBuilder b;
  for (const auto& v : g.vars) {
    if (!mech.contains(v)) {
      b.bernoulli("U_" + v, Rational(1, 2));
      b.endogenous(v, "U_" + v);
    }
  }
  for (const auto& v : g.vars) {
    if (mech.contains(v)) b.endogenous(v, mech.at(v));
  }
  try {
    a.model = b.build();
  } catch (const Error& e) {
    throw ImportError(id, fmt::format("reasoning.step4 does not make a model ({})", e.what()), step4);
  }
  const std::string treatment = text_of(meta, "treatment");
  const std::string outcome = text_of(meta, "outcome");
  const ordered_json* action = member(meta, "action");
  const ordered_json* polarity = member(meta, "polarity");
  if (treatment.empty() || outcome.empty() || action == nullptr || !action->is_number_integer() || polarity == nullptr ||
      !(polarity->is_number_integer() || polarity->is_boolean())) {
    throw ImportError(id, "meta lacks treatment, outcome, or an integer action or polarity", "");
  }
  const int pol = polarity->is_boolean() ? (polarity->get<bool>() ? 1 : 0) : polarity->get<int>();
  std::vector<std::string> evidence;
  if (const ordered_json* gi = member(meta, "given_info"); gi != nullptr && gi->is_object()) {
    for (const auto& [var, v] : gi->items()) evidence.push_back(fmt::format("{}={}", var, v.dump()));
  }
  a.formal_query = fmt::format("P({}[{}={}]={}{})", outcome, treatment, action->get<int>(), pol,
                               evidence.empty() ? "" : fmt::format(" | {}", fmt::join(evidence, ", ")));
  a.value = solve_text(a.model, a.formal_query, id);
  a.decision = Decision{};
  a.formula = "the mechanisms of reasoning.step4, roots unknown (1/2 each)";
  if (!off_graph.empty()) a.formula += fmt::format("; step4 contradicts the graph: {}", fmt::join(off_graph, "; "));
  a.text_verdict = "no_numbers";
}

}  // namespace

CladderItemAnalysis analyze_cladder_item(const ordered_json& item, const CladderModel* model, double tolerance) {
  CladderItemAnalysis a;
  a.id = item.is_object() ? text_of(item, "question_id") : "";
  if (a.id.empty()) a.id = "?";
  const std::string& id = a.id;
  if (!item.is_object()) throw ImportError(id, "not a JSON object", "");
  const ordered_json* meta_p = member(item, "meta");
  if (meta_p == nullptr || !meta_p->is_object()) throw ImportError(id, "no \"meta\" object", "");
  const ordered_json& meta = *meta_p;
  a.query_type = text_of(meta, "query_type");
  a.graph_id = text_of(meta, "graph_id");
  a.label = text_of(item, "answer");
  if (a.label != "yes" && a.label != "no") throw ImportError(id, "the answer is not yes or no", a.label);
  if (!flag(meta, "treated", true) || !flag(meta, "result", true)) {
    throw ImportError(id, "questions about the untreated or the absent outcome (treated/result false) are not read yet",
                      text_of(item, "question"));
  }
  const Graph g = item_graph(item, a.graph_id, id);
  Roles r;
  r.x = text_of(meta, "treatment");
  r.y = text_of(meta, "outcome");
  if (r.x.empty()) r.x = "X";
  if (r.y.empty()) r.y = "Y";
  if (!g.parents.contains(r.x) || !g.parents.contains(r.y)) throw ImportError(id, "treatment or outcome is not in the graph", r.x + ", " + r.y);
  r.collider = text_of(meta, "collider");
  if (const ordered_json* m = member(meta, "mediators"); m != nullptr && m->is_array()) {
    for (const auto& v : *m) {
      if (v.is_string()) r.mediators.push_back(v.get<std::string>());
    }
  } else {
    for (const auto& v : g.vars) {
      if (v != r.x && v != r.y && is_ancestor(g, r.x, v) && is_ancestor(g, v, r.y)) r.mediators.push_back(v);
    }
  }
  if (r.collider.empty()) {
    for (const auto& v : g.vars) {
      const auto& ps = g.parents.at(v);
      if (std::count(ps.begin(), ps.end(), r.x) && std::count(ps.begin(), ps.end(), r.y)) r.collider = v;
    }
  }
  const bool polarity = flag(meta, "polarity", true);
  const std::string& type = a.query_type;
  const ordered_json* given = member(meta, "given_info");
  std::vector<Stated> numbers;
  if (type == "det-counterfactual") {
    analyze_det(item, meta, g, a);
  } else if (type == "backadj") {
    if (given == nullptr || !given->is_array() || given->size() != 2) {
      throw ImportError(id, "meta.given_info of a backadj item must be [method 1 set, method 2 set]", given ? given->dump() : "");
    }
    const auto s1 = name_list((*given)[0], id);
    const auto s2 = name_list((*given)[1], id);
    for (const auto& v : s1) {
      if (!g.parents.contains(v)) throw ImportError(id, "an adjustment variable is not in the graph", v);
    }
    for (const auto& v : s2) {
      if (!g.parents.contains(v)) throw ImportError(id, "an adjustment variable is not in the graph", v);
    }
    if (!s1.empty() && !s2.empty()) throw ImportError(id, "both methods adjust for a set: not read yet", given->dump());
    const bool v1 = valid_adjustment(g, r.x, r.y, s1);
    const bool v2 = valid_adjustment(g, r.x, r.y, s2);
    a.model = generic_model(g);
    a.formal_query = fmt::format("P({0}=1 | {1}=1) - P({0}=1 | {1}=0) - E({0}[{1}=1]) + E({0}[{1}=0])", r.y, r.x);
    a.value = solve_text(a.model, a.formal_query, id);
    // value = 0 exactly when looking directly (the empty set) is valid.
    a.decision = make(s1.empty() ? Decision::Op::equal : Decision::Op::not_equal, Rational(0));
    a.formula = fmt::format("backdoor criterion: method 1 {{{}}} valid: {}, method 2 {{{}}} valid: {}", fmt::join(s1, ", "),
                            v1 ? "yes" : "no", fmt::join(s2, ", "), v2 ? "yes" : "no");
    const bool direct_valid = s1.empty() ? v1 : v2;
    if ((a.value == 0) != direct_valid) {
      throw ImportError(id, "the generic parameters hide the graph's bias (a coincidence): report this item", a.graph_id);
    }
    a.undecided = v1 == v2;  // both or neither valid: the graph prefers neither method
    a.text_verdict = "no_numbers";
  } else if (type == "collider_bias") {
    numbers = stated_numbers(given ? *given : ordered_json::object(), id);
    if (is_ancestor(g, r.x, r.y)) throw ImportError(id, "collider_bias on a graph where the treatment causes the outcome: no effect size is stated", a.graph_id);
    a.model = generic_model(g);
    a.formal_query = fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", r.y, r.x);
    a.value = solve_text(a.model, a.formal_query, id);
    a.decision = make(polarity ? Decision::Op::not_equal : Decision::Op::equal, Rational(0));
    a.formula = "no directed path from the treatment to the outcome: the effect is 0 whatever the stated correlation";
    for (const auto& s : numbers) a.distractors.emplace_back("collider_conditioning", s.value);
    a.text_verdict = "decided";
  } else {
    if (given == nullptr || !given->is_object()) throw ImportError(id, "meta.given_info is not an object of stated numbers", "");
    numbers = stated_numbers(*given, id);
    if (numbers.empty()) throw ImportError(id, "meta.given_info states no numbers", "");
    Built b = evaluate(type, numbers, false, g, r, id);
    a.formula = b.formula;
    for (const auto& note : b.notes) a.formula += "; " + note;
    a.value = b.value;
    a.formal_query = b.formal;
    if (b.wald) {
      // A model whose effect is the Wald ratio w: Y := if B then X (not X when w < 0) else C,
      // B ~ Bernoulli(|w|), with the instrument's tables kept.
      const Rational w = b.value;
      const Rational aw = w < 0 ? Rational(-w) : w;
      if (aw > 1) throw ImportError(id, fmt::format("the Wald ratio {} is outside [-1, 1]: no model has these numbers", to_decimal(w, 6)), "");
      ScmBuilder mb;
      for (VarId u : b.scm.exogenous()) mb.exogenous(b.scm.name(u), b.scm.domain(u), b.scm.prior(u));
      mb.bernoulli("B_effect", aw);
      mb.bernoulli("C_other", Rational(1, 2));
      for (VarId v : b.scm.endogenous()) {
        const std::string& name = b.scm.name(v);
        if (name == r.y) {
          mb.endogenous(name, fmt::format("if B_effect then {}{} else C_other", w < 0 ? "not " : "", r.x));
        } else {
          mb.endogenous(name, b.scm.domain(v), b.scm.mechanism(v).source());
        }
      }
      a.model = mb.build();
      if (solve_text(a.model, a.formal_query, id) != w) throw Error(fmt::format("item {}: the Wald model is wrong", id));
    } else {
      a.model = b.scm;
    }
    if (type == "marginal") a.decision = make(polarity ? Decision::Op::greater : Decision::Op::less, Rational(1, 2));
    else if (type == "ett") a.decision = make(polarity ? Decision::Op::less : Decision::Op::greater, Rational(0));
    else a.decision = make(polarity ? Decision::Op::greater : Decision::Op::less, Rational(0));
    // Conditioning instead of intervening: a mistake only where the two differ (a confounder or
    // a noise-borne association in the stated-numbers model); left out where they coincide.
    if (b.observational && !b.wald && b.scm.endogenous().size() > 2) {
      const Rational conditioning = solve_text(b.scm, *b.observational, id);
      if (conditioning != b.value) a.distractors.emplace_back("conditioning", conditioning);
    }
    if ((type == "nde" || type == "nie") && b.formal.find('[') != std::string::npos) {
      a.distractors.emplace_back("total_effect", solve_text(b.scm, fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", r.y, r.x), id));
    }

    // (b) the text's numbers.
    const auto shown = text_numbers(text_of(item, "given_info"));
    bool aligned = shown.size() == numbers.size();
    if (!aligned) {
      a.text_verdict = "unaligned";
      a.text_reason = fmt::format("the text shows {} numbers, meta.given_info states {}", shown.size(), numbers.size());
    }
    for (std::size_t k = 0; aligned && k < numbers.size(); ++k) {
      const Rational diff = abs(Rational(shown[k].first - numbers[k].value));
      if (diff > shown[k].second) {
        aligned = false;
        a.text_verdict = "unaligned";
        a.text_reason = fmt::format("the text's number {} is {} but {} = {} (not its rounding)", k + 1,
                                    to_decimal(shown[k].first, 4), numbers[k].query, to_decimal(numbers[k].value, 6));
      }
      numbers[k].shown = shown[k].first;
    }
    if (aligned) {
      const std::string want = a.label;
      const std::vector<Rational> rparts = reprice_parts(b, numbers, id);
      if (b.wald && rparts[1] == 0) {
        a.text_verdict = "flips";
        a.text_reason = "the shown numbers make the Wald denominator 0: no answer";
      }
      const Rational rounded = b.wald ? (rparts[1] == 0 ? Rational(0) : Rational(rparts[0] / rparts[1])) : rparts[0];
      a.text_value = rounded;
      const std::string at_point = decide(a.decision, rounded);
      if (!a.text_verdict.empty()) {
        // decided above (the Wald denominator)
      } else if (rounded == a.decision.threshold) {
        a.text_verdict = "flips";
        a.text_reason = "the rounded numbers tie (value " + to_string(rounded) + ")";
      } else if (at_point != want) {
        a.text_verdict = "flips";
        a.text_reason = "the rounded numbers give " + at_point + " (value " + to_decimal(rounded, 4) + ")";
      } else {
        // The box of half-units d_i around the shown numbers (clipped to [0, 1]). The non-ratio
        // estimands are multilinear in the stated numbers with values in [-1, 1], so over the box
        //   |f(p + e) - f(p) - sum_i g_i e_i| <= R = prod_i (1 + 2 d_i) - 1 - 2 sum_i d_i
        // (a k-th mixed coefficient is at most 2^k), with g_i = df/dp_i at the rounded point
        // (exact from one more evaluation each, f being affine in p_i). Steps: (1) margin >
        // 2 sum d_i + R: decided, no evaluation; (2) margin > sum |g_i| d_i + R: decided;
        // (3) the corner that moves every number against the answer (the linear part's minimum)
        // flips: may_flip, with that corner as witness; it stays beyond the threshold by more
        // than 2R: decided; (4) otherwise every corner is tried. Correlation is monotone in each
        // number over the box (in P(Y=1,X=1) up, P(Y=1,X=0) and P(X=1) down), so its step (3)
        // corner is its exact extreme; the Wald ratio keeps its sign while neither part can
        // reach 0 (each part bounded as above), else its corners are all tried.
        const std::size_t nn = numbers.size();
        Rational sum_d(0);
        Rational prod(1);
        for (const auto& sn : shown) {
          sum_d += sn.second;
          prod *= 1 + 2 * sn.second;
        }
        const Rational remainder = prod - 1 - 2 * sum_d;
        const Rational margin = abs(Rational(rounded - a.decision.threshold));
        const bool above = rounded > a.decision.threshold;
        auto clip = [&](std::size_t k, Rational v) {
          return numbers[k].probability ? std::clamp(v, Rational(0), Rational(1)) : v;
        };
        auto value_at = [&](const std::vector<Stated>& at) -> std::optional<Rational> {
          try {
            return reprice(b, at, id);
          } catch (const ImportError&) {
            return std::nullopt;  // a point the numbers cannot reach (e.g. a joint above its marginal)
          }
        };
        auto flips_at = [&](const std::optional<Rational>& v) {
          if (!v || decide(a.decision, *v) == want) return false;
          a.text_verdict = "may_flip";
          a.text_reason = fmt::format("within rounding the value reaches {} ({})", to_decimal(*v, 4), decide(a.decision, *v));
          return true;
        };
        enum class Next { decided, enumerate } next = Next::decided;
        if (b.wald) {
          // Both parts are multilinear effects with values in [-1, 1]: while neither can reach 0
          // within the box, the ratio keeps its sign.
          const Rational reach = 2 * sum_d + remainder;
          if (abs(rparts[0]) <= reach || abs(rparts[1]) <= reach) next = Next::enumerate;
        } else if (type == "correlation" || margin <= 2 * sum_d + remainder) {
          std::vector<Stated> moved = numbers;
          std::vector<Rational> grad(nn);
          Rational linear(0);
          // Correlation's directions are known: up in P(Y=1,X=1), down in P(Y=1,X=0) and P(X=1).
          bool known = type == "correlation";
          for (std::size_t k = 0; known && k < nn; ++k) {
            if (numbers[k].kind == Stated::Kind::joint) grad[k] = numbers[k].bits[0] == 1 ? 1 : -1;
            else if (numbers[k].kind == Stated::Kind::cpt && numbers[k].parents.empty()) grad[k] = -1;
            else known = false;
          }
          for (std::size_t k = 0; !known && k < nn; ++k) {
            const Rational d = shown[k].second;
            Rational step = shown[k].first + d <= 1 || !numbers[k].probability ? d : Rational(-d);
            moved[k].shown = shown[k].first + step;
            auto v = value_at(moved);
            if (!v) {  // beyond what the other numbers allow (a joint above its marginal): the other side
              step = -step;
              moved[k].shown = shown[k].first + step;
              v = value_at(moved);
            }
            grad[k] = v ? Rational((*v - rounded) / step) : Rational(0);
            linear += abs(grad[k]) * d;
            moved[k].shown = shown[k].first;
          }
          if (type == "correlation" || margin <= linear + remainder) {
            for (std::size_t k = 0; k < nn; ++k) {
              const bool up = (grad[k] > 0) != above;  // move against the answer
              moved[k].shown = clip(k, up ? Rational(shown[k].first + shown[k].second) : Rational(shown[k].first - shown[k].second));
            }
            const auto v = value_at(moved);
            if (!flips_at(v) && type != "correlation") {
              const bool safe = v && abs(Rational(*v - a.decision.threshold)) > 2 * remainder;
              if (!safe) next = Next::enumerate;
            }
          }
        }
        if (next == Next::enumerate && nn > 12) {
          next = Next::decided;
          a.text_verdict = "may_flip";
          a.text_reason = "too many numbers to try every corner of the rounding box";
        }
        if (next == Next::enumerate) {
          std::vector<Stated> corner = numbers;
          for (std::size_t mask = 0; mask < (std::size_t{1} << nn); ++mask) {
            for (std::size_t k = 0; k < nn; ++k) {
              corner[k].shown = clip(k, ((mask >> k) & 1U) ? Rational(shown[k].first + shown[k].second)
                                                           : Rational(shown[k].first - shown[k].second));
            }
            if (flips_at(value_at(corner))) break;
          }
        }
        if (a.text_verdict.empty()) a.text_verdict = "decided";
      }
    }
  }
  for (const auto& s : numbers) a.numbers.push_back({s.query, s.value, s.shown});
  a.answer = decide(a.decision, a.value);
  a.label_verdict = a.undecided ? "undecided" : verdict_of(a.answer, a.label);

  // (c) the true model.
  if (model != nullptr) {
    const Scm& m = model->scm;
    const std::string& X = r.x;
    const std::string& Y = r.y;
    std::string q;
    if (type == "marginal") q = fmt::format("P({}=1)", Y);
    else if (type == "correlation") q = fmt::format("P({0}=1 | {1}=1) - P({0}=1 | {1}=0)", Y, X);
    else if (type == "exp_away") q = fmt::format("P({0}=1 | {1}=1, {2}=1) - P({0}=1 | {2}=1)", Y, X, r.collider);
    else if (type == "ate" || type == "collider_bias") q = fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", Y, X);
    else if (type == "ett") q = fmt::format("E({0}[{1}=1] | {1}=1) - E({0}[{1}=0] | {1}=1)", Y, X);
    else if (type == "nde" || type == "nie") q = cladder_formal_query(type == "nde" ? "NDE(Y | X)" : "NIE(Y | X)", *model)->second;
    else q = a.formal_query;
    a.model_query = q;
    try {
      a.model_value = solve(m, parse_query(q, m)).value;
      a.model_verdict = a.undecided ? "undecided" : verdict_of(decide(a.decision, *a.model_value), a.label);
      if (type == "backadj") a.model_verdict = a.label_verdict;  // a graph question: the model adds nothing
      for (const auto& s : a.numbers) {
        Rational exact;
        try {
          exact = solve(m, parse_query(s.query, m)).value;
        } catch (const Error&) {
          continue;
        }
        const double err = std::abs((s.value - exact).convert_to<double>());
        if (err > tolerance) ++a.numbers_off;
        if (err > a.max_number_error) {
          a.max_number_error = err;
          a.max_number_query = s.query;
        }
      }
    } catch (const Error& e) {
      throw ImportError(id, fmt::format("the question does not fit the model {} ({})", model->id, e.what()), q);
    }
  }
  return a;
}

ordered_json cladder_item_record(const ordered_json& item, const CladderItemAnalysis& a, const std::string& file) {
  static const std::map<std::string, std::string> kNames = {
      {"exp_away", "explaining_away"}, {"backadj", "backdoor_set"}, {"det-counterfactual", "det_counterfactual"}};
  const Query q = parse_query(a.formal_query, a.model);
  const std::string given_info = text_of(item, "given_info");
  const std::string question = text_of(item, "question");
  ordered_json rec;
  rec["id"] = a.id;
  rec["given_info"] = given_info;
  rec["question"] = question;
  rec["prompt"] = fmt::format("{}{} {} Answer with yes or no.", kBackground, given_info, question);
  rec["answer"] = a.answer;
  rec["value"] = value_json(a.value);
  rec["decision"] = to_string(a.decision);
  rec["type"] = nullptr;
  auto it = kNames.find(a.query_type);
  rec["query_type"] = it != kNames.end() ? it->second : a.query_type;
  rec["rung"] = rung_of(q);
  rec["formal_query"] = a.formal_query;
  rec["model"] = to_json(a.model);
  rec["name_style"] = "letters";
  std::size_t edges = 0;
  for (VarId v : a.model.endogenous()) edges += a.model.dag().parents(v).size();
  rec["difficulty"] = {{"level", nullptr},
                       {"variables", a.model.endogenous().size()},
                       {"edges", edges},
                       {"interventions", static_cast<int>(std::count(a.formal_query.begin(), a.formal_query.end(), '['))},
                       {"nesting_depth", a.query_type == "nde" || a.query_type == "nie" ? 1 : 0},
                       {"evidence_count", static_cast<int>(std::count(a.formal_query.begin(), a.formal_query.end(), '|'))}};
  const ordered_json* reasoning = member(item, "reasoning");
  rec["reasoning"] = {{"text", a.formula}, {"cladder", reasoning ? *reasoning : ordered_json(nullptr)}};
  std::vector<Distractor> ds;
  for (const auto& [name, v] : a.distractors) ds.push_back({name, v});
  rec["distractors"] = to_json(ds, &a.decision);
  rec["structure"] = structure_hash(a.model, q);
  rec["seed"] = nullptr;
  rec["question_id"] = item.contains("question_id") ? item["question_id"] : ordered_json(a.id);
  rec["meta"] = item.contains("meta") ? item["meta"] : ordered_json::object();
  ordered_json source;
  source["dataset"] = "cladder";
  source["file"] = file;
  source["answer"] = a.label;
  source["label_verdict"] = a.label_verdict;
  source["text_verdict"] = a.text_verdict;
  source["text_value"] = a.text_value ? value_json(*a.text_value) : ordered_json(nullptr);
  source["text_reason"] = a.text_reason;
  if (!a.model_verdict.empty()) {
    source["model_verdict"] = a.model_verdict;
    source["model_query"] = a.model_query;
    source["model_value"] = a.model_value ? value_json(*a.model_value) : ordered_json(nullptr);
    source["stated_numbers_off"] = a.numbers_off;
    source["max_stated_number_error"] = a.max_number_error;
  }
  rec["source"] = std::move(source);
  return rec;
}

}  // namespace rung
