#include "rung/io/json_line.hpp"

#include <gtest/gtest.h>

#include <string>

namespace rung {
namespace {

using Json = nlohmann::ordered_json;

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

TEST(JsonLine, InvalidUtf8IsRefusedAsDumpRefusesIt) {
  Json j = {{"bad", "abc\xff"}};
  EXPECT_THROW(dumped(j), Json::type_error);
  std::string out;
  EXPECT_THROW(append_json(out, j), Json::type_error);
}

}  // namespace
}  // namespace rung
