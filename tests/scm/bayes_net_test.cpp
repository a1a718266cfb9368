#include "rung/scm/bayes_net.hpp"

#include "rung/infer/solver.hpp"
#include "rung/io/bif.hpp"
#include "rung/query/query.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

/// rain -> wet <- sprinkler, with a three-valued wet.
BayesNet garden() {
  BayesNet net;
  BayesNet::Node rain{"rain", {"no", "yes"}, {}, {{Rational(4, 5), Rational(1, 5)}}, {}, {1, 1}, {5, 1}, true};
  BayesNet::Node sprinkler{"sprinkler", {"off", "on"}, {}, {{Rational(1, 2), Rational(1, 2)}}, {}, {2, 1}, {6, 1}, true};
  BayesNet::Node wet{"wet", {"dry", "damp", "soaked"}, {"rain", "sprinkler"},
                     {{Rational(1), Rational(0), Rational(0)},
                      {Rational(1, 10), Rational(3, 5), Rational(3, 10)},
                      {Rational(1, 5), Rational(1, 5), Rational(3, 5)},
                      {Rational(0), Rational(1, 10), Rational(9, 10)}},
                     {}, {3, 1}, {7, 1}, true};
  net.nodes = {rain, sprinkler, wet};
  return net;
}

TEST(BayesNet, CanonicalNoiseHasOneValuePerIntervalOfTheMergedCutPoints) {
  BayesNet net = garden();
  ASSERT_TRUE(check_cpts(net, {}).empty());
  const Scm m = to_scm(net);
  // U_wet: cumulative sums in (0,1): 1/10, 7/10, 1/5, 2/5, 1/10 -> {1/10, 1/5, 2/5, 7/10} and 1.
  const VarId u = *m.find("U_wet");
  ASSERT_TRUE(m.is_exogenous(u));
  EXPECT_EQ(m.prior(u), (std::vector<Rational>{Rational(1, 10), Rational(1, 10), Rational(1, 5), Rational(3, 10),
                                               Rational(3, 10)}));
  // Rung 1 equals the CPT entry exactly, row by row.
  SolverOptions o;
  EXPECT_EQ(solve(m, parse_query("P(wet=damp | rain=no, sprinkler=on)", m), o).value, Rational(3, 5));
  EXPECT_EQ(solve(m, parse_query("P(wet=soaked | rain=yes, sprinkler=on)", m), o).value, Rational(9, 10));
  EXPECT_EQ(solve(m, parse_query("P(wet=dry | rain=yes, sprinkler=off)", m), o).value, Rational(1, 5));
  // The marginal: sum over parents of P(rain) P(sprinkler) P(wet | ...).
  const Rational dry = Rational(4, 5) * Rational(1, 2) * (Rational(1) + Rational(1, 10)) +
                       Rational(1, 5) * Rational(1, 2) * (Rational(1, 5) + Rational(0));
  EXPECT_EQ(solve(m, parse_query("P(wet=dry)", m), o).value, dry);
}

TEST(BayesNet, RowsThatDoNotSumToOneAreReportedOrRescaled) {
  BayesNet net = garden();
  net.nodes[2].cpt[1] = {Rational(1, 10), Rational(3, 5), Rational(29, 100)};
  net.nodes[2].row_at = {{8, 3}, {9, 3}, {10, 3}, {11, 3}};
  const auto problems = check_cpts(net, {});
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].to_string(),
            "9:3: error: the row (no, on) of wet sums to 0.99 (99/100), not 1; --normalize-cpts rescales such rows");
  CptReport report;
  EXPECT_TRUE(check_cpts(net, {.normalize = true}, &report).empty());
  EXPECT_EQ(report.rows_rescaled, 1U);
  EXPECT_EQ(report.largest_correction, Rational(1, 100));
  EXPECT_EQ(report.largest_where, "the row (no, on) of wet");
  EXPECT_EQ(net.nodes[2].cpt[1][0], Rational(10, 99));
}

TEST(BayesNet, ShapeProblemsAreNamed) {
  BayesNet net = garden();
  net.nodes[2].parents = {"rain", "cloud"};
  net.nodes[0].has_cpt = false;
  const auto problems = check_cpts(net, {});
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_EQ(problems[0].message, "variable rain has no probability table");
  EXPECT_EQ(problems[1].message, "unknown parent 'cloud' in the probability table of wet");
  BayesNet short_table = garden();
  short_table.nodes[2].cpt.pop_back();
  EXPECT_EQ(check_cpts(short_table, {}).at(0).message, "the probability table of wet has 3 rows, expected 4");
}

TEST(BayesNet, ACycleIsReportedByTheModelBuilder) {
  BayesNet net = garden();
  net.nodes[0].parents = {"wet"};
  net.nodes[0].cpt = {{Rational(1), Rational(0)}, {Rational(1), Rational(0)}, {Rational(1), Rational(0)}};
  ASSERT_TRUE(check_cpts(net, {}).empty());
  try {
    (void)to_scm(net);
    FAIL() << "a cycle was accepted";
  } catch (const ParseError& e) {
    ASSERT_FALSE(e.diagnostics().empty());
    EXPECT_NE(e.diagnostics()[0].message.find("cycle: "), std::string::npos) << e.diagnostics()[0].message;
  }
}

TEST(BayesNet, NetworkToScmToNetworkGivesTheSameCptsExactly) {
  BayesNet net = garden();
  const BayesNet back = to_bayes_net(to_scm(net));
  ASSERT_EQ(back.nodes.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back.nodes[i].name, net.nodes[i].name);
    EXPECT_EQ(back.nodes[i].states, net.nodes[i].states);
    EXPECT_EQ(back.nodes[i].parents, net.nodes[i].parents);
    EXPECT_EQ(back.nodes[i].cpt, net.nodes[i].cpt);
  }
}

TEST(BayesNet, ModelsWithSharedNoiseCannotBecomeNetworks) {
  ScmBuilder b;
  b.bernoulli("U", Rational(1, 3));
  b.endogenous("X", "U");
  b.endogenous("Y", "X xor U");
  try {
    (void)to_bayes_net(b.build());
    FAIL() << "shared noise was accepted";
  } catch (const InvalidModel& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot write a Bayesian network: U is read by both X and Y (a network needs independent noise for each "
              "variable)");
  }
}

TEST(BayesNet, NoiseNamesAvoidTheNodes) {
  BayesNet net = garden();
  net.nodes[0].name = "U_wet";
  net.nodes[2].parents[0] = "U_wet";
  const Scm m = to_scm(net);
  // U_wet (the node)'s noise is U_U_wet; wet's would be U_wet, then U_U_wet: both taken.
  EXPECT_EQ(m.name(m.mechanism(*m.find("U_wet")).cpt_noise()), "U_U_wet");
  EXPECT_EQ(m.name(m.mechanism(*m.find("wet")).cpt_noise()), "U_U_U_wet");
  EXPECT_EQ(m.name(m.mechanism(*m.find("sprinkler")).cpt_noise()), "U_sprinkler");
}

}  // namespace
}  // namespace rung

namespace rung {
namespace {


}  // namespace
}  // namespace rung
