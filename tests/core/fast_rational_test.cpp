#include "rung/core/fast_rational.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

namespace rung {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

/// The value as GMP holds it (the reference for every check), and the representation invariant:
/// small exactly when numerator and denominator fit (numerator not INT64_MIN).
Rational checked(const FastRational& x) {
  const Rational r = x.to_rational();
  const auto* q = r.backend().data();
  const bool fits = mpz_fits_slong_p(mpq_numref(q)) != 0 && mpz_fits_slong_p(mpq_denref(q)) != 0 &&
                    mpz_get_si(mpq_numref(q)) != std::numeric_limits<long>::min();
  EXPECT_EQ(x.is_small(), fits) << r;
  return r;
}

TEST(FastRational, ConstructsReducedFractions) {
  EXPECT_EQ(checked(FastRational(2, 4)), Rational(1, 2));
  EXPECT_EQ(checked(FastRational(3, -6)), Rational(-1, 2));
  EXPECT_EQ(checked(FastRational(-3, -6)), Rational(1, 2));
  EXPECT_EQ(checked(FastRational(0, -7)), Rational(0));
  EXPECT_EQ(FastRational(0, -7), FastRational(0));
  EXPECT_EQ(checked(FastRational(kMin)), Rational(kMin));
  EXPECT_FALSE(FastRational(kMin).is_small());
  EXPECT_EQ(checked(FastRational(kMin, 2)), Rational(kMin / 2));
  EXPECT_TRUE(FastRational(kMin, 2).is_small());
  EXPECT_EQ(checked(FastRational(1, kMin)), Rational(Rational(1) / Rational(kMin)));
  EXPECT_EQ(FastRational(1, kMin).sign(), -1);
  EXPECT_EQ(checked(FastRational(kMin, kMin)), Rational(1));
  EXPECT_TRUE(FastRational(kMin, kMin).is_small());
  EXPECT_EQ(checked(FastRational(3, kMin)), Rational(Rational(3) / Rational(kMin)));
  EXPECT_EQ(checked(FastRational(kMax, kMax - 1)), Rational(kMax, kMax - 1));
  EXPECT_EQ(checked(FastRational(Rational(kMax) * 4)), Rational(kMax) * 4);
  EXPECT_EQ(checked(FastRational(Rational(6, 8))), Rational(3, 4));
  EXPECT_TRUE(FastRational(Rational(6, 8)).is_small());
  EXPECT_TRUE(FastRational().is_zero());
  EXPECT_TRUE(FastRational(1).is_one());
  EXPECT_FALSE(FastRational(1, 2).is_one());
}

TEST(FastRational, DivisionByZeroThrowsAsMpqDoes) {
  FastRational x(1, 3);
  EXPECT_THROW(x /= FastRational(0), std::overflow_error);
  EXPECT_EQ(x, FastRational(1, 3));  // unchanged
  EXPECT_THROW((void)FastRational(1, 0), std::overflow_error);
  FastRational big(Rational(kMax) * kMax);
  EXPECT_THROW(big /= FastRational(0), std::overflow_error);
  Rational r(1, 3);
  EXPECT_THROW(r /= Rational(0), std::overflow_error);  // the behaviour FastRational copies
}

TEST(FastRational, SignsAndZero) {
  EXPECT_EQ(FastRational(-2, 3).sign(), -1);
  EXPECT_EQ(FastRational(0).sign(), 0);
  EXPECT_EQ(FastRational(2, 3).sign(), 1);
  EXPECT_EQ(FastRational(Rational(kMin) * 3).sign(), -1);
  EXPECT_EQ(checked(-FastRational(2, 3)), Rational(-2, 3));
  EXPECT_EQ(checked(-FastRational(kMin)), Rational(kMax) + 1);
  EXPECT_EQ(checked(-FastRational(kMax)), Rational(-kMax));
  EXPECT_TRUE((-FastRational(kMax)).is_small());
  EXPECT_TRUE((-(-FastRational(kMin))).is_small() == false);
  EXPECT_TRUE(is_zero(FastRational(1, 2) - FastRational(2, 4)));
  EXPECT_TRUE((FastRational(1, 2) - FastRational(2, 4)).is_small());
  EXPECT_EQ(FastRational(5) * FastRational(0), FastRational(0));
  EXPECT_EQ(FastRational(0) / FastRational(-5), FastRational(0));
  EXPECT_EQ(FastRational(0, 5) <=> FastRational(0, -3), std::strong_ordering::equal);
}

TEST(FastRational, OverflowFallsBackToGmpAndBack) {
  FastRational x(kMax);
  x += FastRational(1);  // 2^63: big
  EXPECT_FALSE(x.is_small());
  EXPECT_EQ(checked(x), Rational(kMax) + 1);
  x -= FastRational(1);  // back to small
  EXPECT_TRUE(x.is_small());
  EXPECT_EQ(x, FastRational(kMax));
  FastRational y(-kMax);
  y -= FastRational(1);  // INT64_MIN itself is held by GMP
  EXPECT_FALSE(y.is_small());
  EXPECT_EQ(checked(y), Rational(kMin));
  // Large coprime denominators: the sum's denominator does not fit.
  FastRational a(1, kMax);
  const FastRational b(1, kMax - 1);
  a += b;
  EXPECT_EQ(checked(a), Rational(1, kMax) + Rational(1, kMax - 1));
  EXPECT_FALSE(a.is_small());
  a -= b;
  EXPECT_EQ(checked(a), Rational(1, kMax));
  EXPECT_TRUE(a.is_small());
  // A sum over a common denominator that overflows before reduction but fits after.
  // kMax = 2^63 - 1 is 1 modulo 3, so kMax/3 + (kMax - 2)/3 = (2 kMax - 2)/3.
  const FastRational c(kMax, 3);
  const FastRational d(kMax - 2, 3);
  const FastRational e = c + d;
  EXPECT_EQ(checked(e), Rational(kMax, 3) + Rational(kMax - 2, 3));
  EXPECT_TRUE(e.is_small());
  // Products: cross reduction keeps them small.
  FastRational p(kMax, 3);
  p *= FastRational(3, kMax);
  EXPECT_EQ(p, FastRational(1));
  EXPECT_TRUE(p.is_small());
  FastRational q(kMax, 2);
  q *= FastRational(kMax, 5);
  EXPECT_EQ(checked(q), Rational(kMax, 2) * Rational(kMax, 5));
  EXPECT_FALSE(q.is_small());
  q /= FastRational(kMax, 7);  // 7 kMax / 10: still too large
  EXPECT_EQ(checked(q), Rational(kMax, 2) * Rational(kMax, 5) / Rational(kMax, 7));
  EXPECT_FALSE(q.is_small());
  q /= FastRational(-7);
  EXPECT_EQ(checked(q), Rational(-kMax, 10));
  EXPECT_TRUE(q.is_small());
}

TEST(FastRational, ComparesLikeMpq) {
  EXPECT_LT(FastRational(1, 3), FastRational(1, 2));
  EXPECT_GT(FastRational(-1, 3), FastRational(-1, 2));
  EXPECT_LT(FastRational(kMax - 1, kMax), FastRational(kMax, kMax - 1));
  EXPECT_LT(FastRational(kMax - 2, kMax - 1), FastRational(kMax - 1, kMax));
  EXPECT_LT(FastRational(kMin), FastRational(-kMax));
  EXPECT_GT(FastRational(Rational(kMax) * kMax), FastRational(kMax));
  EXPECT_NE(FastRational(Rational(kMax) * kMax), FastRational(kMax));
  EXPECT_EQ(FastRational(Rational(kMax) * kMax), FastRational(Rational(kMax) * kMax));
}

TEST(FastRational, CopiesAndMovesKeepTheValue) {
  const FastRational big(Rational(kMax) * 3);
  FastRational a = big;
  EXPECT_EQ(a, big);
  FastRational b(1, 2);
  b = big;
  EXPECT_EQ(checked(b), Rational(kMax) * 3);
  b = FastRational(1, 2);
  EXPECT_TRUE(b.is_small());
  EXPECT_EQ(checked(b), Rational(1, 2));
  FastRational c(std::move(a));
  EXPECT_EQ(checked(c), Rational(kMax) * 3);
  b = c;
  b = b;  // self-assignment
  EXPECT_EQ(checked(b), Rational(kMax) * 3);
}

/// Integers drawn to exercise every path: tiny ones, powers of two, and ones near the 64-bit
/// boundary (so that sums, products and cross products overflow, or just fit).
std::int64_t draw(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return static_cast<std::int64_t>(rng() % 7) - 3;
    case 1: return static_cast<std::int64_t>(rng() % 1000) + 1;
    case 2: return std::int64_t{1} << (rng() % 63);
    case 3: return kMax - static_cast<std::int64_t>(rng() % 5);
    case 4: return static_cast<std::int64_t>(rng() >> (rng() % 64));  // any size, non-negative
    default: return (kMax / (2 + static_cast<std::int64_t>(rng() % 9))) | 1;
  }
}

