#include "rung/gen/structure.hpp"

#include "rung/gen/random.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace rung {
namespace {

struct ModelAndQuery {
  Scm scm;
  Query query;
};

// ---- a small random model + query maker (rung::Rng only) ---------------------------------------

struct Available {
  std::string name;
  Domain domain;
};

Domain random_domain(Rng& rng) {
  switch (rng.below(6)) {
    case 0: return Domain({"lo", "mid", "hi"});
    case 1: return Domain({"0", "1", "2"});
    default: return Domain();
  }
}

/// Priors from a small set, so that identical noises (ties to break) are common.
std::vector<Rational> random_prior(Rng& rng, std::size_t size) {
  if (size == 2) {
    switch (rng.below(3)) {
      case 0: return {Rational(1, 2), Rational(1, 2)};
      case 1: return {Rational(2, 3), Rational(1, 3)};
      default: return {Rational(1, 4), Rational(3, 4)};
    }
  }
  if (rng.chance(1, 2)) return std::vector<Rational>(size, Rational(1, static_cast<long>(size)));
  std::vector<Rational> p(size, Rational(1, 2 * static_cast<long>(size - 1)));
  p[0] = Rational(1, 2);
  return p;
}

Expr bool_expr(Rng& rng, const std::vector<Available>& vars, int depth) {
  if (depth >= 2 || rng.chance(2, 5)) {
    if (rng.chance(1, 12)) return Expr::atom(rng.chance(1, 2) ? "true" : "0");
    const Available& v = rng.pick(vars);
    if (v.domain.is_boolean()) return Expr::atom(v.name);
    const std::string& label = v.domain.label(static_cast<Value>(rng.below(v.domain.size())));
    return Expr::binary(rng.chance(3, 4) ? Expr::Kind::eq : Expr::Kind::ne, Expr::atom(v.name), Expr::atom(label));
  }
  switch (rng.below(5)) {
    case 0: return Expr::unary(Expr::Kind::not_, bool_expr(rng, vars, depth + 1));
    case 1: return Expr::binary(Expr::Kind::and_, bool_expr(rng, vars, depth + 1), bool_expr(rng, vars, depth + 1));
    case 2: return Expr::binary(Expr::Kind::or_, bool_expr(rng, vars, depth + 1), bool_expr(rng, vars, depth + 1));
    case 3: return Expr::binary(Expr::Kind::xor_, bool_expr(rng, vars, depth + 1), bool_expr(rng, vars, depth + 1));
    default:
      return Expr::if_then_else(bool_expr(rng, vars, depth + 1), bool_expr(rng, vars, depth + 1),
                                bool_expr(rng, vars, depth + 1));
  }
}

Expr value_expr(Rng& rng, const std::vector<Available>& vars, const Domain& target, int depth) {
  if (depth >= 2 || rng.chance(1, 3)) {
    std::vector<std::string> same;
    for (const auto& v : vars) {
      if (v.domain == target) same.push_back(v.name);
    }
    if (!same.empty() && rng.chance(1, 2)) return Expr::atom(rng.pick(same));
    return Expr::atom(target.label(static_cast<Value>(rng.below(target.size()))));
  }
  return Expr::if_then_else(bool_expr(rng, vars, depth + 1), value_expr(rng, vars, target, depth + 1),
                            value_expr(rng, vars, target, depth + 1));
}

TableSpec random_table(Rng& rng, std::vector<Available> vars, const Domain& target) {
  rng.shuffle(vars);
  vars.resize(std::min<std::size_t>(vars.size(), static_cast<std::size_t>(rng.between(1, 2))));
  TableSpec t;
  for (const auto& v : vars) t.inputs.push_back(v.name);
  std::vector<Value> digit(vars.size(), 0);
  for (;;) {
    TableSpec::Row row;
    for (std::size_t i = 0; i < vars.size(); ++i) row.in.push_back(vars[i].domain.label(digit[i]));
    row.out = target.label(static_cast<Value>(rng.below(target.size())));
    t.rows.push_back(std::move(row));
    std::size_t d = vars.size();
    for (;;) {
      if (d == 0) return t;
      --d;
      if (++digit[d] < vars[d].domain.size()) break;
      digit[d] = 0;
    }
  }
}

Term random_term(Rng& rng, const Scm& scm, VarId var, int depth) {
  Term t{var, {}};
  const auto endo = scm.endogenous();
  for (VarId s : endo) {
    if (s == var || !rng.chance(1, 4)) continue;
    Setting setting{s, static_cast<Value>(rng.below(scm.domain(s).size())), {}};
    if (depth == 0 && rng.chance(1, 4)) {
      // A nested counterfactual: a variable of the same domain, in its own world.
      std::vector<VarId> same;
      for (VarId v = 0; v < scm.size(); ++v) {
        if (scm.domain(v) == scm.domain(s)) same.push_back(v);
      }
      setting.value = 0;
      setting.nested.push_back(random_term(rng, scm, rng.pick(same), depth + 1));
    }
    t.settings.push_back(std::move(setting));
  }
  return t;
}

Event random_event(Rng& rng, const Scm& scm, VarId var, bool counterfactual) {
  Term t = counterfactual ? random_term(rng, scm, var, 0) : Term{var, {}};
  return Event{std::move(t), static_cast<Value>(rng.below(scm.domain(var).size()))};
}

bool numeric(const Domain& d) {
  return std::all_of(d.labels().begin(), d.labels().end(),
                     [](const std::string& l) { return std::isdigit(static_cast<unsigned char>(l[0])) != 0; });
}

Query random_query(Rng& rng, const Scm& scm) {
  const auto endo = scm.endogenous();
  Query q;
  const int parts = rng.chance(1, 4) ? 2 : 1;
  for (int i = 0; i < parts; ++i) {
    const VarId y = rng.pick(endo);
    std::vector<Event> evidence;
    for (int k = rng.between(0, 2); k > 0; --k) {
      evidence.push_back(random_event(rng, scm, static_cast<VarId>(rng.below(scm.size())), rng.chance(1, 4)));
    }
    const int sign = rng.chance(1, 3) ? -1 : 1;
    if (numeric(scm.domain(y)) && rng.chance(1, 3)) {
      q.parts.push_back({sign, Expectation{random_term(rng, scm, y, 0), std::move(evidence)}});
    } else {
      std::vector<Event> events{random_event(rng, scm, y, true)};
      if (rng.chance(1, 3)) events.push_back(random_event(rng, scm, rng.pick(endo), true));
      q.parts.push_back({sign, Probability{std::move(events), std::move(evidence)}});
    }
  }
  return q;
}

ModelAndQuery random_item(Rng& rng, int max_exogenous = 5, int max_endogenous = 7) {
  ScmBuilder b;
  std::vector<Available> vars;
  const int n_exo = rng.between(1, max_exogenous);
  const int n_endo = rng.between(1, max_endogenous);
  for (int i = 0; i < n_exo; ++i) {
    Domain d = rng.chance(1, 4) ? random_domain(rng) : Domain();
    vars.push_back({fmt::format("U{}", i), d});
    b.exogenous(vars.back().name, d, random_prior(rng, d.size()));
  }
  for (int i = 0; i < n_endo; ++i) {
    Domain d = random_domain(rng);
    std::string name = fmt::format("V{}", i);
    if (rng.chance(1, 5)) {
      b.endogenous(name, d, random_table(rng, vars, d));
    } else if (d.is_boolean()) {
      b.endogenous(name, d, bool_expr(rng, vars, 0));
    } else {
      b.endogenous(name, d, value_expr(rng, vars, d, 0));
    }
    vars.push_back({name, d});
  }
  Scm scm = b.build();
  Query q = random_query(rng, scm);
  return {std::move(scm), std::move(q)};
}

Expr rename_atoms(const Expr& e, const std::map<std::string, std::string>& to) {
  Expr out = e;
  if (e.kind == Expr::Kind::atom) {
    if (auto it = to.find(e.text); it != to.end()) out.text = it->second;
    return out;
  }
  for (auto& a : out.args) a = rename_atoms(a, to);
  return out;
}

/// A model with many automorphisms: a small random part copied 2-4 times, each copy with its own
/// noises or reading the first copy's, sometimes joined, sometimes beside an unrelated variable
/// that the query is about.
ModelAndQuery symmetric_item(Rng& rng) {
  const ModelAndQuery part = random_item(rng, 2, 3);
  const int copies = rng.between(2, 4);
  const bool shared_noise = rng.chance(1, 3);
  ScmBuilder b;
  std::vector<std::map<std::string, std::string>> names(static_cast<std::size_t>(copies));
  for (int c = 0; c < copies; ++c) {
    auto& to = names[static_cast<std::size_t>(c)];
    for (VarId v = 0; v < part.scm.size(); ++v) {
      const bool reuse = shared_noise && c > 0 && part.scm.is_exogenous(v);
      to[part.scm.name(v)] = reuse ? names[0][part.scm.name(v)] : fmt::format("{}c{}", part.scm.name(v), c);
    }
    for (VarId v = 0; v < part.scm.size(); ++v) {
      const Variable& var = part.scm.variable(v);
      const std::string& name = to[var.name];
      if (var.kind == VarKind::exogenous) {
        if (!(shared_noise && c > 0)) b.exogenous(name, var.domain, var.prior);
      } else if (var.mechanism->is_table()) {
        TableSpec t = var.mechanism->table();
        for (auto& input : t.inputs) input = to[input];
        b.endogenous(name, var.domain, t);
      } else {
        b.endogenous(name, var.domain, rename_atoms(var.mechanism->expression(), to));
      }
    }
  }
  const std::string last = part.scm.name(static_cast<VarId>(part.scm.size() - 1));  // endogenous
  std::string query;
  switch (rng.below(3)) {
    case 0: {  // joined by an or of the copies' last variables (if boolean)
      if (part.scm.domain(static_cast<VarId>(part.scm.size() - 1)).is_boolean()) {
        std::string join;
        for (int c = 0; c < copies; ++c) join += (c > 0 ? " or " : "") + names[static_cast<std::size_t>(c)][last];
        b.endogenous("J", join);
        query = "P(J=1)";
        break;
      }
      [[fallthrough]];
    }
    case 1:
      b.bernoulli("R", Rational(1, 7));
      b.endogenous("S", "not R");
      query = "P(S=1)";
      break;
    default: query = fmt::format("P({}={})", names[0][last], part.scm.domain(static_cast<VarId>(part.scm.size() - 1)).label(0));
  }
  Scm scm = b.build();
  Query q = parse_query(query, scm);
  return {std::move(scm), std::move(q)};
}

// ---- renaming and re-declaring --------------------------------------------------------------------

Term map_term(const Term& t, const std::vector<VarId>& to) {
  Term out{to[t.var], {}};
  for (const auto& s : t.settings) {
    Setting m{to[s.var], s.value, {}};
    for (const auto& n : s.nested) m.nested.push_back(map_term(n, to));
    out.settings.push_back(std::move(m));
  }
  std::sort(out.settings.begin(), out.settings.end(), [](const Setting& a, const Setting& b) { return a.var < b.var; });
  return out;
}

std::vector<Event> map_events(const std::vector<Event>& es, const std::vector<VarId>& to) {
  std::vector<Event> out;
  for (const auto& e : es) out.push_back({map_term(e.term, to), e.value});
  return out;
}

/// The query with every variable id `v` replaced by `to[v]` (settings re-sorted by id).
Query map_query(const Query& q, const std::vector<VarId>& to) {
  Query out;
  for (const auto& part : q.parts) {
    if (const auto* p = std::get_if<Probability>(&part.quantity)) {
      out.parts.push_back({part.sign, Probability{map_events(p->events, to), map_events(p->evidence, to)}});
    } else {
      const auto& e = std::get<Expectation>(part.quantity);
      out.parts.push_back({part.sign, Expectation{map_term(e.term, to), map_events(e.evidence, to)}});
    }
  }
  return out;
}

/// The item with its variables renamed at random and re-declared in a random order (so ids are
/// permuted within each kind), the query's ids following.
ModelAndQuery permuted(const ModelAndQuery& item, Rng& rng) {
  const std::size_t n = item.scm.size();
  std::vector<std::string> names;
  if (rng.chance(1, 2)) {
    for (VarId v = 0; v < n; ++v) names.push_back(item.scm.name(v));  // shuffle the existing names
  } else {
    for (std::size_t i = 0; i < n; ++i) names.push_back(fmt::format("{}{}", rng.chance(1, 2) ? "v" : "n_", i));
  }
  rng.shuffle(names);
  const Scm renamed = rename_variables(item.scm, names);
  std::vector<VarId> order(n);
  std::iota(order.begin(), order.end(), VarId{0});
  rng.shuffle(order);
  ScmBuilder b;
  for (VarId id : order) {
    const Variable& v = renamed.variable(id);
    if (v.kind == VarKind::exogenous) {
      b.exogenous(v.name, v.domain, v.prior);
    } else if (v.mechanism->is_table()) {
      b.endogenous(v.name, v.domain, v.mechanism->table());
    } else {
      b.endogenous(v.name, v.domain, v.mechanism->expression());
    }
  }
  Scm scm = b.build();
  std::vector<VarId> to(n);
  for (VarId v = 0; v < n; ++v) to[v] = *scm.find(names[v]);
  Query q = map_query(item.query, to);
  return {std::move(scm), std::move(q)};
}

ModelAndQuery parse_item(const std::function<void(ScmBuilder&)>& declare, std::string_view query) {
  ScmBuilder b;
  declare(b);
  Scm scm = b.build();
  Query q = parse_query(query, scm);
  return {std::move(scm), std::move(q)};
}

/// Checks that canonical_form is the same on `rounds` permuted copies of `item`. (How long it
/// takes on these hard models is measured in bench/gen_bench.cpp, not here: a search that blew
/// up would still stop the test at ctest's timeout.)
void expect_invariant(const ModelAndQuery& item, int rounds, std::uint64_t seed) {
  const std::string form = canonical_form(item.scm, item.query);
  Rng rng(seed);
  for (int i = 0; i < rounds; ++i) {
    const ModelAndQuery p = permuted(item, rng);
    ASSERT_EQ(canonical_form(p.scm, p.query), form) << "round " << i;
  }
}

// ---- tests --------------------------------------------------------------------------------------

TEST(Structure, InvariantUnderRandomRenamingsAndDeclarationOrders) {
  Rng rng(20240517);
  int rounds = 0;
  int ties = 0;
  for (int i = 0; i < 200; ++i) {
    const ModelAndQuery item = random_item(rng);
    const std::string form = canonical_form(item.scm, item.query);
    const ModelAndQuery p = permuted(item, rng);
    ASSERT_EQ(canonical_form(p.scm, p.query), form) << "item " << i;
    ASSERT_EQ(structure_hash(p.scm, p.query), structure_hash(item.scm, item.query));
    // Same ids, other names: rename_variables alone.
    std::vector<std::string> names;
    for (VarId v = 0; v < item.scm.size(); ++v) names.push_back(fmt::format("r{}", item.scm.size() - v));
    ASSERT_EQ(canonical_form(rename_variables(item.scm, names), item.query), form);
    ++rounds;
    std::set<std::vector<Rational>> priors;
    for (VarId v : item.scm.exogenous()) {
      if (!priors.insert(item.scm.prior(v)).second) {
        ++ties;
        break;
      }
    }
  }
  EXPECT_EQ(rounds, 200);
  EXPECT_GT(ties, 40);  // identical noises are common among the models checked
}

TEST(Structure, InvariantOnRandomModelsWithManyAutomorphisms) {
  Rng rng(77);
  for (int i = 0; i < 50; ++i) {
    const ModelAndQuery item = symmetric_item(rng);
    const std::string form = canonical_form(item.scm, item.query);
    for (int r = 0; r < 4; ++r) {
      const ModelAndQuery p = permuted(item, rng);
      ASSERT_EQ(canonical_form(p.scm, p.query), form) << "item " << i << " round " << r;
    }
  }
}

/// Changes that alter an invariant of the item (so can never give an isomorphic one) must change
/// the hash, whatever the model.
TEST(Structure, RandomInvariantChangingMutationsChangeTheHash) {
  Rng rng(99);
  for (int i = 0; i < 100; ++i) {
    const ModelAndQuery item = random_item(rng);
    const std::string h = structure_hash(item.scm, item.query);
    const auto exo = item.scm.exogenous();
    const auto endo = item.scm.endogenous();
    // A prior no other variable has.
    {
      ScmBuilder b;
      const VarId target = rng.pick(exo);
      for (VarId v = 0; v < item.scm.size(); ++v) {
        const Variable& var = item.scm.variable(v);
        if (var.kind == VarKind::exogenous) {
          std::vector<Rational> p = var.prior;
          if (v == target) {
            p.assign(p.size(), Rational(0));
            p[0] = Rational(6, 7);
            p[1] = Rational(1, 7);
          }
          b.exogenous(var.name, var.domain, p);
        } else if (var.mechanism->is_table()) {
          b.endogenous(var.name, var.domain, var.mechanism->table());
        } else {
          b.endogenous(var.name, var.domain, var.mechanism->expression());
        }
      }
      const Scm changed = b.build();
      EXPECT_NE(structure_hash(changed, item.query), h) << "item " << i;
    }
    // One more `not` (around a boolean expression mechanism), if there is one.
    {
      std::vector<VarId> boolean;
      for (VarId v : endo) {
        if (item.scm.domain(v).is_boolean() && !item.scm.mechanism(v).is_table()) boolean.push_back(v);
      }
      if (!boolean.empty()) {
        const VarId target = rng.pick(boolean);
        ScmBuilder b;
        for (VarId v = 0; v < item.scm.size(); ++v) {
          const Variable& var = item.scm.variable(v);
          if (var.kind == VarKind::exogenous) {
            b.exogenous(var.name, var.domain, var.prior);
          } else if (var.mechanism->is_table()) {
            b.endogenous(var.name, var.domain, var.mechanism->table());
          } else if (v == target) {
            b.endogenous(var.name, var.domain, Expr::unary(Expr::Kind::not_, var.mechanism->expression()));
          } else {
            b.endogenous(var.name, var.domain, var.mechanism->expression());
          }
        }
        const Scm changed = b.build();
        EXPECT_NE(structure_hash(changed, item.query), h) << "item " << i;
      }
    }
    // One more piece of evidence.
    {
      Query q = item.query;
      auto& part = q.parts.front();
      auto& evidence = std::holds_alternative<Probability>(part.quantity)
                           ? std::get<Probability>(part.quantity).evidence
                           : std::get<Expectation>(part.quantity).evidence;
      evidence.push_back(Event{Term{rng.pick(endo), {}}, 0});
      EXPECT_NE(structure_hash(item.scm, q), h) << "item " << i;
    }
  }
}

TEST(Structure, HashIsSixteenLowerCaseHexDigitsOfTheCanonicalForm) {
  const ModelAndQuery item = parse_item([](ScmBuilder& b) {
    b.bernoulli("U", Rational(1, 2));
    b.endogenous("Y", "U");
  }, "P(Y=1)");
  const std::string h = structure_hash(item.scm, item.query);
  ASSERT_EQ(h.size(), 16U);
  EXPECT_TRUE(std::all_of(h.begin(), h.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }));
  // FNV-1a 64 of the canonical text, recomputed here.
  std::uint64_t expected = 14695981039346656037ULL;
  for (unsigned char c : canonical_form(item.scm, item.query)) {
    expected ^= c;
    expected *= 1099511628211ULL;
  }
  EXPECT_EQ(h, fmt::format("{:016x}", expected));
  // De-duplication keeps the number the text spells, and nothing else reads as one.
  EXPECT_EQ(structure_key(h), expected);
  EXPECT_EQ(structure_key("0000000000000000"), 0U);
  EXPECT_EQ(structure_key("ffffffffffffffff"), ~std::uint64_t{0});
  EXPECT_EQ(structure_key("00000000000000a1"), 0xa1U);
  EXPECT_FALSE(structure_key("FFFFFFFFFFFFFFFF"));  // upper case is not what structure_hash writes
  EXPECT_FALSE(structure_key("fffffffffffffff"));   // 15 digits
  EXPECT_FALSE(structure_key("fffffffffffffffff"));  // 17
  EXPECT_FALSE(structure_key("ffffffffffffffg0"));
  EXPECT_FALSE(structure_key(""));
}

