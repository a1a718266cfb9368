// Items per second of `rung generate` presets, including both solves, the trace, distractors,
// the structure hash and the JSON text. Fixed seed; items are made in index order.
#include "rung/gen/generator.hpp"
#include "rung/gen/knobs.hpp"
#include "rung/gen/random.hpp"
#include "rung/gen/structure.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <fmt/format.h>

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <fstream>
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

/// Shard 1/N or N/N (state.range(1): 0 first, 1 last) of one counterbench run of 3,000 x N items
/// on one thread (issue #19: a shard costs its own range, the last as much as the first). Every
/// shard has 3,000 items whatever N, so a design that replayed the earlier shards' items would
/// make shard N/N cost N times shard 1/N; what is left is how the two ranges' items differ (at
/// 200 items a shard, shards of one run differ by up to 3x: level 2's classes cost unequal draws).
void CounterbenchShard(benchmark::State& state) {
  constexpr std::uint64_t kPerShard = 3000;
  rung::GeneratorOptions o = rung::preset_options("counterbench", 2);
  rung::RunOptions run;
  run.threads = 1;
  run.shards = static_cast<std::uint64_t>(state.range(0));
  run.shard = state.range(1) == 0 ? 1 : run.shards;
  o.count = kPerShard * run.shards;
  rung::Generator gen(o);
  for (auto _ : state) {
    std::ostringstream out;
    gen.write(out, run);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kPerShard));
  state.SetLabel(fmt::format("shard {}/{} of {} items", run.shard, run.shards, o.count));
}
BENCHMARK(CounterbenchShard)
    ->ArgsProduct({{2, 8, 32}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

/// Resident memory of this process, in bytes (/proc/self/statm), or 0 where it cannot be read.
std::uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0;
  std::uint64_t resident = 0;
  if (!(statm >> pages >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

/// The de-duplication set (StructureKeys) of a run of state.range(0) items, the one part of
/// `rung generate`'s and `rung merge`'s memory that grows with n (issue #19, item 4): filled with
/// n random 64-bit keys (rung's Rng; spread like structure hashes, repeats vanishingly rare). Counters: its
/// bytes per item as libstdc++ lays it out (one 16-byte node per key, one pointer per bucket)
/// and as the resident size grew while it was filled (the allocator's own rounding included;
/// meaningful on the first, largest run of a process: later runs reuse freed pages).
void StructureKeysBytes(benchmark::State& state) {
  const auto n = static_cast<std::uint64_t>(state.range(0));
  double laid_out = 0;
  double resident = 0;
  for (auto _ : state) {
    const std::uint64_t before = resident_bytes();
    rung::StructureKeys keys;
    rung::Rng rng(1);
    for (std::uint64_t i = 0; i < n; ++i) keys.insert(rng.next());
    const std::uint64_t after = resident_bytes();
    laid_out = static_cast<double>(keys.size() * 2 * sizeof(void*) + keys.bucket_count() * sizeof(void*)) / static_cast<double>(n);
    resident = after > before ? static_cast<double>(after - before) / static_cast<double>(n) : 0.0;
    benchmark::DoNotOptimize(keys);
  }
  state.counters["bytes_per_item"] = laid_out;
  state.counters["resident_bytes_per_item"] = resident;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(StructureKeysBytes)->Arg(10'000'000)->Arg(1'000'000)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(1);

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
