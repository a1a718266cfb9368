#include "rung/core/rational.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace rung
