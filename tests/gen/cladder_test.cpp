// The cladder preset's shortcut balance (issue #12): backdoor_set is not decided by where the
// candidate variable stands nor by what can be counted in its graph, det_counterfactual not by its
// outcome clause, the treatment's value or its negations, collider_bias not by whether X reaches Y, and the readings of the
// stated numbers (unweighted_difference, direct_difference, mean_conditional) agree with the
// answer on half the items; their recorded values are recomputed here from the model itself.
#include "rung/gen/cladder.hpp"

#include "rung/check/features.hpp"
#include "rung/gen/generator.hpp"
#include "rung/infer/solver.hpp"
#include "rung/io/scm_json.hpp"

#include "generated.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

namespace rung {
namespace {

// The model-stating variant (--given model), whose readings are of the model's own CPTs; the
// observed-quantities default is tested in cladder_observed_test.cpp.
std::vector<nlohmann::json> cladder_items(std::uint64_t count, int level) {
  GeneratorOptions o = preset_options("cladder", level);
  o.count = count;
  o.seed = 1;
  o.given = "model";
  o.undetermined_share = "0";
  return testing::generated_records(o);
}

/// The endogenous graph of a record's model, read off its mechanisms (not off the text).
struct ModelGraph {
  Scm m;
  explicit ModelGraph(const nlohmann::json& model) : m(scm_from_json(model)) {}
  [[nodiscard]] VarId id(const std::string& name) const { return *m.find(name); }
  [[nodiscard]] std::vector<VarId> parents(VarId v) const {
    std::vector<VarId> out;
    for (NodeId p : m.dag().parents(v)) {
      if (!m.is_exogenous(p)) out.push_back(p);
    }
    return out;
  }
  [[nodiscard]] bool reaches(VarId a, VarId b) const {
    const std::vector<NodeId> from{a};
    const NodeSet d = m.dag().descendants(from);
    return std::binary_search(d.begin(), d.end(), b);
  }
  /// P(v=1 | its parents in `row`), solved on the model (the first parent the top bit).
  [[nodiscard]] Rational cpt(VarId v, std::size_t row) const {
    const auto ps = parents(v);
    std::string q = "P(" + m.name(v) + "=1";
    for (std::size_t i = 0; i < ps.size(); ++i) {
      q += (i == 0 ? " | " : ", ") + m.name(ps[i]) + "=" + std::to_string((row >> (ps.size() - 1 - i)) & 1U);
    }
    return solve(m, parse_query(q + ")", m)).value;
  }
  /// Mean over b's other parents' rows of P(b | a=1, row) - P(b | a=0, row).
  [[nodiscard]] Rational arc(VarId a, VarId b) const {
    const auto ps = parents(b);
    const auto i = static_cast<std::size_t>(std::find(ps.begin(), ps.end(), a) - ps.begin());
    if (i == ps.size()) return 0;
    const std::size_t bit = std::size_t{1} << (ps.size() - 1 - i);
    Rational sum = 0;
    int rows = 0;
    for (std::size_t row = 0; row < (std::size_t{1} << ps.size()); ++row) {
      if ((row & bit) == 0) continue;
      sum += cpt(b, row) - cpt(b, row & ~bit);
      ++rows;
    }
    return sum / rows;
  }
  /// Sum over directed paths a ~> b of the product of arc(), by recursion on a's children.
  [[nodiscard]] Rational paths(VarId a, VarId b) const {
    if (a == b) return 1;
    Rational sum = 0;
    for (NodeId c : m.dag().children(a)) {
      if (!m.is_exogenous(c) && (c == b || reaches(c, b))) sum += arc(a, c) * paths(c, b);
    }
    return sum;
  }
};

int rank_of(const nlohmann::json& r) { return std::stoi(r["question_id"].get<std::string>()) / 10; }

bool agrees(const nlohmann::json& r, const std::string& procedure) {
  return r["distractors"].contains(procedure) && r["distractors"][procedure]["answer"] == r["answer"];
}

class Cladder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { items_ = new std::vector<nlohmann::json>(cladder_items(3000, 2)); }
  static void TearDownTestSuite() {
    delete items_;
    items_ = nullptr;
  }
  static std::vector<nlohmann::json> of_type(const std::string& type) {
    std::vector<nlohmann::json> out;
    for (const auto& r : *items_) {
      if (r["query_type"] == type) out.push_back(r);
    }
    return out;
  }
  static std::vector<nlohmann::json>* items_;
};
std::vector<nlohmann::json>* Cladder::items_ = nullptr;

TEST_F(Cladder, BackdoorAnswerIsBalancedWhereverZAndXStand) {
  // Classes by (X has a parent, Z is a parent of X, Z is a descendant of X): the answer is yes on
  // about half of each, and a rule that decides which set is valid from where Z or X stands
  // (then reads the answer off the order of the methods) is right on at most ~55% of the items.
  std::map<std::tuple<bool, bool, bool>, std::pair<int, int>> classes;  // -> (yes, all)
  int by_x_parent = 0;
  int by_z_class = 0;
  int method1_direct_and_yes = 0;
  int yes = 0;
  const auto rs = of_type("backdoor_set");
  ASSERT_EQ(rs.size(), 300U);
  for (const auto& r : rs) {
    const ModelGraph g(r["model"]);
    const VarId x = g.id(r["meta"]["treatment"]);
    const VarId z = g.id(r["meta"]["adjustment"]);
    const auto xp = g.parents(x);
    const bool x_parent = !xp.empty();
    const bool z_parent = std::find(xp.begin(), xp.end(), z) != xp.end();
    const bool z_desc = g.reaches(x, z);
    const bool answer = r["answer"] == "yes";
    const bool method1_direct = r["question"].get<std::string>().find("Method 1: We look directly") != std::string::npos;
    auto& [y, n] = classes[{x_parent, z_parent, z_desc}];
    y += answer ? 1 : 0;
    ++n;
    yes += answer ? 1 : 0;
    method1_direct_and_yes += answer && method1_direct ? 1 : 0;
    // "Adjust iff X has a parent"; "adjust iff Z is a parent of X, not if Z is a descendant".
    by_x_parent += (method1_direct == !x_parent) == answer ? 1 : 0;
    const bool guess_direct = z_parent ? false : z_desc ? true : !x_parent;
    by_z_class += (method1_direct == guess_direct) == answer ? 1 : 0;
  }
  EXPECT_EQ(yes, 150);
  EXPECT_NEAR(method1_direct_and_yes, 75, 15);  // the order of the methods says nothing
  for (const auto& [cls, counts] : classes) {
    if (counts.second >= 20) {
      EXPECT_NEAR(2.0 * counts.first / counts.second, 1.0, 0.25) << counts.first << "/" << counts.second;
    }
  }
  EXPECT_LE(by_x_parent, 0.56 * 300);
  EXPECT_LE(by_z_class, 0.56 * 300);
  const std::tuple<bool, bool, bool> open{true, false, false};
  EXPECT_GE(classes[open].second, 250);  // most items: Z neither parent nor descendant
}

TEST_F(Cladder, BackdoorGraphsCannotBeToldApartByTheirCounts) {
  // Whether {} is the valid set is balanced within every class of what a reader can count in the
  // stated graph (variables, arcs, sentences, X's and Y's degrees, Z's children, the X -> Y path):
  // a block's items share two graphs with the same counts, one for each answer. Only the items
  // where Z is a parent or a descendant of X (1/16) are decided by where Z stands.
  std::map<std::vector<int>, std::pair<int, int>> classes;  // counts -> (empty set valid, all)
  const auto rs = of_type("backdoor_set");
  for (const auto& r : rs) {
    const std::string info = r["given_info"];
    EXPECT_EQ(info.find('%'), std::string::npos) << r["id"] << ": no numbers are stated";
    const ModelGraph g(r["model"]);
    const VarId x = g.id(r["meta"]["treatment"]);
    const VarId y = g.id(r["meta"]["outcome"]);
    const VarId z = g.id(r["meta"]["adjustment"]);
    const auto xp = g.parents(x);
    if (std::find(xp.begin(), xp.end(), z) != xp.end() || g.reaches(x, z)) continue;
    int variables = 0;
    int arcs = 0;
    int with_children = 0;
    for (VarId v : g.m.endogenous()) {
      ++variables;
      arcs += static_cast<int>(g.parents(v).size());
      const std::string& name = g.m.name(v);
      EXPECT_NE(info.find(name), std::string::npos) << r["id"] << ": " << name << " is not mentioned";
      with_children += info.find(name + " has a direct effect on") != std::string::npos ? 1 : 0;
    }
    int z_children = 0;
    for (NodeId c : g.m.dag().children(z)) z_children += g.m.is_exogenous(c) ? 0 : 1;
    const auto yp = g.parents(y);
    const std::vector<int> counts{variables, arcs, with_children, static_cast<int>(xp.size()), static_cast<int>(yp.size()),
                                  z_children > 0 ? 1 : 0, std::find(yp.begin(), yp.end(), z) != yp.end() ? 1 : 0};
    const bool method1_direct = r["question"].get<std::string>().find("Method 1: We look directly") != std::string::npos;
    const bool empty_valid = method1_direct == (r["answer"] == "yes");
    auto& [valid, all] = classes[counts];
    valid += empty_valid ? 1 : 0;
    ++all;
  }
  int seen = 0;
  for (const auto& [counts, tally] : classes) {
    seen += tally.second;
    // Whole blocks of 4 (2 of each) but for an item redrawn as a duplicate.
    if (tally.second >= 8) {
      EXPECT_NEAR(2.0 * tally.first / tally.second, 1.0, 0.3) << tally.first << "/" << tally.second;
    }
  }
  EXPECT_GE(seen, 250);
}

TEST_F(Cladder, DetCounterfactualAnswersAreBalancedWithinTheOutcomeClauseAndTreatmentClasses) {
  // Y depends on X; within each class drawn once per block — Y's connective (or a single cause),
  // whether X is one of Y's causes, X's factual value — about half the answers are yes; negations
  // and observed values are drawn symmetrically, so a "count the nots" rule stays near chance; and
  // few items are decided by X's literal in Y's clause alone (an `or` it makes true, an `and` it
  // makes false), or by an observed root's literal there.
  struct Class {
    std::string op;
    bool x_in_clause;
    int x_value;
    auto operator<=>(const Class&) const = default;
  };
  std::map<Class, std::pair<int, int>> classes;  // -> (yes, all)
  int parity_right = 0;
  int path_right = 0;
  int path_defined = 0;
  int decided_by_literal = 0;
  int decided_by_observation = 0;
  int copies_treatment = 0;  // Y is X's literal: every other cause of Y an observed, non-deciding root
  int nothing_observed = 0;  // X is the only root
  const auto rs = of_type("det_counterfactual");
  ASSERT_EQ(rs.size(), 300U);
  for (const auto& r : rs) {
    const ModelGraph g(r["model"]);
    const std::string x_name = r["meta"]["treatment"];
    const VarId x = g.id(x_name);
    const VarId y = g.id(r["meta"]["outcome"]);
    EXPECT_TRUE(g.reaches(x, y)) << r["id"];
    std::string mechanism;
    for (const auto& v : r["model"]["endogenous"]) {
      if (v["name"] == r["meta"]["outcome"]) mechanism = v["mechanism"];
    }
    const std::string op = mechanism.find(" and ") != std::string::npos ? "and" : mechanism.find(" or ") != std::string::npos ? "or" : "one cause";
    const std::string question = r["question"];
    const int x_value = question.find("if not ") != std::string::npos ? 1 : 0;
    // The literals of Y's clause ("A" or "not A" between the connectives).
    std::vector<std::string> terms;
    if (op != "one cause") {
      const std::string sep = " " + op + " ";
      for (std::size_t start = 0;;) {
        const std::size_t end = mechanism.find(sep, start);
        terms.push_back(mechanism.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + sep.size();
      }
    }
    // The observed roots' values, as the text states them ("We observed A and not B.").
    std::map<std::string, int> observed;
    const std::string given = r["given_info"];
    if (const std::size_t at = given.find("We observed "); at != std::string::npos) {
      const std::string facts = given.substr(at + 12, given.find('.', at) - at - 12);
      for (std::size_t start = 0;;) {
        const std::size_t end = facts.find(" and ", start);
        const std::string fact = facts.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (fact.rfind("not ", 0) == 0) observed[fact.substr(4)] = 0; else observed[fact] = 1;
        if (end == std::string::npos) break;
        start = end + 5;
      }
    }
    // X's literal in Y's clause, and its value once X is flipped; whether an observed root's
    // literal there decides Y in every world (true in an `or`, false in an `and`).
    int literal_after = -1;
    bool observed_decides = false;
    bool others_observed = !terms.empty();
    for (const std::string& term : terms) {
      const bool negated = term.rfind("not ", 0) == 0;
      const std::string name = negated ? term.substr(4) : term;
      if (name == x_name) literal_after = negated ? x_value : 1 - x_value;
      if (const auto it = observed.find(name); it != observed.end()) {
        const int literal = it->second ^ (negated ? 1 : 0);
        const bool decides = (op == "or" && literal == 1) || (op == "and" && literal == 0);
        observed_decides = observed_decides || decides;
        others_observed = others_observed && !decides;
      } else if (name != x_name) {
        others_observed = false;
      }
    }
    if (literal_after >= 0 && others_observed) {
      ++copies_treatment;
      EXPECT_EQ(r["answer"] == "yes", literal_after == 1) << r["id"];
    }
    if (observed.empty()) ++nothing_observed;
    const bool yes = r["answer"] == "yes";
    if ((op == "or" && literal_after == 1) || (op == "and" && literal_after == 0)) {
      ++decided_by_literal;
      EXPECT_EQ(yes, op == "or") << r["id"];
    }
    if (observed_decides) {
      ++decided_by_observation;
      EXPECT_EQ(yes, op == "or") << r["id"];
    }
    auto& [y_count, n] = classes[{op, literal_after >= 0, x_value}];
    y_count += yes ? 1 : 0;
    ++n;
    int nots = 0;
    const std::string text = r["given_info"].get<std::string>() + " " + question;
    for (std::size_t k = text.find("not "); k != std::string::npos; k = text.find("not ", k + 1)) ++nots;
    parity_right += (nots % 2 == 1) == yes ? 1 : 0;
    // The shortest-path reading, read back from the text by the audit's rule.
    if (const std::optional<bool> reading = path_parity_prediction(r["given_info"].get<std::string>(), question)) {
      ++path_defined;
      path_right += *reading == yes ? 1 : 0;
    }
  }
  int tested = 0;
  for (const auto& [cls, tally] : classes) {
    if (tally.second >= 40) {
      ++tested;
      EXPECT_NEAR(2.0 * tally.first / tally.second, 1.0, 0.3) << cls.op << " " << cls.x_in_clause << " " << cls.x_value;
    }
  }
  EXPECT_GE(tested, 3);
  EXPECT_LE(decided_by_literal, 45);  // 1 in 4 kept: ~7% of the items (21 of 300 when written)
  // Items with X the only root, whose answer is in the wiring alone, are kept one graph in four:
  // 27 of these 300 (55 before; 6.3-7.3% on 3,000 items of seeds 1-3, 13.6-14.5% before;
  // docs/generator.md, "Observed literals").
  EXPECT_LE(nothing_observed, 36) << nothing_observed << " of 300";
  // Items whose Y is X's literal, the other causes observed and not deciding, are one-step items
  // like decided_by_literal's and kept 1 in 4 for either answer (3.2-4.3% on 3,000 items of seeds
  // 1-3, 5.6-6.6% before): 9 of these 300 against 14 before, too few to tell the two apart, so
  // only their answers are checked here (Y = X's literal in the hypothetical world), and that some
  // are kept.
  EXPECT_GE(copies_treatment, 1);
  // 1 in 16 kept: 4.3% on 6,000 items of seeds 1 and 2 (15.5% when all were kept, where the
  // trees read them off the `not`s of Y's clause and of the observations).
  EXPECT_LE(decided_by_observation, 27) << decided_by_observation << " of 300";
  EXPECT_NEAR(parity_right, 150, 25);
  // The reading is balanced but for the draws that give it up (docs/generator.md, "What a
  // det_counterfactual item gives up"): 50.9-51.6% on 3,000 items of three seeds (54-55% before
  // the procedures' targets were checked on the circuit, 70% before the reading was asked of the
  // draws). A ceiling about two standard deviations above at 300 items.
  EXPECT_GE(path_defined, 290);
  EXPECT_LE(path_right, 171) << path_right << " of " << path_defined;
  // The no_abduction and conditioning distractors answer right on half the items (the preset meets
  // their targets; conditioning is X's counterfactual where X is a root, undefined elsewhere).
  int no_abduction_right = 0;
  int conditioning_right = 0;
  for (const auto& r : rs) {
    no_abduction_right += r["distractors"]["no_abduction"]["answer"] == r["answer"] ? 1 : 0;
    const auto& conditioning = r["distractors"]["conditioning"];
    conditioning_right += conditioning.contains("answer") && conditioning["answer"] == r["answer"] ? 1 : 0;
  }
  EXPECT_NEAR(no_abduction_right, 150, 20);
  EXPECT_NEAR(conditioning_right, 150, 20);
}

TEST_F(Cladder, ColliderBiasAsksForTheSignOfAnEffectThatExists) {
  const auto rs = of_type("collider_bias");
  ASSERT_EQ(rs.size(), 300U);
  int yes = 0;
  int increase_and_yes = 0;
  int conditioning_agrees = 0;
  int expected = 0;
  for (const auto& r : rs) {
    const ModelGraph g(r["model"]);
    EXPECT_TRUE(g.reaches(g.id(r["meta"]["treatment"]), g.id(r["meta"]["outcome"]))) << r["id"];
    EXPECT_NE(r["value"]["fraction"], "0") << r["id"];
    const bool answer = r["answer"] == "yes";
    yes += answer ? 1 : 0;
    increase_and_yes += answer && r["question"].get<std::string>().find(" increase the chance") != std::string::npos ? 1 : 0;
    conditioning_agrees += agrees(r, "collider_conditioning") ? 1 : 0;
    expected += (rank_of(r) & 8) == 0 ? 1 : 0;  // bit 4 is unweighted_difference's
  }
  EXPECT_EQ(yes, 150);
  EXPECT_NEAR(increase_and_yes, 75, 15);
  // Exact but for relaxed targets: collider_conditioning is the first target given up (after the
  // reading's class), on 8 of 300 items more than its share when written.
  EXPECT_NEAR(conditioning_agrees, expected, 12);
}

TEST_F(Cladder, NumericReadingsAgreeWithHalfTheAnswersAndRecomputeFromTheModel) {
  struct Reading {
    std::string type, procedure;
    unsigned bit;
  };
  for (const auto& [type, procedure, bit] : std::vector<Reading>{{"marginal", "mean_conditional", 4},
                                                                {"marginal", "treatment_weighted", 8},
                                                                {"correlation", "unweighted_difference", 4},
                                                                {"ate", "unweighted_difference", 4},
                                                                {"ett", "unweighted_difference", 4},
                                                                {"nie", "unweighted_difference", 4},
                                                                {"nde", "direct_difference", 4},
                                                                {"collider_bias", "unweighted_difference", 4}}) {
    const auto rs = of_type(type);
    ASSERT_EQ(rs.size(), 300U) << type;
    int agree = 0;
    int expected = 0;
    int recomputed = 0;
    for (const auto& r : rs) {
      ASSERT_TRUE(r["distractors"].contains(procedure)) << r["id"] << " " << procedure;
      agree += agrees(r, procedure) ? 1 : 0;
      expected += (rank_of(r) & bit) == 0 ? 1 : 0;
      if (recomputed >= 40) continue;  // the values: on the first 40 items of each type
      ++recomputed;
      const ModelGraph g(r["model"]);
      const VarId x = g.id(r["meta"]["treatment"]);
      const VarId y = g.id(r["meta"]["outcome"]);
      Rational value;
      if (procedure == "mean_conditional" || procedure == "treatment_weighted") {
        const auto rows = std::size_t{1} << g.parents(y).size();
        for (std::size_t row = 0; row < rows; ++row) value += g.cpt(y, row);
        value /= static_cast<long>(rows);
        // The stated P(X) weights X's column where X is a root parent of Y; the others count 1/2.
        const std::vector<VarId> ps = g.parents(y);
        if (procedure == "treatment_weighted" && g.parents(x).empty() && std::find(ps.begin(), ps.end(), x) != ps.end()) {
          value += (g.cpt(x, 0) - Rational(1, 2)) * g.arc(x, y);
        }
      } else if (procedure == "direct_difference") {
        value = g.arc(x, y);
      } else if (type == "nie") {
        const VarId m = g.id(r["meta"]["mediator"]);
        value = g.paths(x, m) * g.paths(m, y);
      } else {
        value = g.paths(x, y);
        // ett asks about switching those with X = t to 1 - t: the X=1 minus X=0 reading flips for t = 1.
        if (type == "ett" && r["formal_query"].get<std::string>().find("| " + g.m.name(x) + "=1)") != std::string::npos) value = -value;
      }
      EXPECT_EQ(r["distractors"][procedure]["value"]["fraction"], to_string(value)) << r["id"] << " " << procedure;
    }
    // Exact but for relaxed targets; marginal's second reading is its last target, the first
    // given up on a hard draw (9 of 300 items when written).
    EXPECT_NEAR(agree, expected, procedure == "treatment_weighted" ? 12 : 8) << type << " " << procedure;
    EXPECT_NEAR(agree, 150, 12) << type << " " << procedure;
  }
}

}  // namespace
}  // namespace rung
