#include "rung/identify/bounds.hpp"

#include "rung/core/error.hpp"
#include "rung/infer/solver.hpp"
#include "rung/infer/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace rung {

namespace {

constexpr VarMask bit(int i) { return VarMask{1} << i; }

/// a * b, or cap + 1 when above cap.
std::uint64_t times_capped(std::uint64_t a, std::uint64_t b, std::uint64_t cap) {
  if (a > cap || b > cap) return cap + 1;
  return std::min(a * b, cap + 1);  // both at most 2^14 + 1: no overflow
}

/// Observed variables with no parents and no bidirected arc.
VarMask free_roots(const Admg& g) {
  VarMask out = 0;
  for (int i = 0; i < g.size(); ++i) {
    if (g.parents(i) == 0 && g.siblings(i) == 0) out |= bit(i);
  }
  return out;
}

/// The number of combinations of values of `vars`.
std::uint64_t combinations(const Admg& g, const std::vector<int>& vars, std::uint64_t cap) {
  std::uint64_t out = 1;
  for (int v : vars) out = times_capped(out, g.cardinality(v), cap);
  return out;
}

/// Response types of observed variable v: |V|^(configurations of its parents), capped.
std::uint64_t response_types(const Admg& g, int v, std::uint64_t cap) {
  const std::uint64_t configs = combinations(g, members(g.parents(v)), cap);
  std::uint64_t out = 1;
  for (std::uint64_t k = 0; k < configs && out <= cap; ++k) out = times_capped(out, g.cardinality(v), cap);
  return out;
}

/// log10 of the number of columns, for the size message (no cap).
double log10_columns(const Admg& g, VarMask roots) {
  double out = 0;
  for (int v = 0; v < g.size(); ++v) {
    if (((roots >> v) & 1U) != 0) continue;
    double configs = 1;
    for (int p : members(g.parents(v))) configs *= static_cast<double>(g.cardinality(p));
    out += configs * std::log10(static_cast<double>(g.cardinality(v)));
  }
  return out;
}

/// Advances `digits` (values of `vars`) to the next combination, the last fastest; false after the last.
bool next(std::vector<std::uint32_t>& digits, const std::vector<int>& vars, const Admg& g) {
  for (auto it = vars.rbegin(); it != vars.rend(); ++it) {
    auto& d = digits[static_cast<std::size_t>(*it)];
    if (++d < g.cardinality(*it)) return true;
    d = 0;
  }
  return false;
}

Rational max_of(std::initializer_list<Rational> values) { return std::max(values); }
Rational min_of(std::initializer_list<Rational> values) { return std::min(values); }

}  // namespace

std::uint64_t ResponseFunctionLp::count_columns(const Admg& g) {
  const VarMask roots = free_roots(g);
  std::uint64_t out = 1;
  for (int v = 0; v < g.size(); ++v) {
    if (((roots >> v) & 1U) == 0) out = times_capped(out, response_types(g, v, kMaxResponseColumns), kMaxResponseColumns);
  }
  return out;
}

VarMask ResponseFunctionLp::non_roots(const Admg& g) { return g.all() & ~free_roots(g); }

bool ResponseFunctionLp::sharp_for(const Admg& g) {
  const std::vector<int> v = members(non_roots(g));
  for (std::size_t a = 0; a < v.size(); ++a) {
    for (std::size_t b = a + 1; b < v.size(); ++b) {
      if (!g.bidirected(v[a], v[b])) return false;
    }
  }
  return true;
}

