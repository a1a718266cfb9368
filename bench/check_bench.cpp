// The audit's cost (`rung audit --no-verify`) on generated datasets, with and without the
// learned-shortcut audit (cross-validated logistic regression and boosted trees, learners.hpp).
// The dataset is generated once per size, outside the timed loop (fixed seed 1, difficulty 2).
// Also the first step of every record the audit and the checker read: parsing it into the
// order-keeping JSON type (rung::ordered_json, core/json.hpp), against nlohmann's own.
#include "rung/check/audit.hpp"
#include "rung/core/json.hpp"
#include "rung/gen/generator.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

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

/// audit_dataset on state.range(0) items of `preset`; learners off when state.range(1) is 0,
/// else on with that many repetitions of their cross-validation (`--cv-repeats`; 3 is the default).
void audit(benchmark::State& state, const char* preset) {
  const std::string& text = dataset(preset, state.range(0));
  rung::AuditOptions options;
  options.verify = false;
  options.learners.enabled = state.range(1) != 0;
  options.learners.repeats = static_cast<unsigned>(std::max<std::int64_t>(1, state.range(1)));
  for (auto _ : state) {
    std::istringstream in(text);
    auto report = rung::audit_dataset(in, options);
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(std::to_string(state.range(0)) + " items, learners " +
                 (state.range(1) != 0 ? "on, " + std::to_string(state.range(1)) + " repetition(s)" : "off"));
}

void AuditCladder(benchmark::State& state) { audit(state, "cladder"); }
BENCHMARK(AuditCladder)
    ->Args({1000, 0})->Args({1000, 1})->Args({1000, 3})->Args({10000, 0})->Args({10000, 1})->Args({10000, 3})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void AuditCounterbench(benchmark::State& state) { audit(state, "counterbench"); }
BENCHMARK(AuditCounterbench)
    ->Args({10000, 0})->Args({10000, 1})->Args({10000, 3})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void AuditLadder(benchmark::State& state) { audit(state, "ladder"); }
BENCHMARK(AuditLadder)
    ->Args({10000, 0})->Args({10000, 1})->Args({10000, 3})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

/// Parses each line of state.range(0) cladder records as `J`.
template <typename J>
void parse_records(benchmark::State& state) {
  std::vector<std::string> lines;
  std::istringstream in(dataset("cladder", state.range(0)));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::size_t bytes = 0;
  for (const auto& l : lines) bytes += l.size();
  for (auto _ : state) {
    for (const auto& l : lines) {
      J j = J::parse(l);
      benchmark::DoNotOptimize(j);
    }
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}

void ParseRecordsRungOrderedJson(benchmark::State& state) { parse_records<rung::ordered_json>(state); }
BENCHMARK(ParseRecordsRungOrderedJson)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();
void ParseRecordsNlohmannOrderedJson(benchmark::State& state) { parse_records<nlohmann::ordered_json>(state); }
BENCHMARK(ParseRecordsNlohmannOrderedJson)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();
void ParseRecordsNlohmannJson(benchmark::State& state) { parse_records<nlohmann::json>(state); }
BENCHMARK(ParseRecordsNlohmannJson)->Arg(300)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
