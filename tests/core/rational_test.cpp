#include "rung/core/rational.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rung {
namespace {

TEST(Rational, ParsesFractionsAndDecimals) {
  EXPECT_EQ(parse_rational("7/20"), Rational(7, 20));
  EXPECT_EQ(parse_rational("0.35"), Rational(7, 20));
  EXPECT_EQ(parse_rational(".5"), Rational(1, 2));
  EXPECT_EQ(parse_rational("3"), Rational(3));
  EXPECT_EQ(parse_rational("-1/2"), Rational(-1, 2));
  EXPECT_EQ(parse_rational("2/4"), Rational(1, 2));
  EXPECT_EQ(parse_rational("0.000001"), Rational(1, 1000000));
  // Leading zeros are decimal, never octal (GMP's base detection would read "010" as 8).
  EXPECT_EQ(parse_rational("0.010"), Rational(1, 100));
  EXPECT_EQ(parse_rational("010/100"), Rational(1, 10));
  EXPECT_EQ(parse_rational("0.08"), Rational(2, 25));
  EXPECT_EQ(parse_rational("09"), Rational(9));
  EXPECT_EQ(parse_rational("000"), Rational(0));
}

TEST(Rational, RejectsMalformedNumbers) {
  for (const char* bad : {"", "1/0", "1.2.3", "abc", "1/", "/2", "1e-3", " 1", "1 ", "0x10", "1/-2", "-", "."}) {
    EXPECT_FALSE(try_parse_rational(bad).has_value()) << bad;
  }
  EXPECT_THROW((void)parse_rational("1/0"), Error);
}

TEST(Rational, ParsesAndPrintsIntervals) {
  const auto i = try_parse_interval(" [-0.3, 9/20] ");
  ASSERT_TRUE(i);
  EXPECT_EQ(i->first, Rational(-3, 10));
  EXPECT_EQ(i->second, Rational(9, 20));
  EXPECT_EQ(interval_string(i->first, i->second), "[-3/10, 9/20]");
  EXPECT_TRUE(try_parse_interval("[1/2,1/2]"));
  for (const char* bad : {"[1/2, 1/4]", "[a, 1]", "[1, 2", "1, 2]", "[1 2]", "[]", "[1, 2, 3]", "(1, 2)"}) {
    EXPECT_FALSE(try_parse_interval(bad)) << bad;
  }
}

// to_double takes a short path for fractions of at most 53-bit terms: it must give the double
// Boost's conversion gives (the nearest, ties to even), on both sides of the 53-bit edge.
TEST(Rational, ToDoubleIsTheNearestDouble) {
  std::uint64_t state = 12345;
  auto next = [&] {  // splitmix64
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31U);
  };
  for (int i = 0; i < 200000; ++i) {
    const unsigned num_bits = 1 + static_cast<unsigned>(next() % 60);
    const unsigned den_bits = 1 + static_cast<unsigned>(next() % 60);
    const auto num = static_cast<std::int64_t>(next() >> (64U - num_bits));
    const auto den = static_cast<std::int64_t>((next() >> (64U - den_bits)) | 1U);
    const Rational r = Rational(i % 2 == 0 ? num : -num) / Rational(den);
    ASSERT_EQ(to_double(r), r.convert_to<double>()) << to_string(r);
  }
  EXPECT_EQ(to_double(Rational(0)), 0.0);
  EXPECT_EQ(to_double(Rational(1, 3)), 1.0 / 3.0);
  EXPECT_EQ(to_double(Rational(-7, 20)), -0.35);
  // 2^53 + 1 needs 54 bits: the general path.
  EXPECT_EQ(to_double(Rational((std::int64_t{1} << 53) + 1)), 9007199254740992.0);
}

TEST(Rational, PrintsReducedFractions) {
  EXPECT_EQ(to_string(Rational(14, 40)), "7/20");
  EXPECT_EQ(to_string(Rational(0)), "0");
  EXPECT_EQ(to_string(Rational(1)), "1");
  EXPECT_EQ(to_string(Rational(-1, 3)), "-1/3");
}

TEST(Rational, PrintsRoundedDecimals) {
  EXPECT_EQ(to_decimal(Rational(7, 20)), "0.35");
  EXPECT_EQ(to_decimal(Rational(1, 3)), "0.333333");
  EXPECT_EQ(to_decimal(Rational(2, 3)), "0.666667");
  EXPECT_EQ(to_decimal(Rational(2, 3), 2), "0.67");
  EXPECT_EQ(to_decimal(Rational(1)), "1");
  EXPECT_EQ(to_decimal(Rational(0)), "0");
  EXPECT_EQ(to_decimal(Rational(-1, 8), 2), "-0.13");
  EXPECT_EQ(to_decimal(Rational(-1, 1000), 2), "0");
  EXPECT_EQ(to_decimal(Rational(999999, 1000000), 3), "1");
}

/// to_decimal's general path (GMP integers throughout), as the reference for its 64-bit fast path.
std::string reference_decimal(const Rational& value, int digits) {
  using Integer = boost::multiprecision::mpz_int;
  Integer num = boost::multiprecision::numerator(value);
  const Integer den = boost::multiprecision::denominator(value);
  const bool negative = num < 0;
  if (negative) num = -num;
  const Integer scale = boost::multiprecision::pow(Integer(10), static_cast<unsigned>(digits));
  const Integer scaled = (num * scale * 2 + den) / (den * 2);
  std::string out = negative && scaled != 0 ? "-" : "";
  out += Integer(scaled / scale).str();
  if (scaled % scale != 0) {
    std::string f = Integer(scaled % scale).str();
    f.insert(0, static_cast<std::size_t>(digits) - f.size(), '0');
    while (f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}

TEST(Rational, SmallAndLargeValuesPrintAlike) {
  const Rational big(boost::multiprecision::pow(boost::multiprecision::mpz_int(2), 70));
  std::vector<Rational> values{Rational(0), Rational(1), Rational(-1), Rational(1, 3), Rational(-2, 3), Rational(1, 2000000),
                               Rational(-1, 2000000), Rational(1, 1999999), Rational(999999, 1000000),
                               Rational(9999995, 10000000), Rational(INT64_MAX), Rational(INT64_MIN),
                               Rational(INT64_MAX, INT64_MAX - 2), Rational(-3, INT64_MAX), big, -big, 1 / big, big / 3};
  for (std::int64_t a = -40; a <= 40; a += 3) {
    for (std::int64_t b = 1; b <= 60; b += 7) values.emplace_back(a, b);
  }
  for (const Rational& v : values) {
    EXPECT_EQ(to_string(v), v.str());
    for (int digits : {0, 1, 6, 18}) EXPECT_EQ(to_decimal(v, digits), reference_decimal(v, digits)) << v.str() << " " << digits;
  }
  EXPECT_EQ(to_string(Rational(-7, 20)), "-7/20");
  EXPECT_EQ(to_decimal(Rational(-7, 20), 6), "-0.35");
  EXPECT_EQ(to_decimal(Rational(-1, 3000000), 6), "0");
}

}  // namespace
}  // namespace rung
