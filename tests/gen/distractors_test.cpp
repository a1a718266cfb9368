#include "rung/gen/distractors.hpp"

#include "rung/io/json_line.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

std::optional<Rational> value_of(const std::vector<Distractor>& ds, const std::string& name) {
  for (const auto& d : ds) {
    if (d.procedure == name) return d.value;
  }
  ADD_FAILURE() << "no procedure " << name;
  return std::nullopt;
}

TEST(Distractors, RootMarginalsFallIntoTheJointAbductionTrap) {
  // U1, U2 ~ Bernoulli(1/2), X := U1 xor U2, Y := U1 and U2: P(Y[X=0]=1 | X=0) = 1/2, but
  // abduction on each root separately (posterior marginals 1/2 each) gives 1/4.
  ScmBuilder b;
  b.bernoulli("U1", Rational(1, 2)).bernoulli("U2", Rational(1, 2));
  b.endogenous("X", "U1 xor U2");
  b.endogenous("Y", "U1 and U2");
  const Scm m = b.build();
  const auto ds = distractors(m, parse_query("P(Y[X=0]=1 | X=0)", m));
  EXPECT_EQ(value_of(ds, "root_marginals"), Rational(1, 4));
  EXPECT_EQ(value_of(ds, "no_abduction"), Rational(1, 4));
  EXPECT_EQ(value_of(ds, "factual"), Rational(1, 2));
}

TEST(Distractors, ConditioningDiffersFromInterveningUnderConfounding) {
  // U confounds X and Y; X has no effect on Y. P(Y[X=1]=1) = 1/2, but P(Y=1 | X=1) = 1.
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.endogenous("X", "U");
  b.endogenous("Y", "U");
  const Scm m = b.build();
  const auto ds = distractors(m, parse_query("P(Y[X=1]=1)", m));
  EXPECT_EQ(value_of(ds, "conditioning"), Rational(1));
  EXPECT_EQ(value_of(ds, "factual"), Rational(1, 2));
}

TEST(Distractors, ProceduresThatLeaveTheQueryUnchangedAreLeftOut) {
  // Without evidence, dropping the evidence (no_abduction) or abducing root marginals is the
  // correct procedure; without settings, so are conditioning and the factual reading.
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.endogenous("X", "U");
  b.endogenous("Y", "U");
  const Scm m = b.build();
  auto names = [](const std::vector<Distractor>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) out.push_back(d.procedure);
    return out;
  };
  EXPECT_EQ(names(distractors(m, parse_query("P(Y[X=1]=1)", m))), (std::vector<std::string>{"conditioning", "factual"}));
  // X=1 pins U: the posterior is a point mass, the product of its marginals.
  EXPECT_EQ(names(distractors(m, parse_query("P(Y=1 | X=1)", m))), (std::vector<std::string>{"no_abduction"}));
  EXPECT_EQ(names(distractors(m, parse_query("P(Y=1)", m), {{"same", parse_query("P(Y=1)", m)}})), std::vector<std::string>{});
}

TEST(Distractors, UndefinedProceduresHaveNoValueAndReadingsAreSolved) {
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.endogenous("X", "U");
  b.endogenous("Z", "X");
  b.endogenous("Y", "Z");
  const Scm m = b.build();
  // Conditioning on Z=0 while X=1 is observed (Z := X) has probability zero.
  const auto ds = distractors(m, parse_query("P(Y[Z=0]=1 | X=1)", m), {{"plain", parse_query("P(Y=1)", m)}});
  EXPECT_FALSE(value_of(ds, "conditioning").has_value());
  EXPECT_EQ(value_of(ds, "plain"), Rational(1, 2));
  EXPECT_EQ(value_of(ds, "factual"), Rational(1));
  std::string text;
  JsonWriter w(text);
  write_json(w, ds, nullptr);
  EXPECT_NE(text.find(R"("conditioning":{"answer":null,"note":"undefined: zero-probability evidence"})"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("plain":{"answer":"1/2","value":{"fraction":"1/2","decimal":"0.5"}})"), std::string::npos) << text;
  EXPECT_EQ(text, to_json(ds, nullptr).dump());
}

TEST(Distractors, WithPriorsKeepsMechanisms) {
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.endogenous("X", "not U");
  const Scm m = b.build();
  const Scm changed = with_priors(m, {{Rational(1, 4), Rational(3, 4)}});
  EXPECT_EQ(changed.prior(0)[1], Rational(3, 4));
  EXPECT_EQ(changed.mechanism(1), m.mechanism(1));
}

}  // namespace
}  // namespace rung
