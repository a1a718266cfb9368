// rung::ordered_json against nlohmann::ordered_json: the same values, member order, dumps,
// lookups, erasures and errors (core/json.hpp).
#include "rung/core/json.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rung {
namespace {

const char* const kDocument =
    R"({"zeta": 1, "alpha": {"y": [1, 2, {"b": null, "a": true}], "x": "text"}, "mid": [], "empty": {},)"
    R"( "number": -2.5, "nested": {"c": {"b": {"a": [{"k2": 1, "k1": 2}]}}}})";

TEST(OrderedJson, ParsesAndDumpsAsNlohmannsOrderedJson) {
  const auto ours = ordered_json::parse(kDocument);
  const auto theirs = nlohmann::ordered_json::parse(kDocument);
  EXPECT_EQ(ours.dump(), theirs.dump());
  EXPECT_EQ(ours.dump(2), theirs.dump(2));
  // Members in the order written, not alphabetical.
  std::vector<std::string> keys;
  for (const auto& [key, value] : ours.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"zeta", "alpha", "mid", "empty", "number", "nested"}));
  // Converts to and from the other JSON types with the same content.
  EXPECT_EQ(nlohmann::ordered_json(ours), theirs);
  EXPECT_EQ(ordered_json(theirs), ours);
  EXPECT_EQ(nlohmann::json(ours), nlohmann::json::parse(kDocument));
}

TEST(OrderedJson, LooksUpInsertsAndReportsMissingKeys) {
  ordered_json j = ordered_json::parse(kDocument);
  EXPECT_TRUE(j.contains("alpha"));
  EXPECT_TRUE(j.contains(std::string_view("mid")));
  EXPECT_FALSE(j.contains("beta"));
  EXPECT_EQ(j.count("zeta"), 1U);
  EXPECT_EQ(j.count("beta"), 0U);
  EXPECT_EQ(j.at("alpha").at("x"), "text");
  EXPECT_EQ(j["number"], -2.5);
  EXPECT_EQ(j.find("nested")->at("c").at("b").at("a")[0].begin().key(), "k2");
  EXPECT_EQ(j.find("beta"), j.end());
  EXPECT_THROW((void)j.at("beta"), nlohmann::json::out_of_range);
  const ordered_json& constant = j;
  EXPECT_THROW((void)constant.at("beta"), nlohmann::json::out_of_range);
  EXPECT_EQ(constant.value("beta", 7), 7);
  // A new key goes last; an existing one keeps its place.
  j["beta"] = 3;
  j["zeta"] = 4;
  EXPECT_EQ(j.begin().key(), "zeta");
  EXPECT_EQ(j.begin().value(), 4);
  EXPECT_EQ((--j.end()).key(), "beta");
  EXPECT_FALSE(j.emplace("beta", 5).second);
  EXPECT_EQ(j["beta"], 3);
}

TEST(OrderedJson, AddingMembersNeverMovesTheOnesBefore) {
  // What the type is for: nlohmann::ordered_json's vector reallocates (copying every member) as
  // an object grows; here a member stays where it was, so nothing of it is copied.
  ordered_json j = ordered_json::object();
  j["first"] = ordered_json::parse(kDocument);
  const ordered_json* first = &j["first"];
  const ordered_json* inner = &j["first"]["alpha"];
  for (int k = 0; k < 1000; ++k) j["member" + std::to_string(k)] = k;
  EXPECT_EQ(&j["first"], first);
  EXPECT_EQ(&j["first"]["alpha"], inner);
  EXPECT_EQ(j.size(), 1001U);
  EXPECT_EQ((--j.end()).key(), "member999");
}

