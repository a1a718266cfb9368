#include "rung/infer/variable_elimination.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

using R = Rational;

Setting set(VarId var, Value v) { return Setting::to_value(var, v); }

TEST(MinFillOrder, LeavesBeforeCentresTiesBySmallerId) {
  const std::vector<std::uint32_t> card(4, 2);
  const std::vector<bool> all(4, true);
  // Path 0 - 1 - 2 - 3: no fill anywhere; equal weights at the ends, so the smallest id first.
  EXPECT_EQ(ve::min_fill_order(4, {{0, 1}, {1, 2}, {2, 3}}, card, all), (std::vector<NodeId>{0, 1, 2, 3}));
  // Star centred on 0: eliminating 0 first would add 3 fill edges; once 1 and 2 are gone, 0 and 3
  // tie and the smaller id goes first.
  EXPECT_EQ(ve::min_fill_order(4, {{0, 1}, {0, 2}, {0, 3}}, card, all), (std::vector<NodeId>{1, 2, 0, 3}));
  // Only eliminable nodes are ordered.
  EXPECT_EQ(ve::min_fill_order(4, {{0, 1}, {0, 2}, {0, 3}}, card, {true, false, true, false}),
            (std::vector<NodeId>{2, 0}));
}

TEST(MinFillOrder, WeightBreaksFillTies) {
  // Leaves 1 (card 3) and 2 (card 2) both hang off 0: the lighter leaf goes first.
  const std::vector<std::uint32_t> card{2, 3, 2};
  EXPECT_EQ(ve::min_fill_order(3, {{0, 1}, {0, 2}}, card, {false, true, true}), (std::vector<NodeId>{2, 1}));
}

TEST(MinFillOrder, CycleNeedsOneFill) {
  // 4-cycle 0-1-2-3-0: every node has fill 1; 0 first, then the rest is a triangle.
  const std::vector<std::uint32_t> card(4, 2);
  const auto order = ve::min_fill_order(4, {{0, 1}, {1, 2}, {2, 3}, {3, 0}}, card, std::vector<bool>(4, true));
  EXPECT_EQ(order, (std::vector<NodeId>{0, 1, 2, 3}));
}

/// U1, U2 ~ Bernoulli(1/2), X := U1 xor U2, Y := U1 and U2 (the joint-abduction trap).
class EliminationTest : public ::testing::Test {
 protected:
  EliminationTest() {
    ScmBuilder b;
    b.bernoulli("U1", R(1, 2));
    b.bernoulli("U2", R(1, 2));
    b.endogenous("X", "U1 xor U2");
    b.endogenous("Y", "U1 and U2");
    m = b.build();
  }
  Scm m;
  const VarId x = 2, y = 3;
  static constexpr std::size_t limit = 1 << 20;
};

TEST_F(EliminationTest, JointOverTwoWorlds) {
  WorldNetwork net(m);
  const NodeId nx = net.add(Term{x, {}});
  const NodeId ny0 = net.add(Term{y, {set(x, 0)}});
  const NodeId ny = net.add(Term{y, {}});
  EXPECT_EQ(ny0, ny);  // Y does not read X: one node
  const Factor<R> j = ve::joint<R>(net, {nx, ny}, {}, limit);
  EXPECT_EQ(j.scope, (std::vector<NodeId>{std::min(nx, ny), std::max(nx, ny)}));
  // (X, Y): (0,0) = P(U1=U2=0) = 1/4; (0,1) = 1/4; (1,0) = 1/2; (1,1) = 0.
  if (nx < ny) {
    EXPECT_EQ(j.values, (std::vector<R>{R(1, 4), R(1, 4), R(1, 2), 0}));
  } else {
    EXPECT_EQ(j.values, (std::vector<R>{R(1, 4), R(1, 2), R(1, 4), 0}));
  }
  const Factor<R> with_evidence = ve::joint<R>(net, {ny}, {{nx, 0}}, limit);
  EXPECT_EQ(with_evidence.values, (std::vector<R>{R(1, 4), R(1, 4)}));
  const Factor<R> nothing = ve::joint<R>(net, {}, {{nx, 1}}, limit);
  EXPECT_EQ(nothing.values, std::vector<R>{R(1, 2)});
}

