#include "rung/io/scm_text.hpp"

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"
#include "rung/scm/scm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#ifndef RUNG_TEST_DATA_DIR
#error "RUNG_TEST_DATA_DIR must name the tests/data directory"
#endif

namespace {

using rung::Diagnostic;
using rung::ParseError;
using rung::Rational;
using rung::Scm;
using rung::Value;
using rung::read_scm_text;
using rung::write_scm_text;

// ---- helpers -----------------------------------------------------------------------------

/// Every diagnostic of reading `text`, one `to_string()` a line (each ending in '\n'); "" if the
/// text reads without error.
std::string diagnostics_of(std::string_view text, std::string_view file = "t.scm") {
  try {
    (void)read_scm_text(text, file);
  } catch (const ParseError& e) {
    std::string out;
    for (const auto& d : e.diagnostics()) out += d.to_string() + "\n";
    return out;
  }
  return "";
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

rung::VarId id(const Scm& m, std::string_view name) {
  auto v = m.find(name);
  if (!v) throw std::runtime_error("no variable " + std::string(name));
  return *v;
}

/// Evaluates the model with the exogenous values given by name (labels), returns the label of
/// every variable by name.
std::map<std::string, std::string> evaluate(const Scm& m, const std::map<std::string, std::string>& exo) {
  std::vector<Value> values(m.size(), 0);
  for (const auto& [name, label] : exo) {
    const auto v = id(m, name);
    values[v] = m.domain(v).index_of(label).value();
  }
  m.evaluate(values);
  std::map<std::string, std::string> out;
  for (rung::VarId v = 0; v < m.size(); ++v) out[m.name(v)] = m.domain(v).label(values[v]);
  return out;
}

// The SPEC §2 example.
constexpr std::string_view kSpecExample = R"(# a confounded treatment
exogenous U_C ~ Bernoulli(3/10)          # binary {0,1}, P(U_C=1) = 3/10
exogenous U_X ~ Bernoulli(2/5)
exogenous U_W in {lo, mid, hi} ~ (1/2, 1/4, 1/4)
X := U_X xor U_C
W in {lo, mid, hi} := U_W
Y := (X or U_C) and not (W == hi)
)";

// Every statement form at least once.
constexpr std::string_view kEveryForm = R"(exogenous A ~ Bernoulli(0.35)
exogenous B in {x, y, z} ~ (0.5, 1/4, 0.25)
exogenous C in {p, q, r} ~ Uniform
exogenous D ~ Uniform
exogenous E ~ (1/3, 2/3)
exogenous F in {0, 1} ~ Bernoulli(1)
G := A and not D
H in {x, y, z} := if E then B else x
I := table(A, D) {
  0, 0 -> 0
  0, 1 -> 1
  1, 0 -> 1
  1, 1 -> 0
}
J in {lo, hi} := table(C) { p -> lo; q -> hi; r -> lo }
K := table() {
   -> 1
}
L := H != z xor (C == q) or F
)";

// Declarations in any order, comments, blank lines, tabs, CRLF and a table in several shapes.
constexpr std::string_view kOutOfOrder =
    "# mechanisms first, exogenous last\r\n"
    "\r\n"
    "Y := table(X, U) {   # opened here\r\n"
    "\t0, 0 -> 1\r\n"
    "  0, 1 -> 0 ; 1, 0 -> 0\r\n"
    "\r\n"
    "  # a comment inside the table\r\n"
    "  1, 1 -> 1 }\r\n"
    "X\t:=\tnot U   # tabs are blanks\r\n"
    "exogenous U ~ Bernoulli(1/2)";

const std::vector<std::string_view>& good_models() {
  static const std::vector<std::string_view> models = {
      kSpecExample,
      kEveryForm,
      kOutOfOrder,
      "exogenous U ~ Bernoulli(0)\nX := U\n",
      "exogenous U in {only} ~ (1)\nX in {only} := U\n",
      "exogenous U in {a, b, c} ~ (0.2, 0.3, 0.5)\nV in {a, b} := if U == c then a else b\n"
      "W in {a, b, c} := V\nZ := W == b or true\n",
      "exogenous U ~ Bernoulli(1/2)\nY := table(U) { 0 -> 1; 1 -> 0 }\nZ := table(U, Y) {\n"
      "  0, 0 -> 0; 0, 1 -> 1\n  1, 0 -> 1; 1, 1 -> 0 }\n",
  };
  return models;
}

// ---- good inputs -------------------------------------------------------------------------

