#include "rung/infer/solver.hpp"

#include "rung/core/progress.hpp"

#include "random_models.hpp"
#include "settings.hpp"
#include "rung/infer/enumeration.hpp"
#include "rung/infer/variable_elimination.hpp"
#include "rung/io/model_file.hpp"
#include "rung/scm/bayes_net.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

namespace rung {
namespace {

using testing::Rng;

Scm build(std::initializer_list<std::pair<const char*, Rational>> bernoulli,
          std::initializer_list<std::pair<const char*, const char*>> mechanisms) {
  ScmBuilder b;
  for (const auto& [name, p] : bernoulli) b.bernoulli(name, p);
  for (const auto& [name, expr] : mechanisms) b.endogenous(name, expr);
  return b.build();
}

Rational value(const Scm& m, std::string_view query, Method method = Method::variable_elimination) {
  SolverOptions o;
  o.method = method;
  return solve(m, parse_query(query, m), o).value;
}

// ---- differential: variable elimination == enumeration, exactly --------------------------------

struct Tally {
  int compared = 0;
  int zero_evidence = 0;
  std::map<int, int> by_rung;
  int multi_world = 0;     // some probability with events in two or more worlds
  int nested_depth2 = 0;   // a term nested two levels deep
  int expectations = 0;
};

void record(const Query& q, Tally& t) {
  t.by_rung[rung_of(q)]++;
  for (const auto& part : q.parts) {
    std::vector<const Term*> terms;
    if (const auto* p = std::get_if<Probability>(&part.quantity)) {
      for (const auto& e : p->events) terms.push_back(&e.term);
      for (std::size_t i = 1; i < p->events.size(); ++i) {
        if (p->events[i].term.settings != p->events[0].term.settings) {
          t.multi_world++;
          break;
        }
      }
    } else {
      t.expectations++;
      terms.push_back(&std::get<Expectation>(part.quantity).term);
    }
    for (const Term* term : terms) {
      if (testing::depth_of(*term) >= 2) {
        t.nested_depth2++;
        break;
      }
    }
  }
}

/// Compares the two methods on one (model, query) pair; returns false if the evidence has
/// probability zero (after checking that both methods say so, with the same message).
bool compare(const Scm& m, const Query& q, Tally& tally, bool with_double) {
  SCOPED_TRACE(testing::describe(m) + "query: " + to_string(q, m));
  SolverOptions enumerate;
  enumerate.method = Method::enumeration;
  Rational ve;
  try {
    ve = solve(m, q).value;
  } catch (const ZeroProbabilityEvidence& e) {
    try {
      (void)solve(m, q, enumerate);
      ADD_FAILURE() << "enumeration did not throw " << e.what();
    } catch (const ZeroProbabilityEvidence& f) {
      EXPECT_STREQ(e.what(), f.what());
    }
    tally.zero_evidence++;
    return false;
  }
  const Rational reference = solve(m, q, enumerate).value;
  EXPECT_EQ(ve, reference) << to_string(ve) << " vs " << to_string(reference);
  if (with_double) {
    EXPECT_LT(std::abs(solve_double(m, q) - reference.convert_to<double>()), 1e-12);
  }
  tally.compared++;
  record(q, tally);
  return true;
}

void report(const char* name, const Tally& tally) {
  std::cout << "[ " << name << ": compared " << tally.compared << " pairs; skipped " << tally.zero_evidence
            << " with zero-probability evidence (both methods threw); rung 1/2/3: " << tally.by_rung.at(1) << "/"
            << tally.by_rung.at(2) << "/" << tally.by_rung.at(3) << "; multi-world " << tally.multi_world
            << "; nested depth >= 2 " << tally.nested_depth2 << "; expectations " << tally.expectations << " ]\n";
}

Tally differential(std::uint64_t seed, int pairs, const testing::ModelKnobs& model, testing::QueryKnobs query) {
  Rng rng(seed);
  Tally tally;
  tally.by_rung = {{1, 0}, {2, 0}, {3, 0}};
  for (int i = 0; i < pairs; ++i) {
    const Scm m = testing::random_scm(rng, model);
    testing::QueryKnobs k = query;
    if (i % 3 == 0) k.max_depth++;
    testing::QueryMaker make(rng, m, k);
    const int rung = 1 + static_cast<int>(rng.below(3) == 0 ? rng.below(2) : 2);
    compare(m, make.query(rung), tally, i % 4 == 0);
  }
  return tally;
}

// Sizes: 3-8 endogenous, 2-6 exogenous variables, some shared by several endogenous ones; binary
// and 3-4 valued domains; expressions and tables; noisy and one-point priors.
TEST(SolverDifferential, EliminationEqualsEnumerationOnRandomModels) {
  const Tally tally = differential(0x9E3779B97F4A7C15ULL, 5000, {}, {});
  report("mixed", tally);
  EXPECT_GE(tally.compared, 4500);
  EXPECT_GE(tally.by_rung.at(1), 500);
  EXPECT_GE(tally.by_rung.at(2), 500);
  EXPECT_GE(tally.by_rung.at(3), 2000);
  EXPECT_GE(tally.multi_world, 1000);
  EXPECT_GE(tally.nested_depth2, 300);
  EXPECT_GE(tally.expectations, 500);
  EXPECT_GE(tally.zero_evidence, 100);
}

TEST(SolverDifferential, MultiValuedDeeplyNestedManyEvents) {
  testing::ModelKnobs model;
  model.multivalued_percent = 70;
  const Tally tally = differential(0x243F6A8885A308D3ULL, 2000, model, {.max_depth = 3, .max_events = 4, .max_evidence = 3});
  report("multi-valued, nested", tally);
  EXPECT_GE(tally.compared, 1500);
  EXPECT_GE(tally.nested_depth2, 300);
}

TEST(SolverDifferential, MostlyDeterministic) {
  testing::ModelKnobs model;
  model.degenerate_percent = 60;
  const Tally tally = differential(0x13198A2E03707344ULL, 1000, model, {});
  report("mostly deterministic", tally);
  EXPECT_GE(tally.compared, 700);
}

// ---- the joint-abduction trap ---------------------------------------------------------------

// U1, U2 ~ Bernoulli(1/2), X := U1 xor U2, Y := U1 and U2. X=0 leaves (U1, U2) in {(0,0), (1,1)},
// each with posterior 1/2, so Y (which do(X=0) does not change) is 1 with probability 1/2.
// Copying the posterior marginals P(U1=1 | X=0) = P(U2=1 | X=0) = 1/2 into independent twins
// would give 1/4.
TEST(SolverTextbook, JointAbductionTrap) {
  const Scm m = build({{"U1", Rational(1, 2)}, {"U2", Rational(1, 2)}}, {{"X", "U1 xor U2"}, {"Y", "U1 and U2"}});
  EXPECT_EQ(value(m, "P(Y[X=0]=1 | X=0)"), Rational(1, 2));
  EXPECT_EQ(value(m, "P(Y[X=0]=1 | X=0)", Method::enumeration), Rational(1, 2));
  EXPECT_EQ(value(m, "P(Y[X=1]=1 | X=0)"), Rational(1, 2));
  EXPECT_EQ(value(m, "P(Y=1)"), Rational(1, 4));
}

// ---- Pearl's firing squad ---------------------------------------------------------------------

// U ~ Bernoulli(p) (court order), C := U (captain), A := C, B := C (riflemen), D := A or B.
// D=1 forces U=1, so B=1 and the prisoner dies whatever A does: P(D[A=0]=1 | D=1) = 1.
// D=0 forces U=0: had A fired anyway, D = 1 (P(D[A=1]=1 | D=0) = 1) but B stays 0.
TEST(SolverTextbook, FiringSquad) {
  const Scm m = build({{"U", Rational(7, 10)}}, {{"C", "U"}, {"A", "C"}, {"B", "C"}, {"D", "A or B"}});
  for (Method method : {Method::variable_elimination, Method::enumeration}) {
    EXPECT_EQ(value(m, "P(D=1)", method), Rational(7, 10));
    EXPECT_EQ(value(m, "P(D[A=0]=1 | D=1)", method), 1);
    EXPECT_EQ(value(m, "P(D[A=0]=0 | D=1)", method), 0);
    EXPECT_EQ(value(m, "P(D[A=1]=1 | D=0)", method), 1);
    EXPECT_EQ(value(m, "P(B[A=1]=1 | D=0)", method), 0);
    EXPECT_EQ(value(m, "P(D[C=0]=1)", method), 0);
    EXPECT_EQ(value(m, "P(D=1 | do(A=0))", method), Rational(7, 10));
    EXPECT_EQ(value(m, "P(D=1 | A=0)", method), 0);  // seeing is not doing
    // Joint over worlds: the prisoner dies in the factual world and would die without A.
    EXPECT_EQ(value(m, "P(D=1, D[A=0]=1)", method), Rational(7, 10));
    // Nested: B set to what B would be had the captain not signalled; then D depends on A only.
    EXPECT_EQ(value(m, "P(D[B=B[C=0]]=1 | A=1)", method), 1);
    EXPECT_EQ(value(m, "P(D[A=0, B=B[C=1]]=1 | D=0)", method), 1);
  }
}

// ---- PN, PS, PNS with closed forms ---------------------------------------------------------------

// X := UX, Y := (X and U1) or U2, with UX, U1, U2 independent, P(U1=1) = a = 3/5,
// P(U2=1) = b = 1/4, P(UX=1) = 1/2.
//   Y[X=1] = U1 or U2, Y[X=0] = U2, and X is independent of (U1, U2). Hence
//   PNS = P(Y[X=1]=1, Y[X=0]=0) = P(U1=1, U2=0) = a(1-b) = 9/20;
//   PN  = P(Y[X=0]=0 | X=1, Y=1) = P(U2=0, U1=1) / P(U1 or U2) = (9/20) / (1 - (2/5)(3/4)) = 9/14;
//   PS  = P(Y[X=1]=1 | X=0, Y=0) = P(U1 or U2 | U2=0) = a = 3/5;
//   ATE = E(Y[X=1]) - E(Y[X=0]) = (1 - (1-a)(1-b)) - b = 7/10 - 1/4 = 9/20 (= PNS: Y is monotone in X).
TEST(SolverTextbook, ProbabilitiesOfCausationClosedForms) {
  const Scm m = build({{"UX", Rational(1, 2)}, {"U1", Rational(3, 5)}, {"U2", Rational(1, 4)}},
                      {{"X", "UX"}, {"Y", "(X and U1) or U2"}});
  for (Method method : {Method::variable_elimination, Method::enumeration}) {
    EXPECT_EQ(value(m, "P(Y[X=1]=1, Y[X=0]=0)", method), Rational(9, 20));
    EXPECT_EQ(value(m, "P(Y[X=0]=0 | X=1, Y=1)", method), Rational(9, 14));
    EXPECT_EQ(value(m, "P(Y[X=1]=1 | X=0, Y=0)", method), Rational(3, 5));
    EXPECT_EQ(value(m, "E(Y[X=1]) - E(Y[X=0])", method), Rational(9, 20));
  }
}

// Mediation with closed forms: X := UX, M := X xor UM, Y := X and M or UY, P(UM=1) = 1/3,
// P(UY=1) = 1/5. E(Y[X=0]) = P(UY=1) = 1/5. In Y[X=1, M=M[X=0]], M = UM, so Y = UM or UY:
// 1 - (2/3)(4/5) = 7/15, and NDE = 7/15 - 1/5 = 4/15. In Y[X=0, M=M[X=1]], Y = UY: NIE = 0.
TEST(SolverTextbook, NaturalEffectsClosedForms) {
  const Scm m = build({{"UX", Rational(1, 2)}, {"UM", Rational(1, 3)}, {"UY", Rational(1, 5)}},
                      {{"X", "UX"}, {"M", "X xor UM"}, {"Y", "X and M or UY"}});
  for (Method method : {Method::variable_elimination, Method::enumeration}) {
    EXPECT_EQ(value(m, "E(Y[X=1, M=M[X=0]]) - E(Y[X=0])", method), Rational(4, 15));
    EXPECT_EQ(value(m, "E(Y[X=0, M=M[X=1]]) - E(Y[X=0])", method), 0);
    // Depth 2: M set to what M would be had X been what X is under do(M=1) (X is not affected).
    EXPECT_EQ(value(m, "P(Y[M=M[X=X[M=1]]]=1)", method), value(m, "P(Y=1)", method));
  }
}

// ---- errors ---------------------------------------------------------------------------------

TEST(SolverErrors, ZeroProbabilityEvidenceMessage) {
  const Scm m = build({{"U", Rational(7, 10)}}, {{"C", "U"}, {"A", "C"}, {"B", "C"}, {"D", "A or B"}});
  for (Method method : {Method::variable_elimination, Method::enumeration}) {
    SolverOptions o;
    o.method = method;
    try {
      (void)solve(m, parse_query("P(D[B=0]=1 | A=1, D[C=0]=1)", m), o);
      ADD_FAILURE() << "no exception";
    } catch (const ZeroProbabilityEvidence& e) {
      EXPECT_STREQ(e.what(), "zero-probability evidence: P(A=1, D[C=0]=1) = 0");
    }
    EXPECT_THROW((void)solve(m, parse_query("E(D | A=1, B=0)", m), o), ZeroProbabilityEvidence);
    EXPECT_THROW((void)solve_double(m, parse_query("P(D=1 | A=0, B=1)", m), o), ZeroProbabilityEvidence);
  }
  // Contradictory evidence, and evidence contradicting an intervention.
  EXPECT_THROW((void)value(m, "P(D=1 | A=1, A=0)"), ZeroProbabilityEvidence);
  EXPECT_THROW((void)value(m, "P(D=1 | A[A=0]=1)"), ZeroProbabilityEvidence);
  EXPECT_THROW((void)value(m, "P(D=1 | A[A=0]=1)", Method::enumeration), ZeroProbabilityEvidence);
  // Impossible events under possible evidence are simply 0.
  EXPECT_EQ(value(m, "P(A=1, A=0 | D=1)"), 0);
  EXPECT_EQ(value(m, "P(A[A=0]=1 | D=1)"), 0);
}

TEST(SolverErrors, FactorLimit) {
  const Scm m = build({{"U1", Rational(1, 2)}, {"U2", Rational(1, 3)}, {"U3", Rational(1, 5)}},
                      {{"Y", "U1 xor U2 xor U3"}});
  SolverOptions o;
  o.max_factor_cells = 4;
  // By default enumeration answers what elimination's guard refuses (SolverGuards below).
  EXPECT_EQ(solve(m, parse_query("P(Y=1)", m), o).method, Method::enumeration);
  o.fallback = false;
  try {
    (void)solve(m, parse_query("P(Y=1)", m), o);
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "query too large for exact elimination: an intermediate factor over 3 variables would have 8 cells "
                 "(limit 4)");
  }
  o.max_factor_cells = 8;
  EXPECT_EQ(solve(m, parse_query("P(Y=1)", m), o).value, value(m, "P(Y=1)", Method::enumeration));
  o.method = Method::enumeration;
  o.max_factor_cells = 1;  // not used by enumeration
  EXPECT_NO_THROW((void)solve(m, parse_query("P(Y=1)", m), o));
}

// `rung solve --progress`: both engines report at their check points, with the same answer.
TEST(SolverProgress, EliminationAndEnumerationReportTheirSteps) {
  ScmBuilder b;
  for (int i = 0; i < 13; ++i) b.bernoulli(fmt::format("U{}", i), Rational(1, 3));
  b.endogenous("X0", "U0");
  for (int i = 1; i < 13; ++i) b.endogenous(fmt::format("X{}", i), fmt::format("X{} xor U{}", i - 1, i));
  const Scm m = b.build();
  const Query q = parse_query("P(X12=1)", m);
  for (const Method method : {Method::variable_elimination, Method::enumeration}) {
    SCOPED_TRACE(method == Method::enumeration ? "enumeration" : "elimination");
    std::vector<WorkProgress> seen;
    SolverOptions o;
    o.method = method;
    o.fallback = false;
    Rational answer;
    {
      ProgressScope watch([&](const WorkProgress& p) { seen.push_back(p); }, std::chrono::milliseconds(0),
                          std::chrono::milliseconds(0));
      answer = solve(m, q, o).value;
    }
    EXPECT_EQ(answer, value(m, "P(X12=1)", method == Method::enumeration ? Method::variable_elimination : Method::enumeration));
    ASSERT_FALSE(seen.empty());
    for (std::size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i].stage, method == Method::enumeration ? "enumerating" : "eliminating");
      EXPECT_EQ(seen[i].total, seen[0].total);
      EXPECT_LE(seen[i].done, seen[i].total);
      if (i > 0) {
        EXPECT_GT(seen[i].done, seen[i - 1].done);
      }
    }
    if (method == Method::enumeration) {
      EXPECT_EQ(seen.front().total, 8192u);  // 2^13 combinations of the noise, reported every 4,096
      EXPECT_EQ(seen.size(), 2u);
    } else {
      EXPECT_EQ(seen.front().done, 0u);
      EXPECT_EQ(seen.size(), seen.front().total);  // one report a step with the interval 0
      EXPECT_GE(seen.front().total, 12u);
    }
  }
  // Outside a scope nothing is reported and nothing changes.
  EXPECT_EQ(value(m, "P(X12=1)"), value(m, "P(X12=1)", Method::enumeration));
}

