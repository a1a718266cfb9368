#include "rung/infer/linear_worlds.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>

namespace rung {
namespace {

template <class S>
S scalar_of(const Rational& x) {
  if constexpr (is_exact_scalar<S>) {
    return x;
  } else {
    return x.convert_to<double>();
  }
}

/// The parallel-worlds network: one node per exogenous variable (shared by every world), then
/// one node per (world, endogenous variable) the query reaches, parents before children.
template <class S>
class WorldNetwork {
 public:
  struct Node {
    std::vector<std::pair<std::size_t, S>> parents;  // (node, coefficient)
    S constant{0};
  };

  explicit WorldNetwork(const LinearScm& m) : m_(m), nodes_(m.exogenous_count()) {}

  /// The node of a term (creating it and what it reads).
  std::size_t node(const LinearOutcome& t) { return node(t.settings, t.var); }
  [[nodiscard]] const std::vector<Node>& nodes() const { return nodes_; }

 private:
  const LinearScm& m_;
  std::vector<Node> nodes_;
  std::map<std::string, std::map<VarId, std::size_t>> index_;  // world -> variable -> node

  std::size_t node(const std::vector<LinearSetting>& settings, VarId var) {
    if (m_.is_exogenous(var)) return var;
    auto& ids = index_[world_key(settings)];  // std::map: stays valid while other worlds are added
    if (const auto it = ids.find(var); it != ids.end()) return it->second;
    // The endogenous nodes `var` needs in this world, found without recursion, created parents
    // first (evaluation order); only a nested setting recurses (as deep as the query's nesting).
    std::vector<char> needed(m_.size(), 0);
    std::vector<VarId> stack{var};
    while (!stack.empty()) {
      const VarId v = stack.back();
      stack.pop_back();
      if (m_.is_exogenous(v) || needed[v] != 0 || ids.find(v) != ids.end()) continue;
      needed[v] = 1;
      bool set = false;
      for (const auto& s : settings) set = set || s.var == v;
      if (!set) {
        for (const auto& c : m_.mechanism(v).coefficients) stack.push_back(c.var);
      }
    }
    for (VarId v : m_.evaluation_order()) {
      if (needed[v] == 0) continue;
      auto set = settings.end();
      for (auto it = settings.begin(); it != settings.end(); ++it) {
        if (it->var == v) set = it;
      }
      if (set != settings.end() && set->is_nested()) {
        ids.emplace(v, node(set->nested.front().settings, set->nested.front().var));  // one unit, one value
        continue;
      }
      Node n;
      if (set != settings.end()) {
        n.constant = scalar_of<S>(set->value);
      } else {
        const LinearMechanism& mech = m_.mechanism(v);
        n.constant = scalar_of<S>(mech.constant);
        for (const auto& c : mech.coefficients) {
          n.parents.emplace_back(m_.is_exogenous(c.var) ? std::size_t{c.var} : ids.at(c.var), scalar_of<S>(c.value));
        }
      }
      nodes_.push_back(std::move(n));
      ids.emplace(v, nodes_.size() - 1);
    }
    return ids.at(var);
  }

