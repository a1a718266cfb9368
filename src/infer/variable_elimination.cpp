#include "rung/infer/variable_elimination.hpp"

#include "factor_kernels.hpp"

#include "rung/core/scalar.hpp"

#include "rung/core/deadline.hpp"
#include "rung/core/progress.hpp"
#include "rung/core/error.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <tuple>
#include <type_traits>
#include <stdexcept>

namespace rung::ve {

namespace {

using kernel::Small;

bool contains(std::span<const NodeId> scope, NodeId node) {
  return std::binary_search(scope.begin(), scope.end(), node);
}

std::uint32_t card_of(const WorldNetwork& net, NodeId id) { return static_cast<std::uint32_t>(net.cardinality(id)); }

template <class S>
S sum(const std::vector<S>& values) {
  S total(0);
  for (const S& v : values) total += v;
  return total;
}

/// Calls visit(coordinates, value) for every cell of `f`, in row-major order.
template <class S, class Visit>
void for_each_cell(const Factor<S>& f, Visit&& visit) {
  Small<std::uint32_t> at(f.scope.size(), 0);
  for (const S& value : f.values) {
    visit(at, value);
    for (std::size_t d = at.size(); d-- > 0;) {
      if (++at[d] < f.card[d]) break;
      at[d] = 0;
    }
  }
}

/// Cliques stored flat (two allocations however many there are): clique i is
/// nodes[end[i - 1], end[i]).
struct Cliques {
  std::vector<NodeId> nodes;
  std::vector<std::size_t> end;

