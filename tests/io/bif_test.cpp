#include "rung/io/bif.hpp"

#include "rung/infer/solver.hpp"
#include "rung/io/model_file.hpp"
#include "rung/query/query.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rung {
namespace {

const std::filesystem::path kNetworks = std::filesystem::path(RUNG_TEST_DATA_DIR) / "networks";
const std::filesystem::path kBad = std::filesystem::path(RUNG_TEST_DATA_DIR) / "bad" / "networks";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The diagnostics of reading the bad file `name`, one a line, with the file's name only.
std::string diagnostics_of(const std::string& name) {
  try {
    (void)read_model_file(kBad / name);
  } catch (const ParseError& e) {
    std::string out;
    for (auto d : e.diagnostics()) {
      d.file = std::filesystem::path(d.file).filename().string();
      out += d.to_string() + "\n";
    }
    return out;
  }
  return "no error\n";
}

TEST(Bif, ReadsAsiaWithItsStatesParentsAndRows) {
  const BayesNet net = read_bif(slurp(kNetworks / "asia.bif"), "asia.bif");
  ASSERT_EQ(net.nodes.size(), 8U);
  const auto& dysp = net.nodes[*net.find("dysp")];
  EXPECT_EQ(dysp.states, (std::vector<std::string>{"yes", "no"}));
  EXPECT_EQ(dysp.parents, (std::vector<std::string>{"bronc", "either"}));
  // Rows in parent order, the last parent fastest: (yes,yes) (yes,no) (no,yes) (no,no).
  EXPECT_EQ(dysp.cpt[1], (std::vector<Rational>{Rational(4, 5), Rational(1, 5)}));
  EXPECT_EQ(dysp.cpt[2], (std::vector<Rational>{Rational(7, 10), Rational(3, 10)}));
  EXPECT_EQ(net.nodes[0].cpt[0], (std::vector<Rational>{Rational(1, 100), Rational(99, 100)}));
  EXPECT_EQ(dysp.row_at[2], (Location{57, 3}));  // `(no, yes) 0.7, 0.3;`
}

TEST(Bif, CommentsPropertiesQuotesTableAndDefaultRows) {
  const std::string text = R"(// a comment
network "odd net" { property author = someone; }
variable Age { /* block
comment */ type discrete [ 3 ] { <5, "5 to 12", 12+ }; property position = (1, 2); }
variable Care {
  type discrete [ 2 ] { Transp., Asy/Patch };
}
probability ( Age ) {
  table 0.5, 0.25,
        0.25;
}
probability ( Care | Age ) {
  ("5 to 12") 0.1, 0.9;
  default 1e-1, 9.0E-1;
  property note = "multi-line";
}
probability ( Other ) { table 1.0; }
)";
  try {
    (void)read_bif(text, "odd.bif");
    FAIL() << "the undeclared variable was accepted";
  } catch (const ParseError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1U);
    EXPECT_EQ(e.diagnostics()[0].to_string(), "odd.bif:17:1: error: probability table for undeclared variable 'Other'");
  }
  const BayesNet net = read_bif(text.substr(0, text.find("probability ( Other")), "odd.bif");
  EXPECT_EQ(net.name, "odd net");
  EXPECT_EQ(net.nodes[0].states, (std::vector<std::string>{"<5", "5 to 12", "12+"}));
  EXPECT_EQ(net.nodes[1].states, (std::vector<std::string>{"Transp.", "Asy/Patch"}));
  EXPECT_EQ(net.nodes[0].cpt[0], (std::vector<Rational>{Rational(1, 2), Rational(1, 4), Rational(1, 4)}));
  EXPECT_EQ(net.nodes[1].cpt[0], (std::vector<Rational>{Rational(1, 10), Rational(9, 10)}));  // default
  EXPECT_EQ(net.nodes[1].cpt[1], (std::vector<Rational>{Rational(1, 10), Rational(9, 10)}));
  const Scm m = to_scm(net);
  EXPECT_EQ(solve(m, parse_query(R"(P(Care="Asy/Patch" | Age="5 to 12"))", m)).value, Rational(9, 10));
}

TEST(Bif, TableListsTheChildSlowestAndTheLastParentFastest) {
  const std::string text = R"(variable A { type discrete [ 2 ] { a0, a1 }; }
variable B { type discrete [ 2 ] { b0, b1 }; }
probability ( A ) { table 0.5, 0.5; }
probability ( B | A ) { table 0.1, 0.3, 0.9, 0.7; }
)";
  const BayesNet net = read_bif(text, "t.bif");
  EXPECT_EQ(net.nodes[1].cpt[0], (std::vector<Rational>{Rational(1, 10), Rational(9, 10)}));
  EXPECT_EQ(net.nodes[1].cpt[1], (std::vector<Rational>{Rational(3, 10), Rational(7, 10)}));
}

