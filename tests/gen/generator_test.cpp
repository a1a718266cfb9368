#include "rung/gen/generator.hpp"
#include "rung/gen/merge.hpp"

#include "rung/infer/solver.hpp"
#include "rung/io/scm_json.hpp"

#include "generated.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <cctype>
#include <set>
#include <sstream>

namespace rung {
namespace {

GeneratorOptions small(std::uint64_t count) {
  GeneratorOptions o = preset_options("counterbench", 2);
  o.count = count;
  o.seed = 7;
  return o;
}

std::string run(const GeneratorOptions& o, unsigned threads = 1, std::uint64_t shard = 1, std::uint64_t shards = 1) {
  return testing::generated_text(o, threads, shard, shards);
}

/// Whole-word, case-insensitive count of "not".
long count_nots(const std::string& text) {
  long n = 0;
  auto letter = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t i = 0; i + 3 <= text.size(); ++i) {
    if ((i > 0 && letter(text[i - 1])) || (i + 3 < text.size() && letter(text[i + 3]))) continue;
    std::string w = text.substr(i, 3);
    for (char& c : w) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    n += w == "not" ? 1 : 0;
  }
  return n;
}

std::vector<nlohmann::json> records(const std::string& jsonl) {
  std::vector<nlohmann::json> out;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(Generator, ByteIdenticalForAnyThreadCount) {
  const auto o = small(40);
  const std::string one = run(o);
  EXPECT_EQ(run(o, 2), one);
  EXPECT_EQ(run(o, 3), one);
  EXPECT_EQ(records(one).size(), 40U);
}

TEST(Generator, ShardsMergeToTheWholeFile) {
  const auto o = small(30);
  const std::string whole = run(o);
  std::vector<std::string> parts;
  for (std::uint64_t i = 1; i <= 4; ++i) parts.push_back(run(o, 2, i, 4));
  EXPECT_EQ(testing::merged_text(parts), whole);
  EXPECT_THROW(run(o, 1, 5, 4), UsageError);
}

TEST(Generator, EveryRecordReverifiesByEnumeration) {
  for (const auto& r : records(run(small(24), 2))) {
    const Scm m = scm_from_json(r["model"]);
    const Query q = parse_query(r["formal_query"].get<std::string>(), m);
    const Rational value = solve(m, q, {.method = Method::enumeration}).value;
    EXPECT_EQ(to_string(value), r["value"]["fraction"]) << r["id"];
    EXPECT_EQ(value == 1 ? "yes" : "no", r["answer"]) << r["id"];
    EXPECT_EQ(rung_of(q), r["rung"]);
  }
}

TEST(Generator, RecordsCarryEverySpecField) {
  const auto r = records(run(small(4))).at(2);
  for (const char* field : {"id", "given_info", "question", "prompt", "answer", "value", "type", "query_type", "rung",
                            "formal_query", "model", "name_style", "difficulty", "reasoning", "distractors",
                            "structure", "seed", "meta"}) {
    EXPECT_TRUE(r.contains(field)) << field;
  }
  for (const char* knob : {"level", "variables", "edges", "path_length", "interventions", "nesting_depth",
                           "evidence_count", "reasoning_steps"}) {
    EXPECT_TRUE(r["difficulty"].contains(knob)) << knob;
  }
  for (const char* m : {"story_id", "graph_id", "query_type", "rung", "model_id", "options"}) {
    EXPECT_TRUE(r["meta"].contains(m)) << m;
  }
  for (const char* d : {"no_abduction", "conditioning", "factual"}) {
    EXPECT_TRUE(r["distractors"].contains(d)) << d;
  }
  EXPECT_EQ(r["type"], "nested");  // round robin: basic, joint, nested, conditional
  EXPECT_TRUE(r["distractors"].contains("nested_literal"));
  EXPECT_EQ(r["meta"]["options"]["seed"], 7);
  EXPECT_NE(r["prompt"].get<std::string>().find(r["question"].get<std::string>()), std::string::npos);
}

TEST(Generator, NameVariantsShareTheirStructureAndNothingElseDoes) {
  auto o = small(12);
  o.name_variants = 3;
  const auto rs = records(run(o));
  std::set<std::string> structures;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    structures.insert(rs[i]["structure"]);
    if (i % 3 != 0) {
      EXPECT_EQ(rs[i]["structure"], rs[i - i % 3]["structure"]);
      EXPECT_NE(rs[i]["given_info"], rs[i - i % 3]["given_info"]);
      EXPECT_EQ(rs[i]["answer"], rs[i - i % 3]["answer"]);
    }
  }
  EXPECT_EQ(structures.size(), 4U);
}

/// A variant 0 redrawn because its structure repeats an earlier one takes its name variants
/// with it: they were left at the first draw, a copy of the earlier structure under other
/// names (in one split with it or not) instead of variants of their own (7 December 2026).
TEST(Generator, NameVariantsFollowTheirVariantZerosRedraw) {
  GeneratorOptions o = preset_options("cladder", 1);  // few distinct small circuits: redraws
  o.types = {"det_counterfactual"};
  o.count = 300;
  o.seed = 3;  // 5 of its 100 structures redrawn
  o.name_variants = 3;
  const auto rs = records(run(o, 2));
  const Generator gen(o);
  std::set<std::string> structures;
  int redrawn = 0;
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const auto seed = std::stoull(rs[i]["seed"].get<std::string>());
    const std::optional<int> attempt = gen.attempt_of(i, seed);
    ASSERT_TRUE(attempt.has_value()) << i;
    if (i % 3 == 0) {
      redrawn += *attempt > 0 ? 1 : 0;
      EXPECT_TRUE(structures.insert(rs[i]["structure"]).second) << i;
    } else {
      EXPECT_EQ(rs[i]["structure"], rs[i - i % 3]["structure"]) << i;
      EXPECT_EQ(rs[i]["seed"], rs[i - i % 3]["seed"]) << i;
    }
  }
  EXPECT_GT(redrawn, 0);  // the case this test is about happened
}

