// The exact simplex (issue #17, bounds): hand LPs with known optima, infeasible, unbounded,
// degenerate (Beale's example, on which the textbook largest-coefficient rule cycles) and
// redundant ones, under both pivoting rules; and a differential test on random
// small LPs against brute force — every basis of m columns solved by exact Gaussian elimination,
// the best feasible one kept, unboundedness decided by the LP of a normalised ray.
#include "rung/identify/linear_program.hpp"

#include "rung/gen/random.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <vector>

namespace rung {
namespace {

using Matrix = std::vector<std::vector<Rational>>;
using Vector = std::vector<Rational>;

Vector row(std::initializer_list<Rational> v) { return Vector(v); }

/// A q = b and q >= 0 for the solution, and c·q its value.
void expect_feasible_optimum(const Matrix& a, const Vector& b, const Vector& c, const LpResult& r) {
  ASSERT_EQ(r.status, LpResult::Status::optimal);
  ASSERT_EQ(r.solution.size(), c.size());
  Rational value = 0;
  for (std::size_t j = 0; j < c.size(); ++j) {
    EXPECT_GE(r.solution[j], 0);
    value += c[j] * r.solution[j];
  }
  EXPECT_EQ(value, r.value);
  for (std::size_t i = 0; i < a.size(); ++i) {
    Rational lhs = 0;
    for (std::size_t j = 0; j < c.size(); ++j) lhs += a[i][j] * r.solution[j];
    EXPECT_EQ(lhs, b[i]) << "row " << i;
  }
}

TEST(LinearProgram, TextbookMaximum) {
  // max 3x + 2y with x + y <= 4, x + 3y <= 6, x <= 3 (slacks s1..s3): x = 3, y = 1, value 11.
  const Matrix a{row({1, 1, 1, 0, 0}), row({1, 3, 0, 1, 0}), row({1, 0, 0, 0, 1})};
  const Vector b{4, 6, 3}, c{3, 2, 0, 0, 0};
  const LpResult r = LinearProgram(a, b).maximize(c);
  expect_feasible_optimum(a, b, c, r);
  EXPECT_EQ(r.value, 11);
  EXPECT_EQ(r.solution[0], 3);
  EXPECT_EQ(r.solution[1], 1);
  EXPECT_EQ(LinearProgram(a, b).minimize(c).value, 0);
}

TEST(LinearProgram, HeaderExample) {
  LinearProgram lp({{1, 1, 1}}, {1});  // q1 + q2 + q3 = 1, q >= 0
  const LpResult hi = lp.maximize({1, 2, 3}), lo = lp.minimize({1, 2, 3});
  EXPECT_EQ(hi.value, 3);
  EXPECT_EQ(hi.solution, (Vector{0, 0, 1}));
  EXPECT_EQ(lo.value, 1);
  EXPECT_EQ(lp.rank(), 1U);
}

TEST(LinearProgram, FractionsStayExact) {
  // max x with 3x + y = 1: 1/3, which no double holds.
  const LinearProgram lp({row({3, 1})}, {1});
  EXPECT_EQ(lp.maximize({1, 0}).value, Rational(1, 3));
  EXPECT_EQ(lp.minimize({1, 0}).value, 0);
  const LinearProgram tiny({row({Rational(1, 7), Rational(2, 9)})}, {Rational(1, 63)});
  EXPECT_EQ(tiny.maximize({1, 1}).value, Rational(1, 9));
}

TEST(LinearProgram, InfeasibleAndUnbounded) {
  // x + y = -1 has no solution with x, y >= 0.
  const LinearProgram none({row({1, 1})}, {-1});
  EXPECT_FALSE(none.feasible());
  EXPECT_EQ(none.minimize({1, 1}).status, LpResult::Status::infeasible);
  EXPECT_EQ(none.maximize({1, 1}).status, LpResult::Status::infeasible);
  // x - y = 1: x grows without limit.
  const LinearProgram open({row({1, -1})}, {1});
  EXPECT_EQ(open.maximize({1, 0}).status, LpResult::Status::unbounded);
  EXPECT_EQ(open.minimize({1, 0}).value, 1);
  EXPECT_EQ(to_string(LpResult::Status::unbounded), "unbounded");
  // Contradictory rows: x + y = 1 and x + y = 2.
  EXPECT_FALSE(LinearProgram({row({1, 1}), row({1, 1})}, {1, 2}).feasible());
}

TEST(LinearProgram, BealesDegenerateExample) {
  // Beale (1955): degenerate; the textbook largest-coefficient rule cycles on it. Both of rung's
  // rules (Dantzig's switching to Bland's, and Bland's throughout) reach -5/4.
  const Matrix a{row({1, 0, 0, Rational(1, 4), -8, -1, 9}), row({0, 1, 0, Rational(1, 2), -12, Rational(-1, 2), 3}),
                 row({0, 0, 1, 0, 0, 1, 0})};
  const Vector b{0, 0, 1}, c{0, 0, 0, Rational(-3, 4), 20, Rational(-1, 2), 6};
  for (const int bland_after : {8, 0}) {
    const LpResult r = LinearProgram(a, b, {.bland_after = bland_after}).minimize(c);
    expect_feasible_optimum(a, b, c, r);
    EXPECT_EQ(r.value, Rational(-5, 4));
  }
}

TEST(LinearProgram, RedundantRowsAreDropped) {
  const Matrix a{row({1, 1, 0}), row({2, 2, 0}), row({0, 0, 1}), row({1, 1, 1})};
  const Vector b{1, 2, Rational(1, 2), Rational(3, 2)}, c{1, -1, 0};
  const LinearProgram lp(a, b);
  EXPECT_EQ(lp.rank(), 2U);
  const LpResult r = lp.minimize(c);
  expect_feasible_optimum(a, b, c, r);
  EXPECT_EQ(r.value, -1);
  EXPECT_EQ(lp.maximize(c).value, 1);
  // All rows zero: q >= 0 only.
  const LinearProgram free({row({0, 0})}, {0});
  EXPECT_EQ(free.rank(), 0U);
  EXPECT_EQ(free.minimize({1, 2}).value, 0);
  EXPECT_EQ(free.minimize({1, -2}).status, LpResult::Status::unbounded);
}

TEST(LinearProgram, ADoubleBasisThatIsNotOptimalFailsItsCertificate) {
  // min q1 + (1 - 10^-12) q2 with q1 + q2 = 1: in doubles the two costs are equal within the
  // tolerance, so the double solve stops at q1 = 1; the exact certificate finds q2's reduced cost
  // negative, and the exact simplex gives the true minimum at q2 = 1.
  const Rational tiny(1, 1000000000000LL);
  const LinearProgram lp({row({1, 1})}, {1});
  const LpResult r = lp.minimize({1, 1 - tiny});
  EXPECT_EQ(r.value, 1 - tiny);
  EXPECT_EQ(r.solution, (Vector{0, 1}));
  EXPECT_EQ(lp.fallbacks(), 1U);
  // The same program's maximum (q1 = 1) is certified without the exact simplex.
  EXPECT_EQ(lp.maximize({1, 1 - tiny}).value, 1);
  EXPECT_EQ(lp.fallbacks(), 1U);
  // Rows the doubles cannot tell apart: x + y = 1 and x + (1 + 10^-12) y = 1 force y = 0 exactly,
  // which the doubles miss (they drop the second row as a copy of the first); the certificate of
  // the dropped row fails and the exact phase 1 keeps both.
  const LinearProgram close({row({1, 1}), row({1, 1 + tiny})}, {1, 1});
  EXPECT_EQ(close.rank(), 2U);
  EXPECT_EQ(close.maximize({0, 1}).value, 0);
}

// ---- brute force ---------------------------------------------------------------------------

/// Rows of [A | b] spanning its row space (taken in order), or nullopt when the system A q = b is
/// inconsistent (a row of A depends on the earlier ones and b does not follow).
std::optional<std::pair<Matrix, Vector>> independent_rows(const Matrix& a, const Vector& b) {
  const std::size_t n = a.front().size();
  Matrix echelon;  // reduced rows [a | b], each with its pivot column
  std::vector<std::size_t> pivots;
  std::pair<Matrix, Vector> kept;
  for (std::size_t i = 0; i < a.size(); ++i) {
    Vector r = a[i];
    r.push_back(b[i]);
    for (std::size_t k = 0; k < echelon.size(); ++k) {
      if (r[pivots[k]] == 0) continue;
      const Rational f = r[pivots[k]] / echelon[k][pivots[k]];
      for (std::size_t j = 0; j <= n; ++j) r[j] -= f * echelon[k][j];
    }
    std::size_t p = 0;
    while (p < n && r[p] == 0) ++p;
    if (p == n) {
      if (r[n] != 0) return std::nullopt;
      continue;
    }
    echelon.push_back(r);
    pivots.push_back(p);
    kept.first.push_back(a[i]);
    kept.second.push_back(b[i]);
  }
  return kept;
}

/// The solution of the square system M x = v, or nullopt when M is singular.
std::optional<Vector> solve_square(Matrix m, Vector v) {
  const std::size_t k = m.size();
  for (std::size_t col = 0; col < k; ++col) {
    std::size_t p = col;
    while (p < k && m[p][col] == 0) ++p;
    if (p == k) return std::nullopt;
    std::swap(m[p], m[col]);
    std::swap(v[p], v[col]);
    for (std::size_t i = 0; i < k; ++i) {
      if (i == col || m[i][col] == 0) continue;
      const Rational f = m[i][col] / m[col][col];
      for (std::size_t j = col; j < k; ++j) m[i][j] -= f * m[col][j];
      v[i] -= f * v[col];
    }
  }
  for (std::size_t i = 0; i < k; ++i) v[i] /= m[i][i];
  return v;
}

/// min c·q over A q = b, q >= 0, by enumerating every basis.
LpResult brute_minimum(const Matrix& a, const Vector& b, const Vector& c, bool check_rays = true) {
  LpResult out;
  const std::size_t n = c.size();
  const auto rows = independent_rows(a, b);
  if (!rows) return out;
  const Matrix& ak = rows->first;
  const Vector& bk = rows->second;
  const std::size_t m = ak.size();
  bool found = false;
  if (m == 0) {  // q >= 0 only: q = 0 is a vertex
    found = true;
    out.value = 0;
  } else {
    std::vector<std::size_t> pick(m);
    for (std::size_t i = 0; i < m; ++i) pick[i] = i;
    for (;;) {
      Matrix sq(m, Vector(m));
      for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < m; ++j) sq[i][j] = ak[i][pick[j]];
      }
      if (auto x = solve_square(sq, bk)) {
        bool nonneg = true;
        Rational value = 0;
        for (std::size_t j = 0; j < m; ++j) {
          nonneg = nonneg && (*x)[j] >= 0;
          value += c[pick[j]] * (*x)[j];
        }
        if (nonneg && (!found || value < out.value)) {
          found = true;
          out.value = value;
        }
      }
      // Next combination of m out of n columns.
      std::size_t i = m;
      while (i > 0 && pick[i - 1] == n - m + i - 1) --i;
      if (i == 0) break;
      ++pick[i - 1];
      for (std::size_t j = i; j < m; ++j) pick[j] = pick[j - 1] + 1;
    }
  }
  if (!found) return out;  // nonempty polyhedra in standard form have a vertex
  out.status = LpResult::Status::optimal;
  if (check_rays) {
    // Unbounded iff some ray d >= 0, A d = 0 has c·d < 0; normalised by sum d = 1.
    Matrix ra = a;
    Vector rb(a.size(), Rational(0));
    ra.emplace_back(n, Rational(1));
    rb.emplace_back(1);
    const LpResult ray = brute_minimum(ra, rb, c, false);
    if (ray.status == LpResult::Status::optimal && ray.value < 0) {
      out.status = LpResult::Status::unbounded;
      out.value = 0;
    }
  }
  return out;
}