TEST(ScmTextRead, SpecExample) {
  const Scm m = read_scm_text(kSpecExample, "spec.scm");
  ASSERT_EQ(m.size(), 6U);
  EXPECT_EQ(m.name(0), "U_C");
  EXPECT_EQ(m.name(2), "U_W");
  EXPECT_EQ(m.name(3), "X");
  EXPECT_TRUE(m.is_exogenous(id(m, "U_X")));
  EXPECT_FALSE(m.is_exogenous(id(m, "Y")));
  EXPECT_EQ(m.prior(id(m, "U_C")), (std::vector<Rational>{Rational(7, 10), Rational(3, 10)}));
  EXPECT_EQ(m.prior(id(m, "U_W")), (std::vector<Rational>{Rational(1, 2), Rational(1, 4), Rational(1, 4)}));
  EXPECT_EQ(m.domain(id(m, "W")), rung::Domain({"lo", "mid", "hi"}));
  EXPECT_TRUE(m.domain(id(m, "Y")).is_boolean());
}

TEST(ScmTextRead, SpecExampleEvaluates) {
  const Scm m = read_scm_text(kSpecExample);
  auto v = evaluate(m, {{"U_C", "0"}, {"U_X", "1"}, {"U_W", "lo"}});
  EXPECT_EQ(v["X"], "1");
  EXPECT_EQ(v["W"], "lo");
  EXPECT_EQ(v["Y"], "1");
  v = evaluate(m, {{"U_C", "1"}, {"U_X", "1"}, {"U_W", "hi"}});
  EXPECT_EQ(v["X"], "0");
  EXPECT_EQ(v["W"], "hi");
  EXPECT_EQ(v["Y"], "0");
  v = evaluate(m, {{"U_C", "1"}, {"U_X", "1"}, {"U_W", "mid"}});
  EXPECT_EQ(v["Y"], "1");
  v = evaluate(m, {{"U_C", "0"}, {"U_X", "0"}, {"U_W", "mid"}});
  EXPECT_EQ(v["Y"], "0");
}

TEST(ScmTextRead, QuotedValuesInDomainsTablesAndExpressionsRoundTrip) {
  const std::string text =
      "exogenous U in {a, b, c} ~ (1/2, 1/4, 1/4)\n"
      "Age in {\"<5\", \"5-12\", \"12+\"} := table(U) { a -> \"<5\"; b -> \"5-12\"; c -> \"12+\" }  # \"#\" here is a comment\n"
      "Tag in {\"a#b\", plain} := if Age == \"12+\" then \"a#b\" else plain\n";
  const Scm m = read_scm_text(text);
  EXPECT_EQ(m.domain(*m.find("Age")).label(2), "12+");
  EXPECT_EQ(m.domain(*m.find("Tag")).label(0), "a#b");
  std::vector<Value> values(m.size(), 0);
  values[0] = 2;
  m.evaluate(values);
  EXPECT_EQ(values[*m.find("Tag")], 0U);
  EXPECT_EQ(read_scm_text(write_scm_text(m)), m);
  EXPECT_NE(write_scm_text(m).find("Age in {\"<5\", \"5-12\", \"12+\"} := table(U) {"), std::string::npos);
  try {
    (void)read_scm_text("exogenous U in {a, \"b} ~ (1/2, 1/2)\n", "q.scm");
    FAIL() << "an unclosed quote was accepted";
  } catch (const ParseError& e) {
    EXPECT_EQ(e.diagnostics().at(0).to_string().substr(0, 17), "q.scm:1:20: error") << e.diagnostics().at(0).to_string();
  }
}

TEST(ScmTextRead, PriorForms) {
  const Scm m = read_scm_text(kEveryForm);
  EXPECT_EQ(m.prior(id(m, "A")), (std::vector<Rational>{Rational(13, 20), Rational(7, 20)}));
  EXPECT_EQ(m.domain(id(m, "B")), rung::Domain({"x", "y", "z"}));
  EXPECT_EQ(m.prior(id(m, "B")), (std::vector<Rational>{Rational(1, 2), Rational(1, 4), Rational(1, 4)}));
  EXPECT_EQ(m.prior(id(m, "C")), (std::vector<Rational>(3, Rational(1, 3))));
  EXPECT_TRUE(m.domain(id(m, "D")).is_boolean());
  EXPECT_EQ(m.prior(id(m, "D")), (std::vector<Rational>(2, Rational(1, 2))));
  EXPECT_EQ(m.prior(id(m, "E")), (std::vector<Rational>{Rational(1, 3), Rational(2, 3)}));
  EXPECT_TRUE(m.domain(id(m, "F")).is_boolean());
  EXPECT_EQ(m.prior(id(m, "F")), (std::vector<Rational>{Rational(0), Rational(1)}));
}

