// Items per second of `rung generate` presets, including both solves, the trace, distractors,
// the structure hash and the JSON text. Fixed seed; items are made in index order.
#include "rung/gen/generator.hpp"

#include <benchmark/benchmark.h>

#include <sstream>
#include <string>

namespace {

/// Single records of `preset` at the difficulty state.range(0), on one thread.
void record(benchmark::State& state, const char* preset) {
  rung::GeneratorOptions o = rung::preset_options(preset, static_cast<int>(state.range(0)));
  o.count = 1U << 30;
  rung::Generator gen(o);
  std::uint64_t index = 0;
  for (auto _ : state) {
    auto r = gen.line(index++);  // the record as written: the JSON text included
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("difficulty " + std::to_string(state.range(0)));
}

/// The whole pipeline of `rung generate --preset P -n N` (de-duplication and JSON lines), on
/// state.range(1) threads.
void dataset(benchmark::State& state, const char* preset) {
  rung::GeneratorOptions o = rung::preset_options(preset, 2);
  o.count = static_cast<std::uint64_t>(state.range(0));
  rung::Generator gen(o);
  rung::RunOptions run;
  run.threads = static_cast<unsigned>(state.range(1));
  for (auto _ : state) {
    std::ostringstream out;
    gen.write(out, run);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(std::to_string(state.range(0)) + " items, " + std::to_string(state.range(1)) + " threads");
}

void CounterbenchRecord(benchmark::State& state) { record(state, "counterbench"); }
BENCHMARK(CounterbenchRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

void CladderRecord(benchmark::State& state) { record(state, "cladder"); }
BENCHMARK(CladderRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

void LadderRecord(benchmark::State& state) { record(state, "ladder"); }
BENCHMARK(LadderRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

void CounterbenchDataset(benchmark::State& state) { dataset(state, "counterbench"); }
BENCHMARK(CounterbenchDataset)->Args({1000, 1})->Args({1000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

/// The target: a 10,000-item cladder set in under 10 s on 2 cores.
void CladderDataset(benchmark::State& state) { dataset(state, "cladder"); }
BENCHMARK(CladderDataset)->Args({10000, 2})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
