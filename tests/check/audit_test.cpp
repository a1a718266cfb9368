#include "rung/check/audit.hpp"

#include "rung/core/json.hpp"
#include "rung/core/rational.hpp"
#include "rung/gen/generator.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/query/decision.hpp"
#include "rung/query/query.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#ifndef RUNG_SHARED_DIR
#define RUNG_SHARED_DIR "../shared"
#endif

namespace rung {
namespace {

using Json = rung::ordered_json;

/// U ~ (1/4, 3/4), X := U: P(X=1) = 3/4.
Json tiny_model() {
  return Json::parse(R"({"exogenous": [{"name": "U", "domain": ["0", "1"], "prior": ["1/4", "3/4"]}],
                         "endogenous": [{"name": "X", "domain": ["0", "1"], "mechanism": "U"}]})");
}

/// U_X, U_Y ~ Bernoulli(1/2); X := U_X; Y := X xor U_Y.
Json xor_model() {
  return Json::parse(R"({"exogenous": [{"name": "U_X", "domain": ["0", "1"], "prior": ["1/2", "1/2"]},
                                       {"name": "U_Y", "domain": ["0", "1"], "prior": ["2/3", "1/3"]}],
                         "endogenous": [{"name": "X", "domain": ["0", "1"], "mechanism": "U_X"},
                                        {"name": "Y", "domain": ["0", "1"], "mechanism": "X xor U_Y"}]})");
}

/// A rung record in the generator's form; the defaults are a correct rung-1 item on tiny_model.
Json rung_record(const std::string& id, const std::string& answer = "yes", const std::string& fraction = "3/4",
                 const std::string& formal_query = "P(X=1)", Json model = tiny_model()) {
  Json r;
  r["id"] = id;
  r["given_info"] = "U holds with probability 3/4 and X copies U.";
  r["question"] = "Does X occur?";
  r["prompt"] = "...";
  r["answer"] = answer;
  r["value"] = {{"fraction", fraction}, {"decimal", "0.75"}};
  if (fraction == "1/4") r["value"]["decimal"] = "0.25";
  r["type"] = "basic";
  r["query_type"] = "marginal";
  r["rung"] = 1;
  r["formal_query"] = formal_query;
  r["model"] = std::move(model);
  r["name_style"] = "letters";
  r["difficulty"] = {{"level", 1}, {"variables", 1}, {"edges", 1}};
  r["distractors"] = Json::object();
  r["structure"] = "s-" + id;
  r["seed"] = 1;
  r["meta"] = {{"story_id", ""}, {"graph_id", ""}, {"query_type", "marginal"}, {"rung", 1}, {"model_id", 0}, {"name_variant", 0}};
  return r;
}

/// A CounterBench-style record (no model).
Json cb_record(const std::string& given_info, const std::string& question, const std::string& answer,
               const std::string& type = "basic") {
  Json r;
  r["question"] = question;
  r["given_info"] = given_info;
  r["answer"] = answer;
  r["type"] = type;
  r["meta"] = {{"rung", 3}, {"query_type", "det-counterfactual"}};
  return r;
}

std::string jsonl(const std::vector<Json>& records) {
  std::string out;
  for (const auto& r : records) out += r.dump() + "\n";
  return out;
}

AuditReport audit_text(const std::string& text, AuditOptions options = {}) {
  std::istringstream in(text);
  return audit_dataset(in, options);
}

AuditOptions no_verify() {
  AuditOptions o;
  o.verify = false;
  return o;
}

/// no_verify() with one layout of the cross-validation folds (`--cv-repeats 1`), for figures
/// computed by hand from "the i-th record of a type in fold i mod 5".
AuditOptions one_layout() {
  AuditOptions o = no_verify();
  o.learners.repeats = 1;
  return o;
}

const Baseline& baseline(const BaselineTable& t, const std::string& name) {
  for (const auto& b : t.baselines) {
    if (b.name == name) return b;
  }
  ADD_FAILURE() << "no baseline " << name;
  static const Baseline none;
  return none;
}

std::vector<std::pair<std::string, std::size_t>> counts_of(const AuditReport& r, const std::string& field) {
  for (const auto& fc : r.counts) {
    if (fc.field == field) return fc.values;
  }
  return {};
}

using Values = std::vector<std::pair<std::string, std::size_t>>;

TEST(Audit, CountsBySchemaTypeRungQueryTypeAndLevel) {
  Json a = rung_record("a");
  Json b = rung_record("b");
  b["type"] = "joint";
  b["rung"] = 2;
  b["query_type"] = "ate";
  b["difficulty"] = {{"level", 2}, {"variables", 3}, {"edges", 4}};
  Json c = rung_record("c");
  c["difficulty"] = {{"level", 10}, {"variables", 5}, {"edges", 1}};
  const AuditReport r = audit_text(jsonl({a, b, c, cb_record("x", "Would Ab occur?", "no", "nested")}), no_verify());
  EXPECT_EQ(r.records, 4U);
  EXPECT_EQ(r.entries, 4U);
  EXPECT_EQ(counts_of(r, "schema"), (Values{{"counterbench", 1}, {"rung", 3}}));
  EXPECT_EQ(counts_of(r, "type"), (Values{{"basic", 2}, {"joint", 1}, {"nested", 1}}));
  // rung and query_type are read from `meta` when the record has no top-level field.
  EXPECT_EQ(counts_of(r, "rung"), (Values{{"1", 2}, {"2", 1}, {"3", 1}}));
  EXPECT_EQ(counts_of(r, "query_type"), (Values{{"ate", 1}, {"det-counterfactual", 1}, {"marginal", 2}}));
  // Numbers in numeric order, records without the field last.
  EXPECT_EQ(counts_of(r, "difficulty.level"), (Values{{"1", 1}, {"2", 1}, {"10", 1}, {"(none)", 1}}));
  EXPECT_EQ(counts_of(r, "name_style"), (Values{{"letters", 3}, {"(none)", 1}}));
  EXPECT_EQ(counts_of(r, "graph_id"), (Values{{"(empty)", 3}, {"(none)", 1}}));
  ASSERT_EQ(r.difficulty.size(), 2U);
  EXPECT_EQ(r.difficulty[0].knob, "variables");  // in the file's order
  EXPECT_EQ(r.difficulty[0].records, 3U);
  EXPECT_EQ(r.difficulty[0].min, 1);
  EXPECT_EQ(r.difficulty[0].mean, 3);
  EXPECT_EQ(r.difficulty[0].max, 5);
  EXPECT_EQ(r.difficulty[1].knob, "edges");
  EXPECT_EQ(r.types, (std::vector<std::string>{"basic", "joint", "nested"}));
}

