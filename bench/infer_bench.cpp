/// \file
/// Benchmarks of the inference engines on random binary SCMs (fixed seeds): n exogenous and n
/// endogenous variables; V_i reads its own U_i, sometimes (3 in 10) a second, shared U_j (hidden
/// confounding), V_{i-1} (a chain, so the whole model is relevant to the last variable), and
/// when the in-degree allows, half of the time one earlier V_j; in-degree <= 3.
/// Queries: ETT-type P(Y[X=0]=1 | X=1) and NDE-type E(Y[X=1, M=M[X=0]]) - E(Y[X=0]), with Y the
/// last variable, X in the first half, M = the next variable on the chain.
/// Methods: variable elimination exact (Rational) and double, enumeration exact (n <= 20).

#include "rung/infer/enumeration.hpp"
#include "rung/infer/solver.hpp"
#include "rung/infer/worlds.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace rung;

constexpr std::uint64_t seed = 0x510E527FADE682D1ULL;

/// std::mt19937_64 bounded by multiply-shift.
class Rng {
 public:
  explicit Rng(std::uint64_t s) : engine_(s) {}
  /// In [0, n) for 0 < n < 2^32.
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(((engine_() >> 32) * n) >> 32); }

 private:
  std::mt19937_64 engine_;
};

struct Case {
  Scm scm;
  Query ett;
  Query nde;
};

Case make_case(std::uint32_t n) {
  Rng rng(seed + n);
  ScmBuilder b;
  for (std::uint32_t i = 0; i < n; ++i) b.bernoulli("U" + std::to_string(i), Rational(1 + rng.below(9), 10));
  std::vector<std::vector<std::uint32_t>> endo_parents(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    std::vector<std::string> parents{"U" + std::to_string(i)};
    if (n > 1 && rng.below(10) < 3) {
      std::uint32_t j = rng.below(n - 1);
      if (j >= i) ++j;
      parents.push_back("U" + std::to_string(j));
    }
    // A chain V0 -> V1 -> ... -> V(n-1) (so every variable is an ancestor of the last one), plus
    // a long-range parent when the in-degree allows.
    if (i > 0) endo_parents[i].push_back(i - 1);
    if (i > 1 && parents.size() == 1 && rng.below(2) == 0) endo_parents[i].push_back(rng.below(i - 1));
    for (std::uint32_t p : endo_parents[i]) parents.push_back("V" + std::to_string(p));
    std::string e = parents[rng.below(static_cast<std::uint32_t>(parents.size()))];
    std::rotate(parents.begin(), std::find(parents.begin(), parents.end(), e), parents.end());
    for (std::size_t k = 1; k < parents.size(); ++k) {
      static const char* const ops[] = {"and", "or", "xor"};
      const std::string operand = rng.below(4) == 0 ? "not " + parents[k] : parents[k];
      e = "(" + e + " " + ops[rng.below(3)] + " " + operand + ")";
    }
    b.endogenous("V" + std::to_string(i), e);
  }
  Scm scm = b.build();

  // Y = the last variable (every variable is its ancestor).
  const std::uint32_t y = n - 1;
  // X: the latest variable in the first half with a long-range child (so that X -> Y has a
  // path avoiding M = V_{x+1}), or V_{n/3}.
  std::optional<std::uint32_t> latest;
  for (std::uint32_t j = 2; j < n; ++j) {
    for (std::uint32_t p : endo_parents[j]) {
      if (p + 1 < j && p <= n / 2 && (!latest || p > *latest)) latest = p;
    }
  }
  const std::uint32_t x = latest.value_or(n / 3);
  const std::uint32_t m = x + 1 < y ? x + 1 : x;
  const std::string X = "V" + std::to_string(x);
  const std::string Y = "V" + std::to_string(y);
  const std::string M = "V" + std::to_string(m);
  Query ett = parse_query("P(" + Y + "[" + X + "=0]=1 | " + X + "=1)", scm);
  Query nde = m == x ? parse_query("E(" + Y + "[" + X + "=1]) - E(" + Y + "[" + X + "=0])", scm)
                     : parse_query("E(" + Y + "[" + X + "=1, " + M + "=" + M + "[" + X + "=0]]) - E(" + Y + "[" + X +
                                       "=0])",
                                   scm);
  return {std::move(scm), std::move(ett), std::move(nde)};
}

enum class Kind { exact, floating, enumerate };

void run(benchmark::State& state, bool nested, Kind kind) {
  const Case c = make_case(static_cast<std::uint32_t>(state.range(0)));
  const Query& q = nested ? c.nde : c.ett;
  SolverOptions o;
  if (kind == Kind::enumerate) o.method = Method::enumeration;
  for (auto _ : state) {
    if (kind == Kind::floating) {
      benchmark::DoNotOptimize(solve_double(c.scm, q, o));
    } else {
      benchmark::DoNotOptimize(solve(c.scm, q, o));
    }
  }
  // The label is the answer of the method measured, so rows of different methods cross-check.
  state.SetLabel(kind == Kind::floating ? fmt::format("{:.12g}", solve_double(c.scm, q, o))
                                        : to_string(solve(c.scm, q, o).value));
  // Size of the problem: nodes of the merged parallel-worlds network of all the query's terms,
  // and the relevant exogenous variables enumeration iterates over.
  WorldNetwork net(c.scm);
  std::vector<const Term*> terms;
  for (const auto& part : q.parts) {
    if (const auto* p = std::get_if<Probability>(&part.quantity)) {
      for (const auto& e : p->events) terms.push_back(&e.term);
      for (const auto& e : p->evidence) terms.push_back(&e.term);
    } else {
      terms.push_back(&std::get<Expectation>(part.quantity).term);
    }
  }
  for (const Term* t : terms) (void)net.add(*t);
  state.counters["nodes"] = static_cast<double>(net.size());
  state.counters["relevant_u"] = static_cast<double>(enumeration::relevant_exogenous(c.scm, terms).size());
  state.SetComplexityN(state.range(0));
}

void BM_EttEliminationExact(benchmark::State& s) { run(s, false, Kind::exact); }
void BM_EttEliminationDouble(benchmark::State& s) { run(s, false, Kind::floating); }
void BM_EttEnumeration(benchmark::State& s) { run(s, false, Kind::enumerate); }
void BM_NdeEliminationExact(benchmark::State& s) { run(s, true, Kind::exact); }
void BM_NdeEliminationDouble(benchmark::State& s) { run(s, true, Kind::floating); }
void BM_NdeEnumeration(benchmark::State& s) { run(s, true, Kind::enumerate); }

BENCHMARK(BM_EttEliminationExact)->DenseRange(4, 32, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EttEliminationDouble)->DenseRange(4, 32, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_EttEnumeration)->DenseRange(4, 20, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NdeEliminationExact)->DenseRange(4, 32, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NdeEliminationDouble)->DenseRange(4, 32, 4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NdeEnumeration)->DenseRange(4, 20, 4)->Unit(benchmark::kMicrosecond);

}  // namespace
