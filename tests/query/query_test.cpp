#include "rung/query/query.hpp"

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"
#include "rung/scm/scm.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using rung::Estimand;
using rung::Event;
using rung::Expectation;
using rung::Probability;
using rung::Query;
using rung::Rational;
using rung::Setting;
using rung::Term;
using rung::VarId;

// ---- fixtures ----------------------------------------------------------------------------

/// U -> X -> Y, U -> Y. Ids: U 0, X 1, Y 2.
rung::Scm small_model() {
  rung::ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.endogenous("X", "U");
  b.endogenous("Y", "X xor U");
  return b.build();
}

/// A mediation model with a confounder, a non-numeric and a numeric non-boolean variable.
/// Ids: U_Z 0, U_X 1, U_M 2, U_Y 3, Z 4, X 5, M 6, Y 7, W 8, N 9.
rung::Scm model() {
  rung::ScmBuilder b;
  b.bernoulli("U_Z", Rational(1, 2));
  b.bernoulli("U_X", Rational(2, 5));
  b.bernoulli("U_M", Rational(1, 4));
  b.bernoulli("U_Y", Rational(1, 10));
  b.endogenous("Z", "U_Z");
  b.endogenous("X", "U_X xor Z");
  b.endogenous("M", "X xor U_M");
  b.endogenous("Y", "(X and M) or U_Y");
  b.endogenous("W", "if Y then hi else lo", rung::Domain({"lo", "mid", "hi"}));
  b.endogenous("N", "if X then 2 else 0", rung::Domain({"0", "1", "2"}));
  return b.build();
}

const rung::Scm& m() {
  static const rung::Scm scm = model();
  return scm;
}

VarId id(std::string_view name) { return *m().find(name); }

Term term(std::string_view var, std::vector<Setting> settings = {}) {
  return Term{id(var), std::move(settings)};
}
Setting set(std::string_view var, rung::Value value) { return Setting{id(var), value, {}}; }
Setting set(std::string_view var, Term nested) { return Setting{id(var), 0, {std::move(nested)}}; }
Event event(Term t, rung::Value value) { return Event{std::move(t), value}; }

Query prob(std::vector<Event> events, std::vector<Event> evidence = {}) {
  return Query{{Query::Part{1, Probability{std::move(events), std::move(evidence)}}}};
}

Query parse(std::string_view text) { return rung::parse_query(text, m()); }
std::string canon(std::string_view text) { return rung::to_string(parse(text), m()); }

/// The message of the InvalidQuery that parsing `text` throws, or "no error".
std::string error_of(std::string_view text, const rung::Scm& scm = m()) {
  try {
    (void)rung::parse_query(text, scm);
  } catch (const rung::InvalidQuery& e) {
    return e.what();
  }
  return "no error";
}

std::string make(const Estimand& e, const rung::Scm& scm = m()) {
  return rung::to_string(rung::make_query(e, scm), scm);
}

std::string make_error(const Estimand& e) {
  try {
    (void)rung::make_query(e, m());
  } catch (const rung::InvalidQuery& err) {
    return err.what();
  }
  return "no error";
}

Estimand estimand(Estimand::Kind kind, std::string mediator = {}) {
  Estimand e;
  e.kind = kind;
  e.treatment = "X";
  e.outcome = "Y";
  e.mediator = std::move(mediator);
  return e;
}

// ---- SPEC §3 examples ----------------------------------------------------------------------

TEST(Query, ParsesMarginal) {
  EXPECT_EQ(parse("P(Y=1)"), prob({event(term("Y"), 1)}));
  EXPECT_EQ(canon("P(Y=1)"), "P(Y=1)");
}

TEST(Query, ParsesConditional) {
  EXPECT_EQ(parse("P(Y=1 | X=0)"), prob({event(term("Y"), 1)}, {event(term("X"), 0)}));
  EXPECT_EQ(canon("P(Y=1|X=0)"), "P(Y=1 | X=0)");
}

TEST(Query, DoIsFoldedIntoTheTerms) {
  EXPECT_EQ(parse("P(Y=1 | do(X=0))"), prob({event(term("Y", {set("X", 0)}), 1)}));
  EXPECT_EQ(parse("P(Y=1 | do(X=0))"), parse("P(Y[X=0]=1)"));
  EXPECT_EQ(canon("P(Y=1 | do(X=0))"), "P(Y[X=0]=1)");
}

TEST(Query, EvidenceBesideDoIsInTheDoWorld) {
  EXPECT_EQ(parse("P(Y=1 | do(X=0), Z=1)"),
            prob({event(term("Y", {set("X", 0)}), 1)}, {event(term("Z", {set("X", 0)}), 1)}));
  EXPECT_EQ(canon("P(Y=1 | do(X=0), Z=1)"), "P(Y[X=0]=1 | Z[X=0]=1)");
  // The position of do() among the conditions does not matter.
  EXPECT_EQ(parse("P(Y=1 | Z=1, do(X=0))"), parse("P(Y=1 | do(X=0), Z=1)"));
}