TEST(ScmTextRead, DecimalsWithLeadingZeros) {
  const Scm m = read_scm_text(
      "exogenous A ~ Bernoulli(0.010)\n"
      "exogenous B ~ Bernoulli(0.08)\n"
      "exogenous C in {a, b, c} ~ (007/020, 0.600, 00.05)\n");
  EXPECT_EQ(m.prior(id(m, "A"))[1], Rational(1, 100));
  EXPECT_EQ(m.prior(id(m, "B"))[1], Rational(2, 25));
  EXPECT_EQ(m.prior(id(m, "C")), (std::vector<Rational>{Rational(7, 20), Rational(3, 5), Rational(1, 20)}));
}

TEST(ScmTextRead, EveryFormEvaluates) {
  const Scm m = read_scm_text(kEveryForm);
  EXPECT_EQ(m.exogenous().size(), 6U);
  EXPECT_TRUE(m.mechanism(id(m, "I")).is_table());
  EXPECT_FALSE(m.mechanism(id(m, "G")).is_table());
  EXPECT_EQ(m.domain(id(m, "J")), rung::Domain({"lo", "hi"}));

  auto v = evaluate(m, {{"A", "1"}, {"B", "y"}, {"C", "q"}, {"D", "0"}, {"E", "1"}, {"F", "0"}});
  EXPECT_EQ(v["G"], "1");
  EXPECT_EQ(v["H"], "y");
  EXPECT_EQ(v["I"], "1");
  EXPECT_EQ(v["J"], "hi");
  EXPECT_EQ(v["K"], "1");
  EXPECT_EQ(v["L"], "0");  // (H != z) xor (C == q) = 1 xor 1 = 0; or F = 0

  v = evaluate(m, {{"A", "1"}, {"B", "y"}, {"C", "r"}, {"D", "1"}, {"E", "0"}, {"F", "1"}});
  EXPECT_EQ(v["G"], "0");
  EXPECT_EQ(v["H"], "x");
  EXPECT_EQ(v["I"], "0");
  EXPECT_EQ(v["J"], "lo");
  EXPECT_EQ(v["L"], "1");
}

TEST(ScmTextRead, OutOfOrderCrlfCommentsAndTableShapes) {
  const Scm m = read_scm_text(kOutOfOrder);
  // ids: exogenous first, then endogenous in order of declaration
  ASSERT_EQ(m.size(), 3U);
  EXPECT_EQ(m.name(0), "U");
  EXPECT_EQ(m.name(1), "Y");
  EXPECT_EQ(m.name(2), "X");
  const auto& t = m.mechanism(id(m, "Y")).table();
  EXPECT_EQ(t.inputs, (std::vector<std::string>{"X", "U"}));
  ASSERT_EQ(t.rows.size(), 4U);
  EXPECT_EQ(t.rows[2].in.to_vector(), (std::vector<std::string>{"1", "0"}));
  EXPECT_EQ(t.rows[2].at, (rung::Location{5, 15}));
  EXPECT_EQ(t.rows[3].at, (rung::Location{8, 3}));
  for (const char* u : {"0", "1"}) {
    auto v = evaluate(m, {{"U", u}});
    EXPECT_EQ(v["X"], u == std::string("0") ? "1" : "0");
    EXPECT_EQ(v["Y"], "0");  // X != U always, and the table is XNOR
  }
}

TEST(ScmTextRead, OneLineAndMultiLineTablesAreEqual) {
  const Scm a = read_scm_text("exogenous U ~ Bernoulli(1/2)\nY := table(U) { 0 -> 1; 1 -> 0 }\n");
  const Scm b = read_scm_text("exogenous U ~ Bernoulli(1/2)\nY := table(U) {\n  0 -> 1\n  1 -> 0\n}\n");
  const Scm c = read_scm_text("exogenous U ~ Bernoulli(1/2)\nY := table( U ){0->1;\n1->0;}");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(evaluate(a, {{"U", "0"}})["Y"], "1");
  EXPECT_EQ(evaluate(a, {{"U", "1"}})["Y"], "0");
}

