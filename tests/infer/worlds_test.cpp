#include "rung/infer/worlds.hpp"

#include "settings.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

using Kind = WorldNode::Kind;

using testing::set;
using testing::set_to;

/// U_Z -> Z -> X -> M -> Y, X -> Y, U -> X, U -> Y (confounded), and an unrelated W.
class WorldsTest : public ::testing::Test {
 protected:
  WorldsTest() {
    ScmBuilder b;
    b.bernoulli("U", Rational(1, 3));
    b.bernoulli("UZ", Rational(1, 2));
    b.bernoulli("UW", Rational(1, 4));
    b.endogenous("Z", "UZ");
    b.endogenous("X", "Z xor U");
    b.endogenous("M", "not X");
    b.endogenous("Y", "M and U or X");
    b.endogenous("W", "UW or Y");
    m = b.build();
    u = *m.find("U");
    uz = *m.find("UZ");
    z = *m.find("Z");
    x = *m.find("X");
    mm = *m.find("M");
    y = *m.find("Y");
    w = *m.find("W");
  }
  Scm m;
  VarId u = 0, uz = 0, z = 0, x = 0, mm = 0, y = 0, w = 0;
};

TEST_F(WorldsTest, FactualNetworkHoldsOnlyAncestors) {
  WorldNetwork net(m);
  const NodeId ny = net.add(Term{y, {}});
  // U, UZ, Z, X, M, Y: W and UW are not ancestors of Y.
  EXPECT_EQ(net.size(), 6U);
  EXPECT_EQ(net.node(ny).var, y);
  for (const auto& n : net.nodes()) {
    EXPECT_NE(n.var, w);
    EXPECT_NE(n.var, *m.find("UW"));
  }
}

TEST_F(WorldsTest, NodeIdsAreTopological) {
  WorldNetwork net(m);
  (void)net.add(Term{y, {set(x, 0)}});
  (void)net.add(Term{w, {set_to(mm, Term{mm, {set(x, 1)}})}});
  for (NodeId id = 0; id < net.size(); ++id) {
    for (NodeId in : net.node(id).inputs) EXPECT_LT(in, id);
  }
}

TEST_F(WorldsTest, NonDescendantsOfTheInterventionCollapse) {
  WorldNetwork net(m);
  const NodeId factual_y = net.add(Term{y, {}});
  const std::size_t before = net.size();
  const NodeId z0 = net.add(Term{z, {set(x, 0)}});
  EXPECT_EQ(z0, net.add(Term{z, {}}));   // Z[X=0] is Z
  EXPECT_EQ(net.size(), before + 1);     // only the constant X=0 was added
  const NodeId y0 = net.add(Term{y, {set(x, 0)}});
  EXPECT_NE(y0, factual_y);
  // Y[X=0] reads M[X=0] (new) and X=0 (constant) and the shared U.
  EXPECT_EQ(net.size(), before + 3);
  const WorldNode& n = net.node(y0);
  ASSERT_EQ(n.kind, Kind::function);
  ASSERT_EQ(n.inputs.size(), 3U);  // parents of Y sorted by id: U, X, M
  EXPECT_EQ(net.node(n.inputs[0]).kind, Kind::exogenous);
  EXPECT_EQ(net.node(n.inputs[1]).kind, Kind::constant);
  EXPECT_EQ(net.node(n.inputs[1]).value, 0U);
  EXPECT_EQ(net.node(n.inputs[2]).var, mm);
}

TEST_F(WorldsTest, ExogenousNodesAreShared) {
  WorldNetwork net(m);
  (void)net.add(Term{y, {}});
  (void)net.add(Term{y, {set(x, 1)}});
  (void)net.add(Term{y, {set(mm, 0)}});
  int exogenous = 0;
  for (const auto& n : net.nodes()) exogenous += n.kind == Kind::exogenous ? 1 : 0;
  EXPECT_EQ(exogenous, 2);  // U and UZ, once each
}

TEST_F(WorldsTest, SettingAnIrrelevantVariableChangesNothing) {
  WorldNetwork net(m);
  const NodeId a = net.add(Term{x, {}});
  EXPECT_EQ(net.add(Term{x, {set(mm, 1)}}), a);  // M is not an ancestor of X
  EXPECT_EQ(net.add(Term{x, {set(x, 1)}}), net.add(Term{x, {set(z, 0), set(x, 1)}}));
}

TEST_F(WorldsTest, EffectiveInterventionIsTheConstant) {
  WorldNetwork net(m);
  const NodeId c = net.add(Term{x, {set(x, 1)}});
  EXPECT_EQ(net.node(c).kind, Kind::constant);
  EXPECT_EQ(net.node(c).value, 1U);
  EXPECT_EQ(net.add(Term{x, {set(z, 0), set(x, 1)}}), c);
}

