#include "rung/cli/app.hpp"

#include "rung/core/json.hpp"
#include "rung/io/linear_json.hpp"
#include "rung/io/linear_text.hpp"
#include "rung/io/model_file.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rung {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kExamples = {"cladder_mediation",  "confounded_treatment", "counterbench_chain",
                                            "firing_squad",       "sprinkler_cpt",        "table_mechanism",
                                            "three_valued"};

struct Result {
  int status;
  std::string out;
  std::string err;
};

/// Runs the tool in-process from the project's root, so paths in messages are `examples/...`.
class Cli : public ::testing::Test {
 protected:
  fs::path saved_;
  void SetUp() override {
    saved_ = fs::current_path();
    fs::current_path(fs::path(RUNG_EXAMPLES_DIR).parent_path());
  }
  void TearDown() override { fs::current_path(saved_); }

  static Result run(std::vector<std::string> args) {
    args.insert(args.begin(), "rung");
    std::ostringstream out;
    std::ostringstream err;
    int status = cli::run(args, out, err);
    return {status, out.str(), err.str()};
  }

  /// Compares with tests/data/golden/NAME; RUNG_UPDATE_GOLDEN=1 rewrites the file instead.
  static void expect_golden(const std::string& name, const std::string& actual) {
    const fs::path path = fs::path(RUNG_TEST_DATA_DIR) / "golden" / name;
    if (const char* update = std::getenv("RUNG_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
      fs::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << actual;
      return;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "missing golden file " << path << " (run with RUNG_UPDATE_GOLDEN=1 to create it)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "golden file " << path;
  }
};

TEST_F(Cli, ShowMatchesGoldenForEveryExample) {
  for (const auto& name : kExamples) {
    Result r = run({"show", "examples/" + name + ".scm"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    expect_golden("show/" + name + ".txt", r.out);
  }
}

TEST_F(Cli, ShowDotMatchesGolden) {
  Result r = run({"show", "examples/confounded_treatment.scm", "--dot"});
  EXPECT_EQ(r.status, 0);
  expect_golden("show/confounded_treatment.dot", r.out);
}

TEST_F(Cli, ValidateGoodFiles) {
  Result r = run({"validate", "examples/firing_squad.scm", "examples/three_valued.scm"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "examples/firing_squad.scm: ok (2 exogenous, 4 endogenous variables)\n"
            "examples/three_valued.scm: ok (3 exogenous, 3 endogenous variables)\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(Cli, ValidateBadFilePrintsEveryProblemAndExits1) {
  Result r = run({"validate", "tests/data/bad/three_mistakes.scm"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  expect_golden("validate/three_mistakes.txt", r.err);
}

TEST_F(Cli, ValidateReportsEachFileAndFailsIfAnyFails) {
  Result r = run({"validate", "examples/firing_squad.scm", "tests/data/bad/cycle_two.scm"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "examples/firing_squad.scm: ok (2 exogenous, 4 endogenous variables)\n");
  expect_golden("validate/cycle_two.txt", r.err);
}

TEST_F(Cli, ConvertRoundTripsEveryExample) {
  for (const auto& name : kExamples) {
    const std::string path = "examples/" + name + ".scm";
    const Scm original = read_model_file(path);
    Result json = run({"convert", path, "--to", "json"});
    ASSERT_EQ(json.status, 0) << json.err;
    const Scm from_json = read_scm_json(json.out);
    EXPECT_EQ(from_json, original) << name;
    const fs::path tmp = fs::temp_directory_path() / ("rung_cli_" + name + ".json");
    std::ofstream(tmp, std::ios::binary) << json.out;
    Result text = run({"convert", tmp.string(), "--to", "scm"});
    fs::remove(tmp);
    ASSERT_EQ(text.status, 0) << text.err;
    EXPECT_EQ(read_scm_text(text.out), original) << name;
    EXPECT_EQ(text.out, write_scm_text(original)) << name;
  }
}

TEST_F(Cli, ConvertWritesTheOutputFile) {
  const fs::path out = fs::temp_directory_path() / "rung_cli_convert_out.json";
  Result r = run({"convert", "examples/firing_squad.scm", "--to", "json", "-o", out.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(read_model_file(out), read_model_file("examples/firing_squad.scm"));
  fs::remove(out);
}

// Issue #15 item 11: evidence of probability 10^-402 is exact but underflows in double precision.
TEST_F(Cli, FloatUnderflowIsANoteBesideTheExactAnswer) {
  const fs::path model = fs::temp_directory_path() / ("rung_underflow_" + std::to_string(::getpid()) + ".scm");
  std::string text = "exogenous W ~ Bernoulli(1/2)\nY := W\n";
  std::string evidence;
  for (int k = 1; k <= 402; ++k) {
    text += fmt::format("exogenous U{0} ~ Bernoulli(1/10)\nA{0} := U{0}\n", k);
    evidence += fmt::format("{}A{}=1", k == 1 ? "" : ", ", k);
  }
  std::ofstream(model) << text;
  const std::string query = "P(Y=1 | " + evidence + ")";
  const Result exact = run({"solve", model.string(), "-q", query, "--float"});
  EXPECT_EQ(exact.status, 0) << exact.err;
  EXPECT_NE(exact.out.find(") = 1/2"), std::string::npos);
  EXPECT_NE(exact.out.find("double precision: underflow"), std::string::npos) << exact.out;
  const Result json = run({"solve", model.string(), "-q", query, "--float", "--json"});
  EXPECT_EQ(json.status, 0) << json.err;
  EXPECT_NE(json.out.find("\"double\": null"), std::string::npos);
  EXPECT_NE(json.out.find("\"double_note\": \"underflow"), std::string::npos);
  const Result only = run({"solve", model.string(), "-q", query, "--double"});
  EXPECT_EQ(only.status, 1);
  EXPECT_NE(only.err.find("below double's range"), std::string::npos) << only.err.substr(0, 300);
  fs::remove(model);
}

// Issue #15 item 8: numeric options never wrap, clamp or accept nan.
TEST_F(Cli, NumericOptionsAreValidatedNotWrapped) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"import", "counterbench", "x.json", "--tolerance", "nan"},
        {"import", "cladder", "x.json", "--tolerance", "inf"},
        {"check", "d.jsonl", "r.jsonl", "--tolerance", "nan"},
        {"generate", "--seed", "99999999999999999999999"},
        {"generate", "--seed", "-1"},
        {"generate", "-n", "-3"},
        {"solve", "examples/firing_squad.scm", "-q", "P(D=1)", "--max-factor-cells", "0"},
        {"solve", "examples/firing_squad.scm", "-q", "P(D=1)", "--max-factor-cells", "-1"},
        {"audit", "d.jsonl", "--threads", "0"},
        {"audit", "d.jsonl", "--cv-repeats", "0"},
        {"audit", "d.jsonl", "--cv-repeats", "101"}}) {
    const Result r = run(args);
    EXPECT_EQ(r.status, 2) << args[1] << " " << args.back() << ": " << r.err;
    EXPECT_NE(r.err.find("--help"), std::string::npos) << r.err;
  }
}

// Issue #15 item 20: messages a user can read.
TEST_F(Cli, HostileInputGivesShortPrintableMessages) {
  // The tolerance: no 309-digit DBL_MAX from a range check.
  Result tol = run({"import", "counterbench", "x.json", "--tolerance", "-1"});
  EXPECT_EQ(tol.status, 2);
  EXPECT_NE(tol.err.find("'-1' is not a non-negative number such as 1e-6"), std::string::npos) << tol.err;
  EXPECT_LT(tol.err.size(), 300U);
  // Raw ESC and NUL bytes from the input are shown escaped, and a long culprit is cut.
  const fs::path dir = fs::temp_directory_path() / ("rung_cli_hostile_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path model = dir / "esc\x1b[2J.scm";  // the path is echoed in every diagnostic
  std::ofstream(model, std::ios::binary) << "X := " << std::string(60000, 'Q') << "\n";
  Result esc = run({"validate", model.string()});
  EXPECT_EQ(esc.status, 1);
  EXPECT_EQ(esc.err.find('\x1b'), std::string::npos) << esc.err.substr(0, 200);
  EXPECT_LT(esc.err.size(), 3000U);
  const fs::path query_model = dir / "m.scm";
  std::ofstream(query_model, std::ios::binary) << "exogenous U ~ Bernoulli(1/2)\nX := U\n";
  Result query = run({"solve", query_model.string(), "-q", "P(" + std::string(500000, 'Z') + "=1)"});
  EXPECT_EQ(query.status, 1);
  EXPECT_LT(query.err.size(), 3000U) << query.err.substr(0, 200);
  fs::remove_all(dir);
}

TEST_F(Cli, ExitStatuses) {
  EXPECT_EQ(run({}).status, 2);
  EXPECT_EQ(run({"frobnicate"}).status, 2);
  EXPECT_EQ(run({"show"}).status, 2);
  EXPECT_EQ(run({"convert", "examples/firing_squad.scm", "--to", "xml"}).status, 2);
  EXPECT_EQ(run({"show", "examples/firing_squad.scm", "--bogus"}).status, 2);
  Result missing = run({"show", "no/such/file.scm"});
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "rung: error: no/such/file.scm: cannot open: No such file or directory\n");
  Result bad = run({"show", "tests/data/bad/cycle_two.scm"});
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.err.find("cycle: "), std::string::npos);
}

TEST_F(Cli, UsageErrorsNameTheCulpritAndTheCommandsHelp) {
  Result unknown = run({"frobnicate"});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_EQ(unknown.err,
            "rung: unknown command 'frobnicate'; the commands are: validate, show, convert, solve, identify, generate, merge, audit, "
            "check, export, import\nRun 'rung --help' for usage.\n");
  Result nested = run({"import", "foo", "x.json"});
  EXPECT_EQ(nested.status, 2);
  EXPECT_EQ(nested.err,
            "rung: unknown command 'foo'; 'rung import' commands are: counterbench, cladder\n"
            "Run 'rung import --help' for usage.\n");
  Result none = run({});
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("'rung' needs a command; its commands are: validate, show,"), std::string::npos) << none.err;
  Result twice = run({"solve", "examples/firing_squad.scm", "-q", "P(D=1)", "-q", "P(A=1)"});
  EXPECT_EQ(twice.status, 2);
  EXPECT_EQ(twice.err, "rung: --query was given 2 times; it takes 1 value (give it once)\n"
                       "Run 'rung solve --help' for usage.\n");
  Result bad_option = run({"convert", "examples/firing_squad.scm", "--to", "xml"});
  EXPECT_NE(bad_option.err.find("Run 'rung convert --help' for usage."), std::string::npos) << bad_option.err;
  Result letters = run({"generate", "--threads", "x"});
  EXPECT_EQ(letters.status, 2);
  EXPECT_NE(letters.err.find("--threads: 'x' is not a whole number (expected 1 to 256)"), std::string::npos)
      << letters.err;
  Result negative = run({"generate", "-n", "-5"});
  EXPECT_EQ(negative.status, 2);
  EXPECT_NE(negative.err.find("is not a whole number"), std::string::npos) << negative.err;
  Result range = run({"audit", "x.jsonl", "--threads", "300"});
  EXPECT_EQ(range.status, 2);
  EXPECT_NE(range.err.find("300 is not in the range 1 to 256"), std::string::npos) << range.err;
  Result huge = run({"generate", "--seed", "18446744073709551616"});
  EXPECT_EQ(huge.status, 2);
  EXPECT_NE(huge.err.find("is not in the range"), std::string::npos) << huge.err;
}

TEST_F(Cli, WriteErrorsNameTheUsersFile) {
  Result r = run({"convert", "examples/firing_squad.scm", "--to", "json", "-o", "no/such/dir/out.json"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "rung: error: no/such/dir/out.json: cannot write: No such file or directory\n");
}

TEST_F(Cli, SolveWithTraceMatchesGolden) {
  Result r = run({"solve", "examples/confounded_treatment.scm", "-q", "P(Y[X=0]=1 | X=1, Y=1)", "--trace"});
  EXPECT_EQ(r.status, 0) << r.err;
  expect_golden("solve/confounded_trace.txt", r.out);
  Result plain = run({"solve", "examples/confounded_treatment.scm", "-q", "P(Y_{X=0}=1 | X=1, Y=1)"});
  EXPECT_EQ(plain.out, "P(Y[X=0]=1 | X=1, Y=1) = 9/23 ≈ 0.391304\n");
}

TEST_F(Cli, SolveMethodsAgreeAndJsonCarriesTheValue) {
  for (const char* method : {"ve", "enumerate"}) {
    Result r = run({"solve", "examples/firing_squad.scm", "-q", "P(D[A=0]=1 | D=1)", "--json", "--method", method});
    ASSERT_EQ(r.status, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["value"]["fraction"], "10/11");
    EXPECT_EQ(j["value"]["decimal"], "0.909091");
    EXPECT_EQ(j["rung"], 3);
  }
}

TEST_F(Cli, IdentifyPrintsTheFormulaOrTheHedge) {
  Result r = run({"identify", "examples/frontdoor.scm", "-q", "P(Cancer=1 | do(Smoking=1))", "--evaluate"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("frontdoor on {Tar}: sum_{Tar} P(Tar | Smoking) (sum_{Smoking'} P(Cancer | Smoking', Tar) P(Smoking'))"),
            std::string::npos)
      << r.out;
  const Result solved = run({"solve", "examples/frontdoor.scm", "-q", "P(Cancer=1 | do(Smoking=1))", "--json"});
  ASSERT_EQ(solved.status, 0) << solved.err;
  const std::string exact = nlohmann::json::parse(solved.out)["value"]["fraction"];
  EXPECT_NE(r.out.find("value on the observed distribution: " + exact + " "), std::string::npos) << r.out;

  r = run({"identify", "examples/bow_arc.scm", "-q", "P(Y=1 | do(X=1))", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["identifiable"], false);
  EXPECT_EQ(j["hedge"]["F"], "{X, Y}");
  EXPECT_EQ(j["hedge"]["F_prime"], "{Y}");

  // Hiding the mediator leaves the effect unidentifiable too (X <-> Y, X -> Y).
  r = run({"identify", "examples/frontdoor.scm", "-q", "P(Cancer=1 | do(Smoking=1))", "--hidden", "Tar"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("not identifiable"), std::string::npos) << r.out;
  // The file marks Genotype hidden; naming it again changes nothing, an exogenous one is refused.
  r = run({"identify", "examples/frontdoor.scm", "-q", "P(Cancer=1 | do(Smoking=1))", "--hidden", "Genotype"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("observed: {Smoking, Tar, Cancer}\nfrontdoor on {Tar}"), std::string::npos) << r.out;
  r = run({"identify", "examples/frontdoor.scm", "-q", "P(Cancer=1 | do(Smoking=1))", "--hidden", "U"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--hidden U: U is exogenous, and exogenous variables are never observed"), std::string::npos) << r.err;
  r = run({"show", "examples/frontdoor.scm"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\nhidden (not observed: read by `rung identify`)\n  Genotype\n"), std::string::npos) << r.out;
  r = run({"show", "examples/frontdoor.scm", "--dot"});
  EXPECT_NE(r.out.find("\"Genotype\" [label=\"Genotype\", shape=ellipse, style=dashed"), std::string::npos) << r.out;
  r = run({"identify", "examples/frontdoor.scm", "-q", "P(Cancer=1 | do(Smoking=1))", "--hidden", "Tarr"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--hidden Tarr: no variable of that name"), std::string::npos) << r.err;
  r = run({"identify", "examples/frontdoor.scm", "-q", "P(Cancer=1 | do(Smoking=1), Tar=1)", "--evaluate"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("rule 2 of the do-calculus: the evidence on {Tar} acts as an intervention"), std::string::npos) << r.out;
  // A network: --normalize-cpts as for solve; too many observed variables to evaluate on their joint.
  r = run({"identify", "tests/data/networks/alarm.bif.gz", "--normalize-cpts", "-q", "P(BP=LOW | do(CATECHOL=HIGH))"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("backdoor on {TPR}: sum_{TPR} P(BP | TPR, CATECHOL) P(TPR)"), std::string::npos) << r.out;
  r = run({"identify", "tests/data/networks/alarm.bif.gz", "--normalize-cpts", "-q", "P(BP=LOW | do(CATECHOL=HIGH))", "--evaluate"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("mark variables the query does not need as hidden"), std::string::npos) << r.err;
  // Counterfactuals: ID* and IDC*. The effect of treatment on the treated is identifiable in the
  // frontdoor graph (its value checked against the model's with --evaluate); PNS is not.
  r = run({"identify", "examples/frontdoor.scm", "-q", "P(Cancer[Smoking=1]=1 | Smoking=0)", "--evaluate"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("estimand (ID*/IDC*, 1 conjunction of events): [sum_{Tar} P(Tar | Smoking=1) P(Smoking=0) "
                       "P(Cancer=1 | Smoking=0, Tar)] / [P(Smoking=0)]\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("value on the observed distribution: 423/550 (0.769091)\nthe model's own answer: 423/550 (0.769091)\n"),
            std::string::npos)
      << r.out;
  r = run({"identify", "examples/frontdoor.scm", "-q", "P(Cancer[Smoking=1]=1, Cancer[Smoking=0]=0)", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto pns = nlohmann::json::parse(r.out);
  EXPECT_EQ(pns["identifiable"], false);
  EXPECT_NE(pns["reason"].get<std::string>().find("Tar[Smoking=0], Tar[Smoking=1] form one c-component"), std::string::npos) << r.out;
  // Not identifiable, a probability of causation: Tian and Pearl's bounds. In the frontdoor graph
  // P(y_x) is identified, so the experimental ones are used without asking.
  r = run({"identify", "examples/frontdoor.scm", "-q", "P(Cancer[Smoking=1]=1, Cancer[Smoking=0]=0)", "--evaluate"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("bounds (Tian and Pearl, PNS of Smoking on Cancer; P(y_x) and P(y_x') identified from the observed "
                       "distribution): 36/125 (0.288) <= PNS <= 121/250 (0.484)\nthe model's own answer: 111/250 (0.444)\n"),
            std::string::npos)
      << r.out;
  // The bow arc: observational data alone, or with the experiments (then PN is pinned to 0).
  r = run({"identify", "examples/bow_arc.scm", "-q", "P(Y[X=0]=0 | X=1, Y=1)", "--evaluate"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("observational data only (--experimental adds P(y_x), P(y_x'))): 0 (0) <= PN <= 1 (1)"), std::string::npos) << r.out;
  r = run({"identify", "examples/bow_arc.scm", "-q", "P(Y[X=0]=0 | X=1, Y=1)", "--evaluate", "--experimental", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto pn = nlohmann::json::parse(r.out);
  EXPECT_EQ(pn["causation_bounds"]["kind"], "PN");
  EXPECT_EQ(pn["causation_bounds"]["lower"], "0");
  EXPECT_EQ(pn["causation_bounds"]["upper"], "0");
  EXPECT_EQ(pn["model_value"], "0");
  // Any counterfactual with factual evidence: the response-function program over counterfactual
  // worlds. The bow arc's ETT on the untreated is [-P(Y=1 | X=0), 1 - P(Y=1 | X=0)] (the treated
  // outcome of the untreated is unconstrained), P(Y=1 | X=0) = 1/3 here; the model sits on the
  // upper end (the program is sharp on the bow arc).
  r = run({"identify", "examples/bow_arc.scm", "-q", "E(Y[X=1] | X=0) - E(Y[X=0] | X=0)", "--evaluate", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto ett = nlohmann::json::parse(r.out);
  EXPECT_EQ(ett["identifiable"], false);
  EXPECT_EQ(ett["lp_bounds"], "sharp");
  EXPECT_EQ(ett["lp_lower"], "-1/3");
  EXPECT_EQ(ett["lp_upper"], "2/3");
  EXPECT_EQ(ett["model_value"], "2/3");
  r = run({"identify", "examples/bow_arc.scm", "-q", "E(Y[X=1] | X=0) - E(Y[X=0] | X=0)"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("sharp, every two of them share a hidden cause): computed with --evaluate"), std::string::npos) << r.out;
  // Evidence in an intervened world is not linear in the program's unknowns: said, not bounded.
  r = run({"identify", "examples/bow_arc.scm", "-q", "P(Y[X=1]=1 | Y[X=0]=0)", "--evaluate"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("bounds (linear program over counterfactual worlds): not computed: bounds by the response-function program "
                       "take factual evidence only"),
            std::string::npos)
      << r.out;
}

TEST_F(Cli, IdentifyPrintsLinearProgramBounds) {
  // The instrument narrows the natural bounds [6/25, 19/25] to the sharp [12/25, 3/5].
  Result r = run({"identify", "examples/instrument.scm", "-q", "P(Y=1 | do(X=1))", "--evaluate", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["lower"], "6/25");
  EXPECT_EQ(j["upper"], "19/25");
  EXPECT_EQ(j["lp_bounds"], "sharp");
  EXPECT_EQ(j["lp_columns"], 16);
  EXPECT_EQ(j["lp_lower"], "12/25");
  EXPECT_EQ(j["lp_upper"], "3/5");
  EXPECT_EQ(j["model_value"], "3/5");
  r = run({"identify", "examples/bow_arc.scm", "-q", "P(Y=1 | do(X=1))"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("bounds (linear program over the response functions of {X, Y}, 8 columns; sharp, every two of them "
                       "share a hidden cause): computed with --evaluate"),
            std::string::npos)
      << r.out;
  r = run({"identify", "examples/bow_arc.scm", "-q", "P(Y=1 | do(X=1))", "--evaluate"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("share a hidden cause): 1/6 (0.166667) <= P <= 2/3 (0.666667)\n"), std::string::npos) << r.out;
}

TEST_F(Cli, ShowDotAdmgDrawsTheObservedGraph) {
  Result r = run({"show", "examples/frontdoor.scm", "--dot", "--admg"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"Smoking\" -> \"Tar\";\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"Smoking\" -> \"Cancer\" [dir=both, style=dashed, constraint=false];"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("U_X"), std::string::npos) << r.out;  // no exogenous node
  // Tar hidden: Smoking -> Cancer directly, beside the bidirected arc.
  r = run({"show", "examples/frontdoor.scm", "--dot", "--hidden", "Tar"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("\"Tar\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"Smoking\" -> \"Cancer\";\n"), std::string::npos) << r.out;
  r = run({"show", "examples/frontdoor.scm", "--admg"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("add --dot"), std::string::npos) << r.err;
}

TEST_F(Cli, SolveNamedEstimandsExpandToTheNotation) {
  Result nde = run({"solve", "examples/cladder_mediation.scm", "--nde", "X", "M", "Y"});
  ASSERT_EQ(nde.status, 0) << nde.err;
  EXPECT_EQ(nde.out.substr(0, nde.out.find(" = ")), "E(Y[X=1, M=M[X=0]]) - E(Y[X=0])");
  Result same = run({"solve", "examples/cladder_mediation.scm", "-q", "E(Y[X=1, M=M[X=0]]) - E(Y[X=0])"});
  EXPECT_EQ(nde.out, same.out);
  Result pns = run({"solve", "examples/cladder_mediation.scm", "--pns", "X", "Y"});
  EXPECT_EQ(pns.out.substr(0, pns.out.find(" = ")), "P(Y[X=1]=1, Y[X=0]=0)");
  Result ate = run({"solve", "examples/cladder_mediation.scm", "--ate", "X", "Y", "--treated", "0", "--control", "1"});
  EXPECT_EQ(ate.out.substr(0, ate.out.find(" = ")), "E(Y[X=0]) - E(Y[X=1])");
}

TEST_F(Cli, SolveErrors) {
  Result zero = run({"solve", "examples/firing_squad.scm", "-q", "P(D=1 | A=1, A=0)"});
  EXPECT_EQ(zero.status, 1);
  EXPECT_EQ(zero.err, "rung: error: zero-probability evidence: P(A=1, A=0) = 0\n");
  Result syntax = run({"solve", "examples/firing_squad.scm", "-q", "P(D=1 | A=1"});
  EXPECT_EQ(syntax.status, 1);
  EXPECT_EQ(syntax.err, "rung: error: query, column 12: expected ',' or ')', found end of query\n");
  Result unknown = run({"solve", "examples/firing_squad.scm", "-q", "P(Q=1)"});
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(unknown.err, "rung: error: query, column 3: unknown variable 'Q'\n");
  EXPECT_EQ(run({"solve", "examples/firing_squad.scm"}).status, 2);
  EXPECT_EQ(run({"solve", "examples/firing_squad.scm", "-q", "P(D=1)", "--ate", "A", "D"}).status, 2);
  EXPECT_EQ(run({"solve", "examples/firing_squad.scm", "-q", "P(D=1)", "--method", "magic"}).status, 2);
  // A guard elimination trips is answered by enumeration (issue #15, item 21) ...
  Result fallback = run({"solve", "examples/firing_squad.scm", "-q", "P(D[A=0]=1 | D=1)", "--max-factor-cells", "1", "--json"});
  EXPECT_EQ(fallback.status, 0) << fallback.err;
  EXPECT_NE(fallback.out.find("\"method\": \"enumeration\""), std::string::npos) << fallback.out;
  // ... and only when both guards trip is the query refused, with both reasons.
  Result limit = run({"solve", "tests/data/guards/xor30.scm", "-q", "P(Y=1)", "--max-factor-cells", "1"});
  EXPECT_EQ(limit.status, 1);
  EXPECT_NE(limit.err.find("limit 1)"), std::string::npos) << limit.err;
  EXPECT_NE(limit.err.find("enumeration refuses it too: query too large for enumeration"), std::string::npos) << limit.err;
}

TEST_F(Cli, GenerateWritesJsonlDeterministically) {
  Result a = run({"generate", "--preset", "counterbench", "-n", "6", "--seed", "3"});
  ASSERT_EQ(a.status, 0) << a.err;
  Result b = run({"generate", "--preset", "counterbench", "-n", "6", "--seed", "3", "--threads", "2"});
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(std::count(a.out.begin(), a.out.end(), '\n'), 6);
  Result shard = run({"generate", "-n", "6", "--seed", "3", "--shard", "2/2"});
  EXPECT_EQ(shard.out, a.out.substr(a.out.find('\n', a.out.find('\n', a.out.find('\n') + 1) + 1) + 1));
  const fs::path out = fs::temp_directory_path() / "rung_cli_generate.jsonl";
  Result file = run({"generate", "-n", "6", "--seed", "3", "-o", out.string()});
  EXPECT_EQ(file.status, 0);
  EXPECT_EQ(read_text_file(out), a.out);
  fs::remove(out);
}

TEST_F(Cli, GenerateEveryPresetWithItsKnobs) {
  Result cladder = run({"generate", "--preset", "cladder", "-n", "10", "--types", "ate,backdoor_set"});
  ASSERT_EQ(cladder.status, 0) << cladder.err;
  EXPECT_NE(cladder.out.find("\"query_type\":\"backdoor_set\""), std::string::npos);
  Result ladder = run({"generate", "--preset", "ladder", "-n", "2", "--types", "nested", "--nesting-depth", "4",
                       "--domain-size", "3"});
  ASSERT_EQ(ladder.status, 0) << ladder.err;
  EXPECT_NE(ladder.out.find("\"nesting_depth\":4"), std::string::npos);
  Result deep = run({"generate", "--preset", "counterbench", "--nesting-depth", "3"});
  EXPECT_EQ(deep.status, 2);
  EXPECT_EQ(deep.err, "rung: error: --nesting-depth must be 1..1 for the counterbench preset, got 3\n"
                       "Run 'rung generate --help' for usage.\n");
  Result wrong_type = run({"generate", "--preset", "cladder", "--types", "joint"});
  EXPECT_EQ(wrong_type.status, 2);
  EXPECT_NE(wrong_type.err.find("unknown question type 'joint' for the cladder preset"), std::string::npos);
  Result deterministic = run({"generate", "--preset", "ladder", "-n", "2", "--deterministic"});
  ASSERT_EQ(deterministic.status, 0) << deterministic.err;
  EXPECT_NE(deterministic.out.find("\"deterministic\":true"), std::string::npos);
  Result noisy = run({"generate", "--preset", "counterbench", "-n", "2", "--noisy"});
  EXPECT_EQ(noisy.status, 2);
  EXPECT_EQ(noisy.err, "rung: error: the counterbench preset makes deterministic models only (--noisy: use the ladder preset)\n"
                       "Run 'rung generate --help' for usage.\n");
  Result both = run({"generate", "--preset", "ladder", "--noisy", "--deterministic"});
  EXPECT_EQ(both.status, 2);
  Result threshold = run({"generate", "-n", "4", "--mechanisms", "and,or,threshold", "--max-in-degree", "3"});
  ASSERT_EQ(threshold.status, 0) << threshold.err;
  EXPECT_NE(threshold.out.find("\"threshold\""), std::string::npos);
}

// Issue #20: the linear preset from the command line (records a linear audit re-verifies), the
// pgmpy JSON form, and --timeout refused on linear models instead of ignored.
TEST_F(Cli, LinearPresetPgmpyNetworksAndRefusedTimeout) {
  Result gen = run({"generate", "--preset", "linear", "-n", "9", "--seed", "3"});
  ASSERT_EQ(gen.status, 0) << gen.err;
  EXPECT_EQ(std::count(gen.out.begin(), gen.out.end(), '\n'), 9);
  EXPECT_NE(gen.out.find("\"kind\":\"linear\""), std::string::npos);
  Result pg = run({"solve", "examples/pgmpy_linear_mediation.json", "-q", "E(Y[X=1] | X=0, Y=2)"});
  Result scm = run({"solve", "examples/linear_mediation.scm", "-q", "E(Y[X=1] | X=0, Y=2)"});
  EXPECT_EQ(pg.status, 0) << pg.err;
  EXPECT_EQ(pg.out, "E(Y[X=1] | X=0, Y=2) = 11/2 ≈ 5.5\n");
  EXPECT_EQ(scm.out, pg.out);
  Result timeout = run({"solve", "examples/linear_mediation.scm", "-q", "E(Y)", "--timeout", "3"});
  EXPECT_EQ(timeout.status, 2);
  EXPECT_EQ(timeout.err, "rung: error: solve: --timeout applies to discrete models; examples/linear_mediation.scm is "
                         "linear-Gaussian, whose queries are not interruptible (leave --timeout out)\n"
                         "Run 'rung solve --help' for usage.\n");
}

TEST_F(Cli, GenerateRejectsBadKnobsWithUsageErrors) {
  Result shard = run({"generate", "-n", "6", "--shard", "3/2"});
  EXPECT_EQ(shard.status, 2);
  EXPECT_EQ(shard.err, "rung: error: --shard 3/2: expected I/N with 1 <= I <= N (I counts from 1)\n"
                       "Run 'rung generate --help' for usage.\n");
  Result preset = run({"generate", "--preset", "nope"});
  EXPECT_EQ(preset.status, 2);
  EXPECT_EQ(preset.err, "rung: error: unknown preset 'nope' (expected one of: counterbench, cladder, ladder, linear)\n"
                        "Run 'rung generate --help' for usage.\n");
  Result knob = run({"generate", "--min-variables", "9", "--max-variables", "6"});
  EXPECT_EQ(knob.status, 2);
  EXPECT_EQ(knob.err, "rung: error: --max-variables (6) must be at least --min-variables (9)\n"
                      "Run 'rung generate --help' for usage.\n");
  EXPECT_EQ(run({"generate", "--name-style", "emoji"}).status, 2);
}

// Issue #21: `rung audit` on the split files of an hf export audits them together, each file a
// split, re-verifies their rows (nested fields as JSON text) and finds a structure copied across.
TEST_F(Cli, AuditOfSeveralSplitFilesReportsCrossSplitOverlap) {
  const fs::path dir = fs::temp_directory_path() / "rung_cli_audit_splits";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path data = dir / "cb.jsonl";
  ASSERT_EQ(run({"generate", "-n", "30", "--seed", "4", "--difficulty", "1", "--splits", "train=20,validation=5,test=5", "-o",
                 data.string()}).status, 0);
  Result exported = run({"export", data.string(), "--format", "hf", "-o", (dir / "hf").string(), "--no-verify"});
  ASSERT_EQ(exported.status, 0) << exported.err;
  const fs::path train = dir / "hf" / "data" / "train.jsonl";
  const fs::path validation = dir / "hf" / "data" / "validation.jsonl";
  const fs::path test = dir / "hf" / "data" / "test.jsonl";
  Result clean = run({"audit", train.string(), validation.string(), test.string(), "--no-learners"});
  EXPECT_EQ(clean.status, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("Dataset audit: train.jsonl, validation.jsonl, test.jsonl\n  30 records"), std::string::npos) << clean.out;
  EXPECT_NE(clean.out.find("structures in more than one split: 0 (0 records)"), std::string::npos) << clean.out;
  EXPECT_NE(clean.out.find("30 rung records: 30 verified, 0 mismatched, 0 failed"), std::string::npos) << clean.out;
  // Copy the first train row, without its split field, into a file of its own, "leak.jsonl".
  std::string row = read_text_file(train);
  row = row.substr(0, row.find('\n'));
  auto copy = rung::ordered_json::parse(row);
  copy.erase("split");
  copy["id"] = "copied";
  const fs::path leak = dir / "leak.jsonl";
  std::ofstream(leak) << "\n" << copy.dump() << "\n";
  Result leaked = run({"audit", train.string(), test.string(), leak.string(), "--no-learners", "--json"});
  EXPECT_EQ(leaked.status, 0) << leaked.err;
  const auto report = nlohmann::json::parse(leaked.out);
  EXPECT_EQ(report["splits"]["by_split"]["leak"]["records"], 1);
  EXPECT_EQ(report["splits"]["shared_structures"]["count"], 1);
  EXPECT_EQ(report["splits"]["leaked_records"], 2);
  const auto& listed = report["splits"]["shared_structures"]["listed"][0];
  EXPECT_EQ(listed["file"], "leak.jsonl");
  EXPECT_EQ(listed["line"], 2);
  EXPECT_EQ(listed["split"], "leak");
  EXPECT_EQ(listed["first_file"], "train.jsonl");
  EXPECT_EQ(listed["first_line"], 1);
  EXPECT_EQ(listed["first_split"], "train");
  fs::remove_all(dir);
}

TEST_F(Cli, AuditReverifiesAGeneratedDataset) {
  const fs::path data = fs::temp_directory_path() / "rung_cli_audit.jsonl";
  ASSERT_EQ(run({"generate", "-n", "16", "--seed", "5", "-o", data.string()}).status, 0);
  Result r = run({"audit", data.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("16 records"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Re-verification"), std::string::npos) << r.out;
  Result j = run({"audit", data.string(), "--json", "--threads", "2"});
  ASSERT_EQ(j.status, 0);
  const auto report = nlohmann::json::parse(j.out);
  EXPECT_EQ(report["verification"]["checked"], 16);
  EXPECT_EQ(report["verification"]["verified"], 16);
  EXPECT_EQ(report["verification"]["mismatched"]["count"], 0);
  // A wrong stored value is found and makes the exit status 1.
  std::string text = read_text_file(data);
  const auto at = text.find("\"answer\":\"yes\"");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 14, "\"answer\":\"no\"");
  std::ofstream(data, std::ios::binary) << text;
  Result bad = run({"audit", data.string()});
  EXPECT_EQ(bad.status, 1);
  fs::remove(data);
  EXPECT_EQ(run({"audit", "no/such.jsonl"}).status, 1);
}

TEST_F(Cli, AuditJsonOfAFileWhoseNameIsNotUtf8) {
  const fs::path data = fs::temp_directory_path() / "rung_cli_audit_\xff\xfe.jsonl";
  ASSERT_EQ(run({"generate", "-n", "2", "--seed", "5", "-o", data.string()}).status, 0);
  Result j = run({"audit", data.string(), "--json", "--no-verify"});
  fs::remove(data);
  ASSERT_EQ(j.status, 0) << j.err;
  EXPECT_NE(nlohmann::json::parse(j.out)["file"].get<std::string>().find("\xEF\xBF\xBD"), std::string::npos);
  // The same for import's report.
  const fs::path cb = fs::temp_directory_path() / "rung_cli_import_\xff.json";
  std::ofstream(cb) << R"([{"question_id": 1, "given_info": "We know that A causes B.", "question": "Would B occur if not A instead of A?", "answer": "no", "type": "basic"}])";
  Result i = run({"import", "counterbench", cb.string(), "--json"});
  fs::remove(cb);
  EXPECT_NE(i.status, 70) << i.err;
  EXPECT_TRUE(nlohmann::json::accept(i.out)) << i.out;
}

TEST_F(Cli, HelpOnEveryCommand) {
  Result top = run({"--help"});
  EXPECT_EQ(top.status, 0);
  for (const char* cmd : {"validate", "show", "convert", "solve", "generate", "audit"}) {
    EXPECT_NE(top.out.find(cmd), std::string::npos) << cmd;
    Result r = run({cmd, "--help"});
    EXPECT_EQ(r.status, 0) << cmd;
    EXPECT_NE(r.out.find(std::string("rung ") + cmd), std::string::npos) << r.out;
  }
  Result usage = run({"show"});
  EXPECT_NE(usage.err.find("MODEL is required"), std::string::npos) << usage.err;
  EXPECT_EQ(run({"--version"}).out, "rung 0.1.0\n");
}

// ---- networks --------------------------------------------------------------------------------

TEST_F(Cli, SolvesTheIssuesAlarmQueryAsADistribution) {
  Result refused = run({"solve", "tests/data/networks/alarm.bif.gz", "-q", "P(BP | do(CATECHOL=HIGH), HYPOVOLEMIA=TRUE)"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("tests/data/networks/alarm.bif.gz:158:3: error: the row (TRUE, LOW) of HREKG sums to 0.9999999"),
            std::string::npos)
      << refused.err;
  Result r = run({"solve", "tests/data/networks/alarm.bif.gz", "--normalize-cpts", "-q",
                  "P(BP | do(CATECHOL=HIGH), HYPOVOLEMIA=TRUE)"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "P(BP[CATECHOL=HIGH] | HYPOVOLEMIA[CATECHOL=HIGH]=TRUE):\n"
            "  BP[CATECHOL=HIGH]=LOW = 1292318271231/2500000000000 ≈ 0.51692731\n"
            "  BP[CATECHOL=HIGH]=NORMAL = 255701221081/1250000000000 ≈ 0.20456098\n"
            "  BP[CATECHOL=HIGH]=HIGH = 696279286607/2500000000000 ≈ 0.27851171\n");
  EXPECT_EQ(r.err,
            "rung: note: tests/data/networks/alarm.bif.gz: rescaled 6 CPT rows to sum to 1; largest correction "
            "0.0000001 in the row (TRUE, LOW) of HREKG\n");
}

TEST_F(Cli, BatchAnswersEveryLineAndGoesOnAfterABadOne) {
  const fs::path file = fs::temp_directory_path() / "rung_cli_batch_queries.txt";
  std::ofstream(file) << "# asia\nP(dysp=yes | smoke=no)\n\nP(lung | xray=yes)   # a distribution\nP(nope=1)\n"
                         "P(Age=\"<5\")\nE(dysp)\n";
  Result r = run({"solve", "tests/data/networks/asia.bif", "--queries", file.string()});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out,
            "P(dysp=yes | smoke=no) = 797833/2500000 ≈ 0.319133\n"  // 0.3191332 by hand (docs/networks.md)
            "P(lung | xray=yes) = {lung=yes: 192500/393893 ≈ 0.4887114; lung=no: 201393/393893 ≈ 0.5112886}\n"
            "P(nope=1) : error: query, column 3: unknown variable 'nope'\n"
            "P(Age=\"<5\") : error: query, column 3: unknown variable 'Age'\n"
            "E(dysp) : error: query, column 3: E(dysp) needs numeric values, but dysp takes {yes, no}\n");
  EXPECT_EQ(r.err, file.string() + ":5: error: query, column 3: unknown variable 'nope'\n" + file.string() +
                       ":6: error: query, column 3: unknown variable 'Age'\n" + file.string() +
                       ":7: error: query, column 3: E(dysp) needs numeric values, but dysp takes {yes, no}\n");
  Result json = run({"solve", "tests/data/networks/asia.bif", "--queries", file.string(), "--json", "--evidence", "asia=yes"});
  std::istringstream lines(json.out);
  std::string line;
  std::vector<nlohmann::json> parsed;
  while (std::getline(lines, line)) parsed.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(parsed.size(), 5U);
  EXPECT_EQ(parsed[0]["query"], "P(dysp=yes | smoke=no, asia=yes)");
  EXPECT_EQ(parsed[1]["distribution"][0]["values"][0], "yes");
  EXPECT_EQ(parsed[1]["targets"][0], "lung");
  EXPECT_EQ(parsed[2]["line"], 5);
  fs::remove(file);
}

TEST_F(Cli, EvidenceJoinsTheConditionsOfEveryPart) {
  Result r = run({"solve", "tests/data/networks/asia.bif", "-q", "P(dysp=yes | do(smoke=no))", "--evidence", "asia=yes"});
  EXPECT_EQ(r.out.substr(0, r.out.find(" =")), "P(dysp[smoke=no]=yes | asia[smoke=no]=yes)");
  Result uai = run({"solve", "tests/data/networks/asia.uai", "-q", "P(v7)", "--evidence", "tests/data/networks/asia.uai.evid"});
  Result bif = run({"solve", "tests/data/networks/asia.bif", "-q", "P(dysp | xray=yes, smoke=no)"});
  ASSERT_EQ(uai.status, 0) << uai.err;
  EXPECT_EQ(uai.out, "P(v7 | v6=0, v2=1):\n  v7=0 = 37877341/86094100 ≈ 0.43995281\n  v7=1 = 48216759/86094100 ≈ 0.56004719\n");
  EXPECT_EQ(bif.out, "P(dysp | xray=yes, smoke=no):\n  dysp=yes = 37877341/86094100 ≈ 0.43995281\n  dysp=no = 48216759/86094100 ≈ 0.56004719\n");
}

TEST_F(Cli, ConvertsNetworksToBifScmAndBack) {
  Result bif = run({"convert", "tests/data/networks/child.bif.gz", "--to", "bif"});
  ASSERT_EQ(bif.status, 0) << bif.err;
  EXPECT_NE(bif.out.find("type discrete [ 3 ] { <5, 5-12, 12+ };"), std::string::npos);
  Result scm = run({"convert", "tests/data/networks/child.bif.gz", "--to", "scm"});
  EXPECT_NE(scm.out.find("Age in {\"0-3_days\", \"4-10_days\", \"11-30_days\"} ~ cpt("), std::string::npos) << scm.out.substr(0, 2000);
  const fs::path scm_file = fs::temp_directory_path() / "rung_cli_child.scm";
  std::ofstream(scm_file) << scm.out;
  Result again = run({"convert", scm_file.string(), "--to", "bif"});
  EXPECT_EQ(again.out.substr(again.out.find('\n')), bif.out.substr(bif.out.find('\n')));  // all but the name line
  fs::remove(scm_file);
  Result refused = run({"convert", "examples/confounded_treatment.scm", "--to", "bif"});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("cannot write a Bayesian network: U_C is read by both"), std::string::npos) << refused.err;
}

TEST_F(Cli, TimeoutStopsOneQueryAndTheBatchGoesOn) {
  // 20 fair coins and their parity: enumeration visits 1,048,576 combinations (tens of
  // milliseconds in a Release build), checking the time every 4,096.
  const fs::path model = fs::temp_directory_path() / "rung_cli_parity.scm";
  {
    std::ofstream out(model);
    std::string parity;
    for (int i = 0; i < 20; ++i) {
      out << "exogenous C" << i << " ~ Bernoulli(1/2)\n";
      parity += (i == 0 ? "C" : " xor C") + std::to_string(i);
    }
    out << "Y := " << parity << "\n";
  }
  Result slow = run({"solve", model.string(), "-q", "P(Y=1)", "--method", "enumeration", "--timeout", "0.001"});
  EXPECT_EQ(slow.status, 1);
  EXPECT_EQ(slow.err, "rung: error: timed out after 0.001 s of exact arithmetic (--timeout); --double computes it in "
                      "double precision, where the numbers stay small (not exact)\n");
  const fs::path queries = fs::temp_directory_path() / "rung_cli_parity.queries";
  std::ofstream(queries) << "P(Y=1)\nP(C0=1)\n";
  Result batch = run({"solve", model.string(), "--queries", queries.string(), "--method", "enumeration", "--timeout", "0.001"});
  EXPECT_EQ(batch.status, 1);
  EXPECT_TRUE(batch.out.starts_with("P(Y=1) : error: timed out after 0.001 s")) << batch.out;
  EXPECT_NE(batch.out.find("\nP(C0=1) = 1/2"), std::string::npos) << batch.out;
  Result fast = run({"solve", model.string(), "-q", "P(C3=1)", "--method", "enumeration", "--timeout", "10"});
  EXPECT_EQ(fast.status, 0) << fast.err;
  EXPECT_EQ(fast.out, "P(C3=1) = 1/2 ≈ 0.5\n");
  fs::remove(model);
  fs::remove(queries);
}

TEST_F(Cli, DoubleComputesWithoutExactArithmetic) {
  Result d = run({"solve", "tests/data/networks/asia.bif", "--double", "-q", "P(lung | xray=yes)"});
  ASSERT_EQ(d.status, 0) << d.err;
  // Exact: 192500/393893 and 201393/393893 (Cli.BatchAnswersEveryLineAndGoesOnAfterABadOne).
  EXPECT_EQ(d.out, "P(lung | xray=yes) ≈ {lung=yes: 0.48871140; lung=no: 0.51128860} (double precision)\n");
  Result v = run({"solve", "tests/data/networks/asia.bif", "--double", "-q", "P(dysp=yes | smoke=no)"});
  EXPECT_EQ(v.out, "P(dysp=yes | smoke=no) ≈ 0.31913320 (double precision)\n");
  Result j = run({"solve", "tests/data/networks/asia.bif", "--double", "--json", "-q", "P(dysp=yes | smoke=no)"});
  EXPECT_NEAR(nlohmann::json::parse(j.out)["double"].get<double>(), 797833.0 / 2500000.0, 1e-15);
  EXPECT_EQ(run({"solve", "tests/data/networks/asia.bif", "--double", "--float", "-q", "P(dysp)"}).status, 2);
}

TEST_F(Cli, XmlbifFilesAreModels) {
  Result r = run({"solve", "tests/data/networks/dog_problem.xml", "-q", "P(dog_out=true)"});
  EXPECT_EQ(r.out, "P(dog_out=true) = 39583/100000 ≈ 0.39583\n") << r.err;
}

TEST_F(Cli, ShowSaysWhatANetworksCounterfactualsMean) {
  Result r = run({"show", "tests/data/networks/asia.bif"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("Bayesian network, read as its canonical SCM"));
  EXPECT_NE(r.out.find("CPTs alone do not determine counterfactuals"), std::string::npos);
  EXPECT_NE(r.out.find("  U_asia    {0..1}     ~ (1/100, 99/100), the canonical noise of asia's CPT\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  asia      {yes, no}  ~  cpt() {\n"), std::string::npos) << r.out;
  Result text = run({"show", "examples/sprinkler_cpt.scm"});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_TRUE(text.out.starts_with("Conditional probability tables (X ~ cpt), read through the canonical SCM")) << text.out;
  Result v = run({"validate", "tests/data/networks/asia.bif", "tests/data/networks/asia.uai"});
  EXPECT_EQ(v.out, "tests/data/networks/asia.bif: ok (8 exogenous, 8 endogenous variables)\n"
                   "tests/data/networks/asia.uai: ok (8 exogenous, 8 endogenous variables)\n");
}

// ---- linear-Gaussian models (issue #20) ---------------------------------------------------------

TEST_F(Cli, LinearSolvePrintsTheExactAnswerAndItsThreeSteps) {
  const Result r = run({"solve", "examples/linear_mediation.scm", "-q", "E(Y[X=1] | X=0, Y=2)", "--trace"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("1. abduction"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2. action"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3. prediction"), std::string::npos) << r.out;
  EXPECT_TRUE(r.out.ends_with("E(Y[X=1] | X=0, Y=2) = 11/2 ≈ 5.5\n")) << r.out;
  const Result worlds = run({"solve", "examples/linear_mediation.scm", "-q", "E(M[X=1] | X=0, Y=2)", "--method",
                             "parallel-worlds"});
  EXPECT_EQ(worlds.out, "E(M[X=1] | X=0, Y=2) = 28/11 ≈ 2.545455\n");
}

TEST_F(Cli, LinearSolveFormsAndEstimands) {
  EXPECT_EQ(run({"solve", "examples/linear_mediation.scm", "--nde", "X", "M", "Y"}).out,
            "E(Y[X=1, M=M[X=0]]) - E(Y[X=0]) = 1/2 ≈ 0.5\n");
  EXPECT_EQ(run({"solve", "examples/linear_mediation.scm", "--nie", "X", "M", "Y", "--treated", "2", "--control", "1/2"}).out,
            "E(Y[X=1/2, M=M[X=2]]) - E(Y[X=1/2]) = 9/2 ≈ 4.5\n");
  EXPECT_EQ(run({"solve", "examples/linear_confounded.scm", "-q", "P(Y[X=1] > 3 | X=2)"}).out,
            "P(Y[X=1] > 3 | X=2) ≈ 0.5000000 (double precision: not a rational number)\n");
  EXPECT_EQ(run({"solve", "examples/linear_confounded.scm", "-q", "E(Y[X=1] | X=2)", "--double"}).out,
            "E(Y[X=1] | X=2) ≈ 3.00000000 (double precision)\n");
  const Result json = run({"solve", "examples/linear_confounded.scm", "-q", "Var(Y[X=1] | X=2)", "--json"});
  const auto j = nlohmann::json::parse(json.out);
  EXPECT_EQ(j.at("value").at("fraction"), "3/4");
  EXPECT_EQ(j.at("model"), "linear-gaussian");
  const Result impossible = run({"solve", "examples/linear_confounded.scm", "-q", "E(Y | X=1, X=2)"});
  EXPECT_EQ(impossible.status, 1);
  EXPECT_NE(impossible.err.find("zero-probability evidence: X=1, X=2 is impossible"), std::string::npos) << impossible.err;
}

TEST_F(Cli, LinearModelsValidateShowAndConvertLosslessly) {
  const Result v = run({"validate", "examples/linear_mediation.scm", "examples/firing_squad.scm"});
  EXPECT_EQ(v.status, 0) << v.err;
  EXPECT_EQ(v.out,
            "examples/linear_mediation.scm: ok (linear-Gaussian: 3 exogenous, 3 endogenous variables)\n"
            "examples/firing_squad.scm: ok (2 exogenous, 4 endogenous variables)\n");
  EXPECT_EQ(run({"show", "examples/linear_confounded.scm"}).status, 0);
  for (const char* name : {"linear_mediation", "linear_confounded"}) {
    const std::string path = std::string("examples/") + name + ".scm";
    const LinearScm original = read_linear_model_file(path);
    const Result json = run({"convert", path, "--to", "json"});
    ASSERT_EQ(json.status, 0) << json.err;
    EXPECT_EQ(read_linear_json(json.out), original);
    const fs::path tmp = fs::temp_directory_path() / (std::string("rung_cli_") + name + ".json");
    std::ofstream(tmp, std::ios::binary) << json.out;
    const Result text = run({"convert", tmp.string(), "--to", "scm"});
    fs::remove(tmp);
    EXPECT_EQ(text.out, write_linear_text(original));
  }
}

TEST_F(Cli, DiscreteOnlyCommandsSayTheModelIsLinear) {
  const Result identify = run({"identify", "examples/linear_mediation.scm", "-q", "P(Y=1 | do(X=1))"});
  EXPECT_EQ(identify.status, 1);
  EXPECT_NE(identify.err.find("examples/linear_mediation.scm: this is a linear-Gaussian model (Normal exogenous variables); "
                              "rung identify works on discrete models only"),
            std::string::npos)
      << identify.err;
  const Result pn = run({"solve", "examples/linear_mediation.scm", "--pn", "X", "Y"});
  EXPECT_EQ(pn.status, 1);
  EXPECT_NE(pn.err.find("--pn (a probability of causation of a binary outcome) works on discrete models only"), std::string::npos)
      << pn.err;
  const Result discrete = run({"solve", "examples/linear_mediation.scm", "-q", "P(Y=1)"});
  EXPECT_EQ(discrete.status, 1);
  EXPECT_NE(discrete.err.find("this model is linear"), std::string::npos) << discrete.err;
  const Result method = run({"solve", "examples/firing_squad.scm", "-q", "P(D=1)", "--method", "abduction"});
  EXPECT_EQ(method.status, 2);
}

}  // namespace
}  // namespace rung
