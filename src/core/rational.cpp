#include "rung/core/rational.hpp"

#include "rung/core/error.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>
#include <optional>

namespace rung {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) return false;
  }
  return true;
}

using Integer = boost::multiprecision::mpz_int;

/// A run of decimal digits as an integer. GMP reads a leading 0 as octal, so strip zeros first.
Integer from_digits(std::string_view digits) {
  const auto first = digits.find_first_not_of('0');
  if (first == std::string_view::npos) return Integer(0);
  return Integer{std::string(digits.substr(first))};
}

}  // namespace

std::optional<Rational> try_parse_rational(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > kMaxNumberText) return std::nullopt;
  Rational value;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    auto num = text.substr(0, slash);
    auto den = text.substr(slash + 1);
    if (!all_digits(num) || !all_digits(den)) return std::nullopt;
    Integer d = from_digits(den);
    if (d == 0) return std::nullopt;
    value = Rational(from_digits(num), d);
  } else if (auto dot = text.find('.'); dot != std::string_view::npos) {
    auto whole = text.substr(0, dot);
    auto frac = text.substr(dot + 1);
    if (!(whole.empty() || all_digits(whole)) || !all_digits(frac)) return std::nullopt;
    Integer w = from_digits(whole);
    Integer scale = boost::multiprecision::pow(Integer(10), static_cast<unsigned>(frac.size()));
    value = Rational(Integer(w * scale + from_digits(frac)), scale);
  } else {
    if (!all_digits(text)) return std::nullopt;
    value = Rational(from_digits(text));
  }
  return negative ? Rational(-value) : value;
}

Rational parse_rational(std::string_view text) {
  if (auto v = try_parse_rational(text)) return *v;
  throw Error("invalid number '" + std::string(text) + "'");
}

namespace {

/// The value of `z` when it fits in an int64_t.
std::optional<std::int64_t> small(const __mpz_struct* z) {
  if (mpz_fits_slong_p(z) == 0) return std::nullopt;
  return static_cast<std::int64_t>(mpz_get_si(z));
}

template <class Int>
void append_integer(std::string& out, Int v) {
  char buffer[48];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, v).ptr;
  out.append(buffer, end);
}

}  // namespace

// Both functions have a fast path for numerators and denominators that fit in 64 bits (almost
// every value the generator writes), with the same text as the general path.

std::string to_string(const Rational& value) {
  const auto* q = value.backend().data();
  const auto num = small(mpq_numref(q));
  const auto den = small(mpq_denref(q));
  if (!num || !den) return value.str();
  std::string out;
  append_integer(out, *num);
  if (*den != 1) {
    out += '/';
    append_integer(out, *den);
  }
  return out;
}

std::string to_decimal(const Rational& value, int digits) {
  const auto* q = value.backend().data();
  const auto small_num = small(mpq_numref(q));
  const auto small_den = small(mpq_denref(q));
  if (small_num && small_den && *small_num != INT64_MIN && digits >= 0 && digits <= 18) {
    // |num| < 2^63, den < 2^63, scale <= 10^18 < 2^60: every step fits in 128 bits.
    __extension__ typedef unsigned __int128 U;  // a GCC/Clang extension; -Wpedantic knows it as such
    const U n = static_cast<U>(*small_num < 0 ? -*small_num : *small_num);
    const U d = static_cast<U>(*small_den);
    U scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    const U scaled = (n * scale * 2 + d) / (d * 2);
    const auto whole = static_cast<std::uint64_t>(scaled / scale);
    const auto frac = static_cast<std::uint64_t>(scaled % scale);
    std::string out;
    if (*small_num < 0 && scaled != 0) out += '-';
    append_integer(out, whole);
    if (frac != 0) {
      std::string f;
      append_integer(f, frac);
      f.insert(0, static_cast<std::size_t>(digits) - f.size(), '0');
      while (!f.empty() && f.back() == '0') f.pop_back();
      out += '.';
      out += f;
    }
    return out;
  }
  using boost::multiprecision::numerator;
  using boost::multiprecision::denominator;
  Integer num = numerator(value);
  Integer den = denominator(value);
  bool negative = num < 0;
  if (negative) num = -num;
  Integer scale = boost::multiprecision::pow(Integer(10), static_cast<unsigned>(digits));
  Integer scaled = (num * scale * 2 + den) / (den * 2);  // round half up on |value|
  Integer whole = scaled / scale;
  Integer frac = scaled % scale;
  std::string out;  // built by appending: `"-" + str` trips a GCC 12 -Wrestrict false positive at -O3
  if (negative && scaled != 0) out += '-';
  out += whole.str();
  if (frac != 0) {
    std::string f = frac.str();
    f.insert(0, static_cast<std::size_t>(digits) - f.size(), '0');
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return out;
}

std::optional<std::pair<Rational, Rational>> try_parse_interval(std::string_view text) {
  auto trimmed = [](std::string_view t) {
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    return t;
  };
  text = trimmed(text);
  if (text.size() < 5 || text.front() != '[' || text.back() != ']') return std::nullopt;
  text = text.substr(1, text.size() - 2);
  const std::size_t comma = text.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  auto a = try_parse_rational(trimmed(text.substr(0, comma)));
  auto b = try_parse_rational(trimmed(text.substr(comma + 1)));
  if (!a || !b || *b < *a) return std::nullopt;
  return std::pair{*a, *b};
}

std::string interval_string(const Rational& lower, const Rational& upper) {
  // Appended, not `"[" + to_string(...)`: GCC 12 warns (-Wstringop-overflow, a false positive)
  // on a literal prepended to a temporary string at -O2 and above.
  std::string out = "[";
  out += to_string(lower);
  out += ", ";
  out += to_string(upper);
  out += ']';
  return out;
}

double to_double(const Rational& value) {
  const mpq_srcptr q = value.backend().data();
  const mpz_srcptr num = mpq_numref(q);
  const mpz_srcptr den = mpq_denref(q);
  if (mpz_sizeinbase(num, 2) <= 53 && mpz_sizeinbase(den, 2) <= 53) {
    return static_cast<double>(mpz_get_si(num)) / static_cast<double>(mpz_get_si(den));
  }
  return value.convert_to<double>();
}

}  // namespace rung
