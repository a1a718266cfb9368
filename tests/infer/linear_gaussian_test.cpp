#include "rung/infer/linear_gaussian.hpp"

#include "rung/gen/random.hpp"
#include "rung/infer/linear_abduction.hpp"
#include "rung/infer/linear_worlds.hpp"
#include "rung/io/linear_text.hpp"
#include "rung/io/model_file.hpp"

#include <Eigen/Eigenvalues>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>

namespace rung {
namespace {

LinearScm example(const std::string& name) {
  return read_linear_model_file(std::filesystem::path(RUNG_EXAMPLES_DIR) / (name + ".scm"));
}

/// The exact answer by both methods (which must agree exactly) and the double path near it.
Rational exact(const LinearScm& m, std::string_view text) {
  const LinearQuery q = parse_linear_query(text, m);
  const LinearAnswer a = solve(m, q, {LinearMethod::abduction, false});
  const LinearAnswer b = solve(m, q, {LinearMethod::parallel_worlds, false});
  EXPECT_TRUE(a.exact) << text;
  EXPECT_EQ(a.value, b.value) << text;
  for (const auto method : {LinearMethod::abduction, LinearMethod::parallel_worlds}) {
    EXPECT_NEAR(solve_double(m, q, {method, false}), a.value.convert_to<double>(), 1e-9) << text;
  }
  return a.value;
}

// ---- closed-form textbook cases -------------------------------------------------------------

TEST(LinearGaussian, MediationEffectsAreThePathCoefficients) {
  // X := U_X; M := 2*X + U_M; Y := 1/2*X + 3/2*M + U_Y: direct 1/2, indirect 2 * 3/2 = 3.
  const LinearScm m = example("linear_mediation");
  EXPECT_EQ(exact(m, "E(Y[X=1]) - E(Y[X=0])"), Rational(7, 2));
  EXPECT_EQ(exact(m, to_string(make_linear_estimand("nde", "X", "M", "Y", 1, 0, m), m)), Rational(1, 2));
  EXPECT_EQ(exact(m, to_string(make_linear_estimand("nie", "X", "M", "Y", 1, 0, m), m)), 3);
  EXPECT_EQ(exact(m, to_string(make_linear_estimand("ett", "X", "", "Y", 1, 0, m), m)), Rational(7, 2));
  // Units: from x' = -1 to x = 3 the effects scale by 4.
  EXPECT_EQ(exact(m, to_string(make_linear_estimand("nde", "X", "M", "Y", 3, -1, m), m)), 2);
  EXPECT_EQ(exact(m, to_string(make_linear_estimand("nie", "X", "M", "Y", 3, -1, m), m)), 12);
}

TEST(LinearGaussian, CounterfactualMeanOfTheExample) {
  // Seen X=0, Y=2; had X been 1, Y would have been 2 + 7/2 for this very unit, with certainty.
  const LinearScm m = example("linear_mediation");
  EXPECT_EQ(exact(m, "E(Y[X=1] | X=0, Y=2)"), Rational(11, 2));
  EXPECT_EQ(exact(m, "Var(Y[X=1] | X=0, Y=2)"), 0);
  // M[X=1] needs the posterior of U_M: 3/2 U_M + U_Y = 2 with U_M ~ N(0, 1/2), U_Y ~ N(1, 1/4):
  // E(U_M | .) = (3/4) / (9/8 + 1/4) * (2 - 1) = 6/11, so E(M[X=1] | .) = 2 + 6/11.
  EXPECT_EQ(exact(m, "E(M[X=1] | X=0, Y=2)"), Rational(28, 11));
  // Var(U_M | .) = 1/2 - (3/4)^2 / (11/8) = 1/2 - 9/22 = 1/11.
  EXPECT_EQ(exact(m, "Var(M[X=1] | X=0, Y=2)"), Rational(1, 11));
}

TEST(LinearGaussian, ConfoundedPairNeedsAbduction) {
  // cov(U_X, U_Y) = 1/2: seeing X = 2 moves U_Y's mean to 1/2 * 2 = 1.
  const LinearScm m = example("linear_confounded");
  EXPECT_EQ(exact(m, "E(Y[X=1] | X=2)"), 3);
  EXPECT_EQ(exact(m, "E(Y[X=1])"), 2);       // no abduction: the prior mean of U_Y
  EXPECT_EQ(exact(m, "E(Y | X=1)"), Rational(5, 2));   // conditioning is not intervening
  EXPECT_EQ(exact(m, "E(Y | do(X=1))"), 2);
  EXPECT_EQ(exact(m, "Var(Y[X=1] | X=2)"), Rational(3, 4));
  EXPECT_EQ(exact(m, "Cov(Y[X=1], Y[X=0] | X=2)"), Rational(3, 4));
  EXPECT_EQ(exact(m, "E(U_Y | X=2)"), 1);
  EXPECT_EQ(exact(m, "E(Y[X=1] | X=2) - E(Y[X=0] | X=2)"), 2);
}

TEST(LinearGaussian, ProbabilitiesAreDoublePrecisionUnlessAPointMass) {
  const LinearScm m = example("linear_confounded");
  // Y[X=1] | X=2 ~ N(3, 3/4): P(> 3) = 1/2.
  const LinearAnswer a = solve(m, parse_linear_query("P(Y[X=1] > 3 | X=2)", m));
  EXPECT_FALSE(a.exact);
  EXPECT_NEAR(a.approximate, 0.5, 1e-15);
  const LinearAnswer b = solve(m, parse_linear_query("P(Y[X=1] < 3 | X=2)", m));
  EXPECT_NEAR(b.approximate, 0.5, 1e-15);
  const LinearAnswer c = solve(m, parse_linear_query("P(Y[X=1] > 4 | X=2)", m));
  EXPECT_NEAR(c.approximate, 0.5 * std::erfc(1 / std::sqrt(1.5)), 1e-15);
  EXPECT_NEAR(solve_double(m, parse_linear_query("P(Y[X=1] > 4 | X=2)", m)), c.approximate, 1e-12);
  // X[X=1] is exactly 1: a probability of 0 or 1, exact.
  const LinearAnswer d = solve(m, parse_linear_query("P(X[X=1] > 1/2)", m));
  EXPECT_TRUE(d.exact);
  EXPECT_EQ(d.value, 1);
}

// ---- degenerate evidence ----------------------------------------------------------------------

LinearScm copy_model() { return read_linear_text("exogenous U_X ~ Normal(0, 1)\nX := U_X\nY := X\nZ := X + 1\n"); }

TEST(LinearGaussian, EvidenceOutsideTheSupportIsZeroProbability) {
  const LinearScm m = copy_model();
  for (const auto method : {LinearMethod::abduction, LinearMethod::parallel_worlds}) {
    const LinearQuery q = parse_linear_query("E(Y[X=1] | X=0, Y=1)", m);
    EXPECT_THROW((void)solve(m, q, {method, false}), ZeroProbabilityEvidence);
    EXPECT_THROW((void)solve_double(m, q, {method, false}), ZeroProbabilityEvidence);
    EXPECT_THROW((void)solve(m, parse_linear_query("E(Y | X[X=1]=2)", m), {method, false}), ZeroProbabilityEvidence);
  }
  try {
    (void)solve(m, parse_linear_query("E(Y[X=1] | X=0, Y=1)", m));
  } catch (const ZeroProbabilityEvidence& e) {
    EXPECT_EQ(std::string(e.what()),
              "zero-probability evidence: X=0, Y=1 is impossible: given the observations before it, Y is 0 with "
              "probability 1, not 1");
  }
}

TEST(LinearGaussian, ConsistentDegenerateEvidenceIsDropped) {
  const LinearScm m = copy_model();
  EXPECT_EQ(exact(m, "E(Y[X=1] | X=0, Y=0)"), 1);
  EXPECT_EQ(exact(m, "E(Z | X=3, Y=3, Z=4, X=3)"), 4);
  EXPECT_EQ(exact(m, "Var(Z | Y=3)"), 0);
  EXPECT_EQ(exact(m, "E(X | X[X=2]=2)"), 0);  // evidence certain in its world: nothing learnt
}

TEST(LinearGaussian, ADeepChainNeedsNoDeepRecursion) {
  // 100,000 variables in a chain sharing one noise: the terms are built in evaluation order, not
  // by recursion (which would exhaust the stack); the dense parallel-worlds covariance is refused.
  constexpr int kLength = 100000;
  LinearScmBuilder b;
  b.exogenous("U", 0, 1);
  b.endogenous("X0", {{"U", 1}}, 0);
  for (int i = 1; i < kLength; ++i) b.endogenous(fmt::format("X{}", i), {{fmt::format("X{}", i - 1), 1}}, 1);
  const LinearScm m = b.build();
  const LinearQuery q = parse_linear_query(fmt::format("E(X{}[X1=5] | X{}=3)", kLength - 1, kLength / 2), m);
  // Seen X(n/2) = 3 means U = 3 - n/2; then X(n-1)[X1=5] = 5 + (n-2), whatever U.
  EXPECT_EQ(solve(m, q).value, 5 + (kLength - 2));
  EXPECT_EQ(solve_double(m, q), 5.0 + (kLength - 2));
  EXPECT_THROW((void)solve(m, q, {LinearMethod::parallel_worlds, false}), TooLarge);
}

// ---- random models: the two methods agree exactly -------------------------------------------

const std::vector<Rational>& small_values() {
  static const std::vector<Rational> v = {-2, Rational(-3, 2), -1, Rational(-1, 2), Rational(-1, 3), 0,
                                          Rational(1, 3), Rational(1, 2), 1, Rational(3, 2), 2, 3};
  return v;
}

/// A random linear model: `n` endogenous variables V0..V(n-1) in topological order, one noise each
/// (some shared, some of variance 0, some pairs correlated).
LinearScm random_model(Rng& rng, int n) {
  LinearScmBuilder b;
  const auto& values = small_values();
  std::vector<Rational> variance(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    static const std::vector<Rational> variances = {0, Rational(1, 2), 1, 2, 3};
    variance[static_cast<std::size_t>(i)] = rng.chance(1, 10) ? Rational(0) : variances[1 + rng.below(4)];
    b.exogenous(fmt::format("U{}", i), rng.chance(1, 2) ? Rational(0) : rng.pick(values), variance[static_cast<std::size_t>(i)]);
  }
  for (int i = 0; i + 1 < n; i += 2) {
    const Rational& a = variance[static_cast<std::size_t>(i)];
    const Rational& c = variance[static_cast<std::size_t>(i + 1)];
    if (a != 0 && c != 0 && rng.chance(1, 3)) {
      b.covariance(fmt::format("U{}", i), fmt::format("U{}", i + 1), (rng.chance(1, 2) ? 1 : -1) * std::min(a, c) / 2);
    }
  }
  for (int i = 0; i < n; ++i) {
    std::vector<std::pair<std::string, Rational>> terms;
    for (int j = 0; j < i; ++j) {
      if (rng.chance(1, 3)) terms.emplace_back(fmt::format("V{}", j), rng.pick(values));
    }
    terms.emplace_back(fmt::format("U{}", i), rng.chance(3, 4) ? Rational(1) : rng.pick(values));
    if (i > 0 && rng.chance(1, 5)) {
      terms.emplace_back(fmt::format("U{}", rng.below(static_cast<std::uint64_t>(i))), rng.pick(values));  // shared noise
    }
    b.endogenous(fmt::format("V{}", i), terms, rng.chance(1, 2) ? Rational(0) : rng.pick(values));
  }
  return b.build();
}

LinearOutcome random_outcome(Rng& rng, const LinearScm& m, int depth) {
  const auto endo = m.endogenous();
  LinearOutcome t;
  if (rng.chance(1, 20)) {
    t.var = static_cast<VarId>(rng.below(m.exogenous_count()));
    return t;
  }
  t.var = rng.pick(endo);
  const int count = static_cast<int>(rng.below(3));
  for (int i = 0; i < count; ++i) {
    LinearSetting s;
    s.var = rng.pick(endo);
    if (std::any_of(t.settings.begin(), t.settings.end(), [&](const LinearSetting& x) { return x.var == s.var; })) continue;
    if (depth < 2 && rng.chance(1, 4)) {
      LinearOutcome inner = random_outcome(rng, m, depth + 1);
      if (m.is_exogenous(inner.var) || rng.chance(1, 2)) inner.var = s.var;
      s.nested.push_back(std::move(inner));
    } else {
      s.value = rng.pick(small_values());
    }
    t.settings.push_back(std::move(s));
  }
  std::sort(t.settings.begin(), t.settings.end(), [](const LinearSetting& a, const LinearSetting& b) { return a.var < b.var; });
  return t;
}

struct RandomCase {
  LinearScm model;
  std::vector<LinearOutcome> outcomes;
  std::vector<LinearObservation> evidence;
};

RandomCase random_case(std::uint64_t seed) {
  Rng rng(seed);
  RandomCase c{random_model(rng, 2 + static_cast<int>(rng.below(6))), {}, {}};
  const int targets = 1 + static_cast<int>(rng.below(2));
  for (int i = 0; i < targets; ++i) c.outcomes.push_back(random_outcome(rng, c.model, 0));
  const int observations = static_cast<int>(rng.below(4));
  for (int i = 0; i < observations; ++i) {
    LinearObservation o;
    o.outcome = rng.chance(2, 3) ? LinearOutcome{rng.pick(c.model.endogenous()), {}} : random_outcome(rng, c.model, 1);
    // An observation of a variable set in its own world is mostly impossible: keep a few.
    if (!rng.chance(1, 4)) {
      std::erase_if(o.outcome.settings, [&](const LinearSetting& s) { return s.var == o.outcome.var; });
    }
    o.value = rng.pick(small_values());
    c.evidence.push_back(o);
    if (rng.chance(1, 6)) c.evidence.push_back(o);  // the same observation twice: degenerate, consistent
  }
  return c;
}

TEST(LinearGaussianRandom, TheTwoMethodsAgreeExactlyOnRandomModels) {
  // 3,000 random model + query pairs, of which at least 2,000 have possible evidence (the others
  // must be found impossible by both methods).
  int answered = 0;
  int impossible = 0;
  int degenerate = 0;
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
    const RandomCase c = random_case(seed);
    std::string shown;
    for (const auto& t : c.outcomes) shown += to_string(t, c.model) + "; ";
    shown += to_string(c.evidence, c.model) + "\n" + write_linear_text(c.model);
    bool a_threw = false;
    bool b_threw = false;
    Gaussian<Rational> a;
    Gaussian<Rational> b;
    try {
      a = abduction_gaussian<Rational>(c.model, c.outcomes, c.evidence);
    } catch (const ZeroProbabilityEvidence&) {
      a_threw = true;
    }
    try {
      b = parallel_worlds_gaussian<Rational>(c.model, c.outcomes, c.evidence);
    } catch (const ZeroProbabilityEvidence&) {
      b_threw = true;
    }
    ASSERT_EQ(a_threw, b_threw) << "seed " << seed << ": " << shown;
    if (a_threw) {
      ++impossible;
      EXPECT_THROW((void)abduction_gaussian<double>(c.model, c.outcomes, c.evidence), ZeroProbabilityEvidence) << seed;
      continue;
    }
    ++answered;
    ASSERT_EQ(a.mean, b.mean) << "seed " << seed << ": " << shown;
    ASSERT_EQ(a.covariance, b.covariance) << "seed " << seed << ": " << shown;
    for (Eigen::Index i = 0; i < a.covariance.rows(); ++i) {
      if (a.covariance(i, i) == 0) ++degenerate;
      EXPECT_GE(a.covariance(i, i), 0) << seed;
    }
    // The double paths, near the exact values.
    const Gaussian<double> da = abduction_gaussian<double>(c.model, c.outcomes, c.evidence);
    const Gaussian<double> db = parallel_worlds_gaussian<double>(c.model, c.outcomes, c.evidence);
    for (Eigen::Index i = 0; i < a.mean.size(); ++i) {
      const double want = a.mean(i).convert_to<double>();
      EXPECT_NEAR(da.mean(i), want, 1e-6 * (1 + std::abs(want))) << "seed " << seed << ": " << shown;
      EXPECT_NEAR(db.mean(i), want, 1e-6 * (1 + std::abs(want))) << "seed " << seed << ": " << shown;
      for (Eigen::Index j = 0; j < a.mean.size(); ++j) {
        const double cov = a.covariance(i, j).convert_to<double>();
        EXPECT_NEAR(da.covariance(i, j), cov, 1e-6 * (1 + std::abs(cov))) << seed;
        EXPECT_NEAR(db.covariance(i, j), cov, 1e-6 * (1 + std::abs(cov))) << seed;
      }
    }
  }
  // The cases exercise every branch: most answered, some impossible, some point masses.
  EXPECT_GE(answered, 2000);
  EXPECT_GE(impossible, 20);
  EXPECT_GE(degenerate, 50);
  RecordProperty("answered", answered);
  RecordProperty("impossible", impossible);
}

// ---- properties ---------------------------------------------------------------------------------

/// Sum over directed paths from `from` to `to` of the product of coefficients (path tracing),
/// avoiding `avoid` (if set): the textbook closed form of linear effects.
Rational path_sum(const LinearScm& m, VarId from, VarId to, std::optional<VarId> avoid = std::nullopt) {
  if (from == to) return 1;
  Rational total = 0;
  for (VarId child : m.endogenous()) {
    if (avoid && child == *avoid) continue;
    for (const auto& c : m.mechanism(child).coefficients) {
      if (c.var == from) total += c.value * path_sum(m, child, to, avoid);
    }
  }
  return total;
}

TEST(LinearGaussianProperties, EffectsEqualPathTracingOnRandomModels) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    Rng rng(seed * 7919);
    const LinearScm m = random_model(rng, 3 + static_cast<int>(rng.below(5)));
    const auto endo = m.endogenous();
    const VarId x = endo[rng.below(endo.size() - 2)];
    const VarId y = endo.back();
    VarId mid = endo[rng.below(endo.size())];
    while (mid == x || mid == y) mid = endo[rng.below(endo.size())];
    const Rational treated = rng.pick(small_values());
    const Rational control = rng.pick(small_values());
    const Rational delta = treated - control;
    const auto value = [&](std::string_view kind) {
      return exact(m, to_string(make_linear_estimand(kind, m.name(x), m.name(mid), m.name(y), treated, control, m), m));
    };
    const Rational total = path_sum(m, x, y);
    EXPECT_EQ(value("ate"), delta * total) << seed;
    try {
      EXPECT_EQ(value("ett"), delta * total) << seed;  // linear: no effect heterogeneity
    } catch (const ZeroProbabilityEvidence&) {
      // X has variance 0 and is never `treated`: ETT is undefined.
    }
    const Rational indirect = path_sum(m, x, mid) * path_sum(m, mid, y);
    EXPECT_EQ(value("nie"), delta * indirect) << seed;
    EXPECT_EQ(value("nde"), delta * path_sum(m, x, y, mid)) << seed;
    EXPECT_EQ(value("nde") + value("nie"), value("ate")) << seed;
  }
}