TEST(ScmTextRead, ThreeValuedDomains) {
  const Scm m = read_scm_text(
      "exogenous U in {a, b, c} ~ (0.2, 0.3, 0.5)\n"
      "V in {a, b} := if U == c then a else b\n"
      "W in {a, b, c} := V      # {a, b} fits {a, b, c} by label\n"
      "Z := W == b or false\n");
  auto v = evaluate(m, {{"U", "c"}});
  EXPECT_EQ(v["V"], "a");
  EXPECT_EQ(v["W"], "a");
  EXPECT_EQ(v["Z"], "0");
  v = evaluate(m, {{"U", "a"}});
  EXPECT_EQ(v["V"], "b");
  EXPECT_EQ(v["W"], "b");
  EXPECT_EQ(v["Z"], "1");
}

TEST(ScmTextRead, ByteOrderMarkAndUtf8CommentsAreAccepted) {
  const Scm m = read_scm_text("\xef\xbb\xbf" "exogenous U ~ Bernoulli(1/2)  # café\nX := U\n");
  EXPECT_EQ(m.size(), 2U);
}

TEST(ScmTextRead, MissingFinalNewlineIsAccepted) {
  EXPECT_EQ(read_scm_text("exogenous U ~ Bernoulli(1/2)\nX := U"),
            read_scm_text("exogenous U ~ Bernoulli(1/2)\nX := U\n"));
}

// ---- diagnostics -------------------------------------------------------------------------

TEST(ScmTextDiagnostics, CarryFileLineAndColumn) {
  try {
    (void)read_scm_text("exogenous U ~ Bernoulli(1/2)\nX :=  U and\n", "m.scm");
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1U);
    EXPECT_EQ(e.diagnostics()[0],
              (Diagnostic{"m.scm", 2, 12, "expected a name, a value or '(', found end of line"}));
    EXPECT_STREQ(e.what(), "m.scm:2:12: error: expected a name, a value or '(', found end of line");
    EXPECT_EQ(e.exit_code(), 1);
  }
}

TEST(ScmTextDiagnostics, EmptyFileNameIsLeftOut) {
  EXPECT_EQ(diagnostics_of("X := Q\n", ""), "1:6: error: unknown name 'Q'\n");
}

TEST(ScmTextDiagnostics, BuilderProblemsAreLocatedInTheExpression) {
  EXPECT_EQ(diagnostics_of("exogenous U in {lo, hi} ~ Uniform\nX :=   U == lo and U == top\n"),
            "t.scm:2:25: error: unknown name 'top': not a variable, nor a value of U {lo, hi}\n");
}

TEST(ScmTextDiagnostics, FailedStatementsDoNotCascade) {
  // X's and W's statements fail; the mechanisms that mention them are still checked, with X's
  // and W's domains, and report only their own mistake.
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\n"
                           "X in {lo, hi} := U ==\n"
                           "exogenous W in {a, b} ~ Bernoulli(1/2)\n"
                           "Y := X == hi and W == b and U == 1\n"
                           "Z := Y or Q\n"),
            "t.scm:2:22: error: expected a name, a value or '(', found end of line\n"
            "t.scm:3:25: error: Bernoulli needs the domain {0, 1}, but W has the domain {a, b}: write one "
            "probability per value, ~ (p1, p2, ...)\n"
            "t.scm:5:11: error: unknown name 'Q'\n");
}

TEST(ScmTextDiagnostics, AFailedTableIsSkippedToItsBrace) {
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\n"
                           "Y := table(U {\n"
                           "  0 -> 1\n"
                           "  1 -> 0\n"
                           "}\n"
                           "Z := Y and Q\n"),
            "t.scm:2:14: error: expected ',' or ')' in the inputs of the table of Y, found '{'\n"
            "t.scm:6:12: error: unknown name 'Q'\n");
}

TEST(ScmTextDiagnostics, EveryBadRowIsReported) {
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\n"
                           "Y := table(U) {\n"
                           "  0 1\n"
                           "  1 -> ; 0 -> 1\n"
                           "}\n"),
            "t.scm:3:5: error: expected ',' or '->' in a table row of Y, found '1'\n"
            "t.scm:4:8: error: expected the value of Y after '->', found ';'\n");
}