TEST(Audit, AnswerBalanceOverallAndPerType) {
  std::vector<Json> records{cb_record("", "Q?", "yes", "basic"), cb_record("", "Q?", "No", "basic"),
                            cb_record("", "Q?", "no", "basic"),  cb_record("", "Q?", "yes", "joint"),
                            cb_record("", "Q?", "1/3", "joint"), cb_record("", "Q?", "maybe", "joint")};
  Json untyped = cb_record("", "Q?", "undetermined");
  untyped.erase("type");
  records.push_back(untyped);
  const AuditReport r = audit_text(jsonl(records), no_verify());
  EXPECT_EQ(r.answers, (AnswerBalance{7, 2, 2, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(r.answers.yes_share(), 0.5);
  EXPECT_EQ(r.types, (std::vector<std::string>{"basic", "joint", "(none)"}));
  EXPECT_EQ(r.answers_by_type.at("basic"), (AnswerBalance{3, 1, 2, 0, 0, 0}));
  EXPECT_EQ(r.answers_by_type.at("joint"), (AnswerBalance{3, 1, 0, 0, 1, 1}));
  EXPECT_EQ(r.answers_by_type.at("(none)"), (AnswerBalance{1, 0, 0, 1, 0, 0}));
  EXPECT_NEAR(r.answers_by_type.at("basic").yes_share(), 1.0 / 3, 1e-12);
  // yes/no/undetermined records form the yes/no population; the numeric one its own.
  EXPECT_EQ(r.yes_no.records, 5U);
  EXPECT_EQ(r.numeric.records, 1U);
}

TEST(Audit, CountsTheWordNotWholeAndCaseInsensitive) {
  EXPECT_EQ(count_not("Not A, not B; cannot knot NOT-C (not)"), 4U);
  EXPECT_EQ(count_not("nothing notable"), 0U);
  EXPECT_EQ(count_not(""), 0U);
}

TEST(Audit, NegationParityCanBePerfectlyPredictive) {
  const AuditReport r = audit_text(jsonl({
                                       cb_record("A causes B.", "Would Bq occur if not Ak?", "no", "basic"),
                                       cb_record("A causes not B.", "Would Bq occur if not Ak?", "yes", "basic"),
                                       cb_record("Not A causes not B.", "Would Bq occur if not Ak?", "no", "joint"),
                                       cb_record("not A, NOT B, not C; cannot", "Would Bq occur if not Ak?", "yes", "joint"),
                                   }),
                                   no_verify());
  const auto& parity = baseline(r.yes_no, "negation_parity");
  EXPECT_EQ(parity.all, (Accuracy{4, 4}));
  EXPECT_EQ(parity.by_type.at("basic"), (Accuracy{2, 2}));
  EXPECT_EQ(parity.by_type.at("joint"), (Accuracy{2, 2}));
  EXPECT_EQ(baseline(r.yes_no, "negation_parity_inverse").all, (Accuracy{0, 4}));
  EXPECT_EQ(baseline(r.yes_no, "negation_parity_best").all, (Accuracy{4, 4}));
  ASSERT_GE(r.yes_no.max_shortcut, 0);
  EXPECT_EQ(r.yes_no.baselines[static_cast<std::size_t>(r.yes_no.max_shortcut)].name, "negation_parity");
}

TEST(Audit, NegationParityBestTakesTheBetterDirectionInEachColumn) {
  // basic follows the parity, joint its inverse.
  const AuditReport r = audit_text(jsonl({
                                       cb_record("not", "Q?", "yes", "basic"),
                                       cb_record("", "Q?", "no", "basic"),
                                       cb_record("", "Q?", "no", "basic"),
                                       cb_record("not", "Q?", "no", "joint"),
                                       cb_record("", "Q?", "yes", "joint"),
                                   }),
                                   no_verify());
  EXPECT_EQ(baseline(r.yes_no, "negation_parity").all, (Accuracy{3, 5}));
  EXPECT_EQ(baseline(r.yes_no, "negation_parity_inverse").all, (Accuracy{2, 5}));
  const auto& best = baseline(r.yes_no, "negation_parity_best");
  EXPECT_EQ(best.all, (Accuracy{3, 5}));
  EXPECT_EQ(best.by_type.at("basic"), (Accuracy{3, 3}));
  EXPECT_EQ(best.by_type.at("joint"), (Accuracy{2, 2}));
}

// path_parity (features.hpp) decides five of six records, four of them right; the joint record's
// text has no clause, so it gets its type's most common answer.
TEST(Audit, PathParityBaselineWithItsCoverage) {
  const std::string up = "Would C occur if A instead of not A?";
  const std::string down = "Would C occur if not A instead of A?";
  const AuditReport r = audit_text(jsonl({
                                       cb_record("We know that A causes B, and B causes C.", up, "yes"),
                                       cb_record("We know that A causes not B, and B causes C.", up, "no"),
                                       cb_record("We know that A causes B, and B causes C.", down, "no"),
                                       cb_record("We know that not A causes B, and not B causes C.", up, "yes"),
                                       cb_record("We know nothing.", up, "no", "joint"),
                                       cb_record("We know that A causes B, and B causes C.", up, "no"),  // the rule is wrong
                                   }),
                                   no_verify());
  const auto& rule = baseline(r.yes_no, "path_parity");
  EXPECT_EQ(rule.all, (Accuracy{5, 6}));
  EXPECT_EQ(rule.by_type.at("basic"), (Accuracy{4, 5}));
  EXPECT_EQ(rule.by_type.at("joint"), (Accuracy{1, 1}));
  EXPECT_EQ(rule.undefined, 0U);
  EXPECT_NE(rule.description.find("decides 5 of 6 records, 4 of them right (basic 5/5)"), std::string::npos) << rule.description;
  // It reads the text alone: a text-only shortcut, here the best row.
  ASSERT_GE(r.yes_no.max_text_shortcut, 0);
  EXPECT_EQ(r.yes_no.baselines[static_cast<std::size_t>(r.yes_no.max_text_shortcut)].name, "path_parity");
  EXPECT_EQ(r.yes_no.baselines[static_cast<std::size_t>(r.yes_no.max_shortcut)].name, "path_parity");
  // Listed right after the negation-parity rows.
  std::vector<std::string> names;
  for (const auto& b : r.yes_no.baselines) names.push_back(b.name);
  const auto at = std::find(names.begin(), names.end(), "path_parity");
  ASSERT_NE(at, names.end());
  EXPECT_EQ(*(at - 1), "negation_parity_best");

  // No record it can read: no row.
  const AuditReport none = audit_text(jsonl({cb_record("A causes B.", "Would Bq occur if not Ak?", "no"),
                                             cb_record("A causes not B.", "Would Bq occur if not Ak?", "yes")}),
                                      no_verify());
  for (const auto& b : none.yes_no.baselines) EXPECT_NE(b.name, "path_parity");
}

// graph_shape_cv learns each (graph, type, unobserved) cell's answer on the other four folds of
// the type's records: a graph that decides the answer is learned; a cell of one record is not
// (the in-sample graph_shape gets it right by memorising it).
TEST(Audit, GraphShapeCrossValidatedLearnsOnlyWhatRepeats) {
  std::vector<Json> records;
  auto with_graph = [](Json r, const std::string& graph) {
    r["meta"]["graph_id"] = graph;
    return r;
  };
  // (Each text its own: records with one text are held out together.)
  for (int k = 0; k < 10; ++k) {
    records.push_back(with_graph(cb_record("", fmt::format("Q{}?", k), k % 2 == 0 ? "yes" : "no", "t"), k % 2 == 0 ? "fork" : "chain"));
  }
  // A graph seen once: no other fold has "lone", so the type's most common answer there is
  // predicted (not its undetermined).
  records.push_back(with_graph(cb_record("", "Q10?", "undetermined", "t"), "lone"));
  const AuditReport r = audit_text(jsonl(records), no_verify());
  const auto& cv = baseline(r.yes_no, "graph_shape_cv");
  EXPECT_EQ(cv.all, (Accuracy{10, 11}));
  EXPECT_EQ(baseline(r.yes_no, "graph_shape").all, (Accuracy{11, 11}));
}

// The in-sample lookups' chance rows score the same cells on the answers shuffled within each
// type: cells of one record fit any answers (chance 100%, like the lookup), while two large cells
// that decide the answer score far above their chance level.
TEST(Audit, InSampleLookupsComeWithTheirChanceLevel) {
  auto with_graph = [](Json r, const std::string& graph) {
    r["meta"]["graph_id"] = graph;
    return r;
  };
  std::vector<Json> lone;
  std::vector<Json> deciding;
  for (int k = 0; k < 40; ++k) {
    const std::string answer = k % 2 == 0 ? "yes" : "no";
    lone.push_back(with_graph(cb_record("", "Q?", answer, "t"), fmt::format("g{}", k)));
    deciding.push_back(with_graph(cb_record("", "Q?", answer, "t"), k % 2 == 0 ? "fork" : "chain"));
  }
  const AuditReport a = audit_text(jsonl(lone), no_verify());
  EXPECT_EQ(baseline(a.yes_no, "graph_shape").all, (Accuracy{40, 40}));
  EXPECT_EQ(baseline(a.yes_no, "graph_shape_chance").all, (Accuracy{40, 40}));
  EXPECT_EQ(baseline(a.yes_no, "graph_shape_chance").by_type.at("t"), (Accuracy{40, 40}));
  const AuditReport d = audit_text(jsonl(deciding), no_verify());
  EXPECT_EQ(baseline(d.yes_no, "graph_shape").all, (Accuracy{40, 40}));
  const Accuracy chance = baseline(d.yes_no, "graph_shape_chance").all;
  EXPECT_EQ(chance.total, 40U);
  // Two cells of 20 with 20 yes and 20 no shuffled among them: each cell's majority is right on
  // 10 to 15 of its 20 in nearly every shuffle.
  EXPECT_GE(chance.correct, 20U);
  EXPECT_LE(chance.correct, 28U);
  // Neither the in-sample lookup (100% here, on cells of one record) nor its chance level is
  // the max shortcut: the best row learned elsewhere is (here the majority, 50%).
  EXPECT_TRUE(baseline(a.yes_no, "graph_shape").in_sample);
  EXPECT_TRUE(baseline(a.yes_no, "graph_shape_chance").in_sample);
  EXPECT_FALSE(baseline(a.yes_no, "graph_shape_cv").in_sample);
  ASSERT_GE(a.yes_no.max_shortcut, 0);
  const Baseline& best = a.yes_no.baselines[static_cast<std::size_t>(a.yes_no.max_shortcut)];
  EXPECT_FALSE(best.in_sample) << best.name;
  EXPECT_EQ(best.all, (Accuracy{20, 40})) << best.name;
  const auto j = to_json(a);
  EXPECT_NE(j["baselines"][0]["max_shortcut"]["name"], "graph_shape");
  EXPECT_EQ(j["baselines"][0]["baselines"][0]["in_sample"], false);
}

// statement_form_cv learns each (type, number of stated probabilities, number of overall ones)
// cell's answer on the other folds: a text that states P(X) only when the answer is undetermined
// gives it away; records that state no probability have no form and no such baseline.
TEST(Audit, StatementFormCrossValidatedFindsWhatTheFormOfTheTextGivesAway) {
  std::vector<Json> records;
  for (int k = 0; k < 12; ++k) {
    const bool undetermined = k % 3 == 0;
    // (Each text its own, by its last number: records with one text are held out together.)
    const std::string text = (undetermined ? std::string("The overall probability of A is 40%.") : std::string("For those who are C, the probability of A is 40%.")) +
                             fmt::format(" For those who are A, the probability of B is {}%.", 30 + k);
    records.push_back(cb_record(text, "Q?", undetermined ? "undetermined" : "no", "t"));
  }
  const AuditReport r = audit_text(jsonl(records), no_verify());
  EXPECT_EQ(baseline(r.yes_no, "majority").all, (Accuracy{8, 12}));
  EXPECT_EQ(baseline(r.yes_no, "statement_form_cv").all, (Accuracy{12, 12}));
  const AuditReport none = audit_text(jsonl({cb_record("", "Q?", "yes", "t"), cb_record("", "Q?", "no", "t")}), no_verify());
  for (const Baseline& b : none.yes_no.baselines) EXPECT_NE(b.name, "statement_form_cv");
}

// Decidable from the text: rung's observed-register records by their decision on
// value_from_text; imported records by the importer's verdict; others not counted.
TEST(Audit, DecidableFromTheTextCountsEachRecordsVerdictByType) {
  auto observed = [](const std::string& answer, const std::string& from_text, bool identifiable, const std::string& type) {
    Json r = cb_record("", "Q?", answer, type);
    r["decision"] = "value > 0";
    r["identification"] = {{"given", "observed"}, {"identifiable", identifiable}};
    if (identifiable) r["identification"]["value_from_text"] = {{"fraction", from_text}, {"decimal", "0"}};
    return r;
  };
  auto imported = [](const std::string& verdict, const std::string& query_type) {
    Json r = cb_record("", "Q?", "yes", "");
    r.erase("type");
    r["meta"]["query_type"] = query_type;
    r["source"] = {{"dataset", "cladder"}, {"text_verdict", verdict}, {"text_reason", verdict == "flips" ? "the rounded numbers give no" : ""}};
    return r;
  };
  const AuditReport r = audit_text(jsonl({observed("yes", "1/100", true, "ate"), observed("no", "-3/100", true, "ate"),
                                          observed("yes", "-1/100", true, "ate"),  // the shown numbers say no
                                          observed("undetermined", "", false, "ate"), observed("yes", "1/2", true, "marginal"),
                                          imported("decided", "ett"), imported("flips", "ett"), imported("no_numbers", "backadj"),
                                          cb_record("", "Q?", "yes", "basic")}),
                                   no_verify());
  const TextDecidability& t = r.from_text;
  EXPECT_EQ(t.records, 8U);
  EXPECT_EQ(t.all, (std::map<std::string, std::size_t>{{"decided", 4}, {"flips", 2}, {"no_numbers", 1}, {"undetermined", 1}}));
  EXPECT_EQ(t.by_type.at("ate"), (std::map<std::string, std::size_t>{{"decided", 2}, {"flips", 1}, {"undetermined", 1}}));
  EXPECT_EQ(t.by_type.at("ett"), (std::map<std::string, std::size_t>{{"decided", 1}, {"flips", 1}}));
  EXPECT_EQ(t.by_type.count("basic"), 0U);
  ASSERT_EQ(t.not_decided, 2U);
  EXPECT_EQ(t.not_decided_list[0].line, 3U);
  EXPECT_EQ(t.not_decided_list[0].message, "flips: the shown numbers give no (-1/100), the answer is yes");
  EXPECT_EQ(t.not_decided_list[1].message, "flips: the rounded numbers give no");
  const std::string text = to_text(r);
  EXPECT_NE(text.find("not decided by the shown numbers: 2 of 8"), std::string::npos) << text;
  EXPECT_EQ(to_json(r)["decidable_from_text"]["all"]["flips"], 2);
  EXPECT_EQ(to_json(r)["decidable_from_text"]["by_type"]["ett"]["flips"], 1);
}

// A question that asks for a number (no `decision`, meta.answer_kind "fraction": the ladder
// preset's --given observed) is decided from the text when value_from_text is its answer, and an
// "undetermined" answer to it is scored with the numeric records, not the yes/no ones.
TEST(Audit, NumericQuestionsAreDecidedByTheirValueAndTheirUndeterminedAnswersAreNumeric) {
  auto numeric = [](const std::string& answer, const std::string& from_text) {
    Json r = cb_record("", "What is it?", answer, "ate");
    r["meta"]["answer_kind"] = "fraction";
    const bool identifiable = answer != "undetermined";
    r["identification"] = {{"given", "observed"}, {"identifiable", identifiable}};
    if (identifiable) r["identification"]["value_from_text"] = {{"fraction", from_text}, {"decimal", "0"}};
    return r;
  };
  const AuditReport r = audit_text(jsonl({numeric("1/3", "1/3"), numeric("1/2", "2/5"), numeric("undetermined", ""),
                                          cb_record("", "Q?", "yes", "ate"), cb_record("", "Q?", "undetermined", "ate")}),
                                   no_verify());
  EXPECT_EQ(r.from_text.all, (std::map<std::string, std::size_t>{{"decided", 1}, {"flips", 1}, {"undetermined", 1}}));
  ASSERT_EQ(r.from_text.not_decided_list.size(), 1U);
  EXPECT_EQ(r.from_text.not_decided_list[0].message, "flips: the shown numbers give 2/5 (2/5), the answer is 1/2");
  EXPECT_EQ(r.numeric.records, 3U);
  EXPECT_EQ(r.yes_no.records, 2U);  // the yes/no question answered "undetermined" stays there
}

TEST(Audit, MajorityOverallAndPerType) {
  const AuditReport r = audit_text(jsonl({
                                       cb_record("", "Q?", "yes", "a"),
                                       cb_record("", "Q?", "yes", "a"),
                                       cb_record("", "Q?", "no", "a"),
                                       cb_record("", "Q?", "no", "b"),
                                       cb_record("", "Q?", "no", "b"),
                                       cb_record("", "Q?", "no", "b"),
                                       cb_record("", "Q?", "yes", "b"),
                                   }),
                                   no_verify());
  const auto& majority = baseline(r.yes_no, "majority");
  EXPECT_EQ(majority.description, "always \"no\", the most common answer");
  EXPECT_EQ(majority.all, (Accuracy{4, 7}));
  EXPECT_EQ(majority.by_type.at("a"), (Accuracy{1, 3}));
  EXPECT_EQ(majority.by_type.at("b"), (Accuracy{3, 4}));
  const auto& by_type = baseline(r.yes_no, "majority_by_type");
  EXPECT_EQ(by_type.all, (Accuracy{5, 7}));
  EXPECT_EQ(by_type.by_type.at("a"), (Accuracy{2, 3}));
  EXPECT_EQ(by_type.description, "the most common answer of the record's type (a: yes, b: no)");
}

TEST(Audit, MajorityTiesGoToTheFirstAnswerInOrder) {
  const AuditReport r = audit_text(jsonl({cb_record("", "Q?", "yes"), cb_record("", "Q?", "no")}), no_verify());
  EXPECT_EQ(baseline(r.yes_no, "majority").description, "always \"no\", the most common answer");
}

TEST(Audit, QuestionTemplates) {
  // CounterBench heuristic: capitalised words that do not start a sentence.
  EXPECT_EQ(question_template("Would Lumbo occur if not Ziklo instead of Ziklo?"), "Would {1} occur if not {2} instead of {2}?");
  EXPECT_EQ(question_template("Assume not Ziklo, and based on this assumption, further suppose not Sline. Would Lumbo occur?"),
            "Assume not {1}, and based on this assumption, further suppose not {2}. Would {3} occur?");
  EXPECT_EQ(question_template("Would Lumbo occur if not Ziklo and not Blaf?"), "Would {1} occur if not {2} and not {3}?");
  // With the model's names: exactly those, whole words, wherever they are.
  EXPECT_EQ(question_template("Xa is on. Would Y be 1 if Xa were 0 and Yb stays?", {"Xa", "Y", "U_X"}),
            "{1} is on. Would {2} be {n} if {1} were {n} and Yb stays?");
  // Numbers are values, not wording; digits inside a word stay.
  EXPECT_EQ(question_template("Is P(Y[X=1]=0) greater than 1/2 for V2?", {"X", "Y"}), "Is P({1}[{2}={n}]={n}) greater than {n}/{n} for V2?");
  EXPECT_EQ(question_template("Would zork_1 occur if not glim?", {"zork_1", "glim"}), "Would {1} occur if not {2}?");
  EXPECT_EQ(question_template(""), "");
}

TEST(Audit, RungRecordsUseTheModelNamesForTemplates) {
  Json a = rung_record("a");
  a["question"] = "Would X occur if U were 1?";
  Json b = rung_record("b");
  b["model"] = Json::parse(R"({"exogenous": [{"name": "U_q", "prior": ["1/4", "3/4"]}],
                               "endogenous": [{"name": "Blorp", "mechanism": "U_q"}]})");
  b["question"] = "Would Blorp occur if U_q were 1?";
  const AuditReport r = audit_text(jsonl({a, b}), no_verify());
  EXPECT_EQ(r.template_count, 1U);
  ASSERT_EQ(r.top_templates.size(), 1U);
  EXPECT_EQ(r.top_templates[0].text, "Would {1} occur if {2} were {n}?");
  EXPECT_EQ(r.top_templates[0].records, 2U);
  EXPECT_EQ(r.top_templates[0].answers.yes, 2U);
}

TEST(Audit, WordingBaselineInSampleAndCrossValidated) {
  // Templates T1 "Would {1} occur if not {2}?", T2 "Would {1} occur if {2}?", T3 "Is {1} real?".
  const AuditReport r = audit_text(jsonl({
                                       cb_record("", "Would Ab occur if not Cd?", "yes"),  // 0 T1
                                       cb_record("", "Would Ef occur if not Gh?", "yes"),  // 1 T1
                                       cb_record("", "Would Ij occur if not Kl?", "no"),   // 2 T1
                                       cb_record("", "Would Ab occur if Cd?", "no"),       // 3 T2
                                       cb_record("", "Would Ef occur if Gh?", "no"),       // 4 T2
                                       cb_record("", "Would Ij occur if Kl?", "yes"),      // 5 T2
                                       cb_record("", "Is Mn real?", "yes"),                // 6 T3
                                   }),
                                   no_verify());
  EXPECT_EQ(r.template_count, 3U);
  // In-sample: T1 -> yes (2 of 3), T2 -> no (2 of 3), T3 -> yes (1 of 1).
  EXPECT_EQ(baseline(r.yes_no, "wording").all, (Accuracy{5, 7}));
  // Cross-validated: record i (all of type basic) is in fold i mod 5, scored with what the other
  // folds teach (ties to "no", the first in natural order). Fold 0 (records 0, 5): T1 1:1 -> no,
  // T2 2 no -> no: 0 wrong, 5 wrong. Fold 1 (1, 6): T1 1:1 -> no; T3 unseen -> the type's
  // majority there, no (3 of 5): 1 wrong, 6 wrong. Fold 2 (2): T1 2 yes -> yes: wrong. Folds 3
  // and 4 (3, 4): T2 1:1 -> no: right, right.
  EXPECT_EQ(baseline(r.yes_no, "wording_cv").all, (Accuracy{2, 7}));
  ASSERT_EQ(r.top_templates.size(), 3U);
  EXPECT_EQ(r.top_templates[0].text, "Would {1} occur if not {2}?");
  EXPECT_EQ(r.top_templates[1].text, "Would {1} occur if {2}?");
  EXPECT_EQ(r.top_templates[2].text, "Is {1} real?");
}

TEST(Audit, CrossValidatedBaselinesHoldAStructuresRecordsOutTogether) {
  // Ten structures of two name variants each (consecutive records), one template each, answered
  // yes for even k and no for odd k. With the variants in one fold, every template is unseen in
  // the other folds: each record gets the type's majority there (4 yes, 4 no: a tie, "no"), so
  // the 10 no-records are right.
  const std::vector<std::string> words{"red", "blue", "green", "black", "white", "brown", "pink", "gray", "gold", "teal"};
  std::vector<Json> records;
  for (std::size_t k = 0; k < words.size(); ++k) {
    for (int variant = 0; variant < 2; ++variant) {
      Json r = cb_record("", "Is the sky " + words[k] + "?", k % 2 == 0 ? "yes" : "no");
      r["structure"] = fmt::format("{:016x}", k + 1);
      records.push_back(std::move(r));
    }
  }
  EXPECT_EQ(baseline(audit_text(jsonl(records), one_layout()).yes_no, "wording_cv").all, (Accuracy{10, 20}));
  // The default's further layouts deal the structures to the folds in other orders: a fold with
  // two structures of one answer leaves the other answer the majority of the rest, so a layout
  // gets at most the 10 of the tie, never a template's answer (7 on average: the later layouts
  // do split otherwise).
  EXPECT_LT(baseline(audit_text(jsonl(records), no_verify()).yes_no, "wording_cv").all.correct, 10U);
  // Without the structure field the two variants' texts, equal up to the names (none here), hold
  // them together all the same; two different texts (a word apart) are two records, and the other
  // variant, in another fold, teaches its template's answer: all 20 right.
  for (Json& r : records) r.erase("structure");
  EXPECT_EQ(baseline(audit_text(jsonl(records), one_layout()).yes_no, "wording_cv").all, (Accuracy{10, 20}));
  EXPECT_LE(baseline(audit_text(jsonl(records), no_verify()).yes_no, "wording_cv").all.correct, 10U);
  for (std::size_t i = 0; i < records.size(); ++i) records[i]["given_info"] = i % 2 == 0 ? "one" : "two";
  EXPECT_EQ(baseline(audit_text(jsonl(records), one_layout()).yes_no, "wording_cv").all, (Accuracy{20, 20}));
  EXPECT_EQ(baseline(audit_text(jsonl(records), no_verify()).yes_no, "wording_cv").all, (Accuracy{20, 20}));
}

TEST(Audit, RepeatedTextsUpToTheNamesAreCountedAndConflictsListed) {
  const AuditReport r = audit_text(jsonl({
                                       cb_record("We know that Ab causes Cd.", "Would Cd occur if not Ab?", "no"),   // line 1
                                       cb_record("We know that Ef causes Gh.", "Would Gh occur if not Ef?", "no"),   // 1 renamed
                                       cb_record("We know that Ab causes Cd.", "Would Ab occur if not Cd?", "yes"),  // another question
                                       cb_record("We know that Ij causes Kl.", "Would Kl occur if not Ij?", "yes"),  // 1 renamed, answered otherwise
                                   }),
                                   no_verify());
  EXPECT_EQ(r.text_repeats, 2U);
  EXPECT_EQ(r.text_conflicts, 1U);
  ASSERT_EQ(r.text_conflict_list.size(), 1U);
  EXPECT_EQ(r.text_conflict_list[0].line, 4U);
  EXPECT_EQ(r.text_conflict_list[0].first_line, 1U);
  const std::string text = to_text(r);
  EXPECT_NE(text.find("records without a structure repeating an earlier one's text up to the names: 2 (1 answered otherwise)"),
            std::string::npos)
      << text;
  EXPECT_EQ(to_json(r)["structures"]["text_repeats"], 2);
}

TEST(Audit, FactualAndDistractorBaselines) {
  const std::vector<std::string> gold{"yes", "yes", "no", "no"};
  const std::vector<std::string> factual{"no", "yes", "no", "yes"};
  const std::vector<std::string> no_abduction{"yes", "yes", "yes", "no"};
  const std::vector<std::string> conditioning{"", "yes", "", "no"};
  std::vector<Json> records;
  for (std::size_t i = 0; i < gold.size(); ++i) {
    Json r = rung_record("r" + std::to_string(i), gold[i]);
    r["distractors"]["no_abduction"] = {{"answer", no_abduction[i]}, {"value", {{"fraction", "0"}, {"decimal", "0"}}}};
    if (conditioning[i].empty()) {
      r["distractors"]["conditioning"] = {{"answer", nullptr}, {"note", "undefined: zero-probability evidence"}};
    } else {
      r["distractors"]["conditioning"] = {{"answer", conditioning[i]}, {"value", {{"fraction", "0"}, {"decimal", "0"}}}};
    }
    r["distractors"]["factual"] = {{"answer", factual[i]}, {"value", {{"fraction", "0"}, {"decimal", "0"}}}};
    records.push_back(r);
  }
  const AuditReport r = audit_text(jsonl(records), no_verify());
  const auto& f = baseline(r.yes_no, "factual");
  EXPECT_EQ(f.all, (Accuracy{2, 4}));
  EXPECT_EQ(baseline(r.yes_no, "distractor:no_abduction").all, (Accuracy{3, 4}));
  const auto& c = baseline(r.yes_no, "distractor:conditioning");
  EXPECT_EQ(c.all, (Accuracy{2, 4}));
  EXPECT_EQ(c.undefined, 2U);
  // factual first, then the other procedures in the file's order.
  std::vector<std::string> names;
  for (const auto& b : r.yes_no.baselines) names.push_back(b.name);
  EXPECT_EQ(names, (std::vector<std::string>{"majority", "majority_by_type", "negation_parity", "negation_parity_inverse",
                                             "negation_parity_best", "wording", "wording_chance", "wording_cv", "factual",
                                             "distractor:no_abduction", "distractor:conditioning"}));
  ASSERT_GE(r.yes_no.max_shortcut, 0);
  EXPECT_EQ(r.yes_no.baselines[static_cast<std::size_t>(r.yes_no.max_shortcut)].name, "distractor:no_abduction");
}

TEST(Audit, NumericAnswersHaveTheirOwnBaselines) {
  Json a = rung_record("a", "3/4");
  a["distractors"]["factual"] = {{"answer", "0.75"}, {"value", {{"fraction", "3/4"}, {"decimal", "0.75"}}}};
  Json b = rung_record("b", "1/4", "1/4", "P(X=0)");
  b["distractors"]["factual"] = {{"answer", "1/2"}, {"value", {{"fraction", "1/2"}, {"decimal", "0.5"}}}};
  Json c = rung_record("c", "3/4");
  c["distractors"]["factual"] = {{"answer", "3/4"}, {"value", {{"fraction", "3/4"}, {"decimal", "0.75"}}}};
  const AuditReport r = audit_text(jsonl({a, b, c}));
  EXPECT_EQ(r.yes_no.records, 0U);
  EXPECT_EQ(r.numeric.records, 3U);
  EXPECT_EQ(baseline(r.numeric, "majority").all, (Accuracy{2, 3}));
  EXPECT_EQ(baseline(r.numeric, "majority").description, "always \"3/4\", the most common answer");
  EXPECT_EQ(baseline(r.numeric, "factual").all, (Accuracy{2, 3}));  // "0.75" is 3/4
  for (const auto& bl : r.numeric.baselines) EXPECT_EQ(bl.name.find("parity"), std::string::npos);
  EXPECT_EQ(r.verified, 3U) << to_text(r);
}

TEST(Audit, DuplicateStructuresExpectedAndUnexpected) {
  auto rec = [](const std::string& id, const std::string& structure, int model_id, int variant) {
    Json r = rung_record(id);
    r["structure"] = structure;
    r["meta"]["model_id"] = model_id;
    r["meta"]["name_variant"] = variant;
    return r;
  };
  Json no_structure = rung_record("e");
  no_structure.erase("structure");
  const AuditReport r = audit_text(jsonl({
                                       rec("a", "s1", 0, 0),
                                       rec("b", "s1", 0, 1),  // a declared name variant of a
                                       rec("c", "s2", 1, 0),
                                       rec("d", "s1", 2, 0),  // a different item with a's structure
                                       rec("a", "s3", 1, 1),  // variant of c with another structure; id repeats
                                       no_structure,
                                   }),
                                   no_verify());
  EXPECT_EQ(r.with_structure, 5U);
  EXPECT_EQ(r.distinct_structures, 3U);
  EXPECT_EQ(r.sharing_structure, 3U);
  EXPECT_EQ(r.expected_repeats, 1U);
  EXPECT_EQ(r.unexpected_repeats, 1U);
  ASSERT_EQ(r.unexpected.size(), 1U);
  EXPECT_EQ(r.unexpected[0].id, "d");
  EXPECT_EQ(r.unexpected[0].line, 4U);
  EXPECT_EQ(r.unexpected[0].first_id, "a");
  EXPECT_EQ(r.unexpected[0].first_line, 1U);
  EXPECT_EQ(r.variant_mismatches, 1U);
  ASSERT_EQ(r.variant_mismatch_list.size(), 1U);
  EXPECT_EQ(r.variant_mismatch_list[0].line, 5U);
  EXPECT_EQ(r.variant_mismatch_list[0].first_id, "c");
  EXPECT_EQ(r.duplicate_id_count, 1U);
  ASSERT_EQ(r.duplicate_ids.size(), 1U);
  EXPECT_EQ(r.duplicate_ids[0].line, 5U);
  EXPECT_EQ(r.duplicate_ids[0].first_line, 1U);
}

TEST(Audit, VariantsOfAnotherRunAreNotExpectedRepeats) {
  // name_variant > 0 but another generator run (other options): an unexpected repeat.
  Json a = rung_record("a");
  a["structure"] = "s";
  a["meta"]["options"] = {{"seed", 1}};
  Json b = rung_record("b");
  b["structure"] = "s";
  b["meta"]["name_variant"] = 1;
  b["meta"]["options"] = {{"seed", 2}};
  const AuditReport r = audit_text(jsonl({a, b}), no_verify());
  EXPECT_EQ(r.expected_repeats, 0U);
  EXPECT_EQ(r.unexpected_repeats, 1U);
}

TEST(Audit, ReverifiesRungRecordsByEnumeration) {
  Json rung3 = rung_record("cf", "no", "1/3", "P(Y[X=0]=1 | X=1, Y=1)", xor_model());
  // P(U_Y=0 | X=1, Y=1) = 1, so Y[X=0] = 0 xor 0 = 0: value 0.
  rung3["value"] = {{"fraction", "0"}, {"decimal", "0"}};
  rung3["rung"] = 3;
  Json ate = rung_record("ate", "1/3", "1/3", "E(Y[X=1]) - E(Y[X=0])", xor_model());
  ate["value"] = {{"fraction", "1/3"}, {"decimal", "0.333333"}};
  ate["rung"] = 2;
  Json half = rung_record("half", "undetermined", "1/2", "P(U_X=1)", xor_model());
  half["value"]["decimal"] = "0.5";
  Json no_decimal = rung_record("plain", "no", "1/4", "P(X=0)");
  no_decimal["value"].erase("decimal");
  const AuditReport r = audit_text(jsonl({rung_record("m"), rung_record("n", "no", "1/4", "P(X=0)"), rung3, ate, half,
                                          no_decimal, cb_record("", "Q?", "yes")}));
  EXPECT_TRUE(r.verification_enabled);
  EXPECT_EQ(r.checked, 6U);  // the CounterBench record has no model
  EXPECT_EQ(r.verified, 6U) << to_text(r);
  EXPECT_EQ(r.mismatched, 0U);
  EXPECT_EQ(r.failed, 0U);
}

TEST(Audit, DetectsAWrongValueAndReportsBothValues) {
  Json wrong = rung_record("wrong", "yes", "2/3");  // the truth is 3/4
  wrong["value"]["decimal"] = "0.666667";
  Json wrong_answer = rung_record("flipped", "no");  // 3/4 > 1/2: "yes"
  Json wrong_rung = rung_record("rung");
  wrong_rung["rung"] = 3;
  Json wrong_decimal = rung_record("decimal");
  wrong_decimal["value"]["decimal"] = "0.7";
  const AuditReport r = audit_text(jsonl({rung_record("ok"), wrong, wrong_answer, wrong_rung, wrong_decimal}));
  EXPECT_EQ(r.checked, 5U);
  EXPECT_EQ(r.verified, 1U);
  EXPECT_EQ(r.mismatched, 4U);
  EXPECT_EQ(r.mismatched_fields, (std::map<std::string, std::size_t>{{"answer", 1}, {"rung", 1}, {"value", 1}, {"value.decimal", 2}}));
  ASSERT_EQ(r.mismatches.size(), 5U);
  EXPECT_EQ(r.mismatches[0].id, "wrong");
  EXPECT_EQ(r.mismatches[0].line, 2U);
  EXPECT_EQ(r.mismatches[0].field, "value");
  EXPECT_EQ(r.mismatches[0].stored, "2/3");
  EXPECT_EQ(r.mismatches[0].recomputed, "3/4");
  EXPECT_EQ(r.mismatches[1].field, "value.decimal");
  EXPECT_EQ(r.mismatches[1].recomputed, "0.75");
  EXPECT_EQ(r.mismatches[2].id, "flipped");
  EXPECT_EQ(r.mismatches[2].field, "answer");
  EXPECT_EQ(r.mismatches[2].stored, "no");
  EXPECT_EQ(r.mismatches[2].recomputed, "yes");
  EXPECT_EQ(r.mismatches[3].field, "rung");
  EXPECT_EQ(r.mismatches[3].stored, "3");
  EXPECT_EQ(r.mismatches[3].recomputed, "1");
  EXPECT_EQ(r.mismatches[4].stored, "0.7");
  const std::string text = to_text(r);
  EXPECT_NE(text.find("line 2 (id wrong): value stored 2/3, recomputed 3/4"), std::string::npos) << text;
}

TEST(Audit, ReportsRecordsThatCannotBeResolved) {
  Json unknown = rung_record("unknown", "yes", "3/4", "P(Z=1)");
  Json zero = rung_record("zero", "yes", "3/4", "P(X=1 | X=1, U=0)");
  Json bad_model = rung_record("model");
  bad_model["model"]["endogenous"][0]["mechanism"] = "V and";
  Json no_value = rung_record("novalue");
  no_value.erase("value");
  const AuditReport r = audit_text(jsonl({unknown, zero, bad_model, no_value}));
  EXPECT_EQ(r.checked, 4U);
  EXPECT_EQ(r.failed, 4U);
  ASSERT_EQ(r.failures.size(), 4U);
  EXPECT_EQ(r.failures[0].id, "unknown");
  EXPECT_NE(r.failures[0].message.find("formal_query 'P(Z=1)'"), std::string::npos) << r.failures[0].message;
  EXPECT_NE(r.failures[0].message.find('Z'), std::string::npos);
  EXPECT_NE(r.failures[1].message.find("zero-probability evidence"), std::string::npos) << r.failures[1].message;
  EXPECT_EQ(r.failures[2].message.rfind("model: ", 0), 0U) << r.failures[2].message;
  EXPECT_EQ(r.failures[3].message, "no value.fraction to compare with");
}

TEST(Audit, VerificationCanBeSwitchedOff) {
  const AuditReport r = audit_text(jsonl({rung_record("wrong", "yes", "2/3")}), no_verify());
  EXPECT_FALSE(r.verification_enabled);
  EXPECT_EQ(r.checked, 0U);
  // Nothing was re-solved, so the heading names no method.
  EXPECT_NE(to_text(r).find("\nRe-verification\n  off\n"), std::string::npos) << to_text(r);
}

TEST(Audit, MalformedLinesAreReportedWithTheirNumbers) {
  Json no_answer = rung_record("x");
  no_answer.erase("answer");
  Json half_rung = rung_record("y");
  half_rung.erase("formal_query");
  const std::string text = cb_record("", "Q?", "yes").dump() + "\n" +  // 1
                           "{\"question\": \"Q?\", oops}\n" +          // 2
                           "\n" +                                      // 3 (blank: skipped)
                           "[1, 2]\n" +                                // 4
                           "{\"foo\": 1}\n" +                          // 5
                           no_answer.dump() + "\r\n" +                 // 6
                           half_rung.dump() + "\n" +                   // 7
                           cb_record("", "Q?", "no").dump();           // 8 (no final newline)
  const AuditReport r = audit_text(text, no_verify());
  EXPECT_EQ(r.entries, 7U);
  EXPECT_EQ(r.records, 2U);
  EXPECT_EQ(r.malformed_count, 5U);
  ASSERT_EQ(r.malformed.size(), 5U);
  EXPECT_EQ(r.malformed[0].line, 2U);
  EXPECT_EQ(r.malformed[0].message.rfind("invalid JSON: parse error at line 1, column ", 0), 0U) << r.malformed[0].message;
  EXPECT_EQ(r.malformed[1].line, 4U);
  EXPECT_EQ(r.malformed[1].message, "not a record: expected a JSON object, found array");
  EXPECT_EQ(r.malformed[2].line, 5U);
  EXPECT_NE(r.malformed[2].message.find("(CounterBench)"), std::string::npos);
  EXPECT_EQ(r.malformed[3].line, 6U);
  EXPECT_EQ(r.malformed[3].message, "no \"answer\" (a string)");
  EXPECT_EQ(r.malformed[4].line, 7U);
  EXPECT_EQ(r.malformed[4].message, "a rung record needs both \"formal_query\" and \"model\"");
  const std::string report = to_text(r);
  EXPECT_NE(report.find("  line 4: not a record: expected a JSON object, found array\n"), std::string::npos) << report;

  AuditOptions two = no_verify();
  two.max_listed = 2;
  const AuditReport capped = audit_text(text, two);
  EXPECT_EQ(capped.malformed_count, 5U);
  EXPECT_EQ(capped.malformed.size(), 2U);
  EXPECT_NE(to_text(capped).find("  ... and 3 more\n"), std::string::npos);
}

TEST(Audit, ReadsAJsonArrayAndNamesTheLineOfEachElement) {
  const std::string text = "\n[\n  " + cb_record("not", "Q?", "yes").dump() +  // line 3
                           ",\n  {\"question\": [1, 2],\n   \"bad\": }" +        // line 4
                           ",\n  " + cb_record("", "Would Ab, \\\"x]\\\" occur?", "no").dump(2) +  // line 6
                           ",\n  42\n]\n";
  const AuditReport r = audit_text(text, no_verify());
  EXPECT_EQ(r.entries, 4U);
  EXPECT_EQ(r.records, 2U);
  ASSERT_EQ(r.malformed.size(), 2U) << to_text(r);
  EXPECT_EQ(r.malformed[0].line, 4U);
  EXPECT_EQ(r.malformed[0].message.rfind("invalid JSON", 0), 0U);
  const auto line_of_42 = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find("42")), '\n'));
  EXPECT_EQ(line_of_42, 16U);
  EXPECT_EQ(r.malformed[1].line, line_of_42) << text;
  EXPECT_EQ(r.malformed[1].message, "not a record: expected a JSON object, found number");
  EXPECT_EQ(baseline(r.yes_no, "negation_parity").all, (Accuracy{2, 2}));

  const AuditReport open = audit_text("[" + cb_record("", "Q?", "yes").dump() + ",\n", no_verify());
  EXPECT_EQ(open.records, 1U);
  ASSERT_EQ(open.malformed.size(), 1U);
  EXPECT_EQ(open.malformed[0].line, 2U);
  EXPECT_EQ(open.malformed[0].message, "the JSON array is not closed (no final ']')");

  const AuditReport empty_element = audit_text("[" + cb_record("", "Q?", "yes").dump() + ",,\n" + cb_record("", "Q?", "no").dump() + "]", no_verify());
  EXPECT_EQ(empty_element.records, 2U);
  ASSERT_EQ(empty_element.malformed.size(), 1U);
  EXPECT_EQ(empty_element.malformed[0].message, "empty array element");

  const AuditReport trailing = audit_text("[]\n{}\n", no_verify());
  EXPECT_EQ(trailing.records, 0U);
  ASSERT_EQ(trailing.malformed.size(), 1U);
  EXPECT_EQ(trailing.malformed[0].line, 2U);
}

