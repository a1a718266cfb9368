#include "rung/infer/factor.hpp"

#include "rung/core/scalar.hpp"

#include "rung/core/error.hpp"

#include <boost/container/small_vector.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace rung {

namespace {

/// Scratch vectors of the operations: the factors of a query are small, so these rarely allocate.
template <class T, std::size_t N = 16>
using Small = boost::container::small_vector<T, N>;

template <class S>
bool is_zero_or_one(const S& x) {
  return is_zero(x) || is_one(x);
}

/// Visits every cell of a table over `card` (last dimension fastest) keeping, for each of
/// several other tables, the index of the matching cell: index[t] = sum_d counter[d] * stride(d, t).
class Walk {
 public:
  /// `card` must outlive the walk.
  Walk(std::span<const std::uint32_t> card, std::size_t tables)
      : card_(card), tables_(tables), stride_(card_.size() * tables, 0) {}

  void set(std::size_t dim, std::size_t table, std::size_t stride) { stride_[dim * tables_ + table] = stride; }

  /// Sets the strides of a table whose scope (sorted) is a subset of `dims` (sorted), skipping
  /// nodes of the table that are not dimensions.
  void set_table(std::size_t table, std::span<const NodeId> dims, std::span<const NodeId> scope,
                 std::span<const std::uint32_t> card) {
    std::size_t stride = 1;
    for (std::size_t i = scope.size(); i-- > 0;) {
      auto it = std::lower_bound(dims.begin(), dims.end(), scope[i]);
      if (it != dims.end() && *it == scope[i]) set(static_cast<std::size_t>(it - dims.begin()), table, stride);
      stride *= card[i];
    }
  }

  template <class Visit>
  void run(Visit&& visit) const {
    std::size_t total = 1;
    for (auto c : card_) total *= c;  // callers bound the size with check_cells
    Small<std::size_t> index(tables_, 0);
    Small<std::uint32_t> counter(card_.size(), 0);
    for (std::size_t cell = 0; cell < total; ++cell) {
      visit(static_cast<const std::size_t*>(index.data()), static_cast<const std::uint32_t*>(counter.data()));
      for (std::size_t d = card_.size(); d-- > 0;) {
        const std::size_t* s = &stride_[d * tables_];
        if (++counter[d] < card_[d]) {
          for (std::size_t t = 0; t < tables_; ++t) index[t] += s[t];
          break;
        }
        const std::size_t back = card_[d] - 1;
        counter[d] = 0;
        for (std::size_t t = 0; t < tables_; ++t) index[t] -= s[t] * back;
      }
    }
  }

 private:
  std::span<const std::uint32_t> card_;
  std::size_t tables_;
  Small<std::size_t, 64> stride_;  // [dim][table]
};

std::size_t position(std::span<const NodeId> scope, NodeId node) {
  auto it = std::lower_bound(scope.begin(), scope.end(), node);
  if (it == scope.end() || *it != node) return scope.size();
  return static_cast<std::size_t>(it - scope.begin());
}

std::size_t stride_of(std::span<const std::uint32_t> card, std::size_t pos) {
  std::size_t stride = 1;
  for (std::size_t i = pos + 1; i < card.size(); ++i) stride *= card[i];
  return stride;
}

using NodeCards = Small<std::pair<NodeId, std::uint32_t>>;

/// Sorts (node, cardinality) pairs by node and drops repeated nodes (a node has one cardinality
/// in every factor). Small vectors: cheaper than a std::map.
void sort_unique(NodeCards& all) {
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
            all.end());
}

/// The sorted union of the scope of g without `drop` and the scope of f, with cardinalities.
void merge_scopes(std::span<const NodeId> gs, std::span<const std::uint32_t> gc, NodeId drop,
                  std::span<const NodeId> fs, std::span<const std::uint32_t> fc, std::vector<NodeId>& scope,
                  std::vector<std::uint32_t>& card) {
  NodeCards all;
  all.reserve(gs.size() + fs.size());
  for (std::size_t i = 0; i < gs.size(); ++i) {
    if (gs[i] != drop) all.emplace_back(gs[i], gc[i]);
  }
  for (std::size_t i = 0; i < fs.size(); ++i) all.emplace_back(fs[i], fc[i]);
  sort_unique(all);
  scope.clear();
  card.clear();
  for (auto [n, c] : all) {
    scope.push_back(n);
    card.push_back(c);
  }
}

template <class S>
bool all_zero_or_one(const std::vector<S>& values) {
  return std::all_of(values.begin(), values.end(), [](const S& v) { return is_zero_or_one(v); });
}

}  // namespace