// Rows go straight into the table's cells (TableRows): a row that fails half way must leave none
// of its values behind, or the rows after it would read shifted.
TEST(ScmTextDiagnostics, BadRowsAmongGoodRowsAreEachReportedOnce) {
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\n"
                           "exogenous V ~ Bernoulli(1/2)\n"
                           "Y := table(U, V) {\n"
                           "  0, 0 -> 0\n"
                           "  0, -> 1\n"
                           "  0, 1 ->\n"
                           "  1, \"0 -> 1\n"
                           "  1, 0 -> 1 1\n"
                           "  0, 1 -> 1\n"
                           "  1, 0 -> 1\n"
                           "  1, 1 -> 0\n"
                           "}\n"),
            "t.scm:5:6: error: expected a value after ',' in a table row of Y, found '->'\n"
            "t.scm:6:10: error: expected the value of Y after '->', found end of line\n"
            "t.scm:7:6: error: expected a closed quoted value in a table row of Y, found '\"'\n"
            "t.scm:8:13: error: expected ';', '}' or end of line after a table row of Y, found '1'\n");
  const rung::Scm m = rung::read_scm_text("exogenous U ~ Bernoulli(1/2)\nexogenous V ~ Bernoulli(1/2)\n"
                                          "Y := table(U, V) { 0, 0 -> 0; 0, 1 -> 1; 1, 0 -> 1; 1, 1 -> 0 }\n");
  const auto& t = m.mechanism(*m.find("Y")).table();
  ASSERT_EQ(t.rows.size(), 4U);
  EXPECT_EQ(t.rows[2].in.to_vector(), (std::vector<std::string>{"1", "0"}));
  EXPECT_EQ(t.rows[3].out, "0");
}

TEST(ScmTextDiagnostics, MissingBraceBeforeTheNextStatement) {
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\n"
                           "Y := table(U) {\n"
                           "  0 -> 1\n"
                           "  1 -> 0\n"
                           "exogenous V ~ Bernoulli(2)\n"),
            "t.scm:5:1: error: expected '}' to close the table of Y opened on line 2, found 'exogenous'\n"
            "t.scm:5:25: error: Bernoulli probability '2' is not between 0 and 1\n");
}

// ---- robustness --------------------------------------------------------------------------

TEST(ScmTextRobustness, ALineOverTheLimitIsReportedAndSkipped) {
  // 16 MiB and one byte of comment (a long expression would be refused for its depth first).
  std::string line = "Y := U # ";
  line.resize(rung::kMaxScmLineBytes + 1, 'x');
  const std::string text = "exogenous U ~ Bernoulli(1/2)\n" + line + "\nZ := Q\n";
  EXPECT_EQ(diagnostics_of(text, "big.scm"),
            "big.scm:2:1: error: line too long (16777217 bytes; at most 16777216)\n"
            "big.scm:3:6: error: unknown name 'Q'\n");
}

TEST(ScmTextRobustness, LongestLineIsAccepted) {
  std::string line = "# ";
  line.resize(rung::kMaxScmLineBytes, 'x');
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\n" + line + "\n"), "");
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\n" + line + "x\n"),
            "t.scm:2:1: error: line too long (16777217 bytes; at most 16777216)\n");
}

TEST(ScmTextRobustness, LongLineInsideATable) {
  std::string line(rung::kMaxScmLineBytes + 10, ' ');
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\nY := table(U) {\n" + line + "\n}\nZ := Y\n"),
            "t.scm:3:1: error: line too long (16777226 bytes; at most 16777216)\n");
}

TEST(ScmTextRobustness, NulByteStopsTheReader) {
  using namespace std::string_literals;
  const std::string text = "exogenous U ~ Bernoulli(1/2)\nX := U and\nY := \0\x01\x02 Q\nZ := W\n"s;
  EXPECT_EQ(diagnostics_of(text), "t.scm:3:6: error: binary data: not a text file (byte 0x00 at line 3, column 6)\n");
}

TEST(ScmTextRobustness, InvalidUtf8StopsTheReader) {
  using namespace std::string_literals;
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\n# \xc3\x28\n"),
            "t.scm:2:3: error: binary data: not a text file (byte 0xc3 at line 2, column 3)\n");
  EXPECT_EQ(diagnostics_of("\xff\xfe" "e\0x"s),
            "t.scm:1:1: error: binary data: not a text file (byte 0xff at line 1, column 1)\n");
  // overlong encoding of '/', a UTF-16 surrogate, and a code point above U+10FFFF
  EXPECT_NE(diagnostics_of("# \xc0\xaf\n").find("byte 0xc0"), std::string::npos);
  EXPECT_NE(diagnostics_of("# \xed\xa0\x80\n").find("byte 0xed"), std::string::npos);
  EXPECT_NE(diagnostics_of("# \xf4\x90\x80\x80\n").find("byte 0xf4"), std::string::npos);
}