TEST(Query, ParsesCounterfactual) {
  EXPECT_EQ(parse("P(Y[X=0]=1 | X=1, Y=1)"),
            prob({event(term("Y", {set("X", 0)}), 1)}, {event(term("X"), 1), event(term("Y"), 1)}));
  EXPECT_EQ(canon("P( Y[X=0]=1 | X=1,Y=1 )"), "P(Y[X=0]=1 | X=1, Y=1)");
}

TEST(Query, ParsesJointCounterfactual) {
  EXPECT_EQ(parse("P(Y[X=0]=1, Y[X=1]=0)"),
            prob({event(term("Y", {set("X", 0)}), 1), event(term("Y", {set("X", 1)}), 0)}));
  EXPECT_EQ(canon("P(Y[X=0]=1,Y[X=1]=0)"), "P(Y[X=0]=1, Y[X=1]=0)");
}

TEST(Query, ParsesNestedCounterfactual) {
  EXPECT_EQ(parse("P(Y[X=1, M=M[X=0]]=1 | X=0)"),
            prob({event(term("Y", {set("X", 1), set("M", term("M", {set("X", 0)}))}), 1)},
                 {event(term("X"), 0)}));
  EXPECT_EQ(canon("P(Y[X=1,M=M[X=0]]=1|X=0)"), "P(Y[X=1, M=M[X=0]]=1 | X=0)");
}

TEST(Query, ParsesDifferenceOfExpectations) {
  Query want;
  want.parts.push_back({1, Expectation{term("Y", {set("X", 1)}), {}}});
  want.parts.push_back({-1, Expectation{term("Y", {set("X", 0)}), {}}});
  EXPECT_EQ(parse("E(Y[X=1]) - E(Y[X=0])"), want);
  EXPECT_EQ(canon("E(Y[X=1])-E(Y[X=0])"), "E(Y[X=1]) - E(Y[X=0])");
}

TEST(Query, SpecExamplesPrintCanonicallyWithTheirRung) {
  const std::vector<std::pair<std::string, int>> examples = {
      {"P(Y=1)", 1},
      {"P(Y=1 | X=0)", 1},
      {"P(Y[X=0]=1)", 2},
      {"P(Y[X=0]=1 | Z[X=0]=1)", 2},
      {"P(Y[X=0]=1 | X=1, Y=1)", 3},
      {"P(Y[X=0]=1, Y[X=1]=0)", 3},
      {"P(Y[X=1, M=M[X=0]]=1 | X=0)", 3},
      {"E(Y[X=1]) - E(Y[X=0])", 2},
  };
  for (const auto& [text, rung] : examples) {
    const Query q = parse(text);
    EXPECT_EQ(rung::to_string(q, m()), text);
    EXPECT_EQ(rung::rung_of(q), rung) << text;
  }
}

// ---- lexical forms --------------------------------------------------------------------------

TEST(Query, SubscriptIsASynonymOfBrackets) {
  EXPECT_EQ(parse("P(Y_{X=0}=1)"), parse("P(Y[X=0]=1)"));
  EXPECT_EQ(parse("P(Y_{X=1, M=M_{X=0}}=1 | X=0)"), parse("P(Y[X=1, M=M[X=0]]=1 | X=0)"));
  EXPECT_EQ(parse("E(Y_{X=1}) - E(Y _{X=0})"), parse("E(Y[X=1]) - E(Y[X=0])"));
  EXPECT_EQ(canon("P(Y_{X=0}=1)"), "P(Y[X=0]=1)");
}

TEST(Query, NamesMayContainUnderscores) {
  EXPECT_EQ(parse("P(U_X=1 | X=1)"), prob({event(term("U_X"), 1)}, {event(term("X"), 1)}));
  // U_X_{X=0}: U_X under X=0 (an exogenous variable is the same in every world).
  EXPECT_EQ(parse("P(U_X_{X=0}=1)"), prob({event(term("U_X", {set("X", 0)}), 1)}));
  EXPECT_EQ(canon("P(U_X_{X=0}=1)"), "P(U_X[X=0]=1)");
  EXPECT_EQ(rung::rung_of(parse("P(U_X=1 | X=1)")), 1);
}

TEST(Query, WhitespaceIsFreeBetweenTokens) {
  EXPECT_EQ(parse(" \tP ( Y [ X = 0 , M = M [ X = 1 ] ] = 1 |\n X = 1 , do ( Z = 0 ) ) - E ( N ) "),
            parse("P(Y[Z=0, X=0, M=M[X=1]]=1 | X[Z=0]=1) - E(N)"));
}

TEST(Query, SettingsAreSortedByVariableId) {
  const Query q = parse("P(Y[M=0, X=1, Z=0]=1)");
  EXPECT_EQ(q, prob({event(term("Y", {set("Z", 0), set("X", 1), set("M", 0)}), 1)}));
  EXPECT_EQ(rung::to_string(q, m()), "P(Y[Z=0, X=1, M=0]=1)");
}

TEST(Query, AppendToStringAppendsEachPieceOfTheNotation) {
  const Query q = parse("P(Y[X=0, M=M[X=1]]=1 | X=1) - E(N)");
  std::string out = "> ";
  rung::append_to_string(out, q, m());
  EXPECT_EQ(out, "> " + rung::to_string(q, m()));
  const auto& p = std::get<rung::Probability>(q.parts[0].quantity);
  out = "[";
  rung::append_to_string(out, p.events[0].term.settings, m());
  EXPECT_EQ(out, "[X=0, M=M[X=1]");
  out.clear();
  rung::append_to_string(out, q.parts[1].quantity, m());
  EXPECT_EQ(out, "E(N)");
  out.clear();
  rung::append_to_string(out, p.evidence, m());
  EXPECT_EQ(out, "X=1");
}

