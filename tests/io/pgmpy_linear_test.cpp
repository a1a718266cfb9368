// pgmpy-style linear-Gaussian networks (issue #20, item 6): the JSON form of
// LinearGaussianCPDs read as a linear SCM, decimals exactly, every malformed field reported
// with its line and column.
#include "rung/io/pgmpy_linear.hpp"

#include "rung/core/error.hpp"
#include "rung/infer/linear_gaussian.hpp"
#include "rung/io/linear_text.hpp"
#include "rung/io/model_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rung {
namespace {

const std::filesystem::path kData = std::filesystem::path(RUNG_TEST_DATA_DIR);

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string diagnostics(std::string_view text) {
  try {
    (void)read_pgmpy_linear_json(text, "net.json");
  } catch (const ParseError& e) {
    std::string out;
    for (const auto& d : e.diagnostics()) out += d.to_string() + "\n";
    return out;
  }
  return "(no error)";
}

TEST(PgmpyLinear, EachCpdBecomesAMechanismWithItsOwnNoise) {
  const LinearScm m = read_linear_model_file(kData / "networks" / "pgmpy_linear.json");
  EXPECT_EQ(write_linear_text(m),
            "exogenous U_Smoking ~ Normal(0, 9/4)\n"
            "exogenous U_Tar ~ Normal(0, 9/100)\n"
            "exogenous U_Cancer ~ Normal(0, 1/4)\n"
            "Smoking := U_Smoking + 1/5\n"
            "Tar := 7/10*Smoking + U_Tar - 1/10\n"
            "Cancer := 1/3*Smoking + 9/4*Tar + U_Cancer + 1\n");
  // E(Cancer) = 1 + 1/3 * 1/5 + 9/4 * (-1/10 + 7/10 * 1/5); the total effect 1/3 + 9/4 * 7/10.
  EXPECT_EQ(solve(m, parse_linear_query("E(Cancer)", m)).value, Rational(347, 300));
  EXPECT_EQ(solve(m, parse_linear_query("E(Cancer[Smoking=1]) - E(Cancer[Smoking=0])", m)).value, Rational(229, 120));
  EXPECT_EQ(solve(m, parse_linear_query("Var(Smoking)", m)).value, Rational(9, 4));
}

TEST(PgmpyLinear, TheExampleMatchesTheLinearMediationModel) {
  const LinearScm pg = read_linear_model_file(std::filesystem::path(RUNG_EXAMPLES_DIR) / "pgmpy_linear_mediation.json");
  const LinearScm scm = read_linear_model_file(std::filesystem::path(RUNG_EXAMPLES_DIR) / "linear_mediation.scm");
  for (const char* q : {"E(Y[X=1] | X=0, Y=2)", "Var(Y[X=1] | X=0)", "E(Y[X=1, M=M[X=0]]) - E(Y[X=0])"}) {
    // Both state the same mechanisms and noise variances (the .scm's U_Y has mean 1: here the intercept).
    EXPECT_EQ(solve(pg, parse_linear_query(q, pg)).value, solve(scm, parse_linear_query(q, scm)).value) << q;
  }
}

TEST(PgmpyLinear, NoiseNamesAvoidTakenNames) {
  const LinearScm m = read_pgmpy_linear_json(R"({"cpds": [{"variable": "U_A", "beta": [0], "std": 1},
      {"variable": "A", "evidence": ["U_A"], "beta": [0, 1e-2], "std": 0}]})");
  EXPECT_EQ(write_linear_text(m),
            "exogenous U_U_A ~ Normal(0, 1)\nexogenous U_A_ ~ Normal(0, 0)\nU_A := U_U_A\nA := 1/100*U_A + U_A_\n");
}

TEST(PgmpyLinear, MalformedNetworksNameFileLineColumnAndCulprit) {
  EXPECT_EQ(diagnostics(slurp(kData / "bad" / "pgmpy_linear_bad.json")),
            "net.json:5:23: error: cpds[2] (C): unknown evidence 'Q' (no CPD defines it)\n"
            "net.json:5:47: error: cpds[2] (C): beta has 2 numbers but evidence names 2 variables: expected 3 (the "
            "intercept, then one coefficient per evidence variable)\n"
            "net.json:5:63: error: cpds[2] (C): std is -2, but a standard deviation cannot be negative\n"
            "net.json:6:52: error: cpds[3] (D): \"variance\" is \"x\", not a number\n");
  EXPECT_EQ(diagnostics(R"({"cpds": [
  {"variable": "A", "evidence": ["B"], "beta": [0, 1], "std": 1},
  {"variable": "B", "evidence": ["A"], "beta": [0, 2], "std": 1}]})"),
            "net.json:3:4: error: cycle: A -> B -> A\n");
  EXPECT_EQ(diagnostics(R"({"cpds": [{"variable": "A", "beta": [0], "std": 1}, {"variable": "A", "beta": [1], "std": 1}]})"),
            "net.json:1:54: error: cpds[1] (A): a second CPD for A (the first is cpds[0])\n");
  EXPECT_EQ(diagnostics(R"({"edges": [["B", "A"]], "cpds": [{"variable": "A", "beta": [0], "std": 1}, {"variable": "B", "beta": [0], "std": 1}]})"),
            "net.json:1:2: error: edge B -> A is not in the evidence of A's CPD\n");
  EXPECT_EQ(diagnostics(R"({"cpds": [{"variable": "A", "beta": [0]}]})"),
            "net.json:1:12: error: cpds[0] (A): missing \"std\" (the standard deviation of the noise) or \"variance\"\n");
  EXPECT_EQ(diagnostics("{\"cpds\": [\n  {\"variable\": \"A\",, }]}"), diagnostics("{\"cpds\": [\n  {\"variable\": \"A\",, }]}"));
  EXPECT_NE(diagnostics("{\"cpds\": [\n  {\"variable\": \"A\",, }]}").find("net.json:2:"), std::string::npos);
  EXPECT_EQ(diagnostics(R"({"format": "pgmpy.Other", "cpds": []})"),
            "net.json:1:2: error: \"format\" must be \"pgmpy.LinearGaussianBayesianNetwork\", found \"pgmpy.Other\"\n");
}

}  // namespace
}  // namespace rung