/// The base model of the sensitivity tests and the knobs each variant turns.
struct Knobs {
  Rational p_u2 = Rational(1, 3);
  std::vector<std::string> w_labels = {"lo", "mid", "hi"};
  std::vector<Rational> w_prior = {Rational(1, 4), Rational(1, 4), Rational(1, 2)};
  std::string m = "X xor U2";
  std::string y = "(X and M) or W == hi";
  std::string t_out_lo = "1";
  bool m_exogenous = false;
  std::string query = "P(Y[X=0]=1 | X=1)";
};

ModelAndQuery knobbed(const Knobs& k) {
  return parse_item([&](ScmBuilder& b) {
    b.bernoulli("U1", Rational(1, 2));
    b.bernoulli("U2", k.p_u2);
    b.exogenous("W", Domain(k.w_labels), k.w_prior);
    b.endogenous("X", "U1");
    if (k.m_exogenous) {
      b.bernoulli("M", Rational(1, 2));
    } else {
      b.endogenous("M", k.m);
    }
    b.endogenous("Y", k.y);
    TableSpec t;
    t.inputs = {"X", "W"};
    for (const std::string x : {"0", "1"}) {
      for (const auto& w : k.w_labels) {
        t.rows.push_back({{x, w}, x == "0" && w == k.w_labels[0] ? k.t_out_lo : x, {}});
      }
    }
    b.endogenous("T", Domain(), t);
  }, k.query);
}

