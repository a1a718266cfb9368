#include "rung/io/json_line.hpp"
#include "rung/core/json.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace rung {
namespace {

using Json = rung::ordered_json;

std::string dumped(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::strict); }

std::string appended(const Json& j) {
  std::string out = "prefix ";
  append_json(out, j);
  return out.substr(7);
}

TEST(JsonLine, SameBytesAsDump) {
  Json j;
  j["id"] = "counterbench-s1-0";
  j["text"] = "line\nbreak \"quoted\" back\\slash\ttab \b\f\r \x01\x1f\x7f / end";
  j["unicode"] = "caf\xc3\xa9 \xe2\x86\x92 done";
  j["ints"] = {0, -1, 42, -9223372036854775807LL - 1};
  j["unsigned"] = 18446744073709551615ULL;
  j["floats"] = {0.5, 1e-7, -3.0, 123456.789};
  j["flags"] = {true, false, nullptr};
  j["empty"] = {{"object", Json::object()}, {"array", Json::array()}, {"string", ""}};
  j["nested"] = {{"z", {{"b", 1}, {"a", {1, {{"k", "v"}}}}}}, {"\x02key\"", "v"}};
  EXPECT_EQ(appended(j), dumped(j));
  for (const auto& [key, value] : j.items()) EXPECT_EQ(appended(value), dumped(value)) << key;
}

TEST(JsonLine, EscapesAtEveryOffsetOfLongStrings) {
  // Plain runs are skipped 8 bytes at a time: put each special byte at every offset.
  for (const char special : {'"', '\\', '\n', '\x01', '\x1f', '\x7f', ' ', '~'}) {
    for (std::size_t at = 0; at < 40; ++at) {
      std::string text(40, 'a');
      text[at] = special;
      EXPECT_EQ(appended(Json(text)), dumped(Json(text))) << at;
      EXPECT_EQ(appended(Json(text.substr(0, at + 1))), dumped(Json(text.substr(0, at + 1)))) << at;
    }
  }
  const std::string utf8 = std::string(17, 'a') + "caf\xc3\xa9";
  EXPECT_EQ(appended(Json(utf8)), dumped(Json(utf8)));
}

TEST(JsonLine, RandomStringsAsDumpWritesThem) {
  // The plain test reads 16- and 8-byte blocks (overlapping ones for short strings and tails)
  // and strings up to 120 bytes are quoted on the stack: strings of every length up to 40, and
  // some up to 200, built from plain bytes, every kind of escaped byte, valid UTF-8 and invalid
  // bytes, compared with nlohmann's dump as a value and as a key.
  const std::vector<std::string> pieces = {"a", "Z", " ", "~", "/", "\x7f", "\"", "\\", "\n", "\t", "\b",
                                           "\f", "\r", std::string(1, '\0'), "\x01", "\x1f", "\xc3\xa9",
                                           "\xe2\x86\x92", "\xff"};
  std::uint64_t state = 12345;
  auto next = [&state] {  // a fixed LCG: the same strings on every run
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>(state >> 33);
  };
  for (int round = 0; round < 4000; ++round) {
    const std::size_t length = next() % (round % 4 == 1 ? 201 : 41);
    const bool mostly_plain = round % 2 == 0;  // exercise the fast path and its last word often
    std::string text;
    while (text.size() < length) {
      const std::size_t k = next() % (mostly_plain ? 60 : pieces.size());
      text += k < pieces.size() ? pieces[k] : std::string(1, static_cast<char>('a' + k % 26));
    }
    const Json value(text);
    const Json object = {{text, 1}};
    std::string expected_value;
    std::string expected_object;
    try {
      expected_value = dumped(value);
      expected_object = dumped(object);
    } catch (const Json::type_error&) {
      EXPECT_THROW((void)appended(value), Json::type_error);
      continue;
    }
    EXPECT_EQ(appended(value), expected_value) << round;
    EXPECT_EQ(appended(object), expected_object) << round;
  }
}

TEST(JsonLine, InvalidUtf8IsRefusedAsDumpRefusesIt) {
  Json j = {{"bad", "abc\xff"}};
  EXPECT_THROW(dumped(j), Json::type_error);
  std::string out;
  EXPECT_THROW(append_json(out, j), Json::type_error);
}

TEST(JsonWriter, StreamsTheBytesOfDump) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("id").value("a-1");           // a string literal, not a bool
  w.key("text").value(std::string("tab\t \"q\" caf\xc3\xa9"));
  w.key("n").value(-3).key("u").value(std::uint64_t{18446744073709551615ULL});
  w.key("flags").begin_array().value(true).value(false).value(nullptr).end_array();
  w.key("empty").begin_object().end_object();
  w.key("list").strings(std::vector<std::string>{"x", "y"});
  w.key("tree").json(Json{{"b", 1}, {"a", {0.5, Json::array()}}});
  w.key("raw").raw(R"({"k":[1]})");
  w.end_object();
  Json expected;
  expected["id"] = "a-1";
  expected["text"] = "tab\t \"q\" caf\xc3\xa9";
  expected["n"] = -3;
  expected["u"] = 18446744073709551615ULL;
  expected["flags"] = {true, false, nullptr};
  expected["empty"] = Json::object();
  expected["list"] = {"x", "y"};
  expected["tree"] = {{"b", 1}, {"a", {0.5, Json::array()}}};
  expected["raw"] = {{"k", {1}}};
  EXPECT_EQ(out, dumped(expected));
}

TEST(JsonWriter, WrittenJsonParsesWhatIsWritten) {
  auto write = [](JsonWriter& w) { w.begin_object().key("z").value(1).key("a").value("x").end_object(); };
  EXPECT_EQ(written_json(write).dump(), R"({"z":1,"a":"x"})");                 // ordered_json: as written
  EXPECT_EQ(written_json<nlohmann::json>(write).dump(), R"({"a":"x","z":1})");  // json: alphabetical
}

TEST(ReadJsonLines, LinesTrimmedBlankSkippedByteOrderMarkAndCarriageReturnsRemoved) {
  std::istringstream in("\xEF\xBB\xBF{\"a\":1}\r\n\n  \t\n {\"b\":2} \n");
  std::vector<std::pair<std::size_t, std::string>> seen;
  read_json_lines(
      in, "f", [&](std::size_t n, std::string_view text) { seen.emplace_back(n, std::string(text)); },
      [&](std::size_t, std::string&&) { ADD_FAILURE() << "not an array"; });
  const std::vector<std::pair<std::size_t, std::string>> expected{{1, "{\"a\":1}"}, {4, "{\"b\":2}"}};
  EXPECT_EQ(seen, expected);
}

TEST(ReadJsonLines, AnArrayGetsTheRestOfTheStreamFromItsLine) {
  std::istringstream in("\n[\n {\"a\":1},\n {\"b\":2}\n]\n");
  std::size_t at = 0;
  std::string text;
  read_json_lines(
      in, "f", [&](std::size_t, std::string_view) { ADD_FAILURE() << "not lines"; },
      [&](std::size_t n, std::string&& rest) {
        at = n;
        text = std::move(rest);
      });
  EXPECT_EQ(at, 2U);
  EXPECT_EQ(text, "[\n {\"a\":1},\n {\"b\":2}\n]\n");
}

}  // namespace
}  // namespace rung