  void clear() {
    nodes.clear();
    end.clear();
  }
  void add(std::span<const NodeId> clique) {
    nodes.insert(nodes.end(), clique.begin(), clique.end());
    end.push_back(nodes.size());
  }
  /// Adds `node` to the last clique.
  void extend(NodeId node) {
    nodes.push_back(node);
    ++end.back();
  }
  [[nodiscard]] std::size_t size() const { return end.size(); }
  [[nodiscard]] std::span<const NodeId> operator[](std::size_t i) const {
    const std::size_t begin = i == 0 ? 0 : end[i - 1];
    return {nodes.data() + begin, end[i] - begin};
  }
};

/// The working memory of min_fill, kept from one query to the next.
struct MinFillScratch {
  /// (fill, weight, id): the set's first key is the next node to eliminate.
  using Key = std::tuple<std::size_t, std::uint64_t, std::size_t>;
  std::vector<std::vector<NodeId>> adj;  // per node: its neighbours, sorted
  std::vector<std::size_t> fill;         // per node: pairs of its neighbours that are not adjacent
  std::vector<char> alive;
  std::set<Key> queue;                   // the eliminable nodes left, by key
  std::vector<Key> key;                  // per eliminable node: its key in `queue`
  std::vector<char> touched;
  std::vector<std::size_t> changed;      // the nodes whose fill or neighbours changed this step
  std::vector<NodeId> nb;
};

/// Greedy min-fill (see min_fill_order) into `order`. The graph is kept as sorted adjacency
/// lists and the fill of every node is updated as edges come and go (never recomputed from
/// scratch), so one step costs about the fill edges it adds times the degrees of their ends,
/// not the number of nodes: a chain or a wide, shallow network of 20,000 nodes orders in
/// milliseconds. The set of keys makes the choice the same as a scan over all nodes would (and on
/// small networks a scan of the kept keys is what it does).
void min_fill(std::size_t count, const Cliques& cliques, std::span<const std::uint32_t> card,
              std::span<const char> eliminable, MinFillScratch& s, std::vector<NodeId>& order) {
  s.adj.resize(count);
  for (auto& a : s.adj) a.clear();
  s.alive.assign(count, 0);
  for (std::size_t c = 0; c < cliques.size(); ++c) {
    const std::span<const NodeId> clique = cliques[c];
    for (NodeId a : clique) {
      s.alive[a] = 1;
      for (NodeId b : clique) {
        if (a != b) s.adj[a].push_back(b);
      }
    }
  }
  for (auto& a : s.adj) {
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
  }
  for (std::size_t v = 0; v < count; ++v) {
    if (eliminable[v] != 0) s.alive[v] = 1;
  }
  const auto adjacent = [&](std::size_t a, std::size_t b) {
    const auto& ra = s.adj[a];
    return std::binary_search(ra.begin(), ra.end(), static_cast<NodeId>(b));
  };
  // Calls visit(c) for every common neighbour c of a and b (the shorter list searched in the longer).
  const auto for_common = [&](std::size_t a, std::size_t b, auto&& visit) {
    const auto& ra = s.adj[a].size() <= s.adj[b].size() ? s.adj[a] : s.adj[b];
    const auto& rb = s.adj[a].size() <= s.adj[b].size() ? s.adj[b] : s.adj[a];
    for (NodeId c : ra) {
      if (std::binary_search(rb.begin(), rb.end(), c)) visit(c);
    }
  };
  const auto weight_of = [&](std::size_t v) {
    constexpr std::uint64_t cap = std::uint64_t{1} << 62;
    std::uint64_t weight = card[v];
    for (NodeId a : s.adj[v]) {
      if (weight == cap) break;  // saturated: it stays so
      weight = weight > cap / card[a] ? cap : weight * card[a];
    }
    return weight;
  };

  // The initial fill: pairs of neighbours minus the edges among them.
  s.fill.assign(count, 0);
  for (std::size_t v = 0; v < count; ++v) {
    const std::size_t d = s.adj[v].size();
    std::size_t edges = 0;  // each edge among the neighbours counted from both ends
    for (NodeId a : s.adj[v]) for_common(v, a, [&](NodeId) { ++edges; });
    s.fill[v] = d * (d - (d > 0 ? 1 : 0)) / 2 - edges / 2;
  }
  // Up to kScanNodes nodes (nearly every query of the generators' models) the next node is found
  // by scanning the keys: the same minimum as the ordered set's first key, without allocating a
  // set node per key and per update.
  constexpr std::size_t kScanNodes = 96;
  const bool scan = count <= kScanNodes;
  s.queue.clear();
  s.key.assign(count, {});
  std::size_t left = 0;  // eliminable nodes not yet ordered
  for (std::size_t v = 0; v < count; ++v) {
    if (eliminable[v] == 0) continue;
    s.key[v] = {s.fill[v], weight_of(v), v};
    ++left;
    if (!scan) s.queue.insert(s.key[v]);
  }

  s.touched.assign(count, 0);
  const auto touch = [&](std::size_t v) {
    if (s.touched[v] == 0) {
      s.touched[v] = 1;
      s.changed.push_back(v);
    }
  };
  // The edge a-b (absent): the fill of their common neighbours drops by one (a and b are now
  // adjacent), and a gains the pairs (b, x) for its neighbours x not adjacent to b, b likewise.
  const auto add_edge = [&](std::size_t a, std::size_t b) {
    std::size_t common = 0;
    for_common(a, b, [&](NodeId c) {
      ++common;
      --s.fill[c];
      touch(c);
    });
    s.fill[a] += s.adj[a].size() - common;
    s.fill[b] += s.adj[b].size() - common;
    auto& ra = s.adj[a];
    ra.insert(std::lower_bound(ra.begin(), ra.end(), static_cast<NodeId>(b)), static_cast<NodeId>(b));
    auto& rb = s.adj[b];
    rb.insert(std::lower_bound(rb.begin(), rb.end(), static_cast<NodeId>(a)), static_cast<NodeId>(a));
    touch(a);
    touch(b);
  };

  order.clear();
  while (left > 0) {
    std::size_t best = count;
    if (scan) {
      for (std::size_t v = 0; v < count; ++v) {
        if (eliminable[v] != 0 && s.alive[v] != 0 && (best == count || s.key[v] < s.key[best])) best = v;
      }
    } else {
      best = std::get<2>(*s.queue.begin());
      s.queue.erase(s.queue.begin());
    }
    --left;
    order.push_back(static_cast<NodeId>(best));
    s.nb = s.adj[best];
    s.changed.clear();
    // Connect the neighbours into a clique (nothing to do when best's fill is 0).
    if (s.fill[best] != 0) {
      for (std::size_t i = 0; i < s.nb.size(); ++i) {
        for (std::size_t j = i + 1; j < s.nb.size(); ++j) {
          if (!adjacent(s.nb[i], s.nb[j])) add_edge(s.nb[i], s.nb[j]);
        }
      }
    }
    // Remove best: each neighbour a loses the pairs (best, x) for x in N(a) not adjacent to
    // best, which are N(a) less best and less best's other neighbours (all in N(a) now).
    for (NodeId a : s.nb) {
      s.fill[a] -= s.adj[a].size() - s.nb.size();
      auto& ra = s.adj[a];
      ra.erase(std::lower_bound(ra.begin(), ra.end(), static_cast<NodeId>(best)));
      touch(a);
    }
    s.adj[best].clear();
    s.alive[best] = 0;
    for (std::size_t v : s.changed) {
      s.touched[v] = 0;
      if (eliminable[v] == 0 || s.alive[v] == 0) continue;
      if (!scan) s.queue.erase(s.key[v]);
      s.key[v] = {s.fill[v], weight_of(v), v};
      if (!scan) s.queue.insert(s.key[v]);
    }
  }
}

/// A run of entries of one of the arena's pools.
struct Range {
  std::size_t begin = 0;
  std::size_t size = 0;
};

/// The factors of one elimination and the pools holding their tables. A factor is a view of
/// ranges of the pools, so building, substituting and multiplying factors allocates nothing once
/// the pools (kept per thread from one query to the next) have grown to a query's size. A
/// factor replaced by a substitution or consumed by a product is not freed: the pools are
/// cleared when the next elimination starts.
template <class S>
struct Arena {
  struct Dense {
    Range scope;   // into nodes/cards
    Range values;  // into values
    bool indicator = false;
    bool alive = true;
    std::size_t cell_bytes = 0;  // the largest heap_bytes of a value
  };
  struct Function {
    NodeId out = 0;
    std::uint32_t out_card = 0;
    std::optional<Value> observed;
    Range scope;   // into nodes/cards
    Range values;  // into tables
    bool alive = true;
  };

  std::vector<NodeId> nodes;         // scopes, back to back
  std::vector<std::uint32_t> cards;  // the cardinality of each entry of `nodes`
  std::vector<Value> tables;         // function tables
  std::vector<S> values;             // dense tables
  std::vector<Dense> dense;
  std::vector<Function> functions;