TEST(Structure, SensitiveToEveryPartOfTheModelAndQuery) {
  const ModelAndQuery base = knobbed({});
  const std::string base_hash = structure_hash(base.scm, base.query);
  std::vector<std::pair<std::string, Knobs>> variants;
  auto add = [&](std::string what, const std::function<void(Knobs&)>& change) {
    Knobs k;
    change(k);
    variants.emplace_back(std::move(what), k);
  };
  add("prior", [](Knobs& k) { k.p_u2 = Rational(2, 3); });
  add("prior entry", [](Knobs& k) { k.w_prior = {Rational(1, 4), Rational(1, 2), Rational(1, 4)}; });
  add("label", [](Knobs& k) {
    k.w_labels = {"lo", "mid", "top"};
    k.y = "(X and M) or W == top";
  });
  add("label order", [](Knobs& k) { k.w_labels = {"hi", "mid", "lo"}; });
  add("edge", [](Knobs& k) { k.m = "X xor U2 xor U1"; });
  add("edge in comparison", [](Knobs& k) { k.y = "(X and M) or W == hi or U1"; });
  add("operator", [](Knobs& k) { k.y = "(X or M) or W == hi"; });
  add("operator xor", [](Knobs& k) { k.y = "(X xor M) or W == hi"; });
  add("comparison", [](Knobs& k) { k.y = "(X and M) or W != hi"; });
  add("swapped operands", [](Knobs& k) { k.y = "(M and X) or W == hi"; });
  add("swapped comparison", [](Knobs& k) { k.y = "(X and M) or hi == W"; });
  add("constant", [](Knobs& k) { k.y = "(X and M) or W == mid"; });
  add("table row", [](Knobs& k) { k.t_out_lo = "0"; });
  add("kind", [](Knobs& k) { k.m_exogenous = true; });
  add("event value", [](Knobs& k) { k.query = "P(Y[X=0]=0 | X=1)"; });
  add("setting value", [](Knobs& k) { k.query = "P(Y[X=1]=1 | X=1)"; });
  add("evidence value", [](Knobs& k) { k.query = "P(Y[X=0]=1 | X=0)"; });
  add("evidence variable", [](Knobs& k) { k.query = "P(Y[X=0]=1 | M=1)"; });
  add("no evidence", [](Knobs& k) { k.query = "P(Y[X=0]=1)"; });
  add("evidence as event", [](Knobs& k) { k.query = "P(Y[X=0]=1, X=1)"; });
  add("outcome variable", [](Knobs& k) { k.query = "P(T[X=0]=1 | X=1)"; });
  add("setting variable", [](Knobs& k) { k.query = "P(Y[M=0]=1 | X=1)"; });
  add("extra setting", [](Knobs& k) { k.query = "P(Y[X=0, M=1]=1 | X=1)"; });
  add("nesting", [](Knobs& k) { k.query = "P(Y[X=0, M=M[X=1]]=1 | X=1)"; });
  add("nested value", [](Knobs& k) { k.query = "P(Y[X=0, M=M[X=0]]=1 | X=1)"; });
  add("factual", [](Knobs& k) { k.query = "P(Y=1 | X=1)"; });
  add("expectation", [](Knobs& k) { k.query = "E(Y[X=0] | X=1)"; });
  add("sign", [](Knobs& k) { k.query = "-P(Y[X=0]=1 | X=1)"; });
  add("extra part", [](Knobs& k) { k.query = "P(Y[X=0]=1 | X=1) - P(Y=1)"; });
  add("sum", [](Knobs& k) { k.query = "P(Y[X=0]=1 | X=1) + P(Y=1)"; });
  add("event order", [](Knobs& k) { k.query = "P(Y[X=0]=1, T=1 | X=1)"; });
  add("other event order", [](Knobs& k) { k.query = "P(T=1, Y[X=0]=1 | X=1)"; });

  std::set<std::string> seen{base_hash};
  for (const auto& [what, k] : variants) {
    const ModelAndQuery v = knobbed(k);
    const std::string h = structure_hash(v.scm, v.query);
    EXPECT_NE(h, base_hash) << what << "\n" << canonical_form(v.scm, v.query);
    EXPECT_TRUE(seen.insert(h).second) << what << " collides with another variant";
  }
  // And the base itself is invariant.
  expect_invariant(base, 20, 3);
}

