#include "rung/gen/path_rule.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace {

/// A DAG given as (parent, child, negated) arcs over nodes in topological order.
struct Arcs {
  struct Arc {
    int from;
    int to;
    bool negated;
  };
  std::vector<Arc> arcs;
  [[nodiscard]] std::optional<int> reading(int n, int outcome, std::vector<std::pair<int, int>> settings,
                                           std::uint64_t held = 0) const {
    return rung::path_rule_value(n, outcome, settings, held, [&](int w, auto&& f) {
      for (const Arc& a : arcs) {
        if (a.to == w) f(a.from, a.negated);
      }
    });
  }
};

TEST(PathRule, ChainCarriesTheSetValueFlippedByEachNegation) {
  // X -> A -> Y; X=0 .. 3, not on A -> Y.
  Arcs plain{{{0, 1, false}, {1, 2, false}}};
  EXPECT_EQ(plain.reading(3, 2, {{0, 1}}), 1);
  EXPECT_EQ(plain.reading(3, 2, {{0, 0}}), 0);
  Arcs one{{{0, 1, false}, {1, 2, true}}};
  EXPECT_EQ(one.reading(3, 2, {{0, 1}}), 0);
  EXPECT_EQ(one.reading(3, 2, {{0, 0}}), 1);
  Arcs two{{{0, 1, true}, {1, 2, true}}};
  EXPECT_EQ(two.reading(3, 2, {{0, 1}}), 1);
}

TEST(PathRule, TheShortestPathDecidesAndLongerOnesAreIgnored) {
  // X -> Y negated (length 1); X -> A -> B -> Y plain (length 3).
  Arcs g{{{0, 1, false}, {1, 2, false}, {2, 3, false}, {0, 3, true}}};
  EXPECT_EQ(g.reading(4, 3, {{0, 1}}), 0);
}

TEST(PathRule, ShortestPathsThatDisagreeGiveNoReading) {
  // X -> A -> Y and X -> B -> Y, one of them negated.
  Arcs conflict{{{0, 1, false}, {0, 2, false}, {1, 3, false}, {2, 3, true}}};
  EXPECT_EQ(conflict.reading(4, 3, {{0, 1}}), std::nullopt);
  // Both negated once: they agree.
  Arcs agree{{{0, 1, true}, {0, 2, false}, {1, 3, false}, {2, 3, true}}};
  EXPECT_EQ(agree.reading(4, 3, {{0, 1}}), 0);
}

TEST(PathRule, UnreachableOutcomeGivesNoReading) {
  Arcs g{{{0, 1, false}, {2, 3, false}}};
  EXPECT_EQ(g.reading(4, 3, {{0, 1}}), std::nullopt);
}

TEST(PathRule, TheNearestSettingDecidesAndSetVariablesIgnoreTheirCauses) {
  // Joint: X -> A -> Z -> Y with X=1 and Z=0 set: Z is nearer, and X's path stops at Z.
  Arcs g{{{0, 1, false}, {1, 2, false}, {2, 3, false}}};
  EXPECT_EQ(g.reading(4, 3, {{0, 1}, {2, 0}}), 0);
  // Two settings at the same distance with different values: no reading.
  Arcs tie{{{0, 2, false}, {1, 2, false}}};
  EXPECT_EQ(tie.reading(3, 2, {{0, 1}, {1, 0}}), std::nullopt);
  EXPECT_EQ(tie.reading(3, 2, {{0, 1}, {1, 1}}), 1);
}

TEST(PathRule, HeldVariablesBlockPaths) {
  // Nested: X -> Z -> Y (short) and X -> A -> B -> Y (around Z, negated once); Z held.
  Arcs g{{{0, 1, false}, {1, 4, false}, {0, 2, false}, {2, 3, true}, {3, 4, false}}};
  EXPECT_EQ(g.reading(5, 4, {{0, 1}}), 1);
  EXPECT_EQ(g.reading(5, 4, {{0, 1}}, std::uint64_t{1} << 1), 0);
  // No path around the held variable.
  Arcs only{{{0, 1, false}, {1, 2, false}}};
  EXPECT_EQ(only.reading(3, 2, {{0, 1}}, std::uint64_t{1} << 1), std::nullopt);
}

TEST(PathRule, RejectsNodesOutOfRange) {
  Arcs g{};
  EXPECT_THROW((void)g.reading(65, 1, {{0, 1}}), std::invalid_argument);
  EXPECT_THROW((void)g.reading(3, 3, {{0, 1}}), std::invalid_argument);
  EXPECT_THROW((void)g.reading(3, 2, {{5, 1}}), std::invalid_argument);
}

}  // namespace