  // Per network node.
  std::vector<std::optional<Value>> known;
  std::vector<char> is_target;
  std::vector<char> eliminable;
  std::vector<char> absorbed;        // exogenous nodes read only as a CPT's noise: in the CPT's factor
  std::vector<char> own_factor;      // CPT nodes whose noise is absorbed: the factor P(X | parents)
  std::vector<std::uint32_t> reads;  // per node: the function nodes reading it
  std::vector<std::uint32_t> card;
  std::vector<std::ptrdiff_t> function_of;
  std::size_t held = 0;  // heap_bytes of every value in `values` (the byte guard's running total)
  std::vector<std::vector<std::size_t>> dense_readers;     // per node: dense factors that read it (or did)
  std::vector<std::vector<std::size_t>> function_readers;  // per node: function factors likewise

  // Scratch.
  std::vector<Value> scratch;  // one value per model variable, for Mechanism::evaluate
  std::vector<std::uint32_t> counter;
  std::vector<std::size_t> slot;
  Small<NodeId> inputs;
  Cliques cliques;
  MinFillScratch fill;
  std::vector<NodeId> order;
  kernel::Scope scope_out;
  Small<std::size_t> dense_in;
  Small<std::size_t> functions_in;
  Small<kernel::DenseRef<S>> dense_refs;
  Small<kernel::FunctionRef> function_refs;

  void clear() {
    nodes.clear();
    cards.clear();
    tables.clear();
    values.clear();
    dense.clear();
    functions.clear();
    held = 0;
  }

  void note_dense(std::size_t d) {
    for (NodeId x : scope(dense[d].scope)) dense_readers[x].push_back(d);
  }
  void note_function(std::size_t g) {
    for (NodeId x : scope(functions[g].scope)) function_readers[x].push_back(g);
  }
  /// The live factors whose scope holds v into dense_in and functions_in, each in index order.
  void readers(NodeId v) {
    const auto live = [&](auto& list, auto& out, const auto& factors) {
      out.clear();
      for (std::size_t i : list) {
        if (factors[i].alive && contains(scope(factors[i].scope), v)) out.push_back(i);
      }
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      list.clear();  // v is eliminated now: nothing will read it again
    };
    live(dense_readers[v], dense_in, dense);
    live(function_readers[v], functions_in, functions);
  }

  /// Adds the heap bytes of the values in `r` to `held`; returns the largest.
  std::size_t charge(Range r) {
    std::size_t largest = 0;
    for (std::size_t i = r.begin; i < r.begin + r.size; ++i) {
      const std::size_t b = heap_bytes(values[i]);
      held += b;
      largest = std::max(largest, b);
    }
    return largest;
  }
  /// The bound on a cell of a product of the factors in dense_in: its numbers multiply, and the
  /// digits of a product are at most the digits of its factors together (saturating).
  [[nodiscard]] std::size_t product_cell_bytes() const {
    std::size_t bytes = 0;
    for (std::size_t d : dense_in) {
      bytes = std::min(bytes + dense[d].cell_bytes, std::numeric_limits<std::size_t>::max() / 2);
    }
    return bytes;
  }

  [[nodiscard]] std::span<const NodeId> scope(Range r) const { return {nodes.data() + r.begin, r.size}; }
  [[nodiscard]] std::span<const std::uint32_t> scope_card(Range r) const { return {cards.data() + r.begin, r.size}; }
  [[nodiscard]] kernel::DenseRef<S> ref(const Dense& f) const {
    return {scope(f.scope), scope_card(f.scope), values.data() + f.values.begin, f.indicator};
  }
  [[nodiscard]] kernel::FunctionRef ref(const Function& f) const {
    return {f.out, f.out_card, f.observed, scope(f.scope), scope_card(f.scope), tables.data() + f.values.begin};
  }

  static constexpr std::size_t kNoSlot = std::numeric_limits<std::size_t>::max();

  /// The node's inputs not known yet into `inputs` (sorted, each once), the known ones' values
  /// into `scratch`; the parent `skip` (a CPT's noise) is left out.
  void gather_inputs(const WorldNode& node, const NodeSet& parents, std::optional<VarId> skip) {
    inputs.clear();
    for (std::size_t i = 0; i < parents.size(); ++i) {
      if (parents[i] == skip) continue;
      const NodeId in = node.inputs[i];
      if (known[in]) {
        scratch[parents[i]] = *known[in];
      } else {
        inputs.push_back(in);
      }
    }
    std::sort(inputs.begin(), inputs.end());
    inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
  }
  /// Pushes `inputs` as a scope, and points `slot[i]` at its entry for each parent i read from
  /// it (kNoSlot for the others).
  Range push_inputs(const WorldNode& node, const NodeSet& parents, std::optional<VarId> skip) {
    const Range r{nodes.size(), inputs.size()};
    for (NodeId s : inputs) {
      nodes.push_back(s);
      cards.push_back(card[s]);
    }
    const std::span<const NodeId> in_scope = scope(r);
    slot.assign(parents.size(), kNoSlot);
    for (std::size_t i = 0; i < parents.size(); ++i) {
      if (parents[i] != skip && !known[node.inputs[i]]) {
        slot[i] = static_cast<std::size_t>(std::lower_bound(in_scope.begin(), in_scope.end(), node.inputs[i]) -
                                           in_scope.begin());
      }
    }
    return r;
  }
  /// Calls visit(cell) for each of the `cells` cells of a scope with cardinalities `card_of`
  /// (row-major), with `scratch` holding the parents' values there and `counter` its coordinates.
  template <class Visit>
  void each_cell(const NodeSet& parents, std::span<const std::uint32_t> card_of, std::size_t cells, Visit&& visit) {
    counter.assign(card_of.size(), 0);
    for (std::size_t cell = 0; cell < cells; ++cell) {
      for (std::size_t i = 0; i < parents.size(); ++i) {
        if (slot[i] != kNoSlot) scratch[parents[i]] = counter[slot[i]];
      }
      visit(cell);
      for (std::size_t d = counter.size(); d-- > 0;) {
        if (++counter[d] < card_of[d]) break;
        counter[d] = 0;
      }
    }
  }