TEST(Structure, GoldenCanonicalForm) {
  // Declared in an unhelpful order with unhelpful names; the form is in canonical names.
  const ModelAndQuery item = parse_item([](ScmBuilder& b) {
    b.endogenous("Zed", "A and not Noise");
    b.bernoulli("Noise", Rational(1, 3));
    b.endogenous("A", Domain(), parse_expression("if W == hi then U else false"));
    b.exogenous("W", Domain({"lo", "hi"}), {Rational(3, 4), Rational(1, 4)});
    b.bernoulli("U", Rational(1, 2));
  }, "P(Zed[A=0]=1 | A=1)");
  const std::string expected =
      "x v0 {0,1} (1/2,1/2)\n"
      "x v1 {0,1} (2/3,1/3)\n"
      "x v2 {lo,hi} (3/4,1/4)\n"
      "n v3 {0,1} := v4 and not v1\n"
      "n v4 {0,1} := if v2 == hi then v0 else false\n"
      "q P(v3[v4=0]=1 | v4=1)";
  EXPECT_EQ(canonical_form(item.scm, item.query), expected);
}

TEST(Structure, TablesKeepTheirRowsAndRenameTheirInputs) {
  const ModelAndQuery item = parse_item([](ScmBuilder& b) {
    b.exogenous("W", Domain({"lo", "hi"}), {Rational(1, 2), Rational(1, 2)});
    b.bernoulli("U", Rational(1, 5));
    TableSpec t;
    t.inputs = {"U", "W"};
    t.rows = {{{"0", "lo"}, "0", {}}, {{"0", "hi"}, "1", {}}, {{"1", "lo"}, "1", {}}, {{"1", "hi"}, "1", {}}};
    b.endogenous("Y", Domain(), t);
  }, "E(Y | W=hi)");
  EXPECT_EQ(canonical_form(item.scm, item.query),
            "x v0 {0,1} (4/5,1/5)\n"
            "x v1 {lo,hi} (1/2,1/2)\n"
            "n v2 {0,1} := table(v0, v1) { 0, lo -> 0; 0, hi -> 1; 1, lo -> 1; 1, hi -> 1; }\n"
            "q E(v2 | v1=hi)");
  expect_invariant(item, 10, 5);
}

