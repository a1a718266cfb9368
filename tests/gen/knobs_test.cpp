#include "rung/gen/knobs.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

TEST(GeneratorKnobs, UnsetKnobsAreThePresetsAtTheLevel) {
  GeneratorKnobs k;
  k.preset = "cladder";
  k.difficulty = 3;
  k.count = 12;
  k.seed = 5;
  GeneratorOptions expected = preset_options("cladder", 3);
  expected.count = 12;
  expected.seed = 5;
  EXPECT_EQ(k.options().to_json(), expected.to_json());
}

TEST(GeneratorKnobs, SetKnobsOverrideTheLevel) {
  GeneratorKnobs k;
  k.max_variables = 6;
  k.types = {"basic"};
  k.name_style = "letters";
  const GeneratorOptions o = k.options();
  EXPECT_EQ(o.max_variables, 6);
  EXPECT_EQ(o.types, std::vector<std::string>{"basic"});
  EXPECT_EQ(o.name_style, NameStyle::letters);
}

TEST(GeneratorKnobs, GivenModelMeansNothingUndeterminedUnlessAsked) {
  GeneratorKnobs k;
  k.preset = "cladder";
  k.given = "model";
  EXPECT_EQ(k.options().undetermined_share, "0");
  k.given = "observed";
  EXPECT_EQ(k.options().undetermined_share, preset_options("cladder").undetermined_share);
}

TEST(GeneratorKnobs, BadValuesNameTheKnob) {
  GeneratorKnobs k;
  k.name_style = "klingon";
  try {
    (void)k.options();
    FAIL() << "no error";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--name-style klingon: expected nonsense, letters or words");
  }
  GeneratorKnobs both;
  both.deterministic = both.noisy = true;
  EXPECT_THROW((void)both.options(), UsageError);
}

TEST(GeneratorKnobs, Shards) {
  EXPECT_EQ(parse_shard("2/3"), (std::pair<std::uint64_t, std::uint64_t>{2, 3}));
  EXPECT_THROW((void)parse_shard("0/3"), UsageError);
  EXPECT_THROW((void)parse_shard("4/3"), UsageError);
  EXPECT_THROW((void)parse_shard("2/"), UsageError);
  EXPECT_THROW((void)parse_shard("x"), UsageError);
}

}  // namespace
}  // namespace rung
