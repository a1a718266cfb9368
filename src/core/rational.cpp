#include "rung/core/rational.hpp"

#include "rung/core/error.hpp"

#include <cctype>

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
  if (text.empty() || text.size() > 4096) return std::nullopt;
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

std::string to_string(const Rational& value) {
  return value.str();
}

std::string to_decimal(const Rational& value, int digits) {
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

}  // namespace rung
