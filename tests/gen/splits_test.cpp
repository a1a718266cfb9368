// Leak-free splits (`rung generate --splits`, GeneratorOptions::splits): each record names its
// split, the sizes are exact, no structure is in two splits, name variants stay together, and the
// output is the same bytes for any thread count and for shards merged; without --splits nothing
// changes. The audit's cross-split overlap report finds a planted overlap.

#include "rung/check/audit.hpp"
#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/options.hpp"

#include "generated.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace rung {
namespace {

using Splits_ = std::vector<std::pair<std::string, std::uint64_t>>;

/// (split, structure) of each line of `text`.
std::vector<std::pair<std::string, std::string>> split_and_structure(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    out.emplace_back(j.value("split", std::string("(none)")), j.at("structure").get<std::string>());
  }
  return out;
}

GeneratorOptions with_splits(const std::string& preset, int level, const std::string& splits) {
  GeneratorOptions o = preset_options(preset, level);
  o.splits = parse_splits(splits);
  o.count = 0;
  for (const auto& s : o.splits) o.count += s.second;
  o.validate();
  return o;
}

std::string usage_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Splits, ParseKeepsTheOrderAndNamesEveryMistake) {
  EXPECT_EQ(parse_splits("train=8,validation=1,test=1"), (Splits_{{"train", 8}, {"validation", 1}, {"test", 1}}));
  EXPECT_EQ(splits_text(parse_splits("test=3,train=5")), "test=3,train=5");
  EXPECT_NE(usage_error([] { (void)parse_splits("train"); }).find("expected NAME=COUNT"), std::string::npos);
  EXPECT_NE(usage_error([] { (void)parse_splits("train=8,train=2"); }).find("named twice"), std::string::npos);
  EXPECT_NE(usage_error([] { (void)parse_splits("train=-1"); }).find("whole number"), std::string::npos);
  EXPECT_NE(usage_error([] { (void)parse_splits("train=0"); }).find("at least 1"), std::string::npos);
  EXPECT_NE(usage_error([] { (void)parse_splits("tr ain=3"); }).find("split name"), std::string::npos);
  EXPECT_NE(usage_error([] { (void)parse_splits("train=3,"); }).find("expected NAME=COUNT"), std::string::npos);
}

TEST(Splits, CountsMustAddUpAndKeepNameVariantsTogether) {
  GeneratorOptions o = preset_options("counterbench", 1);
  o.count = 10;
  o.splits = parse_splits("train=8,test=1");
  EXPECT_NE(usage_error([&] { o.validate(); }).find("must add up"), std::string::npos);
  o.splits = parse_splits("train=7,test=3");
  o.name_variants = 2;
  EXPECT_NE(usage_error([&] { o.validate(); }).find("not a multiple of --name-variants 2"), std::string::npos);
  o.splits = parse_splits("train=6,test=4");
  EXPECT_NO_THROW(o.validate());
  EXPECT_EQ(o.split_of(0), "train");
  EXPECT_EQ(o.split_of(5), "train");
  EXPECT_EQ(o.split_of(6), "test");
  EXPECT_EQ(o.split_of(9), "test");
}

TEST(Splits, OptionsRoundTripThroughMetaOptionsInOrder) {
  GeneratorOptions o = with_splits("counterbench", 1, "validation=2,train=6,test=2");
  const std::string text = o.to_json().dump();
  EXPECT_NE(text.find(R"("splits":"validation=2,train=6,test=2")"), std::string::npos) << text;
  const GeneratorOptions back = GeneratorOptions::from_json(nlohmann::json::parse(text));
  EXPECT_EQ(back.splits, o.splits);
  EXPECT_EQ(back.to_json().dump(), text);
  // Without splits, the options (and so every record) are what they were.
  EXPECT_FALSE(preset_options("counterbench", 1).to_json().contains("splits"));
}

TEST(Splits, CounterbenchItemsShareNoStructureAcrossSplits) {
  // Level 1: its small models repeat more often than level 2's (4 of these 1,000 items are
  // redrawn for a repeated structure, against about 1 in 2,000 at level 2), so the check below is
  // not empty: the redraws are counted. (Until 6 December 2026: 10,000 items at level 2.)
  const GeneratorOptions o = with_splits("counterbench", 1, "train=800,validation=100,test=100");
  const std::string text = testing::generated_text(o, 2);
  const auto records = split_and_structure(text);
  ASSERT_EQ(records.size(), 1000U);
  std::map<std::string, std::size_t> sizes;
  std::map<std::string, std::set<std::string>> splits_of;
  for (std::size_t i = 0; i < records.size(); ++i) {
    ++sizes[records[i].first];
    splits_of[records[i].second].insert(records[i].first);
    // Contiguous: the first 800 items are train, then validation, then test.
    EXPECT_EQ(records[i].first, i < 800 ? "train" : i < 900 ? "validation" : "test") << i;
  }
  EXPECT_EQ(sizes, (std::map<std::string, std::size_t>{{"train", 800}, {"validation", 100}, {"test", 100}}));
  std::size_t shared = 0;
  for (const auto& [structure, splits] : splits_of) shared += splits.size() > 1 ? 1 : 0;
  EXPECT_EQ(shared, 0U);
  EXPECT_EQ(splits_of.size(), 1000U);
  const Generator gen(o);
  std::istringstream in(text);
  int redrawn = 0;
  std::string line;
  for (std::uint64_t i = 0; std::getline(in, line); ++i) {
    const auto attempt = gen.attempt_of(i, std::stoull(nlohmann::json::parse(line)["seed"].get<std::string>()));
    ASSERT_TRUE(attempt.has_value()) << i;
    redrawn += *attempt > 0 ? 1 : 0;
  }
  EXPECT_GT(redrawn, 0);  // 4 of the 1,000 on 6 December 2026
}

