#pragma once
// Test helper: the shortcut rules on generated yes/no records and the cladder preset's balance
// (shared by the presets' tests and ShortcutCeilings.Cladder, which checks it on the set it audits).
#include "rung/gen/options.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace rung::testing {

inline long count_nots(const std::string& text) {
  long n = 0;
  std::istringstream words(text);
  for (std::string w; words >> w;) {
    std::string letters;
    for (char c : w) {
      if (std::isalpha(static_cast<unsigned char>(c)) != 0) letters += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    n += letters == "not" ? 1 : 0;
  }
  return n;
}

struct Shortcuts {
  std::map<std::string, std::pair<int, int>> yes_by_type;  // type -> (yes, yes/no records)
  std::map<std::string, int> agree;                         // rule -> right answers
  int yes_no = 0;
  [[nodiscard]] double share(const std::string& rule) const {
    auto it = agree.find(rule);
    return it == agree.end() ? 0.0 : static_cast<double>(it->second) / yes_no;
  }
};

/// The audit's baselines on yes/no records: a rule that gives no answer counts as wrong.
inline Shortcuts shortcuts(const std::vector<nlohmann::json>& rs) {
  Shortcuts s;
  for (const auto& r : rs) {
    const std::string answer = r["answer"];
    if (answer != "yes" && answer != "no") continue;
    ++s.yes_no;
    auto& [yes, total] = s.yes_by_type[r["query_type"]];
    yes += answer == "yes" ? 1 : 0;
    ++total;
    s.agree["negation_parity"] += ((count_nots(r["given_info"]) % 2 == 1) == (answer == "yes")) ? 1 : 0;
    s.agree["always_yes"] += answer == "yes" ? 1 : 0;
    for (const auto& [procedure, d] : r["distractors"].items()) s.agree[procedure] += d["answer"] == answer ? 1 : 0;
  }
  return s;
}

/// The cladder preset's balance on `rs` (every type, seed 1, level 2, --given observed): answers
/// balanced within each type, 1 in 6 of ate/ett/nde/nie undetermined, every structure distinct,
/// the rules near chance and the procedures balanced by construction agreeing on the ranks with
/// their bit clear.
inline void expect_cladder_balance(const std::vector<nlohmann::json>& rs) {
  const int types = 10;
  ASSERT_EQ(rs.size() % types, 0U);
  const int per_type = static_cast<int>(rs.size()) / types;
  std::set<std::string> structures;
  for (const auto& r : rs) structures.insert(r["structure"]);
  EXPECT_EQ(structures.size(), rs.size());
  const Shortcuts s = shortcuts(rs);
  // ate, ett, nde and nie: 1 item in 6 undetermined (the last of every 6 ranks: 50 of 300); the
  // others count through their own ranks 0..249 (125 yes).
  const int undetermined = per_type / 6;
  auto determined = [&](const std::string& type) { return can_be_undetermined("cladder", type) ? per_type - undetermined : per_type; };
  EXPECT_EQ(s.yes_no, static_cast<int>(rs.size()) - 4 * undetermined);
  for (const auto& [type, counts] : s.yes_by_type) {
    EXPECT_EQ(counts.second, determined(type)) << type;
    EXPECT_EQ(counts.first, (determined(type) + 1) / 2) << type;
  }
  EXPECT_GE(s.share("negation_parity"), 0.45);
  EXPECT_LE(s.share("negation_parity"), 0.55);
  for (const auto& [rule, right] : s.agree) {
    EXPECT_LE(s.share(rule), 0.60) << rule << ": " << right << "/" << s.yes_no;
  }
  // Within the types where the mistake is balanced by construction, the item's rank within its
  // type counts through the targets in binary: the procedure on bit b agrees exactly on the
  // ranks (0..249 at 3,000 items) with that bit clear.
  struct Balanced {
    std::string type, procedure;
    unsigned bit;
  };
  // (The readings of the stated numbers take the first bits: generator.cpp.)
  for (const auto& [type, procedure, bit] : std::vector<Balanced>{{"ate", "conditioning", 8},
                                                                 {"ett", "no_abduction", 8},
                                                                 {"ett", "conditioning", 16},
                                                                 {"nde", "total_effect", 8},
                                                                 {"nie", "total_effect", 8},
                                                                 {"det_counterfactual", "no_abduction", 4},
                                                                 {"det_counterfactual", "conditioning", 8}}) {
    int agree = 0;
    int total = 0;
    for (const auto& r : rs) {
      if (r["query_type"] != type || r["answer"] == "undetermined") continue;
      ++total;
      agree += r["distractors"].contains(procedure) && r["distractors"][procedure]["answer"] == r["answer"] ? 1 : 0;
    }
    int expected = 0;
    for (int rank = 0; rank < determined(type); ++rank) expected += (static_cast<unsigned>(rank) & bit) == 0 ? 1 : 0;
    EXPECT_EQ(total, determined(type)) << type;
    // Exact but for relaxed targets: ett now balances three procedures, and a hard draw may drop
    // the last ones after 400 attempts (cladder_test.cpp checks the new readings); stated in
    // observed quantities more draws are redrawn, and ett's no_abduction gave 92 for 87.
    // (at 3,000 items: 136 for 128); the tolerance grows with the count, 4% of the ranks.
    EXPECT_NEAR(agree, expected, std::max(6, determined(type) / 25)) << type << " " << procedure;
  }
}

}  // namespace rung::testing
