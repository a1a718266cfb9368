#include "rung/io/scm_json.hpp"

#include "rung/io/json_line.hpp"
#include "rung/io/scm_text.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace rung {
namespace {

Scm sample() {
  ScmBuilder b;
  b.bernoulli("U", Rational(3, 10));
  b.exogenous("U_W", Domain({"lo", "mid", "hi"}), {Rational(1, 2), Rational(1, 4), Rational(1, 4)});
  b.endogenous("X", "not U");
  b.endogenous("W", "U_W", Domain({"lo", "mid", "hi"}));
  TableSpec t;
  t.inputs = {"X"};
  t.rows = {{{"0"}, "1", {}}, {{"1"}, "0", {}}};
  b.endogenous("Y", Domain(), t);
  return b.build();
}

std::string errors_of(std::string_view text) {
  try {
    (void)read_scm_json(text, "m.json");
  } catch (const ParseError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.to_string() + "\n";
    return all;
  }
  return "no error";
}

TEST(ScmJson, WritesTheDocumentedForm) {
  EXPECT_EQ(to_json(sample()), nlohmann::json::parse(R"({
    "exogenous": [
      {"name": "U", "domain": ["0", "1"], "prior": ["7/10", "3/10"]},
      {"name": "U_W", "domain": ["lo", "mid", "hi"], "prior": ["1/2", "1/4", "1/4"]}],
    "endogenous": [
      {"name": "X", "domain": ["0", "1"], "mechanism": "not U"},
      {"name": "W", "domain": ["lo", "mid", "hi"], "mechanism": "U_W"},
      {"name": "Y", "domain": ["0", "1"], "mechanism": {"table": {"inputs": ["X"], "rows": [["0", "1"], ["1", "0"]]}}}]
  })"));
}

TEST(ScmJson, WritesCompactTextInTheTreesKeyOrder) {
  std::string text;
  JsonWriter w(text);
  write_json(w, sample());
  EXPECT_EQ(text, to_json(sample()).dump());
  EXPECT_TRUE(text.starts_with(R"({"endogenous":[{"domain":["0","1"],"mechanism":"not U","name":"X"},)")) << text;
}

TEST(ScmJson, RoundTripsLosslessly) {
  const Scm m = sample();
  EXPECT_EQ(read_scm_json(write_scm_json(m)), m);
  EXPECT_EQ(write_scm_json(read_scm_json(write_scm_json(m))), write_scm_json(m));
}

TEST(ScmJson, AcceptsDecimalsAndDefaultDomains) {
  Scm m = read_scm_json(R"({"exogenous": [{"name": "U", "prior": ["0.65", "0.35"]}],
                            "endogenous": [{"name": "X", "mechanism": "U"}]})");
  EXPECT_EQ(m.prior(0)[1], Rational(7, 20));
  EXPECT_TRUE(m.domain(1).is_boolean());
}

TEST(ScmJson, SyntaxErrorsHaveLineAndColumn) {
  EXPECT_EQ(errors_of("{\n  \"exogenous\": [,]\n}"),
            "m.json:2:17: error: invalid JSON: syntax error while parsing value - unexpected ','; expected '[', '{', or a literal\n");
  EXPECT_EQ(errors_of(""), "m.json:1:1: error: invalid JSON: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal\n");
}

TEST(ScmJson, NumberOverflowIsAnErrorNotACrash) {
  // Found by the fuzzer: nlohmann throws out_of_range, not parse_error, for this.
  EXPECT_EQ(errors_of("   66666666600000000e01492662673464448341  "),
            "m.json: error: invalid JSON: number overflow parsing '66666666600000000e01492662673464448341'\n");
}

TEST(ScmJson, SchemaErrorsNameTheJsonPath) {
  EXPECT_EQ(errors_of("[]"), "m.json: error: expected an object with \"exogenous\" and \"endogenous\" arrays\n");
  EXPECT_EQ(errors_of(R"({"exogenous": []})"), "m.json: error: /endogenous: missing (expected an array of variables)\n");
  EXPECT_EQ(errors_of(R"({"endogenous": [{"name": 3, "mechanism": "1"}, {"name": "Y", "mechanism": 7},
                          {"name": "Z", "mechanism": "(1"}, {"name": "W", "mechanism": "1", "extra": 1}], "other": 2})"),
            "m.json: error: /other: unknown field (expected \"exogenous\" or \"endogenous\")\n"
            "m.json: error: /endogenous/0/name: expected a string, found number\n"
            "m.json: error: /endogenous/1/mechanism: expected an expression string, {\"table\": ...} or {\"cpt\": ...}, found number\n"
            "m.json: error: /endogenous/2/mechanism: column 1: unclosed '(': expected ')' before end of expression\n"
            "m.json: error: /endogenous/3/extra: unknown field (expected \"name\", \"domain\", \"mechanism\" or \"hidden\")\n");
  EXPECT_EQ(errors_of(R"({"exogenous": [{"name": "U", "prior": ["1/2", "x"]}, {"name": "V", "domain": ["a", "a"], "prior": []}],
                          "endogenous": [{"name": "X", "mechanism": {"table": {"inputs": ["U"], "rows": [[]]}}}]})"),
            "m.json: error: /exogenous/0/prior/1: invalid probability 'x'\n"
            "m.json: error: /exogenous/1/domain: duplicate domain value 'a'\n"
            "m.json: error: /endogenous/0/mechanism/table/rows/0: an empty row (expected the input values then the output value)\n");
  // A table, like a CPT, has no other fields (an ignored one would be silent data loss).
  EXPECT_EQ(errors_of(R"({"endogenous": [{"name": "X", "mechanism": {"table": {"inputs": [], "rows": [["1"]], "default": "0"}}}]})"),
            "m.json: error: /endogenous/0/mechanism/table/default: unknown field (expected \"inputs\" or \"rows\")\n");
  // A row that is not an array, and cells that are not strings, in inputs and in the output.
  EXPECT_EQ(errors_of(R"({"exogenous": [{"name": "U", "prior": ["1/2", "1/2"]}],
                          "endogenous": [{"name": "X", "mechanism": {"table": {"inputs": ["U"],
                            "rows": [{"0": "1"}, [0, "1"], ["1", null], ["1", "0"]]}}}]})"),
            "m.json: error: /endogenous/0/mechanism/table/rows/0: expected an array of strings, found object\n"
            "m.json: error: /endogenous/0/mechanism/table/rows/1/0: expected a string, found number\n"
            "m.json: error: /endogenous/0/mechanism/table/rows/2/1: expected a string, found null\n");
}

