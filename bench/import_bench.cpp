// `rung import cladder` without a models file: read the questions, rebuild each item's
// stated-numbers model, solve its question exactly, the three verdicts' first two (the item's
// numbers, the text's rounded numbers with the rounding box) and the SPEC record, on one core.
// The input is 10,000 items cycled from CLadder's generator files in ../shared/datasets/cladder
// (3,652 items of nine types; question ids renumbered); skipped when they are absent. Run from
// the repository root, or set RUNG_SHARED_DIR to the directory holding datasets/.
#include "rung/core/json.hpp"
#include "rung/import/cladder.hpp"

#include <nlohmann/json.hpp>

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

/// `count` items as one JSON array text, or "" when the shared files are absent.
std::string cladder_items(std::size_t count) {
  const char* root = std::getenv("RUNG_SHARED_DIR");  // default: ../shared beside the checkout
  const std::filesystem::path dir = std::filesystem::path(root != nullptr ? root : "../shared") / "datasets/cladder";
  rung::ordered_json all = rung::ordered_json::array();
  for (const char* name : {"easy", "hard", "anti", "non"}) {
    std::ifstream in(dir / (std::string("test-generate-") + name + ".json"));
    if (!in) return "";
    for (auto& item : rung::ordered_json::parse(in)) all.push_back(std::move(item));
  }
  rung::ordered_json out = rung::ordered_json::array();
  for (std::size_t k = 0; k < count; ++k) {
    rung::ordered_json item = all[k % all.size()];
    item["question_id"] = k + 1;
    out.push_back(std::move(item));
  }
  return out.dump();
}

void CladderImport(benchmark::State& state) {
  const std::string text = cladder_items(static_cast<std::size_t>(state.range(0)));
  if (text.empty()) {
    state.SkipWithError("../shared/datasets/cladder is absent (run from the repository root beside ../shared)");
    return;
  }
  std::size_t parsed = 0;
  for (auto _ : state) {
    std::istringstream in(text);
    rung::ImportResult r = rung::import_cladder(in, nullptr, {.file = "bench", .audit = false});
    parsed = r.report.parsed;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetLabel(std::to_string(parsed) + " items imported");
}
BENCHMARK(CladderImport)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
