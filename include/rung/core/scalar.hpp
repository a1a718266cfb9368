#pragma once
/// \file
/// The scalar types numeric code is generic over: exact `Rational` (the default) and `double`
/// (the fast path). Small helpers every engine needs, in one place.
///
///     template <class S> S weight(const Rational& p) { return rung::from_rational<S>(p); }

#include "rung/core/rational.hpp"

namespace rung {

/// `x` as the scalar S (exact for Rational, rounded for double).
template <class S>
S from_rational(const Rational& x);
template <>
inline Rational from_rational<Rational>(const Rational& x) {
  return x;
}
template <>
inline double from_rational<double>(const Rational& x) {
  return x.convert_to<double>();
}

inline bool is_zero(const Rational& x) { return x.is_zero(); }
inline bool is_zero(double x) { return x == 0.0; }

}  // namespace rung
