#include "rung/infer/enumeration.hpp"

#include "random_models.hpp"
#include "settings.hpp"
#include "rung/core/error.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

using R = Rational;

using testing::set;
using testing::set_to;

/// UX ~ (1/4, 3/4), UM ~ (1/3, 0, 2/3) over {0,1,2}, UW unrelated; X := UX, M := X or UM == 2,
/// Y := X xor M.
class EnumerationTest : public ::testing::Test {
 protected:
  EnumerationTest() {
    ScmBuilder b;
    b.exogenous("UX", Domain(), {R(1, 4), R(3, 4)});
    b.exogenous("UM", Domain({"0", "1", "2"}), {R(1, 3), R(0), R(2, 3)});
    b.bernoulli("UW", R(1, 2));
    b.endogenous("X", "UX");
    b.endogenous("M", "X or UM == 2");
    b.endogenous("Y", "X xor M");
    b.endogenous("W", "UW");
    m = b.build();
  }
  Scm m;
  const VarId ux = 0, um = 1, uw = 2, x = 3, mm = 4, y = 5, w = 6;
};

TEST_F(EnumerationTest, EvaluatesWorldsBySimulation) {
  std::vector<Value> unit(m.size(), 0);
  unit[ux] = 1;
  unit[um] = 0;
  EXPECT_EQ(enumeration::evaluate(m, Term{y, {}}, unit), 0U);               // X=1, M=1
  EXPECT_EQ(enumeration::evaluate(m, Term{y, {set(x, 0)}}, unit), 0U);      // X=0, M=0
  EXPECT_EQ(enumeration::evaluate(m, Term{y, {set(mm, 0)}}, unit), 1U);     // X=1, M=0
  EXPECT_EQ(enumeration::evaluate(m, Term{x, {set(x, 0)}}, unit), 0U);
  EXPECT_EQ(enumeration::evaluate(m, Term{ux, {set(x, 0)}}, unit), 1U);
  // Y[X=0, M=M[X=1]]: M from the world do(X=1) (1), X=0: Y = 1.
  EXPECT_EQ(enumeration::evaluate(m, Term{y, {set(x, 0), set_to(mm, Term{mm, {set(x, 1)}})}}, unit), 1U);
  // Depth 2: M set to M in the world where X is what X is in do(M=0): X = 1 there, so M = 1.
  EXPECT_EQ(enumeration::evaluate(m, Term{y, {set_to(mm, Term{mm, {set_to(x, Term{x, {set(mm, 0)}})}})}}, unit), 0U);
}

TEST_F(EnumerationTest, RelevantExogenous) {
  EXPECT_EQ(enumeration::relevant_exogenous(m, {}), std::vector<VarId>{});
  const Term t{y, {}};
  EXPECT_EQ(enumeration::relevant_exogenous(m, {&t}), (std::vector<VarId>{ux, um}));
  const Term tw{w, {}};
  const Term tu{uw, {}};
  EXPECT_EQ(enumeration::relevant_exogenous(m, {&tw}), std::vector<VarId>{uw});
  EXPECT_EQ(enumeration::relevant_exogenous(m, {&tu}), std::vector<VarId>{uw});
  const Term nested{w, {set_to(mm, Term{mm, {set(x, 1)}})}};
  EXPECT_EQ(enumeration::relevant_exogenous(m, {&nested}), (std::vector<VarId>{ux, um, uw}));
}

TEST_F(EnumerationTest, UnitsInOrderWithWeightsSkippingZeros) {
  std::vector<std::pair<std::vector<Value>, R>> seen;
  enumeration::for_each_unit<R>(m, {ux, um}, [&](std::span<const Value> u, const R& weight) {
    seen.push_back({{u[ux], u[um]}, weight});
  });
  const std::vector<std::pair<std::vector<Value>, R>> expected{
      {{0, 0}, R(1, 12)}, {{0, 2}, R(1, 6)}, {{1, 0}, R(1, 4)}, {{1, 2}, R(1, 2)}};
  EXPECT_EQ(seen, expected);
  int calls = 0;
  enumeration::for_each_unit<double>(m, {}, [&](std::span<const Value>, const double& weight) {
    EXPECT_EQ(weight, 1.0);
    ++calls;
  });
  EXPECT_EQ(calls, 1);
}

TEST_F(EnumerationTest, RefusesTooManyUnits) {
  try {
    enumeration::for_each_unit<R>(m, {ux, um, uw}, [](std::span<const Value>, const R&) {}, 7);
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "query too large for enumeration: 8 combinations of the values of 3 exogenous variables (limit 7)");
  }
  EXPECT_NO_THROW(enumeration::for_each_unit<R>(m, {ux, um, uw}, [](std::span<const Value>, const R&) {}, 8));
}

