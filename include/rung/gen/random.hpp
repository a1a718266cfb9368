#pragma once
/// \file
/// The generator's random numbers: std::mt19937_64 (whose output the standard fixes) with our own
/// bounded integers, choices and shuffles, so that the same seed gives the same items on every
/// machine and standard library. Never use std::uniform_int_distribution & co. here: their
/// algorithms are implementation-defined.
///
///     rung::Rng rng = rung::Rng::for_item(/*master seed*/ 1, /*index*/ 42);
///     int n = rng.between(5, 9);          // 5..9 inclusive
///     if (rng.chance(1, 3)) { ... }       // probability exactly 1/3
///     rng.shuffle(names);

#include <bit>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace rung {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  /// The generator of item `index` under `master_seed`: independent streams for every item,
  /// so items can be made in any order, on any thread, in any shard.
  static Rng for_item(std::uint64_t master_seed, std::uint64_t index);
  /// The seed for_item uses (recorded in each item's `seed` field).
  static std::uint64_t item_seed(std::uint64_t master_seed, std::uint64_t index);

  std::uint64_t next() { return engine_(); }
  /// Uniform in [0, n); n > 0. Rejection sampling, so exactly uniform.
  std::uint64_t below(std::uint64_t n);
  /// Uniform in [lo, hi], inclusive; lo <= hi.
  int between(int lo, int hi);
  /// True with probability num/den exactly (0 <= num <= den, den > 0).
  bool chance(std::uint64_t num, std::uint64_t den) { return below(den) < num; }

  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(below(items.size()))];
  }

  /// `k` (1..32) random bits, taken from a pool refilled with one engine output at a time, so
  /// several small choices share an engine call. A stream apart from below()'s: code that moves
  /// from one to the other draws different values.
  std::uint64_t bits(unsigned k) {
    if (pool_size_ < k) {
      pool_ = next();
      pool_size_ = 64;
    }
    const std::uint64_t out = pool_ & ((std::uint64_t{1} << k) - 1);
    pool_ >>= k;
    pool_size_ -= k;
    return out;
  }
  /// Uniform in [0, n), 1 <= n <= 2^32, from bits() by rejection: exactly uniform, no division.
  std::uint64_t below_pooled(std::uint64_t n) {
    if (n == 1) return 0;
    const auto k = static_cast<unsigned>(std::bit_width(n - 1));
    for (;;) {
      const std::uint64_t r = bits(k);
      if (r < n) return r;
    }
  }
  /// True with probability num/den exactly, from bits() (0 <= num <= den, 0 < den <= 2^32).
  bool chance_pooled(std::uint64_t num, std::uint64_t den) { return below_pooled(den) < num; }

  /// Fisher–Yates with below().
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<std::size_t>(below(i))]);
    }
  }

 private:
  std::mt19937_64 engine_;
  std::uint64_t pool_ = 0;      // bits() not yet handed out, lowest first
  unsigned pool_size_ = 0;
};

}  // namespace rung
