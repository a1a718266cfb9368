/// \file
/// Benchmarks of reading models: a table mechanism of 2^20 rows (the parity of 20 binary
/// inputs, written out row by row: 69 MB of `.scm`, 2^20 rows of 21 values), from the `.scm`
/// text and from the JSON form, the text already in memory (docs/benchmarks.md, "Loading").
///
///     build/release/bench/rung_io_bench --benchmark_filter=Table

#include "rung/io/scm_json.hpp"
#include "rung/io/scm_text.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <string>

namespace {

using namespace rung;

constexpr int kInputs = 20;

/// exogenous U0..U19 fair coins; Y := table(U0, ..., U19) { the parity of each row }.
const std::string& parity_text() {
  static const std::string text = [] {
    std::string t;
    for (int i = 0; i < kInputs; ++i) t += fmt::format("exogenous U{} ~ Bernoulli(1/2)\n", i);
    t += "Y := table(";
    for (int i = 0; i < kInputs; ++i) t += fmt::format("{}U{}", i == 0 ? "" : ", ", i);
    t += ") {\n";
    for (std::uint32_t row = 0; row < (1u << kInputs); ++row) {
      int ones = 0;
      for (int i = 0; i < kInputs; ++i) {
        const bool bit = ((row >> (kInputs - 1 - i)) & 1u) != 0;
        ones += bit ? 1 : 0;
        t += bit ? "1, " : "0, ";
      }
      t.resize(t.size() - 2);
      t += fmt::format(" -> {}\n", ones % 2);
    }
    t += "}\n";
    return t;
  }();
  return text;
}

const std::string& parity_json() {
  static const std::string text = write_scm_json(read_scm_text(parity_text()));
  return text;
}

void TableOf2To20RowsFromText(benchmark::State& state) {
  const std::string& text = parity_text();
  for (auto _ : state) benchmark::DoNotOptimize(read_scm_text(text, "parity.scm"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(TableOf2To20RowsFromText)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void TableOf2To20RowsFromJson(benchmark::State& state) {
  const std::string& text = parity_json();
  for (auto _ : state) benchmark::DoNotOptimize(read_scm_json(text, "parity.json"));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(text.size()));
}
BENCHMARK(TableOf2To20RowsFromJson)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace
