#include "rung/check/checker.hpp"

#include "rung/cli/app.hpp"
#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/options.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rung {
namespace {

using Json = rung::ordered_json;

GoldItem yes_no_item(const std::string& answer = "yes") {
  GoldItem item;
  item.id = "q1";
  item.kind = AnswerKind::yes_no;
  item.answer = answer;
  item.distractors = {{"no_abduction", "undetermined", std::nullopt},
                      {"conditioning", "no", std::nullopt},
                      {"factual", "yes", std::nullopt},
                      {"nested_literal", std::nullopt, std::nullopt}};
  return item;
}

GoldItem numeric_item() {
  GoldItem item;
  item.id = "n1";
  item.kind = AnswerKind::numeric;
  item.answer = "7/20";
  item.value = Rational(7, 20);
  item.distractors = {{"no_abduction", "1/2", Rational(1, 2)}, {"conditioning", "7/10", Rational(7, 10)}};
  return item;
}

// ---- Wilson intervals: against values computed by hand ----------------------------------------------

TEST(CheckerWilson, HandComputedValues) {
  // 8 of 10: centre (0.8 + 1.92073/10) / 1.384146 = 0.716743, half 0.226577
  Interval i = wilson_interval(8, 10);
  EXPECT_NEAR(i.low, 0.490167, 1e-5);
  EXPECT_NEAR(i.high, 0.943319, 1e-5);
  // 50 of 100
  i = wilson_interval(50, 100);
  EXPECT_NEAR(i.low, 0.403832, 1e-5);
  EXPECT_NEAR(i.high, 0.596168, 1e-5);
  // 0 of 10: [0, z^2 / (n + z^2)] = [0, 3.841459 / 13.841459]
  i = wilson_interval(0, 10);
  EXPECT_NEAR(i.low, 0.0, 1e-12);
  EXPECT_NEAR(i.high, 0.277530, 1e-5);
  // 10 of 10: [n / (n + z^2), 1]
  i = wilson_interval(10, 10);
  EXPECT_NEAR(i.low, 0.722470, 1e-5);
  EXPECT_NEAR(i.high, 1.0, 1e-12);
  // 1 of 1: [1 / (1 + z^2), 1] = [0.206543, 1]
  i = wilson_interval(1, 1);
  EXPECT_NEAR(i.low, 0.206543, 1e-5);
  i = wilson_interval(0, 0);
  EXPECT_EQ(i.low, 0.0);
  EXPECT_EQ(i.high, 0.0);
}

TEST(CheckerWilson, OfAShareAsOfItsCounts) {
  // A mean over repetitions (e.g. 8.0 of 10): the interval of the same share of the same trials.
  const Interval a = wilson_interval_of_share(0.8, 10);
  EXPECT_NEAR(a.low, 0.490167, 1e-5);
  EXPECT_NEAR(a.high, 0.943319, 1e-5);
  const Interval b = wilson_interval(8, 10);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  // 0.55 of 100 (55.0 of 100 on average): centre (0.55 + 0.019207) / 1.038415, the
  // half-width 1.96 * sqrt(0.55 * 0.45 / 100 + 0.000096) / 1.038415.
  const Interval c = wilson_interval_of_share(0.55, 100);
  EXPECT_NEAR(c.low, 0.452446, 1e-5);
  EXPECT_NEAR(c.high, 0.643855, 1e-5);
  const Interval none = wilson_interval_of_share(0.5, 0);
  EXPECT_EQ(none.low, 0.0);
  EXPECT_EQ(none.high, 0.0);
}

TEST(CheckerWilson, ScoreCountsUnansweredAsNotCorrect) {
  Score s;
  for (int k = 0; k < 8; ++k) s.add(Outcome::correct);
  s.add(Outcome::wrong);
  s.add(Outcome::unanswered);
  EXPECT_EQ(s.items, 10U);
  EXPECT_DOUBLE_EQ(s.accuracy(), 0.8);
  EXPECT_NEAR(s.interval().low, 0.490167, 1e-5);
}

// ---- verdicts --------------------------------------------------------------------------------------

TEST(CheckerVerdict, YesNo) {
  const Checker checker;
  Verdict v = checker.check(yes_no_item("yes"), "Let's see. Smelm occurs... so the final answer is yes.");
  EXPECT_EQ(v.outcome, Outcome::correct);
  EXPECT_TRUE(v.exact);
  EXPECT_EQ(v.extracted.commitment, Commitment::yes);

  v = checker.check(yes_no_item("yes"), "No, it would not.");
  EXPECT_EQ(v.outcome, Outcome::wrong);
  EXPECT_EQ(v.matched, std::vector<std::string>{"conditioning"});

  v = checker.check(yes_no_item("no"), "**Yes**");
  EXPECT_EQ(v.outcome, Outcome::wrong);
  EXPECT_EQ(v.matched, std::vector<std::string>{"factual"});

  v = checker.check(yes_no_item("yes"), "Maybe.");
  EXPECT_EQ(v.outcome, Outcome::unanswered);
  EXPECT_TRUE(v.matched.empty());

  // "cannot be determined" is unanswered, and is what the no-abduction procedure says.
  v = checker.check(yes_no_item("yes"), "It cannot be determined.");
  EXPECT_EQ(v.outcome, Outcome::unanswered);
  EXPECT_EQ(v.matched, std::vector<std::string>{"no_abduction"});
  // ... and correct when the gold answer is undetermined (probability exactly 1/2).
  EXPECT_EQ(checker.check(yes_no_item("undetermined"), "It cannot be determined.").outcome, Outcome::correct);
  EXPECT_EQ(checker.check(yes_no_item("undetermined"), "Yes.").outcome, Outcome::wrong);
}

TEST(CheckerVerdict, NumericToleranceAndDistractors) {
  const Checker checker;  // tolerance 1/200
  Verdict v = checker.check(numeric_item(), "P = 0.35");
  EXPECT_EQ(v.outcome, Outcome::correct);
  EXPECT_TRUE(v.exact);
  v = checker.check(numeric_item(), "approximately 0.353");
  EXPECT_EQ(v.outcome, Outcome::correct);
  EXPECT_FALSE(v.exact);
  v = checker.check(numeric_item(), "0.355");  // exactly at the tolerance: correct
  EXPECT_EQ(v.outcome, Outcome::correct);
  v = checker.check(numeric_item(), "0.3551");
  EXPECT_EQ(v.outcome, Outcome::wrong);
  EXPECT_TRUE(v.matched.empty());
  v = checker.check(numeric_item(), "The answer is 1/2.");
  EXPECT_EQ(v.outcome, Outcome::wrong);
  EXPECT_EQ(v.matched, std::vector<std::string>{"no_abduction"});
  v = checker.check(numeric_item(), "about 70%");
  EXPECT_EQ(v.matched, std::vector<std::string>{"conditioning"});
  EXPECT_EQ(checker.check(numeric_item(), "Yes.").outcome, Outcome::unanswered);

  // A question that asks for a number whose gold answer is undetermined: "cannot be decided" is
  // correct, a number is wrong and may be a procedure's value (reading the hidden causes away).
  GoldItem undetermined = numeric_item();
  undetermined.answer = "undetermined";
  undetermined.value.reset();
  undetermined.distractors.push_back({"assume_identifiable", "1/5", Rational(1, 5)});
  EXPECT_EQ(checker.check(undetermined, "It cannot be determined from the data.").outcome, Outcome::correct);
  v = checker.check(undetermined, "The answer is 0.2.");
  EXPECT_EQ(v.outcome, Outcome::wrong);
  EXPECT_EQ(v.matched, std::vector<std::string>{"assume_identifiable"});
  EXPECT_EQ(checker.check(undetermined, "7/20").outcome, Outcome::wrong);

  const Checker exact({.tolerance = Rational(0)});
  EXPECT_EQ(exact.check(numeric_item(), "0.353").outcome, Outcome::wrong);
  EXPECT_EQ(exact.check(numeric_item(), "7/20 ≈ 0.35").outcome, Outcome::correct);
  EXPECT_EQ(exact.check(numeric_item(), "35%").outcome, Outcome::correct);
  EXPECT_THROW(Checker({.tolerance = Rational(-1, 10)}), UsageError);
}

TEST(CheckerVerdict, IntervalEndsWithinToleranceAndPointDistractors) {
  const GoldItem item = gold_item(Json::parse(R"({"id": "b1", "answer": "[-3/10, 9/20]",
      "value": {"fraction": "1/10", "decimal": "0.1"},
      "distractors": {"assume_identifiable": {"answer": "1/4", "value": {"fraction": "1/4", "decimal": "0.25"}},
                      "natural_bounds": {"answer": "[-2/5, 3/5]"}}})"));
  EXPECT_EQ(item.kind, AnswerKind::interval);
  EXPECT_EQ(item.answer, "[-3/10, 9/20]");
  EXPECT_EQ(*item.value, Rational(-3, 10));
  EXPECT_EQ(*item.upper, Rational(9, 20));
  ASSERT_EQ(item.distractors.size(), 2U);
  EXPECT_EQ(*item.distractors[0].value, Rational(1, 4));
  EXPECT_FALSE(item.distractors[0].upper);
  EXPECT_EQ(*item.distractors[1].upper, Rational(3, 5));

  const Checker checker;  // tolerance 1/200, on each end
  Verdict v = checker.check(item, "Final answer: [-0.3, 0.45]");
  EXPECT_EQ(v.outcome, Outcome::correct);
  EXPECT_TRUE(v.exact);
  v = checker.check(item, "between -0.304 and 0.45");
  EXPECT_EQ(v.outcome, Outcome::correct);
  EXPECT_FALSE(v.exact);
  v = checker.check(item, "[-0.3, 0.46]");  // one end off
  EXPECT_EQ(v.outcome, Outcome::wrong);
  EXPECT_TRUE(v.matched.empty());
  v = checker.check(item, "The ATE is 0.25.");  // a point where an interval is asked
  EXPECT_EQ(v.outcome, Outcome::wrong);
  EXPECT_EQ(v.matched, std::vector<std::string>{"assume_identifiable"});
  v = checker.check(item, "The answer is [-0.4, 0.6].");
  EXPECT_EQ(v.matched, std::vector<std::string>{"natural_bounds"});
  EXPECT_EQ(checker.check(item, "It cannot be determined.").outcome, Outcome::unanswered);
  // An interval answer is well formed or refused: ends out of order, or not numbers.
  EXPECT_THROW((void)gold_item(Json::parse(R"({"id": "x", "answer": "[1/2, 1/4]"})")), Error);
  EXPECT_THROW((void)gold_item(Json::parse(R"({"id": "x", "answer": "[a, 1]"})")), Error);
  EXPECT_EQ(gold_item(Json::parse(R"({"id": "x", "answer": "[0.5,0.75]"})")).answer, "[1/2, 3/4]");
}

// ---- reading records and responses -----------------------------------------------------------------

TEST(CheckerGoldItem, ReadsRungAndCounterBenchRecords) {
  const Json rung_record =
      Json::parse(R"({"id": "a-1", "answer": "7/20", "value": {"fraction": "7/20", "decimal": "0.35"},
      "type": "basic", "rung": 2, "query_type": "ate", "difficulty": {"level": 3},
      "distractors": {"no_abduction": {"answer": "1/2", "value": {"fraction": "1/2", "decimal": "0.5"}},
                      "conditioning": {"answer": null, "note": "zero-probability evidence"}}})");
  const GoldItem g = gold_item(rung_record);
  EXPECT_EQ(g.id, "a-1");
  EXPECT_EQ(g.kind, AnswerKind::numeric);
  EXPECT_EQ(*g.value, Rational(7, 20));
  ASSERT_EQ(g.distractors.size(), 2U);
  EXPECT_EQ(*g.distractors[0].value, Rational(1, 2));
  EXPECT_FALSE(g.distractors[1].answer);
  const std::vector<std::pair<std::string, std::string>> groups{
      {"type", "basic"}, {"rung", "2"}, {"query_type", "ate"}, {"difficulty.level", "3"}};
  EXPECT_EQ(g.groups, groups);

