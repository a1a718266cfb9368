// Items per second of `rung generate` presets, including both solves, the trace, distractors,
// the structure hash and the JSON text. Fixed seed; items are made in index order.
#include "rung/gen/generator.hpp"

#include <benchmark/benchmark.h>

#include <sstream>

namespace {

void CounterbenchRecord(benchmark::State& state) {
  rung::GeneratorOptions o = rung::preset_options("counterbench", static_cast<int>(state.range(0)));
  o.count = 1U << 30;
  rung::Generator gen(o);
  std::uint64_t index = 0;
  for (auto _ : state) {
    auto r = gen.record(index++);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel("difficulty " + std::to_string(state.range(0)));
}
BENCHMARK(CounterbenchRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

/// The whole pipeline of `rung generate -n 1000` (de-duplication and JSON lines), by thread count.
void CounterbenchDataset(benchmark::State& state) {
  rung::GeneratorOptions o = rung::preset_options("counterbench", 2);
  o.count = 1000;
  rung::Generator gen(o);
  rung::RunOptions run;
  run.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    std::ostringstream out;
    gen.write(out, run);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetLabel(std::to_string(state.range(0)) + " threads");
}
BENCHMARK(CounterbenchDataset)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
