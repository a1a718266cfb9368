#include "rung/io/linear_text.hpp"

#include "rung/io/linear_json.hpp"
#include "rung/io/model_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace rung {
namespace {

const char* const kModel =
    "# a comment\n"
    "exogenous U_X ~ Normal(0, 1)\n"
    "exogenous U_Y ~ Normal(1/2, 2)   # trailing comment\n"
    "cov(U_X, U_Y) = 1/3\n"
    "X := U_X\n"
    "Y := 3/2*X - 1/4*Z + 2 + U_Y\n"
    "Z := -X + 0.5 + U_X*2\n";

/// Every diagnostic of reading `text`, one `LINE:COL: MESSAGE` a line.
std::string problems_of(std::string_view text) {
  try {
    (void)read_linear_text(text, "m.scm");
  } catch (const ParseError& e) {
    std::string out;
    for (const auto& d : e.diagnostics()) out += d.to_string() + "\n";
    return out;
  }
  return "";
}

TEST(LinearText, ReadsEveryConstruct) {
  const LinearScm m = read_linear_text(kModel, "m.scm");
  ASSERT_EQ(m.size(), 5U);
  EXPECT_EQ(m.variable(1).mean, Rational(1, 2));
  EXPECT_EQ(m.variable(1).variance, 2);
  EXPECT_EQ(m.covariance(0, 1), Rational(1, 3));
  const auto& y = m.mechanism(*m.find("Y"));
  ASSERT_EQ(y.coefficients.size(), 3U);
  EXPECT_EQ(y.coefficients[0].value, Rational(3, 2));
  EXPECT_EQ(y.coefficients[1].var, *m.find("Z"));
  EXPECT_EQ(y.coefficients[1].value, Rational(-1, 4));
  EXPECT_EQ(y.constant, 2);
  const auto& z = m.mechanism(*m.find("Z"));
  EXPECT_EQ(z.coefficients[0].value, -1);
  EXPECT_EQ(z.coefficients[1].value, 2);
  EXPECT_EQ(z.constant, Rational(1, 2));
}

TEST(LinearText, WritesCanonicalTextThatReadsBack) {
  const LinearScm m = read_linear_text(kModel);
  const std::string text = write_linear_text(m);
  EXPECT_EQ(text,
            "exogenous U_X ~ Normal(0, 1)\n"
            "exogenous U_Y ~ Normal(1/2, 2)\n"
            "cov(U_X, U_Y) = 1/3\n"
            "X := U_X\n"
            "Y := 3/2*X - 1/4*Z + U_Y + 2\n"
            "Z := -X + 2*U_X + 1/2\n");
  EXPECT_EQ(read_linear_text(text), m);
  EXPECT_EQ(write_linear_text(read_linear_text(text)), text);
}

TEST(LinearText, JsonRoundTripsLosslesslyBothWays) {
  const LinearScm m = read_linear_text(kModel);
  const std::string json = write_linear_json(m);
  const LinearScm back = read_linear_json(json);
  EXPECT_EQ(back, m);
  EXPECT_EQ(write_linear_text(back), write_linear_text(m));
  EXPECT_EQ(write_linear_json(read_linear_text(write_linear_text(back))), json);
  const auto doc = nlohmann::json::parse(json);
  EXPECT_EQ(doc.at("kind"), "linear");
  EXPECT_EQ(doc.at("covariance").at(0).at("value"), "1/3");
  EXPECT_EQ(doc.at("endogenous").at(1).at("mechanism"), "3/2*X - 1/4*Z + U_Y + 2");
}

TEST(LinearText, RecognisesALinearText) {
  EXPECT_TRUE(is_linear_scm_text(kModel));
  EXPECT_FALSE(is_linear_scm_text("exogenous U ~ Bernoulli(1/2)\nX := U\n"));
  EXPECT_FALSE(is_linear_scm_text("# exogenous U ~ Normal(0, 1)\n"));
}

TEST(LinearText, NegativeVarianceAtItsColumn) {
  EXPECT_EQ(problems_of("exogenous U ~ Normal(0, -1/2)\nX := U\n"),
            "m.scm:1:25: error: the variance of U is -1/2, but a variance cannot be negative\n");
}

TEST(LinearText, NonPsdCovarianceAtTheCovStatement) {
  EXPECT_EQ(problems_of("exogenous U_X ~ Normal(0, 1)\nexogenous U_Y ~ Normal(0, 1/4)\ncov(U_X, U_Y) = 1\nX := U_X + U_Y\n"),
            "m.scm:3:1: error: the covariances of the exogenous variables are not positive semi-definite: the variance "
            "of U_Y given U_X would be -3/4\n");
}

TEST(LinearText, DiscreteConstructsInALinearFileAreErrorsAtTheirColumn) {
  EXPECT_EQ(problems_of("exogenous U ~ Normal(0, 1)\n"
                        "exogenous V ~ Bernoulli(1/2)\n"
                        "X in {lo, hi} := U\n"
                        "Y := X and V\n"
                        "exogenous W in {a, b} ~ (1/2, 1/2)\n"),
            "m.scm:2:15: error: a model is either discrete or linear: 'Bernoulli' belongs to discrete models, and this "
            "file is linear (Normal at line 1)\n"
            "m.scm:3:3: error: a model is either discrete or linear: a domain ('in {...}') belongs to discrete models, "
            "and this file is linear (Normal at line 1)\n"
            "m.scm:4:8: error: expected '+', '-' or the end of the mechanism, found 'and' (a linear mechanism is a sum "
            "of terms such as 3/2*X, and a constant)\n"
            "m.scm:5:13: error: a model is either discrete or linear: a domain ('in {...}') belongs to discrete models, "
            "and this file is linear (Normal at line 1)\n");
}

TEST(LinearText, SyntaxErrorsAreAllReported) {
  EXPECT_EQ(problems_of("exogenous U ~ Normal(0 1)\n"
                        "cov(U, V = 1\n"
                        "X := 3/0*U\n"
                        "Y := X + + Q\n"
                        "Z = X\n"),
            "m.scm:1:24: error: expected ',' after the mean, found '1'\n"
            "m.scm:2:10: error: expected ')' after 'V', found '='\n"
            "m.scm:3:6: error: invalid number '3/0'\n"
            "m.scm:4:10: error: expected a number or a variable name, found '+'\n"
            "m.scm:5:3: error: expected ':=' after 'Z', found '='\n");
}

TEST(LinearText, UnknownNamesAndDuplicatesAfterSyntax) {
  EXPECT_EQ(problems_of("exogenous U ~ Normal(0, 1)\nX := U + Q\nX := U\n"),
            "m.scm:3:1: error: duplicate name 'X' (first declared at line 2)\n");
  EXPECT_EQ(problems_of("exogenous U ~ Normal(0, 1)\nX := U + Q\n"),
            "m.scm:2:6: error: unknown name 'Q' in the mechanism of X\n");
}

TEST(LinearJson, ProblemsNameTheirPath) {
  try {
    (void)read_linear_json(R"({"kind": "linear", "exogenous": [{"name": "U", "mean": "0", "variance": "x"},
                                {"name": "V", "prior": ["1/2", "1/2"], "mean": "0", "variance": "1"}],
                               "endogenous": [{"name": "X", "mechanism": "U and V"}]})",
                           "m.json");
    FAIL() << "accepted";
  } catch (const ParseError& e) {
    ASSERT_EQ(e.diagnostics().size(), 3U);
    EXPECT_EQ(e.diagnostics()[0].message, "/exogenous/0/variance: invalid number 'x' (expected a fraction or decimal string)");
    EXPECT_EQ(e.diagnostics()[1].message,
              "/exogenous/1/prior: a model is either discrete or linear: this JSON model is linear (\"kind\": \"linear\"), "
              "so exogenous variables have a mean and a variance");
    EXPECT_EQ(e.diagnostics()[2].message,
              "/endogenous/0/mechanism: column 3: expected '+', '-' or the end of the mechanism, found 'and' (a linear "
              "mechanism is a sum of terms such as 3/2*X, and a constant)");
  }
}

TEST(LinearModelFile, TheKindOfAFileDecidesTheReader) {
  const auto dir = std::filesystem::temp_directory_path() / "rung_linear_model_file";
  std::filesystem::create_directories(dir);
  const auto text = dir / "m.scm";
  const auto json = dir / "m.json";
  std::ofstream(text) << kModel;
  std::ofstream(json) << write_linear_json(read_linear_text(kModel));
  EXPECT_TRUE(is_linear_model_file(text));
  EXPECT_TRUE(is_linear_model_file(json));
  EXPECT_EQ(read_linear_model_file(json), read_linear_model_file(text));
  try {
    (void)read_model_file(text);
    FAIL() << "a linear model was read as discrete";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), text.string() +
                                         ": this is a linear-Gaussian model (Normal exogenous variables); this works on "
                                         "discrete models only");
  }
  const auto examples = std::filesystem::path(RUNG_EXAMPLES_DIR);
  EXPECT_FALSE(is_linear_model_file(examples / "firing_squad.scm"));
  EXPECT_TRUE(is_linear_model_file(examples / "linear_mediation.scm"));
  EXPECT_THROW((void)read_linear_model_file(examples / "firing_squad.scm"), Error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rung