TEST(SolverErrors, ExpectationNeedsNumbers) {
  ScmBuilder b;
  b.exogenous("U", Domain({"lo", "hi"}), {Rational(1, 2), Rational(1, 2)});
  b.endogenous("W", Domain({"lo", "hi"}), parse_expression("U"));
  const Scm m = b.build();
  Query q;
  q.parts.push_back({1, Expectation{Term{1, {}}, {}}});
  for (Method method : {Method::variable_elimination, Method::enumeration}) {
    SolverOptions o;
    o.method = method;
    EXPECT_THROW((void)solve(m, q, o), InvalidQuery);
  }
}

TEST(SolverOptionsTest, MethodFromString) {
  EXPECT_EQ(method_from_string("ve"), Method::variable_elimination);
  EXPECT_EQ(method_from_string("variable-elimination"), Method::variable_elimination);
  EXPECT_EQ(method_from_string("enumerate"), Method::enumeration);
  EXPECT_EQ(method_from_string("enumeration"), Method::enumeration);
  EXPECT_EQ(method_from_string("VE"), std::nullopt);
  EXPECT_EQ(method_from_string(""), std::nullopt);
}

TEST(SolverDouble, CloseToExact) {
  const Scm m = build({{"UX", Rational(1, 3)}, {"U1", Rational(3, 7)}, {"U2", Rational(1, 9)}},
                      {{"X", "UX or U2"}, {"Y", "(X and U1) or U2"}});
  for (const char* q : {"P(Y=1 | X=1)", "P(Y[X=0]=0 | X=1, Y=1)", "E(Y[X=1]) - E(Y[X=0])", "P(Y[X=1]=1, Y[X=0]=0)"}) {
    const Query query = parse_query(q, m);
    const double exact = solve(m, query).value.convert_to<double>();
    EXPECT_LT(std::abs(solve_double(m, query) - exact), 1e-12) << q;
    SolverOptions o;
    o.method = Method::enumeration;
    EXPECT_LT(std::abs(solve_double(m, query, o) - exact), 1e-12) << q;
  }
}