TEST(Bif, DecimalsAreExact) {
  const std::string text = "variable A { type discrete [ 2 ] { a, b }; }\nprobability ( A ) { table 9.998996e-05, 0.99990001004; }\n";
  const BayesNet net = read_bif(text, "e.bif");
  EXPECT_EQ(net.nodes[0].cpt[0][0], Rational(9998996, 100000000000LL));
  EXPECT_EQ(net.nodes[0].cpt[0][1], Rational(99990001004LL, 100000000000LL));
}

TEST(Bif, WriteThenReadGivesTheSameNetwork) {
  const BayesNet child = read_network_file(kNetworks / "child.bif.gz");
  const BayesNet again = read_bif(write_bif(child), "again.bif");
  ASSERT_EQ(again.nodes.size(), child.nodes.size());
  for (std::size_t i = 0; i < child.nodes.size(); ++i) {
    EXPECT_EQ(again.nodes[i].name, child.nodes[i].name);
    EXPECT_EQ(again.nodes[i].states, child.nodes[i].states);
    EXPECT_EQ(again.nodes[i].parents, child.nodes[i].parents);
    EXPECT_EQ(again.nodes[i].cpt, child.nodes[i].cpt);
  }
  // States with characters BIF words cannot hold are quoted.
  BayesNet odd = child;
  odd.nodes[0].states[0] = "two words, and (more)";
  EXPECT_EQ(read_bif(write_bif(odd), "odd.bif").nodes[0].states[0], "two words, and (more)");
}

TEST(Bif, NetworkToScmToNetworkGivesTheSameCptsOnAlarm) {
  BayesNet alarm = read_network_file(kNetworks / "alarm.bif.gz");
  CptReport report;
  ASSERT_TRUE(check_cpts(alarm, {.normalize = true}, &report).empty());
  EXPECT_EQ(report.rows_rescaled, 6U);
  EXPECT_EQ(report.largest_correction, Rational(1, 10000000));
  const BayesNet back = to_bayes_net(to_scm(alarm));
  ASSERT_EQ(back.nodes.size(), 37U);
  for (std::size_t i = 0; i < back.nodes.size(); ++i) {
    SCOPED_TRACE(alarm.nodes[i].name);
    EXPECT_EQ(back.nodes[i].parents, alarm.nodes[i].parents);
    EXPECT_EQ(back.nodes[i].cpt, alarm.nodes[i].cpt);
  }
}

TEST(Bif, RowsSummingTo0_9999999AreRefusedUnlessNormalised) {
  try {
    (void)read_model_file(kNetworks / "alarm.bif.gz");
    FAIL() << "alarm's rows summing to 0.9999999 were accepted";
  } catch (const ParseError& e) {
    ASSERT_EQ(e.diagnostics().size(), 6U);
    EXPECT_EQ(e.diagnostics()[0].line, 158);
    EXPECT_NE(e.diagnostics()[0].message.find("the row (TRUE, LOW) of HREKG sums to 0.9999999"), std::string::npos);
  }
  const Scm m = read_model_file(kNetworks / "alarm.bif.gz", {.normalize_cpts = true});
  EXPECT_EQ(m.endogenous().size(), 37U);
}

std::vector<std::string> corpus() {
  return {"cycle.bif",          "missing_row.bif", "missing_state.bif", "stateless_parent.bif", "no_table.bif",     "row_sum.bif",
          "syntax_errors.bif",  "truncated_table.bif", "unclosed_block.bif", "undeclared_parent.bif",
          "wrong_arity.bif",    "bad_entry.uai",   "markov.uai",        "short_table.uai",
          "mismatched_tags.xml", "xml_table.xml"};
}

TEST(NetworkCorpus, EveryBadFileGivesExactlyTheExpectedDiagnostics) {
  for (const auto& name : corpus()) {
    SCOPED_TRACE(name);
    const std::string stem = std::filesystem::path(name).stem().string();
    const std::string expected = slurp(kBad / (stem + ".expected"));
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(diagnostics_of(name), expected);
  }
}

TEST(NetworkCorpus, EveryFileInTheDirectoryIsListed) {
  const auto listed = corpus();
  for (const auto& entry : std::filesystem::directory_iterator(kBad)) {
    if (entry.path().extension() == ".expected") continue;
    EXPECT_NE(std::find(listed.begin(), listed.end(), entry.path().filename().string()), listed.end())
        << entry.path().filename() << " is not in corpus()";
  }
}

}  // namespace
}  // namespace rung
