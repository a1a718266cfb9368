#include "rung/io/json_line.hpp"

#include "rung/core/error.hpp"
#include "rung/core/text.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>
#include <istream>
#include <iterator>
#include <utility>

namespace rung {

namespace {

using Json = nlohmann::ordered_json;

/// dump() of one element, for what is not written here.
std::string dumped(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::strict); }

/// Whether `c` is written as it is: printable ASCII other than '"' and '\\'.
constexpr bool plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

/// Whether the 8 bytes at `p` are all plain (a word at a time: long texts are mostly plain).
bool plain8(const char* p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::uint64_t w = 0;
  std::memcpy(&w, p, sizeof w);
  auto zero_byte = [](std::uint64_t v) { return (v - kOnes) & ~v; };  // high bit set in some byte iff a byte is 0
  // A byte below 0x20 or at/above 0x80, a '"' or a '\\' sets the high bit of some byte.
  return (((w - kOnes * 0x20) | w | zero_byte(w ^ (kOnes * '"')) | zero_byte(w ^ (kOnes * '\\'))) & kHigh) == 0;
}

void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t at = out.size();
  out += '"';
  const char* run = s.data();  // the start of the bytes not yet copied
  const char* const end = s.data() + s.size();
  for (const char* p = run; p != end; ++p) {
    while (end - p >= 8 && plain8(p)) p += 8;
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (plain(c)) continue;
    if (c >= 0x80) {
      out.resize(at);
      out += dumped(Json(std::string(s)));  // UTF-8: nlohmann's checks and copying
      return;
    }
    out.append(run, static_cast<std::size_t>(p - run));
    run = p + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(run, static_cast<std::size_t>(end - run));
  out += '"';
}

}  // namespace

void append_json(std::string& out, const Json& j) { JsonWriter(out).json(j); }

void JsonWriter::separate() {
  if (comma_) out_ += ',';
}

JsonWriter& JsonWriter::open(char bracket) {
  separate();
  out_ += bracket;
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  out_ += bracket;
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_string(out_, name);
  out_ += ':';
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  separate();
  append_string(out_, s);
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(bool b) { return raw(b ? "true" : "false"); }

JsonWriter& JsonWriter::value(std::nullptr_t) { return raw("null"); }

JsonWriter& JsonWriter::raw(std::string_view text) {
  separate();
  out_ += text;
  comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::json(const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      begin_object();
      for (auto it = j.begin(); it != j.end(); ++it) key(it.key()).json(it.value());
      return end_object();
    case Json::value_t::array:
      begin_array();
      for (const auto& element : j) json(element);
      return end_array();
    case Json::value_t::string: return value(std::string_view(j.get_ref<const std::string&>()));
    case Json::value_t::boolean: return value(j.get<bool>());
    case Json::value_t::null: return value(nullptr);
    case Json::value_t::number_integer: return value(j.get<Json::number_integer_t>());
    case Json::value_t::number_unsigned: return value(j.get<Json::number_unsigned_t>());
    default: return raw(dumped(j));  // floating point, binary, discarded
  }
}

void read_json_lines(std::istream& in, const std::string& file,
                     const std::function<void(std::size_t number, std::string_view content)>& line,
                     const std::function<void(std::size_t number, std::string&& text)>& array) {
  std::string text;
  std::size_t number = 0;
  bool first_content = true;
  while (std::getline(in, text)) {
    ++number;
    if (number == 1 && text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
    if (!text.empty() && text.back() == '\r') text.pop_back();
    const std::string_view content = trim(text);
    if (content.empty()) continue;
    if (std::exchange(first_content, false) && content.front() == '[') {
      // A JSON array: the rest of the stream belongs to it.
      text += '\n';
      text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      array(number, std::move(text));
      break;
    }
    line(number, content);
  }
  if (in.bad()) throw Error(fmt::format("{}: read error", file));
}

}  // namespace rung
