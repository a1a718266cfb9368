#include "rung/check/learners.hpp"

#include "rung/check/audit.hpp"
#include "rung/check/checker.hpp"
#include "rung/core/error.hpp"
#include "rung/core/text.hpp"
#include "rung/gen/random.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#ifndef RUNG_SHARED_DIR
#define RUNG_SHARED_DIR "../shared"
#endif

namespace rung {
namespace {

const std::vector<std::string> kFiller{"alpha", "beta", "gamma", "delta", "river", "stone", "cloud", "table", "green",
                                       "quick", "lamp", "paper", "horse", "field", "metal", "glass", "storm", "bread"};

/// `n` records of eight random filler words; `label(rng, words)` gives each answer.
template <typename Label>
std::vector<LearnerRecord> synthetic(std::size_t n, std::uint64_t seed, Label label) {
  std::vector<LearnerRecord> out;
  for (std::size_t i = 0; i < n; ++i) {
    Rng rng = Rng::for_item(seed, i);
    std::vector<std::string> words;
    for (int k = 0; k < 8; ++k) words.push_back(rng.pick(kFiller));
    const bool yes = label(rng, words);
    if (rng.chance(1, 2)) words.emplace_back("zebra");
    LearnerRecord r;
    for (const auto& w : words) r.text += w + " ";
    r.given_info = r.text;
    r.question = "Is it so?";
    r.group = i % 2 == 0 ? "even" : "odd";
    r.template_text = r.question;
    r.answer = yes ? "yes" : "no";
    out.push_back(std::move(r));
  }
  return out;
}

bool names_feature(const std::vector<FeatureImportance>& top, const std::string& needle) {
  return std::any_of(top.begin(), top.end(), [&](const FeatureImportance& f) { return f.feature == needle; });
}

const LearnerResult& learner(const LearnedShortcuts& s, const std::string& name) {
  for (const auto& l : s.classifiers) {
    if (l.name == name) return l;
  }
  throw std::runtime_error("no learner " + name);
}

TEST(Learners, LinearFindsAPlantedCueWord) {
  // yes iff "cobra" is in the text, with 5% of the labels flipped.
  auto records = synthetic(400, 7, [](Rng& rng, std::vector<std::string>& words) {
    const bool cue = rng.chance(1, 2);
    if (cue) words[rng.below(words.size())] = "cobra";
    return rng.chance(1, 20) ? !cue : cue;
  });
  const LearnedShortcuts s = learned_shortcuts(records);
  const LearnerResult& linear = learner(s, "linear");
  EXPECT_GT(linear.all.pooled.rate(), 0.9);
  ASSERT_FALSE(linear.all.pooled_top.empty());
  EXPECT_TRUE(names_feature(linear.all.pooled_top, "cobra")) << to_text(s);
  EXPECT_EQ(linear.all.pooled_top.front().feature.find("cobra") != std::string::npos, true) << to_text(s);
}

TEST(Learners, RandomLabelsStayNearChance) {
  auto records = synthetic(300, 11, [](Rng& rng, std::vector<std::string>&) { return rng.chance(1, 2); });
  const LearnedShortcuts s = learned_shortcuts(records);
  ASSERT_EQ(s.classifiers.size(), 2U);
  for (const auto& l : s.classifiers) {
    EXPECT_LE(l.all.pooled.rate(), 0.6) << l.name;
    for (const auto& [g, c] : l.by_group) {
      EXPECT_LE(c.best().rate(), 0.65) << l.name << " " << g;
    }
  }
}

/// 100 structures with random answers, each told three times (name variants: the same words),
/// the three records of a structure in one fold group.
std::vector<LearnerRecord> told_three_times() {
  const auto structures = synthetic(100, 13, [](Rng& rng, std::vector<std::string>&) { return rng.chance(1, 2); });
  std::vector<LearnerRecord> records;
  for (std::size_t k = 0; k < structures.size(); ++k) {
    for (int variant = 0; variant < 3; ++variant) {
      LearnerRecord r = structures[k];
      r.group = "basic";
      r.fold_group = fnv1a64(fold_key(fmt::format("s{}", k), r.text, r.names));
      records.push_back(std::move(r));
    }
  }
  return records;
}

TEST(Learners, RecordsSharingAStructureAreHeldOutTogether) {
  // 100 structures with random answers, each told three times (name variants: the same words).
  // Held out one record at a time, a variant's answer is learned from the other two.
  std::vector<LearnerRecord> records = told_three_times();
  const LearnedShortcuts together = learned_shortcuts(records);
  for (const auto& l : together.classifiers) EXPECT_LE(l.all.pooled.rate(), 0.62) << l.name << "\n" << to_text(together);
  // Without a structure, the same text holds them together.
  for (auto& r : records) r.fold_group = fnv1a64(fold_key(std::nullopt, r.text, r.names));
  const LearnedShortcuts same_text = learned_shortcuts(records);
  for (const auto& l : same_text.classifiers) EXPECT_LE(l.all.pooled.rate(), 0.62) << l.name << "\n" << to_text(same_text);
  // Told in three wordings (one word apart) they are three records, and the variants in the
  // training folds give a held-out one's answer away: the leak the folds prevent where they can.
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].text += std::vector<std::string>{"one", "two", "three"}[i % 3];
    records[i].fold_group = fnv1a64(fold_key(std::nullopt, records[i].text, records[i].names));
  }
  const LearnedShortcuts apart = learned_shortcuts(records);
  EXPECT_GT(learner(apart, "linear").all.pooled.rate(), 0.8) << to_text(apart);
}

