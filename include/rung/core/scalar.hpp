#pragma once
/// \file
/// The scalar types numeric code is generic over: exact `Rational` (the default), exact
/// `FastRational` (the solver's internal scalar: 64-bit fractions, GMP when they overflow) and
/// `double` (the fast path). Small helpers every engine needs, in one place.
///
///     template <class S> S weight(const Rational& p) { return rung::from_rational<S>(p); }

#include "rung/core/fast_rational.hpp"
#include "rung/core/rational.hpp"

#include <cstddef>

namespace rung {

/// `x` as the scalar S (exact for Rational, rounded for double).
template <class S>
S from_rational(const Rational& x);
template <>
inline Rational from_rational<Rational>(const Rational& x) {
  return x;
}
template <>
inline FastRational from_rational<FastRational>(const Rational& x) {
  return FastRational(x);
}
template <>
inline double from_rational<double>(const Rational& x) {
  // Both parts exact in a double (|n|, d < 2^53): one IEEE division, correctly rounded, without
  // the GMP conversion (the double path converts every prior of a network on every query).
  const auto* q = x.backend().data();
  const __mpz_struct* num = mpq_numref(q);
  const __mpz_struct* den = mpq_denref(q);
  if (mpz_sizeinbase(num, 2) <= 53 && mpz_sizeinbase(den, 2) <= 53 && mpz_fits_slong_p(num) != 0 && mpz_fits_slong_p(den) != 0) {
    return static_cast<double>(mpz_get_si(num)) / static_cast<double>(mpz_get_si(den));
  }
  return x.convert_to<double>();
}

/// The bytes a value holds outside its own object: the digits (limbs) GMP allocated for its
/// numerator and denominator, plus the GMP number itself for a FastRational too large for two
/// 64-bit integers. What the size guards count (a double holds none).
inline std::size_t heap_bytes(const Rational& x) noexcept {
  const auto* q = x.backend().data();
  return (static_cast<std::size_t>(mpq_numref(q)->_mp_alloc) + static_cast<std::size_t>(mpq_denref(q)->_mp_alloc)) *
         sizeof(mp_limb_t);
}
inline std::size_t heap_bytes(const FastRational& x) noexcept {
  const Rational* big = x.big();
  return big == nullptr ? 0 : sizeof(Rational) + heap_bytes(*big);
}
inline std::size_t heap_bytes(double /*x*/) noexcept { return 0; }

inline bool is_zero(const Rational& x) { return x.is_zero(); }
inline bool is_zero(double x) { return x == 0.0; }

/// x == 1, without the temporary mpq that comparing a Rational with 1 makes.
inline bool is_one(const Rational& x) {
  const auto* q = x.backend().data();
  return mpz_cmp_ui(mpq_numref(q), 1) == 0 && mpz_cmp_ui(mpq_denref(q), 1) == 0;
}
inline bool is_one(const FastRational& x) { return x.is_one(); }
inline bool is_one(double x) { return x == 1.0; }

}  // namespace rung
