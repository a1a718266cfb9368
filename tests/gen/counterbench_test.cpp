// The counterbench preset computes the answers of the wrong procedures itself, by counting on
// its circuits (src/gen/counterbench.cpp); the generator writes those values. Here every value
// is compared with distractors(), which rewrites the query and solves it by variable
// elimination: the two must agree exactly, procedure by procedure and in the same order.
#include "rung/gen/counterbench.hpp"

#include "rung/check/features.hpp"

#include "rung/gen/distractors.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/options.hpp"
#include "rung/query/query.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <map>
#include <optional>
#include "../std_regex.hpp"
#include <sstream>

namespace rung {
namespace {

/// Every target the generator asks of the preset for `type`: answer x factual relation x the
/// agreement of each shortcut procedure (rank bits as in Generator::target).
std::vector<ItemTarget> targets(const std::string& type) {
  std::vector<std::string> procedures{"no_abduction"};
  if (type == "nested") {
    procedures.insert(procedures.end(), {"nested_ignored", "nested_literal"});
  } else {
    procedures.emplace_back("conditioning");
  }
  std::vector<ItemTarget> out;
  for (unsigned rank = 0; rank < (4U << procedures.size()); ++rank) {
    ItemTarget t{type, (rank & 1U) == 0, (rank & 2U) == 0, {}};
    for (std::size_t i = 0; i < procedures.size(); ++i) t.agreements.emplace_back(procedures[i], ((rank >> (i + 2)) & 1U) == 0);
    out.push_back(t);
  }
  return out;
}

/// Makes `per_target` items for every target of every type under `o` and compares the preset's
/// distractors with the solver's, counting the comparisons by procedure in `compared`.
void expect_distractors_match_solver(const GeneratorOptions& o, int per_target, std::map<std::string, int>& compared) {
  const auto preset = make_preset(o);
  std::uint64_t seed = 0;
  for (const std::string& type : o.types) {
    for (const ItemTarget& target : targets(type)) {
      for (int i = 0; i < per_target; ++i) {
        Rng rng = Rng::for_item(o.seed, ++seed);
        Rng names = Rng::for_item(o.seed ^ 1U, seed);
        const Item item = preset->make(rng, names, target);
        ASSERT_TRUE(item.distractors.has_value()) << type;
        const std::vector<Distractor> solved = distractors(item.model, item.query, item.readings);
        const std::string where = fmt::format("{} item {} (level {}): {}", type, seed, o.difficulty, to_string(item.query, item.model));
        ASSERT_EQ(item.distractors->size(), solved.size()) << where;
        for (std::size_t k = 0; k < solved.size(); ++k) {
          EXPECT_EQ((*item.distractors)[k].procedure, solved[k].procedure) << where;
          EXPECT_EQ((*item.distractors)[k].value, solved[k].value) << where << " " << solved[k].procedure;
          ++compared[solved[k].procedure];
        }
      }
    }
  }
}

TEST(Counterbench, DistractorsCountedOnTheCircuitsEqualTheSolvers) {
  std::map<std::string, int> compared;
  for (int level = 1; level <= 5; ++level) {
    GeneratorOptions o = preset_options("counterbench", level);
    o.seed = 11;
    expect_distractors_match_solver(o, level == 2 ? 6 : 2, compared);
  }
  for (const char* p : {"no_abduction", "conditioning", "factual", "nested_ignored", "nested_literal"}) {
    EXPECT_GT(compared[p], 100) << p;
  }
}

// Root marginals is defined only where the evidence leaves a hidden root uncertain (most
// posteriors here are point masses); these knobs make such items common enough to test it.
TEST(Counterbench, RootMarginalsCountedOnTheCircuitsEqualTheSolvers) {
  GeneratorOptions o = preset_options("counterbench", 3);
  o.seed = 5;
  o.types = {"conditional", "basic"};
  o.mechanisms = {"and", "or", "xor", "not", "copy", "threshold"};
  o.max_in_degree = 4;
  std::map<std::string, int> compared;
  expect_distractors_match_solver(o, 3, compared);
  EXPECT_GT(compared["root_marginals"], 5);
}

/// The class of the outcome's defining clause, read from the record's model and text (not from
/// the preset's own meta.outcome_class, which it is compared with): "or2_neg1", "copy",
/// "not_copy_effect" ("A causes not Y"), "threshold3_2_neg0", ...
std::string outcome_class(const nlohmann::json& r) {
  const std::string query = r["formal_query"];
  const std::string y = query.substr(2, query.find('[') - 2);  // P(Y[...
  std::string mechanism;
  for (const auto& v : r["model"]["endogenous"]) {
    if (v["name"] == y) mechanism = v["mechanism"];
  }
  std::vector<std::string> words;
  std::istringstream in(std::regex_replace(mechanism, std::regex("[(),]"), " "));
  for (std::string w; in >> w;) words.push_back(w);
  const auto count = [&](const std::string& w) { return std::count(words.begin(), words.end(), w); };
  const long nots = count("not");
  const long names = static_cast<long>(words.size()) - nots - count("and") - count("or") - count("xor");
  if (names == 1) {
    if (nots == 0) return "copy";
    const std::string info = r["given_info"];
    return info.find(" causes not " + y) != std::string::npos ? "not_copy_effect" : "not_copy_cause";
  }
  if (count("xor") > 0) return fmt::format("xor{}_neg{}", names, nots);
  if (count("or") > 0 && count("and") == 0) return fmt::format("or{}_neg{}", names, nots);
  return fmt::format("and{}_neg{}", names, nots);  // thresholds are written out as or-of-ands
}

// The outcome's clause ("A or B causes Y", "A and not B together cause Y") once predicted the
// answer (yes on 66% of basic items with "or", 35% with "and"). Each item's outcome class is now
// drawn per balanced block of its type, so within every (type, class) the answers differ by at
// most one: the last, incomplete block of a type.
TEST(Counterbench, AnswersAreBalancedWithinEachOutcomeClass) {
  for (const int level : {2, 4}) {
    GeneratorOptions o = preset_options("counterbench", level);
    o.count = level == 2 ? 2400 : 1600;
    o.seed = 1;
    if (level == 4) o.mechanisms = {"and", "or", "xor", "not", "copy", "threshold"};
    RunOptions run;
    run.threads = 2;
    std::ostringstream out;
    Generator(o).write(out, run);
    std::map<std::pair<std::string, std::string>, std::pair<int, int>> by_class;  // (type, class) -> (yes, no)
    std::map<std::string, int> classes_by_type;
    std::map<std::pair<std::string, bool>, std::pair<int, int>> by_confounding;  // (type, confounded) -> (yes, no)
    std::istringstream lines(out.str());
    int items = 0;
    for (std::string line; std::getline(lines, line); ++items) {
      const auto r = nlohmann::json::parse(line);
      const std::string own = r["meta"]["outcome_class"];
      if (own.rfind("threshold", 0) != 0) {
        EXPECT_EQ(outcome_class(r), own) << r["id"];
      }
      auto& [yes, no] = by_class[{r["type"], own}];
      (r["answer"] == "yes" ? yes : no) += 1;
      // The confounder's clause ("C causes X") is drawn per block too, but falls back to a free
      // draw where a small model cannot host it, and a relaxed target changes it: near balance.
      auto& [c_yes, c_no] = by_confounding[{r["type"], r["difficulty"]["confounded"].get<bool>()}];
      (r["answer"] == "yes" ? c_yes : c_no) += 1;
    }
    ASSERT_EQ(items, static_cast<int>(o.count));
    std::map<std::string, int> off_by_type;  // classes not exactly balanced
    for (const auto& [key, counts] : by_class) {
      const int diff = counts.first - counts.second;
      EXPECT_TRUE(diff == 0 || diff == 1) << key.first << " " << key.second << ": " << counts.first << " yes, " << counts.second << " no";
      off_by_type[key.first] += diff != 0 ? 1 : 0;
      ++classes_by_type[key.first];
    }
    for (const auto& [key, counts] : by_confounding) {
      EXPECT_LE(std::abs(counts.first - counts.second), std::max(2, (counts.first + counts.second) / 50))
          << key.first << (key.second ? " confounded: " : " unconfounded: ") << counts.first << " yes, " << counts.second << " no";
    }
    for (const std::string& type : o.types) {
      EXPECT_LE(off_by_type[type], 1) << type;
      EXPECT_GE(classes_by_type[type], level == 2 ? 6 : 8) << type;  // the classes are really mixed
    }
  }
}

/// The audit's `path_length` feature of a record: the shortest stated path from the question's
/// setting to its outcome, read off the text as the learners read it (NaN: none).
double stated_path_length(const nlohmann::json& r) {
  const std::string info = r["given_info"];
  const std::string question = r["question"];
  FeatureInput in;
  in.given_info = info;
  in.question = question;
  for (const auto& e : r["model"]["endogenous"]) in.names.push_back(e["name"]);
  return text_features(in)[feature_index("path_length")];
}

TEST(Counterbench, ShortestPathReadingIsRightOnHalfOfEveryType) {
  // The reading that follows the shortest stated path from the setting to the outcome and counts
  // its negations (path_rule.hpp), read back from the text by the audit's rule: defined on every
  // item and right exactly on the items whose outcome changes, half of them (69-76% per type
  // before the preset asked it of its draws).
  GeneratorOptions o = preset_options("counterbench", 2);
  o.count = 1200;
  o.seed = 1;
  RunOptions run;
  run.threads = 2;
  std::ostringstream out;
  Generator(o).write(out, run);
  std::map<std::string, std::array<int, 3>> by_type;  // -> (items, defined, right)
  std::map<int, std::array<int, 2>> by_distance;       // -> (items, changed)
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) {
    const auto r = nlohmann::json::parse(line);
    const double length = stated_path_length(r);
    auto& [at, changed] = by_distance[std::isnan(length) ? -1 : static_cast<int>(length)];
    ++at;
    changed += r["answer"] != r["distractors"]["factual"]["answer"] ? 1 : 0;
    auto& [items, defined, right] = by_type[r["type"]];
    ++items;
    const std::optional<bool> reading = path_parity_prediction(r["given_info"].get<std::string>(), r["question"].get<std::string>());
    if (!reading) continue;  // given up after 2,000 candidates: counted below
    ++defined;
    right += *reading == (r["answer"] == "yes") ? 1 : 0;
  }
  ASSERT_EQ(by_type.size(), 4U);
  for (const auto& [type, counts] : by_type) {
    const auto& [items, defined, right] = counts;
    EXPECT_EQ(items, 300) << type;
    EXPECT_GE(defined, items - 3) << type;
    // A block of 16 ranks runs once through the factual relation; the last block is incomplete.
    EXPECT_NEAR(right, items / 2, 3) << type << ": " << right << " of " << items;
  }
  // Whether the change reaches the outcome, on which the reading is right, says nothing of the
  // setting's distance to the outcome (a block class; the learners' `path_length`): at distances
  // 2 and 3 (83-89% of these items) the changed shares were 0.563 and 0.439 before it was one,
  // 0.527 and 0.476 after.
  ASSERT_GE(by_distance[2][0], 300);
  ASSERT_GE(by_distance[3][0], 300);
  const double share2 = static_cast<double>(by_distance[2][1]) / by_distance[2][0];
  const double share3 = static_cast<double>(by_distance[3][1]) / by_distance[3][0];
  EXPECT_LT(std::abs(share2 - share3), 0.09) << share2 << " changed at distance 2, " << share3 << " at 3";
}

}  // namespace
}  // namespace rung