ResponseFunctionLp::ResponseFunctionLp(const ObservedJoint& p, LpOptions options) : g_(p.graph()) {
  const Admg& g = g_;
  roots_ = free_roots(g);
  columns_ = count_columns(g);
  if (columns_ > kMaxResponseColumns) {
    throw TooLarge(fmt::format("bounds by linear programming need one column per tuple of response types of {}: about "
                               "10^{:.1f} columns, over the limit of {}",
                               g.names(g.all() & ~roots_), log10_columns(g, roots_), kMaxResponseColumns));
  }
  position_.assign(static_cast<std::size_t>(g.size()), -1);
  for (int v = 0; v < g.size(); ++v) {
    if (((roots_ >> v) & 1U) != 0) continue;
    position_[static_cast<std::size_t>(v)] = static_cast<int>(non_roots_.size());
    non_roots_.push_back(v);
    parents_.push_back(members(g.parents(v)));
    types_.push_back(response_types(g, v, kMaxResponseColumns));
    // Type t's value at parent configuration c is digit c of t in base |V|.
    const std::uint64_t configs = combinations(g, parents_.back(), kMaxResponseColumns);
    const auto card = static_cast<std::uint32_t>(g.cardinality(v));
    auto& tables = tables_.emplace_back(types_.back(), std::vector<std::uint32_t>(configs));
    for (std::uint64_t t = 0; t < types_.back(); ++t) {
      std::uint64_t rest = t;
      for (auto& value : tables[t]) {
        value = static_cast<std::uint32_t>(rest % card);
        rest /= card;
      }
    }
  }
  sharp_ = sharp_for(g);
  // The root assignments the data see.
  const std::vector<int> roots = members(roots_);
  std::vector<std::uint32_t> w(static_cast<std::size_t>(g.size()), 0);
  do {
    const Rational& pw = p.marginal(roots_, w);
    if (pw > 0) worlds_.emplace_back(w, pw);
  } while (next(w, roots, g));
  const std::uint64_t outcomes = combinations(g, non_roots_, kMaxResponseEntries);
  rows_ = worlds_.size() * outcomes;
  if (static_cast<double>(rows_) * static_cast<double>(columns_) > static_cast<double>(kMaxResponseEntries)) {
    throw TooLarge(fmt::format("bounds by linear programming need {} constraints times {} columns, over the limit of {} "
                               "entries: mark variables the query does not need as hidden",
                               rows_, columns_, kMaxResponseEntries));
  }
  // Row (world k, outcome v): P(v | w_k); column t has a 1 in the row of the outcome t gives
  // (one per world, rows ascending: the program is built from its columns).
  std::vector<LinearProgram::Column> a(columns_);
  std::vector<Rational> b;
  b.reserve(rows_);
  for (const auto& [world, pw] : worlds_) {
    std::vector<std::uint32_t> v = world;
    do {
      b.push_back(p.marginal(g.all(), v) / pw);
    } while (next(v, non_roots_, g));
  }
  std::vector<std::uint32_t> values;
  for (std::uint64_t t = 0; t < columns_; ++t) {
    const std::vector<std::uint64_t> types = types_of(t);
    for (std::size_t k = 0; k < worlds_.size(); ++k) {
      values = worlds_[k].first;
      evaluate(values, 0, worlds_[k].first, types);
      std::uint64_t row = 0;
      for (int v : non_roots_) row = row * g.cardinality(v) + values[static_cast<std::size_t>(v)];
      a[t].emplace_back(k * outcomes + row, 1);
    }
  }
  observed_ = b;
  outcomes_ = outcomes;
  lp_ = std::make_shared<const LinearProgram>(LinearProgram::from_columns(std::move(a), std::move(b), options));
  if (!lp_->feasible()) {
    throw Error(fmt::format("no model with this graph produces this observed distribution (the response-function "
                            "program over {} has no solution)",
                            g.names(g.all() & ~roots_)));
  }
}

std::vector<std::uint64_t> ResponseFunctionLp::types_of(std::uint64_t column) const {
  std::vector<std::uint64_t> out(non_roots_.size());
  for (std::size_t k = non_roots_.size(); k-- > 0;) {
    out[k] = column % types_[k];
    column /= types_[k];
  }
  return out;
}

void ResponseFunctionLp::evaluate(std::vector<std::uint32_t>& values, VarMask x, const std::vector<std::uint32_t>& at,
                                  const std::vector<std::uint64_t>& types) const {
  for (int v : g_.order()) {
    const auto vi = static_cast<std::size_t>(v);
    if (((x >> v) & 1U) != 0) {
      values[vi] = at[vi];
      continue;
    }
    const int k = position_[vi];
    if (k < 0) continue;  // a root: its value is the world's
    const auto ki = static_cast<std::size_t>(k);
    std::uint64_t config = 0;
    for (int parent : parents_[ki]) config = config * g_.cardinality(parent) + values[static_cast<std::size_t>(parent)];
    values[vi] = tables_[ki][types[ki]][config];
  }
}

