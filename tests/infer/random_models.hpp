#pragma once
/// \file
/// Random models and queries for the inference tests: fixed seeds, std::mt19937_64 with our own
/// bounded integers (never the implementation-defined std distributions).

#include "rung/infer/enumeration.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace rung::testing {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  /// In [0, n) for 0 < n < 2^32 (multiply-shift).
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((engine_() >> 32) * n) >> 32); }
  /// In [lo, hi].
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) { return lo + below(hi - lo + 1); }
  bool chance(std::uint32_t percent) { return below(100) < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[below(static_cast<std::uint32_t>(v.size()))];
  }

 private:
  std::mt19937_64 engine_;
};

struct ModelKnobs {
  std::uint32_t min_exogenous = 2;
  std::uint32_t max_exogenous = 6;
  std::uint32_t min_endogenous = 3;
  std::uint32_t max_endogenous = 8;
  /// Each exogenous variable feeds exactly one endogenous variable (no hidden confounding); the
  /// number of exogenous variables is then the number of endogenous ones.
  bool markovian = false;
  std::uint32_t degenerate_percent = 12;   ///< chance of a one-point prior such as (0, 1)
  std::uint32_t zero_percent = 10;         ///< chance of a zero entry in a non-degenerate prior
  std::uint32_t multivalued_percent = 30;  ///< chance of a 3- or 4-valued domain
  std::uint32_t table_percent = 30;        ///< chance of a table mechanism for a boolean variable
};

inline Domain random_domain(Rng& rng, std::uint32_t multivalued_percent, bool exogenous) {
  if (!rng.chance(multivalued_percent)) return Domain();
  switch (rng.below(exogenous ? 1 : 3)) {
    case 0: return Domain({"0", "1", "2"});
    case 1: return Domain({"0", "1", "2", "3"});
    default: return Domain({"lo", "mid", "hi"});
  }
}

inline std::vector<Rational> random_prior(Rng& rng, std::size_t size, std::uint32_t degenerate_percent,
                                          std::uint32_t zero_percent) {
  std::vector<Rational> prior(size, Rational(0));
  if (rng.chance(degenerate_percent)) {
    prior[rng.below(static_cast<std::uint32_t>(size))] = 1;
    return prior;
  }
  std::vector<std::uint32_t> w(size);
  std::uint32_t total = 0;
  for (auto& x : w) {
    x = rng.chance(zero_percent) ? 0 : rng.between(1, 4);
    total += x;
  }
  if (total == 0) {
    w[0] = 1;
    total = 1;
  }
  for (std::size_t i = 0; i < size; ++i) prior[i] = Rational(w[i], total);
  return prior;
}

struct Parent {
  std::string name;
  Domain domain;
};

inline std::string bool_expr(Rng& rng, const std::vector<Parent>& parents, int depth) {
  const std::uint32_t r = rng.below(10);
  if (depth >= 3 || r < 4 || parents.empty()) {
    if (parents.empty() || rng.chance(4)) return rng.pick(std::vector<std::string>{"true", "false", "0", "1"});
    const Parent& p = rng.pick(parents);
    if (p.domain.is_boolean() && !rng.chance(15)) return p.name;
    const std::string& label = p.domain.label(rng.below(static_cast<std::uint32_t>(p.domain.size())));
    return fmt::format("({} {} {})", p.name, rng.chance(70) ? "==" : "!=", label);
  }
  auto sub = [&] { return bool_expr(rng, parents, depth + 1); };
  switch (r) {
    case 4: return "(not " + sub() + ")";
    case 5:
    case 6: return "(" + sub() + " and " + sub() + ")";
    case 7: return "(" + sub() + " or " + sub() + ")";
    case 8: return "(" + sub() + " xor " + sub() + ")";
    default: return "(if " + sub() + " then " + sub() + " else " + sub() + ")";
  }
}

/// An expression with values in `target` (a multi-valued domain): labels, parents of the same
/// domain, and if-then-else.
inline std::string value_expr(Rng& rng, const std::vector<Parent>& parents, const Domain& target, int depth) {
  if (depth >= 2 || rng.chance(40)) {
    std::vector<std::string> same;
    for (const auto& p : parents) {
      if (p.domain == target) same.push_back(p.name);
    }
    if (!same.empty() && rng.chance(50)) return rng.pick(same);
    return target.label(rng.below(static_cast<std::uint32_t>(target.size())));
  }
  return "(if " + bool_expr(rng, parents, depth + 1) + " then " + value_expr(rng, parents, target, depth + 1) +
         " else " + value_expr(rng, parents, target, depth + 1) + ")";
}

