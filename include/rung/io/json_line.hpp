#pragma once
/// \file
/// Compact JSON text, fast: the bytes of `j.dump(-1, ' ', false, strict)` (nlohmann's compact
/// form, UTF-8 passed through, invalid UTF-8 refused), appended to a string. Datasets are written
/// with it, one record a line.
///
///     std::string line;
///     rung::append_json(line, record);   // == record.dump(-1, ' ', false, strict)
///
///     rung::JsonWriter w(line);          // the same bytes, written without building a tree
///     w.begin_object().key("id").value("a-1").key("n").value(3).end_object();   // {"id":"a-1","n":3}
///
/// ASCII strings, integers, booleans, null, arrays and objects are written here; a string with
/// non-ASCII bytes and a floating-point number are written by nlohmann itself (so its UTF-8
/// checks and number formatting apply unchanged). Throws what dump() throws.

#include "rung/core/json.hpp"
#include <nlohmann/json.hpp>

#include <array>
#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace rung {

void append_json(std::string& out, const rung::ordered_json& j);

/// Streams compact JSON into a string, in the order of the calls: separators are placed
/// automatically, keys are written as given (a caller that reproduces an `nlohmann::json`, a
/// std::map, writes its keys in alphabetical order). The caller keeps objects and arrays
/// balanced and gives every value in an object a key first.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) noexcept : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(bool b);
  JsonWriter& value(std::nullptr_t);
  template <std::integral Int>
    requires(!std::same_as<Int, bool>)
  JsonWriter& value(Int i) {
    std::array<char, 24> digits{};  // enough for any 64-bit integer
    const char* end = std::to_chars(digits.data(), digits.data() + digits.size(), i).ptr;
    return raw(std::string_view(digits.data(), static_cast<std::size_t>(end - digits.data())));
  }
  /// A tree, as append_json writes it.
  JsonWriter& json(const rung::ordered_json& j);
  /// Text that is already compact JSON (e.g. written once by another JsonWriter and kept).
  JsonWriter& raw(std::string_view text);

  /// An array of strings.
  template <class Strings>
  JsonWriter& strings(const Strings& list) {
    begin_array();
    for (const auto& s : list) value(std::string_view(s));
    return end_array();
  }

 private:
  std::string& out_;
  bool comma_ = false;  // a value was written at this level: the next one needs a ','

  void separate();
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
};

/// The tree of what `write(JsonWriter&)` writes: one definition of a JSON form serves both the
/// text of dataset records and callers that want a tree (parsing gives an `nlohmann::json`'s
/// alphabetical keys, or an `ordered_json`'s written order).
template <class Json = rung::ordered_json, class Write>
[[nodiscard]] Json written_json(Write&& write) {
  std::string text;
  JsonWriter w(text);
  write(w);
  return Json::parse(text);
}

/// Reads a JSON-lines stream: calls `line(number, content)` for each non-blank line (trimmed; a
/// leading UTF-8 byte-order mark and CR line ends removed). When the first content starts with
/// `[`, the stream is a JSON array instead: `array(number, text)` gets the rest of the stream from
/// that line on, and reading stops. A line longer than kMaxLineBytes (rung/io/input_file.hpp)
/// throws rung::Error("FILE:LINE: line longer than ..."), as does a stream that fails
/// ("FILE: cannot read"); an InputFile's own errors propagate unchanged.
void read_json_lines(std::istream& in, const std::string& file,
                     const std::function<void(std::size_t number, std::string_view content)>& line,
                     const std::function<void(std::size_t number, std::string&& text)>& array);

}  // namespace rung