TEST(LinearProgram, ColumnsOutOfOrderOrPastTheRowsAreRefused) {
  using C = LinearProgram::Column;
  EXPECT_THROW((void)LinearProgram::from_columns({C{{1, Rational(1)}, {0, Rational(1)}}}, {Rational(1), Rational(1)}), std::invalid_argument);
  EXPECT_THROW((void)LinearProgram::from_columns({C{{2, Rational(1)}}}, {Rational(1), Rational(1)}), std::invalid_argument);
  EXPECT_THROW((void)LinearProgram::from_columns({}, {Rational(1)}), std::invalid_argument);
  EXPECT_THROW((void)LinearProgram::from_columns({C{{0, Rational(1)}}}, {}), std::invalid_argument);
  // q1 + q2 = 1 from its columns: min q1 - q2 = -1.
  const LinearProgram lp = LinearProgram::from_columns({C{{0, Rational(1)}}, C{{0, Rational(1)}}}, {Rational(1)});
  EXPECT_EQ(lp.minimize({Rational(1), Rational(-1)}).value, Rational(-1));
}

TEST(LinearProgram, BruteForceAgreesOnHandCases) {
  const Matrix a{row({1, 0, 0, Rational(1, 4), -8, -1, 9}), row({0, 1, 0, Rational(1, 2), -12, Rational(-1, 2), 3}),
                 row({0, 0, 1, 0, 0, 1, 0})};
  EXPECT_EQ(brute_minimum(a, {0, 0, 1}, {0, 0, 0, Rational(-3, 4), 20, Rational(-1, 2), 6}).value, Rational(-5, 4));
  EXPECT_EQ(brute_minimum({row({1, -1})}, {1}, {-1, 0}).status, LpResult::Status::unbounded);
  EXPECT_EQ(brute_minimum({row({1, 1})}, {-1}, {1, 1}).status, LpResult::Status::infeasible);
}