TEST(Query, VariableNameOnTheRightIsAFactualTerm) {
  EXPECT_EQ(parse("P(Y[M=Z]=1)"), prob({event(term("Y", {set("M", term("Z"))}), 1)}));
  EXPECT_EQ(canon("P(Y[M=Z]=1)"), "P(Y[M=Z]=1)");
  EXPECT_EQ(rung::rung_of(parse("P(Y[M=Z]=1)")), 3);
}

TEST(Query, NestedTermMayBeExogenousOrAnotherVariableOfTheSameDomain) {
  EXPECT_EQ(parse("P(Y[M=U_M]=1)"), prob({event(term("Y", {set("M", term("U_M"))}), 1)}));
  EXPECT_EQ(canon("P(Y[X=Z[X=1]]=1)"), "P(Y[X=Z[X=1]]=1)");
}

TEST(Query, ExpectationOfNumericNonBooleanVariable) {
  EXPECT_EQ(canon("E(N[X=1] | Z=1)"), "E(N[X=1] | Z=1)");
  EXPECT_EQ(canon("E(Y | do(X=1), Z=0)"), "E(Y[X=1] | Z[X=1]=0)");
}

TEST(Query, LeadingMinusAndSums) {
  EXPECT_EQ(canon("-P(Y=1)+P(X=1)-E(N)"), "-P(Y=1) + P(X=1) - E(N)");
  const Query q = parse("- P(Y=1) + E(N)");
  ASSERT_EQ(q.parts.size(), 2U);
  EXPECT_EQ(q.parts[0].sign, -1);
  EXPECT_EQ(q.parts[1].sign, 1);
}

TEST(Query, NonNumericLabels) {
  EXPECT_EQ(parse("P(W=hi | Y[W=mid]=1)"),
            prob({event(term("W"), 2)}, {event(term("Y", {set("W", 1)}), 1)}));
}

TEST(Query, VariableCalledDoIsStillAVariable) {
  rung::ScmBuilder b;
  b.bernoulli("U", Rational(1, 2));
  b.endogenous("X", "U");
  b.endogenous("do", "X");
  const rung::Scm scm = b.build();
  const Query q = rung::parse_query("P(do=1 | do(X=1), do=0)", scm);
  EXPECT_EQ(rung::to_string(q, scm), "P(do[X=1]=1 | do[X=1]=0)");
  EXPECT_EQ(rung::parse_query(rung::to_string(q, scm), scm), q);
}

// ---- do() folding ----------------------------------------------------------------------------

TEST(Query, SeveralDoConditionsAreMerged) {
  EXPECT_EQ(canon("P(Y=1 | do(X=1), Z=0, do(M=0))"), "P(Y[X=1, M=0]=1 | Z[X=1, M=0]=0)");
  EXPECT_EQ(parse("P(Y=1 | do(X=1, M=0))"), parse("P(Y=1 | do(M=0), do(X=1))"));
}

TEST(Query, DoMergesWithBracketsAtTheOuterLevelOnly) {
  EXPECT_EQ(canon("P(Y[M=M[X=0]]=1, W=hi | do(Z=1), X=0)"),
            "P(Y[Z=1, M=M[X=0]]=1, W[Z=1]=hi | X[Z=1]=0)");
  EXPECT_EQ(canon("E(Y[M=M[X=0]] | do(X=1))"), "E(Y[X=1, M=M[X=0]])");
}

TEST(Query, DoAppliesToEveryPartSeparately) {
  EXPECT_EQ(canon("P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))"), "P(Y[X=1]=1) - P(Y[X=0]=1)");
  EXPECT_EQ(canon("P(Y=1 | do(X=1)) - P(Y=1)"), "P(Y[X=1]=1) - P(Y=1)");
}

TEST(Query, DoOnAVariableOfTheEventIsAllowed) {
  EXPECT_EQ(canon("P(X=1 | do(X=0))"), "P(X[X=0]=1)");
}

TEST(Query, VariableSetTwiceIsAnError) {
  EXPECT_EQ(error_of("P(Y[X=0, X=1]=1)"), "column 10: X is set twice in Y[X=0, X=1]");
  EXPECT_EQ(error_of("P(Y[X=0, M=0, X=0]=1)"), "column 15: X is set twice in Y[X=0, M=0, X=0]");
  EXPECT_EQ(error_of("P(Y[X=0]=1 | do(X=1))"), "column 17: X is set twice in Y[X=0, X=1]");
  EXPECT_EQ(error_of("P(Y=1 | Z[X=0]=1, do(X=1))"), "column 22: X is set twice in Z[X=0, X=1]");
  EXPECT_EQ(error_of("P(Y=1 | do(X=0), do(X=1))"), "column 21: X is set twice in do(X=0, X=1)");
  EXPECT_EQ(error_of("P(Y=1 | do(X=0, M=1, X=0))"), "column 22: X is set twice in do(X=0, M=1, X=0)");
  EXPECT_EQ(error_of("E(Y[M=M[X=0]] | do(M=1))"), "column 20: M is set twice in Y[M=M[X=0], M=1]");
  EXPECT_EQ(error_of("P(Y[M=M[X=0, X=1]]=1)"), "column 14: X is set twice in M[X=0, X=1]");
}