TEST_F(EliminationTest, ProbabilityDistributionEvidence) {
  const Probability trap{{{Term{y, {set(x, 0)}}, 1}}, {{Term{x, {}}, 0}}};
  EXPECT_EQ(ve::probability<R>(m, trap, limit), R(1, 2));
  EXPECT_EQ(ve::probability<double>(m, trap, limit), 0.5);
  EXPECT_EQ(ve::distribution<R>(m, Term{y, {}}, {{Term{x, {}}, 0}}, limit), (std::vector<R>{R(1, 2), R(1, 2)}));
  EXPECT_EQ(ve::distribution<R>(m, Term{x, {set(x, 1)}}, {}, limit), (std::vector<R>{0, 1}));
  EXPECT_EQ(ve::distribution<R>(m, Term{x, {}}, {{Term{x, {}}, 1}}, limit), (std::vector<R>{0, 1}));
  EXPECT_EQ(ve::evidence_probability<R>(m, {{Term{x, {}}, 1}, {Term{y, {}}, 0}}, limit), R(1, 2));
  EXPECT_EQ(ve::evidence_probability<R>(m, {{Term{x, {}}, 1}, {Term{y, {}}, 1}}, limit), 0);
  EXPECT_EQ(ve::evidence_probability<R>(m, {{Term{x, {}}, 1}, {Term{x, {}}, 0}}, limit), 0);
  EXPECT_EQ(ve::evidence_probability<R>(m, {}, limit), 1);
  EXPECT_THROW((void)ve::probability<R>(m, Probability{{{Term{y, {}}, 1}}, {{Term{x, {}}, 1}, {Term{y, {}}, 1}}}, limit),
               ZeroProbabilityEvidence);
  EXPECT_THROW((void)ve::distribution<R>(m, Term{y, {}}, {{Term{x, {set(x, 0)}}, 1}}, limit), ZeroProbabilityEvidence);
}

TEST(Elimination, DeterministicModelsFoldAway) {
  // Every prior is a point mass: no factor is needed beyond the folded values.
  ScmBuilder b;
  b.exogenous("U", Domain(), {R(0), R(1)});
  b.exogenous("V", Domain({"0", "1", "2"}), {R(0), R(0), R(1)});
  b.endogenous("X", "U");
  b.endogenous("Y", "X and V == 2");
  const Scm m = b.build();
  const VarId x = 2, y = 3;
  EXPECT_EQ(ve::probability<R>(m, Probability{{{Term{y, {}}, 1}}, {}}, 2), 1);
  EXPECT_EQ(ve::probability<R>(m, Probability{{{Term{y, {set(x, 0)}}, 1}}, {{Term{x, {}}, 1}}}, 2), 0);
  EXPECT_THROW((void)ve::probability<R>(m, Probability{{{Term{y, {}}, 1}}, {{Term{x, {}}, 0}}}, 2),
               ZeroProbabilityEvidence);
}

TEST(Elimination, RefusesLargeIntermediateFactors) {
  // A chain of xors over 12 shared exogenous variables, asked jointly with its inputs' twins:
  // small tables at first, but the limit of 4 cells is below any table over 3 nodes.
  ScmBuilder b;
  for (int i = 0; i < 6; ++i) b.bernoulli("U" + std::to_string(i), R(1, 3));
  b.endogenous("A", "U0 xor U1");
  b.endogenous("B", "A xor U2");
  b.endogenous("C", "B xor U3 xor U4");
  b.endogenous("Y", "C and U5");
  const Scm m = b.build();
  const VarId a = 6, y = 9;
  const Probability p{{{Term{y, {set(a, 0)}}, 1}}, {{Term{y, {}}, 1}}};
  try {
    (void)ve::probability<R>(m, p, 4);
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("query too large for exact elimination: an intermediate factor over"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("(limit 4); try --method enumerate or a smaller model"), std::string::npos);
  }
  EXPECT_NO_THROW((void)ve::probability<R>(m, p, 64));
}

}  // namespace
}  // namespace rung