TEST(SolverTrace, ValueEqualsAnswer) {
  const Scm m = build({{"U1", Rational(1, 2)}, {"U2", Rational(1, 2)}}, {{"X", "U1 xor U2"}, {"Y", "U1 and U2"}});
  SolverOptions o;
  o.trace = true;
  const Answer a = solve(m, parse_query("P(Y[X=0]=1 | X=0)", m), o);
  ASSERT_TRUE(a.trace.has_value());
  EXPECT_EQ(a.trace->value, a.value);
  EXPECT_FALSE(solve(m, parse_query("P(Y=1)", m)).trace.has_value());
  o.method = Method::enumeration;
  const Answer b = solve(m, parse_query("P(Y[X=0]=1 | X=0)", m), o);
  ASSERT_TRUE(b.trace.has_value());
  EXPECT_EQ(*b.trace, *a.trace);
}

// ---- properties on random models -----------------------------------------------------------

Probability prob(std::vector<Event> events, std::vector<Event> evidence = {}) {
  return Probability{std::move(events), std::move(evidence)};
}
Query single(Probability p) { return Query{{Query::Part{1, std::move(p)}}}; }
Term in_world(VarId var, std::vector<Setting> settings = {}) { return Term{var, std::move(settings)}; }
using testing::set;
std::vector<Setting> sorted(std::vector<Setting> s) {
  std::sort(s.begin(), s.end(), [](const Setting& a, const Setting& b) { return a.var < b.var; });
  return s;
}
Value random_value(Rng& rng, const Scm& m, VarId v) {
  return rng.below(static_cast<std::uint32_t>(m.domain(v).size()));
}