  Range push_scope(const kernel::Scope& s) {
    const Range r{nodes.size(), s.nodes.size()};
    nodes.insert(nodes.end(), s.nodes.begin(), s.nodes.end());
    cards.insert(cards.end(), s.card.begin(), s.card.end());
    return r;
  }
  /// `cells` new entries at the end of `pool` (value-initialised: 0 for a scalar).
  template <class T>
  static Range grow(std::vector<T>& pool, std::size_t cells) {
    const Range r{pool.size(), cells};
    pool.resize(pool.size() + cells);
    return r;
  }

  /// Replaces dense factor d by d with f.out substituted by f.
  void substitute(Dense& d, const Function& f, std::size_t limit) {
    kernel::substitute_scope(scope(d.scope), scope_card(d.scope), ref(f), scope_out);
    const std::size_t cells = check_cells(scope_out.card_span(), limit);
    check_bytes(cells, scope_out.nodes.size(), d.cell_bytes, held, limit);  // each cell copies one of d's
    const Range values_range = grow(values, cells);
    const Range old = d.scope;
    d.scope = push_scope(scope_out);
    // The pools may have moved: the views are taken after they grew.
    kernel::substitute_values<S>(scope(old), scope_card(old), values.data() + d.values.begin, ref(f), scope_out,
                                 values.data() + values_range.begin);
    d.values = values_range;
    d.cell_bytes = charge(values_range);
  }
  /// Replaces function g by the composition of g with f.
  void substitute(Function& g, const Function& f, std::size_t limit) {
    kernel::substitute_scope(scope(g.scope), scope_card(g.scope), ref(f), scope_out);
    const Range table_range = grow(tables, check_cells(scope_out.card_span(), limit));
    const Range old = g.scope;
    g.scope = push_scope(scope_out);
    kernel::substitute_values<Value>(scope(old), scope_card(old), tables.data() + g.values.begin, ref(f), scope_out,
                                     tables.data() + table_range.begin);
    g.values = table_range;
  }

  /// The views of the factors listed in dense_in and functions_in.
  void take_refs() {
    dense_refs.clear();
    for (std::size_t d : dense_in) dense_refs.push_back(ref(dense[d]));
    function_refs.clear();
    for (std::size_t g : functions_in) function_refs.push_back(ref(functions[g]));
  }
  [[nodiscard]] std::span<const kernel::DenseRef<S>> dense_span() const { return {dense_refs.data(), dense_refs.size()}; }
  [[nodiscard]] std::span<const kernel::FunctionRef> function_span() const {
    return {function_refs.data(), function_refs.size()};
  }

