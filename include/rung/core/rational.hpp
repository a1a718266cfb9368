#pragma once
/// \file
/// Exact rational numbers (GMP through Boost.Multiprecision) and their text forms.
///
///     rung::Rational p = rung::parse_rational("0.35");   // 7/20
///     rung::to_string(p);                                 // "7/20"
///     rung::to_decimal(p, 6);                             // "0.35"

#include <boost/multiprecision/gmp.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace rung {

using Rational = boost::multiprecision::mpq_rational;

/// Longest number text try_parse_rational reads (after the sign), in bytes.
inline constexpr std::size_t kMaxNumberText = 4096;

/// Parses `7/20`, `0.35`, `3`, `-1/2`, `.5`, `1e-3` is NOT accepted. Returns nullopt on anything
/// else (including a zero denominator and a text longer than kMaxNumberText). Leading/trailing
/// whitespace is not accepted.
[[nodiscard]] std::optional<Rational> try_parse_rational(std::string_view text);

/// As try_parse_rational, but throws rung::Error("invalid number '...'").
[[nodiscard]] Rational parse_rational(std::string_view text);

/// Reduced fraction: "7/20", "0", "1", "-1/3".
[[nodiscard]] std::string to_string(const Rational& value);

/// An interval answer "[a, b]" (a question that asks for bounds): two numbers as
/// try_parse_rational reads them, inside brackets, split by a comma, spaces allowed around each,
/// a <= b. nullopt on anything else.
[[nodiscard]] std::optional<std::pair<Rational, Rational>> try_parse_interval(std::string_view text);

/// "[a, b]" with both ends reduced fractions: "[-3/10, 9/20]".
[[nodiscard]] std::string interval_string(const Rational& lower, const Rational& upper);

/// The double nearest `value` (ties to even), as `value.convert_to<double>()` gives it, without
/// that general path when numerator and denominator both fit in 53 bits (one IEEE division of
/// two exact doubles is then correctly rounded): the float halves of the linear programs convert
/// thousands of small fractions.
[[nodiscard]] double to_double(const Rational& value);

/// Decimal rounded half away from zero to at most `digits` places, trailing zeros removed:
/// to_decimal(1/3, 6) == "0.333333", to_decimal(7/20) == "0.35".
[[nodiscard]] std::string to_decimal(const Rational& value, int digits = 6);

}  // namespace rung
