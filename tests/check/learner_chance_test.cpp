#include "rung/check/learner_chance.hpp"

#include "rung/check/audit.hpp"
#include "rung/gen/random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace rung {
namespace {

/// `n` records of six words from a small vocabulary, in groups "a" and "b"; with `cue`, a yes
/// record has "cobra" in place of one word (a planted shortcut), else the answers are coin flips.
std::vector<LearnerRecord> records(std::size_t n, std::uint64_t seed, bool cue) {
  static const std::vector<std::string> kWords{"oak", "elm", "ash", "fir", "yew", "box", "bay", "fig", "lime", "pine"};
  std::vector<LearnerRecord> out;
  for (std::size_t i = 0; i < n; ++i) {
    Rng rng = Rng::for_item(seed, i);
    const bool yes = rng.chance(1, 2);
    std::vector<std::string> words;
    for (int k = 0; k < 6; ++k) words.push_back(rng.pick(kWords));
    if (cue && yes) words[rng.below(words.size())] = "cobra";
    LearnerRecord r;
    for (const auto& w : words) r.text += w + " ";
    r.given_info = r.text;
    r.question = "Is it?";
    r.template_text = r.question;
    r.group = i % 3 == 0 ? "a" : "b";
    r.answer = yes ? "yes" : "no";
    out.push_back(std::move(r));
  }
  return out;
}

const ChanceCell& cell(const LearnerChance& c, const std::string& learner, const std::string& group) {
  for (const auto& x : c.cells) {
    if (x.learner == learner && x.group == group) return x;
  }
  throw std::runtime_error("no cell " + learner + "/" + group);
}

TEST(LearnerChance, APlantedCueIsFarAboveEveryShuffle) {
  const auto rs = records(300, 4, true);
  const LearnedShortcuts seen = learned_shortcuts(rs);
  const LearnerChance c = learner_chance(rs, seen, {}, 9);
  ASSERT_EQ(c.shuffles, 9U);
  // Two learners, each with "all", "a" and "b".
  ASSERT_EQ(c.cells.size(), 6U);
  const ChanceCell& linear = cell(c, "linear", "all");
  EXPECT_EQ(linear.records, 300U);
  EXPECT_GT(linear.observed, 0.9);
  EXPECT_DOUBLE_EQ(linear.p_value, 0.1);  // no shuffle reaches it: 1 / (1 + 9)
  EXPECT_LT(linear.mean, linear.majority + 0.08);
  EXPECT_LE(linear.mean, linear.p95);
  EXPECT_DOUBLE_EQ(c.max_p_value, 0.1);
  EXPECT_GT(c.observed_max_excess, 0.3);
  ASSERT_EQ(c.shuffled_max_excess.size(), 9U);
  EXPECT_TRUE(std::is_sorted(c.shuffled_max_excess.begin(), c.shuffled_max_excess.end()));
  EXPECT_LT(c.shuffled_max_excess.back(), 0.2);
}

TEST(LearnerChance, CoinFlipsLookLikeTheirShuffles) {
  // No shortcut at all: the real answers are one more shuffle, and the largest cell is within
  // the shuffles' range (this seed and these options fix every figure).
  const auto rs = records(300, 8, false);
  const LearnedShortcuts seen = learned_shortcuts(rs);
  const LearnerChance c = learner_chance(rs, seen, {}, 19);
  EXPECT_GT(c.max_p_value, 0.05) << to_text(c);
  for (const auto& x : c.cells) {
    EXPECT_GT(x.p_value, 0.05) << x.learner << "/" << x.group << "\n" << to_text(c);
    EXPECT_NEAR(x.mean, x.majority, 0.08) << x.learner << "/" << x.group;
  }
  // The majority share is the cell's own: group "a" holds every third record.
  const auto a = static_cast<std::size_t>(std::count_if(rs.begin(), rs.end(), [](const LearnerRecord& r) { return r.group == "a"; }));
  const auto a_yes = static_cast<std::size_t>(
      std::count_if(rs.begin(), rs.end(), [](const LearnerRecord& r) { return r.group == "a" && r.answer == "yes"; }));
  EXPECT_EQ(cell(c, "trees", "a").records, a);
  EXPECT_DOUBLE_EQ(cell(c, "trees", "a").majority, static_cast<double>(std::max(a_yes, a - a_yes)) / static_cast<double>(a));
}

TEST(LearnerChance, DeterministicAndOffByDefault) {
  auto rs = records(150, 2, true);
  rs[5].numeric = true;  // numeric records are left out of the shuffles
  rs[5].answer = "1/2";
  rs[5].value = 0.5;
  const LearnedShortcuts seen = learned_shortcuts(rs);
  LearnerOptions two;
  two.threads = 2;
  const LearnerChance a = learner_chance(rs, seen, {}, 3);
  const LearnerChance b = learner_chance(rs, seen, two, 3);
  EXPECT_EQ(a, b);
  EXPECT_EQ(to_text(a), to_text(b));
  EXPECT_EQ(to_json(a).dump(), to_json(b).dump());
  EXPECT_EQ(cell(a, "linear", "all").records, 149U);
  EXPECT_EQ(learner_chance(rs, seen, {}, 0).shuffles, 0U);
  EXPECT_EQ(to_text(learner_chance(rs, seen, {}, 0)), "");
}

TEST(LearnerChance, TheAuditReportsItWhenAsked) {
  std::ostringstream data;
  for (const auto& r : records(60, 3, true)) {
    nlohmann::json j;
    j["question"] = r.question;
    j["given_info"] = r.given_info;
    j["answer"] = r.answer;
    j["type"] = r.group;
    data << j.dump() << "\n";
  }
  AuditOptions options;
  options.verify = false;
  {
    std::istringstream in(data.str());
    const AuditReport r = audit_dataset(in, options);
    EXPECT_EQ(r.chance.shuffles, 0U);
    EXPECT_EQ(to_text(r).find("chance level"), std::string::npos);
    EXPECT_FALSE(to_json(r).contains("learner_chance"));
  }
  options.chance_shuffles = 4;
  std::istringstream in(data.str());
  const AuditReport r = audit_dataset(in, options);
  EXPECT_EQ(r.chance.shuffles, 4U);
  EXPECT_NE(to_text(r).find("Learners' chance level (4 shuffles"), std::string::npos) << to_text(r);
  EXPECT_EQ(to_json(r)["learner_chance"]["max_excess"]["shuffled"].size(), 4U);
}

}  // namespace
}  // namespace rung
