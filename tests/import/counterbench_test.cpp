#include "rung/import/counterbench.hpp"
#include "rung/core/json.hpp"
#include "rung/core/error.hpp"

#include "rung/cli/app.hpp"

#include "rung/infer/solver.hpp"
#include "rung/io/scm_json.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#ifndef RUNG_SHARED_DIR
#define RUNG_SHARED_DIR "../shared"
#endif

namespace rung {
namespace {

using Json = rung::ordered_json;

std::string mechanism_of(const Scm& m, const std::string& name) { return m.mechanism(*m.find(name)).to_string(); }

Scm model_of(const std::string& text) { return causal_model(parse_causal_text(text, PhraseBook(), "t"), "t"); }

Rational solve_text(const Scm& m, const std::string& q) { return solve(m, parse_query(q, m)).value; }

TEST(CounterbenchImport, StatementsBecomeMechanisms) {
  const Scm m = model_of(
      "We know that Ziklo causes Blaf and Vork, Blaf causes not Trune, Trune or Vork causes Lumbo, "
      "Blaf and not Vork together cause Sline, exactly one of Sline and Lumbo causes Frim.");
  EXPECT_EQ(mechanism_of(m, "Ziklo"), "U_Ziklo");
  EXPECT_TRUE(m.is_exogenous(*m.find("U_Ziklo")));
  EXPECT_FALSE(m.find("U_Blaf").has_value());
  EXPECT_EQ(mechanism_of(m, "Blaf"), "Ziklo");
  EXPECT_EQ(mechanism_of(m, "Vork"), "Ziklo");
  EXPECT_EQ(mechanism_of(m, "Trune"), "not Blaf");
  EXPECT_EQ(mechanism_of(m, "Lumbo"), "Trune or Vork");
  EXPECT_EQ(mechanism_of(m, "Sline"), "Blaf and not Vork");
  EXPECT_EQ(mechanism_of(m, "Frim"), "Sline xor Lumbo");
}

TEST(CounterbenchImport, CommasSeparateEffectsOrStatements) {
  // "causes Blaf, Trune and Vork, not Vork causes Sline": three effects, then a new statement.
  const Scm m = model_of("We know that Ziklo causes Blaf, Trune and Vork, not Vork causes Sline, and Sline causes Lumbo.");
  EXPECT_EQ(mechanism_of(m, "Trune"), "Ziklo");
  EXPECT_EQ(mechanism_of(m, "Vork"), "Ziklo");
  EXPECT_EQ(mechanism_of(m, "Sline"), "not Vork");
  EXPECT_EQ(mechanism_of(m, "Lumbo"), "Sline");
  const Scm n = model_of("We know that Ziklo causes not Blaf and not Frim, Blaf and Ziklo together cause not Trune.");
  EXPECT_EQ(mechanism_of(n, "Frim"), "not Ziklo");
  EXPECT_EQ(mechanism_of(n, "Trune"), "not (Blaf and Ziklo)");
}

TEST(CounterbenchImport, ObservationsAreRead) {
  const CausalText t = parse_causal_text("We know that Ziklo causes Blaf. We observed Trune and not Vork.", PhraseBook(), "t");
  ASSERT_EQ(t.observations.size(), 2U);
  EXPECT_EQ(t.observations[0], (Literal{"Trune", true}));
  EXPECT_EQ(t.observations[1], (Literal{"Vork", false}));
  const CausalText u = parse_causal_text("We know that A causes B. We observed that A occurred and C did not occur.", PhraseBook(), "t");
  EXPECT_EQ(u.observations[1], (Literal{"C", false}));
}

TEST(CounterbenchImport, PhrasesNameLiterals) {
  PhraseBook book;
  book.add("alarm set by husband", {"X", true});
  book.add("alarm not set by husband", {"X", false});
  book.add("alarm set by wife", {"V2", true});
  book.add("ringing alarm", {"Y", true});
  book.add("college degree or higher", {"V3", true});
  const CausalText t = parse_causal_text(
      "We know that alarm not set by husband causes alarm set by wife. alarm set by husband or college degree or higher "
      "causes ringing alarm, and we know that alarm set by wife causes not alarm set by husband.",
      book, "t");
  ASSERT_EQ(t.statements.size(), 3U);
  EXPECT_EQ(t.statements[0].causes[0], (Literal{"X", false}));
  EXPECT_EQ(t.statements[1].combine, CausalStatement::Combine::any);
  EXPECT_EQ(t.statements[1].causes[1], (Literal{"V3", true}));  // "or" inside a phrase is part of it
  EXPECT_EQ(t.statements[2].effects[0], (Literal{"X", false}));
}

TEST(CounterbenchImport, QuestionForms) {
  const PhraseBook none;
  auto basic = parse_counterbench_question("Would Lumbo occur if not Ziklo instead of Ziklo?", none, "q");
  EXPECT_EQ(basic.form, CounterbenchQuestion::Form::instead);
  EXPECT_EQ(basic.outcome, (Literal{"Lumbo", true}));
  EXPECT_EQ(basic.settings, (std::vector<Literal>{{"Ziklo", false}}));
  EXPECT_EQ(basic.factual, (Literal{"Ziklo", true}));
  auto joint = parse_counterbench_question("Would Lumbo occur if not Ziklo and not Blaf?", none, "q");
  EXPECT_EQ(joint.form, CounterbenchQuestion::Form::joint);
  EXPECT_EQ(joint.settings, (std::vector<Literal>{{"Ziklo", false}, {"Blaf", false}}));
  auto nested = parse_counterbench_question(
      "Assume not Ziklo, and based on this assumption, further suppose not Sline. Would Lumbo occur?", none, "q");
  EXPECT_EQ(nested.form, CounterbenchQuestion::Form::nested);
  EXPECT_EQ(nested.settings, (std::vector<Literal>{{"Ziklo", false}, {"Sline", false}}));
}

TEST(CounterbenchImport, UnreadableTextNamesItemAndPhrase) {
  try {
    (void)parse_causal_text("We know that Ziklo causes Blaf, Blaf makes Trune.", PhraseBook(), "42");
    FAIL() << "no error";
  } catch (const ImportError& e) {
    EXPECT_EQ(e.id(), "42");
    EXPECT_EQ(e.phrase(), "Blaf makes Trune");
    EXPECT_NE(std::string(e.what()).find("item 42"), std::string::npos);
  }
  try {
    (void)parse_counterbench_question("Could Lumbo occur if not Ziklo instead of Ziklo?", PhraseBook(), "7");
    FAIL() << "no error";
  } catch (const ImportError& e) {
    EXPECT_EQ(e.id(), "7");
    EXPECT_EQ(e.phrase(), "Could Lumbo occur if not Ziklo instead of Ziklo");
  }
  EXPECT_THROW((void)parse_counterbench_question("Would Lumbo occur if not Ziklo instead of Blaf?", PhraseBook(), "7"),
               ImportError);
  // A variable caused twice is not a model.
  EXPECT_THROW((void)model_of("We know that A causes B, C causes B."), ImportError);
}

TEST(CounterbenchImport, NestedReadingsDiffer) {
  // CounterBench item 150: the label (yes) needs Sline flipped from its factual value.
  const std::string given = "We know that Ziklo causes Blaf, Trune and Vork, not Vork causes Sline, Sline causes Frim, Frim or Vork "
                            "causes Qado, Qado causes Jurf, and Jurf causes Lumbo.";
  const CausalText t = parse_causal_text(given, PhraseBook(), "150");
  const Scm m = causal_model(t, "150");
  const auto q = parse_counterbench_question(
      "Assume not Ziklo, and based on this assumption, further suppose not Sline. Would Lumbo occur?", PhraseBook(), "150");
  const auto readings = counterbench_readings(m, q, t.observations, "150");
  ASSERT_EQ(readings.size(), 2U);
  EXPECT_EQ(readings[0].name, "documented");
  EXPECT_EQ(solve(m, readings[0].query).value, Rational(1));
  EXPECT_EQ(readings[1].name, "nested_literal");
  EXPECT_EQ(to_string(readings[1].query, m), "P(Lumbo[Ziklo=0, Sline=0]=1 | Ziklo=1)");
  EXPECT_EQ(solve(m, readings[1].query).value, Rational(0));
  // Hand check of the flip: factually Vork = 1, Sline = 0; flipped Sline = 1 gives Frim = 1, Lumbo = 1.
  EXPECT_EQ(solve_text(m, "P(Lumbo[Ziklo=0, Sline=1]=1 | Ziklo=1)"), Rational(1));
  EXPECT_EQ(solve_text(m, "P(Sline=0 | Ziklo=1)"), Rational(1));
}

TEST(CounterbenchImport, ConditionalObservationIsInTheCounterfactualWorld) {
  // Item 53: factually (Ziklo) Vork is 0, so "We observed Vork" holds only in the world not-Ziklo.
  const CausalText t = parse_causal_text(
      "We know that Ziklo causes Blaf, Blaf causes Trune, Trune causes not Vork, and Vork causes Lumbo. We observed Vork",
      PhraseBook(), "53");
  const Scm m = causal_model(t, "53");
  const auto q = parse_counterbench_question("Would Lumbo occur if not Ziklo instead of Ziklo?", PhraseBook(), "53");
  const auto readings = counterbench_readings(m, q, t.observations, "53");
  ASSERT_EQ(readings.size(), 2U);
  EXPECT_EQ(to_string(readings[0].query, m), "P(Lumbo[Ziklo=0]=1 | Ziklo=1, Vork[Ziklo=0]=1)");
  EXPECT_EQ(solve(m, readings[0].query).value, Rational(1));
  EXPECT_THROW((void)solve(m, readings[1].query), ZeroProbabilityEvidence);
}

Json cb_item(const std::string& id, const std::string& given, const std::string& question, const std::string& answer,
             const std::string& type) {
  return Json{{"question", question}, {"given_info", given}, {"answer", answer}, {"type", type}, {"question_id", id},
              {"meta", {{"story_id", "nonsense_0"}, {"graph_id", "graph5"}, {"query_type", "det-counterfactual"}}}};
}

TEST(CounterbenchImport, BadItemsAreReportedAndTheRestImported) {
  Json all = Json::array();
  all.push_back(cb_item("0", "We know that Ziklo causes Blaf, Blaf causes Lumbo.", "Would Lumbo occur if not Ziklo instead of Ziklo?",
                        "no", "basic"));
  all.push_back(cb_item("1", "We know that Ziklo sings Blaf.", "Would Blaf occur if not Ziklo instead of Ziklo?", "no", "basic"));
  all.push_back(cb_item("2", "We know that Ziklo causes not Blaf.", "Would Blaf occur if not Ziklo instead of Ziklo?", "no", "basic"));
  all.push_back(Json{{"question_id", "3"}, {"question", "Would A occur?"}});
  std::istringstream in(all.dump());
  const ImportResult r = import_counterbench(in, {.file = "mini.json", .cross_check = true});
  EXPECT_EQ(r.report.entries, 4U);
  EXPECT_EQ(r.report.parsed, 2U);
  ASSERT_EQ(r.report.not_parsed.size(), 2U);
  EXPECT_EQ(r.report.not_parsed[0].id, "1");
  EXPECT_EQ(r.report.not_parsed[0].phrase, "Ziklo sings Blaf");
  EXPECT_EQ(r.report.not_parsed[1].id, "3");
  EXPECT_EQ(r.report.checked, 2U);
  EXPECT_EQ(r.report.agreed, 1U);  // item 2's label is wrong: Blaf = not Ziklo occurs under not Ziklo
  ASSERT_EQ(r.report.disagreements.size(), 1U);
  EXPECT_EQ(r.report.disagreements[0].id, "2");
  EXPECT_EQ(r.report.disagreements[0].exact, Rational(1));
  ASSERT_EQ(r.records.size(), 2U);
  // The record re-solves to its own value.
  const Json& rec = r.records[1];
  EXPECT_EQ(rec["id"], "counterbench-2");
  EXPECT_EQ(rec["answer"], "yes");
  EXPECT_EQ(rec["source"]["answer"], "no");
  EXPECT_EQ(rec["source"]["label_matches"], Json::array());
  const Scm m = scm_from_json(rec["model"]);
  EXPECT_EQ(to_string(solve(m, parse_query(rec["formal_query"].get<std::string>(), m)).value), rec["value"]["fraction"]);
  for (const char* field : {"given_info", "question", "prompt", "type", "query_type", "rung", "name_style", "difficulty",
                            "reasoning", "distractors", "structure", "meta"}) {
    EXPECT_TRUE(rec.contains(field)) << field;
  }
  EXPECT_EQ(rec["meta"]["graph_id"], "graph5");
  const Json report = to_json(r.report);
  EXPECT_EQ(report["not_parsed"][0]["id"], "1");
  EXPECT_NE(to_text(r.report).find("1: cannot read a causal statement at 'Ziklo sings Blaf'"), std::string::npos);
}

TEST(CounterbenchImport, CommandLineWritesRecordsAndJsonReport) {
  const auto dir = std::filesystem::temp_directory_path() / "rung_import_cli_test";
  std::filesystem::create_directories(dir);
  Json all = Json::array();
  all.push_back(cb_item("0", "We know that Ziklo causes Blaf.", "Would Blaf occur if not Ziklo instead of Ziklo?", "no", "basic"));
  all.push_back(cb_item("1", "We know that Ziklo causes not Blaf.", "Would Blaf occur if not Ziklo instead of Ziklo?", "yes", "basic"));
  {
    std::ofstream f(dir / "cb.json");
    f << all.dump();
  }
  std::ostringstream out;
  std::ostringstream err;
  const int status = cli::run({"rung", "import", "counterbench", (dir / "cb.json").string(), "--json", "-o",
                               (dir / "cb.jsonl").string()},
                              out, err);
  EXPECT_EQ(status, 0) << err.str();
  const Json report = Json::parse(out.str());
  EXPECT_EQ(report["agree"], 2);
  std::ifstream records(dir / "cb.jsonl");
  std::string line;
  std::size_t lines = 0;
  while (std::getline(records, line)) lines += line.empty() ? 0 : 1;
  EXPECT_EQ(lines, 2U);
  // CounterBench items read as CLadder questions: every item is reported (exit 1), never guessed.
  std::ostringstream out2;
  std::ostringstream err2;
  EXPECT_EQ(cli::run({"rung", "import", "cladder", (dir / "cb.json").string()}, out2, err2), 1);
  EXPECT_NE(out2.str().find("2 not parsed"), std::string::npos) << out2.str();
  std::filesystem::remove_all(dir);
}

TEST(CounterbenchImport, PublicSampleReproducedUnderTheDocumentedReading) {
  const std::filesystem::path file = std::filesystem::path(RUNG_SHARED_DIR) / "datasets/counterbench/CounterBenchDataset_100.json";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " not present";
  std::ifstream in(file);
  const ImportResult r = import_counterbench(in, {.file = "CounterBenchDataset_100.json", .cross_check = true});
  EXPECT_EQ(r.report.entries, 100U);
  EXPECT_EQ(r.report.parsed, 100U);
  EXPECT_TRUE(r.report.not_parsed.empty());
  EXPECT_EQ(r.report.checked, 100U);
  EXPECT_EQ(r.report.agreed, 100U);
  EXPECT_EQ(r.records.size(), 100U);
  std::map<std::string, ReadingScore> scores;
  for (const auto& s : r.report.readings) scores[s.name] = s;
  EXPECT_EQ(scores["documented"].matched, 100U);
  // Nested: 5 of the 25 labels need the flip reading; the literal reading gets 20.
  EXPECT_EQ(scores["nested_literal"].total, 25U);
  EXPECT_EQ(scores["nested_literal"].matched, 20U);
  // Conditional: the observation about the factual world is impossible in 19 of 25 items.
  EXPECT_EQ(scores["conditional_factual"].total, 25U);
  EXPECT_EQ(scores["conditional_factual"].undefined, 19U);
  // Each nested record says which readings its label matches: item 150 only the flip.
  for (const auto& rec : r.records) {
    if (rec["question_id"] == "150") {
      EXPECT_EQ(rec["source"]["label_matches"], Json::array({"documented"}));
    }
    if (rec["question_id"] == "152") {
      EXPECT_EQ(rec["source"]["label_matches"], Json::array({"documented", "nested_literal"}));
    }
  }
  ASSERT_TRUE(r.report.audit.has_value());
  bool parity = false;
  for (const auto& b : r.report.audit->yes_no.baselines) {
    if (b.name == "negation_parity") {
      parity = true;
      EXPECT_EQ(b.all.correct, 95U);
    }
  }
  EXPECT_TRUE(parity);
}


TEST(CounterbenchImport, NothingDependsOnTheFileSizeOrOrder) {
  const std::filesystem::path file = std::filesystem::path(RUNG_SHARED_DIR) / "datasets/counterbench/CounterBenchDataset_100.json";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " not present";
  std::ifstream in(file);
  const Json sample = Json::parse(in);
  // The sample twice over, the second copy reversed and interleaved with the first (a file of
  // another size and order, with repeated ids, as a full release or a concatenation may be).
  Json big = Json::array();
  for (std::size_t k = 0; k < sample.size(); ++k) {
    big.push_back(sample[sample.size() - 1 - k]);
    big.push_back(sample[(k * 37) % sample.size()]);
  }
  std::istringstream a(sample.dump());
  std::istringstream b(big.dump());
  const ImportResult small = import_counterbench(a, {.file = "sample", .audit = false});
  const ImportResult large = import_counterbench(b, {.file = "sample", .audit = false});
  EXPECT_EQ(large.report.entries, 2 * small.report.entries);
  EXPECT_EQ(large.report.parsed, 2 * small.report.parsed);
  EXPECT_EQ(large.report.agreed, 2 * small.report.agreed);
  std::map<std::string, ReadingScore> s1;
  for (const auto& r : small.report.readings) s1[r.name] = r;
  for (const auto& r : large.report.readings) {
    EXPECT_EQ(r.matched, 2 * s1[r.name].matched) << r.name;
    EXPECT_EQ(r.total, 2 * s1[r.name].total) << r.name;
  }
  // Each item's record is the same wherever it stands.
  std::map<std::string, std::string> by_id;
  for (const auto& rec : small.records) by_id[rec["id"].get<std::string>()] = rec.dump();
  for (const auto& rec : large.records) EXPECT_EQ(rec.dump(), by_id.at(rec["id"].get<std::string>()));
}

TEST(CounterbenchImport, AnEmptyFileIsNotACounterBenchFile) {
  std::istringstream in(" \n");
  try {
    (void)import_counterbench(in, {.file = "empty.json"});
    FAIL() << "an empty file was imported";
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_NE(std::string(e.what()).find("empty.json: not a CounterBench file: it holds no items"), std::string::npos);
  }
}

TEST(CounterbenchImport, AnItemBeyondTheSizeGuardIsListedAndTheOthersImported) {
  // Issue #15, item 14: 28 causes of one variable need an elimination factor of 2^29 cells (over
  // the default guard of 2^24) and 2^28 units to enumerate (over 2^26): that item is listed with
  // both guards' messages, the next one is imported.
  std::string causes;
  for (char c = 'a'; c <= 'z'; ++c) causes += std::string(causes.empty() ? "" : " or ") + "Ba" + c + "o";
  causes += " or Bipo or Bito";
  const nlohmann::json items = nlohmann::json::array(
      {{{"question", "Would Zork occur if not Baao instead of Baao?"}, {"given_info", "We know that " + causes + " causes Zork."},
        {"answer", "no"}, {"type", "basic"}, {"question_id", "1"}},
       {{"question", "Would Blaf occur if not Ziklo instead of Ziklo?"}, {"given_info", "We know that Ziklo causes Blaf."},
        {"answer", "no"}, {"type", "basic"}, {"question_id", "2"}}});
  std::istringstream in(items.dump());
  const ImportResult r = import_counterbench(in, {.file = "big.json", .audit = false});
  EXPECT_EQ(r.report.entries, 2U);
  EXPECT_EQ(r.report.parsed, 1U);
  ASSERT_EQ(r.report.not_parsed.size(), 1U);
  EXPECT_EQ(r.report.not_parsed[0].id, "1");
  EXPECT_NE(r.report.not_parsed[0].reason.find("query too large for exact elimination"), std::string::npos);
  EXPECT_NE(r.report.not_parsed[0].reason.find("enumeration refuses it too"), std::string::npos);
  ASSERT_EQ(r.records.size(), 1U);
  EXPECT_EQ(r.records[0]["question_id"], "2");
}

}  // namespace
}  // namespace rung