TEST(LinearGaussianProperties, ConsistencyAndEffectiveness) {
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Rng rng(seed * 104729);
    const LinearScm m = random_model(rng, 2 + static_cast<int>(rng.below(5)));
    const auto endo = m.endogenous();
    const VarId x = rng.pick(endo);
    const VarId y = rng.pick(endo);
    const Rational v = rng.pick(small_values());
    const std::string X = m.name(x);
    const std::string Y = m.name(y);
    const std::string value = to_string(v);
    // Effectiveness: X[X=x] = x, with certainty, whatever the evidence.
    EXPECT_EQ(exact(m, fmt::format("E({}[{}={}])", X, X, value)), v);
    EXPECT_EQ(exact(m, fmt::format("Var({}[{}={}])", X, X, value)), 0);
    // Consistency: given X = x, Y[X=x] is Y (same mean, and their difference has variance 0).
    const LinearQuery q = parse_linear_query(fmt::format("Cov({}[{}={}], {} | {}={})", Y, X, value, Y, X, value), m);
    try {
      const auto g = abduction_gaussian<Rational>(m, q.parts[0].quantity.outcomes, q.parts[0].quantity.evidence);
      EXPECT_EQ(g.mean(0), g.mean(1)) << seed;
      EXPECT_EQ(g.covariance(0, 0), g.covariance(1, 1)) << seed;
      EXPECT_EQ(g.covariance(0, 1), g.covariance(0, 0)) << seed;
      ++checked;
    } catch (const ZeroProbabilityEvidence&) {
      // X has variance 0 and another value: nothing to check; the other method agrees.
      EXPECT_THROW((void)parallel_worlds_gaussian<Rational>(m, q.parts[0].quantity.outcomes, q.parts[0].quantity.evidence),
                   ZeroProbabilityEvidence);
    }
  }
  EXPECT_GE(checked, 250);
}