TEST_F(WorldsTest, NestedSettingWiresTheOtherWorld) {
  WorldNetwork net(m);
  // Y[X=1, M=M[X=0]]
  const NodeId ny = net.add(Term{y, {set(x, 1), set_to(mm, Term{mm, {set(x, 0)}})}});
  const NodeId m0 = net.add(Term{mm, {set(x, 0)}});
  const WorldNode& n = net.node(ny);
  ASSERT_EQ(n.inputs.size(), 3U);
  EXPECT_EQ(net.node(n.inputs[1]).kind, Kind::constant);
  EXPECT_EQ(net.node(n.inputs[1]).value, 1U);
  EXPECT_EQ(n.inputs[2], m0);
  // M[X=0] is `not X` with X the constant 0.
  EXPECT_EQ(net.node(net.node(m0).inputs[0]).value, 0U);
}

TEST_F(WorldsTest, NestedTwoLevels) {
  WorldNetwork net(m);
  // Y[M=M[X=X[Z=1]]]: X in the innermost world reads Z=1; M reads that X node.
  const Term inner{x, {set(z, 1)}};
  const NodeId nx = net.add(inner);
  const NodeId ny = net.add(Term{y, {set_to(mm, Term{mm, {set_to(x, inner)}})}});
  const NodeId nm = net.node(ny).inputs[2];
  EXPECT_EQ(net.node(nm).var, mm);
  EXPECT_EQ(net.node(nm).inputs[0], nx);
  // The outer world's own X is the factual X, not the inner one.
  EXPECT_EQ(net.node(ny).inputs[1], net.add(Term{x, {}}));
  EXPECT_NE(net.node(ny).inputs[1], nx);
}

TEST_F(WorldsTest, NestedFactualValueIsTheFactualNode) {
  WorldNetwork net(m);
  // Y[M=M] is Y: M set to its own factual value.
  EXPECT_EQ(net.add(Term{y, {set_to(mm, Term{mm, {}})}}), net.add(Term{y, {}}));
}

TEST_F(WorldsTest, AddingAgainReturnsTheSameNode) {
  WorldNetwork net(m);
  const Term t{y, {set(x, 1), set_to(mm, Term{mm, {set(x, 0)}})}};
  const NodeId a = net.add(t);
  const std::size_t size = net.size();
  EXPECT_EQ(net.add(t), a);
  EXPECT_EQ(net.size(), size);
}

TEST_F(WorldsTest, RejectsInvalidTerms) {
  WorldNetwork net(m);
  EXPECT_THROW((void)net.add(Term{y, {set(u, 1)}}), InvalidQuery);
  EXPECT_THROW((void)net.add(Term{y, {set(mm, 1), set(x, 0)}}), InvalidQuery);  // not sorted
  EXPECT_THROW((void)net.add(Term{99, {}}), InvalidQuery);
  EXPECT_EQ(net.size(), 0U);
}

TEST_F(WorldsTest, Cardinality) {
  WorldNetwork net(m);
  const NodeId ny = net.add(Term{y, {}});
  EXPECT_EQ(net.cardinality(ny), 2U);
  EXPECT_EQ(&net.scm(), &m);
}

// Issue #15: the walk up the parents used one call-stack frame per ancestor and overflowed the
// stack (SIGSEGV) on a chain of about 55,000 variables.
TEST(WorldNetworkChain, AChainOf200000VariablesNeedsNoDeepRecursion) {
  constexpr int n = 200000;
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.endogenous("X0", "U");
  for (int i = 1; i < n; ++i) b.endogenous("X" + std::to_string(i), "X" + std::to_string(i - 1));
  const Scm m = b.build();
  WorldNetwork net(m);
  const VarId last = *m.find("X" + std::to_string(n - 1));
  const NodeId factual = net.add(Term{last, {}});
  EXPECT_EQ(net.size(), static_cast<std::size_t>(n) + 1);  // U and every X
  // do(X5=0): X6.. are new nodes, U..X4 are not needed, X5 is a constant.
  const NodeId cut = net.add(Term{last, {Setting::to_value(*m.find("X5"), 0)}});
  EXPECT_NE(cut, factual);
  EXPECT_EQ(net.size(), static_cast<std::size_t>(n) + 1 + 1 + (n - 6));
  for (NodeId id = 0; id < net.size(); ++id) {
    for (NodeId in : net.node(id).inputs) ASSERT_LT(in, id);
  }
}

}  // namespace
}  // namespace rung