std::size_t check_cells(std::span<const std::uint32_t> card, std::size_t limit) {
  std::size_t cells = 1;
  bool over = false;
  for (auto c : card) {
    if (c == 0) return 0;
  }
  for (auto c : card) {
    if (cells > std::numeric_limits<std::size_t>::max() / c) {
      over = true;
      break;
    }
    cells *= c;
  }
  if (!over && cells <= limit) return cells;
  boost::multiprecision::mpz_int exact = 1;
  for (auto c : card) exact *= c;
  throw Error(fmt::format(
      "query too large for exact elimination: an intermediate factor over {} variables would have {} cells "
      "(limit {}); try --method enumerate or a smaller model",
      card.size(), exact.str(), limit));
}

template <class S>
Factor<S> restrict(const Factor<S>& f, NodeId node, Value value) {
  const std::size_t pos = position(f.scope, node);
  if (pos == f.scope.size()) return f;
  Factor<S> out;
  out.indicator = f.indicator;
  for (std::size_t i = 0; i < f.scope.size(); ++i) {
    if (i == pos) continue;
    out.scope.push_back(f.scope[i]);
    out.card.push_back(f.card[i]);
  }
  const std::size_t base = value * stride_of(f.card, pos);
  Walk walk(out.card, 1);
  walk.set_table(0, out.scope, f.scope, f.card);
  out.values.reserve(f.values.size() / f.card[pos]);
  walk.run([&](const std::size_t* index, const std::uint32_t*) { out.values.push_back(f.values[base + index[0]]); });
  return out;
}

template <class S>
Factor<S> substitute(const Factor<S>& g, const FunctionFactor& f, std::size_t limit) {
  const std::size_t pos = position(g.scope, f.out);
  if (pos == g.scope.size() || f.observed) throw std::logic_error("substitute: precondition violated");
  Factor<S> out;
  out.indicator = g.indicator;
  merge_scopes(g.scope, g.card, f.out, f.scope, f.card, out.scope, out.card);
  out.values.reserve(check_cells(out.card, limit));
  const std::size_t out_stride = stride_of(g.card, pos);
  Walk walk(out.card, 2);
  walk.set_table(0, out.scope, g.scope, g.card);  // f.out is not a dimension: skipped
  walk.set_table(1, out.scope, f.scope, f.card);
  walk.run([&](const std::size_t* index, const std::uint32_t*) {
    out.values.push_back(g.values[index[0] + f.values[index[1]] * out_stride]);
  });
  return out;
}

FunctionFactor substitute(const FunctionFactor& g, const FunctionFactor& f, std::size_t limit) {
  const std::size_t pos = position(g.scope, f.out);
  if (pos == g.scope.size() || f.observed) throw std::logic_error("substitute: precondition violated");
  FunctionFactor out;
  out.out = g.out;
  out.out_card = g.out_card;
  out.observed = g.observed;
  merge_scopes(g.scope, g.card, f.out, f.scope, f.card, out.scope, out.card);
  out.values.reserve(check_cells(out.card, limit));
  const std::size_t out_stride = stride_of(g.card, pos);
  Walk walk(out.card, 2);
  walk.set_table(0, out.scope, g.scope, g.card);
  walk.set_table(1, out.scope, f.scope, f.card);
  walk.run([&](const std::size_t* index, const std::uint32_t*) {
    out.values.push_back(g.values[index[0] + f.values[index[1]] * out_stride]);
  });
  return out;
}