// ---- Monte Carlo in double precision ----------------------------------------------------------

/// Standard normal draws: Box–Muller over the engine's 53-bit uniforms (no std distribution).
class Normals {
 public:
  explicit Normals(std::uint64_t seed) : engine_(seed) {}
  double next() {
    if (spare_) {
      spare_ = false;
      return cached_;
    }
    const double u1 = (static_cast<double>(engine_() >> 11) + 1) * 0x1.0p-53;  // (0, 1]
    const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
    const double r = std::sqrt(-2 * std::log(u1));
    cached_ = r * std::sin(2 * M_PI * u2);
    spare_ = true;
    return r * std::cos(2 * M_PI * u2);
  }

 private:
  std::mt19937_64 engine_;
  bool spare_ = false;
  double cached_ = 0;
};

/// A term's value for the exogenous values `u`, by plain recursion (a third evaluator).
double simulate(const LinearScm& m, const std::vector<double>& u, const LinearOutcome& t) {
  if (m.is_exogenous(t.var)) return u[t.var];
  for (const auto& s : t.settings) {
    if (s.var == t.var) return s.is_nested() ? simulate(m, u, s.nested.front()) : s.value.convert_to<double>();
  }
  const auto& mech = m.mechanism(t.var);
  double v = mech.constant.convert_to<double>();
  for (const auto& c : mech.coefficients) v += c.value.convert_to<double>() * simulate(m, u, LinearOutcome{c.var, t.settings});
  return v;
}