  /// Appends the product of the factors in dense_in and functions_in with `v` summed out.
  void sum_product(NodeId v, std::size_t limit) {
    take_refs();
    const std::uint32_t eliminated_card = kernel::sum_product_scope<S>(dense_span(), function_span(), v, scope_out);
    const std::size_t cells = check_cells(scope_out.card_span(), limit);
    check_bytes(cells, scope_out.nodes.size(), product_cell_bytes(), held, limit);
    const Range values_range = grow(values, cells);
    const Range scope_range = push_scope(scope_out);
    take_refs();  // the pools may have moved
    const bool indicator = kernel::sum_product_values<S>(dense_span(), function_span(), v, eliminated_card, scope_out,
                                                         values.data() + values_range.begin);
    dense.push_back({scope_range, values_range, indicator, true, charge(values_range)});
  }
};

template <class S>
Arena<S>& arena() {
  thread_local Arena<S> a;
  return a;
}

/// The factor P(X | parents) of the CPT node `id` (its noise absorbed), over the parents not
/// known yet and X unless observed; folds it into `scalar` or `a.known` when it has no scope left.
/// Returns true when the evidence on X is impossible given known parents.
template <class S>
bool cpt_factor(const WorldNetwork& net, NodeId id, std::optional<Value> ev, std::size_t limit, Arena<S>& a, S& scalar) {
  const WorldNode& node = net.node(id);
  const Mechanism& m = net.scm().mechanism(node.var);
  const NodeSet& parents = m.parents();
  const std::size_t values = m.cpt_values();
  const auto probability = [&](std::size_t cell) -> S {
    if constexpr (std::is_same_v<S, double>) {
      return m.cpt_doubles()[cell];
    } else {
      return from_rational<S>(m.cpt_probabilities()[cell]);
    }
  };
  a.gather_inputs(node, parents, m.cpt_noise());
  if (a.inputs.empty()) {  // the row is known
    const std::size_t row = m.cpt_row(a.scratch) * values;
    if (ev) {
      const auto& p = m.cpt_probabilities()[row + *ev];
      a.known[id] = *ev;
      if (p.is_zero()) return true;
      scalar *= probability(row + *ev);
      return false;
    }
    if (a.is_target[id] == 0) {
      for (std::size_t j = 0; j < values; ++j) {
        if (is_one(m.cpt_probabilities()[row + j])) {
          a.known[id] = static_cast<Value>(j);
          return false;
        }
      }
    }
  }
  if (!ev) a.inputs.push_back(id);  // X's id follows its parents' (topological ids)
  typename Arena<S>::Dense f;
  f.scope = a.push_inputs(node, parents, m.cpt_noise());
  const std::span<const std::uint32_t> card = a.scope_card(f.scope);
  const std::size_t cells = check_cells(card, limit);
  f.values = Arena<S>::grow(a.values, cells);
  f.indicator = true;
  a.each_cell(parents, card, cells, [&](std::size_t cell) {
    const std::size_t x = ev ? *ev : a.counter.back();
    const std::size_t at = m.cpt_row(a.scratch) * values + x;
    const Rational& p = m.cpt_probabilities()[at];
    f.indicator = f.indicator && (p.is_zero() || is_one(p));
    a.values[f.values.begin + cell] = probability(at);
  });
  f.cell_bytes = a.charge(f.values);
  a.dense.push_back(f);
  if (ev) a.known[id] = *ev;  // the children read the observed value
  return false;
}

/// Builds the factors of `net` in `a`, folding away every value known without uncertainty;
/// returns false when the evidence is impossible. `scalar` collects the probability of observed
/// exogenous nodes.
template <class S>
bool build_factors(const WorldNetwork& net, std::span<const std::optional<Value>> evidence, std::size_t limit,
                   Arena<S>& a, S& scalar) {
  const Scm& scm = net.scm();
  const std::size_t n = net.size();
  bool impossible = false;
  a.scratch.assign(scm.size(), 0);
  // A CPT node whose noise nothing else reads (and that is neither a target nor observed) is
  // the factor P(X | parents) itself: the noise and the inverse-CDF table are never built. So
  // rung-1 and rung-2 queries on networks cost what the CPTs cost; only worlds that share a
  // CPT's noise (counterfactuals) build it.
  a.absorbed.assign(n, 0);
  a.own_factor.assign(n, 0);
  const bool any_cpt = std::any_of(net.nodes().begin(), net.nodes().end(), [&](const WorldNode& w) {
    return w.kind == WorldNode::Kind::function && scm.mechanism(w.var).is_cpt();
  });
  if (any_cpt) {
    a.reads.assign(n, 0);
    for (const WorldNode& node : net.nodes()) {
      if (node.kind != WorldNode::Kind::function) continue;
      for (auto in = node.inputs.begin(); in != node.inputs.end(); ++in) {
        if (std::find(node.inputs.begin(), in, *in) == in) ++a.reads[*in];  // each reader once
      }
    }
    for (NodeId id = 0; id < n; ++id) {
      const WorldNode& node = net.node(id);
      if (node.kind != WorldNode::Kind::function || !scm.mechanism(node.var).is_cpt()) continue;
      const Mechanism& m = scm.mechanism(node.var);
      const NodeSet& parents = m.parents();
      const NodeId u = node.inputs[static_cast<std::size_t>(
          std::lower_bound(parents.begin(), parents.end(), m.cpt_noise()) - parents.begin())];
      const bool observed = u < evidence.size() && evidence[u].has_value();
      if (net.node(u).kind == WorldNode::Kind::exogenous && a.reads[u] == 1 && a.is_target[u] == 0 && !observed) {
        a.absorbed[u] = 1;
        a.own_factor[id] = 1;
      }
    }
  }
  for (NodeId id = 0; id < n; ++id) {
    const WorldNode& node = net.node(id);
    const std::optional<Value> ev = id < evidence.size() ? evidence[id] : std::nullopt;
    if (a.absorbed[id] != 0) continue;  // in its CPT's factor
    if (a.own_factor[id] != 0) {
      impossible = cpt_factor(net, id, ev, limit, a, scalar) || impossible;
      continue;
    }
    switch (node.kind) {
      case WorldNode::Kind::constant:
        a.known[id] = node.value;
        impossible = impossible || (ev && *ev != node.value);
        break;
      case WorldNode::Kind::exogenous: {
        const auto& prior = scm.prior(node.var);
        if (ev) {
          scalar *= from_rational<S>(prior[*ev]);
          a.known[id] = *ev;
          break;
        }
        if (a.is_target[id] == 0 &&
            std::count_if(prior.begin(), prior.end(), [](const Rational& p) { return !p.is_zero(); }) == 1) {
          a.known[id] = static_cast<Value>(
              std::find_if(prior.begin(), prior.end(), [](const Rational& p) { return !p.is_zero(); }) - prior.begin());
          break;
        }
        typename Arena<S>::Dense f;
        f.scope = {a.nodes.size(), 1};
        a.nodes.push_back(id);
        a.cards.push_back(a.card[id]);
        f.values = {a.values.size(), prior.size()};
        f.indicator = true;
        for (const auto& p : prior) {
          a.values.push_back(from_rational<S>(p));
          f.indicator = f.indicator && (p.is_zero() || is_one(p));
        }
        f.cell_bytes = a.charge(f.values);
        a.dense.push_back(f);
        break;
      }
      case WorldNode::Kind::function: {
        const Mechanism& m = scm.mechanism(node.var);
        const NodeSet& parents = m.parents();
        typename Arena<S>::Function f;
        f.out = id;
        f.out_card = a.card[id];
        f.observed = ev;
        a.gather_inputs(node, parents, std::nullopt);
        f.scope = a.push_inputs(node, parents, std::nullopt);
        const std::span<const std::uint32_t> card = a.scope_card(f.scope);
        const std::size_t cells = check_cells(card, limit);
        f.values = Arena<S>::grow(a.tables, cells);
        Value* table = a.tables.data() + f.values.begin;
        a.each_cell(parents, card, cells, [&](std::size_t cell) { table[cell] = m.evaluate(a.scratch); });
        if (card.empty()) {
          const Value v = table[0];
          if (ev) {
            impossible = impossible || v != *ev;
            a.known[id] = *ev;
            break;
          }
          if (a.is_target[id] == 0) {
            a.known[id] = v;
            break;
          }
        } else if (ev) {
          a.known[id] = *ev;  // the children read the observed value
        }
        a.functions.push_back(f);
        break;
      }
    }
  }
  return !impossible;
}

/// joint() with the evidence as one optional value per node (entries past the end: none).
template <class S>
Factor<S> joint_of(const WorldNetwork& net, std::vector<NodeId> targets, std::span<const std::optional<Value>> evidence,
                   std::size_t limit) {
  std::sort(targets.begin(), targets.end());
  targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
  const std::size_t n = net.size();
  Arena<S>& a = arena<S>();
  a.clear();
  a.known.assign(n, std::nullopt);
  a.is_target.assign(n, 0);
  for (NodeId t : targets) a.is_target[t] = 1;
  a.card.resize(n);
  for (NodeId id = 0; id < n; ++id) a.card[id] = card_of(net, id);

  // 1. Factors, folding away every value known without uncertainty.
  S scalar(1);
  if (!build_factors(net, evidence, limit, a, scalar)) {
    Factor<S> zero;
    zero.scope = targets;
    for (NodeId t : targets) zero.card.push_back(a.card[t]);
    zero.values.assign(check_cells(zero.card, limit), S(0));
    zero.indicator = true;
    return zero;
  }

  // 2. Elimination order over the interaction graph.
  a.cliques.clear();
  for (const auto& f : a.dense) a.cliques.add(a.scope(f.scope));
  for (const auto& f : a.functions) {
    a.cliques.add(a.scope(f.scope));
    if (!f.observed) a.cliques.extend(f.out);
  }
  a.eliminable.resize(n);
  for (NodeId id = 0; id < n; ++id) {
    a.eliminable[id] = a.is_target[id] == 0 && !a.known[id] && net.node(id).kind != WorldNode::Kind::constant &&
                       a.absorbed[id] == 0;
  }
  min_fill(n, a.cliques, a.card, a.eliminable, a.fill, a.order);

  // 3. Eliminate.
  a.function_of.assign(n, -1);
  for (std::size_t k = 0; k < a.functions.size(); ++k) {
    if (!a.functions[k].observed) a.function_of[a.functions[k].out] = static_cast<std::ptrdiff_t>(k);
  }
  // The factors that read each node, so that a step looks at those only (not at every factor:
  // quadratic on a chain of 20,000). An entry goes stale when its factor is consumed or no
  // longer reads the node; readers() skips those.
  a.dense_readers.resize(n);
  a.function_readers.resize(n);
  for (NodeId id = 0; id < n; ++id) {
    a.dense_readers[id].clear();
    a.function_readers[id].clear();
  }
  for (std::size_t d = 0; d < a.dense.size(); ++d) a.note_dense(d);
  for (std::size_t g = 0; g < a.functions.size(); ++g) a.note_function(g);
  std::uint64_t eliminated = 0;
  for (NodeId v : a.order) {
    check_deadline();
    report_progress("eliminating", eliminated++, a.order.size(), a.held);
    a.readers(v);  // into dense_in and functions_in, in factor order as a scan would find them
    if (const std::ptrdiff_t k = a.function_of[v]; k >= 0) {
      // v = f(inputs): substitute f into every factor that reads v (f itself does not).
      auto& f = a.functions[static_cast<std::size_t>(k)];
      f.alive = false;
      a.function_of[v] = -1;
      for (std::size_t d : a.dense_in) {
        a.substitute(a.dense[d], f, limit);
        a.note_dense(d);
      }
      for (std::size_t g : a.functions_in) {
        if (g == static_cast<std::size_t>(k)) continue;
        a.substitute(a.functions[g], f, limit);
        a.note_function(g);
      }
      continue;
    }
    for (std::size_t d : a.dense_in) a.dense[d].alive = false;
    for (std::size_t g : a.functions_in) {
      auto& f = a.functions[g];
      f.alive = false;
      if (!f.observed) a.function_of[f.out] = -1;
    }
    a.sum_product(v, limit);
    a.note_dense(a.dense.size() - 1);
  }

  // 4. What is left is over the targets only.
  a.dense_in.clear();
  a.functions_in.clear();
  for (std::size_t d = 0; d < a.dense.size(); ++d) {
    if (a.dense[d].alive) a.dense_in.push_back(d);
  }
  for (std::size_t g = 0; g < a.functions.size(); ++g) {
    if (a.functions[g].alive) a.functions_in.push_back(g);
  }
  a.take_refs();
  Factor<S> result;
  const std::uint32_t one = kernel::sum_product_scope<S>(a.dense_span(), a.function_span(), std::nullopt, a.scope_out);
  result.scope.assign(a.scope_out.nodes.begin(), a.scope_out.nodes.end());
  result.card.assign(a.scope_out.card.begin(), a.scope_out.card.end());
  const std::size_t cells = check_cells(result.card, limit);
  check_bytes(cells, result.scope.size(), a.product_cell_bytes() + heap_bytes(scalar), a.held, limit);
  result.values.resize(cells);
  result.indicator = kernel::sum_product_values<S>(a.dense_span(), a.function_span(), std::nullopt, one, a.scope_out,
                                                   result.values.data());
  if (result.scope != targets) throw std::logic_error("variable elimination: nodes left over");
  if (scalar != S(1)) {
    for (S& v : result.values) v *= scalar;
    result.indicator = false;
  }
  return result;
}

}  // namespace

std::vector<NodeId> min_fill_order(std::size_t count, const std::vector<std::vector<NodeId>>& cliques,
                                   std::span<const std::uint32_t> card, const std::vector<bool>& eliminable) {
  Cliques flat;
  for (const auto& clique : cliques) flat.add(clique);
  const std::vector<char> can(eliminable.begin(), eliminable.end());
  MinFillScratch scratch;
  std::vector<NodeId> order;
  min_fill(count, flat, card, can, scratch, order);
  return order;
}

template <class S>
Factor<S> joint(const WorldNetwork& net, std::vector<NodeId> targets, const std::map<NodeId, Value>& evidence,
                std::size_t limit) {
  std::vector<std::optional<Value>> observed(net.size());
  for (const auto& [id, value] : evidence) {
    if (id < observed.size()) observed[id] = value;
  }
  return joint_of<S>(net, std::move(targets), observed, limit);
}

template <class S>
Joint<S>::Joint(const Scm& scm, std::vector<const Term*> terms, const std::vector<Event>& evidence, std::size_t limit)
    : Joint(scm, std::move(terms), evidence, limit, false) {}

template <class S>
Joint<S>::Joint(const Scm& scm, std::vector<const Term*> terms, const std::vector<Event>& evidence, std::size_t limit,
                bool force_combined)
    : scm_(&scm), terms_(std::move(terms)), evidence_(&evidence), limit_(limit) {
  for (const Term* t : terms_) check_term(*t, scm);
  check_events(evidence, scm);
  if (!force_combined && terms_.size() > 1) {
    std::size_t cells = 1;
    for (const Term* t : terms_) {
      cells = std::min(cells * scm.domain(t->var).size(), combined_cells + 1);
    }
    combined_ = cells <= combined_cells;
    if (!combined_) return;
    try {
      eliminate();
    } catch (const TimedOut&) {
      throw;
    } catch (const Error&) {  // too large at once: one elimination per quantity instead
      combined_ = false;
    }
    return;
  }
  eliminate();
}

template <class S>
void Joint<S>::eliminate() {
  WorldNetwork net(*scm_);
  // The observed value of each node (nodes added after the evidence are not observed).
  std::vector<std::optional<Value>> observed;
  for (const Event& e : *evidence_) {
    const NodeId id = net.add(e.term);
    const WorldNode& node = net.node(id);
    if (node.kind == WorldNode::Kind::constant) {
      contradictory_ = contradictory_ || node.value != e.value;
      continue;
    }
    if (observed.size() <= id) observed.resize(id + 1);
    if (observed[id]) {
      contradictory_ = contradictory_ || *observed[id] != e.value;
    } else {
      observed[id] = e.value;
    }
  }
  std::vector<NodeId> targets;
  node_.clear();
  point_.clear();
  node_.reserve(terms_.size());
  point_.reserve(terms_.size());
  for (const Term* t : terms_) {
    const NodeId id = net.add(*t);
    const WorldNode& node = net.node(id);
    node_.push_back(id);
    if (node.kind == WorldNode::Kind::constant) {
      point_.emplace_back(node.value);
    } else if (id < observed.size() && observed[id]) {
      point_.emplace_back(*observed[id]);
    } else {
      point_.emplace_back();
      targets.push_back(id);
    }
  }
  if (contradictory_) return;
  factor_ = joint_of<S>(net, std::move(targets), observed, limit_);
  evidence_probability_ = sum(factor_.values);
}

template <class S>
S Joint<S>::evidence_probability() const {
  if (!combined_) return Joint(*scm_, {}, *evidence_, limit_, true).evidence_probability();
  return evidence_probability_;
}

template <class S>
void Joint<S>::check_defined() const {
  if (contradictory_ || (!evidence_->empty() && is_zero(evidence_probability_))) {
    throw ZeroProbabilityEvidence(to_string(*evidence_, *scm_));
  }
}

template <class S>
std::size_t Joint<S>::index_of(const Term& term) const {
  for (std::size_t i = 0; i < terms_.size(); ++i) {
    if (terms_[i] == &term || *terms_[i] == term) return i;
  }
  throw std::logic_error("ve::Joint: a term it was not built for");
}

template <class S>
S Joint<S>::probability(const std::vector<Event>& events) const {
  if (!combined_) {
    std::vector<const Term*> terms;
    for (const Event& e : events) terms.push_back(&e.term);
    return Joint(*scm_, std::move(terms), *evidence_, limit_, true).probability(events);
  }
  check_defined();
  // The value each scope node must take; an event contradicting another, an intervention or
  // the evidence has probability 0.
  std::vector<std::optional<Value>> wanted(factor_.scope.size());
  for (const Event& e : events) {
    const std::size_t i = index_of(e.term);
    if (point_[i]) {
      if (*point_[i] != e.value) return S(0);
      continue;
    }
    auto& w = wanted[static_cast<std::size_t>(std::lower_bound(factor_.scope.begin(), factor_.scope.end(), node_[i]) -
                                              factor_.scope.begin())];
    if (w && *w != e.value) return S(0);
    w = e.value;
  }
  S num(0);
  for_each_cell(factor_, [&](const Small<std::uint32_t>& at, const S& value) {
    for (std::size_t d = 0; d < at.size(); ++d) {
      if (wanted[d] && *wanted[d] != at[d]) return;
    }
    num += value;
  });
  if (evidence_->empty()) return num;  // P(evidence) = 1
  return S(num / evidence_probability_);
}

template <class S>
std::vector<S> Joint<S>::distribution(const Term& term) const {
  if (!combined_) return Joint(*scm_, {&term}, *evidence_, limit_, true).distribution(term);
  check_defined();
  const std::size_t i = index_of(term);
  std::vector<S> out(scm_->domain(term.var).size(), S(0));
  if (point_[i]) {
    out[*point_[i]] = S(1);
    return out;
  }
  const auto d = static_cast<std::size_t>(std::lower_bound(factor_.scope.begin(), factor_.scope.end(), node_[i]) -
                                          factor_.scope.begin());
  for_each_cell(factor_, [&](const Small<std::uint32_t>& at, const S& value) { out[at[d]] += value; });
  if (!evidence_->empty()) {
    for (S& v : out) v /= evidence_probability_;
  }
  return out;
}

template <class S>
std::vector<S> Joint<S>::table() const {
  std::vector<std::size_t> stride(terms_.size(), 1);
  std::size_t cells = 1;
  for (std::size_t i = terms_.size(); i-- > 0;) {
    stride[i] = cells;
    cells *= scm_->domain(terms_[i]->var).size();
  }
  std::vector<S> out(cells, S(0));
  if (!combined_) {
    std::vector<Event> events(terms_.size());
    for (std::size_t c = 0; c < cells; ++c) {
      for (std::size_t i = 0; i < terms_.size(); ++i) {
        events[i] = Event{*terms_[i], static_cast<Value>((c / stride[i]) % scm_->domain(terms_[i]->var).size())};
      }
      out[c] = probability(events);
    }
    return out;
  }
  check_defined();
  std::size_t fixed = 0;  // the index contribution of the terms with a known value
  std::vector<std::pair<std::size_t, std::size_t>> free;  // (scope position, stride)
  for (std::size_t i = 0; i < terms_.size(); ++i) {
    if (point_[i]) {
      fixed += *point_[i] * stride[i];
    } else {
      free.emplace_back(static_cast<std::size_t>(std::lower_bound(factor_.scope.begin(), factor_.scope.end(), node_[i]) -
                                                 factor_.scope.begin()),
                        stride[i]);
    }
  }
  for_each_cell(factor_, [&](const Small<std::uint32_t>& at, const S& value) {
    std::size_t index = fixed;
    for (const auto& [d, st] : free) index += at[d] * st;
    out[index] += value;
  });
  if (!evidence_->empty()) {
    for (S& v : out) v /= evidence_probability_;
  }
  return out;
}

template <class S>
S probability(const Scm& scm, const Probability& p, std::size_t limit) {
  check_events(p.events, scm);
  std::vector<const Term*> terms;
  for (const Event& e : p.events) terms.push_back(&e.term);
  return Joint<S>(scm, std::move(terms), p.evidence, limit).probability(p.events);
}

template <class S>
std::vector<S> distribution(const Scm& scm, const Term& term, const std::vector<Event>& evidence, std::size_t limit) {
  return Joint<S>(scm, {&term}, evidence, limit).distribution(term);
}

template <class S>
S evidence_probability(const Scm& scm, const std::vector<Event>& evidence, std::size_t limit) {
  return Joint<S>(scm, {}, evidence, limit).evidence_probability();
}

template Factor<Rational> joint(const WorldNetwork&, std::vector<NodeId>, const std::map<NodeId, Value>&, std::size_t);
template Factor<FastRational> joint(const WorldNetwork&, std::vector<NodeId>, const std::map<NodeId, Value>&, std::size_t);
template Factor<double> joint(const WorldNetwork&, std::vector<NodeId>, const std::map<NodeId, Value>&, std::size_t);
template class Joint<Rational>;
template class Joint<FastRational>;
template class Joint<double>;
template Rational probability(const Scm&, const Probability&, std::size_t);
template FastRational probability(const Scm&, const Probability&, std::size_t);
template double probability(const Scm&, const Probability&, std::size_t);
template std::vector<Rational> distribution(const Scm&, const Term&, const std::vector<Event>&, std::size_t);
template std::vector<FastRational> distribution(const Scm&, const Term&, const std::vector<Event>&, std::size_t);
template std::vector<double> distribution(const Scm&, const Term&, const std::vector<Event>&, std::size_t);
template Rational evidence_probability(const Scm&, const std::vector<Event>&, std::size_t);
template FastRational evidence_probability(const Scm&, const std::vector<Event>&, std::size_t);
template double evidence_probability(const Scm&, const std::vector<Event>&, std::size_t);

}  // namespace rung::ve