/// The solver's value, or nullopt when the evidence has probability zero.
std::optional<Rational> maybe(const Scm& m, const Probability& p) {
  try {
    return solve(m, single(p)).value;
  } catch (const ZeroProbabilityEvidence&) {
    return std::nullopt;
  }
}

TEST(SolverProperties, ConsistencyEffectivenessComposition) {
  Rng rng(0xBB67AE8584CAA73BULL);
  int consistency = 0;
  for (int i = 0; i < 150; ++i) {
    const Scm m = testing::random_scm(rng);
    SCOPED_TRACE(testing::describe(m));
    const auto endo = m.endogenous();
    const VarId x = rng.pick(endo);
    VarId y = rng.pick(endo);
    const Value xv = random_value(rng, m, x);
    const Value yv = random_value(rng, m, y);
    // Consistency: P(Y[X=x]=y | X=x) = P(Y=y | X=x).
    const auto lhs = maybe(m, prob({{in_world(y, {set(x, xv)}), yv}}, {{in_world(x), xv}}));
    const auto rhs = maybe(m, prob({{in_world(y), yv}}, {{in_world(x), xv}}));
    ASSERT_EQ(lhs.has_value(), rhs.has_value());
    if (lhs) {
      EXPECT_EQ(*lhs, *rhs);
      consistency++;
    }
    // Effectiveness: P(X[X=x]=x) = 1, also given any possible evidence.
    EXPECT_EQ(solve(m, single(prob({{in_world(x, {set(x, xv)}), xv}}))).value, 1);
    // Composition: if W[X=x]=w then Y[X=x, W=w] = Y[X=x].
    VarId w = rng.pick(endo);
    if (w == x) continue;
    const Value wv = random_value(rng, m, w);
    const Rational a = solve(m, single(prob({{in_world(y, sorted({set(x, xv), set(w, wv)})), yv},
                                             {in_world(w, {set(x, xv)}), wv}})))
                           .value;
    const Rational b = solve(m, single(prob({{in_world(y, {set(x, xv)}), yv}, {in_world(w, {set(x, xv)}), wv}}))).value;
    EXPECT_EQ(a, b);
  }
  EXPECT_GE(consistency, 100);
}

