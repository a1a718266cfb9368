#include "rung/check/features.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace rung {
namespace {

double at(const std::vector<double>& f, std::string_view name) { return f.at(feature_index(name)); }

bool missing(const std::vector<double>& f, std::string_view name) { return std::isnan(at(f, name)); }

TEST(Features, NamesAreUniqueAndSized) {
  const auto& names = feature_names();
  for (std::size_t k = 0; k < names.size(); ++k) EXPECT_EQ(feature_index(names[k]), k);
  EXPECT_THROW((void)feature_index("no_such_feature"), std::out_of_range);
  EXPECT_EQ(text_features({}).size(), names.size());
}

TEST(Features, CounterBenchRegister) {
  FeatureInput in;
  in.given_info =
      "We know that Ziklo causes Blaf, Blaf and not Trune together cause Vork, and Trune or Vork causes Lumbo. We observed "
      "that Blaf occurred and Trune did not occur.";
  in.question = "Would Lumbo occur if not Ziklo instead of Ziklo?";
  const auto f = text_features(in);
  EXPECT_EQ(at(f, "outcome_connective"), 2);  // or
  EXPECT_EQ(at(f, "outcome_clause_nots"), 0);
  EXPECT_EQ(at(f, "outcome_negated_effect"), 0);
  EXPECT_EQ(at(f, "treatment_connective"), -1);  // Ziklo is a root
  EXPECT_TRUE(missing(f, "treatment_clause_nots"));
  EXPECT_EQ(at(f, "observations"), 2);
  EXPECT_EQ(at(f, "observed_negative"), 1);
  EXPECT_EQ(at(f, "outcome_observed"), 0);
  EXPECT_EQ(at(f, "treatment_observed"), 0);
  EXPECT_EQ(at(f, "stated_path"), 1);
  EXPECT_EQ(at(f, "path_length"), 3);  // Ziklo → Blaf → Vork → Lumbo
  EXPECT_EQ(at(f, "treatment_has_parent"), 0);
  EXPECT_EQ(at(f, "outcome_parents"), 2);
  EXPECT_EQ(at(f, "given_nots"), 2);
  EXPECT_EQ(at(f, "given_nots_mod2"), 0);
  EXPECT_EQ(at(f, "question_nots"), 1);
  EXPECT_EQ(at(f, "total_nots_mod2"), 1);
  EXPECT_EQ(at(f, "treatment_negated"), 1);
  EXPECT_EQ(at(f, "variables"), 5);
  EXPECT_EQ(at(f, "causal_clauses"), 3);
  EXPECT_TRUE(missing(f, "polarity"));
  EXPECT_TRUE(missing(f, "diff_avg"));
  EXPECT_TRUE(missing(f, "outcome_xor"));
}

TEST(Features, CounterBenchConnectives) {
  FeatureInput in;
  in.given_info =
      "We know that exactly one of Ziklo and Blaf causes Vork, at least two of Ziklo, not Blaf and Vork together cause "
      "Lumbo, and Blaf causes not Trune.";
  in.question = "Would Lumbo occur if Vork instead of not Vork?";
  auto f = text_features(in);
  EXPECT_EQ(at(f, "outcome_connective"), 4);  // threshold
  EXPECT_EQ(at(f, "outcome_clause_nots"), 1);
  EXPECT_EQ(at(f, "outcome_clause_nots_mod2"), 1);
  EXPECT_EQ(at(f, "treatment_connective"), 3);  // Vork: exactly one of
  EXPECT_EQ(at(f, "treatment_clause_nots"), 0);
  EXPECT_EQ(at(f, "treatment_negated"), 0);
  EXPECT_EQ(at(f, "causal_clauses"), 3);
  in.question = "Would Trune occur if not Blaf instead of Blaf?";
  f = text_features(in);
  EXPECT_EQ(at(f, "outcome_connective"), 0);  // copy
  EXPECT_EQ(at(f, "outcome_negated_effect"), 1);
  EXPECT_EQ(at(f, "outcome_clause_nots"), 1);
}

constexpr const char* kCladderChain =
    "Broge has a direct effect on Smelm. Smelm has a direct effect on Slome. Snako has a direct effect on Slome. The "
    "overall probability of Broge is 72%. For those who are not Broge, the probability of Smelm is 92%. For those who "
    "are Broge, the probability of Smelm is 32%. The overall probability of Snako is 21%. For those who are not Smelm "
    "and are not Snako, the probability of Slome is 25%. For those who are not Smelm and are Snako, the probability of "
    "Slome is 76%. For those who are Smelm and are not Snako, the probability of Slome is 68%. For those who are Smelm "
    "and are Snako, the probability of Slome is 67%.";

TEST(Features, CladderChainArithmetic) {
  FeatureInput in;
  in.given_info = kCladderChain;
  in.question = "Will Broge decrease the chance of Slome?";
  const auto f = text_features(in);
  EXPECT_EQ(at(f, "polarity"), -1);
  EXPECT_EQ(at(f, "treatment_has_parent"), 0);
  EXPECT_EQ(at(f, "stated_path"), 1);
  EXPECT_EQ(at(f, "path_length"), 2);
  EXPECT_EQ(at(f, "outcome_parents"), 2);
  EXPECT_NEAR(at(f, "p_treatment"), 0.72, 1e-12);
  EXPECT_TRUE(missing(f, "diff_avg"));  // Broge is not a stated parent of Slome
  EXPECT_NEAR(at(f, "mean_p_outcome"), (0.25 + 0.76 + 0.68 + 0.67) / 4, 1e-12);
  // (P(Smelm|Broge) − P(Smelm|not Broge)) × mean over Snako of the Smelm differences of Slome.
  EXPECT_NEAR(at(f, "chain_product"), (0.32 - 0.92) * ((0.68 - 0.25) + (0.67 - 0.76)) / 2, 1e-12);
  EXPECT_EQ(at(f, "sign_mean_polarity"), -1);
  EXPECT_EQ(at(f, "sign_chain_polarity"), 1);
  EXPECT_TRUE(missing(f, "sign_diff_polarity"));
  EXPECT_EQ(at(f, "causal_clauses"), 3);
  EXPECT_EQ(at(f, "numbers"), 8);
  EXPECT_TRUE(missing(f, "outcome_connective"));
}

TEST(Features, CladderDirectDifference) {
  FeatureInput in;
  in.given_info = kCladderChain;
  in.question = "Is the chance of Slome larger when observing Smelm?";
  const auto f = text_features(in);
  EXPECT_EQ(at(f, "polarity"), 1);
  EXPECT_NEAR(at(f, "diff_avg"), ((0.68 - 0.25) + (0.67 - 0.76)) / 2, 1e-12);
  EXPECT_EQ(at(f, "sign_diff_polarity"), 1);
  EXPECT_EQ(at(f, "treatment_has_parent"), 1);
  EXPECT_TRUE(missing(f, "p_treatment"));
}

TEST(Features, CladderGraphQuestions) {
  FeatureInput in;
  in.given_info =
      "Vutak has a direct effect on Tiluf and Krege. Troz has a direct effect on Tiluf. Tiluf has a direct effect on Krege.";
  in.question =
      "Method 1: We look at how Tiluf correlates with Krege case by case according to Vutak. Method 2: We look directly at "
      "how Tiluf correlates with Krege in general. To understand how Tiluf affects Krege, is it more correct to use the "
      "Method 1 than Method 2?";
  auto f = text_features(in);
  EXPECT_EQ(at(f, "adjustment_is_parent_of_treatment"), 1);
  EXPECT_EQ(at(f, "adjustment_descends_from_treatment"), 0);
  EXPECT_EQ(at(f, "treatment_has_parent"), 1);
  EXPECT_EQ(at(f, "stated_path"), 1);

  in.given_info = "Smero has a direct effect on Blirbo. Druzo has a direct effect on Blirbo.";
  in.question = "If we look at those who are Blirbo, does it mean that Smero does not affect Druzo?";
  f = text_features(in);
  EXPECT_EQ(at(f, "conditioned_is_common_child"), 1);
  EXPECT_EQ(at(f, "stated_path"), 0);
  EXPECT_TRUE(missing(f, "path_length"));
}

TEST(Features, WhereTheUnobservedVariableSits) {
  const std::string graph =
      "Vutak has a direct effect on Tiluf and Krege. Troz has a direct effect on Tiluf. Tiluf has a direct effect on Krege. ";
  const std::string vutak_hidden = graph + "Vutak is unobserved. The overall probability of Troz is 40%.";
  FeatureInput in;
  in.given_info = vutak_hidden;
  in.question = "Will Tiluf increase the chance of Krege?";
  auto f = text_features(in);
  EXPECT_EQ(at(f, "unobserved_causes_treatment"), 1);
  EXPECT_EQ(at(f, "unobserved_causes_outcome"), 1);
  EXPECT_EQ(at(f, "unobserved_common_cause"), 1);

  // Troz hidden instead: a cause of the treatment only.
  const std::string troz_hidden = graph + "Troz is unobserved.";
  in.given_info = troz_hidden;
  f = text_features(in);
  EXPECT_EQ(at(f, "unobserved_causes_treatment"), 1);
  EXPECT_EQ(at(f, "unobserved_causes_outcome"), 0);
  EXPECT_EQ(at(f, "unobserved_common_cause"), 0);

  // Nothing unobserved: the features are missing, not 0.
  in.given_info = graph;
  f = text_features(in);
  EXPECT_TRUE(missing(f, "unobserved_causes_treatment"));
  EXPECT_TRUE(missing(f, "unobserved_common_cause"));
}

TEST(Features, RealCladderJointsAndCorrelation) {
  FeatureInput in;
  in.given_info =
      "The overall probability of rixq is 13%. The probability of not rixq and xevu is 8%. The probability of rixq and "
      "xevu is 1%.";
  in.question = "Is the chance of xevu larger when observing rixq?";
  auto f = text_features(in);
  EXPECT_NEAR(at(f, "joint_diff"), 0.01 / 0.13 - 0.08 / 0.87, 1e-12);
  EXPECT_EQ(at(f, "sign_joint_polarity"), -1);
  EXPECT_NEAR(at(f, "p_treatment"), 0.13, 1e-12);
  EXPECT_TRUE(missing(f, "stated_path"));  // no graph is stated

  in.given_info = "For those who are zuph, the correlation between rixq and xevu is -0.16.";
  in.question = "If we look at those who are zuph, does it mean that rixq affects xevu?";
  f = text_features(in);
  EXPECT_NEAR(at(f, "correlation"), -0.16, 1e-12);
  EXPECT_TRUE(missing(f, "polarity"));

  // Commonsense wording: the treatment's condition is the first one.
  in.given_info =
      "For husbands that don't set the alarm, the probability of ringing alarm is 26%. For husbands that set the alarm, "
      "the probability of ringing alarm is 85%.";
  in.question = "Will alarm set by husband increase the chance of ringing alarm?";
  f = text_features(in);
  EXPECT_NEAR(at(f, "diff_avg"), 0.85 - 0.26, 1e-12);
  EXPECT_EQ(at(f, "sign_diff_polarity"), 1);
}

TEST(Features, LadderRegister) {
  FeatureInput in;
  in.given_info =
      "U_A is 1 with probability 3/10. U_Y is 1 with probability 1/2. U_C is 1 with probability 4/5. U_C affects both A "
      "and Y. A := U_A xor U_C. Y := (A and not U_Y) xor U_C.";
  in.question =
      "Is the probability that Y would be 1 had A been 0, given that A is 1 greater than 1/2? In notation: P(Y[A=0]=1 | "
      "A=1). Answer with yes or no.";
  in.names = {"U_A", "U_Y", "U_C", "A", "Y"};
  const auto f = text_features(in);
  EXPECT_EQ(at(f, "outcome_and"), 1);
  EXPECT_EQ(at(f, "outcome_or"), 0);
  EXPECT_EQ(at(f, "outcome_xor"), 1);
  EXPECT_EQ(at(f, "outcome_not"), 1);
  EXPECT_EQ(at(f, "outcome_own_noise"), 1);
  EXPECT_EQ(at(f, "priors_above_half"), 1);
  EXPECT_EQ(at(f, "priors_below_half"), 1);
  EXPECT_EQ(at(f, "priors_half"), 1);
  EXPECT_NEAR(at(f, "mean_prior"), (0.3 + 0.5 + 0.8) / 3, 1e-12);
  EXPECT_EQ(at(f, "shared_noise"), 1);
  EXPECT_EQ(at(f, "worlds"), 1);
  EXPECT_EQ(at(f, "settings"), 1);
  EXPECT_EQ(at(f, "evidence"), 1);
  EXPECT_EQ(at(f, "asked_value"), 1);
  EXPECT_EQ(at(f, "treatment_value"), 0);
  EXPECT_EQ(at(f, "treatment_negated"), 1);
  EXPECT_EQ(at(f, "polarity"), 1);
  EXPECT_EQ(at(f, "stated_path"), 1);  // A := ... feeds Y
  EXPECT_EQ(at(f, "causal_clauses"), 2);
  EXPECT_EQ(at(f, "variables"), 5);
}

TEST(Features, NothingReadableIsMissingNotAnError) {
  FeatureInput in;
  in.given_info = "For , the probability of  is %. The overall probability of is. ::= := U_ is 1 with probability";
  in.question = "Would  occur if ? In notation: P([=";
  std::vector<double> f;
  EXPECT_NO_THROW(f = text_features(in));
  EXPECT_EQ(f.size(), feature_names().size());
  EXPECT_TRUE(missing(f, "diff_avg"));
}

// ---- the path-parity rule -----------------------------------------------------------------------

/// path_parity_prediction as "yes", "no" or "abstains".
std::string rule(std::string_view given_info, std::string_view question) {
  const auto p = path_parity_prediction(given_info, question);
  return p ? (*p ? "yes" : "no") : "abstains";
}

constexpr const char* kUp = "Would C occur if A instead of not A?";
constexpr const char* kDown = "Would C occur if not A instead of A?";

TEST(FeaturesPathParity, CountsTheNotsOnASinglePathInBothDirections) {
  EXPECT_EQ(rule("We know that A causes B, and B causes C.", kUp), "yes");
  EXPECT_EQ(rule("We know that A causes B, and B causes C.", kDown), "no");
  EXPECT_EQ(rule("We know that A causes B, and not B causes C.", kUp), "no");
  EXPECT_EQ(rule("We know that A causes B, and not B causes C.", kDown), "yes");
  EXPECT_EQ(rule("We know that not A causes B, and not B causes C.", kUp), "yes");
  EXPECT_EQ(rule("We know that not A causes B, and not B causes C.", kDown), "no");
}

TEST(FeaturesPathParity, ANegatedEffectNegatesEveryArcIntoIt) {
  EXPECT_EQ(rule("We know that A causes not B, and B causes C.", kUp), "no");
  EXPECT_EQ(rule("We know that not A causes not B, and B causes C.", kUp), "yes");
  // "A causes B, C and not D": a list of effects, D negated.
  EXPECT_EQ(rule("We know that A causes B, E and not D, and D causes C.", kUp), "no");
  EXPECT_EQ(rule("We know that A causes B, E and not D, and E causes C.", kUp), "yes");
}

TEST(FeaturesPathParity, OnlyThePathsLiteralCountsInAConnectiveClause) {
  EXPECT_EQ(rule("We know that A causes B, and not B or D causes C.", kUp), "no");
  EXPECT_EQ(rule("We know that A causes B, and B and not D together cause C.", kUp), "yes");
  EXPECT_EQ(rule("We know that A causes B, and at least two of D, not B and E together cause C.", kUp), "no");
  EXPECT_EQ(rule("We know that A causes B, and exactly one of not D and B causes C.", kDown), "no");
}

TEST(FeaturesPathParity, ShortestPathsMustAgree) {
  // A → B → C and A → D → C, both without a negation / with one each.
  EXPECT_EQ(rule("We know that A causes B and D, and B and D together cause C.", kUp), "yes");
  EXPECT_EQ(rule("We know that A causes B and D, and not B or not D causes C.", kUp), "no");
  // One path with a negation, one without: the rule cannot tell.
  EXPECT_EQ(rule("We know that A causes B and D, and B and not D together cause C.", kUp), "abstains");
}

TEST(FeaturesPathParity, ALongerPathIsIgnored) {
  // A → C (negated) is shorter than A → B → D → C (no negation).
  EXPECT_EQ(rule("We know that A causes B, B causes D, and not A and D together cause C.", kUp), "no");
}

TEST(FeaturesPathParity, JointSettingsTheNearestWins) {
  constexpr const char* text = "We know that A causes B, B causes C, E causes not D, and C or D causes F.";
  // A → B → C → F (3 arcs, keeps A = 1) against E → D → F (2 arcs, E = 1 gives 0).
  EXPECT_EQ(rule(text, "Would F occur if A and E?"), "no");
  EXPECT_EQ(rule(text, "Would F occur if not A and not E?"), "yes");
  // Two settings at the same distance that disagree: B → C → F brings 1, E → D → F 0.
  EXPECT_EQ(rule(text, "Would F occur if B and E?"), "abstains");
  // Any number of settings; C is nearest (one arc), and A's path does not go through it.
  EXPECT_EQ(rule(text, "Would F occur if A, not C and E?"), "no");
  EXPECT_EQ(rule(text, "Would F occur if A, C and E?"), "yes");
}

TEST(FeaturesPathParity, NestedHeldMediatorBlocksPaths) {
  constexpr const char* text = "We know that A causes M and B, B causes E, and M and not E together cause Y.";
  EXPECT_EQ(rule(text, "Would Y occur if A instead of not A?"), "yes");  // A → M → Y
  // M held: only A → B → E → Y, with "not E".
  EXPECT_EQ(rule(text, "Would Y occur if A instead of not A, with M kept as it would be under not A?"), "no");
  EXPECT_EQ(rule(text, "Would Y occur if not A instead of A, with M kept as it would be under A?"), "yes");
  // No path around the held mediator.
  EXPECT_EQ(rule("We know that A causes M, and M causes Y.",
                 "Would Y occur if A instead of not A, with M kept as it would be under not A?"),
            "abstains");
}

TEST(FeaturesPathParity, CounterBenchAndCladderForms) {
  // CLadder's deterministic register: one sentence per clause; the direct arc is the shortest.
  EXPECT_EQ(rule("We know that A causes B. not A and B causes C.", kDown), "yes");
  EXPECT_EQ(rule("We know that kwox causes blaf. kwox or not blaf causes zup. We observed Grode.",
                 "Would zup occur if kwox instead of not kwox?"),
            "yes");
  // CounterBench's nested form sets both variables as written (Trune = 0 is nearer Lumbo than
  // Ziklo, whose path goes through it); "Would not Y occur" asks for Y = 0.
  constexpr const char* text = "We know that Ziklo causes Blaf, Blaf causes Trune, not Trune causes Vork, and Vork causes Lumbo.";
  EXPECT_EQ(rule(text, "Assume not Ziklo, and based on this assumption, further suppose not Trune. Would Lumbo occur?"), "yes");
  EXPECT_EQ(rule(text, "Assume not Ziklo, and based on this assumption, further suppose Trune. Would Lumbo occur?"), "no");
  EXPECT_EQ(rule(text, "Would Lumbo occur if Ziklo instead of not Ziklo?"), "no");
  EXPECT_EQ(rule(text, "Would not Lumbo occur if Ziklo instead of not Ziklo?"), "yes");
}

TEST(FeaturesPathParity, AbstainsOnWhatItCannotRead) {
  EXPECT_EQ(rule("We know nothing.", kUp), "abstains");
  EXPECT_EQ(rule("", kUp), "abstains");
  EXPECT_EQ(rule("We know that A causes B, and B causes C.", "How are you?"), "abstains");
  EXPECT_EQ(rule("We know that A causes B, and D causes C.", kUp), "abstains");  // C unreachable from A
  // CLadder's commonsense stories name variables in phrases.
  EXPECT_EQ(rule("We know that alarm set by husband causes alarm set by wife. alarm set by husband or alarm set by wife "
                 "causes ringing alarm.",
                 "Would the alarm rings the next morning if alarm not set by husband instead of alarm set by husband?"),
            "abstains");
  EXPECT_EQ(rule("For those who are not Broge, the probability of Smelm is 92%.", "Would Smelm occur if Broge instead of not Broge?"),
            "abstains");
}

TEST(FeaturesPathParity, IsAFeature) {
  FeatureInput in;
  in.given_info = "We know that A causes B, and not B causes C.";
  in.question = kUp;
  EXPECT_EQ(at(text_features(in), "path_parity_rule"), 0);
  in.question = kDown;
  EXPECT_EQ(at(text_features(in), "path_parity_rule"), 1);
  in.given_info = "We know that A causes B and D, and B and not D together cause C.";
  EXPECT_TRUE(missing(text_features(in), "path_parity_rule"));
  in.given_info = kCladderChain;
  in.question = "Will Broge decrease the chance of Slome?";
  EXPECT_TRUE(missing(text_features(in), "path_parity_rule"));
}

TEST(QuestionRoles, Templates) {
  auto r = question_roles("Would Lumbo occur if not Ziklo instead of Ziklo?");
  EXPECT_EQ(r.outcome, "Lumbo");
  EXPECT_EQ(r.treatment, "Ziklo");
  EXPECT_TRUE(r.treatment_negated);
  r = question_roles("For those who are rixq, would it be more likely to see xevu if the individual was not rixq?");
  EXPECT_EQ(r.outcome, "xevu");
  EXPECT_EQ(r.treatment, "rixq");
  EXPECT_TRUE(r.treatment_negated);
  r = question_roles("Does Forn negatively affect Hatu through Funaf?");
  EXPECT_EQ(r.treatment, "Forn");
  EXPECT_EQ(r.outcome, "Hatu");
  EXPECT_EQ(r.mediator, "Funaf");
  r = question_roles("If we disregard the mediation effect through zuph, would rixq positively affect xevu?");
  EXPECT_EQ(r.treatment, "rixq");
  EXPECT_EQ(r.outcome, "xevu");
  EXPECT_EQ(r.mediator, "zuph");
  r = question_roles("If we look at those who are Grode, does the chance of Slinof increase when Swumo?");
  EXPECT_EQ(r.conditioned, "Grode");
  EXPECT_EQ(r.outcome, "Slinof");
  EXPECT_EQ(r.treatment, "Swumo");
  r = question_roles("Is xevu more likely than not xevu overall?");
  EXPECT_EQ(r.outcome, "xevu");
  EXPECT_EQ(r.treatment, "");
  r = question_roles("What is it? In notation: E(Swute[Skabak=1]) - E(Swute[Skabak=0]). Answer with yes or no.");
  EXPECT_EQ(r.outcome, "Swute");
  EXPECT_EQ(r.treatment, "Skabak");
  EXPECT_FALSE(r.treatment_negated);
  r = question_roles("How are you?");
  EXPECT_EQ(r.treatment, "");
  EXPECT_EQ(r.outcome, "");
}

TEST(MaskedWords, NamesAndNumbers) {
  EXPECT_EQ(masked_words("We know that Ziklo causes Lumbo. Blaf is 72%.", {}, "Ziklo", "Lumbo"),
            (std::vector<std::string>{"we", "know", "that", "X", "causes", "Y", "blaf", "is", "#"}));
  EXPECT_EQ(masked_words("A := U_A xor B", {"A", "B", "U_A"}, "B", ""),
            (std::vector<std::string>{"V", "V", "xor", "X"}));
}

TEST(RenamedText, NamesByFirstAppearanceEverythingElseKept) {
  // Name variants give one text; the roles' order, the numbers and the other words do not.
  const std::string a = renamed_text("We know that Ziklo causes Lumbo. Would Lumbo occur if not Ziklo? 72%", {});
  EXPECT_EQ(a, "We know that \x01" "1 causes \x01" "2. Would \x01" "2 occur if not \x01" "1? 72%");
  EXPECT_EQ(renamed_text("We know that Blaf causes Trune. Would Trune occur if not Blaf? 72%", {}), a);
  EXPECT_NE(renamed_text("We know that Blaf causes Trune. Would Blaf occur if not Trune? 72%", {}), a);
  EXPECT_NE(renamed_text("We know that Blaf causes Trune. Would Trune occur if not Blaf? 73%", {}), a);
  // Given names (a rung record's variables), only they are names, whatever their case.
  EXPECT_EQ(renamed_text("A := U_A xor b", {"A", "b", "U_A"}), renamed_text("c := U_c xor D", {"c", "D", "U_c"}));
  EXPECT_EQ(renamed_text("", {}), "");
}

}  // namespace
}  // namespace rung