// ---- nesting ----------------------------------------------------------------------------------

TEST(Query, NestsToDepthThree) {
  const Query q = parse("P(Y[M=M[X=X[Z=Z[X=0]]]]=1)");
  const Term z = term("Z", {set("X", 0)});
  const Term x = term("X", {set("Z", z)});
  const Term mm = term("M", {set("X", x)});
  EXPECT_EQ(q, prob({event(term("Y", {set("M", mm)}), 1)}));
  EXPECT_EQ(rung::to_string(q, m()), "P(Y[M=M[X=X[Z=Z[X=0]]]]=1)");
  EXPECT_EQ(rung::rung_of(q), 3);
}

std::string nested_query(int levels) {
  std::string text = "P(";
  for (int i = 0; i < levels; ++i) text += "Y[X=";
  text += "0";
  for (int i = 0; i < levels; ++i) text += "]";
  return text + "=1)";
}

TEST(Query, NestingDepthIsLimited) {
  // 65 bracketed terms: the outer one and 64 nested ones.
  const Query q = parse(nested_query(65));
  EXPECT_EQ(parse(rung::to_string(q, m())), q);
  EXPECT_EQ(error_of(nested_query(66)), "column 263: counterfactuals nested more than 64 levels deep");
  EXPECT_EQ(error_of(nested_query(100000)), "column 263: counterfactuals nested more than 64 levels deep");
}

// ---- round trips ------------------------------------------------------------------------------

TEST(Query, RoundTripsOnACorpus) {
  const std::vector<std::string> corpus = {
      "P(Y=1)",
      "P(Y=0 | X=1)",
      "P(X=1, Y=1)",
      "P(X=1, Y=1 | Z=0, M=1)",
      "P(U_X=1 | X=1, Y=0)",
      "P(W=hi)",
      "P(W=mid | Y=0)",
      "P(N=2 | X=1)",
      "P(Y=1 | do(X=0))",
      "P(Y=1 | do(X=0), Z=1)",
      "P(Y=1 | Z=1, do(X=0), M=0)",
      "P(Y=1 | do(X=1, Z=0))",
      "P(Y=1 | do(X=1), do(M=0))",
      "P(Y[X=0]=1)",
      "P(Y[X=0]=1 | X=1, Y=1)",
      "P(Y[X=0]=1, Y[X=1]=0)",
      "P(Y[X=1]=1, Y[X=0]=0 | Z=1)",
      "P(Y[X=1, M=M[X=0]]=1 | X=0)",
      "P(Y[X=0, M=M[X=1]]=0 | X=1, M=0)",
      "P(Y[M=M[X=X[Z=Z[X=0]]]]=1)",
      "P(Y[M=Z]=1)",
      "P(Y[Z=1, X=0, M=1]=1 | W=lo)",
      "P(Y_{X=0}=1)",
      "P(U_X_{X=0}=1)",
      "P(Y_{X=1, M=M_{X=0}}=1)",
      "P(W[Y=1]=hi, W[Y=0]=lo)",
      "P(Y[W=mid]=1 | W=hi)",
      "P(M[X=1]=1 | M[X=0]=0, X=1)",
      "P(Y[M=M[X=0]]=1 | do(X=1))",
      "E(Y)",
      "E(N)",
      "E(N[X=1] | X=0)",
      "E(Y[X=1]) - E(Y[X=0])",
      "E(Y[X=1] | X=1) - E(Y[X=0] | X=1)",
      "E(Y[X=1, M=M[X=0]]) - E(Y[X=0])",
      "E(Y[X=0, M=M[X=1]]) - E(Y[X=0])",
      "E(Y | do(X=1)) - E(Y | do(X=0))",
      "-P(Y=1) + P(X=1)",
      "P(Y=1) + P(Y=0) - E(N)",
      "P(Y=1 | do(X=1)) - P(Y=1 | X=1)",
      "P(Y[X=1]=1 | Y[X=0]=0, Z[X=0]=1)",
  };
  ASSERT_GE(corpus.size(), 40U);
  for (const auto& text : corpus) {
    const Query q = parse(text);
    const std::string printed = rung::to_string(q, m());
    EXPECT_EQ(parse(printed), q) << text;
    EXPECT_EQ(rung::to_string(parse(printed), m()), printed) << text;
    EXPECT_EQ(printed.find("do("), std::string::npos) << printed;
  }
}

TEST(Query, PrintsEventLists) {
  const std::vector<Event> events = {event(term("X"), 1), event(term("Y", {set("X", 0)}), 1)};
  EXPECT_EQ(rung::to_string(events, m()), "X=1, Y[X=0]=1");
  EXPECT_EQ(rung::to_string(std::vector<Event>{}, m()), "");
  EXPECT_EQ(rung::to_string(term("Y", {set("X", 1), set("M", term("M", {set("X", 0)}))}), m()),
            "Y[X=1, M=M[X=0]]");
}

