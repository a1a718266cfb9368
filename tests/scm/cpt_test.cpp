// CPT mechanisms (`V ~ cpt(...) { ... }`): the implied noise, the inverse CDF, errors, round trips.
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"
#include "rung/scm/scm.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

constexpr const char* kGarden = R"(Rain in {no, yes} ~ cpt() { -> 0.8, 0.2 }
Sprinkler in {off, on} ~ cpt(Rain) {
  no -> 0.6, 0.4
  yes -> 0.99, 0.01
}
Wet in {dry, damp, soaked} ~ cpt(Sprinkler, Rain) {
  off, no -> 1, 0, 0
  on, no -> 0.1, 0.6, 0.3
  off, yes -> 0.2, 0.2, 0.6; on, yes -> 0, 0.1, 0.9
}
)";

/// P(V = j | parents) as the noise's prior gives it through the mechanism: the sum of the prior
/// over the noise values the inverse CDF maps to j (an independent reading of what the CPT says).
Rational implied_probability(const Scm& m, VarId v, std::vector<Value> values, Value j) {
  const VarId u = m.mechanism(v).cpt_noise();
  Rational total = 0;
  for (Value k = 0; k < m.domain(u).size(); ++k) {
    values[u] = k;
    if (m.mechanism(v).evaluate(values) == j) total += m.prior(u)[k];
  }
  return total;
}

TEST(Cpt, TheNoiseIsImpliedAndItsInverseCdfGivesEveryEntry) {
  const Scm m = read_scm_text(kGarden, "garden.scm");
  ASSERT_EQ(m.exogenous().size(), 3U);
  const VarId wet = *m.find("Wet");
  const VarId u = *m.find("U_Wet");
  EXPECT_TRUE(m.variable(u).implied);
  EXPECT_EQ(m.mechanism(wet).cpt_noise(), u);
  // Cut points of Wet's rows: 1 (dropped), 1/10, 7/10, 1/5, 2/5, 0 (dropped), 1/10 -> 1/10, 1/5, 2/5, 7/10, 1.
  EXPECT_EQ(m.prior(u), (std::vector<Rational>{Rational(1, 10), Rational(1, 10), Rational(1, 5), Rational(3, 10),
                                               Rational(3, 10)}));
  EXPECT_EQ(m.prior(*m.find("U_Rain")), (std::vector<Rational>{Rational(4, 5), Rational(1, 5)}));
  const VarId rain = *m.find("Rain");
  const VarId sprinkler = *m.find("Sprinkler");
  // Every entry of every row, through the mechanism and the prior.
  const std::vector<std::vector<Rational>> rows = {  // rows in the order written: (Sprinkler, Rain)
      {1, 0, 0},
      {Rational(1, 10), Rational(3, 5), Rational(3, 10)},
      {Rational(1, 5), Rational(1, 5), Rational(3, 5)},
      {0, Rational(1, 10), Rational(9, 10)}};
  const std::vector<std::pair<Value, Value>> given = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<Value> values(m.size(), 0);
    values[sprinkler] = given[r].first;
    values[rain] = given[r].second;
    for (Value j = 0; j < 3; ++j) EXPECT_EQ(implied_probability(m, wet, values, j), rows[r][j]) << r << " " << j;
  }
  // The compiled table is in canonical order: row-major over the parents as written.
  EXPECT_EQ(m.mechanism(wet).cpt_probabilities()[1 * 3 + 1], Rational(1, 5));  // (off, yes) -> damp
  EXPECT_EQ(m.mechanism(wet).cpt_probabilities()[2 * 3 + 2], Rational(3, 10));  // (on, no) -> soaked
}

TEST(Cpt, NoiseNamesAvoidEveryDeclaredName) {
  const Scm m = read_scm_text("exogenous U_X ~ Bernoulli(1/2)\nU_U_X ~ cpt() { -> 1/2, 1/2 }\n"
                              "X ~ cpt(U_X) { 0 -> 1/3, 2/3; 1 -> 1, 0 }\n",
                              "m.scm");
  // U_U_X's noise is U_U_U_X; X's would be U_X, then U_U_X (both taken), then U_U_U_X (taken by
  // the first noise): U_U_U_U_X.
  EXPECT_EQ(m.mechanism(*m.find("U_U_X")).cpt_noise(), *m.find("U_U_U_X"));
  EXPECT_EQ(m.mechanism(*m.find("X")).cpt_noise(), *m.find("U_U_U_U_X"));
  EXPECT_FALSE(m.variable(*m.find("U_X")).implied);
}

