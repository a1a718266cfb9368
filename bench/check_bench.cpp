// The audit's cost (`rung audit --no-verify`) on generated datasets, with and without the
// learned-shortcut audit (cross-validated logistic regression and boosted trees, learners.hpp).
// The dataset is generated once per size, outside the timed loop (fixed seed 1, difficulty 2).
#include "rung/check/audit.hpp"
#include "rung/gen/generator.hpp"

#include <benchmark/benchmark.h>

#include <map>
#include <sstream>
#include <string>
#include <utility>

namespace {

const std::string& dataset(const char* preset, std::int64_t n) {
  static std::map<std::pair<std::string, std::int64_t>, std::string> cache;
  auto [it, fresh] = cache.try_emplace({preset, n});
  if (fresh) {
    rung::GeneratorOptions o = rung::preset_options(preset, 2);
    o.count = static_cast<std::uint64_t>(n);
    rung::Generator gen(o);
    std::ostringstream out;
    gen.write(out, {});
    it->second = out.str();
  }
  return it->second;
}

/// audit_dataset on state.range(0) items of `preset`; learners on iff state.range(1).
void audit(benchmark::State& state, const char* preset) {
  const std::string& text = dataset(preset, state.range(0));
  rung::AuditOptions options;
  options.verify = false;
  options.learners.enabled = state.range(1) != 0;
  for (auto _ : state) {
    std::istringstream in(text);
    auto report = rung::audit_dataset(in, options);
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(std::to_string(state.range(0)) + " items, learners " + (state.range(1) != 0 ? "on" : "off"));
}

void AuditCladder(benchmark::State& state) { audit(state, "cladder"); }
BENCHMARK(AuditCladder)
    ->Args({1000, 0})->Args({1000, 1})->Args({10000, 0})->Args({10000, 1})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void AuditCounterbench(benchmark::State& state) { audit(state, "counterbench"); }
BENCHMARK(AuditCounterbench)
    ->Args({10000, 0})->Args({10000, 1})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void AuditLadder(benchmark::State& state) { audit(state, "ladder"); }
BENCHMARK(AuditLadder)
    ->Args({10000, 0})->Args({10000, 1})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
