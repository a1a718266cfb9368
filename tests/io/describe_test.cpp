#include "rung/io/describe.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

TEST(Describe, ListsVariablesMechanismsAndParents) {
  ScmBuilder b;
  b.bernoulli("U", Rational(3, 10));
  b.endogenous("Y", "X and U");
  b.endogenous("X", "not U");
  TableSpec t;
  t.inputs = {"X"};
  t.rows = {{{"0"}, "lo", {}}, {{"1"}, "hi", {}}};
  b.endogenous("Grade", Domain({"lo", "hi"}), t);
  EXPECT_EQ(describe(b.build()),
            "1 exogenous, 3 endogenous variables, 4 arcs\n"
            "\n"
            "exogenous (prior over the domain, in order)\n"
            "  U      {0, 1}    ~ (7/10, 3/10)\n"
            "\n"
            "endogenous (in evaluation order)\n"
            "  X      {0, 1}    := not U\n"
            "  Y      {0, 1}    := X and U\n"
            "  Grade  {lo, hi}  := table(X) {\n"
            "                        0 -> lo\n"
            "                        1 -> hi\n"
            "                      }\n"
            "\n"
            "parents\n"
            "  X      <- U\n"
            "  Y      <- U, X\n"
            "  Grade  <- X\n");
}

}  // namespace
}  // namespace rung
