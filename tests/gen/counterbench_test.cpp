// The counterbench preset computes the answers of the wrong procedures itself, by counting on
// its circuits (src/gen/counterbench.cpp); the generator writes those values. Here every value
// is compared with distractors(), which rewrites the query and solves it by variable
// elimination: the two must agree exactly, procedure by procedure and in the same order.
#include "rung/gen/counterbench.hpp"

#include "rung/gen/distractors.hpp"
#include "rung/gen/options.hpp"
#include "rung/query/query.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>

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

}  // namespace
}  // namespace rung