TEST(OrderedJson, ErasesKeepingTheOtherMembersInOrder) {
  ordered_json ours = ordered_json::parse(kDocument);
  nlohmann::ordered_json theirs = nlohmann::ordered_json::parse(kDocument);
  EXPECT_EQ(ours.erase("alpha"), 1U);
  EXPECT_EQ(theirs.erase("alpha"), 1U);
  EXPECT_EQ(ours.erase("alpha"), 0U);
  EXPECT_EQ(ours.dump(), theirs.dump());
  ours.erase(ours.begin());
  theirs.erase(theirs.begin());
  EXPECT_EQ(ours.dump(), theirs.dump());
  ours.erase(std::next(ours.begin()), std::next(ours.begin(), 3));
  theirs.erase(std::next(theirs.begin()), std::next(theirs.begin(), 3));
  EXPECT_EQ(ours.dump(), theirs.dump());
}

TEST(OrderedJson, UpdatesMergesAndComparesInOrder) {
  ordered_json a = ordered_json::parse(R"({"b": 1, "a": 2})");
  a.update(ordered_json::parse(R"({"c": 3, "b": 4})"));
  EXPECT_EQ(a.dump(), R"({"b":4,"a":2,"c":3})");
  const ordered_json more = ordered_json::parse(R"({"d": 5, "a": 6})");
  a.insert(more.cbegin(), more.cend());  // only the members a does not have
  EXPECT_EQ(a.dump(), R"({"b":4,"a":2,"c":3,"d":5})");
  // Equality, as nlohmann::ordered_json's, depends on the members' order.
  EXPECT_NE(ordered_json::parse(R"({"a": 1, "b": 2})"), ordered_json::parse(R"({"b": 2, "a": 1})"));
  EXPECT_EQ(ordered_json::parse(R"({"a": 1, "b": 2})"), ordered_json::parse(R"({"a": 1, "b": 2})"));
}

/// splitmix64: a few random numbers without the generator's area.
struct SplitMix {
  std::uint64_t state;
  explicit SplitMix(std::uint64_t seed) : state(seed) {}
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return (z ^ (z >> 31U)) % n;
  }
};

/// A random JSON value, objects with keys in no particular order.
template <typename J>
J random_value(SplitMix& rng, int depth) {
  const auto kind = depth <= 0 ? rng.below(3) : rng.below(5);
  if (kind == 0) return J(static_cast<std::int64_t>(rng.below(1000)) - 500);
  if (kind == 1) return J("s" + std::to_string(rng.below(50)));
  if (kind == 2) return J(nullptr);
  if (kind == 3) {
    J a = J::array();
    for (auto n = rng.below(4); n > 0; --n) a.push_back(random_value<J>(rng, depth - 1));
    return a;
  }
  J o = J::object();
  for (auto n = rng.below(12); n > 0; --n) o["k" + std::to_string(rng.below(20))] = random_value<J>(rng, depth - 1);
  return o;
}

TEST(OrderedJson, RandomDocumentsAndEditsMatchNlohmannsOrderedJson) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    SplitMix a(seed);
    SplitMix b(seed);
    auto ours = random_value<ordered_json>(a, 4);
    auto theirs = random_value<nlohmann::ordered_json>(b, 4);
    ASSERT_EQ(ours.dump(), theirs.dump()) << "seed " << seed;
    ASSERT_EQ(ordered_json::parse(theirs.dump()).dump(), theirs.dump()) << "seed " << seed;
    if (!ours.is_object()) continue;
    // The same edits on both: erase, overwrite, append.
    SplitMix edits(seed + 1000);
    for (int step = 0; step < 20; ++step) {
      const std::string key = "k" + std::to_string(edits.below(24));
      switch (edits.below(3)) {
        case 0:
          ASSERT_EQ(ours.erase(key), theirs.erase(key));
          break;
        case 1:
          ours[key] = step;
          theirs[key] = step;
          break;
        default:
          ours.emplace(key, "e");
          theirs.emplace(key, "e");
      }
      ASSERT_EQ(ours.dump(), theirs.dump()) << "seed " << seed << ", step " << step;
    }
  }
}

}  // namespace
}  // namespace rung