TEST(Audit, ReportDoesNotDependOnTheThreadCount) {
  std::vector<Json> records;
  for (int i = 0; i < 700; ++i) {
    const std::string id = "r" + std::to_string(i);
    if (i % 97 == 5) {
      records.push_back(rung_record(id, "yes", "2/3"));  // mismatch
    } else if (i % 101 == 7) {
      records.push_back(rung_record(id, "yes", "3/4", "P(Q=1)"));  // failure
    } else if (i % 3 == 0) {
      records.push_back(rung_record(id, "no", "1/4", "P(X=0)"));
    } else if (i % 3 == 1) {
      Json r = rung_record(id, "no", "0", "P(Y[X=0]=1 | X=1, Y=1)", xor_model());
      r["value"] = {{"fraction", "0"}, {"decimal", "0"}};
      r["rung"] = 3;
      records.push_back(r);
    } else {
      records.push_back(rung_record(id));
    }
  }
  const std::string text = jsonl(records);
  AuditOptions one;
  one.max_listed = 0;
  std::vector<AuditProgress> seen;
  one.progress = [&](const AuditProgress& p) { seen.push_back(p); };
  AuditOptions three = one;
  three.threads = 3;
  three.progress = nullptr;
  const AuditReport a = audit_text(text, one);
  const AuditReport b = audit_text(text, three);
  EXPECT_EQ(to_json(a), to_json(b));
  EXPECT_EQ(to_text(a), to_text(b));
  EXPECT_EQ(a.checked, 700U);
  EXPECT_EQ(a.mismatched, 8U);
  EXPECT_EQ(a.failed, 7U);
  EXPECT_EQ(a.verified, 685U);
  ASSERT_EQ(a.mismatches.size(), 8U);
  for (std::size_t k = 1; k < a.mismatches.size(); ++k) EXPECT_LT(a.mismatches[k - 1].line, a.mismatches[k].line);
  ASSERT_GE(seen.size(), 2U);
  for (std::size_t k = 1; k < seen.size(); ++k) EXPECT_LE(seen[k - 1].records, seen[k].records);
  EXPECT_EQ(seen.back().records, 700U);
  EXPECT_EQ(seen.back().verified, 700U);
}