TEST(ScmTextRobustness, LongChainsAreRefusedNotOverflowingTheStack) {
  std::string chain = "X := A";
  for (int i = 0; i < 5000; ++i) chain += " or A";
  EXPECT_EQ(diagnostics_of("exogenous A ~ Bernoulli(1/2)\n" + chain + "\n"),
            "t.scm:2:5003: error: expression too deep (more than 1000 levels of operators); split it with "
            "intermediate variables\n");
  std::string ok = "X := A";
  for (int i = 0; i < 999; ++i) ok += " or A";
  EXPECT_EQ(diagnostics_of("exogenous A ~ Bernoulli(1/2)\n" + ok + "\n"), "");
}

TEST(ScmTextRobustness, ManyErrorsAreCappedAtOneHundred) {
  std::string text = "exogenous U ~ Bernoulli(1/2)\n";
  for (int i = 0; i < 5000; ++i) text += "X := U and\n";
  try {
    (void)read_scm_text(text, "many.scm");
    FAIL() << "expected ParseError";
  } catch (const ParseError& e) {
    ASSERT_EQ(e.diagnostics().size(), 101U);
    EXPECT_EQ(e.diagnostics()[99].line, 101);
    EXPECT_EQ(e.diagnostics()[100], (Diagnostic{"many.scm", 102, 11, "too many errors; stopping"}));
  }
}

TEST(ScmTextRobustness, MutatedInputsNeverCrash) {
  // Random edits of the good models: every outcome is a model or a ParseError whose diagnostics
  // are located, named, sorted and capped.
  std::mt19937_64 rng(20240611);
  const std::string_view alphabet = " \t\n\r#~:={}(),;->/.01abXUinexogenousBernoulliUniformtablenotandorif\x07\xc3\xa9";
  int parsed = 0;
  for (int round = 0; round < 1500; ++round) {
    const auto& models = good_models();
    std::string text(models[rng() % models.size()]);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 1:
          if (at < text.size()) text.erase(at, 1 + rng() % 8);
          break;
        default:
          if (at < text.size()) text[at] = alphabet[rng() % alphabet.size()];
          break;
      }
    }
    try {
      const Scm m = read_scm_text(text, "f.scm");
      ++parsed;
      EXPECT_EQ(read_scm_text(write_scm_text(m)), m) << text;
    } catch (const ParseError& e) {
      const auto& ds = e.diagnostics();
      ASSERT_FALSE(ds.empty()) << text;
      EXPECT_LE(ds.size(), 101U);
      for (std::size_t i = 0; i < ds.size(); ++i) {
        EXPECT_EQ(ds[i].file, "f.scm");
        EXPECT_GE(ds[i].line, 1) << ds[i].to_string() << "\n" << text;
        EXPECT_GE(ds[i].column, 1) << ds[i].to_string() << "\n" << text;
        if (i > 0) {
          EXPECT_LE(std::pair(ds[i - 1].line, ds[i - 1].column), std::pair(ds[i].line, ds[i].column));
        }
      }
    }
  }
  EXPECT_GT(parsed, 0);
}

// ---- writer and round trip ---------------------------------------------------------------

TEST(ScmTextHidden, MarksEndogenousVariablesAnywhereInTheFile) {
  const Scm m = read_scm_text(
      "hidden G  # before its declaration\n"
      "exogenous U ~ Bernoulli(1/2)\n"
      "G := U\nX := G\nM := X\nY := M or G\n"
      "hidden M,Y\n");
  EXPECT_TRUE(m.is_hidden(id(m, "G")));
  EXPECT_TRUE(m.is_hidden(id(m, "M")));
  EXPECT_TRUE(m.is_hidden(id(m, "Y")));
  EXPECT_FALSE(m.is_hidden(id(m, "X")));
  EXPECT_EQ(m.hidden(), (std::vector<rung::VarId>{id(m, "G"), id(m, "M"), id(m, "Y")}));
  // Written last, in id order; reads back to the same model (hidden marks included in ==).
  const std::string text = write_scm_text(m);
  EXPECT_TRUE(text.ends_with("Y := M or G\nhidden G, M, Y\n")) << text;
  EXPECT_EQ(read_scm_text(text), m);
  EXPECT_NE(read_scm_text("exogenous U ~ Bernoulli(1/2)\nG := U\nX := G\nM := X\nY := M or G\n"), m);
}

TEST(ScmTextHidden, AVariableMayStillBeCalledHidden) {
  const Scm m = read_scm_text("exogenous U ~ Bernoulli(1/2)\nhidden := U\nhidden2 in {a, b} := if hidden then a else b\nhidden hidden2\n");
  EXPECT_FALSE(m.is_hidden(id(m, "hidden")));
  EXPECT_TRUE(m.is_hidden(id(m, "hidden2")));
  const Scm n = read_scm_text("exogenous U ~ Bernoulli(1/2)\nhidden in {a, b} := if U then a else b\nhidden hidden\n");
  EXPECT_TRUE(n.is_hidden(id(n, "hidden")));
  EXPECT_EQ(read_scm_text(write_scm_text(n)), n);
}

