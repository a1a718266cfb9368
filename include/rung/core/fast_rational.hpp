#pragma once
/// \file
/// An exact rational that keeps small values inline: a reduced fraction of two 64-bit integers,
/// with every operation checked for overflow, and a GMP rational (rung::Rational) when a value
/// does not fit. Never rounds: every result equals the mpq_rational result. The solver's scalar
/// (the probabilities of generated models are small fractions such as 1/2, 3/8).
///
///     rung::FastRational p(1, 3);
///     p += rung::FastRational(1, 6);          // 1/2, no allocation
///     rung::Rational r = p.to_rational();     // at the public boundary
///
/// Invariant (the representation is canonical, so equality compares members): the value is
/// small (num_/den_ reduced, den_ >= 1, num_ != INT64_MIN) exactly when it fits, and big_ holds
/// it otherwise. Division by zero throws std::overflow_error("Division by zero."), as
/// mpq_rational does.

#include "rung/core/rational.hpp"

#include <compare>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>

namespace rung {

class FastRational {
 public:
  FastRational() noexcept = default;  // 0
  FastRational(std::int64_t value) {  // NOLINT(google-explicit-constructor): like Rational's
    if (value == std::numeric_limits<std::int64_t>::min()) {
      set_big(Rational(value));
    } else {
      num_ = value;
    }
  }
  /// num/den reduced. Throws std::overflow_error for den == 0.
  FastRational(std::int64_t num, std::int64_t den);
  explicit FastRational(const Rational& value) { assign(value); }

  FastRational(const FastRational& o) : num_(o.num_), den_(o.den_) {
    if (o.big_) big_ = std::make_unique<Rational>(*o.big_);
  }
  FastRational(FastRational&& o) noexcept = default;
  FastRational& operator=(const FastRational& o) {
    if (this != &o) {
      num_ = o.num_;
      den_ = o.den_;
      if (o.big_) {
        big_ = std::make_unique<Rational>(*o.big_);
      } else {
        big_.reset();
      }
    }
    return *this;
  }
  FastRational& operator=(FastRational&& o) noexcept = default;
  ~FastRational() = default;

  [[nodiscard]] Rational to_rational() const;
  [[nodiscard]] bool is_zero() const noexcept { return !big_ && num_ == 0; }
  [[nodiscard]] bool is_one() const noexcept { return !big_ && num_ == 1 && den_ == 1; }
  /// The value is held as two 64-bit integers (no GMP number).
  [[nodiscard]] bool is_small() const noexcept { return !big_; }
  /// The GMP number behind a value that is not small (nullptr when small).
  [[nodiscard]] const Rational* big() const noexcept { return big_.get(); }
  /// -1, 0 or 1.
  [[nodiscard]] int sign() const noexcept;

  FastRational& operator+=(const FastRational& o) {
    if (!big_ && !o.big_ && add_small(o.num_, o.den_)) return *this;
    return slow(o, '+');
  }
  FastRational& operator-=(const FastRational& o) {
    // -num_ never overflows: num_ != INT64_MIN.
    if (!big_ && !o.big_ && add_small(-o.num_, o.den_)) return *this;
    return slow(o, '-');
  }
  FastRational& operator*=(const FastRational& o) {
    if (!big_ && !o.big_ && multiply_small(o.num_, o.den_)) return *this;
    return slow(o, '*');
  }
  FastRational& operator/=(const FastRational& o);

  friend FastRational operator+(FastRational a, const FastRational& b) { return a += b; }
  friend FastRational operator-(FastRational a, const FastRational& b) { return a -= b; }
  friend FastRational operator*(FastRational a, const FastRational& b) { return a *= b; }
  friend FastRational operator/(FastRational a, const FastRational& b) { return a /= b; }
  FastRational operator-() const;

  friend bool operator==(const FastRational& a, const FastRational& b) {
    if (!a.big_ && !b.big_) return a.num_ == b.num_ && a.den_ == b.den_;
    if (!a.big_ || !b.big_) return false;  // canonical: a big value never equals a small one
    return *a.big_ == *b.big_;
  }
  friend std::strong_ordering operator<=>(const FastRational& a, const FastRational& b);

 private:
  __extension__ typedef __int128 I128;            // a GCC/Clang extension; -Wpedantic knows it as such
  __extension__ typedef unsigned __int128 U128;

