#include "rung/core/fast_rational.hpp"

#include <gmp.h>

#include <optional>
#include <utility>

namespace rung {

FastRational::FastRational(std::int64_t num, std::int64_t den) {
  if (den == 0) throw std::overflow_error("Division by zero.");
  if (num == std::numeric_limits<std::int64_t>::min() || den == std::numeric_limits<std::int64_t>::min()) {
    // Rational(num, den) would read a negative den as unsigned: divide instead.
    assign(Rational(Rational(num) / Rational(den)));
    return;
  }
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const auto g = static_cast<std::int64_t>(gcd(magnitude(num), static_cast<std::uint64_t>(den)));
  num_ = num / g;
  den_ = den / g;
}

Rational FastRational::to_rational() const {
  if (big_) return *big_;
  Rational out;
  mpq_set_si(out.backend().data(), num_, static_cast<unsigned long>(den_));  // already canonical
  return out;
}

int FastRational::sign() const noexcept {
  if (big_) return big_->sign();
  return (num_ > 0) - (num_ < 0);
}

FastRational& FastRational::operator/=(const FastRational& o) {
  if (o.is_zero()) throw std::overflow_error("Division by zero.");
  if (!big_ && !o.big_) {
    // The reciprocal of o, reduced with a positive denominator; negating never overflows
    // (neither member is INT64_MIN).
    const std::int64_t n = o.num_ < 0 ? -o.den_ : o.den_;
    const std::int64_t d = o.num_ < 0 ? -o.num_ : o.num_;
    if (multiply_small(n, d)) return *this;
  }
  return slow(o, '/');
}

FastRational FastRational::operator-() const {
  FastRational out(*this);
  if (out.big_) {
    out.assign(Rational(-*out.big_));
  } else {
    out.num_ = -out.num_;
  }
  return out;
}

std::strong_ordering operator<=>(const FastRational& a, const FastRational& b) {
  if (!a.big_ && !b.big_) {
    using I128 = FastRational::I128;
    return static_cast<I128>(a.num_) * b.den_ <=> static_cast<I128>(b.num_) * a.den_;
  }
  const int c = a.to_rational().compare(b.to_rational());
  return c < 0 ? std::strong_ordering::less : c > 0 ? std::strong_ordering::greater : std::strong_ordering::equal;
}

namespace {

/// A canonical GMP rational's numerator and denominator when both fit the inline form (the
/// numerator not LONG_MIN, which has no negation), else nullopt.
std::optional<std::pair<long, long>> small_parts(mpq_srcptr q) {
  const __mpz_struct* num = mpq_numref(q);
  const __mpz_struct* den = mpq_denref(q);
  if (mpz_fits_slong_p(num) == 0 || mpz_fits_slong_p(den) == 0) return std::nullopt;
  const long n = mpz_get_si(num);
  if (n == std::numeric_limits<long>::min()) return std::nullopt;
  return std::pair<long, long>(n, mpz_get_si(den));
}

/// A GMP rational per thread for the small operand of a mixed operation (its limbs are reused).
struct Scratch {
  mpq_t q;
  Scratch() { mpq_init(q); }
  ~Scratch() { mpq_clear(q); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

}  // namespace

FastRational& FastRational::slow(const FastRational& o, char op) {
  // In place on this value's own GMP number (made once when it was small): no temporary
  // rationals, and the number's limbs are reused while the value stays big.
  if (op == '/' && o.sign() == 0) throw std::overflow_error("Division by zero.");
  if (!big_) {
    auto q = std::make_unique<Rational>();
    mpq_set_si(q->backend().data(), num_, static_cast<unsigned long>(den_));  // already canonical
    big_ = std::move(q);
    num_ = 0;
    den_ = 1;
  }
  mpq_ptr a = big_->backend().data();
  mpq_srcptr b = nullptr;
  if (o.big_) {
    b = o.big_->backend().data();  // also when &o == this: GMP allows aliased operands
  } else {
    thread_local Scratch scratch;
    mpq_set_si(scratch.q, o.num_, static_cast<unsigned long>(o.den_));
    b = scratch.q;
  }
  switch (op) {
    case '+': mpq_add(a, a, b); break;
    case '-': mpq_sub(a, a, b); break;
    case '*': mpq_mul(a, a, b); break;
    default: mpq_div(a, a, b); break;  // '/', b not zero
  }
  if (const auto parts = small_parts(a)) {  // back to the inline form when the result fits
    num_ = parts->first;
    den_ = parts->second;
    big_.reset();
  }
  return *this;
}

void FastRational::assign(const Rational& value) {
  if (const auto parts = small_parts(value.backend().data())) {
    num_ = parts->first;
    den_ = parts->second;
    big_.reset();
    return;
  }
  set_big(value);
}

void FastRational::set_big(Rational value) {
  num_ = 0;
  den_ = 1;
  if (big_) {
    *big_ = std::move(value);
  } else {
    big_ = std::make_unique<Rational>(std::move(value));
  }
}

}  // namespace rung