// ---- rung_of ----------------------------------------------------------------------------------

TEST(Query, RungOfEachLevel) {
  EXPECT_EQ(rung::rung_of(parse("P(Y=1, X=0 | Z=1)")), 1);
  EXPECT_EQ(rung::rung_of(parse("E(N | X=1)")), 1);
  EXPECT_EQ(rung::rung_of(parse("P(Y=1 | do(X=0))")), 2);
  EXPECT_EQ(rung::rung_of(parse("P(Y=1, M=0 | do(X=0), Z=1)")), 2);
  EXPECT_EQ(rung::rung_of(parse("P(Y=1 | do(X=0)) - P(Y=1 | do(X=1))")), 2);
  EXPECT_EQ(rung::rung_of(parse("P(Y=1 | do(X=0)) - P(Y=1)")), 2);
  EXPECT_EQ(rung::rung_of(parse("E(Y[X=1] | X=1) - E(Y[X=0] | X=1)")), 3);
  EXPECT_EQ(rung::rung_of(parse("P(Y[X=0]=1 | X=1)")), 3);
  EXPECT_EQ(rung::rung_of(parse("P(Y[X=0]=1 | Z[X=1]=1)")), 3);
  EXPECT_EQ(rung::rung_of(parse("P(Y[X=1, M=M[X=0]]=1)")), 3);
  EXPECT_EQ(rung::rung_of(parse("P(Y=1) + P(Y[X=0]=1, Y[X=1]=1)")), 3);
  EXPECT_EQ(rung::rung_of(Query{}), 1);
}

// ---- errors -----------------------------------------------------------------------------------

TEST(Query, SyntaxErrorsNameColumnAndCulprit) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "column 1: expected 'P(' or 'E(', found end of query"},
      {"   ", "column 4: expected 'P(' or 'E(', found end of query"},
      {"Q(Y=1)", "column 1: expected 'P(' or 'E(', found 'Q'"},
      {"+P(Y=1)", "column 1: expected 'P(' or 'E(', found '+'"},
      {"P Y=1", "column 3: expected '(' after 'P', found 'Y'"},
      {"E", "column 2: expected '(' after 'E', found end of query"},
      {"P()", "column 3: expected a variable, found ')'"},
      {"P(Y)", "column 4: expected '=' after 'Y', found ')'"},
      {"P(Y[X=0])", "column 9: expected '=' after 'Y[X=0]', found ')'"},
      {"P(Y=)", "column 5: expected a value of Y {0, 1}, found ')'"},
      {"P(W=)", "column 5: expected a value of W {lo, mid, hi}, found ')'"},
      {"P(Y=1", "column 6: expected ',', '|' or ')', found end of query"},
      {"P(Y=1 Z=1)", "column 7: expected ',', '|' or ')', found 'Z'"},
      {"P(Y=1 |)", "column 8: expected a variable or 'do(', found ')'"},
      {"P(Y=1 | X=1", "column 12: expected ',' or ')', found end of query"},
      {"P(Y=1 | X=1 | Z=0)", "column 13: expected ',' or ')', found '|'"},
      {"P(Y=1))", "column 7: expected '+', '-' or end of query, found ')'"},
      {"P(Y=1) P(X=1)", "column 8: expected '+', '-' or end of query, found 'P'"},
      {"P(Y=1) -", "column 9: expected 'P(' or 'E(', found end of query"},
      {"P(Y=1) + + P(X=1)", "column 10: expected 'P(' or 'E(', found '+'"},
      {"P(Y[=0]=1)", "column 5: expected a variable, found '='"},
      {"P(Y[]=1)", "column 5: expected a variable, found ']'"},
      {"P(Y[X]=1)", "column 6: expected '=' after 'X', found ']'"},
      {"P(Y[X=]=1)", "column 7: expected a value of X {0, 1} or a variable, found ']'"},
      {"P(Y[X=0=1)", "column 8: expected ',' or ']', found '='"},
      {"P(Y[X=0=1]=1)", "column 8: expected ',' or ']', found '='"},
      {"P(Y[X=0}=1)", "column 8: expected ',' or ']', found '}'"},
      {"P(Y_{X=0]=1)", "column 9: expected ',' or '}', found ']'"},
      {"P(Y[X=0", "column 8: expected ',' or ']', found end of query"},
      {"P(Y[X=M[X=0]=1)", "column 13: expected ',' or ']', found '='"},
      {"P(Y{X=0}=1)", "column 4: expected '=' after 'Y', found '{'"},
      {"P(Y=1 | do)", "column 9: unknown variable 'do'"},
      {"P(Y=1 | do(X))", "column 13: expected '=' after 'X', found ')'"},
      {"P(Y=1 | do(X=))", "column 14: expected a value of X {0, 1}, found ')'"},
      {"P(Y=1 | do(X=1 M=0))", "column 16: expected ',' or ')', found 'M'"},
      {"P(Y=1 | do())", "column 12: expected a variable, found ')'"},
      {"E(Y=1)", "column 4: expected '|' or ')', found '='"},
      {"E(Y", "column 4: expected '|' or ')', found end of query"},
      {"E(Y | X=1", "column 10: expected ',' or ')', found end of query"},
      {"P(Y=1 & X=1)", "column 7: expected ',', '|' or ')', found '&'"},
      {"P(Y=-1)", "column 5: expected a value of Y {0, 1}, found '-'"},
      {"P(do(X=1))", "column 3: do(...) may only appear after '|'"},
      {"E(do(X=1))", "column 3: do(...) may only appear after '|'"},
      {"P(Y=1 | X=1, do(X=0)", "column 21: expected ',' or ')', found end of query"},
      {"P(Y=1) \xc3\xa9", "column 8: expected '+', '-' or end of query, found byte 0xc3"},
  };
  for (const auto& [text, message] : cases) EXPECT_EQ(error_of(text), message) << text;
}