  // An undetermined answer to a question that asks for a number (no decision, meta.answer_kind
  // "fraction") is a numeric item without a value; with a decision it is a yes/no one.
  const GoldItem u = gold_item(Json::parse(R"({"id": "u", "answer": "undetermined", "meta": {"answer_kind": "fraction"}})"));
  EXPECT_EQ(u.kind, AnswerKind::numeric);
  EXPECT_FALSE(u.value);
  EXPECT_EQ(gold_item(Json::parse(R"({"id": "u", "answer": "undetermined", "decision": "value > 0", "meta": {"answer_kind": "fraction"}})")).kind,
            AnswerKind::yes_no);

  const GoldItem cb = gold_item(Json::parse(
      R"({"question_id": 7, "given_info": "...", "question": "...", "answer": "Yes", "meta": {"rung": 3, "query_type": "det-counterfactual"}})"));
  EXPECT_EQ(cb.id, "7");
  EXPECT_EQ(cb.answer, "yes");
  EXPECT_EQ(cb.kind, AnswerKind::yes_no);
  EXPECT_EQ(cb.groups.size(), 2U);

  EXPECT_EQ(gold_item(Json::parse(R"({"id": "x", "answer": "0.75"})")).answer, "3/4");
  EXPECT_THROW((void)gold_item(Json::parse(R"({"answer": "yes"})")), Error);
  EXPECT_THROW((void)gold_item(Json::parse(R"({"id": "x"})")), Error);
  EXPECT_THROW((void)gold_item(Json::parse(R"({"id": "x", "answer": "maybe"})")), Error);
  EXPECT_THROW((void)gold_item(Json::parse(R"([1, 2])")), Error);
}