TEST(Audit, TextAndJsonReportsCarryTheSameFigures) {
  AuditOptions o;
  o.file = "tiny.jsonl";
  const AuditReport r = audit_text(jsonl({rung_record("a"), rung_record("b", "yes", "2/3"), cb_record("not", "Would Ab occur?", "yes")}), o);
  const std::string text = to_text(r);
  EXPECT_EQ(text.rfind("Dataset audit: tiny.jsonl\n  3 records (1 counterbench, 2 rung), 0 malformed\n", 0), 0U) << text;
  for (const char* part : {"\nCounts\n", "\nAnswers\n", "\nShortcut baselines on the 3 yes/no records",
                           "max shortcut: ", "\nQuestion templates: 2 distinct over 3 records\n", "\nStructures\n",
                           "  2 rung records: 1 verified, 1 mismatched, 0 failed\n"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
  const Json j = to_json(r);
  EXPECT_EQ(j["file"], "tiny.jsonl");
  EXPECT_EQ(j["records"], 3);
  EXPECT_EQ(j["counts"]["schema"]["rung"], 2);
  EXPECT_EQ(j["answers"]["all"]["yes"], 3);
  EXPECT_EQ(j["baselines"][0]["population"], "yes/no");
  EXPECT_EQ(j["baselines"][0]["baselines"][0]["name"], "majority");
  EXPECT_EQ(j["baselines"][0]["baselines"][0]["all"]["correct"], 3);
  EXPECT_EQ(j["baselines"][0]["max_shortcut"]["name"], "majority");
  EXPECT_EQ(j["templates"]["distinct"], 2);
  EXPECT_EQ(j["structures"]["with_structure"], 2);
  EXPECT_EQ(j["verification"]["checked"], 2);
  EXPECT_EQ(j["verification"]["mismatched"]["count"], 1);
  EXPECT_EQ(j["verification"]["mismatched"]["listed"][0]["recomputed"], "3/4");
  EXPECT_EQ(j["verification"]["mismatched"]["by_field"]["value"], 1);
  EXPECT_NO_THROW((void)j.dump());
}

TEST(Audit, CountTablesAreInNaturalOrderAndLongOnesAreCapped) {
  std::vector<Json> records;
  for (int g = 25; g >= 1; --g) {
    Json r = cb_record("", "Q?", "yes");
    r["meta"]["graph_id"] = "graph" + std::to_string(g);
    records.push_back(r);
    if (g == 10) records.push_back(r);  // graph10 is the most common
  }
  const AuditReport r = audit_text(jsonl(records), no_verify());
  const auto graphs = counts_of(r, "graph_id");
  ASSERT_EQ(graphs.size(), 25U);  // the report keeps every value
  EXPECT_EQ(graphs[0], (std::pair<std::string, std::size_t>{"graph1", 1}));
  EXPECT_EQ(graphs[1].first, "graph2");
  EXPECT_EQ(graphs[9], (std::pair<std::string, std::size_t>{"graph10", 2}));
  const std::string text = to_text(r);
  // The text shows the 20 most common (graph10, then the first others in natural order:
  // graph1..graph20), in natural order.
  EXPECT_NE(text.find("  graph20         1"), std::string::npos) << text;
  EXPECT_EQ(text.find("  graph21 "), std::string::npos) << text;
  EXPECT_NE(text.find("  ... and 5 more values (5 records); the 20 most common are shown\n"), std::string::npos) << text;
  EXPECT_EQ(to_json(r)["counts"]["graph_id"].size(), 25U);
}

TEST(Audit, EmptyInput) {
  const AuditReport r = audit_text("");
  EXPECT_EQ(r.records, 0U);
  EXPECT_EQ(r.yes_no.records, 0U);
  EXPECT_EQ(r.yes_no.max_shortcut, -1);
  EXPECT_EQ(to_text(r), "Dataset audit\n  0 records, 0 malformed\n");
  EXPECT_NO_THROW((void)to_json(r).dump());
}

TEST(Audit, CounterBenchPublicSample) {
  const std::filesystem::path file = std::filesystem::path(RUNG_SHARED_DIR) / "datasets/counterbench/CounterBenchDataset_100.json";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " is absent";
  std::ifstream in(file);
  ASSERT_TRUE(in);
  AuditOptions options;
  options.file = "CounterBenchDataset_100.json";
  const AuditReport r = audit_dataset(in, options);
  EXPECT_EQ(r.records, 100U);
  EXPECT_EQ(r.malformed_count, 0U);
  EXPECT_EQ(counts_of(r, "schema"), (Values{{"counterbench", 100}}));
  EXPECT_EQ(counts_of(r, "type"), (Values{{"basic", 25}, {"conditional", 25}, {"joint", 25}, {"nested", 25}}));
  EXPECT_EQ(r.answers, (AnswerBalance{100, 46, 54, 0, 0, 0}));
  EXPECT_EQ(r.answers_by_type.at("joint"), (AnswerBalance{25, 15, 10, 0, 0, 0}));
  // The README's figure: "yes iff given_info has an odd number of `not`" matches 95 of 100
  // labels; the 5 misses are all joint items.
  const auto& parity = baseline(r.yes_no, "negation_parity");
  EXPECT_EQ(parity.all, (Accuracy{95, 100}));
  EXPECT_EQ(parity.by_type.at("basic"), (Accuracy{25, 25}));
  EXPECT_EQ(parity.by_type.at("conditional"), (Accuracy{25, 25}));
  EXPECT_EQ(parity.by_type.at("joint"), (Accuracy{20, 25}));
  EXPECT_EQ(parity.by_type.at("nested"), (Accuracy{25, 25}));
  EXPECT_EQ(baseline(r.yes_no, "negation_parity_inverse").all, (Accuracy{5, 100}));
  // The shortest-path reading decides 95 records: not the five joint items whose two shortest
  // paths disagree (their type's majority, yes, is right). It misses the five nested items whose
  // label flips the second supposition's variable from its factual value instead of setting it
  // as written (src/import/counterbench.cpp, "documented").
  const auto& path = baseline(r.yes_no, "path_parity");
  EXPECT_EQ(path.all, (Accuracy{95, 100}));
  EXPECT_EQ(path.by_type.at("joint"), (Accuracy{25, 25}));
  EXPECT_EQ(path.by_type.at("nested"), (Accuracy{20, 25}));
  EXPECT_NE(path.description.find("decides 95 of 100 records, 90 of them right (basic 25/25, conditional 25/25, joint 20/25, "
                                  "nested 25/25)"),
            std::string::npos)
      << path.description;
  EXPECT_EQ(baseline(r.yes_no, "majority").all, (Accuracy{54, 100}));
  EXPECT_EQ(baseline(r.yes_no, "majority_by_type").all, (Accuracy{59, 100}));
  // Three question templates (basic and conditional share one); each template's majority is its
  // type's, so the wording rule scores like majority_by_type in-sample. Cross-validated, a
  // structure's five name sets are held out together (one text up to the names), so each fold
  // of a type is one structure of five and is scored with the majority of the other four: a
  // type whose structures answer 3:2 predicts each of its majority's structures with a 2:2 tie
  // ("no", the first in natural order) — 25, where splitting the name sets gave 59.
  EXPECT_EQ(r.template_count, 3U);
  EXPECT_EQ(baseline(r.yes_no, "wording").all, (Accuracy{59, 100}));
  // (That is one layout of the folds, --cv-repeats 1; the default's three average 28: where a
  // type has more texts than folds, the later layouts group them otherwise.)
  {
    std::ifstream again(file);
    AuditOptions one = options;
    one.learners.repeats = 1;
    one.learners.enabled = false;
    EXPECT_EQ(baseline(audit_dataset(again, one).yes_no, "wording_cv").all, (Accuracy{25, 100}));
  }
  EXPECT_EQ(baseline(r.yes_no, "wording_cv").all, (Accuracy{28, 100}));
  ASSERT_GE(r.yes_no.max_shortcut, 0);
  EXPECT_EQ(r.yes_no.baselines[static_cast<std::size_t>(r.yes_no.max_shortcut)].name, "negation_parity");  // first of the 95s
  EXPECT_EQ(r.yes_no.baselines[static_cast<std::size_t>(r.yes_no.max_text_shortcut)].name, "negation_parity");
  EXPECT_EQ(r.checked, 0U);  // no models to re-solve
  EXPECT_EQ(r.with_structure, 0U);
  EXPECT_EQ(r.duplicate_id_count, 0U);
}

// ---- the stated model (issue #15 item 19) ------------------------------------------------------

/// `count` records of `preset` (seed 1), parsed keeping their members' order.
std::vector<Json> generated(const std::string& preset, std::uint64_t count, int level = 2, const std::string& given = "") {
  GeneratorOptions o = preset_options(preset, level);
  if (!given.empty()) o.given = given;
  if (given == "model") o.undetermined_share = "0";
  o.count = count;
  o.seed = 1;
  std::ostringstream out;
  Generator(o).write(out, RunOptions{});
  std::vector<Json> records;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) records.push_back(Json::parse(line));
  return records;
}

/// Re-solves `r` on its (edited) model and stores the value and answer, as an editor who changes
/// both together would: the value check alone then passes. Returns whether the value changed.
bool store_consistent_value(Json& r) {
  const Scm m = scm_from_json(nlohmann::json::parse(r["model"].dump()));
  const Rational v = solve(m, parse_query(r["formal_query"].get<std::string>(), m)).value;
  const bool changed = to_string(v) != r["value"]["fraction"].get<std::string>();
  r["value"]["fraction"] = to_string(v);
  r["value"]["decimal"] = to_decimal(v, 6);
  const std::string answer = r["answer"].get<std::string>();
  r["answer"] = answer == "yes" || answer == "no" ? parse_decision(r["decision"].get<std::string>()).answer(v) : to_string(v);
  return changed;
}

std::size_t mismatches_of(const AuditReport& r, const std::string& field) {
  const auto it = r.mismatched_fields.find(field);
  return it == r.mismatched_fields.end() ? 0 : it->second;
}

TEST(AuditStated, GeneratedRecordsAreComparedWithTheirText) {
  std::vector<Json> records;
  for (const char* preset : {"counterbench", "cladder", "ladder"}) {
    for (auto& r : generated(preset, 40)) records.push_back(std::move(r));
  }
  AuditOptions o;
  o.learners.enabled = false;
  const AuditReport r = audit_text(jsonl(records), o);
  EXPECT_EQ(r.checked, 120U);
  EXPECT_EQ(r.verified, 120U);
  EXPECT_EQ(r.stated_checked, 120U);
  EXPECT_EQ(r.stated_unchecked, 0U);
  const Json j = to_json(r);
  EXPECT_EQ(j["verification"]["stated_model"]["checked"], 120);
  EXPECT_EQ(j["verification"]["stated_model"]["not_checked"]["count"], 0);
  EXPECT_NE(to_text(r).find("stated model (given_info against model): 120 compared, 0 not checked"), std::string::npos);
}

// The heading says how the records were re-solved: discrete records by enumeration, linear ones
// by parallel worlds (issue #21 item 3); the JSON's `method` says the same.
TEST(AuditStated, VerificationHeadingNamesTheMethodsUsed) {
  AuditOptions o;
  o.learners.enabled = false;
  const std::vector<Json> discrete = generated("counterbench", 3);
  const std::vector<Json> linear = generated("linear", 3);
  std::vector<Json> both = discrete;
  both.insert(both.end(), linear.begin(), linear.end());
  const struct {
    const std::vector<Json>* records;
    const char* methods;
    std::size_t checked_linear;
  } cases[] = {{&discrete, "enumeration", 0}, {&linear, "linear: parallel worlds", 3},
               {&both, "enumeration; linear: parallel worlds", 3}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.methods);
    const AuditReport r = audit_text(jsonl(*c.records), o);
    EXPECT_EQ(r.verified, c.records->size());
    EXPECT_EQ(r.checked_linear, c.checked_linear);
    EXPECT_NE(to_text(r).find(fmt::format("\nRe-verification ({})\n", c.methods)), std::string::npos) << to_text(r);
    EXPECT_EQ(to_json(r)["verification"]["method"], c.methods);
  }
}