TEST(SolverProperties, DistributionsSumToOne) {
  Rng rng(0x3C6EF372FE94F82BULL);
  int checked = 0;
  for (int i = 0; i < 200; ++i) {
    const Scm m = testing::random_scm(rng);
    testing::QueryMaker make(rng, m);
    const Probability p = make.probability(3);
    const Term t = p.events.front().term;
    SCOPED_TRACE(testing::describe(m) + to_string(single(p), m));
    Rational total = 0;
    bool zero = false;
    for (Value v = 0; v < m.domain(t.var).size(); ++v) {
      const auto x = maybe(m, prob({{t, v}}, p.evidence));
      if (!x) {
        zero = true;
        break;
      }
      EXPECT_GE(*x, 0);
      total += *x;
    }
    if (zero) continue;
    EXPECT_EQ(total, 1);
    checked++;
  }
  EXPECT_GE(checked, 120);
}

/// With no hidden confounding, P(y | do(x)) = sum over pa of P(y | x, pa) P(pa), pa the
/// endogenous parents of X (the backdoor adjustment by the parents), from rung-1 answers only.
TEST(SolverProperties, RungTwoEqualsTruncatedFactorisationWithoutConfounding) {
  Rng rng(0xA54FF53A5F1D36F1ULL);
  int checked = 0;
  int positivity = 0;
  for (int i = 0; i < 300; ++i) {
    testing::ModelKnobs k;
    k.markovian = true;
    k.max_endogenous = 6;
    k.degenerate_percent = 0;
    k.zero_percent = 0;
    const Scm m = testing::random_scm(rng, k);
    SCOPED_TRACE(testing::describe(m));
    const auto endo = m.endogenous();
    const VarId x = rng.pick(endo);
    VarId y = rng.pick(endo);
    if (y == x) continue;
    const Value xv = random_value(rng, m, x);
    const Value yv = random_value(rng, m, y);
    std::vector<VarId> pa;
    for (VarId p : m.mechanism(x).parents()) {
      if (!m.is_exogenous(p)) pa.push_back(p);
    }
    Rational adjusted = 0;
    bool positive = true;
    std::vector<Value> digit(pa.size(), 0);
    for (;;) {
      std::vector<Event> pa_events;
      for (std::size_t j = 0; j < pa.size(); ++j) pa_events.push_back({in_world(pa[j]), digit[j]});
      const Rational p_pa = solve(m, single(prob(pa_events))).value;
      if (!p_pa.is_zero()) {
        std::vector<Event> given = pa_events;
        given.push_back({in_world(x), xv});
        const auto p_y = maybe(m, prob({{in_world(y), yv}}, given));
        if (!p_y) {
          positive = false;
          break;
        }
        adjusted += *p_y * p_pa;
      }
      std::size_t d = pa.size();
      bool done = true;
      while (d > 0) {
        --d;
        if (++digit[d] < m.domain(pa[d]).size()) {
          done = false;
          break;
        }
        digit[d] = 0;
      }
      if (done) break;
    }
    if (!positive) {
      positivity++;
      continue;
    }
    EXPECT_EQ(solve(m, single(prob({{in_world(y, {set(x, xv)}), yv}}))).value, adjusted);
    checked++;
  }
  std::cout << "[ truncated factorisation checked on " << checked << " models; " << positivity
            << " skipped for lack of positivity ]\n";
  EXPECT_GE(checked, 120);
}