TEST(CheckerResponses, HarnessFieldNames) {
  auto text = [](const char* entry) { return response_text(Json::parse(entry)); };
  auto id = [](const char* entry) { return response_id(Json::parse(entry)); };
  EXPECT_EQ(text(R"({"id": "a", "response": "Yes."})"), "Yes.");
  EXPECT_EQ(text(R"({"id": "a", "output": "No"})"), "No");
  EXPECT_EQ(text(R"({"id": "a", "completion": "No"})"), "No");
  EXPECT_EQ(text(R"({"id": "a", "prediction": "No"})"), "No");
  EXPECT_EQ(text(R"({"id": "a", "response": null, "error": {"message": "rate limited"}})"), "");
  // OpenAI Batch API output
  EXPECT_EQ(
      text(
          R"({"custom_id": "a", "response": {"status_code": 200, "body": {"choices": [{"message": {"role": "assistant", "content": "Answer: no"}}]}}})"),
      "Answer: no");
  EXPECT_EQ(id(R"({"custom_id": "a", "response": {"body": {}}})"), "a");
  // Anthropic Message Batches results
  EXPECT_EQ(
      text(
          R"({"custom_id": "a", "result": {"type": "succeeded", "message": {"content": [{"type": "thinking", "thinking": "hmm"}, {"type": "text", "text": "Yes."}]}}})"),
      "Yes.");
  EXPECT_EQ(text(R"({"custom_id": "a", "result": {"type": "errored", "error": {}}})"), "");
  // lm-eval-harness --log_samples
  EXPECT_EQ(text(R"({"doc_id": 0, "doc": {"id": "cb-1"}, "resps": [["raw"]], "filtered_resps": ["No"]})"), "No");
  EXPECT_EQ(id(R"({"doc_id": 0, "doc": {"id": "cb-1"}, "filtered_resps": ["No"]})"), "cb-1");
  // chat and completion objects
  EXPECT_EQ(text(R"({"id": "a", "choices": [{"message": {"content": "Yes"}}]})"), "Yes");
  EXPECT_EQ(text(R"({"id": "a", "choices": [{"text": "No"}]})"), "No");
  EXPECT_EQ(text(R"({"id": "a", "content": [{"type": "text", "text": "No"}]})"), "No");
  EXPECT_EQ(text(R"({"id": "a", "outputs": [{"text": "No"}]})"), "No");
  EXPECT_EQ(id(R"({"question_id": 12, "response": "No"})"), "12");
  EXPECT_FALSE(text(R"({"id": "a", "score": 1})"));
  EXPECT_FALSE(id(R"({"response": "No"})"));
}