TEST(Splits, NameVariantsOfAStructureStayInOneSplit) {
  GeneratorOptions o = with_splits("counterbench", 1, "train=12,validation=4,test=4");
  o.name_variants = 2;
  o.validate();
  const auto records = split_and_structure(testing::generated_text(o));
  ASSERT_EQ(records.size(), 20U);
  std::map<std::string, std::set<std::string>> splits_of;
  for (const auto& [split, structure] : records) splits_of[structure].insert(split);
  EXPECT_EQ(splits_of.size(), 10U);  // two records (variants) a structure
  for (const auto& [structure, splits] : splits_of) EXPECT_EQ(splits.size(), 1U) << structure;
}

TEST(Splits, SameBytesForAnyThreadsAndForShardsMerged) {
  // Level-1 counterbench with 200 items: shards repeat each other's structures, so the merge
  // redraws some items (2 with this seed); their records carry their split too. (400 items,
  // seed 3 and then 9, until 6 December 2026: twice the time under ASan.)
  GeneratorOptions o = with_splits("counterbench", 1, "train=150,validation=25,test=25");
  o.seed = 8;
  const std::string whole = testing::generated_text(o, 1);
  EXPECT_EQ(testing::generated_text(o, 3), whole);
  std::vector<std::string> parts;
  for (std::uint64_t i = 1; i <= 8; ++i) parts.push_back(testing::generated_text(o, 2, i, 8));
  MergeReport report;
  EXPECT_EQ(testing::merged_text(parts, &report), whole);
  EXPECT_FALSE(report.redrawn.empty());
  // Without --splits the same run has no split field and is otherwise the same record.
  GeneratorOptions plain = o;
  plain.splits.clear();
  const std::string first_plain = testing::generated_text([&] {
    GeneratorOptions one = plain;
    one.count = 1;
    return one;
  }());
  EXPECT_EQ(first_plain.find("\"split\""), std::string::npos);
  const auto with = rung::ordered_json::parse(whole.substr(0, whole.find('\n')));
  const auto without = rung::ordered_json::parse(first_plain.substr(0, first_plain.find('\n')));
  EXPECT_EQ(with.at("split"), "train");
  EXPECT_EQ(with.at("structure"), without.at("structure"));
  EXPECT_EQ(with.at("prompt"), without.at("prompt"));
}

TEST(SplitsAudit, ReportsNoOverlapOnAGeneratedRunAndFindsAPlantedOne) {
  const GeneratorOptions o = with_splits("counterbench", 1, "train=30,test=10");
  std::string text = testing::generated_text(o);
  AuditOptions a;
  a.verify = false;
  a.learners.enabled = false;
  {
    std::istringstream in(text);
    const AuditReport r = audit_dataset(in, a);
    EXPECT_EQ(r.splits.with_split, 40U);
    const std::vector<std::pair<std::string, std::size_t>> expected{{"train", 30}, {"test", 10}};
    EXPECT_EQ(r.splits.records, expected);
    EXPECT_EQ(r.splits.shared_structures, 0U);
    EXPECT_EQ(to_text(r).find("structures in more than one split: 0 (0 records)") != std::string::npos, true) << to_text(r);
  }
  // Plant: the third train record again, as a test record (another id).
  std::istringstream lines(text);
  std::string line;
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  auto planted = rung::ordered_json::parse(all[2]);
  planted["id"] = "planted";
  planted["split"] = "test";
  text += planted.dump() + "\n";
  std::istringstream in(text);
  const AuditReport r = audit_dataset(in, a);
  EXPECT_EQ(r.splits.shared_structures, 1U);
  EXPECT_EQ(r.splits.leaked_records, 2U);
  ASSERT_EQ(r.splits.shared.size(), 1U);
  EXPECT_EQ(r.splits.shared[0].line, 41U);
  EXPECT_EQ(r.splits.shared[0].id, "planted");
  EXPECT_EQ(r.splits.shared[0].split, "test");
  EXPECT_EQ(r.splits.shared[0].first_line, 3U);
  EXPECT_EQ(r.splits.shared[0].first_split, "train");
  const auto j = to_json(r);
  EXPECT_EQ(j.at("splits").at("leaked_records"), 2);
  EXPECT_EQ(j.at("splits").at("by_split").at("test").at("records"), 11);
  EXPECT_NE(to_text(r).find("line 41 (id planted) in test shares structure"), std::string::npos) << to_text(r);
}

TEST(SplitsAudit, RecordsWithoutSplitsHaveNoSplitSection) {
  GeneratorOptions o = preset_options("counterbench", 1);
  o.count = 8;
  std::istringstream in(testing::generated_text(o));
  AuditOptions a;
  a.verify = false;
  a.learners.enabled = false;
  const AuditReport r = audit_dataset(in, a);
  EXPECT_EQ(r.splits.with_split, 0U);
  EXPECT_FALSE(to_json(r).contains("splits"));
  EXPECT_EQ(to_text(r).find("Splits"), std::string::npos);
}

}  // namespace
}  // namespace rung
