#include "rung/query/linear_query.hpp"

#include "rung/io/linear_text.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

LinearScm model() {
  return read_linear_text(
      "exogenous U_X ~ Normal(0, 1)\nexogenous U_M ~ Normal(0, 1)\nexogenous U_Y ~ Normal(0, 1)\n"
      "X := U_X\nM := 2*X + U_M\nY := 1/2*X + 3/2*M + U_Y\n");
}

std::string round_trip(std::string_view text) {
  const LinearScm m = model();
  return to_string(parse_linear_query(text, m), m);
}

std::string error_of(std::string_view text) {
  try {
    (void)parse_linear_query(text, model());
  } catch (const InvalidQuery& e) {
    return e.what();
  }
  return "";
}

TEST(LinearQuery, CanonicalFormsParseBack) {
  for (const char* text : {"E(Y[X=1] | X=0, Y=2)", "Var(Y[X=1] | X=0)", "Cov(Y[X=1], Y[X=0] | M=1/2)",
                           "P(Y[X=1] > 3 | X=0, Y=2)", "P(Y < -1/4)", "E(Y[X=1, M=M[X=0]]) - E(Y[X=0])",
                           "-E(Y) + Var(M)", "E(U_Y | X=0, Y=2)"}) {
    EXPECT_EQ(round_trip(text), text);
  }
}

TEST(LinearQuery, SynonymsAndDoAreNormalised) {
  EXPECT_EQ(round_trip("E(Y_{X=1}|X=0,Y=2)"), "E(Y[X=1] | X=0, Y=2)");
  EXPECT_EQ(round_trip("E(Y | do(X=1), M=0.5)"), "E(Y[X=1] | M[X=1]=1/2)");
  EXPECT_EQ(round_trip("E(Y[M=2, X=1])"), "E(Y[X=1, M=2])");
  EXPECT_EQ(round_trip("P(Y >= 1)"), "P(Y > 1)");
  EXPECT_EQ(round_trip("E(Y[X=1] | do(X=0))"), "E(Y[X=1])");  // the term's own setting wins
}

TEST(LinearQuery, RungOfEachForm) {
  const LinearScm m = model();
  EXPECT_EQ(rung_of(parse_linear_query("E(Y | X=1)", m)), 1);
  EXPECT_EQ(rung_of(parse_linear_query("E(Y | do(X=1), M=0)", m)), 2);
  EXPECT_EQ(rung_of(parse_linear_query("E(Y[X=1] | X=0)", m)), 3);
  EXPECT_EQ(rung_of(parse_linear_query("E(Y[X=1, M=M[X=0]])", m)), 3);
}

TEST(LinearQuery, ErrorsNameTheColumnAndCulprit) {
  EXPECT_EQ(error_of("E(Q)"), "column 3: unknown variable 'Q'");
  EXPECT_EQ(error_of("P(Y=1)"),
            "column 4: this model is linear (continuous variables): ask P(Y > c) or P(Y < c), E(Y), Var(Y) or Cov(Y, Z); "
            "P(Y=y) and distributions are for discrete models");
  EXPECT_EQ(error_of("E(Y[U_X=1])"), "column 5: U_X is exogenous and cannot be set: settings fix endogenous variables");
  EXPECT_EQ(error_of("E(Y | X=a)"),
            "column 9: expected the observed value (a number such as 2, -1/4 or 0.5), found 'a'");
  EXPECT_EQ(error_of("Cov(Y)"), "column 6: expected ',' between the two terms of Cov(A, B), found ')'");
  EXPECT_EQ(error_of("E(Y[X=1, X=2])"), "column 10: X is set twice");
  EXPECT_EQ(error_of("Q(Y)"), "column 1: expected E(...), Var(...), Cov(...) or P(... > c), found 'Q'");
  EXPECT_EQ(error_of("E(Y) E(Y)"), "column 6: expected '+', '-' or the end of the query, found 'E'");
}

TEST(LinearQuery, EstimandsExpandToTheirDefinitions) {
  const LinearScm m = model();
  EXPECT_EQ(to_string(make_linear_estimand("ate", "X", "", "Y", 1, 0, m), m), "E(Y[X=1]) - E(Y[X=0])");
  EXPECT_EQ(to_string(make_linear_estimand("ett", "X", "", "Y", 1, 0, m), m), "E(Y[X=1] | X=1) - E(Y[X=0] | X=1)");
  EXPECT_EQ(to_string(make_linear_estimand("nde", "X", "M", "Y", 2, Rational(-1, 2), m), m),
            "E(Y[X=2, M=M[X=-1/2]]) - E(Y[X=-1/2])");
  EXPECT_EQ(to_string(make_linear_estimand("nie", "X", "M", "Y", 1, 0, m), m), "E(Y[X=0, M=M[X=1]]) - E(Y[X=0])");
  EXPECT_THROW((void)make_linear_estimand("pns", "X", "", "Y", 1, 0, m), InvalidQuery);
  EXPECT_THROW((void)make_linear_estimand("ate", "U_X", "", "Y", 1, 0, m), InvalidQuery);
}

}  // namespace
}  // namespace rung