TEST(Query, ModelErrorsNameColumnAndCulprit) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"P(Q=1)", "column 3: unknown variable 'Q'"},
      {"P(Y=1 | Q=1)", "column 9: unknown variable 'Q'"},
      {"P(Y[Q=1]=1)", "column 5: unknown variable 'Q'"},
      {"P(Y[M=Q[X=0]]=1)", "column 7: 'Q' is not a value of M {0, 1}"},
      {"P(Y[M=M[Q=0]]=1)", "column 9: unknown variable 'Q'"},
      {"P(Y=1 | do(Q=1))", "column 12: unknown variable 'Q'"},
      {"P(y=1)", "column 3: unknown variable 'y'"},
      {"P(Y=2)", "column 5: '2' is not a value of Y {0, 1}"},
      {"P(Y=1 | X=2)", "column 11: '2' is not a value of X {0, 1}"},
      {"P(Y[X=2]=1)", "column 7: '2' is not a value of X {0, 1}"},
      {"P(Y=1 | do(X=true))", "column 14: 'true' is not a value of X {0, 1}"},
      {"P(W=top)", "column 5: 'top' is not a value of W {lo, mid, hi}"},
      {"P(W=HI)", "column 5: 'HI' is not a value of W {lo, mid, hi}"},
      {"P(Y[W=1]=1)", "column 7: '1' is not a value of W {lo, mid, hi}"},
      {"P(U_X=2)", "column 7: '2' is not a value of U_X {0, 1}"},
      {"P(Y[U_X=0]=1)", "column 5: cannot intervene on exogenous variable U_X"},
      {"P(Y_{U_M=0}=1)", "column 6: cannot intervene on exogenous variable U_M"},
      {"P(Y=1 | do(U_Y=1))", "column 12: cannot intervene on exogenous variable U_Y"},
      {"P(Y[M=M[U_M=1]]=1)", "column 9: cannot intervene on exogenous variable U_M"},
      {"P(Y[M=W]=1)", "column 7: M cannot take the value of W: W takes {lo, mid, hi}, M takes {0, 1}"},
      {"P(Y[W=M[X=0]]=1)", "column 7: W cannot take the value of M: M takes {0, 1}, W takes {lo, mid, hi}"},
      {"P(Y[X=N[X=1]]=1)", "column 7: X cannot take the value of N: N takes {0, 1, 2}, X takes {0, 1}"},
      {"E(W)", "column 3: E(W) needs numeric values, but W takes {lo, mid, hi}"},
      {"E(Y) - E(W[X=1] | X=0)", "column 10: E(W) needs numeric values, but W takes {lo, mid, hi}"},
  };
  for (const auto& [text, message] : cases) EXPECT_EQ(error_of(text), message) << text;
}

TEST(Query, HostileInputsGiveErrorsNotCrashes) {
  EXPECT_EQ(error_of("P(Y" + std::string(100000, '[')), "column 5: expected a variable, found '['");
  EXPECT_EQ(error_of(std::string(100000, '[')), "column 1: expected 'P(' or 'E(', found '['");
  std::string many_p;
  for (int i = 0; i < 500000; ++i) many_p += "P(";
  ASSERT_EQ(many_p.size(), 1000000U);
  EXPECT_EQ(error_of(many_p), "column 3: unknown variable 'P'");
  EXPECT_EQ(error_of(std::string(1000000, '(')), "column 1: expected 'P(' or 'E(', found '('");
  EXPECT_EQ(error_of("P(" + std::string(1000000, 'A') + "=1)"),
            "column 3: unknown variable 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...'");
  std::string many_events = "P(Y=1";
  for (int i = 0; i < 100000; ++i) many_events += ", Y=1";
  EXPECT_EQ(parse(many_events + ")").parts.size(), 1U);
  EXPECT_EQ(error_of(many_events), "column 500006: expected ',', '|' or ')', found end of query");
}

TEST(Query, EmbeddedNulIsReportedAsAByte) {
  using namespace std::string_literals;
  EXPECT_EQ(error_of("P(Y=1)\0"s), "column 7: expected '+', '-' or end of query, found byte 0x00");
  EXPECT_EQ(error_of("P(Y\0=1)"s), "column 4: expected '=' after 'Y', found byte 0x00");
  EXPECT_EQ(error_of("\0P(Y=1)"s), "column 1: expected 'P(' or 'E(', found byte 0x00");
}

