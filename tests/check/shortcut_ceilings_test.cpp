// The learned-shortcut ceilings of issue #12, asserted on rung's own presets: the audit's
// cross-validated learners (learners.hpp) run on generated datasets with fixed seeds, so every
// figure is deterministic and a regression in a preset's balance fails here.
#include "rung/check/audit.hpp"
#include "rung/gen/generator.hpp"

#include "../gen/generated.hpp"
#include "../gen/preset_balance.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace rung {
namespace {

/// The generator's text for `count` items of `preset` at level 2, seed 1.
std::string preset_text(const std::string& preset, std::uint64_t count) {
  GeneratorOptions o = preset_options(preset, 2);
  o.count = count;
  o.seed = 1;
  return testing::generated_text(o, 2);
}

AuditReport audit_text(const std::string& text) {
  std::stringstream data(text);
  AuditOptions options;
  options.verify = false;  // re-verification is tested elsewhere; this is about the labels
  options.threads = 2;
  return audit_dataset(data, options);
}

AuditReport audit_preset(const std::string& preset, std::uint64_t count) { return audit_text(preset_text(preset, count)); }

/// Every learner's best cell (pooled or per-type) overall at most `overall`, and in each type at
/// most `per_type`, except the types in `known_gaps`, which have their own ceiling
/// (documented in docs/generator.md).
void expect_ceilings(const AuditReport& report, double overall, double per_type,
                     const std::map<std::string, double>& known_gaps = {}) {
  ASSERT_TRUE(report.learned.enabled);
  ASSERT_EQ(report.learned.classifiers.size(), 2U);
  for (const LearnerResult& learner : report.learned.classifiers) {
    EXPECT_LE(learner.all.best().rate(), overall) << learner.name << " overall";
    for (const auto& [type, cell] : learner.by_group) {
      const auto gap = known_gaps.find(type);
      EXPECT_GT(cell.best().records(), 100U) << learner.name << " " << type;
      EXPECT_LE(cell.best().rate(), gap == known_gaps.end() ? per_type : gap->second)
          << learner.name << " " << type << ": " << cell.best().correct << "/" << cell.best().total;
    }
  }
}

TEST(ShortcutCeilings, Counterbench) {
  expect_ceilings(audit_preset("counterbench", 3000), 0.58, 0.60);
}

TEST(ShortcutCeilings, Ladder) {
  // 6,000 items: a third are yes/no, 250 per type.
  const AuditReport report = audit_preset("ladder", 6000);
  expect_ceilings(report, 0.58, 0.60);
  // A constant answer is exactly right on at most 15% of a type's fraction items.
  for (const auto& [type, shares] : report.learned.numeric.constants) {
    if (type == "all") continue;
    const std::size_t records = report.learned.numeric.by_group.at(type).records;
    for (const ConstantShare& share : shares) {
      EXPECT_LE(static_cast<double>(share.records), 0.15 * static_cast<double>(records))
          << type << ": '" << share.answer << "' right on " << share.records << " of " << records;
    }
  }
}

TEST(ShortcutCeilings, Cladder) {
  // Every type under 60% at the default level; levels 1-5 are checked by the heavy suite
  // (tests/heavy/heavy.sh, shortcut_ceilings_levels). The two last gaps closed by balancing
  // `marginal` against the P(X)-weighted reading and det_counterfactual within the visible
  // classes of Y's clause (docs/generator.md).
  // Stated in observed quantities (the default since issue #18), ate, ett, nde and nie have a
  // third answer, undetermined, on 1 item in 6 (majority class 41.7%). Every item of those types
  // hides one variable and its graph offers both classes with statements of the same form (how
  // many numbers, whether P(X) is stated, how many conditions Y's numbers have), so neither the
  // graph's family nor the statement's form, cross-validated as the learners are, predicts better
  // than the majority class plus 5 points. The readings of the stated numbers that these types
  // balance agree with the answer equally often at every distance from 0 (reading_classes in
  // cladder.cpp). The audit reads where the unobserved variable sits (unobserved_common_cause
  // and its kin); ate and ett hide a cause of X in both classes, and a hidden common cause of X
  // and Y is a candidate in one draw in 8 (ate: 16), for both classes (docs/generator.md, "Where
  // the hidden variable sits"). The trees' best cells on those types are 47.3 / 41.7 / 42.7 /
  // 43.3% here (seeds 2 and 3: at most 44.7 / 44.3 / 44.7 / 45.7%; before those two changes 52.3 /
  // 57.3% on ate / ett here, which this test fails); the ceiling below leaves room
  // for the learners' noise at 300 items. The model register (--given
  // model) is not audited here: cladder_test.cpp asserts its readings' balance. docs/generator.md
  // states the gaps.
  // The same 3,000 items carry the preset's balance by construction (preset_balance.hpp).
  const std::string text = testing::default_cladder_text(3000);  // the CTest fixture's file, when run by CTest
  {
    std::vector<nlohmann::json> records;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) records.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(records.size(), 3000U);
    testing::expect_cladder_balance(records);
  }
  const AuditReport report = audit_text(text);
  expect_ceilings(report, 0.58, 0.60, {{"ate", 0.50}, {"ett", 0.50}, {"nde", 0.50}, {"nie", 0.50}});
  // The two cross-validated lookups: on the four types together (1,200 items, one standard error
  // 1.4 points) at most the majority plus 5 points; on each type's 300 (2.9 points, and the
  // lookup's cells flip between folds) at most 50%. On 3,000 items of each of the four types
  // (seed 1) both are at 40-44% per type.
  for (const char* name : {"graph_shape_cv", "statement_form_cv"}) {
    const Baseline* shape = nullptr;
    for (const Baseline& b : report.yes_no.baselines) {
      if (b.name == name) shape = &b;
    }
    ASSERT_NE(shape, nullptr) << name;
    std::size_t correct = 0;
    std::size_t total = 0;
    for (const char* type : {"ate", "ett", "nde", "nie"}) {
      const Accuracy& a = shape->by_type.at(type);
      EXPECT_LE(a.rate(), 0.50) << name << " " << type << ": " << a.correct << "/" << a.total;
      correct += a.correct;
      total += a.total;
    }
    EXPECT_LE(static_cast<double>(correct), (125.0 / 300 + 0.05) * static_cast<double>(total)) << name << ": " << correct << "/" << total;
  }
  // Every answer follows from the numbers the text shows (the 300 backdoor_set and 300
  // det_counterfactual items state none; the 200 undetermined ones are decided by the graph).
  EXPECT_EQ(report.from_text.records, 2400U);
  EXPECT_EQ(report.from_text.not_decided, 0U);
  EXPECT_EQ(report.from_text.all.at("undetermined"), 200U);
}

}  // namespace
}  // namespace rung
