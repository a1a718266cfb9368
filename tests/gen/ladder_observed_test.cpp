// The ladder preset stated in observed quantities (--given observed, issue #18): the text states
// the graph, which variables are unobserved and exact observed probabilities; each number is
// re-derived from the record's model by the solver (variable elimination on the full model, not
// the generator's observed joint), each answer by a second identification on the record's model,
// and undetermined items are the set's share of every type that can be undetermined.
#include "rung/core/error.hpp"
#include "rung/gen/knobs.hpp"
#include "rung/gen/ladder.hpp"
#include "rung/gen/options.hpp"
#include "rung/identify/counterfactual.hpp"
#include "rung/identify/identify.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/query/decision.hpp"

#include "generated.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace rung {
namespace {

GeneratorOptions observed_options(int difficulty, std::uint64_t count, std::uint64_t seed) {
  GeneratorKnobs k;
  k.preset = "ladder";
  k.difficulty = difficulty;
  k.count = count;
  k.seed = seed;
  k.given = "observed";
  return k.options();
}

Rational fraction_of(const nlohmann::json& v) { return parse_rational(v["fraction"].get<std::string>()); }

/// Every record's statement and answer, checked by a second route (see the file's comment).
void check_records(const std::vector<nlohmann::json>& records) {
  for (const auto& r : records) {
    SCOPED_TRACE(r["id"].get<std::string>());
    ASSERT_TRUE(r.contains("identification"));
    const auto& id = r["identification"];
    EXPECT_EQ(id["given"], "observed");
    const Scm m = scm_from_json(r["model"]);
    const Query q = parse_query(r["formal_query"].get<std::string>(), m);
    const std::string text = r["given_info"];
    std::vector<VarId> hidden;
    for (const auto& h : id["hidden"]) {
      const std::string name = h;
      EXPECT_NE(text.find(name + " is unobserved."), std::string::npos);
      hidden.push_back(*m.find(name));
    }
    ASSERT_FALSE(hidden.empty());
    // The text states the numbers the record lists, and nothing about an unobserved variable.
    std::size_t sentences = 0;
    for (std::size_t at = text.find("probability of "); at != std::string::npos; at = text.find("probability of ", at + 1)) ++sentences;
    EXPECT_EQ(sentences, id["stated"].size());
    for (const auto& n : id["stated"]) {
      const std::string probability = n["probability"];
      for (const auto& h : id["hidden"]) {
        for (const char* before : {"(", " "}) EXPECT_EQ(probability.find(before + h.get<std::string>() + "="), std::string::npos) << probability;
      }
      const Rational exact = fraction_of(n["exact"]);
      EXPECT_EQ(fraction_of(n["shown"]), exact) << probability;  // exact numbers: nothing to round
      EXPECT_EQ(solve(m, parse_query(probability, m)).value, exact) << probability;
      EXPECT_GT(exact, 0);
      EXPECT_LT(exact, 1);
    }
    // The answer, by identification on the record's model and its observed distribution.
    const Admg g = Admg::of(m, hidden);
    const CounterfactualIdentification again = identify_counterfactual(g, q, m);
    const Rational value = fraction_of(r["value"]);
    const std::string answer = r["answer"];
    EXPECT_EQ(id["identifiable"], answer != "undetermined");
    EXPECT_EQ(again.identifiable, answer != "undetermined");
    if (again.identifiable) {
      EXPECT_EQ(again.estimand->evaluate(observed_joint(m, g)), value);
      EXPECT_EQ(fraction_of(id["value_from_text"]), value);
      if (r.contains("decision")) {
        EXPECT_EQ(answer, parse_decision(r["decision"].get<std::string>()).answer(value));
      } else {
        EXPECT_EQ(answer, to_string(value));
      }
    } else {
      // The formula that ignores the hidden common causes exists, and its value on the stated
      // numbers is the record's (the balanced yes/no reading of an undetermined question).
      const CounterfactualIdentification naive = identify_counterfactual(g.without_bidirected(), q, m);
      ASSERT_TRUE(naive.identifiable);
      const Rational reading = naive.estimand->evaluate(observed_joint(m, g));
      EXPECT_EQ(fraction_of(id["assume_identifiable_from_text"]), reading);
      if (id.contains("bounds")) {
        EXPECT_LE(fraction_of(id["bounds"]["lower"]), value);
        EXPECT_GE(fraction_of(id["bounds"]["upper"]), value);
      }
    }
    EXPECT_NE(r["question"].get<std::string>().find("or with undetermined if what is stated cannot decide it"), std::string::npos);
  }
}

// 6 items a type, half of them undetermined: every record checked, and the undetermined ones
// counted (the default share, 1/6, is the options'; a half keeps the set small under ASan).
TEST(LadderObserved, EveryNumberAndAnswerFollowsFromTheModelAndUndeterminedItemsAreTheShare) {
  EXPECT_EQ(observed_options(2, 1, 1).types, ladder_observed_types());
  EXPECT_EQ(observed_options(2, 1, 1).undetermined_share, "1/6");
  GeneratorKnobs k;
  k.preset = "ladder";
  k.count = 7 * 6;
  k.seed = 11;
  k.given = "observed";
  k.undetermined_share = "1/2";
  const auto records = testing::generated_records(k.options());
  ASSERT_EQ(records.size(), 7U * 6U);
  check_records(records);
  std::map<std::string, std::map<std::string, int>> undetermined;  // type -> question kind -> count
  for (const auto& r : records) {
    if (r["answer"] == "undetermined") ++undetermined[r["type"]][r.contains("decision") ? "yes/no" : "fraction"];
  }
  for (const auto& type : ladder_observed_types()) {
    // Ranks 1, 3, 5 of a type are undetermined; their own ranks 0..2 ask a yes/no question
    // where bit 1 is clear (0, 1), for a fraction otherwise (2).
    const bool can = can_be_undetermined("ladder", type);
    EXPECT_EQ(undetermined[type]["yes/no"], can ? 2 : 0) << type;
    EXPECT_EQ(undetermined[type]["fraction"], can ? 1 : 0) << type;
  }
}

// The rung-1 reading `mean_conditional` (the mean of the outcome's stated probabilities, for the
// value asked), recomputed here from the stated numbers: each block of 32 ranks of a type takes
// the next class of its distance from 1/2 (class 0: exactly 1/2; class 1: within 1/20), and the
// reading agrees with the answer on exactly the items its target bit says, except where it is
// exactly 1/2 (no target: its answer would follow the question's direction) and the answer's
// own balance holds. Before the classes a "less than 1/2" question whose reading was exactly 1/2
// was answered "yes" on 68% of the items, and a far reading agreed with the answer on 80-100%
// (docs/generator.md).
TEST(LadderObserved, RungOneReadingsAreBalancedAtEveryDistance) {
  GeneratorKnobs k;
  k.preset = "ladder";
  k.count = 64;
  k.seed = 3;
  k.given = "observed";
  k.types = {"marginal"};
  const auto records = testing::generated_records(k.options());
  ASSERT_EQ(records.size(), 64U);
  std::map<int, int> yes;        // class -> yes answers
  std::map<int, int> questions;  // class -> yes/no items
  int agreeing = 0;              // class 1: the reading agrees with the answer
  for (std::size_t rank = 0; rank < records.size(); ++rank) {
    const auto& r = records[rank];
    if (!r.contains("decision")) continue;
    SCOPED_TRACE(r["id"].get<std::string>());
    const std::string y = r["meta"]["outcome"];
    const std::string formal = r["formal_query"];
    ASSERT_EQ(formal.rfind("P(" + y + "=", 0), 0U) << formal;
    const bool asked_one = formal[y.size() + 3] == '1';
    Rational sum;
    int rows = 0;
    for (const auto& n : r["identification"]["stated"]) {
      const std::string probability = n["probability"];
      // Y's own conditionals: "P(Y=v)" or "P(Y=v | ...)", not another variable's or a joint one.
      if (probability.rfind("P(" + y + "=", 0) != 0 || probability.size() <= y.size() + 4) continue;
      if (const char after = probability[y.size() + 4]; after != ')' && after != ' ') continue;
      const Rational p = fraction_of(n["exact"]);
      sum += probability[y.size() + 3] == '1' ? p : Rational(1 - p);
      ++rows;
    }
    ASSERT_GT(rows, 0);
    const Rational reading = asked_one ? Rational(sum / rows) : Rational(1 - sum / rows);
    EXPECT_EQ(reading, fraction_of(r["distractors"]["mean_conditional"]["value"]));
    const Rational distance = abs(Rational(reading - Rational(1, 2)));
    const int cls = static_cast<int>(rank >> 5U);
    ++questions[cls];
    if (r["answer"] == "yes") ++yes[cls];
    if (cls == 0) {
      EXPECT_EQ(distance, 0);
    } else {
      EXPECT_GT(distance, 0);
      EXPECT_LT(distance, Rational(1, 20));
      const Decision d = parse_decision(r["decision"].get<std::string>());
      if (d.answer(reading) == r["answer"]) ++agreeing;
      EXPECT_EQ(d.answer(reading) == r["answer"], (rank & 8U) == 0) << "the reading's target";
    }
  }
  for (int cls : {0, 1}) {
    EXPECT_EQ(questions[cls], 16) << cls;
    EXPECT_EQ(yes[cls], 8) << cls;
  }
  EXPECT_EQ(agreeing, 8);
}

TEST(LadderObserved, SmallAndLargeGraphs) {
  check_records(testing::generated_records(observed_options(1, 21, 5)));
  check_records(testing::generated_records(observed_options(4, 14, 5)));
}

TEST(LadderObserved, SameItemsOnEveryThreadCount) {
  const GeneratorOptions o = observed_options(2, 14, 2);
  EXPECT_EQ(testing::generated_text(o, 1), testing::generated_text(o, 3));
}

TEST(LadderObserved, OptionsTheRegisterCannotServeAreRefused) {
  auto error = [](auto&& set) {
    GeneratorKnobs k;
    k.preset = "ladder";
    k.given = "observed";
    set(k);
    try {
      (void)k.options();
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error([](GeneratorKnobs& k) { k.types = {"ate", "pns"}; }).find("--types pns with --given observed: the observed "
                                                                              "distribution never identifies a pns query"),
            std::string::npos);
  EXPECT_NE(error([](GeneratorKnobs& k) { k.domain_size = 3; }).find("binary variables only"), std::string::npos);
  const std::string deterministic = error([](GeneratorKnobs& k) { k.deterministic = true; });
  EXPECT_NE(deterministic.find("stated conditionals need noise on every variable"), std::string::npos) << deterministic;
  // The model register keeps every type and multi-valued variables.
  GeneratorKnobs model;
  model.preset = "ladder";
  EXPECT_EQ(model.options().given, "model");
  EXPECT_EQ(model.options().types, ladder_query_types());
}

}  // namespace
}  // namespace rung
