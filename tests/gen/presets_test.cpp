// The cladder and ladder presets: every record re-verifies by enumeration under its decision
// rule, answers are balanced within each type, and the shortcut baselines stay near chance on
// 2,000 ladder items (the figures, asserted; cladder's on 3,000 items in
// ShortcutCeilings.Cladder, preset_balance.hpp).
#include "rung/gen/cladder.hpp"
#include "rung/gen/generator.hpp"
#include "rung/gen/merge.hpp"
#include "rung/gen/ladder.hpp"
#include "rung/gen/observed.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/scm_json.hpp"
#include "rung/query/decision.hpp"

#include "generated.hpp"
#include "preset_balance.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <set>
#include <sstream>

namespace rung {
namespace {

using testing::generated_records;
using testing::Shortcuts;
using testing::shortcuts;

std::vector<nlohmann::json> generate(const GeneratorOptions& o, unsigned threads = 2) {
  return generated_records(o, threads);
}

std::vector<nlohmann::json> generate(const std::string& preset, std::uint64_t count, int level = 2, unsigned threads = 2) {
  return generated_records(preset, count, level, threads);
}

/// Re-solves a record by enumeration and checks value, answer (under its decision) and rung.
void expect_reverifies(const nlohmann::json& r) {
  const Scm m = scm_from_json(r["model"]);
  const Query q = parse_query(r["formal_query"].get<std::string>(), m);
  const Rational value = solve(m, q, {.method = Method::enumeration}).value;
  EXPECT_EQ(to_string(value), r["value"]["fraction"]) << r["id"];
  if (r.contains("decision")) {
    EXPECT_EQ(parse_decision(r["decision"].get<std::string>()).answer(value), r["answer"]) << r["id"];
  } else {
    EXPECT_EQ(to_string(value), r["answer"]) << r["id"];
  }
  EXPECT_EQ(rung_of(q), r["rung"]) << r["id"];
}

TEST(Presets, CladderRecordsReverifyUnderTheirDecision) {
  const auto rs = generate("cladder", 40);
  ASSERT_EQ(rs.size(), 40U);
  std::set<std::string> types;
  for (const auto& r : rs) {
    expect_reverifies(r);
    types.insert(r["query_type"]);
    EXPECT_TRUE(r["meta"].contains("graph_id"));
    EXPECT_TRUE(r["meta"].contains("polarity"));
    // det_counterfactual states a circuit; backdoor_set, like CLadder's backadj, only the graph.
    if (r["query_type"] != "det_counterfactual" && r["query_type"] != "backdoor_set") {
      EXPECT_NE(r["prompt"].get<std::string>().find('%'), std::string::npos) << "probabilities are stated in the text";
    }
  }
  EXPECT_EQ(types.size(), cladder_query_types().size());
}

/// Every probability the cladder text states ("For those who are not A and are B, the
/// probability of C is 36%.", "The probability of not A and C is 8%.") is the model's probability,
/// solved exactly: equal when the text states the model (--given model), rounded to a whole
/// percent when it states observed quantities (the default).
void expect_stated_probabilities_solve(const std::vector<nlohmann::json>& records, bool observed) {
  int checked = 0;
  for (const auto& r : records) {
    if (r["query_type"] == "det_counterfactual") continue;
    EXPECT_EQ(r.contains("identification"), observed && r["query_type"] != "backdoor_set") << r["id"];
    const Scm m = scm_from_json(r["model"]);
    std::string info = r["given_info"];
    auto literal = [](const std::string& lit) { return lit.rfind("not ", 0) == 0 ? lit.substr(4) + "=0" : lit + "=1"; };
    for (std::size_t at = info.find("probability of "); at != std::string::npos; at = info.find("probability of ", at + 1)) {
      const std::size_t start = info.rfind(". ", at) == std::string::npos ? 0 : info.rfind(". ", at) + 2;
      const std::string sentence = info.substr(start, info.find('.', at) - start);
      const std::string pct = sentence.substr(sentence.rfind(' ') + 1);
      const Rational stated = parse_rational(pct.substr(0, pct.size() - 1)) / 100;
      std::string formal;
      if (sentence.rfind("The probability of ", 0) == 0) {
        // "The probability of not A and C is p%": P(A=0, C=1).
        const std::string what = sentence.substr(19, sentence.rfind(" is ") - 19);
        std::vector<std::string> parts;
        for (std::size_t pos = 0; pos <= what.size();) {
          std::size_t end = what.find(" and ", pos);
          if (end == std::string::npos) end = what.size();
          parts.push_back(literal(what.substr(pos, end - pos)));
          pos = end + 5;
        }
        formal = "P(" + fmt::format("{}", fmt::join(parts, ", ")) + ")";
      } else {
        // "The overall probability of V is p%" or "For those who are [not] A and are [not] B, the probability of V is p%"
        std::vector<std::string> evidence;
        const std::string who = sentence.rfind("For those who are ", 0) == 0 ? sentence.substr(18, sentence.find(", the") - 18) : "";
        for (std::size_t pos = 0; !who.empty() && pos <= who.size();) {
          std::size_t end = who.find(" and are ", pos);
          if (end == std::string::npos) end = who.size();
          evidence.push_back(literal(who.substr(pos, end - pos)));
          pos = end + 9;
        }
        const std::size_t of = sentence.find("probability of ") + 15;
        const std::string var = sentence.substr(of, sentence.find(" is ", of) - of);
        formal = "P(" + var + "=1";
        for (std::size_t k = 0; k < evidence.size(); ++k) formal += (k == 0 ? " | " : ", ") + evidence[k];
        formal += ")";
      }
      const Rational solved = solve(m, parse_query(formal, m), {.method = Method::enumeration}).value;
      EXPECT_EQ(observed ? whole_percent(solved) : solved, stated) << r["id"] << ": " << sentence;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(Presets, CladderTextStatesTheModelsConditionalProbabilities) {
  expect_stated_probabilities_solve(generate("cladder", 30), true);
  GeneratorOptions o = preset_options("cladder", 2);
  o.count = 30;
  o.seed = 1;
  o.given = "model";
  o.undetermined_share = "0";
  expect_stated_probabilities_solve(testing::generated_records(o), false);
}

TEST(Presets, LadderRecordsReverifyAndMixNumericAndYesNoAnswers) {
  const auto rs = generate("ladder", 48);
  ASSERT_EQ(rs.size(), 48U);
  int numeric = 0;
  int deep = 0;
  for (const auto& r : rs) {
    expect_reverifies(r);
    numeric += r.contains("decision") ? 0 : 1;
    if (r["query_type"] == "nested") deep += r["difficulty"]["nesting_depth"].get<int>() >= 3 ? 1 : 0;
  }
  EXPECT_GT(numeric, 16);
  EXPECT_LT(numeric, 40);
  EXPECT_EQ(deep, 4);  // every nested item at level 2 is nested three deep
}

// The cladder preset's balance on 3,000 items is asserted by ShortcutCeilings.Cladder
// (tests/check/shortcut_ceilings_test.cpp, expect_cladder_balance in preset_balance.hpp), on the
// same generated set as its learned shortcuts: one generation instead of two under ASan.

TEST(Presets, TwoThousandLadderItemsAreBalancedAndShortcutsStayNearChance) {
  const auto rs = generate("ladder", 2000);
  ASSERT_EQ(rs.size(), 2000U);
  std::set<std::string> structures;
  for (const auto& r : rs) structures.insert(r["structure"]);
  EXPECT_EQ(structures.size(), 2000U);
  const Shortcuts s = shortcuts(rs);
  EXPECT_GT(s.yes_no, 500);
  for (const auto& [type, counts] : s.yes_by_type) {
    EXPECT_LE(std::abs(2 * counts.first - counts.second), 1) << type;  // yes share 50%, up to one item
  }
  EXPECT_GE(s.share("negation_parity"), 0.45);
  EXPECT_LE(s.share("negation_parity"), 0.55);
  for (const auto& [rule, right] : s.agree) {
    EXPECT_LE(s.share(rule), 0.60) << rule << ": " << right << "/" << s.yes_no;
  }
}

TEST(Presets, ByteIdenticalForAnyThreadCountAndShardsMerge) {
  for (const std::string preset : {"cladder", "ladder"}) {
    GeneratorOptions o = preset_options(preset);
    o.count = 30;
    o.seed = 5;
    auto text = [&](unsigned threads, std::uint64_t shard, std::uint64_t shards) {
      return testing::generated_text(o, threads, shard, shards);
    };
    const std::string whole = text(1, 1, 1);
    EXPECT_EQ(text(3, 1, 1), whole) << preset;
    EXPECT_EQ(testing::merged_text({text(2, 1, 3), text(1, 2, 3), text(2, 3, 3)}), whole) << preset;
  }
}

TEST(Presets, EveryDifficultyLevelGenerates) {
  for (const std::string preset : {"cladder", "ladder"}) {
    for (int level = 1; level <= 5; ++level) {
      const auto rs = generate(preset, 24, level);
      ASSERT_EQ(rs.size(), 24U) << preset << " " << level;
      for (const auto& r : rs) EXPECT_EQ(r["difficulty"]["level"], level);
    }
  }
}

// "At least k of" mechanisms: in the counterbench preset the bit-parallel simulation that picks
// candidates must agree with the exact solves (the generator throws otherwise), the text states
// them, and every record re-verifies; the ladder preset writes them as boolean expressions.
TEST(Presets, ThresholdMechanisms) {
  GeneratorOptions o = preset_options("counterbench");
  o.mechanisms = {"and", "or", "not", "copy", "threshold"};
  o.max_in_degree = 3;
  o.count = 120;
  const auto cb = generate(o);
  ASSERT_EQ(cb.size(), 120U);
  int stated = 0;
  for (const auto& r : cb) {
    expect_reverifies(r);
    stated += r["given_info"].get<std::string>().find("at least two of") != std::string::npos ? 1 : 0;
  }
  EXPECT_GT(stated, 20);
  o = preset_options("ladder", 2);  // binary variables (a table's inputs stay tables)
  o.max_in_degree = 4;
  o.mechanisms.emplace_back("threshold");
  o.count = 60;
  int written = 0;
  for (const auto& r : generate(o)) {
    expect_reverifies(r);
    written += r["given_info"].get<std::string>().find(") or (") != std::string::npos ? 1 : 0;
  }
  EXPECT_GT(written, 5);
}

// --deterministic ladder models: noise only on the roots (and the hidden confounder); every other
// variable is a function of its causes.
TEST(Presets, DeterministicLadderModelsHaveNoiseOnRootsOnly) {
  GeneratorOptions o = preset_options("ladder");
  o.deterministic = true;
  o.count = 60;
  const auto rs = generate(o);
  ASSERT_EQ(rs.size(), 60U);
  for (const auto& r : rs) {
    expect_reverifies(r);
    const Scm m = scm_from_json(r["model"]);
    for (VarId v : m.endogenous()) {
      const std::string own_noise = "U_" + m.name(v);
      const bool has_noise = m.find(own_noise).has_value();
      const auto parents = m.dag().parents(v);
      const bool root = std::all_of(parents.begin(), parents.end(), [&](VarId p) { return m.is_exogenous(p); });
      EXPECT_EQ(has_noise, root) << r["id"] << " " << m.name(v);
    }
    EXPECT_NE(r["prompt"].get<std::string>().find("when it has no causes"), std::string::npos);
  }
}

TEST(Presets, KnobsOutsideAPresetsRangeAreUsageErrors) {
  auto o = preset_options("cladder");
  o.types = {"ate", "joint"};
  EXPECT_THROW(o.validate(), UsageError);
  o = preset_options("cladder");
  o.deterministic = true;
  EXPECT_THROW(o.validate(), UsageError);
  o = preset_options("ladder");
  o.nesting_depth = 5;
  EXPECT_THROW(o.validate(), UsageError);
  o.nesting_depth = 4;
  o.domain_size = 3;
  EXPECT_NO_THROW(o.validate());
  o = preset_options("counterbench");
  o.domain_size = 3;
  EXPECT_THROW(o.validate(), UsageError);
}

}  // namespace
}  // namespace rung
