#include "rung/scm/domain.hpp"

#include "rung/core/error.hpp"

#include <gtest/gtest.h>

namespace rung {
namespace {

TEST(Domain, DefaultIsBoolean) {
  Domain d;
  EXPECT_TRUE(d.is_boolean());
  EXPECT_EQ(d, Domain::boolean());
  EXPECT_EQ(d.to_string(), "{0, 1}");
}

TEST(Domain, LooksUpLabels) {
  Domain w({"lo", "mid", "hi"});
  EXPECT_EQ(w.size(), 3U);
  EXPECT_EQ(w.index_of("hi"), Value{2});
  EXPECT_FALSE(w.index_of("HI").has_value());
  EXPECT_EQ(w.label(1), "mid");
  EXPECT_FALSE(w.is_boolean());
  EXPECT_FALSE(Domain({"1", "0"}).is_boolean());
}

TEST(Domain, RejectsBadLabels) {
  auto message = [](std::vector<std::string> labels) {
    try {
      Domain d(std::move(labels));
    } catch (const InvalidModel& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({}), "empty domain: a domain needs at least one value");
  EXPECT_EQ(message({"a", "b", "a"}), "duplicate domain value 'a'");
  EXPECT_EQ(message({"a\tb"}), "invalid domain value \"a\tb\": control character 0x09");
  EXPECT_EQ(message({""}), "invalid domain value '': a value needs at least one character");
  EXPECT_EQ(message({"lo", "xor"}), "'xor' is a reserved word and cannot be a domain value");
}

TEST(Domain, LabelsThatAreNotNamesAreQuotedInText) {
  const Domain d({"<7.5", ">=7.5", "Transp.", "Asy/Patch", "a b", "say \"hi\"", "plain_1"});
  EXPECT_EQ(d.to_string(), R"({"<7.5", ">=7.5", "Transp.", "Asy/Patch", "a b", "say \"hi\"", plain_1})");
  EXPECT_EQ(write_label("back\\slash"), R"("back\\slash")");
  for (const auto& label : d.labels()) {
    const std::string written = write_label(label);
    std::string read;
    if (is_plain_label(label)) {
      EXPECT_EQ(written, label);
      continue;
    }
    EXPECT_EQ(read_quoted_label(written + " rest", 0, read), written.size()) << written;
    EXPECT_EQ(read, label);
  }
  std::string out;
  EXPECT_EQ(read_quoted_label(R"("open)", 0, out), 0U);
  EXPECT_EQ(read_quoted_label(R"("bad \x escape")", 0, out), 0U);
  EXPECT_EQ(read_quoted_label("\"tab\there\"", 0, out), 0U);
}

TEST(Domain, NamesAndReservedWords) {
  EXPECT_TRUE(is_valid_name("U_X2"));
  EXPECT_FALSE(is_valid_name(""));
  EXPECT_FALSE(is_valid_name("a b"));
  EXPECT_FALSE(is_valid_name("é"));
  EXPECT_TRUE(is_reserved_word("table"));
  EXPECT_TRUE(is_reserved_word("true"));
  EXPECT_FALSE(is_reserved_word("Table"));
  EXPECT_TRUE(is_expression_keyword("then"));
  EXPECT_FALSE(is_expression_keyword("true"));
}

}  // namespace
}  // namespace rung