TEST(ScmTextHidden, BadMarksAreLocatedErrors) {
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\nX := U\nhidden X, Q\n"),
            "t.scm:3:11: error: unknown name 'Q' in 'hidden'\n");
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\nX := U\nhidden U\n"),
            "t.scm:3:8: error: U is exogenous, and exogenous variables are never observed: 'hidden' marks endogenous "
            "variables (one exogenous variable shared by several mechanisms is a hidden confounder already)\n");
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\nX := U\nhidden X\nhidden   X\n"),
            "t.scm:4:10: error: X is marked hidden twice (first on line 3)\n");
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\nX := U\nhidden X Y\n"),
            "t.scm:3:10: error: expected ',' or the end of the line after 'X' in 'hidden A, B, ...', found 'Y'\n");
  EXPECT_EQ(diagnostics_of("exogenous U ~ Bernoulli(1/2)\nX := U\nhidden X,\n"),
            "t.scm:3:10: error: expected a variable name in 'hidden', found end of line\n");
  EXPECT_EQ(diagnostics_of("hidden X\n"), "t.scm:1:1: error: empty model: no variables declared\n");
}

TEST(ScmTextWrite, CanonicalText) {
  EXPECT_EQ(write_scm_text(read_scm_text(kSpecExample)),
            "exogenous U_C ~ Bernoulli(3/10)\n"
            "exogenous U_X ~ Bernoulli(2/5)\n"
            "exogenous U_W in {lo, mid, hi} ~ (1/2, 1/4, 1/4)\n"
            "X := U_X xor U_C\n"
            "W in {lo, mid, hi} := U_W\n"
            "Y := " + rung::to_string(rung::parse_expression("(X or U_C) and not (W == hi)")) + "\n");
  EXPECT_EQ(write_scm_text(read_scm_text(kOutOfOrder)),
            "exogenous U ~ Bernoulli(1/2)\n"
            "Y := table(X, U) {\n"
            "  0, 0 -> 1\n"
            "  0, 1 -> 0\n"
            "  1, 0 -> 0\n"
            "  1, 1 -> 1\n"
            "}\n"
            "X := not U\n");
}

TEST(ScmTextWrite, ModelsBuiltInCode) {
  rung::ScmBuilder b;
  b.exogenous("U", rung::Domain({"a", "b", "c"}), {Rational(1, 6), Rational(1, 3), Rational(1, 2)});
  b.bernoulli("V", Rational(5, 10));
  b.endogenous("X", "U == b or V");
  rung::TableSpec t;
  t.inputs = {"X"};
  t.rows = {{{"0"}, "no", {}}, {{"1"}, "yes", {}}};
  b.endogenous("Y", rung::Domain({"no", "yes"}), t);
  b.endogenous("Z", rung::Domain({"1", "0"}), rung::parse_expression("if X then 1 else 0"));
  const Scm m = b.build();
  const std::string text = write_scm_text(m);
  EXPECT_EQ(text,
            "exogenous U in {a, b, c} ~ (1/6, 1/3, 1/2)\n"
            "exogenous V ~ Bernoulli(1/2)\n"
            "X := U == b or V\n"
            "Y in {no, yes} := table(X) {\n"
            "  0 -> no\n"
            "  1 -> yes\n"
            "}\n"
            "Z in {1, 0} := if X then 1 else 0\n");
  EXPECT_EQ(read_scm_text(text), m);
}

// Issue #15: the writer made lines longer than the reader's limit (then 65,536 bytes), so a
// valid JSON model became an .scm text rung rejected. Now both keep to kMaxScmLineBytes.
TEST(ScmTextRoundTrip, LinesOverSixtyFourKibibytesReadBack) {
  using namespace rung;  // NOLINT: a test body
  std::vector<std::string> labels;
  std::vector<Rational> prior;
  for (int i = 0; i < 12000; ++i) {
    labels.push_back("value" + std::to_string(i));
    prior.emplace_back(1, 12000);
  }
  ScmBuilder b;
  b.exogenous("U", Domain(labels), prior);
  const Scm m = b.build();
  const std::string text = write_scm_text(m);
  ASSERT_GT(text.find('\n'), std::size_t{65536});
  EXPECT_EQ(read_scm_text(text, "long.scm"), m);
}

