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

  /// Fisher–Yates with below().
  template <class T>
  void shuffle(std::vector<T>& items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[static_cast<std::size_t>(below(i))]);
    }
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace rung
