#include "rung/identify/identify.hpp"

#include "rung/core/error.hpp"
#include "rung/infer/solver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <variant>

namespace rung {

namespace {

constexpr VarMask bit(int i) { return VarMask{1} << i; }

/// The ID algorithm (Shpitser & Pearl 2006, Fig. 3), lines 1-7. `p` is the current distribution
/// over `v` (the variables of the current subgraph G[v]); variables outside `v` that p reads are
/// fixed by the caller (interventions or outer sums).
class Id {
 public:
  explicit Id(const Admg& g) : g_(g) {}

  struct Hedge {
    VarMask f = 0, f_prime = 0, x = 0;  ///< x: the interventions at that step
  };

  std::variant<Functional, Hedge> run(VarMask y, VarMask x, const Functional& p, VarMask v) const {
    // 1: no intervention left: the marginal of y.
    if (x == 0) return Functional::sum(v & ~y, p);
    // 2: only y's ancestors matter.
    const VarMask an = g_.ancestors(y, v);
    if (an != v) return run(y, x & an, Functional::sum(v & ~an, p), an);
    // 3: intervening also on what cannot reach y once x is cut off changes nothing.
    const VarMask w = (v & ~x) & ~g_.ancestors(y, v, x);
    if (w != 0) return run(y, x | w, p, v);
    // 4: several c-components once x is removed: one factor each.
    const std::vector<VarMask> parts = g_.c_components(v & ~x);
    if (parts.size() > 1) {
      std::vector<Functional> factors;
      for (VarMask s : parts) {
        auto r = run(s, v & ~s, p, v);
        if (std::holds_alternative<Hedge>(r)) return r;
        factors.push_back(std::move(std::get<Functional>(r)));
      }
      return Functional::sum(v & ~(y | x), Functional::product(std::move(factors)));
    }
    const VarMask s = parts.at(0);
    const std::vector<VarMask> whole = g_.c_components(v);
    // 5: G is one c-component: the hedge (G, S).
    if (whole.size() == 1 && whole[0] == v) return Hedge{v, s, x};
    // 6: S is a c-component of G: its factor, Q[S] = prod over S of P(v_i | v_pi^(i-1)).
    if (std::find(whole.begin(), whole.end(), s) != whole.end()) {
      std::vector<Functional> factors;
      VarMask before = 0;
      for (int i : g_.order()) {
        if (((v >> i) & 1U) == 0) continue;
        if (((s >> i) & 1U) != 0) factors.push_back(conditional(p, v, bit(i), before));
        before |= bit(i);
      }
      return Functional::sum(s & ~y, Functional::product(std::move(factors)));
    }
    // 7: S lies in a larger c-component S' of G: recurse on G[S'] with Q[S'] as the distribution.
    for (VarMask s_prime : whole) {
      if ((s & ~s_prime) != 0) continue;
      std::vector<Functional> factors;
      VarMask before = 0;
      for (int i : g_.order()) {
        if (((v >> i) & 1U) == 0) continue;
        if (((s_prime >> i) & 1U) != 0) factors.push_back(conditional(p, v, bit(i), before));
        before |= bit(i);
      }
      return run(y, x & s_prime, Functional::product(std::move(factors)), s_prime);
    }
    throw Error("identification: no c-component of G contains the c-component of G without X (a bug)");
  }

 private:
  const Admg& g_;

