#include "rung/scm/labels.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

namespace rung {
namespace {

TEST(Labels, KeepsAnyLabelsInOrder) {
  const std::string long_label(300, 'x');  // a length of two LEB128 bytes
  const std::string with_nul("a\0b", 3);
  Labels in{"0", "", "hi"};
  in.push_back(long_label);
  in.emplace_back(with_nul);
  ASSERT_EQ(in.size(), 5U);
  EXPECT_FALSE(in.empty());
  EXPECT_EQ(in[0], "0");
  EXPECT_EQ(in[1], "");
  EXPECT_EQ(in[2], "hi");
  EXPECT_EQ(in[3], long_label);
  EXPECT_EQ(in[4], with_nul);
  EXPECT_EQ(in.to_vector(), (std::vector<std::string>{"0", "", "hi", long_label, with_nul}));
  std::vector<std::string_view> seen(in.begin(), in.end());
  EXPECT_EQ(seen.size(), 5U);
  EXPECT_EQ(fmt::format("{}", fmt::join(Labels{"a", "b"}, ", ")), "a, b");
}

TEST(Labels, SetEqualityAndConversions) {
  Labels a{"0", "1", "2"};
  a.set(1, "one");
  EXPECT_EQ(a, (Labels{"0", "one", "2"}));
  EXPECT_FALSE(a == (Labels{"0", "on", "e2"}));  // the lengths are part of the list
  EXPECT_EQ(Labels(std::vector<std::string>{"x", "y"}), (Labels{"x", "y"}));
  const Labels none;
  EXPECT_TRUE(none.empty());
  EXPECT_TRUE(none.begin() == none.end());
}

}  // namespace
}  // namespace rung