TEST(Learners, RepeatedCrossValidationAveragesOtherSplits) {
  auto records = synthetic(300, 11, [](Rng& rng, std::vector<std::string>&) { return rng.chance(1, 2); });
  LearnerOptions o;
  o.repeats = 1;
  const LearnedShortcuts once = learned_shortcuts(records, o);
  o.repeats = 4;
  const LearnedShortcuts four = learned_shortcuts(records, o);
  EXPECT_EQ(four.repeats, 4U);
  ASSERT_EQ(four.classifiers.size(), 2U);
  bool other_splits = false;
  for (std::size_t l = 0; l < 2; ++l) {
    const Accuracy& a = four.classifiers[l].all.pooled;
    const Accuracy& b = once.classifiers[l].all.pooled;
    EXPECT_EQ(a.repeats, 4U);
    EXPECT_EQ(a.total, 4U * 300U);
    EXPECT_EQ(a.records(), 300U);
    EXPECT_LE(a.correct, a.total);
    // Repetitions 1-3 split the records otherwise than repetition 0 (the one run alone): were
    // they the same split, the sum would be four times the single run's count.
    other_splits = other_splits || a.correct != 4 * b.correct;
    // The interval is over the 300 records, not 1,200 predictions.
    const auto [low, high] = a.wilson95();
    const Interval i = wilson_interval_of_share(a.rate(), 300);
    EXPECT_DOUBLE_EQ(low, i.low);
    EXPECT_DOUBLE_EQ(high, i.high);
    for (const auto& [g, c] : four.classifiers[l].by_group) EXPECT_EQ(c.per_type.total, 4U * 150U) << g;
  }
  EXPECT_TRUE(other_splits) << to_text(four) << to_text(once);
  const std::string text = to_text(four);
  EXPECT_NE(text.find("repeated 4 times"), std::string::npos) << text;
  EXPECT_NE(text.find(fmt::format("{:.1f}/300", four.classifiers[0].all.pooled.mean_correct())), std::string::npos) << text;
  const auto j = to_json(four);
  EXPECT_EQ(j["repeats"], 4);
  EXPECT_EQ(j["classifiers"][0]["all"]["pooled"]["total"], 300);
  // The same result on two threads.
  o.threads = 2;
  EXPECT_EQ(learned_shortcuts(records, o), four);
  // The default is three repetitions.
  EXPECT_EQ(learned_shortcuts(records).repeats, 3U);
}