template <class S>
Factor<S> sum_product(std::span<const Factor<S>* const> dense, std::span<const FunctionFactor* const> functions,
                      std::optional<NodeId> eliminate, std::size_t limit) {
  NodeCards all;
  for (const auto* f : dense) {
    for (std::size_t i = 0; i < f->scope.size(); ++i) all.emplace_back(f->scope[i], f->card[i]);
  }
  for (const auto* f : functions) {
    for (std::size_t i = 0; i < f->scope.size(); ++i) all.emplace_back(f->scope[i], f->card[i]);
    if (!f->observed) {
      if (eliminate && *eliminate == f->out) throw std::logic_error("sum_product: substitute the function instead");
      all.emplace_back(f->out, f->out_card);
    }
  }
  sort_unique(all);
  bool has_eliminated = false;
  Factor<S> out;
  std::uint32_t eliminated_card = 1;
  for (auto [n, c] : all) {
    if (eliminate && n == *eliminate) {
      eliminated_card = c;
      has_eliminated = true;
      continue;
    }
    out.scope.push_back(n);
    out.card.push_back(c);
  }
  if (eliminate && !has_eliminated) throw std::logic_error("sum_product: eliminated node in no factor");
  out.values.resize(check_cells(out.card, limit));

  // Dimensions: the result's scope, then the eliminated node (fastest).
  Small<NodeId> dims(out.scope.begin(), out.scope.end());
  Small<std::uint32_t> dim_card(out.card.begin(), out.card.end());
  if (eliminate) {
    dims.push_back(*eliminate);
    dim_card.push_back(eliminated_card);
  }
  // Walk::set_table looks nodes up in the sorted result scope; the eliminated node (the last
  // dimension) gets its strides separately, in set_all.
  const std::size_t nf = functions.size();
  Small<const Factor<S>*> indicators;
  Small<const Factor<S>*> scalars;
  for (const auto* f : dense) (f->indicator ? indicators : scalars).push_back(f);
  const std::size_t tables = 1 + nf + indicators.size() + scalars.size();
  Walk walk(std::span<const std::uint32_t>(dim_card.data(), dim_card.size()), tables);
  const std::span<const NodeId> sorted_dims(out.scope);
  auto set_all = [&](std::size_t table, std::span<const NodeId> scope, std::span<const std::uint32_t> card) {
    walk.set_table(table, sorted_dims, scope, card);
    if (eliminate) {
      const std::size_t pos = position(scope, *eliminate);
      if (pos < scope.size()) walk.set(dims.size() - 1, table, stride_of(card, pos));
    }
  };
  walk.set_table(0, sorted_dims, out.scope, out.card);
  Small<std::size_t> out_dim(nf, dims.size());  // the dimension of each function's out
  for (std::size_t k = 0; k < nf; ++k) {
    const auto* f = functions[k];
    set_all(1 + k, f->scope, f->card);
    if (!f->observed) out_dim[k] = position(sorted_dims, f->out);
  }
  for (std::size_t k = 0; k < indicators.size(); ++k) {
    set_all(1 + nf + k, indicators[k]->scope, indicators[k]->card);
  }
  for (std::size_t k = 0; k < scalars.size(); ++k) {
    set_all(1 + nf + indicators.size() + k, scalars[k]->scope, scalars[k]->card);
  }

  const S one(1);
  S product;
  const std::size_t first_indicator = 1 + nf;
  const std::size_t first_scalar = first_indicator + indicators.size();
  walk.run([&](const std::size_t* index, const std::uint32_t* counter) {
    for (std::size_t k = 0; k < nf; ++k) {
      const auto* f = functions[k];
      const Value want = f->observed ? *f->observed : counter[out_dim[k]];
      if (f->values[index[1 + k]] != want) return;
    }
    for (std::size_t k = 0; k < indicators.size(); ++k) {
      if (is_zero(indicators[k]->values[index[first_indicator + k]])) return;
    }
    S& cell = out.values[index[0]];
    switch (scalars.size()) {
      case 0: cell += one; return;
      case 1: {
        const S& v = scalars[0]->values[index[first_scalar]];
        if (!is_zero(v)) cell += v;
        return;
      }
      default: {
        const S& v0 = scalars[0]->values[index[first_scalar]];
        if (is_zero(v0)) return;
        product = v0;
        for (std::size_t k = 1; k < scalars.size(); ++k) {
          const S& v = scalars[k]->values[index[first_scalar + k]];
          if (is_zero(v)) return;
          product *= v;
        }
        cell += product;
      }
    }
  });
  out.indicator = all_zero_or_one(out.values);
  return out;
}

template Factor<Rational> restrict(const Factor<Rational>&, NodeId, Value);
template Factor<FastRational> restrict(const Factor<FastRational>&, NodeId, Value);
template Factor<double> restrict(const Factor<double>&, NodeId, Value);
template Factor<Rational> substitute(const Factor<Rational>&, const FunctionFactor&, std::size_t);
template Factor<FastRational> substitute(const Factor<FastRational>&, const FunctionFactor&, std::size_t);
template Factor<double> substitute(const Factor<double>&, const FunctionFactor&, std::size_t);
template Factor<Rational> sum_product(std::span<const Factor<Rational>* const>, std::span<const FunctionFactor* const>,
                                      std::optional<NodeId>, std::size_t);
template Factor<FastRational> sum_product(std::span<const Factor<FastRational>* const>, std::span<const FunctionFactor* const>,
                                      std::optional<NodeId>, std::size_t);
template Factor<double> sum_product(std::span<const Factor<double>* const>, std::span<const FunctionFactor* const>,
                                    std::optional<NodeId>, std::size_t);

}  // namespace rung
