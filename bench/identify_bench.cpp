/// \file
/// The ID algorithm on ADMGs of 20 observed variables (issue #17's target: under 10 ms): random
/// models with fixed seeds — each variable the and/or/xor of up to three earlier ones and its
/// own noise, `confounders` exogenous variables each shared by two random variables — and
/// P(last | do(first)), identifiable or not. The ADMG is built once; each iteration runs
/// identify() only.
///
///     build/release/bench/rung_identify_bench

#include "rung/gen/random.hpp"
#include "rung/identify/identify.hpp"
#include "rung/io/scm_text.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <string>

namespace {

using namespace rung;

Scm random_model(int n, int confounders, std::uint64_t seed) {
  Rng rng(seed);
  std::string text;
  std::vector<std::vector<std::string>> extra(static_cast<std::size_t>(n));
  for (int c = 0; c < confounders; ++c) {
    const int a = rng.between(0, n - 1);
    int b = rng.between(0, n - 2);
    if (b >= a) ++b;
    text += fmt::format("exogenous C{} ~ Bernoulli(1/2)\n", c);
    extra[static_cast<std::size_t>(a)].push_back(fmt::format("C{}", c));
    extra[static_cast<std::size_t>(b)].push_back(fmt::format("C{}", c));
  }
  for (int v = 0; v < n; ++v) {
    text += fmt::format("exogenous U{} ~ Bernoulli(1/3)\n", v);
    std::vector<std::string> inputs;
    for (int k = 0; k < 3 && v > 0; ++k) inputs.push_back(fmt::format("V{}", rng.between(std::max(0, v - 5), v - 1)));
    std::sort(inputs.begin(), inputs.end());
    inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
    for (const auto& c : extra[static_cast<std::size_t>(v)]) inputs.push_back(c);
    std::string body = fmt::format("U{}", v);
    for (const auto& in : inputs) body = fmt::format("({} {} {})", body, rng.chance(1, 2) ? "xor" : "or", in);
    text += fmt::format("V{} := {}\n", v, body);
  }
  return read_scm_text(text);
}

void Identify20(benchmark::State& state) {
  const Scm m = random_model(20, static_cast<int>(state.range(0)), 17 + static_cast<std::uint64_t>(state.range(0)));
  const Admg g = Admg::of(m);
  const VarMask y = VarMask{1} << (g.size() - 1);
  const VarMask x = VarMask{1};
  bool identifiable = false;
  for (auto _ : state) {
    const Identification r = identify(g, y, x);
    identifiable = r.identifiable;
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(fmt::format("{} confounders, {}", state.range(0), identifiable ? "identifiable" : "not identifiable"));
}
BENCHMARK(Identify20)->Arg(0)->Arg(4)->Arg(8)->Arg(16)->Unit(benchmark::kMicrosecond);

}  // namespace
