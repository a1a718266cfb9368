// The ladder preset's text and answers (issue #12): a fraction answer of exactly 0 or ±1 is rare
// in every type, and the mechanisms as the prompt states them (negations parenthesised wherever
// another operator meets them) read back to the model's mechanisms.
#include "rung/gen/generator.hpp"
#include "rung/gen/ladder.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include "generated.hpp"

#include <gtest/gtest.h>

#include <map>
#include "../std_regex.hpp"
#include <sstream>

namespace rung {
namespace {

std::vector<nlohmann::json> ladder_items(std::uint64_t count, int level) {
  return testing::generated_records("ladder", count, level);
}

TEST(Ladder, FractionAnswersOfZeroOrOneAreRareInEveryType) {
  std::map<std::string, std::pair<int, int>> by_type;  // type -> (0 or ±1, fraction items)
  for (const auto& r : ladder_items(2400, 2)) {
    const std::string answer = r["answer"];
    if (answer == "yes" || answer == "no") continue;
    auto& [extreme, all] = by_type[r["query_type"]];
    extreme += answer == "0" || answer == "1" || answer == "-1" ? 1 : 0;
    ++all;
  }
  EXPECT_EQ(by_type.size(), ladder_query_types().size());
  for (const auto& [type, counts] : by_type) {
    EXPECT_GE(counts.second, 80) << type;
    EXPECT_LE(counts.first, 0.15 * counts.second) << type << ": " << counts.first << "/" << counts.second;
  }
}

/// Every exogenous assignment gives the same values of the endogenous variables in both models.
void expect_same_worlds(const Scm& a, const Scm& b, const std::string& id) {
  const auto us = a.exogenous();
  ASSERT_EQ(us.size(), b.exogenous().size()) << id;
  ASSERT_LE(us.size(), 16U) << id;
  for (std::uint32_t bits = 0; bits < (1U << us.size()); ++bits) {
    std::vector<Value> va(a.size(), 0);
    std::vector<Value> vb(b.size(), 0);
    for (std::size_t i = 0; i < us.size(); ++i) {
      va[us[i]] = (bits >> i) & 1U;
      vb[*b.find(a.name(us[i]))] = (bits >> i) & 1U;
    }
    for (VarId v : a.evaluation_order()) {
      if (!a.is_exogenous(v)) va[v] = a.mechanism(v).evaluate(va);
    }
    for (VarId v : b.evaluation_order()) {
      if (!b.is_exogenous(v)) vb[v] = b.mechanism(v).evaluate(vb);
    }
    for (VarId v : a.endogenous()) ASSERT_EQ(va[v], vb[*b.find(a.name(v))]) << id << ": " << a.name(v);
  }
}

TEST(Ladder, StatedMechanismsAreUnambiguousAndReadBackToTheModel) {
  // Mixed operators: a `not` next to and/or/xor must sit in parentheses with its operand.
  const std::regex bare_not_then_op(R"(\bnot \w+ (and|or|xor)\b)");
  const std::regex op_then_bare_not(R"(\b(and|or|xor) not\b)");
  const std::regex mechanism(R"((\w+) := ([^.]+)\.)");
  const std::regex prior(R"((U_\w+) is 1 with probability ([0-9/]+)\.)");
  int checked = 0;
  for (const auto& r : ladder_items(300, 2)) {
    const std::string info = r["given_info"];
    EXPECT_FALSE(std::regex_search(info, bare_not_then_op)) << r["id"] << ": " << info;
    EXPECT_FALSE(std::regex_search(info, op_then_bare_not)) << r["id"] << ": " << info;
    if (info.find("by this table") != std::string::npos) continue;  // tables are not expressions
    std::string text;
    for (std::sregex_iterator it(info.begin(), info.end(), prior), end; it != end; ++it) {
      text += "exogenous " + (*it)[1].str() + " ~ Bernoulli(" + (*it)[2].str() + ")\n";
    }
    for (std::sregex_iterator it(info.begin(), info.end(), mechanism), end; it != end; ++it) {
      text += (*it)[1].str() + " := " + (*it)[2].str() + "\n";
    }
    expect_same_worlds(scm_from_json(r["model"]), read_scm_text(text), r["id"]);
    ++checked;
  }
  EXPECT_GT(checked, 50);
}

}  // namespace
}  // namespace rung