  /// A world's name: its settings, `var=value;` or `var=<key of the nested world>@var;`.
  static std::string world_key(const std::vector<LinearSetting>& settings) {
    std::string key;
    for (const auto& s : settings) {
      key += std::to_string(s.var) + "=";
      if (s.is_nested()) {
        // Appended piece by piece: `"<" + world_key(...)` draws GCC 12's false -Wstringop-overflow.
        key += '<';
        key += world_key(s.nested.front().settings);
        key += ">@";
        key += std::to_string(s.nested.front().var);
      } else {
        key += to_string(s.value);
      }
      key += ';';
    }
    return key;
  }
};

}  // namespace

template <class S>
Gaussian<S> parallel_worlds_gaussian(const LinearScm& m, const std::vector<LinearOutcome>& outcomes,
                                     const std::vector<LinearObservation>& evidence) {
  WorldNetwork<S> net(m);
  std::vector<std::size_t> targets;
  std::vector<std::size_t> observed;
  for (const auto& t : outcomes) targets.push_back(net.node(t));
  for (const auto& o : evidence) observed.push_back(net.node(o.outcome));
  const auto& nodes = net.nodes();
  // The joint covariance is dense: nodes^2 entries (2^22: about 200 MB exact).
  constexpr std::size_t kMaxCells = std::size_t{1} << 22;
  if (nodes.size() * nodes.size() > kMaxCells) {
    throw TooLarge(fmt::format("the parallel-worlds network of the query has {} nodes, and its joint covariance would hold "
                               "more than {} entries: use the abduction method",
                               nodes.size(), kMaxCells));
  }
  const auto size = static_cast<Eigen::Index>(nodes.size());
  const auto k = static_cast<Eigen::Index>(m.exogenous_count());

  // Joint mean and covariance of all nodes, in node order (parents first).
  VectorOf<S> mean(size);
  MatrixOf<S> cov = MatrixOf<S>::Zero(size, size);
  for (Eigen::Index i = 0; i < k; ++i) {
    mean(i) = scalar_of<S>(m.variable(static_cast<VarId>(i)).mean);
    for (Eigen::Index j = 0; j < k; ++j) cov(i, j) = scalar_of<S>(m.covariance(static_cast<VarId>(i), static_cast<VarId>(j)));
  }
  for (Eigen::Index i = k; i < size; ++i) {
    const auto& n = nodes[static_cast<std::size_t>(i)];
    S mi = n.constant;
    for (const auto& [p, b] : n.parents) mi += b * mean(static_cast<Eigen::Index>(p));
    mean(i) = mi;
    for (Eigen::Index j = 0; j <= i; ++j) {
      S c{0};
      for (const auto& [p, b] : n.parents) {
        const auto pi = static_cast<Eigen::Index>(p);
        // Cov(parent, node j): for j == i the row just filled (parents come before i).
        c += b * (j == i ? cov(i, pi) : cov(pi, j));
      }
      cov(i, j) = c;
      cov(j, i) = c;
    }
  }

  const auto nt = static_cast<Eigen::Index>(targets.size());
  const auto ne = static_cast<Eigen::Index>(observed.size());
  Gaussian<S> out;
  out.mean.resize(nt);
  out.covariance.resize(nt, nt);
  for (Eigen::Index a = 0; a < nt; ++a) {
    const auto ta = static_cast<Eigen::Index>(targets[static_cast<std::size_t>(a)]);
    out.mean(a) = mean(ta);
    for (Eigen::Index b = 0; b < nt; ++b) out.covariance(a, b) = cov(ta, static_cast<Eigen::Index>(targets[static_cast<std::size_t>(b)]));
  }
  if (ne == 0) return out;

  // Condition on the evidence nodes: Schur complement, solved in the range of Σ_EE.
  MatrixOf<S> see(ne, ne);
  MatrixOf<S> set(ne, nt);
  VectorOf<S> residual(ne);
  for (Eigen::Index a = 0; a < ne; ++a) {
    const auto ea = static_cast<Eigen::Index>(observed[static_cast<std::size_t>(a)]);
    residual(a) = scalar_of<S>(evidence[static_cast<std::size_t>(a)].value) - mean(ea);
    for (Eigen::Index b = 0; b < ne; ++b) see(a, b) = cov(ea, static_cast<Eigen::Index>(observed[static_cast<std::size_t>(b)]));
    for (Eigen::Index b = 0; b < nt; ++b) set(a, b) = cov(ea, static_cast<Eigen::Index>(targets[static_cast<std::size_t>(b)]));
  }
  Eigen::FullPivLU<MatrixOf<S>> lu(see);
  if constexpr (is_exact_scalar<S>) lu.setThreshold(S(0));
  else lu.setThreshold(1e-10);
  const VectorOf<S> x = lu.solve(residual);
  const VectorOf<S> check = see * x - residual;
  bool inconsistent = false;
  if constexpr (is_exact_scalar<S>) {
    for (Eigen::Index a = 0; a < ne; ++a) inconsistent = inconsistent || check(a) != 0;
  } else {
    inconsistent = check.cwiseAbs().maxCoeff() > 1e-7 * (1 + residual.cwiseAbs().maxCoeff() + see.cwiseAbs().maxCoeff());
  }
  if (inconsistent) {
    throw ZeroProbabilityEvidence::impossible(fmt::format(
        "{} is impossible: the observed values lie outside the range of their covariance (a linear relation the model "
        "imposes fails)",
        to_string(evidence, m)));
  }
  const MatrixOf<S> solved = lu.solve(set);
  out.mean.noalias() += set.transpose() * x;
  out.covariance.noalias() -= set.transpose() * solved;
  return out;
}

template Gaussian<Rational> parallel_worlds_gaussian<Rational>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                               const std::vector<LinearObservation>&);
template Gaussian<double> parallel_worlds_gaussian<double>(const LinearScm&, const std::vector<LinearOutcome>&,
                                                           const std::vector<LinearObservation>&);

}  // namespace rung