TEST(Structure, LabelsThatLookLikeCanonicalNamesAreQuoted) {
  const ModelAndQuery item = parse_item([](ScmBuilder& b) {
    b.exogenous("W", Domain({"v0", "v1"}), {Rational(1, 2), Rational(1, 2)});
    b.endogenous("Y", "W == v1");
  }, "P(Y=1 | W=v0)");
  EXPECT_EQ(canonical_form(item.scm, item.query),
            "x v0 {v0,v1} (1/2,1/2)\n"
            "n v1 {0,1} := v0 == 'v1'\n"
            "q P(v1=1 | v0=v0)");
}

TEST(Structure, RenameVariablesRewritesExpressionsAndTables) {
  const ModelAndQuery item = knobbed({});
  std::vector<std::string> names;
  for (VarId v = 0; v < item.scm.size(); ++v) names.push_back(item.scm.name(v) + "_r");
  const Scm r = rename_variables(item.scm, names);
  ASSERT_EQ(r.size(), item.scm.size());
  for (VarId v = 0; v < r.size(); ++v) {
    EXPECT_EQ(r.name(v), names[v]);
    EXPECT_EQ(r.domain(v), item.scm.domain(v));
    EXPECT_EQ(r.is_exogenous(v), item.scm.is_exogenous(v));
    if (r.is_exogenous(v)) {
      EXPECT_EQ(r.prior(v), item.scm.prior(v));
    } else {
      EXPECT_EQ(r.mechanism(v).parents(), item.scm.mechanism(v).parents());
    }
  }
  EXPECT_EQ(r.mechanism(*r.find("Y_r")).to_string(), "(X_r and M_r) or W_r == hi");
  EXPECT_EQ(r.mechanism(*r.find("T_r")).table().inputs, (std::vector<std::string>{"X_r", "W_r"}));
  // Same function on every world.
  const std::size_t k = r.exogenous().size();
  for (Value w = 0; w < 3; ++w) {
    for (Value u = 0; u < 4; ++u) {
      std::vector<Value> a(r.size(), 0);
      a[0] = u & 1U;
      a[1] = u >> 1U;
      a[2] = w;
      ASSERT_EQ(k, 3U);
      std::vector<Value> b = a;
      item.scm.evaluate(a);
      r.evaluate(b);
      EXPECT_EQ(a, b);
    }
  }
  // Identity renaming gives an equal model; bad renamings are refused by the builder.
  std::vector<std::string> same;
  for (VarId v = 0; v < item.scm.size(); ++v) same.push_back(item.scm.name(v));
  EXPECT_EQ(rename_variables(item.scm, same), item.scm);
  std::vector<std::string> dup = same;
  dup[1] = dup[0];
  EXPECT_THROW((void)rename_variables(item.scm, dup), InvalidModel);
  std::vector<std::string> label = same;
  label[0] = "hi";  // a value of W
  EXPECT_THROW((void)rename_variables(item.scm, label), InvalidModel);
  EXPECT_THROW((void)rename_variables(item.scm, {"A"}), InvalidModel);
}