TEST(Query, ErrorsAreInvalidQueryWithBadInputExitCode) {
  try {
    (void)parse("P(Q=1)");
    FAIL() << "no exception";
  } catch (const rung::Error& e) {
    EXPECT_EQ(e.exit_code(), 1);
    EXPECT_NE(dynamic_cast<const rung::InvalidQuery*>(&e), nullptr);
  }
}

// ---- named estimands --------------------------------------------------------------------------

TEST(Query, MakesEachEstimand) {
  using K = Estimand::Kind;
  EXPECT_EQ(make(estimand(K::ate)), "E(Y[X=1]) - E(Y[X=0])");
  EXPECT_EQ(make(estimand(K::ett)), "E(Y[X=1] | X=1) - E(Y[X=0] | X=1)");
  EXPECT_EQ(make(estimand(K::nde, "M")), "E(Y[X=1, M=M[X=0]]) - E(Y[X=0])");
  EXPECT_EQ(make(estimand(K::nie, "M")), "E(Y[X=0, M=M[X=1]]) - E(Y[X=0])");
  EXPECT_EQ(make(estimand(K::pn)), "P(Y[X=0]=0 | X=1, Y=1)");
  EXPECT_EQ(make(estimand(K::ps)), "P(Y[X=1]=1 | X=0, Y=0)");
  EXPECT_EQ(make(estimand(K::pns)), "P(Y[X=1]=1, Y[X=0]=0)");
}

TEST(Query, EstimandsHaveTheirRungAndRoundTrip) {
  using K = Estimand::Kind;
  const std::vector<std::pair<Estimand, int>> cases = {
      {estimand(K::ate), 2},      {estimand(K::ett), 3}, {estimand(K::nde, "M"), 3},
      {estimand(K::nie, "M"), 3}, {estimand(K::pn), 3},  {estimand(K::ps), 3},
      {estimand(K::pns), 3},
  };
  for (const auto& [e, rung] : cases) {
    const Query q = rung::make_query(e, m());
    EXPECT_EQ(rung::rung_of(q), rung) << rung::to_string(q, m());
    EXPECT_EQ(parse(rung::to_string(q, m())), q);
  }
}

TEST(Query, EstimandSettingsFollowVariableOrder) {
  // Z (id 4) precedes X (id 5): Z as mediator of X is printed first.
  Estimand e = estimand(Estimand::Kind::nde, "Z");
  EXPECT_EQ(make(e), "E(Y[Z=Z[X=0], X=1]) - E(Y[X=0])");
}

TEST(Query, EstimandsUseTheGivenLabels) {
  Estimand e = estimand(Estimand::Kind::pn);
  e.treatment = "W";
  e.treated = "hi";
  e.control = "lo";
  EXPECT_EQ(make(e), "P(Y[W=lo]=0 | W=hi, Y=1)");
  Estimand ate = estimand(Estimand::Kind::ate);
  ate.outcome = "N";
  ate.treated = "0";
  ate.control = "1";
  EXPECT_EQ(make(ate), "E(N[X=0]) - E(N[X=1])");
  Estimand pns = estimand(Estimand::Kind::pns);
  pns.outcome = "W";
  pns.outcome_value = "hi";
  pns.no_outcome_value = "mid";
  EXPECT_EQ(make(pns), "P(W[X=1]=hi, W[X=0]=mid)");
}

TEST(Query, EstimandErrors) {
  using K = Estimand::Kind;
  Estimand e = estimand(K::ate);
  e.treatment = "Q";
  EXPECT_EQ(make_error(e), "unknown variable 'Q'");
  e = estimand(K::ate);
  e.outcome = "";
  EXPECT_EQ(make_error(e), "unknown variable ''");
  e = estimand(K::ate);
  e.treated = "2";
  EXPECT_EQ(make_error(e), "'2' is not a value of X {0, 1}");
  e = estimand(K::ate);
  e.treatment = "U_X";
  EXPECT_EQ(make_error(e), "cannot intervene on exogenous variable U_X");
  e = estimand(K::ate);
  e.outcome = "W";
  EXPECT_EQ(make_error(e), "E(W) needs numeric values, but W takes {lo, mid, hi}");
  e = estimand(K::pn);
  e.outcome_value = "yes";
  EXPECT_EQ(make_error(e), "'yes' is not a value of Y {0, 1}");
  e = estimand(K::pns);
  e.no_outcome_value = "low";
  EXPECT_EQ(make_error(e), "'low' is not a value of Y {0, 1}");
  EXPECT_EQ(make_error(estimand(K::nde)), "NDE needs a mediator");
  EXPECT_EQ(make_error(estimand(K::nie, "Q")), "unknown variable 'Q'");
  EXPECT_EQ(make_error(estimand(K::nie, "U_M")), "cannot intervene on exogenous variable U_M");
  EXPECT_EQ(make_error(estimand(K::nde, "X")),
            "the mediator of NDE must differ from the treatment and the outcome, got X");
  EXPECT_EQ(make_error(estimand(K::nie, "Y")),
            "the mediator of NIE must differ from the treatment and the outcome, got Y");
  // PN/PS/PNS are probabilities: a non-numeric outcome is fine.
  e = estimand(K::ps);
  e.outcome = "W";
  e.outcome_value = "hi";
  e.no_outcome_value = "lo";
  EXPECT_EQ(make(e), "P(W[X=1]=hi | X=0, W=lo)");
}

