// Items per second of `rung generate` presets, including both solves, the trace, distractors,
// the structure hash and the JSON text. Fixed seed; items are made in index order.
#include "rung/gen/generator.hpp"
#include "rung/gen/knobs.hpp"
#include "rung/gen/structure.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <fmt/format.h>

#include <benchmark/benchmark.h>

#include <sstream>
#include <string>

namespace {

/// Single records of `preset` at the difficulty state.range(0), on one thread (`given`: what the
/// text states, when not the preset's default).
void records(benchmark::State& state, rung::GeneratorOptions o) {
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

void record(benchmark::State& state, const char* preset, const char* given = nullptr) {
  rung::GeneratorOptions o = rung::preset_options(preset, static_cast<int>(state.range(0)));
  if (given != nullptr) o.given = given;
  if (o.given == "model") o.undetermined_share = "0";
  records(state, std::move(o));
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

/// Shard 1/N or N/N (state.range(1): 0 first, 1 last) of one counterbench run of 6,400 items on
/// one thread (issue #19: a shard costs 1/N of the run, the last as much as the first).
void CounterbenchShard(benchmark::State& state) {
  rung::GeneratorOptions o = rung::preset_options("counterbench", 2);
  o.count = 6400;
  rung::Generator gen(o);
  rung::RunOptions run;
  run.threads = 1;
  run.shards = static_cast<std::uint64_t>(state.range(0));
  run.shard = state.range(1) == 0 ? 1 : run.shards;
  for (auto _ : state) {
    std::ostringstream out;
    gen.write(out, run);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(o.count / run.shards));
  state.SetLabel(fmt::format("shard {}/{} of {} items", run.shard, run.shards, o.count));
}
BENCHMARK(CounterbenchShard)
    ->ArgsProduct({{2, 8, 32}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void CounterbenchRecord(benchmark::State& state) { record(state, "counterbench"); }
BENCHMARK(CounterbenchRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

void CladderRecord(benchmark::State& state) { record(state, "cladder"); }
BENCHMARK(CladderRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

/// The cladder preset stating the whole model (--given model), beside its observed-quantities
/// default (issue #18: within 2x).
void CladderModelRecord(benchmark::State& state) { record(state, "cladder", "model"); }
BENCHMARK(CladderModelRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

void LadderRecord(benchmark::State& state) { record(state, "ladder"); }
BENCHMARK(LadderRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

/// The ladder preset stated in observed quantities (issue #18): `--given observed` as the CLI
/// sets it (its types, binary variables, 1/6 undetermined).
void LadderObservedRecord(benchmark::State& state) {
  rung::GeneratorKnobs k;
  k.preset = "ladder";
  k.difficulty = static_cast<int>(state.range(0));
  k.given = "observed";
  records(state, k.options());
}
BENCHMARK(LadderObservedRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

/// The linear preset (issue #20): linear-Gaussian items, each solved exactly by abduction (with
/// the trace) and by the parallel-worlds Gaussian, plus its wrong procedures.
void LinearRecord(benchmark::State& state) { record(state, "linear"); }
BENCHMARK(LinearRecord)->DenseRange(1, 5)->Unit(benchmark::kMillisecond);

void CounterbenchDataset(benchmark::State& state) { dataset(state, "counterbench"); }
BENCHMARK(CounterbenchDataset)->Args({1000, 1})->Args({1000, 2})->Unit(benchmark::kMillisecond)->UseRealTime();

/// The issue's target: a 10,000-item cladder set in under 10 s on 2 cores.
void CladderDataset(benchmark::State& state) { dataset(state, "cladder"); }
BENCHMARK(CladderDataset)->Args({10000, 2})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace

namespace {

/// canonical_form on a model whose variables colour refinement cannot tell apart: rings
/// U_i -> X_i <- U_{i+1} (X_i := U_i xor U_{i+1}) of sizes 4, 8, 4 and 2, so the canonical
/// labelling has to search (the hard case tests/gen/structure_test.cpp checks for invariance).
void CanonicalFormOfRings(benchmark::State& state) {
  rung::ScmBuilder b;
  const std::vector<int> sizes{4, 8, 4, 2};
  for (std::size_t r = 0; r < sizes.size(); ++r) {
    for (int i = 0; i < sizes[r]; ++i) b.bernoulli(fmt::format("U{}_{}", r, i), rung::Rational(1, 2));
    for (int i = 0; i < sizes[r]; ++i) {
      b.endogenous(fmt::format("X{}_{}", r, i), fmt::format("U{}_{} xor U{}_{}", r, i, r, (i + 1) % sizes[r]));
    }
  }
  b.bernoulli("R", rung::Rational(1, 3));
  b.endogenous("S", "R");
  const rung::Scm scm = b.build();
  const rung::Query query = rung::parse_query("P(S=1)", scm);
  for (auto _ : state) {
    auto form = rung::canonical_form(scm, query);
    benchmark::DoNotOptimize(form);
  }
}
BENCHMARK(CanonicalFormOfRings)->Unit(benchmark::kMillisecond);

}  // namespace
