#include "rung/io/json_line.hpp"

#include "rung/core/error.hpp"
#include "rung/core/json.hpp"
#include "rung/core/text.hpp"
#include "rung/io/input_file.hpp"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <istream>
#include <iterator>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rung {

namespace {

using Json = rung::ordered_json;

/// dump() of one element, for what is not written here.
std::string dumped(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::strict); }

/// Whether `c` is written as it is: printable ASCII other than '"' and '\\'.
constexpr bool plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;

/// Whether the 8 bytes of `w` are all plain (SWAR: a word at a time, no per-byte branches).
constexpr bool plain_word(std::uint64_t w) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  auto zero_byte = [](std::uint64_t v) { return (v - kOnes) & ~v; };  // high bit set in some byte iff a byte is 0
  // A byte below 0x20 or at/above 0x80, a '"' or a '\\' sets the high bit of some byte.
  return (((w - kOnes * 0x20) | w | zero_byte(w ^ (kOnes * '"')) | zero_byte(w ^ (kOnes * '\\'))) & kHigh) == 0;
}

template <class Word>
Word load(const char* p) {
  Word w = 0;
  std::memcpy(&w, p, sizeof w);
  return w;
}

template <class Word>
void store(char* p, Word w) {
  std::memcpy(p, &w, sizeof w);
}

#if defined(__SSE2__)
/// Bit i set iff byte i of the 16 at `p` is not plain (SSE2, which every x86-64 has: a block in
/// a few instructions). A signed compare with 0x20 catches both control bytes and bytes >= 0x80.
unsigned special_bytes16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(quote, backslash))));
}
#endif

/// The first byte in [p, end) that is not plain, or `end`.
const char* skip_plain(const char* p, const char* const end) {
#if defined(__SSE2__)
  while (end - p >= 16) {
    if (const unsigned special = special_bytes16(p); special != 0) return p + std::countr_zero(special);
    p += 16;
  }
#endif
  while (end - p >= 8 && plain_word(load<std::uint64_t>(p))) p += 8;
  while (p != end && plain(static_cast<unsigned char>(*p))) ++p;
  return p;
}

/// Copies the `n` bytes at `p` to `to` if they are all plain (else returns false, having copied
/// some). Whole words, the last one overlapping the one before; under 8 bytes, two overlapping
/// half or quarter words (a byte tested twice is harmless), so no byte outside the string is read.
bool copy_if_plain(const char* p, std::size_t n, char* to) {
  constexpr std::uint64_t kSpaces = kOnes * ' ';  // plain filler for the unused bytes of a word
#if defined(__SSE2__)
  if (n >= 16) {
    for (std::size_t i = 0; i + 16 <= n; i += 16) {
      if (special_bytes16(p + i) != 0) return false;
      std::memcpy(to + i, p + i, 16);
    }
    if (special_bytes16(p + n - 16) != 0) return false;
    std::memcpy(to + n - 16, p + n - 16, 16);
    return true;
  }
#endif
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
      const auto w = load<std::uint64_t>(p + i);
      if (!plain_word(w)) return false;
      store(to + i, w);
    }
    const auto last = load<std::uint64_t>(p + n - 8);
    if (!plain_word(last)) return false;
    store(to + n - 8, last);
    return true;
  }
  if (n >= 4) {
    const auto lo = load<std::uint32_t>(p);
    const auto hi = load<std::uint32_t>(p + n - 4);
    if (!plain_word(lo | std::uint64_t{hi} << 32)) return false;
    store(to, lo);
    store(to + n - 4, hi);
    return true;
  }
  if (n >= 2) {
    const auto lo = load<std::uint16_t>(p);
    const auto hi = load<std::uint16_t>(p + n - 2);
    if (!plain_word(lo | std::uint64_t{hi} << 16 | kSpaces << 32)) return false;
    store(to, lo);
    store(to + n - 2, hi);
    return true;
  }
  if (n == 1) {
    if (!plain(static_cast<unsigned char>(*p))) return false;
    *to = *p;
  }
  return true;
}

/// `s` with quotes and escapes, as nlohmann writes it; non-ASCII text goes through nlohmann.
void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t at = out.size();
  out += '"';
  const char* run = s.data();  // the start of the bytes not yet copied
  const char* const end = s.data() + s.size();
  for (const char* p = skip_plain(run, end); p != end; p = skip_plain(p + 1, end)) {
    const auto c = static_cast<unsigned char>(*p);
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

/// Strings up to this long are quoted on the stack and appended in one call: most strings of a
/// record are short keys and values, whose cost is the appending more than the bytes.
constexpr std::size_t kStackString = 120;

/// Appends `before` (unless '\0'), `s` as a JSON string, then `after` (unless '\0').
void append_string(std::string& out, char before, std::string_view s, char after) {
  if (s.size() <= kStackString) {
    std::array<char, kStackString + 4> buffer;  // ',' '"' s '"' ':' at most; only what is written is read
    char* q = buffer.data();
    if (before != '\0') *q++ = before;
    *q++ = '"';
    if (copy_if_plain(s.data(), s.size(), q)) {
      q += s.size();
      *q++ = '"';
      if (after != '\0') *q++ = after;
      out.append(buffer.data(), static_cast<std::size_t>(q - buffer.data()));
      return;
    }
  }
  if (before != '\0') out += before;
  append_escaped(out, s);
  if (after != '\0') out += after;
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
  append_string(out_, comma_ ? ',' : '\0', name, ':');
  comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  append_string(out_, comma_ ? ',' : '\0', s, '\0');
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
  while (read_line(in, text, file, number + 1)) {
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
  if (in.bad()) throw Error(fmt::format("{}: cannot read", file));
}

}  // namespace rung