FastRational value(std::mt19937_64& rng, Rational& exact) {
  std::int64_t num = draw(rng);
  if (rng() % 2 == 0) num = -num;
  std::int64_t den = draw(rng);
  if (den == 0) den = 1;
  if (rng() % 4 == 0) den = -den;
  if (rng() % 10 == 0) {  // a value only GMP can hold
    exact = Rational(num) * kMax * 5 / Rational(den);
    return FastRational(exact);
  }
  exact = Rational(num) / Rational(den);
  return FastRational(num, den);
}

TEST(FastRational, RandomOperationsAgreeWithMpq) {
  std::mt19937_64 rng(20261125);
  for (int round = 0; round < 200000; ++round) {
    Rational ea;
    Rational eb;
    FastRational a = value(rng, ea);
    const FastRational b = value(rng, eb);
    ASSERT_EQ(checked(a), ea);
    ASSERT_EQ(checked(b), eb);
    ASSERT_EQ(a == b, ea == eb);
    ASSERT_EQ(a < b, ea < eb) << ea << " " << eb;
    ASSERT_EQ(a.sign(), ea.sign());
    // A chain of operations on the accumulator, as the solver does.
    for (int step = 0; step < 4; ++step) {
      switch (rng() % 4) {
        case 0: a += b; ea += eb; break;
        case 1: a -= b; ea -= eb; break;
        case 2: a *= b; ea *= eb; break;
        default:
          if (eb.is_zero()) {
            EXPECT_THROW(a /= b, std::overflow_error);
          } else {
            a /= b;
            ea /= eb;
          }
      }
      ASSERT_EQ(checked(a), ea) << "round " << round << " step " << step;
    }
    ASSERT_EQ(checked(-a), Rational(-ea));
    ASSERT_EQ(a <=> b, ea < eb ? std::strong_ordering::less
                                : (ea > eb ? std::strong_ordering::greater : std::strong_ordering::equal));
  }
}

TEST(FastRational, SumsOfProbabilitiesStaySmall) {
  // Products of small priors summed cell by cell, as variable elimination does.
  std::mt19937_64 rng(7);
  FastRational total;
  Rational exact;
  for (int i = 0; i < 10000; ++i) {
    const auto n = static_cast<std::int64_t>(rng() % 9 + 1);
    const auto d = static_cast<std::int64_t>(10 + rng() % 30);
    FastRational p(n, d);
    p *= FastRational(1, 2);
    total += p;
    exact += Rational(n, d) / 2;
    ASSERT_EQ(checked(total), exact);
  }
}

}  // namespace
}  // namespace rung
