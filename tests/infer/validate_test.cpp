#include "rung/infer/validate.hpp"

#include "settings.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

using testing::set;

class ValidateTest : public ::testing::Test {
 protected:
  ValidateTest() {
    ScmBuilder b;
    b.bernoulli("U", Rational(1, 2));
    b.endogenous("X", "U");
    b.endogenous("W", Domain({"lo", "mid", "hi"}), parse_expression("if X then hi else lo"));
    b.endogenous("Y", "X and W == mid");
    m = b.build();
  }
  Scm m;
  const VarId u = 0, x = 1, w = 2, y = 3;
};

std::string message(const std::function<void()>& f) {
  try {
    f();
  } catch (const InvalidQuery& e) {
    return e.what();
  }
  return "no exception";
}

TEST_F(ValidateTest, AcceptsValidTerms) {
  EXPECT_NO_THROW(check_term(Term{y, {set(x, 1), set(w, 2)}}, m));
  Setting nested;
  nested.var = x;
  nested.nested.push_back(Term{x, {set(w, 0)}});
  EXPECT_NO_THROW(check_term(Term{y, {nested}}, m));
  EXPECT_NO_THROW(check_events({{Term{w, {}}, 2}}, m));
}

TEST_F(ValidateTest, NamesTheProblem) {
  EXPECT_EQ(message([&] { check_term(Term{y, {set(u, 1)}}, m); }),
            "cannot intervene on the exogenous variable U");
  EXPECT_EQ(message([&] { check_term(Term{y, {set(w, 3)}}, m); }),
            "value 3 is outside the domain {lo, mid, hi} of W");
  EXPECT_EQ(message([&] { check_term(Term{y, {set(w, 1), set(x, 1)}}, m); }),
            "the settings of a term on Y are not sorted by variable, or set X twice");
  EXPECT_EQ(message([&] { check_term(Term{y, {set(x, 1), set(x, 1)}}, m); }),
            "the settings of a term on Y are not sorted by variable, or set X twice");
  EXPECT_EQ(message([&] { check_term(Term{7, {}}, m); }), "unknown variable id 7 in a query");
  EXPECT_EQ(message([&] { check_events({{Term{w, {}}, 5}}, m); }),
            "value 5 is outside the domain {lo, mid, hi} of W");
  Setting mismatch;
  mismatch.var = x;
  mismatch.nested.push_back(Term{w, {}});
  EXPECT_EQ(message([&] { check_term(Term{y, {mismatch}}, m); }),
            "cannot set X {0, 1} to the value of W {lo, mid, hi}: the domains differ");
  Setting two;
  two.var = x;
  two.nested = {Term{x, {}}, Term{x, {}}};
  EXPECT_EQ(message([&] { check_term(Term{y, {two}}, m); }), "the setting of X has 2 nested terms, not one");
}

TEST_F(ValidateTest, NumericLabels) {
  EXPECT_EQ(numeric_labels(y, m), (std::vector<Rational>{0, 1}));
  EXPECT_EQ(message([&] { (void)numeric_labels(w, m); }), "E(W) needs numeric values, but W takes {lo, mid, hi}");
}

}  // namespace
}  // namespace rung