inline TableSpec random_table(Rng& rng, const std::vector<Parent>& parents, const Domain& target) {
  TableSpec t;
  for (const auto& p : parents) t.inputs.push_back(p.name);
  std::vector<Value> digit(parents.size(), 0);
  for (;;) {
    TableSpec::Row row;
    for (std::size_t i = 0; i < parents.size(); ++i) row.in.push_back(parents[i].domain.label(digit[i]));
    row.out = target.label(rng.below(static_cast<std::uint32_t>(target.size())));
    t.rows.push_back(std::move(row));
    std::size_t d = parents.size();
    while (d > 0) {
      --d;
      if (++digit[d] < parents[d].domain.size()) break;
      digit[d] = 0;
      if (d == 0) return t;
    }
    if (parents.empty()) return t;
  }
}

inline Scm random_scm(Rng& rng, const ModelKnobs& k = {}) {
  const std::uint32_t n_endo = rng.between(k.min_endogenous, k.max_endogenous);
  const std::uint32_t n_exo = k.markovian ? n_endo : rng.between(k.min_exogenous, k.max_exogenous);
  ScmBuilder b;
  std::vector<Parent> exo;
  for (std::uint32_t i = 0; i < n_exo; ++i) {
    Domain d = random_domain(rng, k.multivalued_percent, true);
    auto prior = random_prior(rng, d.size(), k.degenerate_percent, k.zero_percent);
    exo.push_back({"U" + std::to_string(i), d});
    b.exogenous(exo.back().name, d, std::move(prior));
  }
  std::vector<Parent> endo;
  for (std::uint32_t i = 0; i < n_endo; ++i) {
    std::vector<Parent> parents;
    if (k.markovian) {
      parents.push_back(exo[i]);
    } else {
      const std::uint32_t count = rng.between(1, std::min<std::uint32_t>(2, n_exo));
      while (parents.size() < count) {
        const Parent& u = rng.pick(exo);
        if (std::none_of(parents.begin(), parents.end(), [&](const Parent& p) { return p.name == u.name; })) {
          parents.push_back(u);
        }
      }
    }
    const std::uint32_t endo_parents = endo.empty() ? 0 : rng.below(std::min<std::uint32_t>(3, static_cast<std::uint32_t>(endo.size()) + 1));
    std::vector<Parent> chosen;
    while (chosen.size() < endo_parents) {
      const Parent& v = rng.pick(endo);
      if (std::none_of(chosen.begin(), chosen.end(), [&](const Parent& p) { return p.name == v.name; })) {
        chosen.push_back(v);
      }
    }
    parents.insert(parents.end(), chosen.begin(), chosen.end());
    Domain d = random_domain(rng, k.multivalued_percent, false);
    const std::string name = "V" + std::to_string(i);
    if (d.is_boolean() && !rng.chance(k.table_percent)) {
      b.endogenous(name, d, parse_expression(bool_expr(rng, parents, 0)));
    } else if (!d.is_boolean() && rng.chance(40)) {
      b.endogenous(name, d, parse_expression(value_expr(rng, parents, d, 0)));
    } else {
      b.endogenous(name, d, random_table(rng, parents, d));
    }
    endo.push_back({name, d});
  }
  return b.build();
}

/// A readable listing of a model, for failure messages.
inline std::string describe(const Scm& scm) {
  std::string out;
  for (VarId id = 0; id < scm.size(); ++id) {
    const auto& v = scm.variable(id);
    if (scm.is_exogenous(id)) {
      std::vector<std::string> p;
      for (const auto& x : v.prior) p.push_back(to_string(x));
      out += fmt::format("exogenous {} in {} ~ ({})\n", v.name, v.domain.to_string(), fmt::join(p, ", "));
    } else {
      out += fmt::format("{} in {} := {}\n", v.name, v.domain.to_string(), scm.mechanism(id).to_string());
    }
  }
  return out;
}

struct QueryKnobs {
  int max_depth = 2;            ///< nesting depth of nested settings
  std::uint32_t max_events = 3;
  std::uint32_t max_evidence = 2;
};

class QueryMaker {
 public:
  QueryMaker(Rng& rng, const Scm& scm, QueryKnobs k = {}) : rng_(rng), scm_(scm), k_(k) {
    endo_ = scm.endogenous();
    exo_ = scm.exogenous();
  }