  static constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

  static std::uint64_t gcd(std::uint64_t a, std::uint64_t b) noexcept {
    if (a == 0) return b;
    if (b == 0) return a;
    const int shift = __builtin_ctzll(a | b);
    a >>= __builtin_ctzll(a);
    do {
      b >>= __builtin_ctzll(b);
      if (a > b) {
        const std::uint64_t t = a;
        a = b;
        b = t;
      }
      b -= a;
    } while (b != 0);
    return a << shift;
  }
  static std::uint64_t magnitude(std::int64_t v) noexcept {
    return v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  }
  static bool fits(I128 v) noexcept { return v <= kMax && v >= -kMax; }

  /// *this += n/d for a small *this and a reduced n/d (|n| <= kMax, 1 <= d <= kMax); false (and
  /// *this unchanged) when the result does not fit.
  bool add_small(std::int64_t n, std::int64_t d) noexcept {
    if (den_ == d) {  // a common denominator (always so for integers)
      const I128 t = static_cast<I128>(num_) + n;
      if (fits(t)) {
        const auto s = static_cast<std::int64_t>(t);
        const auto g = static_cast<std::int64_t>(gcd(magnitude(s), static_cast<std::uint64_t>(d)));
        num_ = s / g;
        den_ = d / g;
        return true;
      }
    }
    return add_general(n, d);
  }
  bool add_general(std::int64_t n, std::int64_t d) noexcept {
    // Knuth 4.5.1: g1 = gcd(b, d); t = a(d/g1) + c(b/g1); g2 = gcd(t, g1); result t/g2 over (b/g1)(d/g2).
    const std::uint64_t g1 = gcd(static_cast<std::uint64_t>(den_), static_cast<std::uint64_t>(d));
    const auto b1 = static_cast<std::int64_t>(static_cast<std::uint64_t>(den_) / g1);
    const auto d1 = static_cast<std::int64_t>(static_cast<std::uint64_t>(d) / g1);
    const I128 t = static_cast<I128>(num_) * d1 + static_cast<I128>(n) * b1;  // |t| < 2^127
    if (t == 0) {
      num_ = 0;
      den_ = 1;
      return true;
    }
    std::uint64_t g2 = 1;
    if (g1 != 1) {
      const U128 ut = t < 0 ? U128(0) - static_cast<U128>(t) : static_cast<U128>(t);
      g2 = gcd(static_cast<std::uint64_t>(ut % g1), g1);
    }
    const I128 num = g2 == 1 ? t : t / static_cast<I128>(g2);
    const I128 den = static_cast<I128>(b1) * static_cast<I128>(static_cast<std::uint64_t>(d) / g2);
    if (!fits(num) || den > kMax) return false;
    num_ = static_cast<std::int64_t>(num);
    den_ = static_cast<std::int64_t>(den);
    return true;
  }
  /// *this *= n/d for a small *this and a reduced n/d; false (unchanged) when it does not fit.
  bool multiply_small(std::int64_t n, std::int64_t d) noexcept {
    if (num_ == 0 || n == 0) {
      num_ = 0;
      den_ = 1;
      return true;
    }
    const std::uint64_t g1 = gcd(magnitude(num_), static_cast<std::uint64_t>(d));
    const std::uint64_t g2 = gcd(magnitude(n), static_cast<std::uint64_t>(den_));
    const I128 num = static_cast<I128>(num_ / static_cast<std::int64_t>(g1)) * (n / static_cast<std::int64_t>(g2));
    const I128 den = static_cast<I128>(den_ / static_cast<std::int64_t>(g2)) * (d / static_cast<std::int64_t>(g1));
    if (!fits(num) || den > kMax) return false;
    num_ = static_cast<std::int64_t>(num);
    den_ = static_cast<std::int64_t>(den);
    return true;
  }

  /// The operation in GMP (for a big operand or a result that does not fit).
  FastRational& slow(const FastRational& o, char op);
  void assign(const Rational& value);
  void set_big(Rational value);

  std::int64_t num_ = 0;
  std::int64_t den_ = 1;
  std::unique_ptr<Rational> big_;  ///< the value when it does not fit (num_/den_ then unused)
};

[[nodiscard]] inline bool is_zero(const FastRational& x) { return x.is_zero(); }

}  // namespace rung
