#include "rung/io/dot.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

TEST(Dot, DrawsExogenousNodesDashedAndLabelsNonBooleanDomains) {
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.endogenous("X", "U");
  b.endogenous("W", "if X then hi else lo", Domain({"lo", "hi"}));
  EXPECT_EQ(to_dot(b.build()),
            "digraph \"scm\" {\n"
            "  rankdir=TB;\n"
            "  node [fontname=\"Helvetica\"];\n"
            "  \"U\" [label=\"U\", shape=box, style=dashed, color=gray50, fontcolor=gray30];\n"
            "  \"X\" [label=\"X\", shape=ellipse];\n"
            "  \"W\" [label=\"W\\n{lo, hi}\", shape=ellipse];\n"
            "  \"U\" -> \"X\" [style=dashed, color=gray50];\n"
            "  \"X\" -> \"W\";\n"
            "}\n");
}

TEST(Dot, QuotedDomainValuesAreEscapedInLabels) {
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.endogenous("W", R"(if U then "<7.5" else ">=7.5")", Domain({"<7.5", ">=7.5"}));
  EXPECT_NE(to_dot(b.build()).find(R"("W" [label="W\n{\"<7.5\", \">=7.5\"}", shape=ellipse];)"), std::string::npos)
      << to_dot(b.build());
}

}  // namespace
}  // namespace rung
