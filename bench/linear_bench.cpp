// Linear-Gaussian counterfactuals (issue #20): one counterfactual query with factual evidence on a
// random linear SCM of N endogenous variables (N noises, up to three parents each, rational
// coefficients), exact (Eigen over GMP rationals) and double (plain Eigen), by each method.
// Target (N = 50): exact < 5 ms, double < 50 µs.
#include "rung/gen/random.hpp"
#include "rung/infer/linear_gaussian.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>

namespace {

rung::LinearScm random_linear(int n, std::uint64_t seed) {
  rung::Rng rng(seed);
  static const std::vector<rung::Rational> values = {rung::Rational(-3, 2), -1, rung::Rational(-1, 2), rung::Rational(1, 3),
                                                     rung::Rational(1, 2), 1, rung::Rational(3, 2), 2};
  rung::LinearScmBuilder b;
  for (int i = 0; i < n; ++i) b.exogenous(fmt::format("U{}", i), 0, rng.chance(1, 2) ? rung::Rational(1) : rung::Rational(1, 2));
  for (int i = 0; i < n; ++i) {
    std::vector<std::pair<std::string, rung::Rational>> terms;
    const int parents = i == 0 ? 0 : 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(std::min(i, 3))));
    std::vector<int> chosen;
    for (int p = 0; p < parents; ++p) {
      const int j = static_cast<int>(rng.below(static_cast<std::uint64_t>(i)));
      if (std::find(chosen.begin(), chosen.end(), j) != chosen.end()) continue;
      chosen.push_back(j);
      terms.emplace_back(fmt::format("V{}", j), rng.pick(values));
    }
    terms.emplace_back(fmt::format("U{}", i), 1);
    b.endogenous(fmt::format("V{}", i), terms, rng.chance(1, 2) ? rung::Rational(0) : rng.pick(values));
  }
  return b.build();
}

/// E(V[n-1][V[n/4]=1] | V[n/4]=0, V[n/2]=1/2, V[n-1]=2): abduction over the whole model.
rung::LinearQuery counterfactual(const rung::LinearScm& m, int n) {
  return rung::parse_linear_query(fmt::format("E(V{}[V{}=1] | V{}=0, V{}=1/2, V{}=2)", n - 1, n / 4, n / 4, n / 2, n - 1), m);
}

void BM_LinearCounterfactualExact(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto m = random_linear(n, 2026);
  const auto q = counterfactual(m, n);
  for (auto _ : state) benchmark::DoNotOptimize(rung::solve(m, q).value);
  state.SetComplexityN(n);
}
BENCHMARK(BM_LinearCounterfactualExact)->Arg(10)->Arg(25)->Arg(50)->Arg(100)->Unit(benchmark::kMicrosecond)->Complexity();

void BM_LinearCounterfactualExactParallelWorlds(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto m = random_linear(n, 2026);
  const auto q = counterfactual(m, n);
  for (auto _ : state) benchmark::DoNotOptimize(rung::solve(m, q, {rung::LinearMethod::parallel_worlds, false}).value);
}
BENCHMARK(BM_LinearCounterfactualExactParallelWorlds)->Arg(50)->Unit(benchmark::kMicrosecond);

void BM_LinearCounterfactualDouble(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto m = random_linear(n, 2026);
  const auto q = counterfactual(m, n);
  for (auto _ : state) benchmark::DoNotOptimize(rung::solve_double(m, q));
  state.SetComplexityN(n);
}
BENCHMARK(BM_LinearCounterfactualDouble)->Arg(10)->Arg(25)->Arg(50)->Arg(100)->Unit(benchmark::kMicrosecond)->Complexity();

void BM_LinearCounterfactualDoubleParallelWorlds(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto m = random_linear(n, 2026);
  const auto q = counterfactual(m, n);
  for (auto _ : state) benchmark::DoNotOptimize(rung::solve_double(m, q, {rung::LinearMethod::parallel_worlds, false}));
}
BENCHMARK(BM_LinearCounterfactualDoubleParallelWorlds)->Arg(50)->Unit(benchmark::kMicrosecond);

}  // namespace