TEST(LinearProgramDifferential, RandomLpsMatchBasisEnumeration) {
  Rng rng(1712);
  int optimal = 0, infeasible = 0, unbounded = 0, degenerate = 0, redundant = 0;
  std::size_t fallbacks = 0;
  auto entry = [&](int lo, int hi) {
    if (rng.chance(1, 3)) return Rational(0);
    return Rational(rng.between(lo, hi), rng.between(1, 3));
  };
  for (int k = 0; k < 600; ++k) {
    const int m = rng.between(1, 4);
    const int n = rng.between(std::max(m, 2), 7);
    Matrix a(static_cast<std::size_t>(m), Vector(static_cast<std::size_t>(n)));
    Vector b, c(static_cast<std::size_t>(n));
    for (auto& r : a) {
      for (auto& v : r) v = entry(-3, 3);
    }
    for (auto& v : c) v = entry(-4, 4);
    if (rng.chance(1, 2)) {  // a simplex row keeps the region bounded
      a.emplace_back(static_cast<std::size_t>(n), Rational(1));
    }
    if (rng.chance(3, 4)) {  // b = A q0 for some q0 >= 0 with zeros: feasible, often degenerate
      b.assign(a.size(), Rational(0));
      for (std::size_t j = 0; j < static_cast<std::size_t>(n); ++j) {
        const Rational q0 = rng.chance(1, 2) ? Rational(0) : Rational(rng.between(1, 4), rng.between(1, 2));
        for (std::size_t i = 0; i < a.size(); ++i) b[i] += a[i][j] * q0;
      }
    } else {
      b.resize(a.size());
      for (auto& v : b) v = rng.chance(1, 4) ? Rational(0) : Rational(rng.between(-2, 6));
    }
    if (rng.chance(1, 5)) {  // a dependent row, consistent or (rarely) not
      Vector r(static_cast<std::size_t>(n));
      for (std::size_t j = 0; j < r.size(); ++j) r[j] = a[0][j] + 2 * a.back()[j];
      a.push_back(r);
      b.push_back(Rational(b[0] + 2 * b[b.size() - 1] + (rng.chance(1, 4) ? 1 : 0)));
      ++redundant;
    }
    for (auto& v : b) degenerate += v == 0 ? 1 : 0;
    const bool maximise = rng.chance(1, 2);
    Vector objective = c;
    if (maximise) {
      for (auto& v : objective) v = -v;
    }
    // Even cases pivot by Dantzig's rule switching to Bland's, odd ones by Bland's throughout;
    // every case both ways: in doubles first, certified exactly (the default), and exact alone.
    const LinearProgram lp(a, b, {.bland_after = k % 2 == 0 ? 8 : 0});
    const LinearProgram exact(a, b, {.bland_after = k % 2 == 0 ? 8 : 0, .float_first = false});
    // (The dense form is read into from_columns: these cases check that path against brute force.)
    const LpResult got = maximise ? lp.maximize(c) : lp.minimize(c);
    const LpResult got_exact = maximise ? exact.maximize(c) : exact.minimize(c);
    const LpResult want = brute_minimum(a, b, objective);
    ASSERT_EQ(got.status, want.status) << "case " << k;
    ASSERT_EQ(got_exact.status, want.status) << "case " << k;
    EXPECT_EQ(lp.feasible(), exact.feasible()) << "case " << k;
    EXPECT_EQ(lp.rank(), exact.rank()) << "case " << k;
    fallbacks += lp.fallbacks();
    switch (want.status) {
      case LpResult::Status::optimal:
        ++optimal;
        EXPECT_EQ(got.value, maximise ? Rational(-want.value) : want.value) << "case " << k;
        EXPECT_EQ(got_exact.value, got.value) << "case " << k;
        expect_feasible_optimum(a, b, c, got);
        expect_feasible_optimum(a, b, c, got_exact);
        break;
      case LpResult::Status::infeasible: ++infeasible; break;
      case LpResult::Status::unbounded: ++unbounded; break;
    }
    if (::testing::Test::HasFailure()) return;
  }
  // Every outcome occurs often enough to mean something.
  EXPECT_GT(optimal, 300);
  EXPECT_GT(infeasible, 30);
  EXPECT_GT(unbounded, 30);
  EXPECT_GT(degenerate, 100);
  std::printf("optimal %d, infeasible %d, unbounded %d (zero right-hand sides %d, dependent rows %d); %zu exact fallbacks\n",
              optimal, infeasible, unbounded, degenerate, redundant, fallbacks);
}

}  // namespace
}  // namespace rung
