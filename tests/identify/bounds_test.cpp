// Bounds when a query is not identifiable (issue #17, item 4). Each bound is checked against a
// second derivation: the response-function LP against the model's own answer (solve) on random
// SCMs, against the natural bounds, against Balke & Pearl's closed-form IV bounds on random IV
// distributions; Tian & Pearl's closed forms against the LP over the 8 response-type pairs of
// (X, Y) on random models, and against the PN, PS, PNS that solve gives on random confounded SCMs.
#include "rung/identify/bounds.hpp"

#include "rung/core/error.hpp"
#include "rung/gen/random.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/model_file.hpp"
#include "rung/io/scm_text.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "random_case.hpp"

namespace rung {
namespace {

using testing_support::mask;
using testing_support::RandomCase;
using testing_support::random_case;

/// A random distribution over `size` outcomes, each 0 with probability 1/`zero_in`, else a
/// weight from 1 to 9; all on `fallback` when every weight came out 0.
std::vector<Rational> sparse_distribution(Rng& rng, std::size_t size, std::uint64_t zero_in, std::size_t fallback) {
  std::vector<Rational> q(size);
  Rational total = 0;
  for (auto& v : q) {
    v = rng.chance(1, zero_in) ? 0 : rng.between(1, 9);
    total += v;
  }
  if (total == 0) q[fallback] = total = 1;
  for (auto& v : q) v /= total;
  return q;
}

/// `inputs` combined in a random order by and/or/xor, each negated with probability 1/3.
std::string random_expression(Rng& rng, std::vector<std::string> inputs) {
  for (std::size_t i = inputs.size() - 1; i > 0; --i) std::swap(inputs[i], inputs[static_cast<std::size_t>(rng.below(i + 1))]);
  const char* ops[] = {" and ", " or ", " xor "};
  std::string body;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string term = (rng.chance(1, 3) ? "not " : "") + inputs[i];
    body = i == 0 ? term : "(" + body + ops[rng.below(3)] + term + ")";
  }
  return body;
}

std::string bernoulli(Rng& rng, const char* name) { return fmt::format("exogenous {} ~ Bernoulli({}/10)\n", name, rng.between(1, 9)); }

/// A random binary IV model: Z -> X -> Y, hidden U (and maybe V) causing X and Y.
Scm random_iv(Rng& rng) {
  std::string text = bernoulli(rng, "U") + bernoulli(rng, "V") + bernoulli(rng, "U_Z") + bernoulli(rng, "U_X") + bernoulli(rng, "U_Y");
  std::vector<std::string> x_in{"Z", "U", "U_X"}, y_in{"X", "U", "U_Y"};
  if (rng.chance(1, 2)) x_in.emplace_back("V");
  if (rng.chance(1, 2)) y_in.emplace_back("V");
  text += "Z := U_Z\n";
  text += fmt::format("X := {}\n", random_expression(rng, x_in));
  text += fmt::format("Y := {}\n", random_expression(rng, y_in));
  return read_scm_text(text);
}

/// A random bow arc: X -> Y, hidden U causing both.
Scm random_bow(Rng& rng) {
  std::string text = bernoulli(rng, "U") + bernoulli(rng, "U_X") + bernoulli(rng, "U_Y");
  text += fmt::format("X := {}\n", random_expression(rng, {"U", "U_X"}));
  text += fmt::format("Y := {}\n", random_expression(rng, {"X", "U", "U_Y"}));
  return read_scm_text(text);
}

Rational answer(const Scm& m, const std::string& query) { return solve(m, parse_query(query, m)).value; }

TEST(ResponseFunctionBounds, InstrumentBoundsHoldTheTruthWithinTheNaturalBounds) {
  Rng rng(417);
  int tighter = 0, ate_informative = 0;
  for (int k = 0; k < 300; ++k) {
    const Scm m = random_iv(rng);
    const Admg g = Admg::of(m);
    const int z = g.index(*m.find("Z")), x = g.index(*m.find("X")), y = g.index(*m.find("Y"));
    ASSERT_EQ(g.parents(x), VarMask{1} << z);
    ASSERT_EQ(g.parents(y), VarMask{1} << x);
    ASSERT_TRUE(g.bidirected(x, y));
    const ObservedJoint p = observed_joint(m, g);
    const ResponseFunctionLp lp(p);
    EXPECT_TRUE(lp.sharp());
    EXPECT_EQ(lp.roots(), VarMask{1} << z);
    EXPECT_EQ(lp.columns(), 16U);  // X: 4 functions of Z; Y: 4 functions of X
    std::vector<std::uint32_t> at(3, 0), at_prime(3, 0);
    at[static_cast<std::size_t>(y)] = 1;
    at_prime[static_cast<std::size_t>(y)] = 1;
    at[static_cast<std::size_t>(x)] = 1;
    const Rational truth1 = answer(m, "P(Y=1 | do(X=1))"), truth0 = answer(m, "P(Y=1 | do(X=0))");
    for (const auto& [values, truth] : {std::pair{at, truth1}, std::pair{at_prime, truth0}}) {
      const Bounds b = lp.effect(VarMask{1} << y, VarMask{1} << x, values);
      const Bounds natural = natural_bounds(p, VarMask{1} << y, VarMask{1} << x, values);
      EXPECT_LE(b.lower, truth) << "case " << k;
      EXPECT_GE(b.upper, truth) << "case " << k;
      EXPECT_LE(natural.lower, b.lower) << "case " << k;
      EXPECT_GE(natural.upper, b.upper) << "case " << k;
      tighter += (natural.lower < b.lower || b.upper < natural.upper) ? 1 : 0;
    }
    const Bounds ate = lp.difference(VarMask{1} << y, VarMask{1} << x, at, at_prime);
    EXPECT_LE(ate.lower, truth1 - truth0) << "case " << k;
    EXPECT_GE(ate.upper, truth1 - truth0) << "case " << k;
    ate_informative += (ate.upper - ate.lower < 1) ? 1 : 0;
    if (::testing::Test::HasFailure()) return;
  }
  // The instrument narrows the natural bounds in many models.
  EXPECT_GT(tighter, 50);
  EXPECT_GT(ate_informative, 100);
  std::printf("IV: LP tighter than natural in %d of 600 bounds; ATE interval shorter than 1 in %d of 300\n", tighter, ate_informative);
}

/// Balke & Pearl (1997): the sharp bounds on the ATE P(y1 | do(x1)) - P(y1 | do(x0)) with an
/// instrument, each the max / min of eight expressions in p[y][x][z] = P(Y=y, X=x | Z=z).
Bounds balke_pearl(const Rational (&p)[2][2][2]) {
  const Rational lower = std::max({Rational(p[0][0][0] + p[1][1][1] - 1), Rational(p[0][0][1] + p[1][1][1] - 1),
                                   Rational(p[1][1][0] + p[0][0][1] - 1), Rational(p[0][0][0] + p[1][1][0] - 1),
                                   Rational(2 * p[0][0][0] + p[1][1][0] + p[1][0][1] + p[1][1][1] - 2),
                                   Rational(p[0][0][0] + 2 * p[1][1][0] + p[0][0][1] + p[0][1][1] - 2),
                                   Rational(p[1][0][0] + p[1][1][0] + 2 * p[0][0][1] + p[1][1][1] - 2),
                                   Rational(p[0][0][0] + p[0][1][0] + p[0][0][1] + 2 * p[1][1][1] - 2)});
  const Rational upper = std::min({Rational(1 - p[1][0][0] - p[0][1][1]), Rational(1 - p[0][1][0] - p[1][0][1]),
                                   Rational(1 - p[0][1][0] - p[1][0][0]), Rational(1 - p[0][1][1] - p[1][0][1]),
                                   Rational(2 - 2 * p[0][1][0] - p[1][0][0] - p[1][0][1] - p[1][1][1]),
                                   Rational(2 - p[0][1][0] - 2 * p[1][0][0] - p[0][0][1] - p[0][1][1]),
                                   Rational(2 - p[1][0][0] - p[1][1][0] - 2 * p[0][1][1] - p[1][0][1]),
                                   Rational(2 - p[0][0][0] - p[0][1][0] - p[0][1][1] - 2 * p[1][0][1])});
  return {lower, upper};
}

TEST(ResponseFunctionBounds, BalkePearlClosedFormsEqualTheLinearProgram) {
  // Any IV model fixes the graph; the distributions are drawn at random below.
  const Scm m = read_scm_text("exogenous U ~ Bernoulli(1/2)\nexogenous U_Z ~ Bernoulli(1/2)\nZ := U_Z\nX := Z xor U\nY := X xor U\n");
  const Admg g = Admg::of(m);
  const int z = g.index(*m.find("Z")), x = g.index(*m.find("X")), y = g.index(*m.find("Y"));
  auto cell = [&](std::uint32_t zv, std::uint32_t xv, std::uint32_t yv) {
    std::vector<std::uint32_t> v(3);
    v[static_cast<std::size_t>(z)] = zv;
    v[static_cast<std::size_t>(x)] = xv;
    v[static_cast<std::size_t>(y)] = yv;
    return (v[0] * 2 + v[1]) * 2 + v[2];
  };
  Rng rng(1997);
  int informative = 0;
  for (int k = 0; k < 300; ++k) {
    // A random canonical model: q over (X's response to Z, Y's response to X), P(Z=1).
    const std::vector<Rational> q = sparse_distribution(rng, 16, 2, 0);
    const Rational pz1(rng.between(1, 9), 10);
    std::vector<Rational> cells(8);
    Rational truth = 0;  // the model's ATE
    for (std::uint32_t t = 0; t < 16; ++t) {
      const std::uint32_t tx = t / 4, ty = t % 4;
      truth += q[t] * (static_cast<int>((ty >> 1) & 1U) - static_cast<int>(ty & 1U));
      for (std::uint32_t zv = 0; zv < 2; ++zv) {
        const std::uint32_t xv = (tx >> zv) & 1U, yv = (ty >> xv) & 1U;
        cells[cell(zv, xv, yv)] += q[t] * (zv == 1 ? pz1 : Rational(1 - pz1));
      }
    }
    Rational pc[2][2][2];
    for (std::uint32_t yv = 0; yv < 2; ++yv) {
      for (std::uint32_t xv = 0; xv < 2; ++xv) {
        for (std::uint32_t zv = 0; zv < 2; ++zv) pc[yv][xv][zv] = cells[cell(zv, xv, yv)] / (zv == 1 ? pz1 : Rational(1 - pz1));
      }
    }
    const ObservedJoint p(g, cells);
    const ResponseFunctionLp lp(p);
    std::vector<std::uint32_t> at(3, 0), at_prime(3, 0);
    at[static_cast<std::size_t>(y)] = at_prime[static_cast<std::size_t>(y)] = 1;
    at[static_cast<std::size_t>(x)] = 1;
    const Bounds got = lp.difference(VarMask{1} << y, VarMask{1} << x, at, at_prime);
    const Bounds want = balke_pearl(pc);
    EXPECT_EQ(got.lower, want.lower) << "case " << k;
    EXPECT_EQ(got.upper, want.upper) << "case " << k;
    EXPECT_LE(got.lower, truth) << "case " << k;
    EXPECT_GE(got.upper, truth) << "case " << k;
    informative += (want.upper - want.lower < 1) ? 1 : 0;
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(informative, 100);
}

TEST(ResponseFunctionBounds, BowArcGivesExactlyTheNaturalBounds) {
  Rng rng(1234);
  for (int k = 0; k < 200; ++k) {
    const Scm m = random_bow(rng);
    const Admg g = Admg::of(m);
    const VarMask x = mask(g, {"X"}), y = mask(g, {"Y"});
    ASSERT_TRUE(g.bidirected(g.index(*m.find("X")), g.index(*m.find("Y"))));
    const ObservedJoint p = observed_joint(m, g);
    const ResponseFunctionLp lp(p);
    EXPECT_TRUE(lp.sharp());
    EXPECT_EQ(lp.roots(), VarMask{0});
    EXPECT_EQ(lp.columns(), 8U);  // X: 2 constants; Y: 4 functions of X
    for (std::uint32_t xv = 0; xv < 2; ++xv) {
      for (std::uint32_t yv = 0; yv < 2; ++yv) {
        std::vector<std::uint32_t> at(2);
        at[static_cast<std::size_t>(g.index(*m.find("X")))] = xv;
        at[static_cast<std::size_t>(g.index(*m.find("Y")))] = yv;
        const Bounds b = lp.effect(y, x, at);
        const Bounds natural = natural_bounds(p, y, x, at);
        EXPECT_EQ(b.lower, natural.lower) << "case " << k;
        EXPECT_EQ(b.upper, natural.upper) << "case " << k;
        const Rational truth = answer(m, fmt::format("P(Y={} | do(X={}))", yv, xv));
        EXPECT_TRUE(b.lower <= truth && truth <= b.upper) << "case " << k;
      }
    }
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(ResponseFunctionBounds, BowArcExample) {
  const Scm m = read_model_file(RUNG_EXAMPLES_DIR "/bow_arc.scm");
  const Admg g = Admg::of(m);
  const ResponseFunctionLp lp(observed_joint(m, g));
  const std::vector<std::uint32_t> at{1, 1};  // X=1, Y=1
  const Bounds b = lp.effect(mask(g, {"Y"}), mask(g, {"X"}), at);
  EXPECT_EQ(b.lower, Rational(1, 6));
  EXPECT_EQ(b.upper, Rational(2, 3));
  EXPECT_EQ(answer(m, "P(Y=1 | do(X=1))"), Rational(2, 3));  // the model sits at the upper bound
}

TEST(ResponseFunctionBounds, InstrumentExample) {
  // docs/identification.md's worked example: the natural bounds, the sharp LP bounds, the ATE's.
  const Scm m = read_model_file(RUNG_EXAMPLES_DIR "/instrument.scm");
  const Admg g = Admg::of(m);
  const ObservedJoint p = observed_joint(m, g);
  const ResponseFunctionLp lp(p);
  EXPECT_TRUE(lp.sharp());
  EXPECT_EQ(lp.columns(), 16U);
  EXPECT_EQ(lp.rows(), 8U);  // 2 values of Z times 4 of (X, Y)
  EXPECT_EQ(lp.rank(), 7U);  // the two blocks each sum to 1: one row is redundant
  const VarMask x = mask(g, {"X"}), y = mask(g, {"Y"});
  const std::vector<std::uint32_t> at{0, 1, 1}, at_prime{0, 0, 1};  // (Z, X, Y)
  const Bounds treated = lp.effect(y, x, at), untreated = lp.effect(y, x, at_prime), ate = lp.difference(y, x, at, at_prime);
  std::printf("instrument: [%s, %s], [%s, %s], ATE [%s, %s]\n", to_string(treated.lower).c_str(), to_string(treated.upper).c_str(),
              to_string(untreated.lower).c_str(), to_string(untreated.upper).c_str(), to_string(ate.lower).c_str(),
              to_string(ate.upper).c_str());
  EXPECT_EQ(treated.lower, Rational(12, 25));
  EXPECT_EQ(treated.upper, Rational(3, 5));
  EXPECT_EQ(untreated.lower, Rational(9, 50));
  EXPECT_EQ(untreated.upper, Rational(13, 50));
  EXPECT_EQ(ate.lower, Rational(11, 50));
  EXPECT_EQ(ate.upper, Rational(21, 50));
  const Rational truth = answer(m, "P(Y=1 | do(X=1))") - answer(m, "P(Y=1 | do(X=0))");
  EXPECT_TRUE(ate.lower <= truth && truth <= ate.upper);
  // Never wider than the difference of the two intervals.
  EXPECT_GE(ate.lower, treated.lower - untreated.upper);
  EXPECT_LE(ate.upper, treated.upper - untreated.lower);
}

TEST(ResponseFunctionBounds, IdentifiedEffectsAreAPoint) {
  // X -> Y without confounding: X is a free root, the bounds collapse to P(y | x).
  Rng rng(99);
  for (int k = 0; k < 100; ++k) {
    std::string text = bernoulli(rng, "U_X") + bernoulli(rng, "U_Y") + bernoulli(rng, "U_W");
    text += "W := U_W\nX := " + random_expression(rng, {"U_X"}) + "\nY := " + random_expression(rng, {"X", "W", "U_Y"}) + "\n";
    const Scm m = read_scm_text(text);
    const Admg g = Admg::of(m);
    const ResponseFunctionLp lp(observed_joint(m, g));
    EXPECT_EQ(lp.roots(), mask(g, {"X", "W"}));
    for (std::uint32_t xv = 0; xv < 2; ++xv) {
      std::vector<std::uint32_t> at(3, 0);
      at[static_cast<std::size_t>(g.index(*m.find("X")))] = xv;
      at[static_cast<std::size_t>(g.index(*m.find("Y")))] = 1;
      const Bounds b = lp.effect(mask(g, {"Y"}), mask(g, {"X"}), at);
      EXPECT_EQ(b.lower, b.upper) << "case " << k;
      EXPECT_EQ(b.lower, answer(m, fmt::format("P(Y=1 | do(X={}))", xv))) << "case " << k;
    }
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(ResponseFunctionBounds, RandomGraphsBoundTheTruth) {
  // Valid on every graph, sharp or not (several c-components: the LP drops their independence).
  Rng rng(20261217);
  int checked = 0, not_sharp = 0, too_large = 0;
  for (int k = 0; k < 400; ++k) {
    RandomCase c = random_case(rng, 2, 5);
    const Admg g = Admg::of(c.model, c.hidden);
    if (g.size() < 2) continue;
    const std::uint64_t columns = ResponseFunctionLp::count_columns(g);
    if (columns > kMaxResponseColumns) {
      ++too_large;
      EXPECT_THROW(ResponseFunctionLp(observed_joint(c.model, g)), TooLarge);
      continue;
    }
    if (columns > 4096) continue;  // allowed, but slow under the sanitizers
    const int xi = static_cast<int>(rng.below(static_cast<std::uint64_t>(g.size())));
    int yi = static_cast<int>(rng.below(static_cast<std::uint64_t>(g.size() - 1)));
    if (yi >= xi) ++yi;
    const ObservedJoint p = observed_joint(c.model, g);
    const ResponseFunctionLp lp(p);
    // The same program solved by the exact simplex alone (no double solve proposing bases).
    const ResponseFunctionLp exact_only(p, {.float_first = false});
    not_sharp += lp.sharp() ? 0 : 1;
    std::vector<std::uint32_t> at(static_cast<std::size_t>(g.size()), 0);
    at[static_cast<std::size_t>(xi)] = static_cast<std::uint32_t>(rng.below(2));
    at[static_cast<std::size_t>(yi)] = 1;
    const Rational truth = answer(c.model, fmt::format("P({}=1 | do({}={}))", g.name(yi), g.name(xi), at[static_cast<std::size_t>(xi)]));
    const Bounds b = lp.effect(VarMask{1} << yi, VarMask{1} << xi, at);
    EXPECT_LE(b.lower, truth) << "case " << k;
    EXPECT_GE(b.upper, truth) << "case " << k;
    // Never wider than the natural bounds (the LP knows at least what they use).
    const Bounds natural = natural_bounds(p, VarMask{1} << yi, VarMask{1} << xi, at);
    EXPECT_LE(natural.lower, b.lower) << "case " << k;
    EXPECT_GE(natural.upper, b.upper) << "case " << k;
    ++checked;
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(checked, 250);
  EXPECT_GT(not_sharp, 50);
  std::printf("random graphs: %d checked (%d not sharp), %d over the size limit\n", checked, not_sharp, too_large);
}

TEST(ResponseFunctionBounds, SizeGuardAndBadQueries) {
  // Y with six binary parents has 2^64 response types.
  std::string text;
  std::string inputs;
  for (int i = 0; i < 6; ++i) {
    text += fmt::format("exogenous U{} ~ Bernoulli(1/2)\nP{} := U{}\n", i, i, i);
    inputs += fmt::format("P{} xor ", i);
  }
  text += "exogenous U ~ Bernoulli(1/2)\nY := " + inputs + "U\n";
  const Scm m = read_scm_text(text);
  const Admg g = Admg::of(m);
  EXPECT_GT(ResponseFunctionLp::count_columns(g), kMaxResponseColumns);
  try {
    (void)ResponseFunctionLp(observed_joint(m, g));
    ADD_FAILURE() << "no TooLarge";
  } catch (const TooLarge& e) {
    EXPECT_NE(std::string(e.what()).find("10^19.3 columns"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("16384"), std::string::npos) << e.what();
  }
  const Scm bow = read_model_file(RUNG_EXAMPLES_DIR "/bow_arc.scm");
  const Admg gb = Admg::of(bow);
  const ResponseFunctionLp lp(observed_joint(bow, gb));
  EXPECT_THROW((void)lp.effect(mask(gb, {"X"}), mask(gb, {"X"}), {1, 1}), InvalidQuery);
  EXPECT_THROW((void)lp.effect(mask(gb, {"Y"}), mask(gb, {"X"}), {2, 1}), InvalidQuery);
}

// ---- Tian & Pearl ---------------------------------------------------------------------------

/// The LP over the joint of X's response (a constant) and Y's (a function of X): column
/// t = 4 x + 2 y1 + y0 with x = X, y1 = Y_{X=1}, y0 = Y_{X=0}. Rows: P(X, Y) and, with
/// experiments, P(Y_{X=1} = 1), P(Y_{X=0} = 1).
struct CausationLp {
  std::vector<std::vector<Rational>> a;
  std::vector<Rational> b;
};

CausationLp causation_lp(const CausationData& d) {
  CausationLp out;
  auto indicator = [](auto pred) {
    std::vector<Rational> row(8);
    for (int t = 0; t < 8; ++t) row[static_cast<std::size_t>(t)] = pred(t / 4, (t / 2) % 2, t % 2) ? 1 : 0;
    return row;
  };
  // Y = Y_{X=x} for the units with X = x.
  out.a.push_back(indicator([](int x, int y1, int) { return x == 1 && y1 == 1; }));
  out.a.push_back(indicator([](int x, int y1, int) { return x == 1 && y1 == 0; }));
  out.a.push_back(indicator([](int x, int, int y0) { return x == 0 && y0 == 1; }));
  out.a.push_back(indicator([](int x, int, int y0) { return x == 0 && y0 == 0; }));
  out.b = {d.xy, d.xy_prime, d.x_prime_y, d.x_prime_y_prime};
  if (d.y_x) {
    out.a.push_back(indicator([](int, int y1, int) { return y1 == 1; }));
    out.a.push_back(indicator([](int, int, int y0) { return y0 == 1; }));
    out.b.push_back(*d.y_x);
    out.b.push_back(*d.y_x_prime);
  }
  return out;
}

Bounds lp_bounds(const CausationLp& c, const std::vector<Rational>& objective) {
  const LinearProgram lp(c.a, c.b);
  const LpResult lo = lp.minimize(objective), hi = lp.maximize(objective);
  EXPECT_EQ(lo.status, LpResult::Status::optimal);
  EXPECT_EQ(hi.status, LpResult::Status::optimal);
  return {lo.value, hi.value};
}

TEST(TianPearlBounds, ClosedFormsEqualTheLinearProgram) {
  Rng rng(2000);
  int narrowed = 0;
  for (int k = 0; k < 400; ++k) {
    // A random model: q over the 8 (X, Y_{X=1}, Y_{X=0}) types, many of them 0.
    const std::vector<Rational> q = sparse_distribution(rng, 8, 3, 7);
    auto sum = [&](auto pred) {
      Rational s = 0;
      for (int t = 0; t < 8; ++t) {
        if (pred(t / 4, (t / 2) % 2, t % 2)) s += q[static_cast<std::size_t>(t)];
      }
      return s;
    };
    CausationData d{sum([](int x, int y1, int) { return x == 1 && y1 == 1; }), sum([](int x, int y1, int) { return x == 1 && y1 == 0; }),
                    sum([](int x, int, int y0) { return x == 0 && y0 == 1; }), sum([](int x, int, int y0) { return x == 0 && y0 == 0; }),
                    sum([](int, int y1, int) { return y1 == 1; }), sum([](int, int, int y0) { return y0 == 1; })};
    const Rational pns_truth = sum([](int, int y1, int y0) { return y1 == 1 && y0 == 0; });
    std::vector<Rational> pns(8), pn(8), ps(8);
    for (int t = 0; t < 8; ++t) {
      const bool benefit = (t / 2) % 2 == 1 && t % 2 == 0;  // Y_{X=1} = 1, Y_{X=0} = 0
      pns[static_cast<std::size_t>(t)] = benefit ? 1 : 0;
      if (d.xy != 0) pn[static_cast<std::size_t>(t)] = benefit && t / 4 == 1 ? 1 / d.xy : Rational(0);
      if (d.x_prime_y_prime != 0) ps[static_cast<std::size_t>(t)] = benefit && t / 4 == 0 ? 1 / d.x_prime_y_prime : Rational(0);
    }
    for (const bool experimental : {true, false}) {
      CausationData data = d;
      if (!experimental) data.y_x = data.y_x_prime = std::nullopt;
      const CausationLp c = causation_lp(data);
      const Bounds closed = pns_bounds(data), linear = lp_bounds(c, pns);
      EXPECT_EQ(closed.lower, linear.lower) << "case " << k << " PNS";
      EXPECT_EQ(closed.upper, linear.upper) << "case " << k << " PNS";
      EXPECT_TRUE(closed.lower <= pns_truth && pns_truth <= closed.upper) << "case " << k;
      if (d.xy != 0) {
        const Bounds a = pn_bounds(data), b = lp_bounds(c, pn);
        EXPECT_EQ(a.lower, b.lower) << "case " << k << " PN";
        EXPECT_EQ(a.upper, b.upper) << "case " << k << " PN";
        narrowed += experimental && (a.upper - a.lower < 1) ? 1 : 0;
      } else {
        EXPECT_THROW((void)pn_bounds(data), ZeroProbabilityEvidence);
      }
      if (d.x_prime_y_prime != 0) {
        const Bounds a = ps_bounds(data), b = lp_bounds(c, ps);
        EXPECT_EQ(a.lower, b.lower) << "case " << k << " PS";
        EXPECT_EQ(a.upper, b.upper) << "case " << k << " PS";
      } else {
        EXPECT_THROW((void)ps_bounds(data), ZeroProbabilityEvidence);
      }
    }
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(narrowed, 100);
}

Estimand x_on_y(Estimand::Kind kind) {
  Estimand e;
  e.kind = kind;
  e.treatment = "X";
  e.outcome = "Y";
  return e;
}

TEST(TianPearlBounds, ConfoundedModelsLieWithinTheBounds) {
  Rng rng(2001);
  int checked = 0;
  for (int k = 0; k < 300; ++k) {
    const Scm m = random_bow(rng);
    Estimand e = x_on_y(Estimand::Kind::pns);
    const CausationData d = causation_data(m, e), observational = causation_data(m, e, false);
    EXPECT_FALSE(observational.y_x.has_value());
    const Rational pns = solve(m, make_query(e, m)).value;
    for (const CausationData& data : {d, observational}) {
      const Bounds b = pns_bounds(data);
      EXPECT_TRUE(b.lower <= pns && pns <= b.upper) << "case " << k << " PNS " << to_string(pns);
    }
    if (d.xy != 0) {
      e.kind = Estimand::Kind::pn;
      const Rational pn = solve(m, make_query(e, m)).value;
      const Bounds b = pn_bounds(d);
      EXPECT_TRUE(b.lower <= pn && pn <= b.upper) << "case " << k << " PN " << to_string(pn);
    }
    if (d.x_prime_y_prime != 0) {
      e.kind = Estimand::Kind::ps;
      const Rational ps = solve(m, make_query(e, m)).value;
      const Bounds b = ps_bounds(d);
      EXPECT_TRUE(b.lower <= ps && ps <= b.upper) << "case " << k << " PS " << to_string(ps);
    }
    ++checked;
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_EQ(checked, 300);
}

TEST(TianPearlBounds, BowArcExample) {
  // docs/identification.md: X = U, Y = U_Y observationally; experiments pin all three down.
  const Scm m = read_model_file(RUNG_EXAMPLES_DIR "/bow_arc.scm");
  const CausationData d = causation_data(m, x_on_y(Estimand::Kind::pns)), o = causation_data(m, x_on_y(Estimand::Kind::pns), false);
  EXPECT_EQ(d.xy, Rational(1, 6));
  EXPECT_EQ(*d.y_x, Rational(2, 3));
  EXPECT_EQ(*d.y_x_prime, Rational(2, 3));
  const Bounds pns = pns_bounds(d), pn = pn_bounds(d), ps = ps_bounds(d);
  EXPECT_EQ(pns.lower, Rational(1, 3));
  EXPECT_EQ(pns.upper, Rational(1, 3));
  EXPECT_EQ(pn.lower, 0);
  EXPECT_EQ(pn.upper, 0);
  EXPECT_EQ(ps.lower, 1);
  EXPECT_EQ(ps.upper, 1);
  EXPECT_EQ(pns_bounds(o).upper, Rational(1, 2));
  EXPECT_EQ(pn_bounds(o).upper, 1);
  for (const auto kind : {Estimand::Kind::pns, Estimand::Kind::pn, Estimand::Kind::ps}) {
    const Rational truth = solve(m, make_query(x_on_y(kind), m)).value;
    EXPECT_EQ(truth, kind == Estimand::Kind::pns ? pns.lower : kind == Estimand::Kind::pn ? pn.lower : ps.lower);
  }
}

TEST(TianPearlBounds, ZeroProbabilityAndContradictoryData) {
  // Nobody treated: PN conditions on an impossible event.
  const CausationData none{Rational(0), Rational(0), Rational(1, 2), Rational(1, 2), Rational(1, 3), Rational(1, 2)};
  try {
    (void)pn_bounds(none);
    ADD_FAILURE() << "no error";
  } catch (const ZeroProbabilityEvidence& e) {
    EXPECT_NE(std::string(e.what()).find("zero-probability evidence"), std::string::npos);
  }
  EXPECT_NO_THROW((void)pns_bounds(none));
  // P(y_x) below P(x, y): no model has it.
  const CausationData bad{Rational(1, 2), Rational(0), Rational(1, 4), Rational(1, 4), Rational(1, 3), Rational(1, 2)};
  EXPECT_THROW((void)pns_bounds(bad), InvalidQuery);
  CausationData half = bad;
  half.y_x_prime = std::nullopt;
  EXPECT_THROW((void)pns_bounds(half), InvalidQuery);
  const Scm three = read_scm_text("exogenous U in {0, 1, 2} ~ Uniform\nX in {0, 1, 2} := U\nY := X == 1\n");
  EXPECT_THROW((void)causation_data(three, x_on_y(Estimand::Kind::pns)), InvalidQuery);
}

// ---- Counterfactual objectives ----------------------------------------------------------------

/// The cladder preset's forms (src/gen/cladder.cpp, effect_query): ETT about those with X = t,
/// NDE and NIE with baseline X = 0.
std::string ett_query(const std::string& x, const std::string& y, int t) {
  return fmt::format("E({0}[{1}={2}] | {1}={3}) - E({0}[{1}={3}] | {1}={3})", y, x, 1 - t, t);
}
std::string nde_query(const std::string& x, const std::string& m, const std::string& y) {
  return fmt::format("E({0}[{1}=1, {2}={2}[{1}=0]]) - E({0}[{1}=0])", y, x, m);
}
std::string nie_query(const std::string& x, const std::string& m, const std::string& y) {
  return fmt::format("E({0}[{1}=0, {2}={2}[{1}=1]]) - E({0}[{1}=0])", y, x, m);
}

Bounds query_bounds(const ResponseFunctionLp& lp, const Scm& m, const std::string& text) { return lp.bounds(parse_query(text, m), m); }

TEST(CounterfactualBounds, InterventionalQueriesEqualEffectAndDifference) {
  // The general entry point on P(y | do(x)) and the ATE is the program effect() and difference() solve.
  Rng rng(1812);
  int checked = 0;
  for (int k = 0; k < 200; ++k) {
    const RandomCase c = random_case(rng, 2, 4);
    const Admg g = Admg::of(c.model, c.hidden);
    if (g.size() < 2 || ResponseFunctionLp::count_columns(g) > 1024) continue;
    const ResponseFunctionLp lp(observed_joint(c.model, g));
    const int xi = static_cast<int>(rng.below(static_cast<std::uint64_t>(g.size())));
    int yi = static_cast<int>(rng.below(static_cast<std::uint64_t>(g.size() - 1)));
    if (yi >= xi) ++yi;
    const std::string& x = g.name(xi);
    const std::string& y = g.name(yi);
    std::vector<std::uint32_t> at1(static_cast<std::size_t>(g.size()), 0);
    at1[static_cast<std::size_t>(yi)] = 1;
    at1[static_cast<std::size_t>(xi)] = 1;
    std::vector<std::uint32_t> at0 = at1;
    at0[static_cast<std::size_t>(xi)] = 0;
    const Bounds effect = lp.effect(VarMask{1} << yi, VarMask{1} << xi, at1);
    const Bounds general = query_bounds(lp, c.model, fmt::format("P({}=1 | do({}=1))", y, x));
    EXPECT_EQ(general.lower, effect.lower) << "case " << k;
    EXPECT_EQ(general.upper, effect.upper) << "case " << k;
    const Bounds ate = lp.difference(VarMask{1} << yi, VarMask{1} << xi, at1, at0);
    const Bounds general_ate = query_bounds(lp, c.model, fmt::format("E({0}[{1}=1]) - E({0}[{1}=0])", y, x));
    EXPECT_EQ(general_ate.lower, ate.lower) << "case " << k;
    EXPECT_EQ(general_ate.upper, ate.upper) << "case " << k;
    // A factual probability is a point: the data give it.
    const Bounds factual = query_bounds(lp, c.model, fmt::format("P({}=1 | {}=0)", y, x));
    if (factual.lower == factual.upper) {
      EXPECT_EQ(factual.lower, answer(c.model, fmt::format("P({}=1 | {}=0)", y, x))) << "case " << k;
    } else {
      ADD_FAILURE() << "case " << k << ": a factual probability is not a point";
    }
    ++checked;
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(checked, 120);
}

TEST(CounterfactualBounds, RandomModelsLieWithinTheirBounds) {
  // Valid on every graph: the model's own ETT, NDE, NIE, PNS, PN and a nested probability with
  // evidence (solve(), by enumeration of the exogenous variables) lie in the program's bounds.
  Rng rng(20261205);
  int checked = 0, not_sharp = 0, informative = 0, zero = 0;
  std::size_t fallbacks = 0, objectives = 0;
  for (int k = 0; k < 300; ++k) {
    const RandomCase c = random_case(rng, 3, 5);
    const Admg g = Admg::of(c.model, c.hidden);
    if (g.size() < 3 || ResponseFunctionLp::count_columns(g) > 1024) continue;
    const ObservedJoint p = observed_joint(c.model, g);
    const ResponseFunctionLp lp(p);
    // The same program solved by the exact simplex alone (no double solve proposing bases).
    const ResponseFunctionLp exact_only(p, {.float_first = false});
    not_sharp += lp.sharp() ? 0 : 1;
    std::vector<int> pick{0, 1, 2};
    for (int i = 3; i < g.size(); ++i) {
      const auto j = rng.below(static_cast<std::uint64_t>(i + 1));
      if (j < 3) pick[j] = i;
    }
    const std::string& x = g.name(pick[0]);
    const std::string& m = g.name(pick[1]);
    const std::string& y = g.name(pick[2]);
    const std::vector<std::string> queries{
        ett_query(x, y, 0), ett_query(x, y, 1), nde_query(x, m, y), nie_query(x, m, y),
        fmt::format("P({0}[{1}=1]=1, {0}[{1}=0]=0)", y, x), fmt::format("P({0}[{1}=0]=0 | {1}=1, {0}=1)", y, x),
        fmt::format("P({0}[{1}=1, {2}={2}[{1}=0]]=1, {2}[{1}=1]=0 | {2}=1)", y, x, m)};
    for (const std::string& text : queries) {
      Rational truth;
      try {
        truth = answer(c.model, text);
      } catch (const ZeroProbabilityEvidence&) {
        EXPECT_THROW((void)query_bounds(lp, c.model, text), ZeroProbabilityEvidence) << "case " << k << ": " << text;
        ++zero;
        continue;
      }
      const Bounds b = query_bounds(lp, c.model, text);
      const Bounds e = query_bounds(exact_only, c.model, text);
      EXPECT_EQ(b.lower, e.lower) << "case " << k << ": " << text;
      EXPECT_EQ(b.upper, e.upper) << "case " << k << ": " << text;
      EXPECT_LE(b.lower, truth) << "case " << k << ": " << text;
      EXPECT_GE(b.upper, truth) << "case " << k << ": " << text;
      informative += b.upper - b.lower < (text.starts_with("E") ? 2 : 1) ? 1 : 0;
      ++checked;
    }
    fallbacks += lp.fallbacks();
    objectives += 2 * queries.size();
    EXPECT_EQ(exact_only.fallbacks(), 0U);
    if (::testing::Test::HasFailure()) return;
  }
  // The double solves' bases pass their certificate on nearly every objective (the point of
  // solving in doubles first); the results above are equal either way.
  EXPECT_LE(fallbacks * 50, objectives) << fallbacks << " of " << objectives << " objectives fell back to the exact simplex";
  EXPECT_GT(checked, 1000);
  EXPECT_GT(not_sharp, 30);
  EXPECT_GT(informative, 500);  // the data narrow most of them
  std::printf("counterfactual bounds on random models: %d checked (%d narrower than trivial), %d programs not sharp, %d "
              "zero-probability evidence; %zu of %zu objectives fell back to the exact simplex\n",
              checked, informative, not_sharp, zero, fallbacks, objectives);
}

/// The model the sharpness argument builds: each free root an independent exogenous copy with
/// its observed marginal, and one latent T drawn from `q` (its positive columns) that picks every
/// non-root's response type. Binary variables.
Scm attaining_model(const ResponseFunctionLp& lp, const Admg& g, const ObservedJoint& p, const std::vector<Rational>& q) {
  std::string text;
  std::vector<std::uint64_t> columns;
  std::vector<std::string> weights;
  for (std::uint64_t t = 0; t < q.size(); ++t) {
    if (q[t] > 0) {
      columns.push_back(t);
      weights.push_back(to_string(q[t]));
    }
  }
  std::vector<std::string> labels;
  for (std::uint64_t t : columns) labels.push_back(fmt::format("t{}", t));
  text += fmt::format("exogenous T in {{{}}} ~ ({})\n", fmt::join(labels, ", "), fmt::join(weights, ", "));
  for (int v : g.order()) {
    if (((lp.roots() >> v) & 1U) != 0) {
      std::vector<std::uint32_t> at(static_cast<std::size_t>(g.size()), 1);
      const Rational one = p.marginal(VarMask{1} << v, at);
      text += fmt::format("exogenous U_{0} in {{0, 1}} ~ ({1}, {2})\n{0} := U_{0}\n", g.name(v), to_string(Rational(1 - one)), to_string(one));
      continue;
    }
    const std::vector<int> parents = members(g.parents(v));
    std::vector<std::string> inputs;
    for (int u : parents) inputs.push_back(g.name(u));
    inputs.emplace_back("T");
    text += fmt::format("{} := table({}) {{\n", g.name(v), fmt::join(inputs, ", "));
    for (std::uint64_t config = 0; config < (std::uint64_t{1} << parents.size()); ++config) {
      for (std::size_t k = 0; k < columns.size(); ++k) {
        std::vector<std::string> row;
        for (std::size_t i = 0; i < parents.size(); ++i) row.push_back(std::to_string((config >> (parents.size() - 1 - i)) & 1U));
        row.push_back(labels[k]);
        text += fmt::format("  {} -> {}\n", fmt::join(row, ", "), lp.response(columns[k], v, config));
      }
    }
    text += "}\n";
  }
  return read_scm_text(text);
}

/// A random mediation model X -> M -> Y, X -> Y with M <-> Y (X a free root): the NDE and NIE are
/// not identified, and the program is sharp (its non-roots M, Y share a hidden cause).
Scm random_confounded_mediator(Rng& rng) {
  std::string text = bernoulli(rng, "U") + bernoulli(rng, "U_X") + bernoulli(rng, "U_M") + bernoulli(rng, "U_Y");
  text += "X := U_X\n";
  text += fmt::format("M := {}\n", random_expression(rng, {"X", "U", "U_M"}));
  text += fmt::format("Y := {}\n", random_expression(rng, {"X", "M", "U", "U_Y"}));
  return read_scm_text(text);
}

TEST(CounterfactualBounds, SharpBoundsAreAttainedByAModelOfTheGraph) {
  // Where sharp() holds, the model built from an optimal q (attaining_model) has the graph's
  // arcs, reproduces the observed distribution exactly, and its own counterfactual (by solve())
  // is the bound: no tighter interval holds for every model of the graph.
  Rng rng(77);
  int attained = 0;
  for (int k = 0; k < 60; ++k) {
    const int shape = k % 3;
    const Scm m = shape == 0 ? random_iv(rng) : shape == 1 ? random_bow(rng) : random_confounded_mediator(rng);
    const Admg g = Admg::of(m);
    const ObservedJoint p = observed_joint(m, g);
    const ResponseFunctionLp lp(p);
    ASSERT_TRUE(lp.sharp()) << "case " << k;
    std::vector<std::string> queries{ett_query("X", "Y", 0), ett_query("X", "Y", 1), "P(Y[X=1]=1, Y[X=0]=0)", "P(Y[X=0]=0 | X=1, Y=1)"};
    if (shape == 2) {
      queries = {nde_query("X", "M", "Y"), nie_query("X", "M", "Y"), "P(Y[X=1, M=M[X=0]]=1 | Y=0)"};
    }
    for (const std::string& text : queries) {
      const Query query = parse_query(text, m);
      std::vector<Rational> c;
      try {
        c = lp.coefficients(query, m);
      } catch (const ZeroProbabilityEvidence&) {
        continue;
      }
      for (const LpResult& r : {lp.minimize(c), lp.maximize(c)}) {
        ASSERT_EQ(r.status, LpResult::Status::optimal);
        const Scm built = attaining_model(lp, g, p, r.solution);
        const Admg bg = Admg::of(built);
        for (int v = 0; v < g.size(); ++v) {
          const int bv = bg.index(*built.find(g.name(v)));
          VarMask parents = 0;
          for (int u : members(bg.parents(bv))) parents |= VarMask{1} << g.index(*m.find(bg.name(u)));
          EXPECT_EQ(parents & ~g.parents(v), 0U) << "case " << k << ": an arc the graph does not have";
        }
        // The same observed distribution, cell by cell.
        std::vector<std::uint32_t> at(static_cast<std::size_t>(g.size()), 0);
        for (std::uint64_t cell = 0; cell < (std::uint64_t{1} << g.size()); ++cell) {
          std::vector<std::string> events;
          for (int v = 0; v < g.size(); ++v) {
            at[static_cast<std::size_t>(v)] = static_cast<std::uint32_t>((cell >> v) & 1U);
            events.push_back(fmt::format("{}={}", g.name(v), at[static_cast<std::size_t>(v)]));
          }
          EXPECT_EQ(answer(built, fmt::format("P({})", fmt::join(events, ", "))), p.marginal(g.all(), at)) << "case " << k;
        }
        EXPECT_EQ(answer(built, to_string(query, m)), r.value) << "case " << k << ": " << text;
        ++attained;
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_GT(attained, 200);
}

TEST(CounterfactualBounds, HandDerivedCases) {
  Rng rng(5);
  for (int k = 0; k < 50; ++k) {
    const Scm m = random_bow(rng);
    const Admg g = Admg::of(m);
    const ResponseFunctionLp lp(observed_joint(m, g));
    // ETT on the bow arc X -> Y, X <-> Y, about those with X = t: E(Y[X=1-t] | X=t) - P(Y=1 | X=t).
    // The second term is observed; the first is what the units with X = t would do under 1 - t,
    // which nothing observed constrains (any response type of Y goes with X = t), so it ranges
    // over [0, 1] (Manski): ETT lies in [-P(Y=1 | X=t), 1 - P(Y=1 | X=t)].
    for (int t = 0; t < 2; ++t) {
      const Rational py = answer(m, fmt::format("P(Y=1 | X={})", t));
      const Bounds b = query_bounds(lp, m, ett_query("X", "Y", t));
      EXPECT_EQ(b.lower, -py) << "case " << k;
      EXPECT_EQ(b.upper, 1 - py) << "case " << k;
    }
    // Tian and Pearl's bounds from observational data alone (their closed forms, not a program):
    // PNS in [0, P(x, y) + P(x', y')], PN in [0, 1].
    Estimand pns = x_on_y(Estimand::Kind::pns);
    const CausationData d = causation_data(m, pns, false);
    const Bounds tp = pns_bounds(d);
    const Bounds b = query_bounds(lp, m, "P(Y[X=1]=1, Y[X=0]=0)");
    EXPECT_EQ(b.lower, tp.lower) << "case " << k;
    EXPECT_EQ(b.upper, tp.upper) << "case " << k;
    if (d.xy > 0) {
      const Bounds pn = query_bounds(lp, m, "P(Y[X=0]=0 | X=1, Y=1)");
      EXPECT_EQ(pn.lower, 0) << "case " << k;
      EXPECT_EQ(pn.upper, 1) << "case " << k;
    }
  }
}

TEST(CounterfactualBounds, BadQueries) {
  const Scm m = read_scm_text(
      "exogenous U ~ Bernoulli(1/2)\nexogenous U_X ~ Bernoulli(1/3)\nexogenous U_H ~ Bernoulli(1/4)\n"
      "X := U xor U_X\nH := X xor U_H\nY := H or U\nW in {lo, hi} := table(Y) { 0 -> lo; 1 -> hi }\n");
  const Admg g = Admg::of(m, std::vector<VarId>{*m.find("H")});
  const ResponseFunctionLp lp(observed_joint(m, g));
  try {
    (void)query_bounds(lp, m, "P(Y=1 | do(X=1), W=hi)");
    ADD_FAILURE() << "no InvalidQuery for evidence in an intervened world";
  } catch (const InvalidQuery& e) {
    EXPECT_NE(std::string(e.what()).find("factual evidence only"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("W[X=1]=hi"), std::string::npos) << e.what();
  }
  try {
    (void)query_bounds(lp, m, "E(Y[H=1]) - E(Y[H=0])");
    ADD_FAILURE() << "no InvalidQuery for a hidden variable";
  } catch (const InvalidQuery& e) {
    EXPECT_NE(std::string(e.what()).find("H is not observed"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)query_bounds(lp, m, "E(W[X=1])"), InvalidQuery);  // W's values are not numbers
  EXPECT_THROW((void)query_bounds(lp, m, "P(Y[X=1]=1 | W=hi, W=lo)"), ZeroProbabilityEvidence);
  EXPECT_THROW((void)lp.bounds(Query{}, m), InvalidQuery);
  // A model other than the graph's.
  const Scm other = read_scm_text("exogenous U ~ Bernoulli(1/2)\nX := U\nZ := X\n");
  EXPECT_THROW((void)lp.bounds(parse_query("P(Z[X=1]=1)", other), other), InvalidQuery);
}

}  // namespace
}  // namespace rung