// The reader takes a table's rows straight from the parser (TableRowsSax), not from nlohmann's
// tree; any row that is not an array of strings puts the rows read so far back into the tree.
// Both ways must read the same model, and the bad rows must still be reported by their paths.
TEST(ScmJson, TableRowsFromTheParserEqualRowsFromTheTree) {
  const std::string text = R"({"exogenous": [{"name": "U", "domain": ["lo", "hi"], "prior": ["1/2", "1/2"]},
                                              {"name": "V", "prior": ["1/3", "2/3"]}],
      "endogenous": [{"name": "X", "domain": ["a", "b", "c"], "mechanism": {"table": {"inputs": ["U", "V"],
                        "rows": [["lo", "0", "a"], ["lo", "1", "b"], ["hi", "0", "c"], ["hi", "1", "a"]]}}},
                     {"name": "Y", "mechanism": {"table": {"inputs": [], "rows": [["1"]]}}}]})";
  const Scm from_parser = read_scm_json(text, "m.json");
  const Scm from_tree = scm_from_json(nlohmann::json::parse(text), "m.json");
  const auto& t = from_parser.mechanism(*from_parser.find("X")).table();
  ASSERT_EQ(t.rows.size(), 4U);
  EXPECT_EQ(t.rows[2].to_row(), (TableRow{{"hi", "0"}, "c", {}}));
  EXPECT_EQ(t, from_tree.mechanism(*from_tree.find("X")).table());
  EXPECT_EQ(from_parser.mechanism(*from_parser.find("Y")).table(), from_tree.mechanism(*from_tree.find("Y")).table());
  EXPECT_EQ(write_scm_json(from_parser), write_scm_json(from_tree));

  // Bad rows after good ones, at each place a row can go wrong: a number, null, an object or an
  // array in a row, an empty row, a row that is not an array.
  const auto errors_with = [](std::string_view bad_row) {
    return errors_of(std::string(R"({"exogenous": [{"name": "U", "prior": ["1/2", "1/2"]}],
        "endogenous": [{"name": "X", "mechanism": {"table": {"inputs": ["U"], "rows": [["0", "1"], ["1", "0"], )") +
                     std::string(bad_row) + "]}}}]}");
  };
  const std::string at = "m.json: error: /endogenous/0/mechanism/table/rows/2";
  EXPECT_EQ(errors_with(R"(["1", 0])"), at + "/1: expected a string, found number\n");
  EXPECT_EQ(errors_with(R"([null, "0"])"), at + "/0: expected a string, found null\n");
  EXPECT_EQ(errors_with(R"(["1", {"a": "b"}])"), at + "/1: expected a string, found object\n");
  EXPECT_EQ(errors_with(R"(["1", ["0"]])"), at + "/1: expected a string, found array\n");
  EXPECT_EQ(errors_with("[]"), at + ": an empty row (expected the input values then the output value)\n");
  EXPECT_EQ(errors_with(R"("1")"), at + ": expected an array of strings, found string\n");
  EXPECT_EQ(errors_with("true"), at + ": expected an array of strings, found boolean\n");
  // Rows elsewhere than in a table's mechanism are read as the tree has them.
  EXPECT_EQ(errors_of(R"({"exogenous": [{"name": "U", "prior": ["1/2", "1/2"]}], "rows": [["0", "1"]],
                          "endogenous": [{"name": "X", "mechanism": "U"}]})"),
            "m.json: error: /rows: unknown field (expected \"exogenous\" or \"endogenous\")\n");
  // A syntax error inside the rows is located as before.
  EXPECT_EQ(errors_of("{\"endogenous\": [{\"name\": \"X\", \"mechanism\": {\"table\": {\"inputs\": [],\n"
                      "  \"rows\": [[\"1\"], [\"0\" \"1\"]]}}}]}"),
            "m.json:2:26: error: invalid JSON: syntax error while parsing array - unexpected string literal; expected ']'\n");
}

// Issue #15: a table of two million bad rows printed two million diagnostics (170 MB).
TEST(ScmJson, DiagnosticsStopAfterAHundred) {
  std::string rows;
  for (int i = 0; i < 300; ++i) rows += std::string(i == 0 ? "" : ", ") + "[]";
  const std::string all = errors_of(R"({"exogenous": [{"name": "U", "prior": ["1/2", "1/2"]}],
      "endogenous": [{"name": "X", "mechanism": {"table": {"inputs": ["U"], "rows": [)" + rows + "]}}}]}");
  EXPECT_EQ(std::count(all.begin(), all.end(), '\n'), 101);
  EXPECT_NE(all.find("m.json: error: /endogenous/0/mechanism/table/rows/99: an empty row"), std::string::npos);
  EXPECT_EQ(all.find("rows/100:"), std::string::npos);
  EXPECT_TRUE(all.ends_with("m.json: error: too many errors; stopping (200 more not shown)\n")) << all.substr(all.size() - 200);
}

TEST(ScmJson, HiddenMarksReadWriteAndRoundTrip) {
  const Scm m = read_scm_json(R"({"exogenous": [{"name": "U", "prior": ["1/2", "1/2"]}],
      "endogenous": [{"name": "G", "mechanism": "U", "hidden": true}, {"name": "X", "mechanism": "G", "hidden": false}]})");
  EXPECT_TRUE(m.is_hidden(*m.find("G")));
  EXPECT_FALSE(m.is_hidden(*m.find("X")));
  const std::string text = to_json(m).dump();
  EXPECT_NE(text.find(R"({"domain":["0","1"],"hidden":true,"mechanism":"U","name":"G"})"), std::string::npos) << text;
  EXPECT_EQ(text.find(R"("hidden":false)"), std::string::npos) << text;  // only marks are written
  EXPECT_EQ(read_scm_json(text), m);
  EXPECT_EQ(read_scm_text(write_scm_text(m)), m);  // and through the text form
}

TEST(ScmJson, BadHiddenMarksAreErrors) {
  EXPECT_EQ(errors_of(R"({"exogenous": [{"name": "U", "prior": ["1/2", "1/2"], "hidden": true}],
                          "endogenous": [{"name": "X", "mechanism": "U", "hidden": "yes"}]})"),
            "m.json: error: /exogenous/0/hidden: exogenous variables are never observed: \"hidden\" marks endogenous "
            "variables (one exogenous variable shared by several mechanisms is a hidden confounder already)\n"
            "m.json: error: /endogenous/0/hidden: expected true or false, found string\n");
}

TEST(ScmJson, ModelErrorsNameTheDeclaration) {
  EXPECT_EQ(errors_of(R"({"exogenous": [{"name": "U", "prior": ["1/2", "1/3"]}],
                          "endogenous": [{"name": "X", "mechanism": "Y"}, {"name": "Y", "mechanism": "X and Q"}]})"),
            "m.json: error: /exogenous/0: the prior of U sums to 5/6, not 1\n"
            "m.json: error: /endogenous/1: unknown name 'Q'\n"
            "m.json: error: /endogenous/1: cycle: X -> Y -> X\n");
}

}  // namespace
}  // namespace rung
