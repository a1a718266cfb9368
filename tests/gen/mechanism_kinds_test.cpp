#include "rung/gen/mechanism_kinds.hpp"

#include "rung/core/error.hpp"
#include "rung/scm/scm.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace rung {
namespace {

TEST(AtLeastExpression, Text) {
  EXPECT_EQ(at_least_expression({"A", "not B", "C"}, 2), "(A and not B) or (A and C) or (not B and C)");
  EXPECT_EQ(at_least_expression({"A", "B", "C"}, 1), "A or B or C");
  EXPECT_EQ(at_least_expression({"A", "B", "C"}, 3), "A and B and C");
  EXPECT_THROW((void)at_least_expression({"A", "B"}, 3), Error);
  EXPECT_THROW((void)at_least_expression({"A", "B"}, 0), Error);
}

// Compiled as a mechanism, the text holds exactly when at least k of the literals do, for every
// assignment of four inputs (one of them negated) and every k.
TEST(AtLeastExpression, CountsTheLiteralsThatHold) {
  const std::vector<std::string> names = {"A", "B", "C", "D"};
  const std::vector<std::string> literals = {"A", "not B", "C", "D"};
  for (int k = 1; k <= 4; ++k) {
    ScmBuilder b;
    for (const auto& n : names) b.bernoulli("U_" + n, Rational(1, 2));
    for (const auto& n : names) b.endogenous(n, "U_" + n);
    b.endogenous("Y", at_least_expression(literals, k));
    const Scm m = b.build();
    for (unsigned bits = 0; bits < 16; ++bits) {
      std::vector<Value> values(m.size(), 0);
      int holding = 0;
      for (std::size_t i = 0; i < names.size(); ++i) {
        const Value v = (bits >> i) & 1U;
        values[*m.find(names[i])] = v;
        holding += (i == 1 ? 1 - static_cast<int>(v) : static_cast<int>(v));
      }
      EXPECT_EQ(m.mechanism(*m.find("Y")).evaluate(values), holding >= k ? 1U : 0U) << "k=" << k << " bits=" << bits;
    }
  }
}

TEST(MechanismKinds, Listed) {
  const auto& kinds = mechanism_kinds();
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "threshold"), kinds.end());
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "table"), kinds.end());
}

}  // namespace
}  // namespace rung
