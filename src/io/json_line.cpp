#include "rung/io/json_line.hpp"

#include <array>
#include <charconv>

namespace rung {

namespace {

using Json = nlohmann::ordered_json;

/// dump() of one element, for what is not written here.
void append_dumped(std::string& out, const Json& j) {
  out += j.dump(-1, ' ', false, Json::error_handler_t::strict);
}

void append_string(std::string& out, const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t at = out.size();
  out += '"';
  const char* run = s.data();  // the start of the bytes not yet copied
  const char* const end = s.data() + s.size();
  for (const char* p = run; p != end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
    if (c >= 0x80) {
      out.resize(at);
      append_dumped(out, Json(s));  // UTF-8: nlohmann's checks and copying
      return;
    }
    out.append(run, p);
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
  out.append(run, end);
  out += '"';
}

template <class Int>
void append_integer(std::string& out, Int value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

}  // namespace

void append_json(std::string& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        append_string(out, it.key());
        out += ':';
        append_json(out, it.value());
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& value : j) {
        if (!first) out += ',';
        first = false;
        append_json(out, value);
      }
      out += ']';
      return;
    }
    case Json::value_t::string: append_string(out, j.get_ref<const std::string&>()); return;
    case Json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return;
    case Json::value_t::null: out += "null"; return;
    case Json::value_t::number_integer: append_integer(out, j.get<Json::number_integer_t>()); return;
    case Json::value_t::number_unsigned: append_integer(out, j.get<Json::number_unsigned_t>()); return;
    default: append_dumped(out, j); return;  // floating point, binary, discarded
  }
}

}  // namespace rung