TEST(SolverGuards, AQueryOneMethodRefusesIsAnsweredByTheOther) {
  // Issue #15, item 21: a joint of 20 terms over 3 exogenous values. Variable elimination's joint
  // factor has 2^20 cells (over a guard of 65,536); enumeration needs 8 units.
  std::vector<std::pair<std::string, std::string>> mechanisms;
  std::string joint;
  for (int k = 1; k <= 20; ++k) {
    const std::string v = "V" + std::to_string(k);
    mechanisms.emplace_back(v, k % 3 == 0 ? "U1" : k % 3 == 1 ? "U2 or U1" : "U3 and U1");
    joint += (joint.empty() ? "" : ", ") + v + "=1";
  }
  ScmBuilder b;
  b.bernoulli("U1", Rational(1, 2));
  b.bernoulli("U2", Rational(1, 3));
  b.bernoulli("U3", Rational(1, 4));
  for (const auto& [name, expr] : mechanisms) b.endogenous(name, expr);
  const Scm m = b.build();
  const Query q = parse_query("P(" + joint + ")", m);
  // U1 = 1 and U3 = 1 (U2 is free): 1/2 * 1/4.
  const Answer a = solve(m, q, {.max_factor_cells = 65536});
  EXPECT_EQ(a.value, Rational(1, 8));
  EXPECT_EQ(a.method, Method::enumeration);
  // Without the fallback the guard's refusal stands, and says why.
  try {
    (void)solve(m, q, {.max_factor_cells = 65536, .fallback = false});
    FAIL() << "the guard did not refuse";
  } catch (const TooLarge& e) {
    EXPECT_NE(std::string(e.what()).find("query too large for exact elimination"), std::string::npos);
  }
  // With the trace too.
  const Answer traced = solve(m, q, {.max_factor_cells = 65536, .trace = true});
  EXPECT_EQ(traced.value, Rational(1, 8));
  EXPECT_EQ(traced.method, Method::enumeration);
}

/// n coins whose priors are fractions of about `digits` digits over `digits` digits (fixed, not
/// random: a linear congruence), and Y := their parity.
Scm digits_xor(int n, int digits) {
  ScmBuilder b;
  std::string y;
  for (int i = 1; i <= n; ++i) {
    std::string den = "9";  // num < den: a probability
    std::string num = "1";
    for (int d = 1; d < digits; ++d) {
      den += static_cast<char>('0' + (d * 7 + i) % 10);
      num += static_cast<char>('0' + (d * 3 + i) % 10);
    }
    const std::string name = "U" + std::to_string(i);
    b.bernoulli(name, Rational(num + "/" + den));
    y += (y.empty() ? "" : " xor ") + name;
  }
  b.endogenous("Y", y);
  return b.build();
}

TEST(SolverGuards, ProbabilitiesWithManyDigitsAreRefusedByTheirBytesBeforeAllocating) {
  // Issue #15, item 22: 20 coins with 1,000-digit priors and their parity. Elimination's factors
  // have 2^20 cells, within the cell limit, but of about 850 bytes each: it took 2.67 GB (with
  // 2,000 digits GMP aborted at 4.1 GB). Now both methods refuse it from the sizes of the
  // numbers, before computing any: in about a second and under 100 MB in the sanitizer build.
  const Scm m = digits_xor(20, 1000);
  try {
    (void)solve(m, parse_query("P(Y=1)", m));
    FAIL() << "solved";
  } catch (const TooLarge& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("query too large for exact elimination: an intermediate factor over 20 variables would hold "
                        "about "),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("(1048576 cells of up to "), std::string::npos) << what;
    EXPECT_NE(what.find("; enumeration refuses it too: query too large for enumeration: 1048576 combinations of the "
                        "values of 20 exogenous variables whose weights take up to "),
              std::string::npos)
        << what;
    EXPECT_LT(what.size(), 1000U);
    // Neither method's "try the other one" hint survives; the way that remains is named.
    EXPECT_EQ(what.find("--method"), std::string::npos) << what;
    EXPECT_NE(what.find("--double computes it in double precision"), std::string::npos) << what;
  }
  // A distribution query refused by both methods says the same.
  try {
    (void)solve(m, std::get<Distribution>(parse_request("P(Y)", m)));
    FAIL() << "solved";
  } catch (const TooLarge& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("; enumeration refuses it too: query too large for enumeration"), std::string::npos) << what;
    EXPECT_EQ(what.find("--method"), std::string::npos) << what;
  }
  // The same numbers in a model whose factors are small are solved, and both methods agree.
  const Scm small = digits_xor(4, 1000);
  const Rational ve = value(small, "P(Y=1)");
  EXPECT_EQ(ve, value(small, "P(Y=1)", Method::enumeration));
  EXPECT_GT(ve, 0);
  EXPECT_LT(ve, 1);
}

}  // namespace
}  // namespace rung

