#include "rung/infer/factor.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace rung {
namespace {

using R = Rational;

TEST(FactorCells, CountsAndRefuses) {
  const std::vector<std::uint32_t> card{2, 3, 4};
  EXPECT_EQ(check_cells(card, 24), 24U);
  EXPECT_EQ(check_cells({}, 1), 1U);
  try {
    (void)check_cells(card, 23);
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "query too large for exact elimination: an intermediate factor over 3 variables would have 24 cells "
                 "(limit 23)");
  }
  // Never overflows: 2^70 cells.
  const std::vector<std::uint32_t> huge(70, 2);
  try {
    (void)check_cells(huge, std::size_t{1} << 24);
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "query too large for exact elimination: an intermediate factor over 70 variables would have "
                 "1180591620717411303424 cells (limit 16777216)");
  }
}

TEST(FactorCells, AHugeCountIsNamedByItsSizeNotItsDigits) {
  // Issue #15, item 22: 2^1,048,596 cells were printed in their 315,660 digits (a 315 KB error)
  // after minutes of multiplying them out.
  const std::vector<std::uint32_t> card(1000000, 2);
  try {
    (void)check_cells(card, 1 << 24);
    FAIL() << "a factor of 2^1000000 cells was accepted";
  } catch (const TooLarge& e) {
    EXPECT_NE(std::string(e.what()).find("over 1000000 variables would have about 10^301029 cells"), std::string::npos)
        << e.what();
    EXPECT_LT(std::string(e.what()).size(), 300U);
  }
  EXPECT_EQ(product_text(std::vector<std::uint64_t>{2, 3, 1000000007}), "6000000042");
  EXPECT_EQ(product_text(std::vector<std::uint64_t>(64, 2)), "18446744073709551616");
  EXPECT_EQ(product_text(std::vector<std::uint64_t>(140, 2)), "about 10^42");
}

TEST(FactorBytes, TheGuardCountsTheDigitsOfTheNumbers) {
  // 2^20 cells fit the default cell limit (2^24); 2^20 cells of 900 bytes (numbers of about
  // 1,000 digits) do not fit the 256 MiB that limit allows for digits.
  EXPECT_EQ(byte_limit(1 << 24), std::size_t{256} << 20);
  EXPECT_NO_THROW(check_bytes(1 << 20, 20, 16, 0, 1 << 24));
  try {
    check_bytes(1 << 20, 20, 900, 0, 1 << 24);
    FAIL() << "900 MiB of numbers were accepted";
  } catch (const TooLarge& e) {
    EXPECT_NE(std::string(e.what()).find("an intermediate factor over 20 variables would hold about 900.0 MiB of "
                                         "numbers (1048576 cells of up to 900 bytes), over the limit of 256.0 MiB"),
              std::string::npos)
        << e.what();
  }
  // What is already held counts: 200 MiB held and 100 MiB more is over.
  EXPECT_NO_THROW(check_bytes(1 << 20, 4, 100, 100 << 20, 1 << 24));
  EXPECT_THROW(check_bytes(1 << 20, 4, 100, 200 << 20, 1 << 24), TooLarge);
}

TEST(FactorRestrict, FixesOneNode) {
  // f(a, b) over a in {0,1}, b in {0,1,2}: value 10a + b.
  Factor<R> f{{3, 7}, {2, 3}, {0, 1, 2, 10, 11, 12}, false};
  const Factor<R> fb = restrict(f, 7, 2);
  EXPECT_EQ(fb.scope, std::vector<NodeId>{3});
  EXPECT_EQ(fb.values, (std::vector<R>{2, 12}));
  const Factor<R> fa = restrict(f, 3, 1);
  EXPECT_EQ(fa.scope, std::vector<NodeId>{7});
  EXPECT_EQ(fa.values, (std::vector<R>{10, 11, 12}));
  EXPECT_EQ(restrict(f, 5, 0), f);
}

TEST(FactorSubstitute, DenseFactor) {
  // g(b, c) = 10b + c; b = not a (a is node 1, b node 2, c node 3).
  Factor<R> g{{2, 3}, {2, 2}, {0, 1, 10, 11}, false};
  FunctionFactor f{2, 2, std::nullopt, {1}, {2}, {1, 0}};
  const Factor<R> r = substitute(g, f, 100);
  EXPECT_EQ(r.scope, (std::vector<NodeId>{1, 3}));
  EXPECT_EQ(r.values, (std::vector<R>{10, 11, 0, 1}));  // a=0 -> b=1
}