TEST(Structure, TwelveIdenticalNoisesIntoOneOrStayFastAndInvariant) {
  const ModelAndQuery item = parse_item([](ScmBuilder& b) {
    std::string expr;
    for (int i = 0; i < 12; ++i) {
      b.bernoulli(fmt::format("U{}", i), Rational(1, 2));
      expr += fmt::format("{}U{}", i > 0 ? " or " : "", i);
    }
    b.endogenous("Y", expr);
  }, "P(Y=1)");
  expect_invariant(item, 30, 11);
}

TEST(Structure, SymmetricDiamondStaysFastAndInvariant) {
  const ModelAndQuery item = parse_item([](ScmBuilder& b) {
    b.bernoulli("U", Rational(1, 2));
    b.bernoulli("UA", Rational(1, 2));
    b.bernoulli("UB", Rational(1, 2));
    b.endogenous("A", "U xor UA");
    b.endogenous("B", "U xor UB");
    b.endogenous("D", "A and B");
  }, "P(D[A=1]=1)");
  expect_invariant(item, 30, 12);
  // Crossed: swapping (U1, U2) together with (Y, Z) is an automorphism.
  const ModelAndQuery crossed = parse_item([](ScmBuilder& b) {
    b.bernoulli("U1", Rational(1, 2));
    b.bernoulli("U2", Rational(1, 2));
    b.endogenous("Y", "U1 or U2");
    b.endogenous("Z", "U2 or U1");
    b.endogenous("S", "Y and Z");
  }, "P(S=1)");
  expect_invariant(crossed, 30, 13);
}

