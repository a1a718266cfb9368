#include "rung/core/json.hpp"
#include "rung/core/text.hpp"
#include "rung/io/json_fields.hpp"
#include "rung/io/json_line.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace rung {
namespace {

TEST(Text, TrimLowerAndOneLine) {
  EXPECT_EQ(trim(" \t yes \r\n"), "yes");
  EXPECT_EQ(lower("Yes, NO"), "yes, no");
  EXPECT_EQ(one_line("a\nb\r\nc\x01\x7F\xC3\xA9\xFF"), "a; b; c??\xC3\xA9?");
}

TEST(Text, PrintableUtf8Length) {
  EXPECT_EQ(printable_utf8_length("a", 0), 1U);
  EXPECT_EQ(printable_utf8_length("\t", 0), 1U);
  EXPECT_EQ(printable_utf8_length("\x01", 0), 0U);
  EXPECT_EQ(printable_utf8_length("\x7F", 0), 0U);
  EXPECT_EQ(printable_utf8_length("x\xC3\xA9", 1), 2U);
  EXPECT_EQ(printable_utf8_length("\xE2\x82\xAC", 0), 3U);      // the euro sign
  EXPECT_EQ(printable_utf8_length("\xF0\x9F\x98\x80", 0), 4U);  // an emoji
  EXPECT_EQ(printable_utf8_length("\xE2\x82", 0), 0U);           // truncated
  EXPECT_EQ(printable_utf8_length("\xC3(", 0), 0U);               // bad continuation
  EXPECT_EQ(printable_utf8_length("\xFF", 0), 0U);
}

TEST(Text, NaturalOrderPutsNumbersInOrderAndPlaceholdersLast) {
  std::vector<std::string> v{"(none)", "graph10", "graph5", "b", "a2", "a10", "007", "8"};
  std::sort(v.begin(), v.end(), natural_less);
  EXPECT_EQ(v, (std::vector<std::string>{"007", "8", "a2", "a10", "b", "graph5", "graph10", "(none)"}));
}

TEST(Text, AlignedTablePadsByCodePoints) {
  EXPECT_EQ(aligned_table({{"name", "n"}, {"\xC3\xA9t\xC3\xA9", "12"}, {"x", "3"}}, "lr"),
            "  name   n\n  \xC3\xA9t\xC3\xA9   12\n  x      3\n");
}

TEST(JsonFields, MemberScalarTextAndValue) {
  const auto j = rung::ordered_json::parse(R"({"id": 7, "flag": true, "none": null, "s": "x", "o": {}})");
  EXPECT_EQ(member(j, "none"), nullptr);
  EXPECT_EQ(scalar_text(member(j, "id")), "7");
  EXPECT_EQ(scalar_text(member(j, "flag")), "true");
  EXPECT_EQ(scalar_text(member(j, "s")), "x");
  EXPECT_EQ(scalar_text(member(j, "o")), std::nullopt);
  EXPECT_EQ(value_json(Rational(7, 20)).dump(), R"({"fraction":"7/20","decimal":"0.35"})");
  std::string text;
  JsonWriter w(text);
  write_value_json(w, Rational(-1, 3));
  EXPECT_EQ(text, R"({"fraction":"-1/3","decimal":"-0.333333"})");
}

TEST(ForTerminal, EscapesControlBytesAndCutsLongLines) {
  EXPECT_EQ(for_terminal("plain, tab\tand\nline"), "plain, tab\tand\nline");
  static constexpr char kHostile[] = "esc \x1b[31mred\x1b[0m nul \0 del \x7f bad \xff";
  EXPECT_EQ(for_terminal(std::string(kHostile, sizeof kHostile - 1)),
            "esc \\x1b[31mred\\x1b[0m nul \\x00 del \\x7f bad \\xff");
  EXPECT_EQ(for_terminal("h\xC3\xA9 \xE2\x86\x92"), "h\xC3\xA9 \xE2\x86\x92");  // UTF-8 stays
  const std::string name(60000, 'N');
  const std::string cut = for_terminal("unknown name '" + name + "'\nnext line", 1000);
  EXPECT_LT(cut.size(), 1100U);
  EXPECT_NE(cut.find("unknown name 'NNN"), std::string::npos);
  EXPECT_NE(cut.find(" bytes cut ...] NNN"), std::string::npos);
  EXPECT_TRUE(cut.ends_with("NNN'\nnext line"));
  // A cut never splits a UTF-8 character.
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xC3\xA9";
  const std::string a = for_terminal(accents, 100);
  EXPECT_EQ(for_terminal(a), a);  // still valid UTF-8: nothing more to escape
}

TEST(Fnv1a64, KnownValues) {
  // The published FNV-1a 64 test vectors (offset basis for the empty string).
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace rung