TEST(LinearGaussianMonteCarlo, SampleMomentsAgreeWithTheExactOnesWithinFiveStandardErrors) {
  constexpr int kSamples = 20000;
  const double n = kSamples;
  Normals normals(20);
  for (std::uint64_t seed = 1; seed <= 25; ++seed) {
    Rng rng(seed * 31337);
    const LinearScm m = random_model(rng, 2 + static_cast<int>(rng.below(5)));
    const LinearOutcome a = random_outcome(rng, m, 0);
    const LinearOutcome b = random_outcome(rng, m, 0);
    const auto g = abduction_gaussian<Rational>(m, {a, b}, {});
    // U ~ N(mu, Sigma): Sigma = V D V^T, U = mu + V sqrt(D) z.
    const auto k = static_cast<Eigen::Index>(m.exogenous_count());
    Eigen::MatrixXd sigma(k, k);
    Eigen::VectorXd mu(k);
    for (Eigen::Index i = 0; i < k; ++i) {
      mu(i) = m.variable(static_cast<VarId>(i)).mean.convert_to<double>();
      for (Eigen::Index j = 0; j < k; ++j) sigma(i, j) = m.covariance(static_cast<VarId>(i), static_cast<VarId>(j)).convert_to<double>();
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(sigma);
    const Eigen::MatrixXd root = eigen.eigenvectors() * eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0, above = 0;
    const double threshold = g.mean(0).convert_to<double>() + 0.5;
    std::vector<double> u(static_cast<std::size_t>(k));
    Eigen::VectorXd z(k);
    for (int s = 0; s < kSamples; ++s) {
      for (Eigen::Index i = 0; i < k; ++i) z(i) = normals.next();
      const Eigen::VectorXd draw = mu + root * z;
      for (Eigen::Index i = 0; i < k; ++i) u[static_cast<std::size_t>(i)] = draw(i);
      const double va = simulate(m, u, a);
      const double vb = simulate(m, u, b);
      sa += va;
      sb += vb;
      saa += va * va;
      sbb += vb * vb;
      sab += va * vb;
      above += va > threshold ? 1 : 0;
    }
    const double mean_a = g.mean(0).convert_to<double>();
    const double mean_b = g.mean(1).convert_to<double>();
    const double var_a = g.covariance(0, 0).convert_to<double>();
    const double var_b = g.covariance(1, 1).convert_to<double>();
    const double cov_ab = g.covariance(0, 1).convert_to<double>();
    const std::string what = fmt::format("seed {}: {}, {}", seed, to_string(a, m), to_string(b, m));
    const double slack = 1e-9;  // rounding of the sums
    EXPECT_NEAR(sa / n, mean_a, 5 * std::sqrt(var_a / n) + slack) << what;
    EXPECT_NEAR(sb / n, mean_b, 5 * std::sqrt(var_b / n) + slack) << what;
    const double sample_var_a = saa / n - (sa / n) * (sa / n);
    const double sample_cov = sab / n - (sa / n) * (sb / n);
    EXPECT_NEAR(sample_var_a, var_a, 5 * var_a * std::sqrt(2 / n) + 1e-6 * (1 + var_a)) << what;
    EXPECT_NEAR(sample_cov, cov_ab, 5 * std::sqrt((var_a * var_b + cov_ab * cov_ab) / n) + 1e-6 * (1 + std::abs(cov_ab))) << what;
    (void)sbb;
    // P(a > mean + 1/2): the double-precision answer against the sample frequency.
    const LinearQuantity p{LinearQuantity::Kind::probability, {a}, Rational(g.mean(0)) + Rational(1, 2), true, {}};
    const LinearQuery pq{{LinearQuery::Part{1, p}}};
    const LinearAnswer answer = solve(m, pq);
    const double want = answer.approximate;
    EXPECT_NEAR(above / n, want, 5 * std::sqrt(want * (1 - want) / n) + 1 / n) << what;
  }
}

// ---- trace ------------------------------------------------------------------------------------

TEST(LinearGaussian, TraceShowsAbductionActionPrediction) {
  const LinearScm m = example("linear_mediation");
  const LinearAnswer a = solve(m, parse_linear_query("E(Y[X=1] | X=0, Y=2)", m), {LinearMethod::abduction, true});
  ASSERT_TRUE(a.trace);
  ASSERT_EQ(a.trace->steps.size(), 4U);
  EXPECT_EQ(a.trace->steps[0].title, "1. abduction: the exogenous variables given the evidence");
  EXPECT_EQ(a.trace->steps[1].title, "2. action: each world's mechanisms");
  EXPECT_EQ(a.trace->steps[2].title, "3. prediction: the asked terms under the posterior");
  EXPECT_EQ(a.trace->steps[3].title, "4. answer");
  const std::string text = to_text(*a.trace);
  EXPECT_NE(text.find("Y = 7/2*U_X + 3/2*U_M + U_Y = 2"), std::string::npos) << text;
  EXPECT_NE(text.find("world do(X=1): X := 1; M := 2*X + U_M; Y := 1/2*X + 3/2*M + U_Y"), std::string::npos) << text;
  EXPECT_NE(text.find("Y[X=1] = 3/2*U_M + U_Y + 7/2: mean 11/2, variance 0"), std::string::npos) << text;
  EXPECT_NE(text.find("U_M: mean 6/11, variance 1/11"), std::string::npos) << text;
  EXPECT_NE(text.find("E(Y[X=1] | X=0, Y=2) = 11/2"), std::string::npos) << text;
}

}  // namespace
}  // namespace rung
