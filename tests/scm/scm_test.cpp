#include "rung/scm/scm.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rung {
namespace {

ScmBuilder confounded() {
  ScmBuilder b;
  b.bernoulli("U_C", Rational(3, 10));
  b.bernoulli("U_X", Rational(2, 5));
  b.exogenous("U_W", Domain({"lo", "mid", "hi"}), {Rational(1, 2), Rational(1, 4), Rational(1, 4)});
  b.endogenous("Y", "(X or U_C) and not (W == hi)");  // declared before its parents on purpose
  b.endogenous("X", "U_X xor U_C");
  b.endogenous("W", "U_W", Domain({"lo", "mid", "hi"}));
  return b;
}

std::string problems(const ScmBuilder& b) {
  std::string all;
  for (const auto& d : b.problems()) all += d.to_string() + "\n";
  return all;
}

TEST(Scm, IdsPutExogenousFirstInDeclarationOrder) {
  Scm m = confounded().build();
  ASSERT_EQ(m.size(), 6U);
  EXPECT_EQ(m.name(0), "U_C");
  EXPECT_EQ(m.name(2), "U_W");
  EXPECT_EQ(m.name(3), "Y");
  EXPECT_EQ(m.find("X"), VarId{4});
  EXPECT_FALSE(m.find("Q").has_value());
  EXPECT_EQ(m.exogenous(), (std::vector<VarId>{0, 1, 2}));
  EXPECT_EQ(m.endogenous(), (std::vector<VarId>{3, 4, 5}));
  EXPECT_TRUE(m.is_exogenous(1));
  EXPECT_FALSE(m.is_exogenous(3));
}

TEST(Scm, GraphAndEvaluationOrderComeFromTheMechanisms) {
  Scm m = confounded().build();
  EXPECT_EQ(m.dag().parents(3), (NodeSet{0, 4, 5}));  // Y <- U_C, X, W
  EXPECT_EQ(m.dag().parents(4), (NodeSet{0, 1}));
  EXPECT_EQ(m.evaluation_order(), (std::vector<VarId>{4, 5, 3}));  // X, W before Y
  EXPECT_EQ(m.dag().arc_count(), 6U);
}

TEST(Scm, EvaluatesEveryUnit) {
  Scm m = confounded().build();
  for (Value uc : {0U, 1U}) {
    for (Value ux : {0U, 1U}) {
      for (Value uw = 0; uw < 3; ++uw) {
        std::vector<Value> v{uc, ux, uw};
        m.evaluate(v);
        const Value x = ux ^ uc;
        EXPECT_EQ(v[4], x);
        EXPECT_EQ(v[5], uw);
        EXPECT_EQ(v[3], ((x | uc) != 0 && uw != 2) ? 1U : 0U);
      }
    }
  }
}

TEST(Scm, EqualityComparesEverything) {
  EXPECT_EQ(confounded().build(), confounded().build());
  ScmBuilder other = confounded();
  other.bernoulli("U_Z", Rational(1, 2));
  EXPECT_FALSE(other.build() == confounded().build());
  ScmBuilder b1;
  b1.bernoulli("U", Rational(1, 3)).endogenous("X", "U");
  ScmBuilder b2;
  b2.bernoulli("U", Rational(1, 2)).endogenous("X", "U");
  EXPECT_FALSE(b1.build() == b2.build());
}

TEST(Scm, ReportsEveryProblemAtOnce) {
  ScmBuilder b;
  b.exogenous("U", Domain(), {Rational(1, 2), Rational(1, 3)}, {{1, 11}, {}, {1, 15}});
  b.exogenous("V", Domain(), {Rational(-1, 2), Rational(3, 2)}, {{2, 11}, {}, {2, 15}});
  b.exogenous("T", Domain({"a", "b", "c"}), {Rational(1, 2), Rational(1, 2)}, {{3, 11}, {}, {3, 25}});
  b.endogenous("X", Domain(), parse_expression("Y and U"), {{4, 1}, {}, {4, 6}});
  b.endogenous("Y", Domain(), parse_expression("X or Z"), {{5, 1}, {}, {5, 6}});
  b.endogenous("U", Domain(), parse_expression("1"), {{6, 1}, {}, {6, 6}});
  b.endogenous("and", Domain(), parse_expression("1"), {{7, 1}, {}, {7, 8}});
  b.endogenous("a b", Domain(), parse_expression("1"), {{8, 1}, {}, {8, 8}});
  b.endogenous("W", Domain({"X", "lo"}), parse_expression("lo"), {{9, 1}, {9, 6}, {9, 18}});
  b.endogenous("2X", Domain(), parse_expression("1"), {{10, 1}, {}, {10, 7}});
  EXPECT_EQ(problems(b),
            "1:15: error: the prior of U sums to 5/6, not 1\n"
            "2:15: error: negative probability -1/2 in the prior of V\n"
            "3:25: error: the prior of T has 2 probabilities, but its domain {a, b, c} has 3 values\n"
            "5:6: error: cycle: X -> Y -> X\n"
            "5:11: error: unknown name 'Z'\n"
            "6:1: error: duplicate name 'U' (first declared on line 1)\n"
            "7:1: error: 'and' is a reserved word and cannot name a variable\n"
            "8:1: error: invalid name 'a b': use letters, digits and '_'\n"
            "9:6: error: value 'X' of W is also the name of a variable\n"
            "10:1: error: invalid name '2X': a variable name must start with a letter or '_'\n");
  try {
    (void)b.build();
    FAIL() << "build() accepted an invalid model";
  } catch (const InvalidModel& e) {
    EXPECT_NE(std::string(e.what()).find("5:6: cycle: X -> Y -> X\n"), std::string::npos) << e.what();
  }
}

TEST(Scm, EachCycleIsReportedOnceWithTheArcIntoItsLastDeclaredVariable) {
  // Two cycles sharing B (A -> B -> A and B -> C -> B) and a self-loop. The walk from C, the last
  // declared variable of {A, B, C}, goes C -> B -> A and drops the arcs that lead back to its
  // path: A -> B and B -> C. Reported in declaration order of the arcs' children.
  ScmBuilder b;
  b.endogenous("A", "B");
  b.endogenous("B", "A or C");
  b.endogenous("C", "B");
  b.endogenous("D", "not D");
  EXPECT_EQ(problems(b),
            "error: cycle: A -> B -> A\n"
            "error: cycle: B -> C -> B\n"
            "error: cycle: D -> D\n");
}

TEST(Scm, ACycleThroughManyVariablesInLinearTime) {
  // Issue #15, item 12: X_i := X_(i+1), the last reads X0 (declared children first). Looking for
  // a path back at every arc made this quadratic (28 s for 20,000 in the sanitizer build); the
  // test's timeout catches a return to that. The one arc that closes the cycle is reported, its
  // 20,000 names shortened in the middle.
  constexpr int n = 20000;
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  for (int i = 0; i + 1 < n; ++i) b.endogenous("X" + std::to_string(i), "X" + std::to_string(i + 1));
  b.endogenous("X" + std::to_string(n - 1), "X0 xor U");
  const std::vector<Diagnostic> found = b.problems();
  ASSERT_EQ(found.size(), 1U);
  const std::string& m = found[0].message;
  EXPECT_EQ(m.rfind("cycle: X0 -> X19999 -> X19998 -> ", 0), 0U) << m;
  EXPECT_NE(m.find(" -> X19980 -> ... 19960 more ... -> X19 -> "), std::string::npos) << m;
  EXPECT_EQ(m.substr(m.size() - 14), "X2 -> X1 -> X0") << m;
  EXPECT_LT(m.size(), 1000U);
}

TEST(Scm, ProgrammaticProblemsHaveNoPosition) {
  ScmBuilder b;
  b.endogenous("A", "B");
  b.endogenous("B", "A");
  try {
    (void)b.build();
    FAIL();
  } catch (const InvalidModel& e) {
    EXPECT_STREQ(e.what(), "cycle: A -> B -> A");
  }
  ScmBuilder self;
  self.endogenous("A", "not A");
  EXPECT_EQ(problems(self), "error: cycle: A -> A\n");
}

TEST(Scm, PriorSumsAreExactWithSharedOrDifferentDenominators) {
  // Shared denominators are summed by numerators, others as rationals: both exactly.
  auto sum_problem = [](std::vector<Rational> prior) {
    ScmBuilder b;
    b.exogenous("U", Domain(std::vector<std::string>{"a", "b", "c"}), std::move(prior));
    b.endogenous("X", "U == a");
    return problems(b);
  };
  EXPECT_EQ(sum_problem({Rational(1, 3), Rational(1, 3), Rational(1, 3)}), "");
  EXPECT_EQ(sum_problem({Rational(1, 3), Rational(1, 3), Rational(2, 3)}),
            "error: the prior of U sums to 4/3, not 1\n");
  EXPECT_EQ(sum_problem({Rational(1, 5), Rational(2, 5), Rational(1, 5)}),
            "error: the prior of U sums to 4/5, not 1\n");
  EXPECT_EQ(sum_problem({Rational(1, 4), Rational(1, 4), Rational(1, 2)}), "");
  EXPECT_EQ(sum_problem({Rational(1, 4), Rational(1, 6), Rational(1, 2)}),
            "error: the prior of U sums to 11/12, not 1\n");
  EXPECT_EQ(sum_problem({Rational(0), Rational(1), Rational(0)}), "");
  EXPECT_EQ(sum_problem({Rational(1), Rational(1), Rational(-1)}),
            "error: negative probability -1 in the prior of U\n");
}

TEST(Scm, DegenerateAndUniformPriorsAreFine) {
  ScmBuilder b;
  b.bernoulli("U", Rational(1));
  b.exogenous("V", Domain({"a", "b", "c"}), {Rational(0), Rational(0), Rational(1)});
  b.endogenous("X", "U and V == c");
  Scm m = b.build();
  EXPECT_EQ(m.prior(0), (std::vector<Rational>{Rational(0), Rational(1)}));
}

TEST(Scm, ConstantMechanismsHaveNoParents) {
  ScmBuilder b;
  b.endogenous("X", "1");
  b.endogenous("Y", "not X");
  Scm m = b.build();
  std::vector<Value> v;
  m.evaluate(v);
  EXPECT_EQ(v, (std::vector<Value>{1, 0}));
}

TEST(Scm, WithPriorsIsTheRebuiltModel) {
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.exogenous("V", Domain({"0", "1", "2"}), {Rational(1, 3), Rational(1, 3), Rational(1, 3)});
  b.endogenous("X", "U xor (V == 2)");
  const Scm m = b.build();
  const std::vector<std::vector<Rational>> priors{{Rational(1, 4), Rational(3, 4)}, {0, Rational(1, 2), Rational(1, 2)}};
  ScmBuilder r;
  r.exogenous("U", Domain(), priors[0]);
  r.exogenous("V", Domain({"0", "1", "2"}), priors[1]);
  r.endogenous("X", "U xor (V == 2)");
  EXPECT_EQ(m.with_priors(priors), r.build());
  EXPECT_EQ(m.with_priors(priors).evaluation_order(), m.evaluation_order());
  EXPECT_THROW((void)m.with_priors({{Rational(1, 2), Rational(1, 4)}, priors[1]}), InvalidModel);
  EXPECT_THROW((void)m.with_priors({priors[0], {Rational(1)}}), InvalidModel);
  EXPECT_THROW((void)m.with_priors({priors[0]}), InvalidModel);
}

}  // namespace
}  // namespace rung