// ---- whole files -------------------------------------------------------------------------------------

std::string yes_no_record(const std::string& id, const std::string& answer, const std::string& type,
                          const std::string& no_abduction) {
  Json r;
  r["id"] = id;
  r["answer"] = answer;
  r["type"] = type;
  r["rung"] = 3;
  r["distractors"] = {{"no_abduction", {{"answer", no_abduction}}}};
  return r.dump();
}

TEST(CheckerFiles, ReportsMalformedMissingUnknownAndRepeated) {
  std::istringstream dataset(yes_no_record("a", "yes", "basic", "no") + "\n" +   // line 1
                             "{\"id\": \"b\", \"answer\": \"maybe\"}\n" +        // line 2: bad answer
                             yes_no_record("c", "no", "joint", "yes") + "\n" +   // line 3
                             "\n" +                                              // line 4: blank
                             yes_no_record("d", "yes", "joint", "yes") + "\n" +  // line 5: no response
                             yes_no_record("a", "no", "basic", "no") + "\n");    // line 6: repeated id
  std::istringstream responses(
      "{\"id\": \"a\", \"response\": \"No.\"}\n"         // wrong, = no_abduction
      "not json at all\n"                                // line 2
      "{\"id\": \"c\", \"response\": \"Answer: no\"}\n"  // correct
      "{\"id\": \"zz\", \"response\": \"Yes\"}\n"        // line 4: unknown id
      "{\"id\": \"c\", \"response\": \"Yes\"}\n"         // line 5: repeated id
      "{\"response\": \"Yes\"}\n"                        // line 6: no id
      "[1]\n");                                          // line 7: not an object
  const CheckReport r = check_responses(dataset, responses, {.dataset_file = "d.jsonl", .responses_file = "r.jsonl"});
  EXPECT_EQ(r.records, 4U);  // a, c, d, and the repeated a
  EXPECT_EQ(r.all.items, 2U);
  EXPECT_EQ(r.all.correct, 1U);
  EXPECT_EQ(r.all.wrong, 1U);
  ASSERT_EQ(r.malformed_count, 4U);
  EXPECT_EQ(r.malformed[0].file, "d.jsonl");
  EXPECT_EQ(r.malformed[0].line, 2U);
  EXPECT_NE(r.malformed[0].message.find("maybe"), std::string::npos);
  EXPECT_EQ(r.malformed[1].file, "r.jsonl");
  EXPECT_EQ(r.malformed[1].line, 2U);
  EXPECT_EQ(r.malformed[2].line, 6U);
  EXPECT_EQ(r.malformed[3].line, 7U);
  ASSERT_EQ(r.missing_count, 1U);
  EXPECT_EQ(r.missing[0].id, "d");
  EXPECT_EQ(r.missing[0].line, 5U);
  ASSERT_EQ(r.unknown_count, 1U);
  EXPECT_EQ(r.unknown[0].id, "zz");
  EXPECT_EQ(r.unknown[0].line, 4U);
  ASSERT_EQ(r.duplicate_count, 2U);
  EXPECT_EQ(r.duplicates[0].line, 6U);  // the dataset's repeated a
  EXPECT_EQ(r.duplicates[1].line, 5U);  // the responses' repeated c
  ASSERT_EQ(r.mistakes.size(), 1U);
  EXPECT_EQ(r.mistakes[0].procedure, "no_abduction");
  EXPECT_EQ(r.mistakes[0].matched, 1U);
  EXPECT_EQ(r.mistakes[0].traps, 2U);  // a (no vs yes) and c (yes vs no)
  EXPECT_EQ(r.mistakes[0].fell, 1U);
  // Groups: type in natural order; rung.
  ASSERT_EQ(r.groups.size(), 2U);
  EXPECT_EQ(r.groups[0].field, "type");
  ASSERT_EQ(r.groups[0].values.size(), 2U);
  EXPECT_EQ(r.groups[0].values[0].first, "basic");
  EXPECT_EQ(r.groups[0].values[0].second.wrong, 1U);
  EXPECT_EQ(r.groups[0].values[1].first, "joint");
  EXPECT_EQ(r.groups[0].values[1].second.correct, 1U);

  const std::string text = to_text(r);
  EXPECT_NE(text.find("r.jsonl:2: invalid JSON"), std::string::npos) << text;
  EXPECT_NE(text.find("d.jsonl:5: id d: no response"), std::string::npos) << text;
  EXPECT_NE(text.find("100.0% of the wrong answers equal the no_abduction answer"), std::string::npos) << text;
  const Json j = to_json(r);
  EXPECT_EQ(j["malformed"]["count"], 4);
  EXPECT_EQ(j["items"].size(), 2U);
  EXPECT_EQ(j["items"][0]["matched"][0], "no_abduction");
}