TEST(Cpt, TextAndJsonRoundTripsWithoutWritingTheNoise) {
  const Scm m = read_scm_text(kGarden, "garden.scm");
  const std::string text = write_scm_text(m);
  EXPECT_EQ(text.find("U_"), std::string::npos) << text;
  EXPECT_NE(text.find("Wet in {dry, damp, soaked} ~ cpt(Sprinkler, Rain) {\n  off, no -> 1, 0, 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Rain in {no, yes} ~ cpt() {\n  -> 4/5, 1/5\n}"), std::string::npos) << text;
  EXPECT_EQ(read_scm_text(text, "again.scm"), m);
  const std::string json = write_scm_json(m);
  EXPECT_EQ(json.find("U_"), std::string::npos);
  EXPECT_EQ(read_scm_json(json, "again.json"), m);
}

TEST(Cpt, JsonReadsTheSameModel) {
  const Scm json = read_scm_json(R"({"endogenous": [
    {"name": "A", "domain": ["lo", "hi"], "mechanism": {"cpt": {"parents": [], "rows": [{"given": [], "p": ["1/4", "3/4"]}]}}},
    {"name": "B", "mechanism": {"cpt": {"parents": ["A"], "rows": [{"given": ["hi"], "p": ["0.5", "0.5"]},
                                                                  {"given": ["lo"], "p": ["1", "0"]}]}}}]})",
                                 "m.json");
  const Scm text = read_scm_text("A in {lo, hi} ~ cpt() { -> 1/4, 3/4 }\nB ~ cpt(A) { hi -> 1/2, 1/2; lo -> 1, 0 }\n", "m.scm");
  EXPECT_EQ(json, text);
}

TEST(Cpt, JsonErrorsNameThePath) {
  try {
    (void)read_scm_json(R"({"endogenous": [{"name": "A", "mechanism": {"cpt": {"parents": [], "rows": [{"given": [], "p": ["x", "1"]}, 3], "o": 1}}},
                                           {"name": "B", "mechanism": {"cpt": {"parents": ["A"], "rows": [{"given": ["0"], "p": ["1/2", "1/3"]}, {"given": ["1"], "p": ["1", "0"]}]}}}]})",
                        "m.json");
    FAIL() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(std::string(e.what()),
              "m.json: error: /endogenous/0/mechanism/cpt/o: unknown field (expected \"parents\" or \"rows\")\n"
              "m.json: error: /endogenous/0/mechanism/cpt/rows/0/p/0: invalid probability 'x'\n"
              "m.json: error: /endogenous/0/mechanism/cpt/rows/1: expected an object {\"given\": [parent values], \"p\": "
              "[probabilities]}");
  }
  try {
    (void)read_scm_json(R"({"endogenous": [{"name": "A", "mechanism": "1"},
                                           {"name": "B", "mechanism": {"cpt": {"parents": ["A"], "rows": [{"given": ["0"], "p": ["1/2", "1/3"]}, {"given": ["1"], "p": ["1", "0"]}]}}}]})",
                        "m.json");
    FAIL() << "accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(std::string(e.what()), "m.json: error: /endogenous/1: the row (0) of the CPT of B sums to 5/6, not 1");
  }
}

TEST(Cpt, PriorsImpliedByACptCannotBeReplaced) {
  const Scm m = read_scm_text("exogenous E ~ Bernoulli(1/2)\nA ~ cpt() { -> 1/4, 3/4 }\nB := A xor E\n", "m.scm");
  std::vector<std::vector<Rational>> priors = {m.prior(0), m.prior(1)};
  EXPECT_EQ(m.with_priors(priors), m);  // unchanged: fine
  priors[0] = {Rational(1, 3), Rational(2, 3)};
  EXPECT_NO_THROW((void)m.with_priors(priors));
  priors[1] = {Rational(1, 2), Rational(1, 2)};
  try {
    (void)m.with_priors(priors);
    FAIL() << "accepted";
  } catch (const InvalidModel& e) {
    EXPECT_EQ(std::string(e.what()), "the prior of U_A is implied by a CPT and cannot be replaced");
  }
}

TEST(Cpt, OtherMechanismsMayReadTheNoise) {
  // Unusual but well defined: Y reads A's noise, so A and Y share it (a confounder).
  const Scm m = read_scm_text("A ~ cpt() { -> 1/4, 3/4 }\nY := U_A == 0\n", "m.scm");
  std::vector<Value> values(m.size(), 0);
  m.evaluate(values);  // U_A = 0 (probability 1/4): A = 0, Y = 1
  EXPECT_EQ(values[*m.find("A")], 0U);
  EXPECT_EQ(values[*m.find("Y")], 1U);
}

}  // namespace
}  // namespace rung