  /// p(target | given) for p a distribution over v (given ⊆ v): the observed conditional itself
  /// when p is a conditional of the observed distribution that covers both, else the ratio of
  /// p's marginals.
  static Functional conditional(const Functional& p, VarMask v, VarMask target, VarMask given) {
    if (p.kind() == Functional::Kind::prob && (p.given() & ~given) == 0 && ((target | given) & ~(p.targets() | p.given())) == 0) {
      return Functional::prob(target, given);
    }
    return Functional::ratio(Functional::sum(v & ~(target | given), p), Functional::sum(v & ~given, p));
  }
};

/// The first subset of `candidates` of at most `max_size` elements, in order of size and then of
/// bits, that `accept`s; nullopt when none.
template <typename Accept>
std::optional<VarMask> smallest_subset(VarMask candidates, int max_size, Accept accept) {
  const std::vector<int> list = members(candidates);
  const int n = static_cast<int>(list.size());
  std::vector<int> pick;  // indices into list, increasing: the combinations of each size in order
  for (int size = 0; size <= std::min(n, max_size); ++size) {
    pick.resize(static_cast<std::size_t>(size));
    for (int k = 0; k < size; ++k) pick[static_cast<std::size_t>(k)] = k;
    for (;;) {
      VarMask set = 0;
      for (int k : pick) set |= bit(list[static_cast<std::size_t>(k)]);
      if (accept(set)) return set;
      int k = size - 1;
      while (k >= 0 && pick[static_cast<std::size_t>(k)] == n - size + k) --k;
      if (k < 0) break;
      ++pick[static_cast<std::size_t>(k)];
      for (int j = k + 1; j < size; ++j) pick[static_cast<std::size_t>(j)] = pick[static_cast<std::size_t>(j - 1)] + 1;
    }
  }
  return std::nullopt;
}

/// Backdoor: a set Z of non-descendants of x that d-separates x from y once the arcs out of x
/// are removed; sum_z P(y | x, z) P(z).
void name_backdoor(const Admg& g, VarMask y, VarMask x, Identification& r) {
  const VarMask descendants = g.descendants(x, g.all());
  // Some set works iff the non-descendants of X among the ancestors of X and Y do (the
  // adjustment criterion's canonical set): test it first; then look for a smaller one of up to
  // four variables, else keep it.
  const VarMask candidates = g.all() & ~descendants & ~y & ~x;
  const VarMask canonical = g.ancestors(x | y, g.all()) & candidates;
  if (!g.m_separated(x, y, canonical, x)) return;
  const auto z = smallest_subset(canonical, 4, [&](VarMask set) { return g.m_separated(x, y, set, x); }).value_or(canonical);
  r.named = "backdoor";
  r.named_set = z;
  r.named_estimand = z == 0 ? Functional::prob(y, x)
                            : Functional::sum(z, Functional::product({Functional::prob(y, x | z), Functional::prob(z, 0)}));
}

/// Frontdoor (one treatment, one outcome): a set M that intercepts every directed path x -> y,
/// with no open backdoor path x -> M and every backdoor path M -> y blocked by x;
/// sum_m P(m | x) sum_x' P(y | m, x') P(x').
void name_frontdoor(const Admg& g, VarMask y, VarMask x, Identification& r) {
  if (std::popcount(x) != 1 || std::popcount(y) != 1) return;
  const VarMask on_paths = g.descendants(x, g.all()) & g.ancestors(y, g.all()) & ~x & ~y;
  if (on_paths == 0) return;
  // Mediator sets of up to three variables.
  const auto m = smallest_subset(on_paths, 3, [&](VarMask set) {
    if (set == 0) return false;
    if ((g.descendants(x, g.all() & ~set) & y) != 0) return false;  // a directed path avoids M
    if (!g.m_separated(x, set, 0, x)) return false;                  // an open backdoor path x -> M
    return g.m_separated(set, y, x, set);                            // backdoor paths M -> y, given x
  });
  if (!m) return;
  r.named = "frontdoor";
  r.named_set = *m;
  r.named_estimand = Functional::sum(
      *m, Functional::product({Functional::prob(*m, x),
                             Functional::sum(x, Functional::product({Functional::prob(y, *m | x), Functional::prob(x, 0)}))}));
}

}  // namespace

namespace {

/// Instrumental variable, for a single treatment and outcome that are not identifiable: an
/// observed Z that is an ancestor of X and is d-separated from Y once the arcs out of X are
/// removed (it reaches Y only through X, and shares no hidden cause with Y). The smallest such
/// set of one variable; none when there is none.
void name_instrument(const Admg& g, VarMask y, VarMask x, Identification& r) {
  if (std::popcount(x) != 1 || std::popcount(y) != 1) return;
  const VarMask candidates = g.ancestors(x, g.all()) & ~x & ~y;
  for (int z : members(candidates)) {
    if (!g.m_separated(bit(z), y, 0, x)) continue;
    r.named = "instrumental variable";
    r.named_set = bit(z);
    const std::string& xn = g.name(std::countr_zero(x));
    const std::string& yn = g.name(std::countr_zero(y));
    r.reason += fmt::format("; {0} is an instrument for {1} on {2} (it reaches {2} only through {1}, and shares no hidden cause "
                            "with it): the effect is not identifiable without parametric assumptions (under linearity it is "
                            "the Wald ratio Cov({0}, {2}) / Cov({0}, {1})), and the instrument tightens the bounds",
                            g.name(z), xn, yn);
    return;
  }
}

void describe_hedge(const Admg& g, VarMask y, VarMask x, VarMask f, VarMask f_prime, VarMask x_then, Identification& r) {
  r.hedge_f = f;
  r.hedge_f_prime = f_prime;
  r.reason = fmt::format(
      "a hedge: the c-forests F = {} and F' = {} (F' inside F, both rooted in {}; F holds {}, intervened on, which "
      "F' lacks) let two models agree on the observed distribution and differ on P({} | do({}))",
      g.names(f), g.names(f_prime), g.names(f_prime & g.ancestors(y, g.all())), g.names(f & ~f_prime & x_then), g.names(y),
      g.names(x));
}

}  // namespace

Identification identify(const Admg& g, VarMask y, VarMask x, VarMask z) {
  if (y == 0) throw InvalidQuery("identification needs at least one outcome variable");
  if ((y & x) != 0) throw InvalidQuery(fmt::format("{} is both intervened on and asked about", g.names(y & x)));
  if ((z & (x | y)) != 0) throw InvalidQuery(fmt::format("{} is both observed as evidence and asked about or intervened on", g.names(z & (x | y))));
  if (z != 0) {
    // IDC (Shpitser & Pearl 2006b): move to the interventions every evidence variable W that
    // is independent of Y given the rest once X's incoming and W's outgoing edges are cut
    // (rule 2 of the do-calculus), then P(y | do(x), z) = P'(y, z) / sum_y P'(y, z) with
    // P' = P(y, z | do(x)) from ID.
    for (int w : members(z)) {
      if (g.m_separated(y, bit(w), x | (z & ~bit(w)), bit(w), x)) {
        Identification r = identify(g, y, x | bit(w), z & ~bit(w));
        r.evidence_moved |= bit(w);
        return r;
      }
    }
    Identification joint = identify(g, y | z, x);
    Identification r;
    if (!joint.identifiable) {
      describe_hedge(g, y | z, x, joint.hedge_f, joint.hedge_f_prime, x, r);
      r.reason += fmt::format("; so P({} | do({}), {}) is not identifiable either (IDC is complete)", g.names(y), g.names(x), g.names(z));
      return r;
    }
    r.identifiable = true;
    r.estimand = Functional::ratio(*joint.estimand, Functional::sum(y, *joint.estimand));
    return r;
  }
  Identification r;
  auto result = Id(g).run(y, x, Functional::prob(g.all(), 0), g.all());
  if (const auto* hedge = std::get_if<Id::Hedge>(&result)) {
    describe_hedge(g, y, x, hedge->f, hedge->f_prime, hedge->x, r);
    name_instrument(g, y, x, r);
    return r;
  }
  r.identifiable = true;
  r.estimand = std::move(std::get<Functional>(result));
  if (x == 0) {
    r.named = "no intervention";
    return r;
  }
  name_backdoor(g, y, x, r);
  if (r.named.empty()) name_frontdoor(g, y, x, r);
  return r;
}

InterventionalQuery interventional_query(const Query& q, const Scm& scm, const Admg& g) {
  if (q.parts.size() != 1 || q.parts[0].sign != 1) {
    throw InvalidQuery("identify takes one probability P(Y=y | do(X=x)), not a sum or difference of them (yet)");
  }
  const auto* p = std::get_if<Probability>(&q.parts[0].quantity);
  if (p == nullptr) throw InvalidQuery("identify takes a probability, not an expectation E(...) (yet)");
  InterventionalQuery out;
  out.at.assign(static_cast<std::size_t>(g.size()), 0);
  auto observed = [&](VarId v) {
    const int i = g.index(v);
    if (i < 0) throw InvalidQuery(fmt::format("'{}' is not observed (hidden or exogenous): identification asks only about observed variables", scm.name(v)));
    return i;
  };
  const std::vector<Setting>& world = p->events.at(0).term.settings;
  for (const Event& e : p->events) {
    if (e.term.settings != world) {
      throw InvalidQuery("the terms are in different worlds: a counterfactual, for identify_counterfactual (ID*), not this interventional path");
    }
    const int i = observed(e.term.var);
    if (((out.y >> i) & 1U) != 0) throw InvalidQuery(fmt::format("'{}' is asked about twice", scm.name(e.term.var)));
    out.y |= bit(i);
    out.at[static_cast<std::size_t>(i)] = e.value;
  }
  for (const Event& e : p->evidence) {
    if (e.term.settings != world) {
      throw InvalidQuery("the evidence is in another world than the outcome: a counterfactual, for identify_counterfactual (IDC*), not this interventional path");
    }
    const int i = observed(e.term.var);
    if ((((out.y | out.z) >> i) & 1U) != 0) throw InvalidQuery(fmt::format("'{}' is both asked about and given", scm.name(e.term.var)));
    out.z |= bit(i);
    out.at[static_cast<std::size_t>(i)] = e.value;
  }
  for (const Setting& s : world) {
    if (s.is_nested()) throw InvalidQuery("a nested counterfactual is for identify_counterfactual (ID*), not this interventional path");
    const int i = observed(s.var);
    out.x |= bit(i);
    out.at[static_cast<std::size_t>(i)] = s.value;
  }
  if ((out.x & (out.y | out.z)) != 0) {
    throw InvalidQuery(fmt::format("{} is both intervened on and asked about or given", g.names(out.x & (out.y | out.z))));
  }
  return out;
}

Bounds natural_bounds(const ObservedJoint& p, VarMask y, VarMask x, const std::vector<std::uint32_t>& at) {
  const Rational joint = p.marginal(y | x, at);
  return {joint, joint + 1 - p.marginal(x, at)};
}

std::string natural_bounds_text(const Admg& g, VarMask y, VarMask x) {
  auto list = [&](VarMask m) {
    const std::string n = g.names(m);
    return n.substr(1, n.size() - 2);
  };
  return fmt::format("P({0}, {1}) <= P({0} | do({1})) <= P({0}, {1}) + 1 - P({1})", list(y), list(x));
}

ObservedJoint observed_joint(const Scm& scm, const Admg& g) {
  // Estimands are evaluated on the whole observed joint: at most 2^20 cells, as solve allows.
  double cells = 1;
  for (int i = 0; i < g.size(); ++i) cells *= static_cast<double>(g.cardinality(i));
  if (cells > static_cast<double>(std::size_t{1} << 20)) {
    throw TooLarge(fmt::format("evaluating an estimand needs the joint distribution of the {} observed variables, about "
                               "{:.3g} cells, over the limit of 1048576: mark variables the query does not need as "
                               "hidden, or identify without evaluating",
                               g.size(), cells));
  }
  Distribution d;
  for (int i = 0; i < g.size(); ++i) d.targets.push_back(Term{g.var(i), {}});
  DistributionAnswer a = solve(scm, d);
  return ObservedJoint(g, std::move(a.values));
}

}  // namespace rung