TEST(Structure, ManyInterchangeableComponentsStayFastAndInvariant) {
  // 12 identical, disconnected U_i -> X_i pairs: 12! automorphisms.
  const ModelAndQuery pairs = parse_item([](ScmBuilder& b) {
    for (int i = 0; i < 12; ++i) {
      b.bernoulli(fmt::format("U{}", i), Rational(1, 2));
      b.endogenous(fmt::format("X{}", i), fmt::format("not U{}", i));
    }
  }, "P(X0=1)");
  expect_invariant(pairs, 20, 21);
  // 6 identical diamonds with their own noises.
  const ModelAndQuery diamonds = parse_item([](ScmBuilder& b) {
    for (int i = 0; i < 6; ++i) {
      b.bernoulli(fmt::format("U{}", i), Rational(1, 2));
      b.endogenous(fmt::format("A{}", i), fmt::format("U{}", i));
      b.endogenous(fmt::format("B{}", i), fmt::format("not U{}", i));
      b.endogenous(fmt::format("D{}", i), fmt::format("A{} or B{}", i, i));
    }
  }, "P(D0=1, D1=1)");
  expect_invariant(diamonds, 20, 22);
  // 12 unused identical noises beside a tiny model, and 8 identical children of every noise.
  const ModelAndQuery unused = parse_item([](ScmBuilder& b) {
    for (int i = 0; i < 12; ++i) b.bernoulli(fmt::format("N{}", i), Rational(1, 2));
    b.bernoulli("U", Rational(1, 3));
    b.endogenous("Y", "U");
  }, "P(Y=1)");
  expect_invariant(unused, 20, 23);
  const ModelAndQuery children = parse_item([](ScmBuilder& b) {
    std::string expr;
    for (int i = 0; i < 6; ++i) {
      b.bernoulli(fmt::format("U{}", i), Rational(1, 2));
      expr += fmt::format("{}U{}", i > 0 ? " or " : "", i);
    }
    for (int j = 0; j < 8; ++j) b.endogenous(fmt::format("C{}", j), expr);
  }, "P(C0=1 | C1=0)");
  expect_invariant(children, 20, 24);
}