std::vector<Rational> ResponseFunctionLp::objective(VarMask y, VarMask x, const std::vector<std::uint32_t>& at) const {
  if (y == 0 || (y & x) != 0 || ((y | x) & ~g_.all()) != 0) {
    throw InvalidQuery("bounds on P(y | do(x)) need outcomes y, disjoint from the interventions x, among the observed variables");
  }
  if (at.size() != static_cast<std::size_t>(g_.size())) throw InvalidQuery("bounds need one value per observed variable");
  for (int v : members(y | x)) {
    if (at[static_cast<std::size_t>(v)] >= g_.cardinality(v)) {
      throw InvalidQuery(fmt::format("value {} is outside the domain of {}", at[static_cast<std::size_t>(v)], g_.name(v)));
    }
  }
  const std::vector<int> outcomes = members(y);
  std::vector<Rational> c(columns_);
  std::vector<std::uint32_t> values;
  for (std::uint64_t t = 0; t < columns_; ++t) {
    const std::vector<std::uint64_t> types = types_of(t);
    for (const auto& [world, pw] : worlds_) {
      values = world;
      evaluate(values, x, at, types);
      const bool hit = std::all_of(outcomes.begin(), outcomes.end(),
                                   [&](int v) { return values[static_cast<std::size_t>(v)] == at[static_cast<std::size_t>(v)]; });
      if (hit) c[t] += pw;
    }
  }
  return c;
}

Bounds ResponseFunctionLp::optimise(const std::vector<Rational>& c) const {
  // q lies in a simplex: both optima exist.
  return {lp_->minimize(c).value, lp_->maximize(c).value};
}

Bounds ResponseFunctionLp::effect(VarMask y, VarMask x, const std::vector<std::uint32_t>& at) const {
  return optimise(objective(y, x, at));
}

Bounds ResponseFunctionLp::difference(VarMask y, VarMask x, const std::vector<std::uint32_t>& at,
                                      const std::vector<std::uint32_t>& at_prime) const {
  std::vector<Rational> c = objective(y, x, at);
  const std::vector<Rational> minus = objective(y, x, at_prime);
  for (std::size_t t = 0; t < c.size(); ++t) c[t] -= minus[t];
  return optimise(c);
}

std::uint32_t ResponseFunctionLp::response(std::uint64_t column, int v, std::uint64_t config) const {
  if (column >= columns_ || v < 0 || v >= g_.size() || position_[static_cast<std::size_t>(v)] < 0) {
    throw InvalidQuery("response(): no such column or non-root");
  }
  const auto k = static_cast<std::size_t>(position_[static_cast<std::size_t>(v)]);
  const auto& table = tables_[k][types_of(column)[k]];
  if (config >= table.size()) throw InvalidQuery("response(): no such parent configuration");
  return table[config];
}

int ResponseFunctionLp::observed_index(VarId var, const Scm& scm) const {
  if (var >= scm.size()) throw InvalidQuery("the query names a variable its model does not have");
  const int i = g_.index(var);
  if (i < 0) {
    throw InvalidQuery(fmt::format("{} is not observed: bounds from the observed distribution speak of observed variables only",
                                   scm.name(var)));
  }
  if (g_.name(i) != scm.name(var) || g_.cardinality(i) != scm.domain(var).size()) {
    throw InvalidQuery(fmt::format("the query's model does not match the program's graph at {}", scm.name(var)));
  }
  return i;
}

std::uint32_t ResponseFunctionLp::value_of(const Term& term, const Scm& scm, const std::vector<std::uint32_t>& world,
                                           const std::vector<std::uint64_t>& types) const {
  VarMask x = 0;
  std::vector<std::uint32_t> at(world.size(), 0);
  for (const Setting& s : term.settings) {
    const int i = observed_index(s.var, scm);
    at[static_cast<std::size_t>(i)] = s.is_nested() ? value_of(s.nested.front(), scm, world, types) : static_cast<std::uint32_t>(s.value);
    x |= bit(i);
  }
  std::vector<std::uint32_t> values = world;
  evaluate(values, x, at, types);
  return values[static_cast<std::size_t>(observed_index(term.var, scm))];
}