// ---- networks: distributions, checked by a second method ------------------------------------

namespace rung::networks_test {

const std::filesystem::path kNetworks = std::filesystem::path(RUNG_TEST_DATA_DIR) / "networks";

using Assignment = std::vector<std::pair<std::string, std::string>>;

/// P(targets | evidence) in the network mutilated by `dos`, by brute force over the CPTs of the
/// ancestors of the targets and the evidence (no SCM, no elimination): the independent reference.
std::vector<Rational> bn_distribution(const BayesNet& net, const std::vector<std::string>& targets,
                                      const Assignment& evidence, const Assignment& dos) {
  const std::size_t n = net.nodes.size();
  std::vector<std::vector<std::size_t>> parents(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& p : net.nodes[i].parents) parents[i].push_back(*net.find(p));
  }
  std::vector<std::optional<std::size_t>> fixed(n);  // do() or evidence
  std::vector<bool> intervened(n, false);
  auto state = [&](std::size_t v, const std::string& s) {
    const auto& st = net.nodes[v].states;
    return static_cast<std::size_t>(std::find(st.begin(), st.end(), s) - st.begin());
  };
  for (const auto& [var, s] : dos) {
    const std::size_t v = *net.find(var);
    fixed[v] = state(v, s);
    intervened[v] = true;
  }
  std::vector<bool> relevant(n, false);
  std::vector<std::size_t> stack;
  for (const auto& t : targets) stack.push_back(*net.find(t));
  for (const auto& [var, s] : evidence) {
    const std::size_t v = *net.find(var);
    if (!fixed[v]) fixed[v] = state(v, s);
    stack.push_back(v);
  }
  while (!stack.empty()) {
    const std::size_t v = stack.back();
    stack.pop_back();
    if (relevant[v]) continue;
    relevant[v] = true;
    if (!intervened[v]) {
      for (auto p : parents[v]) stack.push_back(p);
    }
  }
  std::vector<std::size_t> free;
  std::size_t combos = 1;
  for (std::size_t v = 0; v < n; ++v) {
    if (relevant[v] && !fixed[v]) {
      free.push_back(v);
      combos *= net.nodes[v].states.size();
    }
  }
  EXPECT_LE(combos, 200000U) << "reference enumeration too large";
  std::vector<std::size_t> cards;
  std::size_t cells = 1;
  for (const auto& t : targets) {
    cards.push_back(net.nodes[*net.find(t)].states.size());
    cells *= cards.back();
  }
  std::vector<Rational> joint(cells, Rational(0));
  std::vector<std::size_t> value(n, 0);
  for (std::size_t c = 0; c < combos; ++c) {
    std::size_t rest = c;
    for (auto v : free) {
      value[v] = rest % net.nodes[v].states.size();
      rest /= net.nodes[v].states.size();
    }
    for (std::size_t v = 0; v < n; ++v) {
      if (fixed[v]) value[v] = *fixed[v];
    }
    Rational w = 1;
    for (std::size_t v = 0; v < n && w != 0; ++v) {
      if (!relevant[v] || intervened[v]) continue;
      std::size_t row = 0;
      for (auto p : parents[v]) row = row * net.nodes[p].states.size() + value[p];
      w *= net.nodes[v].cpt[row][value[v]];
    }
    std::size_t cell = 0;
    for (std::size_t i = 0; i < targets.size(); ++i) cell = cell * cards[i] + value[*net.find(targets[i])];
    joint[cell] += w;
  }
  Rational total = 0;
  for (const auto& p : joint) total += p;
  for (auto& p : joint) p /= total;
  return joint;
}

