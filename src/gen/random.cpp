#include "rung/gen/random.hpp"

namespace rung {

namespace {

/// SplitMix64: a bijective mixer, used to derive well-separated seeds.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::uint64_t Rng::item_seed(std::uint64_t master_seed, std::uint64_t index) {
  return splitmix64(splitmix64(master_seed) ^ splitmix64(index + 0x632be59bd9b4e019ULL));
}

Rng Rng::for_item(std::uint64_t master_seed, std::uint64_t index) {
  return Rng(item_seed(master_seed, index));
}

std::uint64_t Rng::below(std::uint64_t n) {
  // Reject the top partial block of 2^64 so every residue is equally likely.
  const std::uint64_t limit = ~std::uint64_t{0} - (~std::uint64_t{0} % n);
  std::uint64_t x = next();
  while (x >= limit) x = next();
  return x % n;
}

int Rng::between(int lo, int hi) {
  const auto span = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo) + 1;
  return static_cast<int>(lo + static_cast<std::int64_t>(below(span)));
}

}  // namespace rung