TEST(CheckerFiles, JsonArraysAndGroupsWithoutTheField) {
  std::istringstream dataset(R"([{"id": "1", "answer": "yes", "type": "basic"},
                                 {"id": "2", "answer": "1/4"}])");
  std::istringstream responses(R"([{"id": "1", "response": "yes"}, {"id": "2", "response": "25%"}])");
  const CheckReport r = check_responses(dataset, responses);
  EXPECT_EQ(r.all.items, 2U);
  EXPECT_EQ(r.all.correct, 2U);
  EXPECT_EQ(r.numeric_items, 1U);
  EXPECT_EQ(r.exact, 1U);
  ASSERT_EQ(r.groups.size(), 1U);
  ASSERT_EQ(r.groups[0].values.size(), 2U);
  EXPECT_EQ(r.groups[0].values[1].first, "(none)");
  EXPECT_EQ(r.groups[0].values[1].second.items, 1U);

  std::istringstream broken("[{\"id\": \"1\", \"answer\": \"yes\"},\n");
  std::istringstream none("");
  const CheckReport b = check_responses(broken, none);
  EXPECT_EQ(b.malformed_count, 1U);
  EXPECT_EQ(b.malformed[0].line, 1U);
}

TEST(CheckerFiles, NumericDistractorIsDiagnosed) {
  auto record = [](const std::string& id, const std::string& answer, const std::string& no_abduction,
                   const std::string& conditioning) {
    Json r;
    r["id"] = id;
    r["answer"] = answer;
    r["value"] = {{"fraction", answer}};
    r["type"] = "basic";
    r["distractors"] = {{"no_abduction", {{"answer", no_abduction}, {"value", {{"fraction", no_abduction}}}}},
                        {"conditioning", {{"answer", conditioning}, {"value", {{"fraction", conditioning}}}}}};
    return r.dump() + "\n";
  };
  std::istringstream dataset(record("1", "7/20", "1/2", "7/20") + record("2", "1/3", "2/3", "1/4") +
                             record("3", "0", "1/4", "1/4") + record("4", "3/4", "3/4", "1/2"));
  std::istringstream responses(
      "{\"id\": \"1\", \"response\": \"P = 0.5 * 1 = 0.5\"}\n"
      "{\"id\": \"2\", \"response\": \"The answer is \\\\frac{2}{3}.\"}\n"
      "{\"id\": \"3\", \"response\": \"about 25%\"}\n"
      "{\"id\": \"4\", \"response\": \"**Answer:** 0.75\"}\n");
  const CheckReport r = check_responses(dataset, responses);
  EXPECT_EQ(r.numeric_items, 4U);
  EXPECT_EQ(r.all.correct, 1U);
  EXPECT_EQ(r.exact, 1U);
  EXPECT_EQ(r.all.wrong, 3U);
  ASSERT_EQ(r.mistakes.size(), 2U);
  EXPECT_EQ(r.mistakes[0].procedure, "no_abduction");
  EXPECT_EQ(r.mistakes[0].matched, 3U);
  EXPECT_EQ(r.mistakes[0].traps, 3U);  // item 4: no_abduction gives the gold value
  EXPECT_EQ(r.mistakes[0].fell, 3U);
  EXPECT_EQ(r.mistakes[1].procedure, "conditioning");
  EXPECT_EQ(r.mistakes[1].matched, 1U);  // item 3: 1/4 is both procedures' answer
  EXPECT_EQ(r.mistakes[1].traps, 3U);
  EXPECT_EQ(r.wrong_unmatched, 0U);
  EXPECT_NE(to_text(r).find("100.0% of the wrong answers equal the no_abduction answer"), std::string::npos);
}