// The issue's reproducer: `model` and the stored value edited together. The value check passes
// such a record (its value is right for the edited model); the stated model does not.
TEST(AuditStated, ModelAndValueEditedTogetherFail) {
  AuditOptions o;
  o.learners.enabled = false;
  // cladder: one CPT number (an exogenous prior's two masses swapped), picked where the value moves.
  // The text states the model (--given model): in observed quantities, rounded to a whole percent,
  // a small edit may move no stated number (StatedModel.ObservedStatementsAre... tests that register).
  bool found = false;
  for (Json r : generated("cladder", 30, 2, "model")) {
    if (r["type"] == "backdoor_set" || r["query_type"] == "det_counterfactual") continue;
    auto& exo = r["model"]["exogenous"];
    for (std::size_t k = exo.size(); k-- > 0 && !found;) {
      Json t = r;
      auto& prior = t["model"]["exogenous"][k]["prior"];
      if (prior.size() < 2 || prior[0] == prior[1]) continue;
      std::swap(prior[0], prior[1]);
      if (!store_consistent_value(t)) continue;
      found = true;
      const AuditReport a = audit_text(jsonl({t}), o);
      EXPECT_EQ(a.mismatched, 1U);
      EXPECT_GE(mismatches_of(a, "given_info"), 1U);
      EXPECT_EQ(mismatches_of(a, "value"), 0U);  // what the audit checked before: it passed
      ASSERT_FALSE(a.mismatches.empty());
      EXPECT_EQ(a.mismatches[0].field, "given_info");
      EXPECT_NE(a.mismatches[0].stored.find("P("), std::string::npos) << a.mismatches[0].stored;
    }
    if (found) break;
  }
  EXPECT_TRUE(found);
}