TEST(ScmTextRoundTrip, AStatementOverTheLimitIsRefusedByTheWriterByName) {
  using namespace rung;  // NOLINT: a test body
  std::vector<std::string> labels;
  std::vector<Rational> prior;
  const std::size_t values = kMaxScmLineBytes / 20 + 1;  // "value123456, 1/838861" > 20 bytes each
  for (std::size_t i = 0; i < values; ++i) {
    labels.push_back("value" + std::to_string(i));
    prior.emplace_back(1, static_cast<long>(values));
  }
  ScmBuilder b;
  b.exogenous("Wide", Domain(labels), prior);
  const Scm m = b.build();
  try {
    (void)write_scm_text(m);
    FAIL() << "expected a refusal";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the .scm text of Wide would be a line of"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("keep this model in JSON"), std::string::npos);
  }
}

TEST(ScmTextRoundTrip, ReadWriteReadIsTheSameModel) {
  for (const auto text : good_models()) {
    SCOPED_TRACE(text);
    const Scm m = read_scm_text(text);
    const std::string written = write_scm_text(m);
    EXPECT_EQ(read_scm_text(written), m);
    EXPECT_EQ(write_scm_text(read_scm_text(written)), written);  // idempotent
    ASSERT_FALSE(written.empty());
    EXPECT_EQ(written.back(), '\n');
  }
}

// ---- the bad-input corpus ----------------------------------------------------------------

// tests/data/bad/NAME.scm is read as "NAME.scm"; NAME.expected holds every diagnostic, one a line.
const std::vector<std::string>& corpus() {
  static const std::vector<std::string> names = {
      "bad_fraction_two_dots",
      "bad_fraction_word",
      "bad_fraction_zero_denominator",
      "bad_label_comparison",
      "bernoulli_out_of_range",
      "bernoulli_three_valued",
      "binary",
      "cascade_avoided",
      "chained_comparison",
      "comments_only",
      "compare_two_labels",
      "control_char",
      "crlf",
      "cycle_three",
      "cycle_two",
      "dangling_operator",
      "domain_value_is_variable",
      "duplicate_domain_value",
      "duplicate_exo_endo",
      "duplicate_exo_exo",
      "duplicate_table_input",
      "empty",
      "empty_domain",
      "endogenous_with_tilde",
      "cpt_errors",
      "invalid_name_char",
      "invalid_utf8",
      "label_domain_mismatch",
      "label_not_in_target",
      "missing_assign",
      "missing_mechanism",
      "missing_tilde",
      "name_starts_with_digit",
      "negative_probability",
      "nesting_too_deep",
      "non_ascii_name",
      "prior_count",
      "prior_sum",
      "reserved_domain_value",
      "reserved_word",
      "self_loop",
      "table_bad_header",
      "table_bad_values",
      "table_brace_on_next_line",
      "table_duplicate_row",
      "table_missing_row",
      "table_row_arity",
      "table_too_large",
      "table_unclosed_eof",
      "table_unclosed_statement",
      "three_mistakes",
      "too_many_errors",
      "trailing_junk",
      "unclosed_paren",
      "unknown_domain_label",
      "unknown_name",
      "unknown_table_input",
      "unterminated_expression",
  };
  return names;
}

const std::filesystem::path kBad = std::filesystem::path(RUNG_TEST_DATA_DIR) / "bad";

TEST(ScmTextCorpus, EveryBadFileGivesExactlyTheExpectedDiagnostics) {
  ASSERT_GE(corpus().size(), 30U);
  for (const auto& name : corpus()) {
    SCOPED_TRACE(name);
    const std::string text = slurp(kBad / (name + ".scm"));
    const std::string expected = slurp(kBad / (name + ".expected"));
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(diagnostics_of(text, name + ".scm"), expected);
  }
}

TEST(ScmTextCorpus, EveryScmFileInTheDirectoryIsListed) {
  std::set<std::string> listed(corpus().begin(), corpus().end());
  std::vector<std::string> unlisted;
  for (const auto& entry : std::filesystem::directory_iterator(kBad)) {
    if (entry.path().extension() == ".scm" && !listed.contains(entry.path().stem().string())) {
      unlisted.push_back(entry.path().filename().string());
    }
  }
  std::sort(unlisted.begin(), unlisted.end());
  std::string names;
  for (const auto& n : unlisted) names += " " + n;
  EXPECT_TRUE(unlisted.empty()) << "add to corpus():" << names;
}

}  // namespace
