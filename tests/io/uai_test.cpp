#include "rung/io/uai.hpp"

#include "rung/infer/solver.hpp"
#include "rung/io/model_file.hpp"
#include "rung/query/query.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace rung {
namespace {

const std::filesystem::path kNetworks = std::filesystem::path(RUNG_TEST_DATA_DIR) / "networks";

TEST(Uai, ReadsBayesNetworksWithTheChildLastInEachScope) {
  const BayesNet net = read_network_file(kNetworks / "asia.uai");
  ASSERT_EQ(net.nodes.size(), 8U);
  EXPECT_EQ(net.nodes[5].name, "v5");
  EXPECT_EQ(net.nodes[5].parents, (std::vector<std::string>{"v3", "v1"}));
  EXPECT_EQ(net.nodes[7].cpt[2], (std::vector<Rational>{Rational(7, 10), Rational(3, 10)}));
}

TEST(Uai, AnswersEqualTheBifNetworksExactly) {
  const Scm uai = read_model_file(kNetworks / "asia.uai");
  const Scm bif = read_model_file(kNetworks / "asia.bif");
  const char* pairs[][2] = {
      {"P(v7=0 | v6=0, v2=1)", "P(dysp=yes | xray=yes, smoke=no)"},
      {"P(v3=0 | v7=0)", "P(lung=yes | dysp=yes)"},
      {"P(v6=1 | do(v5=0))", "P(xray=no | do(either=yes))"},
      {"P(v0=0 | v6=0, v7=0)", "P(asia=yes | xray=yes, dysp=yes)"},
  };
  for (const auto& [u, b] : pairs) {
    SCOPED_TRACE(b);
    EXPECT_EQ(solve(uai, parse_query(u, uai)).value, solve(bif, parse_query(b, bif)).value);
  }
}

TEST(Uai, EvidenceFilesNameVariablesAndStates) {
  const BayesNet net = read_network_file(kNetworks / "asia.uai");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(read_uai_evidence("2 6 0 2 1\n", "e", net), (Pairs{{"v6", "0"}, {"v2", "1"}}));
  EXPECT_EQ(read_uai_evidence("1\n1 6 0\n", "e", net), (Pairs{{"v6", "0"}}));  // with a sample count
  try {
    (void)read_uai_evidence("1 6 2\n", "e.evid", net);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_EQ(e.diagnostics()[0].to_string(), "e.evid:1:5: error: expected a state of v6 (below 2), found '2'");
  }
}

}  // namespace
}  // namespace rung