/// The first record of `records` whose endogenous variable `pick(record)` can be negated
/// (`not (...)`) with the value moving, negated and re-solved; null if none.
Json negate_a_mechanism(std::vector<Json> records) {
  for (Json& r : records) {
    auto& endo = r["model"]["endogenous"];
    for (std::size_t k = endo.size(); k-- > 0;) {
      if (!endo[k]["mechanism"].is_string()) continue;  // a table
      const std::string m = endo[k]["mechanism"].get<std::string>();
      if (m.rfind("U_", 0) == 0 && m.find(' ') == std::string::npos) continue;  // a root
      Json t = r;
      t["model"]["endogenous"][k]["mechanism"] = "not (" + m + ")";
      if (store_consistent_value(t)) return t;
    }
  }
  return nullptr;
}

TEST(AuditStated, OneMechanismEditedFails) {
  AuditOptions o;
  o.learners.enabled = false;
  for (const char* preset : {"counterbench", "ladder"}) {
    const Json t = negate_a_mechanism(generated(preset, 10));
    ASSERT_FALSE(t.is_null()) << preset;
    const AuditReport a = audit_text(jsonl({t}), o);
    EXPECT_EQ(a.mismatched, 1U) << preset;
    EXPECT_EQ(mismatches_of(a, "value"), 0U) << preset;
    EXPECT_EQ(mismatches_of(a, "given_info"), 1U) << preset << to_text(a);
  }
}