TEST(Learners, FoldLayoutsDealWholeGroupsEvenly) {
  // Two types: type 0 with 12 groups of two records, type 1 with 7 groups of one.
  std::vector<std::size_t> type, group;
  for (std::size_t g = 0; g < 12; ++g) {
    for (int twice = 0; twice < 2; ++twice) {
      type.push_back(0);
      group.push_back(g);
    }
  }
  for (std::size_t g = 0; g < 7; ++g) {
    type.push_back(1);
    group.push_back(g);
  }
  const auto layouts = fold_layouts(type, group, 5, 4, 99);
  ASSERT_EQ(layouts.size(), 4U);
  for (std::size_t i = 0; i < type.size(); ++i) EXPECT_EQ(layouts[0][i], group[i] % 5) << i;  // layout 0: n mod k
  bool other = false;
  for (const auto& folds : layouts) {
    ASSERT_EQ(folds.size(), type.size());
    std::map<std::pair<std::size_t, std::size_t>, std::size_t> fold_of_group;  // (type, group) -> fold
    std::map<std::pair<std::size_t, std::size_t>, std::set<std::size_t>> groups_in;  // (type, fold) -> groups
    for (std::size_t i = 0; i < type.size(); ++i) {
      ASSERT_LT(folds[i], 5U);
      const auto [it, fresh] = fold_of_group.try_emplace({type[i], group[i]}, folds[i]);
      EXPECT_EQ(it->second, folds[i]) << "a group split between folds, record " << i;
      groups_in[{type[i], folds[i]}].insert(group[i]);
      other = other || folds[i] != layouts[0][i];
    }
    // Dealt in turn: each fold of a type holds its groups / 5, rounded down or up.
    for (std::size_t t = 0; t < 2; ++t) {
      const std::size_t n = t == 0 ? 12 : 7;
      for (std::size_t f = 0; f < 5; ++f) {
        const std::size_t held = groups_in[{t, f}].size();
        EXPECT_TRUE(held == n / 5 || held == n / 5 + 1) << t << " " << f << ": " << held;
      }
    }
  }
  EXPECT_TRUE(other);  // the later layouts are other splits
  EXPECT_EQ(fold_layouts(type, group, 5, 4, 99), layouts);  // the same seed, the same layouts
  EXPECT_NE(fold_layouts(type, group, 5, 4, 100), layouts);
}

TEST(Learners, EveryRepetitionHoldsAStructuresRecordsTogether) {
  // RecordsSharingAStructureAreHeldOutTogether's data, cross-validated five times over: the
  // seeded orders of the later repetitions move whole groups, never a variant apart from its twins.
  std::vector<LearnerRecord> records = told_three_times();
  LearnerOptions o;
  o.repeats = 5;
  const LearnedShortcuts together = learned_shortcuts(records, o);
  for (const auto& l : together.classifiers) EXPECT_LE(l.all.pooled.rate(), 0.62) << l.name << "\n" << to_text(together);
  for (auto& r : records) r.fold_group.reset();
  const LearnedShortcuts apart = learned_shortcuts(records, o);
  EXPECT_GT(learner(apart, "linear").all.pooled.rate(), 0.8) << to_text(apart);
}

TEST(Learners, ExplainOnlyCellsAboveTheirMostCommonAnswer) {
  // 4 in 5 records answer yes, at random: every learner scores about 80% by answering yes, which
  // is no shortcut, so no cell lists features (a fixed 55% threshold listed them all).
  auto skewed = synthetic(400, 5, [](Rng& rng, std::vector<std::string>&) { return rng.chance(4, 5); });
  const LearnedShortcuts s = learned_shortcuts(skewed);
  for (const auto& l : s.classifiers) {
    EXPECT_GT(l.all.pooled.rate(), 0.7) << l.name;
    EXPECT_TRUE(l.all.pooled_top.empty()) << l.name << "\n" << to_text(s);
    for (const auto& [g, c] : l.by_group) EXPECT_TRUE(c.pooled_top.empty() && c.per_type_top.empty()) << l.name << " " << g;
  }
  EXPECT_EQ(to_text(s).find("top features"), std::string::npos) << to_text(s);
  // The same skew with a cue word deciding the answer: listed, as 5 points above 80% is passed.
  auto cued = synthetic(400, 5, [](Rng& rng, std::vector<std::string>& words) {
    const bool yes = rng.chance(4, 5);
    if (!yes) words[rng.below(words.size())] = "cobra";
    return yes;
  });
  const LearnedShortcuts t = learned_shortcuts(cued);
  EXPECT_FALSE(learner(t, "trees").all.pooled_top.empty() && learner(t, "linear").all.pooled_top.empty()) << to_text(t);
}

TEST(Learners, Deterministic) {
  auto records = synthetic(200, 3, [](Rng& rng, std::vector<std::string>& words) {
    return std::find(words.begin(), words.end(), "storm") != words.end() || rng.chance(1, 4);
  });
  for (std::size_t i = 0; i < records.size(); i += 3) {
    records[i].numeric = true;
    records[i].answer = i % 2 == 0 ? "1/2" : "1/4";
    records[i].value = i % 2 == 0 ? 0.5 : 0.25;
  }
  const LearnedShortcuts a = learned_shortcuts(records);
  LearnerOptions two;
  two.threads = 2;
  const LearnedShortcuts b = learned_shortcuts(records, two);
  EXPECT_EQ(a, b);
  EXPECT_EQ(to_text(a), to_text(b));
  EXPECT_EQ(to_json(a).dump(), to_json(b).dump());
  EXPECT_GT(a.numeric.records, 0U);
  EXPECT_EQ(a.numeric.constants.at("all").size(), 2U);
}