std::vector<Rational> ResponseFunctionLp::coefficients(const Query& q, const Scm& scm) const {
  if (q.parts.empty()) throw InvalidQuery("an empty query has no bounds");
  // Every variable observed and every value in its domain, before the columns are walked.
  auto check_term = [&](const Term& term, const auto& self) -> void {
    (void)observed_index(term.var, scm);
    for (const Setting& s : term.settings) {
      const int i = observed_index(s.var, scm);
      if (s.is_nested()) {
        if (s.nested.size() != 1) throw InvalidQuery("a nested setting holds exactly one term");
        self(s.nested.front(), self);
      } else if (s.value >= g_.cardinality(i)) {
        throw InvalidQuery(fmt::format("value {} is outside the domain of {}", s.value, g_.name(i)));
      }
    }
  };
  auto check_event = [&](const Event& e) {
    check_term(e.term, check_term);
    if (e.value >= g_.cardinality(observed_index(e.term.var, scm))) {
      throw InvalidQuery(fmt::format("value {} is outside the domain of {}", e.value, scm.name(e.term.var)));
    }
  };
  std::vector<Rational> c(columns_);
  std::vector<std::uint32_t> values;
  for (const Query::Part& part : q.parts) {
    const auto* probability = std::get_if<Probability>(&part.quantity);
    const auto* expectation = std::get_if<Expectation>(&part.quantity);
    const std::vector<Event>& evidence = probability != nullptr ? probability->evidence : expectation->evidence;
    std::vector<std::pair<int, std::uint32_t>> observed;  // the evidence: (observed index, value)
    for (const Event& e : evidence) {
      check_event(e);
      if (!e.term.settings.empty()) {
        throw InvalidQuery(fmt::format("bounds by the response-function program take factual evidence only: {} lies in an "
                                       "intervened world, so the quantity is a ratio of two unknowns, not linear in the "
                                       "response types' distribution",
                                       to_string(std::vector<Event>{e}, scm)));
      }
      observed.emplace_back(observed_index(e.term.var, scm), static_cast<std::uint32_t>(e.value));
    }
    std::vector<Rational> labels;
    if (probability != nullptr) {
      if (probability->events.empty()) throw InvalidQuery("a probability without events has no bounds");
      for (const Event& e : probability->events) check_event(e);
    } else {
      check_term(expectation->term, check_term);
      labels = numeric_labels(expectation->term.var, scm);
    }
    auto holds = [&](const std::vector<std::uint32_t>& v) {
      return std::all_of(observed.begin(), observed.end(), [&](const auto& e) { return v[static_cast<std::size_t>(e.first)] == e.second; });
    };
    // P(evidence), from the data: sum_w P(w) sum_v P(v | w) over the assignments that meet it.
    Rational evidence_p = 0;
    if (observed.empty()) {
      evidence_p = 1;
    } else {
      for (std::size_t k = 0; k < worlds_.size(); ++k) {
        values = worlds_[k].first;
        std::uint64_t row = 0;
        do {
          if (holds(values)) evidence_p += worlds_[k].second * observed_[k * outcomes_ + row];
          ++row;
        } while (next(values, non_roots_, g_));
      }
    }
    if (evidence_p == 0) throw ZeroProbabilityEvidence(to_string(evidence, scm));
    // What a column gains in world k: P(w_k) / P(evidence), times the outcome's label for an
    // expectation (one entry per label), signed; computed once per world, not once per column.
    std::vector<std::vector<Rational>> gain(worlds_.size());
    for (std::size_t k = 0; k < worlds_.size(); ++k) {
      Rational w = worlds_[k].second / evidence_p;
      if (part.sign < 0) w = -w;
      if (probability != nullptr) {
        gain[k].push_back(std::move(w));
      } else {
        for (const Rational& label : labels) gain[k].push_back(w * label);
      }
    }
    for (std::uint64_t t = 0; t < columns_; ++t) {
      const std::vector<std::uint64_t> types = types_of(t);
      for (std::size_t k = 0; k < worlds_.size(); ++k) {
        const std::vector<std::uint32_t>& world = worlds_[k].first;
        if (!observed.empty()) {
          values = world;
          evaluate(values, 0, world, types);  // the factual world
          if (!holds(values)) continue;
        }
        const Rational* weight = nullptr;
        if (probability != nullptr) {
          const bool hit = std::all_of(probability->events.begin(), probability->events.end(),
                                       [&](const Event& e) { return value_of(e.term, scm, world, types) == e.value; });
          if (!hit) continue;
          weight = &gain[k].front();
        } else {
          weight = &gain[k][value_of(expectation->term, scm, world, types)];
        }
        if (*weight != 0) c[t] += *weight;
      }
    }
  }
  return c;
}

Bounds ResponseFunctionLp::bounds(const Query& q, const Scm& scm) const { return optimise(coefficients(q, scm)); }

// ---- Tian & Pearl ---------------------------------------------------------------------------