// ---- end to end on generated items --------------------------------------------------------------------

struct Generated {
  std::string dataset;
  std::vector<Json> records;
};

Generated generate(int count) {
  Generator gen(preset_options("counterbench"));
  Generated g;
  for (int i = 0; i < count; ++i) {
    g.records.push_back(gen.record(static_cast<std::uint64_t>(i)));
    g.dataset += g.records.back().dump() + "\n";
  }
  return g;
}

TEST(CheckerEndToEnd, GoldAnswersScoreFullMarksAndADistractorIsDiagnosed) {
  const Generated g = generate(48);
  // Gold answers, written the ways models write them.
  const std::vector<std::string> styles = {"{}", "The answer is {}.", "**Final answer:** {}", "Let me think... so, {}.",
                                           "\\boxed{{\\text{{{}}}}}"};
  std::string gold;
  std::string factual;
  std::size_t factual_differs = 0;       // a yes/no answer other than the gold one
  std::size_t factual_undetermined = 0;  // value exactly 1/2: "undetermined" is unanswered
  for (std::size_t i = 0; i < g.records.size(); ++i) {
    const Json& r = g.records[i];
    const std::string answer = r["answer"].get<std::string>();
    gold +=
        Json{{"id", r["id"]}, {"response", fmt::format(fmt::runtime(styles[i % styles.size()]), answer)}}.dump() + "\n";
    const Json& d = r["distractors"]["factual"]["answer"];
    ASSERT_TRUE(d.is_string());
    factual += Json{{"id", r["id"]},
                    {"response", fmt::format("Reasoning... Therefore the answer is {}.", d.get<std::string>())}}
                   .dump() +
               "\n";
    if (d.get<std::string>() == "undetermined") ++factual_undetermined;
    else if (d.get<std::string>() != answer) ++factual_differs;
  }
  {
    std::istringstream dataset(g.dataset);
    std::istringstream responses(gold);
    const CheckReport r = check_responses(dataset, responses);
    EXPECT_EQ(r.all.items, 48U);
    EXPECT_EQ(r.all.correct, 48U);
    EXPECT_EQ(r.all.accuracy(), 1.0);
    EXPECT_EQ(r.malformed_count + r.missing_count + r.unknown_count + r.duplicate_count, 0U);
    for (const auto& group : r.groups) {
      for (const auto& [value, s] : group.values) EXPECT_EQ(s.correct, s.items) << group.field << " = " << value;
    }
  }
  {
    std::istringstream dataset(g.dataset);
    std::istringstream responses(factual);
    const CheckReport r = check_responses(dataset, responses);
    ASSERT_GT(factual_differs, 0U);
    EXPECT_EQ(r.all.wrong, factual_differs);
    EXPECT_EQ(r.all.unanswered, factual_undetermined);
    EXPECT_EQ(r.all.correct, 48U - factual_differs - factual_undetermined);
    for (const auto& item : r.items) {
      if (item.verdict.outcome != Outcome::wrong) continue;
      EXPECT_NE(std::find(item.verdict.matched.begin(), item.verdict.matched.end(), "factual"),
                item.verdict.matched.end())
          << item.id;
    }
    auto row =
        std::find_if(r.mistakes.begin(), r.mistakes.end(), [](const Mistake& m) { return m.procedure == "factual"; });
    ASSERT_NE(row, r.mistakes.end());
    EXPECT_EQ(row->matched, factual_differs);
    EXPECT_EQ(row->traps, factual_differs);
    EXPECT_EQ(row->fell, factual_differs);
    EXPECT_NE(to_text(r).find("100.0% of the wrong answers equal the"), std::string::npos);
  }
}