TEST(Learners, OptionsAreChecked) {
  LearnerOptions o;
  o.folds = 1;
  EXPECT_THROW((void)learned_shortcuts({}, o), UsageError);
  o.folds = 5;
  o.repeats = 0;
  EXPECT_THROW((void)learned_shortcuts({}, o), UsageError);
  o.repeats = 101;
  EXPECT_THROW((void)learned_shortcuts({}, o), UsageError);
  o.repeats = 1;
  o.enabled = false;
  const LearnedShortcuts s = learned_shortcuts(synthetic(20, 1, [](Rng&, std::vector<std::string>&) { return true; }), o);
  EXPECT_FALSE(s.enabled);
  EXPECT_TRUE(s.classifiers.empty());
  EXPECT_EQ(to_text(s), "");
}

TEST(Learners, FewRecordsAndOneClassDoNotCrash) {
  auto records = synthetic(12, 2, [](Rng&, std::vector<std::string>&) { return true; });
  const LearnedShortcuts s = learned_shortcuts(records);
  ASSERT_EQ(s.classifiers.size(), 2U);
  EXPECT_EQ(s.classifiers[0].all.pooled.records(), 12U);
  EXPECT_EQ(s.classifiers[0].all.pooled.correct, s.classifiers[0].all.pooled.total);  // a single class is always predicted
  EXPECT_TRUE(learned_shortcuts({}).classifiers.empty());
}

/// ../shared beside the checkout; the environment variable RUNG_SHARED_DIR overrides it.
std::filesystem::path shared(const std::string& relative) {
  const char* env = std::getenv("RUNG_SHARED_DIR");
  return std::filesystem::path(env != nullptr && *env != '\0' ? env : RUNG_SHARED_DIR) / relative;
}

TEST(Learners, FindTheNegationRuleOnCounterBench) {
  const auto file = shared("datasets/counterbench/CounterBenchDataset_100.json");
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " is absent";
  std::ifstream in(file);
  AuditOptions options;
  options.verify = false;
  const AuditReport r = audit_dataset(in, options);
  ASSERT_TRUE(r.learned.enabled);
  ASSERT_EQ(r.learned.yes_no_records, 100U);
  // The parity rule decides 95 of the 100 labels. With each structure's five name sets held out
  // together (one text up to the names), 21 groups are left for 5 folds: trees 90/100 (100 when
  // the name sets were split, 7 December 2026); 85 leaves room for a fold's bad luck, far above
  // the 54% majority.
  double best = 0;
  for (const auto& l : r.learned.classifiers) best = std::max(best, l.all.pooled.rate());
  EXPECT_GE(best, 0.85) << to_text(r.learned);
  const LearnerResult& trees = learner(r.learned, "trees");
  bool parity = false;
  for (const auto& f : trees.all.pooled_top) parity = parity || f.feature.find("nots") != std::string::npos;
  EXPECT_TRUE(parity) << to_text(r.learned);
}

TEST(Learners, AuditReportsThemAndCanTurnThemOff) {
  std::ostringstream data;
  for (int i = 0; i < 40; ++i) {
    nlohmann::json j;
    j["question"] = i % 2 == 0 ? "Would Lumbo occur if not Ziklo instead of Ziklo?" : "Would Lumbo occur if Ziklo?";
    j["given_info"] = i % 2 == 0 ? "We know that Ziklo causes not Lumbo." : "We know that Ziklo causes Lumbo.";
    j["answer"] = i % 2 == 0 ? "yes" : "no";
    j["type"] = i % 4 < 2 ? "basic" : "joint";
    data << j.dump() << "\n";
  }
  {
    std::istringstream in(data.str());
    const AuditReport r = audit_dataset(in, {});
    EXPECT_TRUE(r.learned.enabled);
    EXPECT_NE(to_text(r).find("Learned shortcuts on the 40 yes/no records"), std::string::npos) << to_text(r);
    EXPECT_TRUE(to_json(r)["learned_shortcuts"]["enabled"].get<bool>());
    EXPECT_EQ(to_json(r)["learned_shortcuts"]["classifiers"].size(), 2U);
  }
  {
    std::istringstream in(data.str());
    AuditOptions options;
    options.learners.enabled = false;
    const AuditReport r = audit_dataset(in, options);
    EXPECT_FALSE(r.learned.enabled);
    EXPECT_EQ(to_text(r).find("Learned shortcuts"), std::string::npos);
  }
}

}  // namespace
}  // namespace rung