/// Balance and shortcut ceilings on 2,000 items of the default preset: the numbers the issue
/// asks for, asserted.
TEST(Generator, TwoThousandItemsAreBalancedAndShortcutsStayNearChance) {
  auto o = preset_options("counterbench", 2);
  o.count = 2000;
  o.seed = 1;
  const auto rs = records(run(o, 2));
  ASSERT_EQ(rs.size(), 2000U);
  std::map<std::string, std::pair<int, int>> yes_by_type;  // type -> (yes, total)
  std::map<std::string, int> agree;                         // shortcut -> correct predictions
  std::map<std::string, int> defined;                       // shortcut -> items it applies to
  std::set<std::string> structures;
  for (const auto& r : rs) {
    const std::string answer = r["answer"];
    auto& [yes, total] = yes_by_type[r["type"]];
    yes += answer == "yes" ? 1 : 0;
    ++total;
    const std::string info = r["given_info"];
    const long nots = count_nots(info);
    agree["negation_parity"] += ((nots % 2 == 1) == (answer == "yes")) ? 1 : 0;
    ++defined["negation_parity"];
    for (const auto& [procedure, d] : r["distractors"].items()) {
      ++defined[procedure];
      agree[procedure] += d["answer"] == answer ? 1 : 0;
    }
    structures.insert(r["structure"]);
  }
  for (const auto& [type, counts] : yes_by_type) {
    EXPECT_EQ(counts.second, 500) << type;
    EXPECT_EQ(counts.first, 250) << type;  // exactly balanced by construction
  }
  auto share = [&](const std::string& p) { return static_cast<double>(agree[p]) / defined[p]; };
  EXPECT_LE(share("negation_parity"), 0.55);
  EXPECT_GE(share("negation_parity"), 0.45);
  EXPECT_LE(share("factual"), 0.52);
  EXPECT_LE(share("no_abduction"), 0.52);
  // The nested readings are relaxed on a few percent of nested items since every outcome class
  // must meet every target combination (docs/generator.md): 51.2% and 53.0% here.
  EXPECT_LE(share("nested_ignored"), 0.54);
  EXPECT_LE(share("nested_literal"), 0.54);
  EXPECT_LE(share("conditioning"), 0.52);
  // The posterior of a deterministic item is almost always a point mass, where abduction on
  // marginals is joint abduction: the procedure is then left out (docs/generator.md).
  EXPECT_LT(defined["root_marginals"], 200);
  EXPECT_EQ(structures.size(), 2000U);
}

TEST(Generator, EveryDifficultyLevelGenerates) {
  for (int level = 1; level <= 5; ++level) {
    auto o = preset_options("counterbench", level);
    o.count = 32;
    const auto rs = records(run(o, 2));
    ASSERT_EQ(rs.size(), 32U) << level;
    int yes = 0;
    for (const auto& r : rs) {
      yes += r["answer"] == "yes" ? 1 : 0;
      EXPECT_EQ(r["difficulty"]["level"], level);
      EXPECT_GE(r["difficulty"]["variables"], o.min_variables);
      EXPECT_LE(r["difficulty"]["variables"], o.max_variables);
      EXPECT_GE(r["difficulty"]["path_length"], o.min_path_length);
    }
    EXPECT_EQ(yes, 16) << level;
  }
}

/// A small seeded dataset of each preset, byte for byte.
TEST(Generator, SmallDatasetsMatchGolden) {
  for (const auto& [preset, count] : std::vector<std::pair<std::string, std::uint64_t>>{{"counterbench", 8}, {"cladder", 10}, {"ladder", 12}}) {
    auto o = preset_options(preset, 2);
    o.count = count;
    o.seed = 1;
    const std::string actual = run(o);
    const std::filesystem::path path =
        std::filesystem::path(RUNG_TEST_DATA_DIR) / "golden" / "gen" / fmt::format("{}_seed1_n{}.jsonl", preset, count);
    if (const char* update = std::getenv("RUNG_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
      std::filesystem::create_directories(path.parent_path());
      std::ofstream(path, std::ios::binary) << actual;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "missing " << path << " (RUNG_UPDATE_GOLDEN=1 creates it)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << preset;
  }
}

}  // namespace
}  // namespace rung
