#include "rung/gen/options.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

std::string problem(GeneratorOptions o) {
  try {
    o.validate();
  } catch (const UsageError& e) {
    return e.what();
  }
  return "ok";
}

TEST(GeneratorOptions, PresetsSetTheKnobsByLevel) {
  EXPECT_EQ(problem(preset_options("counterbench", 1)), "ok");
  EXPECT_EQ(problem(preset_options("counterbench", 5)), "ok");
  EXPECT_LT(preset_options("counterbench", 1).max_variables, preset_options("counterbench", 5).max_variables);
  EXPECT_EQ(preset_options("counterbench", 2).min_variables, 5);
  EXPECT_EQ(preset_options("counterbench", 2).max_variables, 9);
  EXPECT_THROW((void)preset_options("nope"), UsageError);
  EXPECT_THROW((void)preset_options("counterbench", 6), UsageError);
}

TEST(GeneratorOptions, ValidationNamesTheKnob) {
  auto o = preset_options("counterbench");
  o.max_variables = 3;
  EXPECT_EQ(problem(o), "--max-variables (3) must be at least --min-variables (5)");
  o = preset_options("counterbench");
  o.types = {"basic", "weird"};
  EXPECT_EQ(problem(o), "unknown question type 'weird' for the counterbench preset (expected: basic, joint, nested, conditional)");
  o = preset_options("counterbench");
  o.count = 0;
  EXPECT_EQ(problem(o), "--count must be at least 1");
  o = preset_options("counterbench");
  o.mechanisms = {"and", "nand"};
  EXPECT_EQ(problem(o), "unknown mechanism kind 'nand' (expected: and, or, not, copy, xor, threshold, table)");
}

TEST(GeneratorOptions, MechanismKindsArePerPreset) {
  auto o = preset_options("counterbench");
  o.mechanisms = {"and", "table"};
  EXPECT_EQ(problem(o), "mechanism kind 'table' is not used by the counterbench preset (its mechanisms are stated in "
                        "CounterBench's words: and, or, not, copy, xor, threshold)");
  o = preset_options("counterbench");
  o.mechanisms = {"and", "threshold"};
  EXPECT_EQ(problem(o), "mechanism kind 'threshold' (at least k of 3 or more causes) needs --max-in-degree 3 or more, got 2");
  o.max_in_degree = 3;
  EXPECT_EQ(problem(o), "ok");
  o.mechanisms = {"threshold", "not"};
  EXPECT_EQ(problem(o), "--mechanisms threshold,not: 'threshold' needs and, or or xor too, for variables with two causes");
  o = preset_options("counterbench");
  o.mechanisms = {"not", "copy"};  // used to spin forever looking for an item
  EXPECT_EQ(problem(o), "--mechanisms not,copy: the counterbench preset needs a kind that combines two causes (and, or, xor)");
  o = preset_options("cladder");
  o.mechanisms = {"and", "xor"};
  EXPECT_EQ(problem(o), "mechanism kind 'xor' is not used by the cladder preset (its det_counterfactual circuits take and, or, not)");
  o.mechanisms = {"not"};
  EXPECT_EQ(problem(o), "--mechanisms not: the cladder preset needs and or or");
  o = preset_options("ladder", 3);  // multi-valued variables
  o.mechanisms = {"and", "or", "not"};
  EXPECT_EQ(problem(o), "--domain-size 3 needs mechanism kind 'table' (multi-valued variables are given by tables)");
  o.domain_size = 2;
  EXPECT_EQ(problem(o), "ok");
  o.mechanisms = {"not"};
  EXPECT_EQ(problem(o), "--mechanisms not: the ladder preset needs a kind that combines causes (and, or, xor, table)");
}

TEST(GeneratorOptions, CanonicalJsonListsEveryKnobInOrder) {
  const auto j = preset_options("counterbench", 2).to_json();
  EXPECT_EQ(j.dump(),
            "{\"preset\":\"counterbench\",\"seed\":1,\"count\":100,\"difficulty\":2,\"min_variables\":5,"
            "\"max_variables\":9,\"max_in_degree\":2,\"min_path_length\":2,\"domain_size\":2,\"deterministic\":true,"
            "\"mechanisms\":[\"and\",\"or\",\"not\",\"copy\"],\"types\":[\"basic\",\"joint\",\"nested\",\"conditional\"],"
            "\"interventions\":2,\"nesting_depth\":1,\"evidence_count\":1,\"given\":\"model\",\"undetermined_share\":\"0\",\"name_style\":\"nonsense\",\"name_variants\":1}");
}

}  // namespace
}  // namespace rung