TEST(FactorSubstitute, Composition) {
  // g: y = b xor c over (b=2, c=3); f: b = a and c over (a=1, c=3). Result over (a, c).
  FunctionFactor g{5, 2, std::nullopt, {2, 3}, {2, 2}, {0, 1, 1, 0}};
  FunctionFactor f{2, 2, std::nullopt, {1, 3}, {2, 2}, {0, 0, 0, 1}};
  const FunctionFactor r = substitute(g, f, 100);
  EXPECT_EQ(r.out, 5U);
  EXPECT_EQ(r.scope, (std::vector<NodeId>{1, 3}));
  // (a, c): (0,0) -> b=0, y=0; (0,1) -> b=0, y=1; (1,0) -> b=0, y=0; (1,1) -> b=1, y=0.
  EXPECT_EQ(r.values, (std::vector<Value>{0, 1, 0, 0}));
  EXPECT_THROW((void)substitute(g, f, 3), Error);
  FunctionFactor unrelated{9, 2, std::nullopt, {4}, {2}, {0, 1}};
  EXPECT_THROW((void)substitute(g, unrelated, 100), std::logic_error);
}

TEST(FactorSumProduct, PriorThroughFunction) {
  // U (node 0) ~ (1/3, 2/3); X (node 1) = not U.
  Factor<R> prior{{0}, {2}, {R(1, 3), R(2, 3)}, false};
  FunctionFactor x{1, 2, std::nullopt, {0}, {2}, {1, 0}};
  const Factor<R> joint = sum_product<R>({&prior}, {&x}, std::nullopt, 100);
  EXPECT_EQ(joint.scope, (std::vector<NodeId>{0, 1}));
  EXPECT_EQ(joint.values, (std::vector<R>{0, R(1, 3), R(2, 3), 0}));
  const Factor<R> px = sum_product<R>({&prior}, {&x}, NodeId{0}, 100);
  EXPECT_EQ(px.scope, std::vector<NodeId>{1});
  EXPECT_EQ(px.values, (std::vector<R>{R(2, 3), R(1, 3)}));
  EXPECT_FALSE(px.indicator);
  EXPECT_THROW((void)sum_product<R>({&prior}, {&x}, NodeId{1}, 100), std::logic_error);  // substitute instead
  EXPECT_THROW((void)sum_product<R>({&prior}, {&x}, NodeId{9}, 100), std::logic_error);
  EXPECT_THROW((void)sum_product<R>({&prior}, {&x}, std::nullopt, 3), Error);
}

TEST(FactorSumProduct, ObservedFunctionAndIndicators) {
  // U1, U2 (nodes 0, 1) uniform; X = U1 xor U2 observed 0; Y (node 3) = U1 and U2.
  Factor<R> p1{{0}, {2}, {R(1, 2), R(1, 2)}, false};
  Factor<R> p2{{1}, {2}, {R(1, 2), R(1, 2)}, false};
  FunctionFactor x{2, 2, Value{0}, {0, 1}, {2, 2}, {0, 1, 1, 0}};
  FunctionFactor y{3, 2, std::nullopt, {0, 1}, {2, 2}, {0, 0, 0, 1}};
  const Factor<R> j = sum_product<R>({&p1, &p2}, {&x, &y}, std::nullopt, 100);
  EXPECT_EQ(j.scope, (std::vector<NodeId>{0, 1, 3}));
  const Factor<R> a = sum_product<R>({&j}, {}, NodeId{0}, 100);
  const Factor<R> b = sum_product<R>({&a}, {}, NodeId{1}, 100);
  EXPECT_EQ(b.values, (std::vector<R>{R(1, 4), R(1, 4)}));  // P(Y=y, X=0)
  // Functions alone: the count of consistent assignments, flagged as an indicator when 0/1.
  const Factor<R> ind = sum_product<R>({}, {&x}, std::nullopt, 100);
  EXPECT_TRUE(ind.indicator);
  EXPECT_EQ(ind.values, (std::vector<R>{1, 0, 0, 1}));
  const Factor<R> count = sum_product<R>({&ind}, {}, NodeId{0}, 100);
  EXPECT_TRUE(count.indicator);
  const Factor<R> total = sum_product<R>({&count}, {}, NodeId{1}, 100);
  EXPECT_FALSE(total.indicator);
  EXPECT_EQ(total.values, std::vector<R>{2});
}

TEST(FactorSumProduct, Double) {
  Factor<double> prior{{0}, {3}, {0.25, 0.25, 0.5}, false};
  FunctionFactor x{1, 2, std::nullopt, {0}, {3}, {0, 1, 1}};
  const Factor<double> px = sum_product<double>({&prior}, {&x}, NodeId{0}, 100);
  EXPECT_EQ(px.values, (std::vector<double>{0.25, 0.75}));
  const Factor<double> none = sum_product<double>({}, {}, std::nullopt, 100);
  EXPECT_EQ(none.values, std::vector<double>{1.0});
  EXPECT_EQ(substitute(Factor<double>{{1}, {2}, {0.5, 2.0}, false}, x, 100).values,
            (std::vector<double>{0.5, 2.0, 2.0}));
}

}  // namespace
}  // namespace rung
