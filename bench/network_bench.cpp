/// \file
/// Benchmarks on bnlearn networks (tests/data/networks): loading alarm (gunzip, BIF, CPT checks
/// with normalisation, the canonical SCM), and answering distributions on it, model loaded:
/// a marginal, an evidence query, a do-query, the do+evidence query, a 4-variable joint,
/// each exact and in double precision; and the 1,000 queries of bench/data/alarm_1000.queries
/// (the same batch `rung solve --queries` answers), exact; two distributions on asia. The same
/// queries in pgmpy: bench/pgmpy_side_by_side.py.
///
///     build/release/bench/rung_network_bench --benchmark_filter=Alarm

#include "rung/infer/solver.hpp"
#include "rung/io/model_file.hpp"
#include "rung/query/query.hpp"

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#ifndef RUNG_SOURCE_DIR
#error "RUNG_SOURCE_DIR must name the source tree"
#endif

namespace {

using namespace rung;

const std::filesystem::path kAlarm = std::filesystem::path(RUNG_SOURCE_DIR) / "tests/data/networks/alarm.bif.gz";

const Scm& alarm() {
  static const Scm m = read_model_file(kAlarm, {.normalize_cpts = true});
  return m;
}

void AlarmLoad(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(read_model_file(kAlarm, {.normalize_cpts = true}));
}
BENCHMARK(AlarmLoad)->Unit(benchmark::kMillisecond);

const char* const kQueries[] = {
    "P(BP)",
    "P(BP | HYPOVOLEMIA=TRUE, CVP=LOW)",
    "P(BP | do(CATECHOL=HIGH))",
    "P(BP | do(CATECHOL=HIGH), HYPOVOLEMIA=TRUE)",
    "P(BP, CO, HR, TPR)",
};

/// One distribution query on a loaded network, exact or in double precision.
void distribution(benchmark::State& state, const Scm& model, const char* text, bool exact) {
  const Distribution d = std::get<Distribution>(parse_request(text, model));
  state.SetLabel(text);
  for (auto _ : state) {
    if (exact) {
      benchmark::DoNotOptimize(solve(model, d));
    } else {
      benchmark::DoNotOptimize(solve_double(model, d));
    }
  }
}

void AlarmDistributionExact(benchmark::State& state) { distribution(state, alarm(), kQueries[state.range(0)], true); }
BENCHMARK(AlarmDistributionExact)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

void AlarmDistributionDouble(benchmark::State& state) { distribution(state, alarm(), kQueries[state.range(0)], false); }
BENCHMARK(AlarmDistributionDouble)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

const Scm& asia() {
  static const Scm m = read_model_file(std::filesystem::path(RUNG_SOURCE_DIR) / "tests/data/networks/asia.bif", {});
  return m;
}

const char* const kAsiaQueries[] = {"P(dysp)", "P(lung | xray=yes, smoke=yes)"};

void AsiaDistributionExact(benchmark::State& state) { distribution(state, asia(), kAsiaQueries[state.range(0)], true); }
BENCHMARK(AsiaDistributionExact)->DenseRange(0, 1)->Unit(benchmark::kMicrosecond);

void AsiaDistributionDouble(benchmark::State& state) { distribution(state, asia(), kAsiaQueries[state.range(0)], false); }
BENCHMARK(AsiaDistributionDouble)->DenseRange(0, 1)->Unit(benchmark::kMicrosecond);

void AlarmBatchOf1000(benchmark::State& state) {
  std::vector<Distribution> batch;
  std::ifstream in(std::filesystem::path(RUNG_SOURCE_DIR) / "bench/data/alarm_1000.queries");
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    batch.push_back(std::get<Distribution>(parse_request(line, alarm())));
  }
  std::size_t zero = 0;
  for (auto _ : state) {
    zero = 0;
    for (const auto& d : batch) {
      try {
        benchmark::DoNotOptimize(solve(alarm(), d));
      } catch (const ZeroProbabilityEvidence&) {
        ++zero;
      }
    }
  }
  state.counters["queries"] = static_cast<double>(batch.size());
  state.counters["zero_evidence"] = static_cast<double>(zero);
}
BENCHMARK(AlarmBatchOf1000)->Unit(benchmark::kMillisecond);

}  // namespace
