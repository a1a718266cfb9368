// The linear preset (issue #20, item 5): every answer equals a re-solve by the other method
// (parallel worlds; the generator's answer and trace come from abduction), output is
// byte-identical for any thread count and shard split, answers are varied, distractors differ
// from the answers, structures are invariant to renaming only, and `rung audit` and
// `rung check` read the records.
#include "rung/check/audit.hpp"
#include "rung/check/checker.hpp"
#include "rung/core/json.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/linear.hpp"
#include "rung/infer/linear_gaussian.hpp"
#include "rung/io/linear_json.hpp"
#include "rung/io/linear_text.hpp"

#include "generated.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

namespace rung {
namespace {

using testing::generated_records;
using testing::generated_text;

/// The exact value of `formal` on the record's model, by the parallel-worlds method.
Rational resolve(const nlohmann::json& r, const std::string& formal) {
  const LinearScm m = linear_scm_from_json(r["model"]);
  const LinearAnswer a = solve(m, parse_linear_query(formal, m), {.method = LinearMethod::parallel_worlds});
  EXPECT_TRUE(a.exact) << formal;
  return a.value;
}

TEST(LinearPreset, EveryAnswerEqualsTheParallelWorldsResolve) {
  const auto rs = generated_records("linear", 180, 2);
  ASSERT_EQ(rs.size(), 180U);
  std::map<std::string, int> by_type;
  for (const auto& r : rs) {
    const std::string formal = r["formal_query"];
    const Rational value = resolve(r, formal);
    EXPECT_EQ(to_string(value), r["answer"]) << r["id"];
    EXPECT_EQ(to_string(value), r["value"]["fraction"]) << r["id"];
    const LinearScm m = linear_scm_from_json(r["model"]);
    EXPECT_EQ(rung_of(parse_linear_query(formal, m)), r["rung"]) << r["id"];
    EXPECT_EQ(r["given_info"], linear_given_info(m));
    // The text states every equation and the question its notation.
    for (VarId v : m.endogenous()) {
      EXPECT_NE(r["prompt"].get<std::string>().find(m.name(v) + " := " + to_string(m.mechanism(v), m) + "."), std::string::npos);
    }
    EXPECT_NE(r["question"].get<std::string>().find(formal), std::string::npos) << formal;
    // The gold reasoning: abduction, action, prediction (and the answer).
    const std::string reasoning = r["reasoning"]["text"];
    for (const char* step : {"abduction", "action", "prediction"}) EXPECT_NE(reasoning.find(step), std::string::npos) << step;
    ++by_type[r["query_type"]];
  }
  EXPECT_EQ(by_type.size(), linear_query_types().size());
  for (const auto& [type, n] : by_type) EXPECT_EQ(n, 20) << type;
}

// Each wrong procedure's value is what it claims to be (re-solved here from its definition),
// differs from the answer, and every named procedure occurs.
TEST(LinearPreset, DistractorsAreTheirProceduresAndDifferFromTheAnswer) {
  const auto rs = generated_records("linear", 270, 3);
  std::map<std::string, int> seen;
  for (const auto& r : rs) {
    const std::string type = r["query_type"];
    const std::string X = r["meta"]["treatment"];
    const std::string Y = r["meta"]["outcome"];
    const LinearScm m = linear_scm_from_json(r["model"]);
    const LinearQuery q = parse_linear_query(r["formal_query"].get<std::string>(), m);
    for (const auto& [procedure, d] : r["distractors"].items()) {
      ++seen[procedure];
      ASSERT_TRUE(d["answer"].is_string()) << r["id"] << " " << procedure;
      EXPECT_NE(d["answer"], r["answer"]) << r["id"] << " " << procedure;
      EXPECT_EQ(d["answer"], d["value"]["fraction"]);
      const Rational v = parse_rational(d["answer"].get<std::string>());
      if (procedure == "no_abduction" && type != "ate") {
        // The same quantity with the evidence dropped.
        LinearQuery without = q;
        for (auto& part : without.parts) part.quantity.evidence.clear();
        EXPECT_EQ(v, solve(m, without, {.method = LinearMethod::parallel_worlds}).value) << r["id"];
      }
      if (procedure == "factual" && type == "counterfactual_mean") {
        // The observed value of the outcome.
        for (const auto& o : q.parts[0].quantity.evidence) {
          if (m.name(o.outcome.var) == Y) {
            EXPECT_EQ(v, o.value) << r["id"];
          }
        }
      }
      if (procedure == "total_effect" && type == "nde") {
        // E(Y[X=a, M=M[X=b]]) - E(Y[X=b]): the ATE of a against b.
        const Rational a = q.parts[0].quantity.outcomes[0].settings[0].value;
        const Rational b = q.parts[1].quantity.outcomes[0].settings[0].value;
        EXPECT_EQ(v, resolve(r, fmt::format("E({0}[{1}={2}]) - E({0}[{1}={3}])", Y, X, to_string(a), to_string(b)))) << r["id"];
      }
    }
  }
  for (const char* procedure : {"no_abduction", "conditioning", "factual", "direct_only", "total_effect", "nested_ignored"}) {
    EXPECT_GT(seen[procedure], 5) << procedure;
  }
}

TEST(LinearPreset, ByteIdenticalForAnyThreadCountAndShardsMerge) {
  GeneratorOptions o = preset_options("linear");
  o.count = 45;
  o.seed = 5;
  const std::string whole = generated_text(o, 1, 1, 1);
  EXPECT_EQ(generated_text(o, 3, 1, 1), whole);
  EXPECT_EQ(testing::merged_text({generated_text(o, 2, 1, 3), generated_text(o, 1, 2, 3), generated_text(o, 2, 3, 3)}), whole);
  o.seed = 6;
  EXPECT_NE(generated_text(o, 1, 1, 1), whole);
}

TEST(LinearPreset, EveryDifficultyLevelGeneratesItsKnobs) {
  for (int level = 1; level <= 5; ++level) {
    const GeneratorOptions o = preset_options("linear", level);
    const auto rs = generated_records("linear", 27, level);
    ASSERT_EQ(rs.size(), 27U) << level;
    int nested_deepest = 0;
    for (const auto& r : rs) {
      EXPECT_EQ(r["difficulty"]["level"], level);
      EXPECT_GE(r["difficulty"]["variables"].get<int>(), o.min_variables);
      EXPECT_LE(r["difficulty"]["variables"].get<int>(), o.max_variables);
      EXPECT_GE(r["difficulty"]["path_length"].get<int>(), o.min_path_length);
      if (r["query_type"] == "nested_mean") nested_deepest = std::max(nested_deepest, r["difficulty"]["nesting_depth"].get<int>());
      EXPECT_EQ(to_string(resolve(r, r["formal_query"])), r["answer"]);
    }
    EXPECT_EQ(nested_deepest, o.nesting_depth) << level;
  }
}

// No constant answer is right on more than 15% of a type; structures are all distinct; every
// kind of hidden confounding occurs.
TEST(LinearPreset, AnswersAreVariedAndStructuresDistinct) {
  const auto rs = generated_records("linear", 900, 2);
  ASSERT_EQ(rs.size(), 900U);
  std::map<std::string, std::map<std::string, int>> answers;
  std::map<std::string, int> per_type;
  std::set<std::string> structures;
  std::map<std::string, int> confounding;
  for (const auto& r : rs) {
    ++answers[r["query_type"]][r["answer"]];
    ++per_type[r["query_type"]];
    structures.insert(r["structure"]);
    ++confounding[r["difficulty"]["hidden_confounding"]];
  }
  EXPECT_EQ(structures.size(), rs.size());
  for (const auto& [type, counts] : answers) {
    int most = 0;
    for (const auto& [answer, n] : counts) most = std::max(most, n);
    EXPECT_LE(most * 100, 15 * per_type[type]) << type;
  }
  for (const char* kind : {"none", "shared", "covariance"}) EXPECT_GT(confounding[kind], 200) << kind;
  // Level 1's three-variable models too (its variance questions once had answer 1 on a third).
  std::map<std::string, std::map<std::string, int>> easy;
  for (const auto& r : generated_records("linear", 900, 1)) ++easy[r["query_type"]][r["answer"]];
  for (const auto& [type, counts] : easy) {
    int most = 0;
    for (const auto& [answer, n] : counts) most = std::max(most, n);
    EXPECT_LE(most * 100, 15 * 100) << type;  // 100 items a type
  }
}

// Name variants share their structure; renaming is the only thing the structure ignores.
TEST(LinearPreset, StructureIsInvariantToRenamingOnly) {
  GeneratorOptions o = preset_options("linear");
  o.count = 18;
  o.name_variants = 2;
  const auto rs = testing::generated_records(o);
  ASSERT_EQ(rs.size(), 18U);
  for (std::size_t i = 0; i + 1 < rs.size(); i += 2) {
    EXPECT_EQ(rs[i]["structure"], rs[i + 1]["structure"]);
    EXPECT_NE(rs[i]["given_info"], rs[i + 1]["given_info"]);
    EXPECT_EQ(rs[i]["answer"], rs[i + 1]["answer"]);
  }
  const LinearScm a = read_linear_text("exogenous U_A ~ Normal(0, 1)\nexogenous U_B ~ Normal(0, 2)\nA := U_A\nB := 2*A + U_B\n");
  const LinearScm b = read_linear_text("exogenous U_Q ~ Normal(0, 1)\nexogenous U_P ~ Normal(0, 2)\nQ := U_Q\nP := 2*Q + U_P\n");
  const LinearScm c = read_linear_text("exogenous U_A ~ Normal(0, 1)\nexogenous U_B ~ Normal(0, 2)\nA := U_A\nB := 3*A + U_B\n");
  const std::string h = linear_structure_hash(a, parse_linear_query("E(B[A=1] | A=0)", a));
  EXPECT_EQ(h.size(), 16U);
  EXPECT_EQ(linear_structure_hash(b, parse_linear_query("E(P[Q=1] | Q=0)", b)), h);
  EXPECT_NE(linear_structure_hash(c, parse_linear_query("E(B[A=1] | A=0)", c)), h);
  EXPECT_NE(linear_structure_hash(a, parse_linear_query("E(B[A=2] | A=0)", a)), h);
  EXPECT_NE(linear_structure_hash(a, parse_linear_query("E(A[B=1] | B=0)", a)), h);
}

TEST(LinearPreset, AuditReverifiesEveryRecordAndCheckScoresGoldAnswers) {
  GeneratorOptions o = preset_options("linear");
  o.count = 90;
  const std::string text = generated_text(o, 2);
  std::istringstream in(text);
  AuditOptions audit;
  audit.learners.enabled = false;
  const AuditReport report = audit_dataset(in, audit);
  EXPECT_EQ(report.records, 90U);
  EXPECT_EQ(report.checked, 90U);
  EXPECT_EQ(report.verified, 90U);
  EXPECT_EQ(report.failed, 0U);
  EXPECT_EQ(report.mismatched, 0U);
  EXPECT_EQ(report.stated_checked, 90U);
  EXPECT_EQ(report.unexpected_repeats, 0U);

  // An edited answer, an edited coefficient in the text: both found.
  std::string edited = text.substr(0, text.find('\n'));
  auto record = rung::ordered_json::parse(edited);
  record["answer"] = "12345/7";
  record["value"]["fraction"] = "12345/7";
  const std::string given = record["given_info"];
  record["given_info"] = given.substr(0, given.find(":= ") + 3) + "7*" + given.substr(given.find(":= ") + 3);
  std::istringstream bad(record.dump() + "\n");
  const AuditReport b = audit_dataset(bad, audit);
  EXPECT_EQ(b.mismatched, 1U);
  EXPECT_EQ(b.mismatched_fields.count("value"), 1U);
  EXPECT_EQ(b.mismatched_fields.count("answer"), 1U);
  EXPECT_EQ(b.mismatched_fields.count("given_info"), 1U);

  // Gold responses score 100%; a distractor's value is a wrong answer naming its procedure.
  std::string gold;
  std::string wrong;
  std::size_t with_distractor = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto r = rung::ordered_json::parse(line);
    gold += nlohmann::json{{"id", r["id"]}, {"response", "The answer is " + r["answer"].get<std::string>() + "."}}.dump() + "\n";
    if (!r["distractors"].empty()) {
      ++with_distractor;
      const auto& first = *r["distractors"].begin();
      wrong += nlohmann::json{{"id", r["id"]}, {"response", first["answer"].get<std::string>()}}.dump() + "\n";
    } else {
      wrong += nlohmann::json{{"id", r["id"]}, {"response", r["answer"].get<std::string>()}}.dump() + "\n";
    }
  }
  std::istringstream d1(text), g(gold);
  const CheckReport scored = check_responses(d1, g);
  EXPECT_EQ(scored.all.correct, 90U);
  EXPECT_EQ(scored.numeric_items, 90U);
  EXPECT_EQ(scored.exact, 90U);
  std::istringstream d2(text), w(wrong);
  const CheckReport mistaken = check_responses(d2, w);
  EXPECT_GT(with_distractor, 80U);
  EXPECT_EQ(mistaken.all.correct, 90U - with_distractor);
  EXPECT_EQ(mistaken.wrong_unmatched, 0U);
}

TEST(LinearPreset, KnobsOutsideItsRangeAreUsageErrors) {
  GeneratorOptions o = preset_options("linear");
  EXPECT_NO_THROW(o.validate());
  o.deterministic = true;
  EXPECT_THROW(o.validate(), UsageError);
  o = preset_options("linear");
  o.mechanisms = {"and"};
  EXPECT_THROW(o.validate(), UsageError);
  o = preset_options("linear");
  o.types = {"pns"};
  EXPECT_THROW(o.validate(), UsageError);
  o = preset_options("ladder");
  o.mechanisms = {"linear"};
  EXPECT_THROW(o.validate(), UsageError);
  o = preset_options("linear");
  o.nesting_depth = 3;
  o.min_path_length = 4;
  o.min_variables = 5;
  o.max_variables = 6;
  o.count = 9;
  EXPECT_EQ(generated_records(o).size(), 9U);
}

}  // namespace
}  // namespace rung