  /// Constant settings on up to `max` distinct endogenous variables.
  std::vector<Setting> constants(std::uint32_t max) {
    std::vector<Setting> out;
    const std::uint32_t count = rng_.below(max + 1);
    for (std::uint32_t i = 0; i < count; ++i) {
      const VarId v = rng_.pick(endo_);
      if (std::any_of(out.begin(), out.end(), [&](const Setting& s) { return s.var == v; })) continue;
      Setting s;
      s.var = v;
      s.value = rng_.below(static_cast<std::uint32_t>(scm_.domain(v).size()));
      out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const Setting& a, const Setting& b) { return a.var < b.var; });
    return out;
  }

  /// Settings with nested terms up to the depth limit.
  std::vector<Setting> settings(int depth) {
    std::vector<Setting> out;
    const std::uint32_t count = rng_.below(3);
    for (std::uint32_t i = 0; i < count; ++i) {
      const VarId v = rng_.pick(endo_);
      if (std::any_of(out.begin(), out.end(), [&](const Setting& s) { return s.var == v; })) continue;
      Setting s;
      s.var = v;
      if (depth < k_.max_depth && rng_.chance(40)) {
        Term inner;
        inner.var = v;
        if (rng_.chance(25)) {
          std::vector<VarId> same;
          for (VarId w : endo_) {
            if (scm_.domain(w) == scm_.domain(v)) same.push_back(w);
          }
          inner.var = rng_.pick(same);
        }
        inner.settings = settings(depth + 1);
        if (inner.settings.empty() && rng_.chance(70)) inner.settings = constants(1);
        s.nested.push_back(std::move(inner));
      } else {
        s.value = rng_.below(static_cast<std::uint32_t>(scm_.domain(v).size()));
      }
      out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const Setting& a, const Setting& b) { return a.var < b.var; });
    return out;
  }

  VarId variable() { return rng_.chance(5) ? rng_.pick(exo_) : rng_.pick(endo_); }

  /// An event whose value is, most of the time, the term's value for a random possible unit
  /// (so that evidence usually has a positive probability).
  Event event(Term t) {
    Event e;
    e.value = rng_.below(static_cast<std::uint32_t>(scm_.domain(t.var).size()));
    if (rng_.chance(75)) e.value = enumeration::evaluate(scm_, t, unit_);
    e.term = std::move(t);
    return e;
  }

  Probability probability(int rung) {
    draw_unit();
    Probability p;
    const std::vector<Setting> shared = rung == 2 ? constants(2) : std::vector<Setting>{};
    const std::uint32_t events = rng_.between(1, k_.max_events);
    for (std::uint32_t i = 0; i < events; ++i) p.events.push_back(event(term(rung, shared)));
    const std::uint32_t evidence = rng_.below(k_.max_evidence + 1);
    for (std::uint32_t i = 0; i < evidence; ++i) {
      const bool factual = rung == 3 && rng_.chance(65);
      p.evidence.push_back(event(factual ? Term{variable(), {}} : term(rung, shared)));
    }
    return p;
  }

  Term term(int rung, const std::vector<Setting>& shared) {
    Term t;
    t.var = variable();
    if (rung == 2) t.settings = shared;
    if (rung == 3) t.settings = settings(0);
    return t;
  }

  /// A query of the given rung: usually one probability; sometimes expectations of numeric
  /// variables or a difference of two parts.
  Query query(int rung) {
    Query q;
    const std::uint32_t shape = rng_.below(10);
    if (shape < 7) {
      q.parts.push_back({1, probability(rung)});
      return q;
    }
    const std::uint32_t parts = shape < 9 ? 1 : 2;
    for (std::uint32_t i = 0; i < parts; ++i) {
      const int sign = i == 0 ? 1 : -1;
      std::vector<VarId> numeric;
      for (VarId v : endo_) {
        const auto& labels = scm_.domain(v).labels();
        if (std::all_of(labels.begin(), labels.end(), [](const std::string& l) { return try_parse_rational(l).has_value(); })) {
          numeric.push_back(v);
        }
      }
      if (numeric.empty() || rng_.chance(30)) {
        q.parts.push_back({sign, probability(rung)});
        continue;
      }
      draw_unit();
      Expectation e;
      const std::vector<Setting> shared = rung == 2 ? constants(2) : std::vector<Setting>{};
      e.term.var = rng_.pick(numeric);
      if (rung == 2) e.term.settings = shared;
      if (rung == 3) e.term.settings = settings(0);
      const std::uint32_t evidence = rng_.below(k_.max_evidence + 1);
      for (std::uint32_t j = 0; j < evidence; ++j) {
        e.evidence.push_back(event(rung == 3 ? Term{variable(), {}} : term(rung, shared)));
      }
      q.parts.push_back({sign, std::move(e)});
    }
    return q;
  }

 private:
  Rng& rng_;
  const Scm& scm_;
  QueryKnobs k_;
  std::vector<VarId> endo_;
  std::vector<VarId> exo_;
  std::vector<Value> unit_;

  /// A unit with positive prior weight.
  void draw_unit() {
    unit_.assign(scm_.size(), 0);
    for (VarId u : exo_) {
      const auto& prior = scm_.prior(u);
      std::vector<Value> possible;
      for (Value v = 0; v < prior.size(); ++v) {
        if (!prior[v].is_zero()) possible.push_back(v);
      }
      unit_[u] = rng_.pick(possible);
    }
  }
};

/// The number of nested levels of a term.
inline int depth_of(const Term& t) {
  int d = 0;
  for (const auto& s : t.settings) {
    if (s.is_nested()) d = std::max(d, 1 + depth_of(s.nested.front()));
  }
  return d;
}

}  // namespace rung::testing