TEST(NetworkAnswers, AlarmDoPlusEvidenceIsTheIssuesDistribution) {
  BayesNet net = read_network_file(kNetworks / "alarm.bif.gz");
  ASSERT_TRUE(check_cpts(net, {.normalize = true}).empty());
  const Scm m = to_scm(net);
  const auto request = parse_request("P(BP | do(CATECHOL=HIGH), HYPOVOLEMIA=TRUE)", m);
  const DistributionAnswer a = solve(m, std::get<Distribution>(request));
  ASSERT_EQ(a.values.size(), 3U);
  // Issue #16's figures, to 8 places.
  EXPECT_EQ(to_decimal(a.values[0], 8), "0.51692731");
  EXPECT_EQ(to_decimal(a.values[1], 8), "0.20456098");
  EXPECT_EQ(to_decimal(a.values[2], 8), "0.27851171");
  // And exactly the brute-force sum over the network's CPTs.
  EXPECT_EQ(a.values, bn_distribution(net, {"BP"}, {{"HYPOVOLEMIA", "TRUE"}}, {{"CATECHOL", "HIGH"}}));
  const std::vector<double> d = solve_double(m, std::get<Distribution>(request));
  for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(d[i], a.values[i].convert_to<double>(), 1e-12);
}

TEST(NetworkAnswers, AlarmDistributionsEqualBruteForceOverTheCpts) {
  BayesNet net = read_network_file(kNetworks / "alarm.bif.gz");
  ASSERT_TRUE(check_cpts(net, {.normalize = true}).empty());
  const Scm m = to_scm(net);
  struct Case {
    const char* query;
    std::vector<std::string> targets;
    Assignment evidence;
    Assignment dos;
  };
  const std::vector<Case> cases = {
      {"P(HR | do(CATECHOL=NORMAL))", {"HR"}, {}, {{"CATECHOL", "NORMAL"}}},
      {"P(CO | HYPOVOLEMIA=TRUE, LVFAILURE=FALSE, do(CATECHOL=HIGH))", {"CO"}, {{"HYPOVOLEMIA", "TRUE"}, {"LVFAILURE", "FALSE"}}, {{"CATECHOL", "HIGH"}}},
      {"P(BP, CO | do(CATECHOL=NORMAL))", {"BP", "CO"}, {}, {{"CATECHOL", "NORMAL"}}},
      {"P(HYPOVOLEMIA, LVFAILURE | STROKEVOLUME=LOW)", {"HYPOVOLEMIA", "LVFAILURE"}, {{"STROKEVOLUME", "LOW"}}, {}},
      {"P(PCWP | LVEDVOLUME=HIGH)", {"PCWP"}, {{"LVEDVOLUME", "HIGH"}}, {}},
      {"P(HISTORY, CVP)", {"HISTORY", "CVP"}, {}, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    const DistributionAnswer a = solve(m, std::get<Distribution>(parse_request(c.query, m)));
    EXPECT_EQ(a.values, bn_distribution(net, c.targets, c.evidence, c.dos));
  }
}

TEST(NetworkAnswers, AsiaDistributionsByEliminationEqualEnumeration) {
  const Scm m = read_model_file(kNetworks / "asia.bif");
  SolverOptions enumerate;
  enumerate.method = Method::enumeration;
  int compared = 0;
  for (const char* query : {"P(dysp)", "P(lung | dysp=yes)", "P(lung, bronc | dysp=yes, smoke=no)", "P(tub, lung | xray=yes)",
                            "P(dysp | do(either=yes))", "P(xray, dysp | do(smoke=yes), asia=yes)",
                            "P(dysp[either=no] | dysp=yes)", "P(either, either[lung=no] | xray=yes)"}) {
    SCOPED_TRACE(query);
    const Distribution d = std::get<Distribution>(parse_request(query, m));
    const DistributionAnswer ve = solve(m, d);
    EXPECT_EQ(ve.values, solve(m, d, enumerate).values);
    Rational total = 0;
    for (const auto& p : ve.values) total += p;
    EXPECT_EQ(total, 1);
    ++compared;
  }
  EXPECT_EQ(compared, 8);
  // By hand: P(lung=yes) = 1/2 * 1/10 + 1/2 * 1/100; P(dysp=yes | do(either=yes)) = 0.45 * 0.9 + 0.55 * 0.7.
  EXPECT_EQ(solve(m, std::get<Distribution>(parse_request("P(lung)", m))).values[0], Rational(11, 200));
  EXPECT_EQ(solve(m, std::get<Distribution>(parse_request("P(dysp | do(either=yes))", m))).values[0], Rational(79, 100));
  EXPECT_EQ(solve(m, std::get<Distribution>(parse_request("P(tub)", m))).values[0], Rational(104, 10000));
}

TEST(NetworkAnswers, AsiaBnEnumerationAgreesWithTheScm) {
  const BayesNet net = read_network_file(kNetworks / "asia.bif");
  const Scm m = read_model_file(kNetworks / "asia.bif");
  EXPECT_EQ(solve(m, std::get<Distribution>(parse_request("P(asia, lung | xray=yes, dysp=no)", m))).values,
            bn_distribution(net, {"asia", "lung"}, {{"xray", "yes"}, {"dysp", "no"}}, {}));
}

TEST(NetworkAnswers, DistributionErrors) {
  const Scm m = read_model_file(kNetworks / "asia.bif");
  EXPECT_THROW((void)solve(m, std::get<Distribution>(parse_request("P(dysp | either=no, tub=yes)", m))),
               ZeroProbabilityEvidence);
  EXPECT_THROW((void)solve(m, Distribution{}), InvalidQuery);
}

}  // namespace rung::networks_test