// ---- the command line -----------------------------------------------------------------------------

struct Files {
  std::filesystem::path dir;
  explicit Files(const std::string& name) : dir(std::filesystem::temp_directory_path() / ("rung_check_test_" + name)) {
    std::filesystem::create_directories(dir);
  }
  ~Files() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  Files(const Files&) = delete;
  Files& operator=(const Files&) = delete;
  std::string write(const std::string& name, const std::string& content) const {
    const auto path = dir / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
};

TEST(CheckCli, ExitStatusesAndOutput) {
  const Files files("cli");
  const Generated g = generate(8);
  std::string responses;
  for (const auto& r : g.records) responses += Json{{"id", r["id"]}, {"response", "Yes."}}.dump() + "\n";
  const std::string data = files.write("cb.jsonl", g.dataset);
  const std::string resp = files.write("responses.jsonl", responses);

  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(cli::run({"rung", "check", data, resp}, out, err), 0) << err.str();
  EXPECT_NE(out.str().find("Accuracy (unanswered counts as not correct; 95% Wilson score interval)"),
            std::string::npos);
  EXPECT_NE(out.str().find("type = basic"), std::string::npos);
  EXPECT_NE(out.str().find("Mistakes:"), std::string::npos);

  std::ostringstream jout;
  EXPECT_EQ(cli::run({"rung", "check", data, resp, "--json"}, jout, err), 0);
  const Json j = Json::parse(jout.str());
  EXPECT_EQ(j["scored"], 8);
  EXPECT_EQ(j["items"].size(), 8U);

  // A malformed line: reported with its line number, the rest scored, exit 1.
  const std::string bad = files.write("bad.jsonl", responses + "{\"id\": \n");
  std::ostringstream bout;
  EXPECT_EQ(cli::run({"rung", "check", data, bad}, bout, err), 1);
  EXPECT_NE(bout.str().find("bad.jsonl:9: invalid JSON"), std::string::npos) << bout.str();
  EXPECT_NE(bout.str().find("8 scored"), std::string::npos);

  // Missing responses: reported; an error only with --require-all.
  const std::string half = files.write("half.jsonl", responses.substr(0, responses.find('\n') + 1));
  std::ostringstream hout;
  EXPECT_EQ(cli::run({"rung", "check", data, half}, hout, err), 0);
  EXPECT_NE(hout.str().find("7 records without a response"), std::string::npos);
  EXPECT_EQ(cli::run({"rung", "check", data, half, "--require-all"}, hout, err), 1);

  const std::string out_file = (files.dir / "report.txt").string();
  std::ostringstream quiet;
  EXPECT_EQ(cli::run({"rung", "check", data, resp, "-o", out_file}, quiet, err), 0);
  EXPECT_TRUE(quiet.str().empty());
  EXPECT_TRUE(std::filesystem::exists(out_file));

  std::ostringstream e2;
  EXPECT_EQ(cli::run({"rung", "check", data, resp, "--tolerance", "-1"}, out, e2), 2);
  EXPECT_EQ(cli::run({"rung", "check", data, resp, "--tolerance", "abc"}, out, e2), 2);
  EXPECT_EQ(cli::run({"rung", "check", data}, out, e2), 2);
  std::ostringstream e1;
  EXPECT_EQ(cli::run({"rung", "check", data, (files.dir / "nope.jsonl").string()}, out, e1), 1);
  EXPECT_NE(e1.str().find("cannot open"), std::string::npos);
}

TEST(CheckerResponses, AWronglyShapedApiResponseIsMalformedNotUnanswered) {
  // Issue #15, item 17: a field of the wrong type where an API format puts the text is named.
  auto problem = [](const char* entry) { return response_shape_problem(Json::parse(entry)); };
  EXPECT_EQ(problem(R"({"custom_id": "a", "response": {"body": {"choices": "yes"}}})"),
            "response.body.choices is a string; expected a list of choices");
  EXPECT_EQ(problem(R"({"custom_id": "a", "response": {"body": {"choices": [{"message": {"content": 5}}]}}})"),
            "response.body.choices[0].message.content is a number; expected a string or a list of text blocks");
  EXPECT_EQ(problem(R"({"id": "a", "choices": [{"message": "yes"}]})"), "choices[0].message is a string; expected an object");
  EXPECT_EQ(problem(R"({"id": "a", "choices": [{"text": 1}]})"), "choices[0].text is a number; expected a string");
  EXPECT_EQ(problem(R"({"id": "a", "content": 5})"), "content is a number; expected a string or a list of text blocks");
  EXPECT_EQ(problem(R"({"id": "a", "content": [{"type": "text", "text": 3}]})"), "content[0].text is a number; expected a string");
  EXPECT_EQ(problem(R"({"custom_id": "a", "result": {"message": {"content": true}}})"),
            "result.message.content is a boolean; expected a string or a list of text blocks");
  EXPECT_EQ(problem(R"({"custom_id": "a", "response": {"body": 7}})"), "response.body is a number; expected an object");
  // Sound shapes, including failed requests (unanswered, not malformed).
  EXPECT_FALSE(problem(R"({"custom_id": "a", "response": {"body": {"choices": [{"message": {"content": "No"}}]}}})"));
  EXPECT_FALSE(problem(R"({"custom_id": "a", "response": null, "error": {"message": "rate limited"}})"));
  EXPECT_FALSE(problem(R"({"custom_id": "a", "response": {"status_code": 500, "body": {"error": {"message": "x"}}}})"));
  EXPECT_FALSE(problem(R"({"custom_id": "a", "result": {"type": "errored", "error": {}}})"));
  EXPECT_FALSE(problem(R"({"id": "a", "choices": []})"));
  // In a run: the wrongly shaped line is malformed (exit 1), the failed request unanswered.
  std::istringstream dataset(yes_no_record("a", "no", "basic", "no") + "\n" + yes_no_record("b", "no", "basic", "no") + "\n");
  std::istringstream responses(R"({"custom_id": "a", "response": {"body": {"choices": "yes"}}})"
                               "\n"
                               R"({"custom_id": "b", "response": null, "error": {"message": "rate limited"}})"
                               "\n");
  const CheckReport r = check_responses(dataset, responses, {.dataset_file = "d.jsonl", .responses_file = "r.jsonl"});
  ASSERT_EQ(r.malformed_count, 1U);
  EXPECT_EQ(r.malformed[0].line, 1U);
  EXPECT_NE(r.malformed[0].message.find("id a: response.body.choices is a string"), std::string::npos);
  EXPECT_EQ(r.all.unanswered, 1U);
}

}  // namespace
}  // namespace rung