TEST(AuditStated, OneArcAddedFails) {
  AuditOptions o;
  o.learners.enabled = false;
  bool found = false;
  for (Json r : generated("cladder", 10)) {
    if (r["query_type"] == "det_counterfactual") continue;
    // The last variable also reads the first (a root), with its function unchanged: an arc only.
    auto& endo = r["model"]["endogenous"];
    const std::string first = endo[0]["name"].get<std::string>();
    const std::string m = endo[endo.size() - 1]["mechanism"].get<std::string>();
    if (m.find(first + " ") != std::string::npos) continue;
    endo[endo.size() - 1]["mechanism"] = "(" + m + ") and (" + first + " or not " + first + ")";
    store_consistent_value(r);
    const AuditReport a = audit_text(jsonl({r}), o);
    ASSERT_EQ(a.mismatches.size(), 1U) << to_text(a);
    EXPECT_EQ(a.mismatches[0].stored, "no arc " + first + " -> " + endo[endo.size() - 1]["name"].get<std::string>());
    found = true;
    break;
  }
  EXPECT_TRUE(found);
}

TEST(AuditStated, TextEditedFails) {
  AuditOptions o;
  o.learners.enabled = false;
  std::vector<Json> records = generated("cladder", 10);
  std::size_t edited = 0;
  for (Json& r : records) {
    std::string text = r["given_info"].get<std::string>();
    const auto at = text.find("%.");
    if (at == std::string::npos || at == 0) continue;
    text[at - 1] = text[at - 1] == '1' ? '2' : '1';  // one stated percentage's last digit
    r["given_info"] = text;
    ++edited;
  }
  ASSERT_GT(edited, 0U);
  const AuditReport a = audit_text(jsonl(records), o);
  EXPECT_EQ(a.mismatched, edited);
  EXPECT_EQ(mismatches_of(a, "given_info"), edited);
  EXPECT_EQ(mismatches_of(a, "value"), 0U);
}