namespace {

void check_probability(const Rational& p, const char* name) {
  if (p < 0 || p > 1) throw InvalidQuery(fmt::format("{} = {} is not a probability", name, to_string(p)));
}

/// The data are probabilities, the joint sums to 1, and the experiments fit the observations.
void check(const CausationData& d) {
  check_probability(d.xy, "P(x, y)");
  check_probability(d.xy_prime, "P(x, y')");
  check_probability(d.x_prime_y, "P(x', y)");
  check_probability(d.x_prime_y_prime, "P(x', y')");
  const Rational total = d.xy + d.xy_prime + d.x_prime_y + d.x_prime_y_prime;
  if (total != 1) throw InvalidQuery(fmt::format("P(x, y) + P(x, y') + P(x', y) + P(x', y') = {}, not 1", to_string(total)));
  if (d.y_x.has_value() != d.y_x_prime.has_value()) {
    throw InvalidQuery("give both experimental probabilities P(y_x) and P(y_x'), or neither");
  }
  if (!d.y_x.has_value() || !d.y_x_prime.has_value()) return;
  // The units with X = x answer y_x as observed, the others anyhow (likewise for x').
  if (*d.y_x < d.xy || *d.y_x > 1 - d.xy_prime) {
    throw InvalidQuery(fmt::format("the experimental P(y_x) = {} contradicts the observations: no model has it outside "
                                   "[P(x, y), 1 - P(x, y')] = [{}, {}]",
                                   to_string(*d.y_x), to_string(d.xy), to_string(Rational(1 - d.xy_prime))));
  }
  if (*d.y_x_prime < d.x_prime_y || *d.y_x_prime > 1 - d.x_prime_y_prime) {
    throw InvalidQuery(fmt::format("the experimental P(y_x') = {} contradicts the observations: no model has it outside "
                                   "[P(x', y), 1 - P(x', y')] = [{}, {}]",
                                   to_string(*d.y_x_prime), to_string(d.x_prime_y), to_string(Rational(1 - d.x_prime_y_prime))));
  }
}

}  // namespace

CausationData causation_data(const Scm& scm, const Estimand& e, bool experimental) {
  if (e.kind != Estimand::Kind::pn && e.kind != Estimand::Kind::ps && e.kind != Estimand::Kind::pns) {
    throw InvalidQuery("the probabilities of causation's data are for PN, PS and PNS");
  }
  for (const std::string& name : {e.treatment, e.outcome}) {
    const auto v = scm.find(name);
    if (v && scm.domain(*v).size() != 2) {
      throw InvalidQuery(fmt::format("Tian and Pearl's bounds are for binary variables; {} has {} values", name, scm.domain(*v).size()));
    }
  }
  auto p = [&](const std::string& text) { return solve(scm, parse_query(text, scm)).value; };
  auto joint = [&](const std::string& x, const std::string& y) {
    return p(fmt::format("P({}={}, {}={})", e.treatment, x, e.outcome, y));
  };
  CausationData d{joint(e.treated, e.outcome_value), joint(e.treated, e.no_outcome_value),
                  joint(e.control, e.outcome_value), joint(e.control, e.no_outcome_value), std::nullopt, std::nullopt};
  if (experimental) {
    d.y_x = p(fmt::format("P({}={} | do({}={}))", e.outcome, e.outcome_value, e.treatment, e.treated));
    d.y_x_prime = p(fmt::format("P({}={} | do({}={}))", e.outcome, e.outcome_value, e.treatment, e.control));
  }
  return d;
}

Bounds pns_bounds(const CausationData& d) {
  check(d);
  if (!d.y_x.has_value() || !d.y_x_prime.has_value()) return {Rational(0), d.xy + d.x_prime_y_prime};
  const Rational& yx = *d.y_x;
  const Rational& yx_prime = *d.y_x_prime;
  const Rational y = d.xy + d.x_prime_y;
  return {max_of({Rational(0), yx - yx_prime, y - yx_prime, yx - y}),
          min_of({yx, 1 - yx_prime, d.xy + d.x_prime_y_prime, yx - yx_prime + d.xy_prime + d.x_prime_y})};
}

Bounds pn_bounds(const CausationData& d) {
  check(d);
  if (d.xy == 0) throw ZeroProbabilityEvidence("x, y");
  if (!d.y_x.has_value() || !d.y_x_prime.has_value()) return {Rational(0), Rational(1)};
  const Rational& yx_prime = *d.y_x_prime;
  const Rational y = d.xy + d.x_prime_y;
  return {max_of({Rational(0), (y - yx_prime) / d.xy}), min_of({Rational(1), (1 - yx_prime - d.x_prime_y_prime) / d.xy})};
}

Bounds ps_bounds(const CausationData& d) {
  check(d);
  if (d.x_prime_y_prime == 0) throw ZeroProbabilityEvidence("x', y'");
  if (!d.y_x.has_value() || !d.y_x_prime.has_value()) return {Rational(0), Rational(1)};
  const Rational& yx = *d.y_x;
  const Rational y = d.xy + d.x_prime_y;
  return {max_of({Rational(0), (yx - y) / d.x_prime_y_prime}), min_of({Rational(1), (yx - d.xy) / d.x_prime_y_prime})};
}

}  // namespace rung