/// Rings U_i -> X_i <- U_{i+1} (X_i := U_i xor U_{i+1}) of the given sizes.
ModelAndQuery rings(const std::vector<int>& sizes, std::string_view query) {
  return parse_item([&](ScmBuilder& b) {
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      for (int i = 0; i < sizes[r]; ++i) b.bernoulli(fmt::format("U{}_{}", r, i), Rational(1, 2));
      for (int i = 0; i < sizes[r]; ++i) {
        b.endogenous(fmt::format("X{}_{}", r, i), fmt::format("U{}_{} xor U{}_{}", r, i, r, (i + 1) % sizes[r]));
      }
    }
    b.bernoulli("R", Rational(1, 3));
    b.endogenous("S", "R");
  }, query);
}

TEST(Structure, VariablesThatRefinementCannotTellApartAreResolvedBySearch) {
  // Every U reads alike and every X too, yet a U of the 6-ring is not equivalent to one of a
  // 3-ring: which one is individualised first must not matter.
  expect_invariant(rings({6, 3, 3}, "P(S=1)"), 40, 31);
  expect_invariant(rings({3, 6, 3}, "P(X1_0=1)"), 40, 32);
  expect_invariant(rings({4, 8, 4, 2}, "P(S=1)"), 40, 33);
  expect_invariant(rings({5, 5, 10}, "P(S=1 | X2_3=0)"), 40, 34);
  // ... and the structures differ.
  const ModelAndQuery one = rings({6}, "P(S=1)");
  const ModelAndQuery two = rings({3, 3}, "P(S=1)");
  EXPECT_NE(canonical_form(one.scm, one.query), canonical_form(two.scm, two.query));
}

TEST(Structure, DifferentGraphsOfTheSameSizeDiffer) {
  // Identical parts wired differently: a chain vs a fork.
  const ModelAndQuery chain = parse_item([](ScmBuilder& b) {
    b.bernoulli("U", Rational(1, 2));
    b.endogenous("A", "U");
    b.endogenous("B", "A");
    b.endogenous("C", "B");
  }, "P(C=1)");
  const ModelAndQuery fork = parse_item([](ScmBuilder& b) {
    b.bernoulli("U", Rational(1, 2));
    b.endogenous("A", "U");
    b.endogenous("B", "A");
    b.endogenous("C", "A");
  }, "P(C=1)");
  EXPECT_NE(structure_hash(chain.scm, chain.query), structure_hash(fork.scm, fork.query));
  // The same model, the query on another (non-equivalent) variable.
  const ModelAndQuery fork_b = parse_item([](ScmBuilder& b) {
    b.bernoulli("U", Rational(1, 2));
    b.endogenous("A", "U");
    b.endogenous("B", "A");
    b.endogenous("C", "A");
  }, "P(A=1)");
  EXPECT_NE(structure_hash(fork.scm, fork.query), structure_hash(fork_b.scm, fork_b.query));
  // ... and on an equivalent one: B and C are interchangeable.
  const ModelAndQuery fork_c = parse_item([](ScmBuilder& b) {
    b.bernoulli("U", Rational(1, 2));
    b.endogenous("A", "U");
    b.endogenous("B", "A");
    b.endogenous("C", "A");
  }, "P(B=1)");
  EXPECT_EQ(canonical_form(fork.scm, fork.query), canonical_form(fork_c.scm, fork_c.query));
}

}  // namespace
}  // namespace rung