TEST(AuditStated, ForeignSchemasAreNotCompared) {
  const std::vector<Json> records = {
      cb_record("We know that X causes not Y. We observed that X occurred.", "Would Y occur if not X instead of X?", "yes"),
      cb_record("We know that X causes Y.", "Would Y occur if not X instead of X?", "no")};
  const AuditReport r = audit_text(jsonl(records));
  EXPECT_EQ(r.checked, 0U);
  EXPECT_EQ(r.stated_checked, 0U);
  EXPECT_EQ(r.stated_unchecked, 0U);
  EXPECT_EQ(r.mismatched, 0U);
  // A rung record not written by rung generate (an imported CLadder item states P(Y | X) and
  // other derived figures in the same words): re-solved, its text not compared.
  Json imported = generated("cladder", 1)[0];
  imported["meta"].erase("options");
  std::string text = imported["given_info"].get<std::string>();
  text.insert(0, "Zzz has a direct effect on Qqq. ");
  imported["given_info"] = text;
  AuditOptions o;
  o.learners.enabled = false;
  const AuditReport i = audit_text(jsonl({imported}), o);
  EXPECT_EQ(i.verified, 1U);
  EXPECT_EQ(i.stated_checked, 0U);
  ASSERT_EQ(i.stated_unchecked, 1U);
  EXPECT_EQ(i.stated_unchecked_list.at(0).message, "not written by rung generate (no meta.options.preset)");
}

// ---- several files audited together (issue #21 item 2) ------------------------------------------

/// `count` generated records with pairwise different structures (a repeat is skipped).
std::vector<Json> distinct_records(std::size_t count) {
  std::vector<Json> out;
  std::set<std::string> seen;
  for (auto& r : generated("counterbench", count * 2, 1)) {
    if (out.size() < count && seen.insert(r["structure"].get<std::string>()).second) out.push_back(std::move(r));
  }
  return out;
}

AuditReport audit_files(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::istringstream> streams;
  streams.reserve(files.size());
  std::vector<AuditInput> inputs;
  for (const auto& [name, text] : files) {
    streams.emplace_back(text);
    inputs.push_back({&streams.back(), name});
  }
  AuditOptions o = no_verify();
  o.learners.enabled = false;
  return audit_datasets(inputs, o);
}

TEST(AuditSplits, EachFileIsASplitNamedByItsStem) {
  EXPECT_EQ(split_of_file("data/train.jsonl"), "train");
  EXPECT_EQ(split_of_file("validation.jsonl.gz"), "validation");
  EXPECT_EQ(split_of_file("test"), "test");
  const std::vector<Json> records = distinct_records(12);
  ASSERT_EQ(records.size(), 12U);
  const std::vector<Json> train(records.begin(), records.begin() + 8);
  const std::vector<Json> test(records.begin() + 8, records.end());
  const AuditReport clean = audit_files({{"train.jsonl", jsonl(train)}, {"test.jsonl", jsonl(test)}});
  EXPECT_EQ(clean.records, 12U);
  EXPECT_EQ(clean.splits.with_split, 12U);
  EXPECT_EQ(clean.splits.records, (std::vector<std::pair<std::string, std::size_t>>{{"train", 8}, {"test", 4}}));
  EXPECT_EQ(clean.splits.shared_structures, 0U);
  EXPECT_EQ(clean.splits.leaked_records, 0U);
  EXPECT_NE(to_text(clean).find("structures in more than one split: 0 (0 records)"), std::string::npos) << to_text(clean);
  const Json files = to_json(clean)["files"];
  ASSERT_EQ(files.size(), 2U);
  EXPECT_EQ(files[1]["file"], "test.jsonl");
  EXPECT_EQ(files[1]["split"], "test");
  EXPECT_EQ(files[1]["entries"], 4);
}

TEST(AuditSplits, AStructureSharedAcrossFilesIsReportedWhereItIs) {
  const std::vector<Json> records = distinct_records(12);
  ASSERT_EQ(records.size(), 12U);
  std::vector<Json> train(records.begin(), records.begin() + 8);
  std::vector<Json> test(records.begin() + 8, records.end());
  Json copy = train[2];  // line 3 of train.jsonl, again as line 5 of test.jsonl under another id
  copy["id"] = "leaked";
  test.push_back(copy);
  const AuditReport r = audit_files({{"train.jsonl", jsonl(train)}, {"test.jsonl", jsonl(test)}});
  EXPECT_EQ(r.splits.shared_structures, 1U);
  EXPECT_EQ(r.splits.leaked_records, 2U);
  ASSERT_EQ(r.splits.shared.size(), 1U);
  const SplitOverlap& o = r.splits.shared[0];
  EXPECT_EQ(o.split, "test");
  EXPECT_EQ(o.first_split, "train");
  EXPECT_EQ(o.structure, train[2]["structure"].get<std::string>());
  EXPECT_EQ(locate(r, o.line), (std::pair<std::string, std::size_t>{"test.jsonl", 5}));
  EXPECT_EQ(locate(r, o.first_line), (std::pair<std::string, std::size_t>{"train.jsonl", 3}));
  const std::string text = to_text(r);
  EXPECT_NE(text.find(fmt::format("test.jsonl line 5 (id leaked) in test shares structure {} with train.jsonl line 3 (id {}) in train",
                                  o.structure, train[2]["id"].get<std::string>())),
            std::string::npos)
      << text;
  const Json listed = to_json(r)["splits"]["shared_structures"]["listed"][0];
  EXPECT_EQ(listed["file"], "test.jsonl");
  EXPECT_EQ(listed["line"], 5);
  EXPECT_EQ(listed["first_file"], "train.jsonl");
  EXPECT_EQ(listed["first_line"], 3);
  // The same structure twice in one file is a repeat, not a leak.
  const AuditReport one = audit_files({{"train.jsonl", jsonl(train)}, {"test.jsonl", jsonl({test[0], test[0]})}});
  EXPECT_EQ(one.splits.shared_structures, 0U);
  EXPECT_EQ(one.unexpected_repeats, 1U);
}

TEST(AuditSplits, RecordsWithoutAStructureAreComparedByTheirTextUpToTheNames) {
  // CounterBench-style records (no structure): a name variant of a train record in test leaks.
  const Json a = cb_record("We know that Ab causes Cd.", "Would Cd occur if not Ab?", "no");
  const Json b = cb_record("We know that Ab causes Cd.", "Would Ab occur if not Cd?", "yes");
  Json variant = cb_record("We know that Ef causes Gh.", "Would Gh occur if not Ef?", "no");
  variant["question_id"] = 7;
  const AuditReport r = audit_files({{"train.jsonl", jsonl({a, b})}, {"test.jsonl", jsonl({variant})}});
  EXPECT_EQ(r.splits.shared_structures, 1U);
  EXPECT_EQ(r.splits.leaked_records, 2U);
  ASSERT_EQ(r.splits.shared.size(), 1U);
  EXPECT_TRUE(r.splits.shared[0].by_text);
  EXPECT_NE(to_text(r).find("test.jsonl line 1 (id 7) in test shares its text up to the names with train.jsonl line 1"), std::string::npos)
      << to_text(r);
  EXPECT_EQ(to_json(r)["splits"]["shared_structures"]["listed"][0]["by_text"], true);
  // The other question about the same words is another text: no leak.
  const AuditReport clean = audit_files({{"train.jsonl", jsonl({a})}, {"test.jsonl", jsonl({b})}});
  EXPECT_EQ(clean.splits.shared_structures, 0U);
}

TEST(AuditSplits, ARecordsOwnSplitFieldWins) {
  const std::vector<Json> records = distinct_records(6);
  ASSERT_EQ(records.size(), 6U);
  std::vector<Json> a(records.begin(), records.begin() + 3);
  std::vector<Json> b(records.begin() + 3, records.end());
  for (auto& r : a) r["split"] = "train";
  b[0]["split"] = "train";  // declared train although it sits in the other file
  b.push_back(a[0]);        // a train record (own field) in the other file: no leak
  const AuditReport r = audit_files({{"part1.jsonl", jsonl(a)}, {"part2.jsonl", jsonl(b)}});
  EXPECT_EQ(r.splits.records, (std::vector<std::pair<std::string, std::size_t>>{{"train", 5}, {"part2", 2}}));
  EXPECT_EQ(r.splits.shared_structures, 0U);
}

TEST(AuditSplits, OneFileWithoutSplitFieldsHasNoSplits) {
  const AuditReport r = audit_files({{"all.jsonl", jsonl(distinct_records(4))}});
  EXPECT_EQ(r.splits.with_split, 0U);
  EXPECT_EQ(to_text(r).find("\nSplits"), std::string::npos);
  EXPECT_FALSE(to_json(r).contains("files"));
  EXPECT_EQ(locate(r, 3), (std::pair<std::string, std::size_t>{"", 3}));
}

TEST(AuditSplits, MalformedLinesAreLocatedInTheirFile) {
  const AuditReport r = audit_files({{"a.jsonl", jsonl(distinct_records(2))}, {"b.jsonl", "\n{nope\n"}});
  EXPECT_EQ(r.malformed_count, 1U);
  EXPECT_NE(to_text(r).find("  b.jsonl line 2: invalid JSON"), std::string::npos) << to_text(r);
  EXPECT_EQ(to_json(r)["malformed"]["listed"][0]["file"], "b.jsonl");
}

}  // namespace
}  // namespace rung