TEST_F(EnumerationTest, ProbabilityAndDistribution) {
  // Y = X xor (X or UM==2): Y=1 iff X=0 and UM=2: 1/4 * 2/3 = 1/6.
  EXPECT_EQ(enumeration::probability<R>(m, Probability{{{Term{y, {}}, 1}}, {}}), R(1, 6));
  // Given Y=0: X=1 (3/4) or X=0, UM=0 (1/12): P(X=1 | Y=0) = (3/4) / (5/6) = 9/10.
  EXPECT_EQ(enumeration::probability<R>(m, Probability{{{Term{x, {}}, 1}}, {{Term{y, {}}, 0}}}), R(9, 10));
  EXPECT_EQ(enumeration::distribution<R>(m, Term{y, {set(x, 0)}}, {}), (std::vector<R>{R(1, 3), R(2, 3)}));
  EXPECT_NEAR(enumeration::probability<double>(m, Probability{{{Term{x, {}}, 1}}, {{Term{y, {}}, 0}}}), 0.9, 1e-15);
  try {
    (void)enumeration::probability<R>(m, Probability{{{Term{y, {}}, 1}}, {{Term{x, {}}, 1}, {Term{y, {}}, 1}}});
    ADD_FAILURE() << "no exception";
  } catch (const ZeroProbabilityEvidence& e) {
    EXPECT_STREQ(e.what(), "zero-probability evidence: P(X=1, Y=1) = 0");
  }
  EXPECT_THROW((void)enumeration::distribution<R>(m, Term{y, {}}, {{Term{x, {}}, 1}, {Term{y, {}}, 1}}),
               ZeroProbabilityEvidence);
  EXPECT_THROW((void)enumeration::probability<R>(m, Probability{{{Term{y, {set(ux, 0)}}, 1}}, {}}), InvalidQuery);
  EXPECT_THROW((void)enumeration::probability<R>(m, Probability{{{Term{y, {}}, 1}}, {}}, 1), Error);
}

// probability<Rational> and distribution<Rational> sum integer-scaled weights and evaluate their
// terms incrementally (only what the changed exogenous values reach); the rational sums of
// for_each_unit with every term evaluated from scratch (the general path) must give the same
// fractions, on priors with zeros, one-point priors, multi-valued domains, denominators that
// differ between variables, and (the second half) terms nested three deep with up to four events
// and three pieces of evidence.
TEST(Enumeration, IntegerWeightsEqualRationalSums) {
  testing::Rng rng(0xC0FFEE1234ULL);
  int compared = 0;
  for (int i = 0; i < 800; ++i) {
    const Scm m = testing::random_scm(rng);
    testing::QueryMaker make(rng, m, i < 400 ? testing::QueryKnobs{} : testing::QueryKnobs{.max_depth = 3, .max_events = 4, .max_evidence = 3});
    const Probability p = make.probability(1 + static_cast<int>(rng.below(3)));
    std::vector<const Term*> terms;
    for (const Event& e : p.events) terms.push_back(&e.term);
    for (const Event& e : p.evidence) terms.push_back(&e.term);
    auto holds = [&](const std::vector<Event>& events, std::span<const Value> unit) {
      return std::all_of(events.begin(), events.end(),
                         [&](const Event& e) { return enumeration::evaluate(m, e.term, unit) == e.value; });
    };
    R num = 0;
    R den = 0;
    std::vector<R> dist(m.domain(p.events.front().term.var).size(), R(0));
    enumeration::for_each_unit<R>(m, enumeration::relevant_exogenous(m, terms),
                                  [&](std::span<const Value> unit, const R& weight) {
                                    if (!holds(p.evidence, unit)) return;
                                    den += weight;
                                    if (holds(p.events, unit)) num += weight;
                                    dist[enumeration::evaluate(m, p.events.front().term, unit)] += weight;
                                  });
    if (!p.evidence.empty() && den == 0) {
      EXPECT_THROW((void)enumeration::probability<R>(m, p), ZeroProbabilityEvidence);
      continue;
    }
    const R expected = p.evidence.empty() ? num : R(num / den);
    EXPECT_EQ(enumeration::probability<R>(m, p), expected) << testing::describe(m);
    if (!p.evidence.empty()) {
      for (R& v : dist) v /= den;
    }
    EXPECT_EQ(enumeration::distribution<R>(m, p.events.front().term, p.evidence), dist) << testing::describe(m);
    ++compared;
  }
  EXPECT_GE(compared, 600);
}

}  // namespace
}  // namespace rung
