/// \file
/// Benchmarks of rung::Dag on random sparse DAGs (about 3 parents per node, fixed seed).

#include "rung/graph/dag.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace {

using rung::Dag;
using rung::NodeId;
using rung::NodeSet;

constexpr std::uint64_t seed = 0x6A09E667F3BCC908ULL;

/// std::mt19937_64 bounded by multiply-shift.
class Rng {
 public:
  explicit Rng(std::uint64_t s) : engine_(s) {}
  /// In [0, n) for 0 < n < 2^32.
  std::uint32_t below(std::uint32_t n) {
    return static_cast<std::uint32_t>(((engine_() >> 32) * n) >> 32);
  }

 private:
  std::mt19937_64 engine_;
};

/// n nodes; each node after the first gets up to 3 parents among the nodes before it, so the
/// ids are a topological order and add_arc never meets a cycle.
Dag random_dag(Rng& rng, std::uint32_t n) {
  Dag g;
  for (std::uint32_t v = 0; v < n; ++v) {
    g.add_node("V" + std::to_string(v));
    for (int k = 0; k < 3 && v > 0; ++k) g.add_arc(rng.below(v), v);
  }
  return g;
}

struct Query {
  NodeSet x, y, z;
};

/// Singletons x and y, z about an eighth of the other nodes: almost always connected, after a
/// search through much of the graph.
std::vector<Query> random_queries(Rng& rng, const Dag& g, std::size_t count) {
  const auto n = static_cast<std::uint32_t>(g.size());
  std::vector<Query> queries(count);
  for (Query& q : queries) {
    const NodeId a = rng.below(n);
    NodeId b = rng.below(n - 1);
    if (b >= a) ++b;
    q.x = {a};
    q.y = {b};
    for (NodeId v = 0; v < n; ++v) {
      if (v != a && v != b && rng.below(8) == 0) q.z.push_back(v);
    }
  }
  return queries;
}

/// Singletons x and y given z = parents(x): by the local Markov property y is separated iff it
/// is not a descendant of x, which most nodes are not.
std::vector<Query> markov_queries(Rng& rng, const Dag& g, std::size_t count) {
  const auto n = static_cast<std::uint32_t>(g.size());
  std::vector<Query> queries(count);
  for (Query& q : queries) {
    const NodeId a = rng.below(n);
    q.x = {a};
    q.z = g.parents(a);
    NodeId b = a;
    while (b == a || std::binary_search(q.z.begin(), q.z.end(), b)) b = rng.below(n);
    q.y = {b};
  }
  return queries;
}

using QueryMaker = std::vector<Query> (*)(Rng&, const Dag&, std::size_t);

void BM_TopologicalOrder(benchmark::State& state) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  Rng rng(seed);
  const Dag g = random_dag(rng, n);
  for (auto _ : state) {
    benchmark::DoNotOptimize(g.topological_order());
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_TopologicalOrder)->RangeMultiplier(2)->Range(8, 512)->Complexity();

/// dsep over 64 prepared queries in turn; the `separated` counter is the share answered true.
void run_dsep(benchmark::State& state, QueryMaker make_queries) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  Rng rng(seed);
  const Dag g = random_dag(rng, n);
  const std::vector<Query> queries = make_queries(rng, g, 64);
  std::size_t i = 0;
  std::size_t separated = 0;
  for (auto _ : state) {
    const Query& q = queries[i++ % queries.size()];
    const bool result = g.dsep(q.x, q.y, q.z);
    benchmark::DoNotOptimize(result);
    separated += result ? 1 : 0;
  }
  state.counters["separated"] =
      benchmark::Counter(static_cast<double>(separated), benchmark::Counter::kAvgIterations);
  state.SetComplexityN(state.range(0));
}

void BM_DsepRandomSets(benchmark::State& state) { run_dsep(state, random_queries); }
BENCHMARK(BM_DsepRandomSets)->RangeMultiplier(2)->Range(8, 512)->Complexity();

void BM_DsepLocalMarkov(benchmark::State& state) { run_dsep(state, markov_queries); }
BENCHMARK(BM_DsepLocalMarkov)->RangeMultiplier(2)->Range(8, 512)->Complexity();

}  // namespace