TEST(Query, EstimandOnTheSmallModel) {
  const rung::Scm scm = small_model();
  Estimand e;
  e.kind = Estimand::Kind::ate;
  e.treatment = "X";
  e.outcome = "Y";
  EXPECT_EQ(make(e, scm), "E(Y[X=1]) - E(Y[X=0])");
  EXPECT_EQ(rung::parse_query("E(Y | do(X=1)) - E(Y | do(X=0))", scm), rung::make_query(e, scm));
}

TEST(Query, EstimandKindIsCaseInsensitive) {
  using K = Estimand::Kind;
  EXPECT_EQ(rung::estimand_kind("ate"), K::ate);
  EXPECT_EQ(rung::estimand_kind("ETT"), K::ett);
  EXPECT_EQ(rung::estimand_kind("Nde"), K::nde);
  EXPECT_EQ(rung::estimand_kind("nIe"), K::nie);
  EXPECT_EQ(rung::estimand_kind("PN"), K::pn);
  EXPECT_EQ(rung::estimand_kind("ps"), K::ps);
  EXPECT_EQ(rung::estimand_kind("Pns"), K::pns);
  EXPECT_EQ(rung::estimand_kind(""), std::nullopt);
  EXPECT_EQ(rung::estimand_kind("atee"), std::nullopt);
  EXPECT_EQ(rung::estimand_kind("at"), std::nullopt);
  EXPECT_EQ(rung::estimand_kind(" ate"), std::nullopt);
}

}  // namespace

// ---- quoted labels and distributions (networks) ---------------------------------------------

namespace network_queries {

/// A child network's shape: states that are not names.
rung::Scm quoted_model() {
  rung::ScmBuilder b;
  b.exogenous("U_A", rung::Domain({"u0", "u1", "u2"}), {Rational(1, 2), Rational(1, 4), Rational(1, 4)});
  rung::TableSpec t;
  t.inputs = {"U_A"};
  t.rows = {{{"u0"}, "<5", {}}, {{"u1"}, "5-12", {}}, {{"u2"}, "12+", {}}};
  b.endogenous("Age", rung::Domain({"<5", "5-12", "12+"}), t);
  b.endogenous("Old", "Age == Age");
  return b.build();
}

TEST(QueryQuoted, QuotedLabelsParseAndPrintQuoted) {
  const rung::Scm s = quoted_model();
  const Query q = rung::parse_query(R"(P(Age="12+" | do(Old=1)))", s);
  EXPECT_EQ(rung::to_string(q, s), R"(P(Age[Old=1]="12+"))");
  EXPECT_EQ(rung::parse_query(rung::to_string(q, s), s), q);
  const std::string message = [&] {
    try {
      (void)rung::parse_query(R"(P(Age="13+"))", s);
    } catch (const rung::InvalidQuery& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  }();
  EXPECT_EQ(message, R"(column 7: '"13+"' is not a value of Age {"<5", "5-12", "12+"})");
  try {
    (void)rung::parse_query(R"(P(Age="12+))", s);
    FAIL();
  } catch (const rung::InvalidQuery& e) {
    EXPECT_NE(std::string(e.what()).find("column 7: expected a value of Age"), std::string::npos) << e.what();
  }
}

TEST(QueryDistribution, EventsWithoutValuesAreTargets) {
  const auto r = rung::parse_request("P(Y, W | do(X=1), Z=0)", m());
  ASSERT_TRUE(std::holds_alternative<rung::Distribution>(r));
  const auto& d = std::get<rung::Distribution>(r);
  ASSERT_EQ(d.targets.size(), 2U);
  EXPECT_EQ(d.targets[0], term("Y", {set("X", 1)}));
  EXPECT_EQ(rung::to_string(d, m()), "P(Y[X=1], W[X=1] | Z[X=1]=0)");
  EXPECT_EQ(rung::rung_of(d), 2);
  EXPECT_EQ(std::get<rung::Distribution>(rung::parse_request("P(Y[X=0], Y | X=1)", m())).targets.size(), 2U);
  EXPECT_EQ(rung::rung_of(std::get<rung::Distribution>(rung::parse_request("P(Y[X=0] | X=1)", m()))), 3);
  // A query with values stays a query.
  EXPECT_TRUE(std::holds_alternative<Query>(rung::parse_request("P(Y=1 | X=0)", m())));
}

TEST(QueryDistribution, MisuseIsAnError) {
  auto error = [](std::string_view text) {
    try {
      (void)rung::parse_request(text, m());
    } catch (const rung::InvalidQuery& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("P(Y, X=1)"),
            "column 6: give a value to every event or to none (a distribution such as P(Y, Z | X=1) lists its targets "
            "without values)");
  EXPECT_EQ(error("P(Y) - P(X)"),
            "column 3: a distribution P(Y) must be the whole query (it cannot be added, subtracted or negated)");
  EXPECT_EQ(error("P(Y, Y)"), "column 6: Y appears twice in the distribution");
  // parse_query keeps refusing them.
  EXPECT_EQ(error_of("P(Y)"), "column 4: expected '=' after 'Y', found ')'");
}

}  // namespace network_queries
