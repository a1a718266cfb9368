#pragma once
/// \file
/// Eigen over rung's exact Rational: Boost.Multiprecision's eigen.hpp specialises
/// Eigen::NumTraits (and the binary-op traits for its expression templates) for
/// boost::multiprecision numbers, so `Eigen::Matrix<rung::Rational, ...>` products, LU and
/// solves are exact. The aliases below are the matrices numeric code templated on the scalar
/// uses (S = Rational for the exact path, double for the fast one).
///
///     rung::MatrixOf<rung::Rational> a(2, 2);
///     a << 1, 2, 3, 4;
///     rung::MatrixOf<rung::Rational> b = a * a;   // exact; never hold an Eigen expression in auto
///
/// Exact decompositions must not use a rounding threshold: Eigen::FullPivLU takes
/// `setThreshold(0)` (exact_threshold below) so that its rank and solves are exact.

#include "rung/core/rational.hpp"

#include <boost/multiprecision/eigen.hpp>
#include <Eigen/Dense>

#include <string>

namespace rung {

template <class S>
using MatrixOf = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <class S>
using VectorOf = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <class S>
using RowVectorOf = Eigen::Matrix<S, 1, Eigen::Dynamic>;

/// Whether the scalar is exact (comparisons with 0 are then exact, no tolerance).
template <class S>
inline constexpr bool is_exact_scalar = !std::is_floating_point_v<S>;

/// A scalar as text: a reduced fraction for Rational, 17 significant digits for double.
std::string scalar_text(const Rational& x);
std::string scalar_text(double x);

/// The scalar as a double (for Rational: rung::to_double of rational.hpp, the nearest double).
inline double to_double(double x) { return x; }

}  // namespace rung
