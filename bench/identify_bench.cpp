/// \file
/// The ID algorithm on ADMGs of 20 observed variables (issue #17's target: under 10 ms): random
/// models with fixed seeds — each variable the and/or/xor of up to three earlier ones and its
/// own noise, `confounders` exogenous variables each shared by two random variables — and
/// P(last | do(first)), identifiable or not. The ADMG is built once; each iteration runs
/// identify() only.
///
/// IvBounds: the response-function LP bounds (bounds.hpp) of an instrument model Z -> X -> Y,
/// X <-> Y, with a k-valued Z (4 * 2^k columns): each iteration builds the program (phase 1)
/// and bounds P(Y=1 | do(X=1)) and the ATE (four phase-2 runs), exactly; the second argument 1
/// solves each phase in doubles first and certifies the basis exactly (the default), 0 runs the
/// exact simplex alone.
///
///     build/release/bench/rung_identify_bench

#include "rung/gen/random.hpp"
#include "rung/identify/bounds.hpp"
#include "rung/identify/counterfactual.hpp"
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

/// The instrument model of examples/instrument.scm with Z taking `k` values (X follows Z != 0).
Scm instrument(int k) {
  std::string values;
  for (int i = 0; i < k; ++i) values += fmt::format("{}{}", i == 0 ? "" : ", ", i);
  return read_scm_text(fmt::format(R"(exogenous U ~ Bernoulli(2/5)
exogenous U_Z in {{{0}}} ~ Uniform
exogenous U_X ~ Bernoulli(1/5)
exogenous U_Y ~ Bernoulli(3/10)
Z in {{{0}}} := U_Z
X := (not (Z == 0) and not U_X) or (U and U_X)
Y := (X and not U) or (U_Y and not U)
)",
                                   values));
}

void IvBounds(benchmark::State& state) {
  const Scm m = instrument(static_cast<int>(state.range(0)));
  const Admg g = Admg::of(m);
  const ObservedJoint p = observed_joint(m, g);
  const VarMask x = VarMask{1} << g.index(*m.find("X")), y = VarMask{1} << g.index(*m.find("Y"));
  std::vector<std::uint32_t> at(3, 1), at_prime(3, 1);
  at_prime[static_cast<std::size_t>(g.index(*m.find("X")))] = 0;
  std::uint64_t columns = 0;
  std::size_t pivots = 0;
  Bounds ate;
  // arg 1: 1 solves in doubles first and certifies the basis exactly (the default), 0 runs the
  // exact simplex alone.
  const LpOptions options{.float_first = state.range(1) != 0};
  for (auto _ : state) {
    const ResponseFunctionLp lp(p, options);
    benchmark::DoNotOptimize(lp.effect(y, x, at));
    ate = lp.difference(y, x, at, at_prime);
    columns = lp.columns();
    pivots = lp.pivots();
  }
  state.SetLabel(fmt::format("{} columns, {} pivots, ATE in [{}, {}]", columns, pivots, to_string(ate.lower), to_string(ate.upper)));
}
BENCHMARK(IvBounds)->ArgsProduct({{2, 4, 6}, {0, 1}})->Unit(benchmark::kMicrosecond);

/// ID* / IDC* on the same 20-variable models: the effect of treatment on the treated
/// (arg 0), the natural direct effect through V10 (arg 1) and PNS (arg 2) of V0 on V19.
void Counterfactual20(benchmark::State& state) {
  const int confounders = static_cast<int>(state.range(0));
  const Scm m = random_model(20, confounders, 17 + static_cast<std::uint64_t>(confounders));
  const Admg g = Admg::of(m);
  const char* queries[] = {"P(V19[V0=1]=1 | V0=0)", "E(V19[V0=1, V10=V10[V0=0]]) - E(V19[V0=0])", "P(V19[V0=1]=1, V19[V0=0]=0)"};
  const char* names[] = {"ETT", "NDE", "PNS"};
  const Query q = parse_query(queries[state.range(1)], m);
  bool identifiable = false;
  for (auto _ : state) {
    const CounterfactualIdentification r = identify_counterfactual(g, q, m);
    identifiable = r.identifiable;
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(fmt::format("{}, {} confounders, {}", names[state.range(1)], confounders, identifiable ? "identifiable" : "not identifiable"));
}
BENCHMARK(Counterfactual20)->ArgsProduct({{0, 4, 8}, {0, 1, 2}})->Unit(benchmark::kMicrosecond);

}  // namespace
