#include "rung/scm/linear_scm.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

LinearScm mediation() {
  LinearScmBuilder b;
  b.exogenous("U_X", 0, 1);
  b.exogenous("U_Y", Rational(1, 2), 2);
  b.covariance("U_Y", "U_X", Rational(1, 3));
  b.endogenous("Y", {{"X", Rational(3, 2)}, {"U_Y", 1}}, 2);
  b.endogenous("X", {{"U_X", 1}}, 0);
  return b.build();
}

TEST(LinearScm, IdsExogenousFirstAndEvaluationOrderTopological) {
  const LinearScm m = mediation();
  ASSERT_EQ(m.size(), 4U);
  EXPECT_EQ(m.exogenous_count(), 2U);
  EXPECT_EQ(*m.find("Y"), 2U);
  EXPECT_EQ(*m.find("X"), 3U);
  EXPECT_EQ(m.evaluation_order(), (std::vector<VarId>{3, 2}));  // X before Y
  EXPECT_TRUE(m.dag().has_arc(3, 2));
  EXPECT_TRUE(m.dag().has_arc(1, 2));
}

TEST(LinearScm, CovarianceIsSymmetricWithVariancesOnTheDiagonal) {
  const LinearScm m = mediation();
  EXPECT_EQ(m.covariance(0, 1), Rational(1, 3));
  EXPECT_EQ(m.covariance(1, 0), Rational(1, 3));
  EXPECT_EQ(m.covariance(1, 1), 2);
  ASSERT_EQ(m.covariances().size(), 1U);
  EXPECT_EQ(m.covariances()[0].a, 0U);
  EXPECT_EQ(m.covariances()[0].b, 1U);
}

TEST(LinearScm, NegativeVarianceIsRefused) {
  LinearScmBuilder b;
  b.exogenous("U", 0, Rational(-1, 2), {3, 11}, {3, 28});
  b.endogenous("X", {{"U", 1}}, 0);
  const auto problems = b.problems();
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].message, "the variance of U is -1/2, but a variance cannot be negative");
  EXPECT_EQ(problems[0].line, 3);
  EXPECT_EQ(problems[0].column, 28);
  EXPECT_THROW((void)b.build(), InvalidModel);
}

TEST(LinearScm, NonPsdCovarianceIsRefusedExactly) {
  // |cov| > sqrt(1 * 1): the conditional variance of U_Y given U_X is 1 - 4/1 = -3.
  LinearScmBuilder b;
  b.exogenous("U_X", 0, 1);
  b.exogenous("U_Y", 0, 1);
  b.covariance("U_X", "U_Y", 2, {4, 1});
  b.endogenous("X", {{"U_X", 1}, {"U_Y", 1}}, 0);
  const auto problems = b.problems();
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].message,
            "the covariances of the exogenous variables are not positive semi-definite: the variance of U_Y given U_X "
            "would be -3");
  EXPECT_EQ(problems[0].line, 4);
}

TEST(LinearScm, SemidefiniteCovarianceIsAccepted) {
  // cov = sqrt(var_a var_b): perfectly correlated, singular but PSD.
  LinearScmBuilder b;
  b.exogenous("U_A", 0, 1);
  b.exogenous("U_B", 0, 4);
  b.covariance("U_A", "U_B", 2);
  b.endogenous("X", {{"U_A", 1}, {"U_B", 1}}, 0);
  EXPECT_NO_THROW((void)b.build());
}

TEST(LinearScm, ZeroVarianceThatCovariesIsRefused) {
  LinearScmBuilder b;
  b.exogenous("U_A", 0, 0);
  b.exogenous("U_B", 0, 1);
  b.covariance("U_A", "U_B", Rational(1, 10));
  b.endogenous("X", {{"U_A", 1}}, 0);
  const auto problems = b.problems();
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].message,
            "the covariances of the exogenous variables are not positive semi-definite: U_A has variance 0 yet "
            "covariance 1/10 with U_B");
}

TEST(LinearScm, PsdCheckOnThreeVariables) {
  // Pairwise fine (each |r| = 0.9) but jointly impossible: r_ab = r_bc = 0.9, r_ac = -0.9.
  std::vector<Rational> s = {1, Rational(9, 10), Rational(-9, 10), Rational(9, 10), 1, Rational(9, 10),
                             Rational(-9, 10), Rational(9, 10), 1};
  PsdFailure why;
  EXPECT_FALSE(is_positive_semidefinite(s, 3, &why));
  EXPECT_EQ(why.index, 2U);
  EXPECT_TRUE(why.negative);
  std::vector<Rational> ok = {2, 1, 0, 1, 2, 1, 0, 1, 2};
  EXPECT_TRUE(is_positive_semidefinite(ok, 3));
  std::vector<Rational> zero(9, Rational(0));
  EXPECT_TRUE(is_positive_semidefinite(zero, 3));
}

TEST(LinearScm, EveryProblemIsListed) {
  LinearScmBuilder b;
  b.exogenous("U", 0, 1, {1, 11});
  b.exogenous("U", 0, 1, {2, 11});
  b.endogenous("X", {{"Q", 1}}, 0, {3, 1}, {3, 6});
  b.endogenous("Y", {{"X", 1}, {"X", 2}}, 0, {4, 1}, {4, 6});
  b.covariance("U", "X", 1, {5, 1});
  const auto problems = b.problems();
  ASSERT_GE(problems.size(), 1U);
  EXPECT_EQ(problems[0].message, "duplicate name 'U' (first declared at line 1)");
}

TEST(LinearScm, MechanismProblems) {
  LinearScmBuilder b;
  b.exogenous("U", 0, 1, {1, 11});
  b.endogenous("X", {{"Q", 1}}, 0, {3, 1}, {3, 6});
  b.endogenous("Y", {{"X", 1}, {"X", 2}}, 0, {4, 1}, {4, 6});
  b.endogenous("Z", {{"Z", 1}}, 0, {5, 1}, {5, 6});
  b.covariance("U", "X", 1, {6, 1});
  const auto problems = b.problems();
  ASSERT_EQ(problems.size(), 3U);
  EXPECT_EQ(problems[0].message, "unknown name 'Q' in the mechanism of X");
  EXPECT_EQ(problems[1].message, "X appears twice in the mechanism of Y: write it once, with the sum of its coefficients");
  EXPECT_EQ(problems[2].message, "the mechanism of Z reads Z itself");
}

TEST(LinearScm, CycleIsNamed) {
  LinearScmBuilder b;
  b.exogenous("U", 0, 1);
  b.endogenous("A", {{"B", 1}, {"U", 1}}, 0);
  b.endogenous("B", {{"A", 1}}, 0);
  try {
    (void)b.build();
    FAIL() << "a cycle was accepted";
  } catch (const InvalidModel& e) {
    EXPECT_NE(std::string(e.what()).find("cycle: "), std::string::npos) << e.what();
  }
}

TEST(LinearScm, CovarianceOnEndogenousIsRefused) {
  LinearScmBuilder b;
  b.exogenous("U", 0, 1);
  b.endogenous("X", {{"U", 1}}, 0);
  b.covariance("U", "X", Rational(1, 2), {3, 1});
  const auto problems = b.problems();
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].message, "cov(U, X): X is endogenous; covariances are declared between exogenous variables only");
}

}  // namespace
}  // namespace rung
