#include "rung/infer/factor.hpp"

#include "factor_kernels.hpp"

#include "rung/core/scalar.hpp"

#include "rung/core/error.hpp"

#include <boost/container/small_vector.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <limits>
#include <stdexcept>

namespace rung {

namespace {

using kernel::Small;

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

}  // namespace

std::string product_text(std::span<const std::uint64_t> factors) {
  double digits = 0;  // log10 of the product
  for (std::uint64_t f : factors) {
    if (f == 0) return "0";
    digits += std::log10(static_cast<double>(f));
  }
  if (digits < 40) {
    boost::multiprecision::mpz_int exact = 1;
    for (std::uint64_t f : factors) exact *= f;
    return exact.str();
  }
  return fmt::format("about 10^{}", static_cast<std::uint64_t>(digits));
}

std::string bytes_text(double bytes) {
  constexpr std::array<const char*, 5> units{"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} bytes", static_cast<std::uint64_t>(bytes));
  std::size_t u = 0;
  bytes /= 1024;
  while (bytes >= 1024 && u + 1 < units.size()) {
    bytes /= 1024;
    ++u;
  }
  return fmt::format("{:.1f} {}", bytes, units[u]);
}

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
  const std::vector<std::uint64_t> factors(card.begin(), card.end());
  throw TooLarge(fmt::format(
      "query too large for exact elimination: an intermediate factor over {} variables would have {} cells "
      "(limit {})",
      card.size(), product_text(factors), limit));
}

std::size_t byte_limit(std::size_t limit) noexcept {
  if (limit > std::numeric_limits<std::size_t>::max() / kBytesPerCell) return std::numeric_limits<std::size_t>::max();
  return std::max(limit * kBytesPerCell, kMinByteLimit);
}

void check_bytes(std::size_t cells, std::size_t variables, std::size_t cell_bytes, std::size_t held,
                 std::size_t limit) {
  const std::size_t budget = byte_limit(limit);
  // In double: the product may not fit in 64 bits, and the message rounds anyway.
  const double wanted = static_cast<double>(cells) * static_cast<double>(cell_bytes);
  if (held <= budget && wanted <= static_cast<double>(budget - held)) return;
  throw TooLarge(fmt::format(
      "query too large for exact elimination: an intermediate factor over {} variables would hold about {} of "
      "numbers ({} cells of up to {} bytes{}), over the limit of {} ({} bytes per cell of the cell limit {}); "
      "the probabilities have too many digits for this model: use shorter fractions, a smaller model, or a larger "
      "--max-factor-cells (the byte limit grows with it)",
      variables, bytes_text(wanted), cells, cell_bytes,
      held == 0 ? std::string() : fmt::format(", beside {} already held", bytes_text(static_cast<double>(held))),
      bytes_text(static_cast<double>(budget)), kBytesPerCell, limit));
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

namespace kernel {

void substitute_scope(std::span<const NodeId> g_scope, std::span<const std::uint32_t> g_card, const FunctionRef& f,
                      Scope& out) {
  if (position(g_scope, f.out) == g_scope.size() || f.observed) {
    throw std::logic_error("substitute: precondition violated");
  }
  NodeCards all;
  for (std::size_t i = 0; i < g_scope.size(); ++i) {
    if (g_scope[i] != f.out) all.emplace_back(g_scope[i], g_card[i]);
  }
  for (std::size_t i = 0; i < f.scope.size(); ++i) all.emplace_back(f.scope[i], f.card[i]);
  sort_unique(all);
  out.clear();
  for (auto [n, c] : all) {
    out.nodes.push_back(n);
    out.card.push_back(c);
  }
}

template <class T>
void substitute_values(std::span<const NodeId> g_scope, std::span<const std::uint32_t> g_card, const T* g_values,
                       const FunctionRef& f, const Scope& scope, T* out) {
  const std::size_t out_stride = stride_of(g_card, position(g_scope, f.out));
  const std::span<const NodeId> dims(scope.nodes.data(), scope.nodes.size());
  Walk walk(std::span<const std::uint32_t>(scope.card.data(), scope.card.size()), 2);
  walk.set_table(0, dims, g_scope, g_card);  // f.out is not a dimension: skipped
  walk.set_table(1, dims, f.scope, f.card);
  const Value* f_values = f.values;
  walk.run([&](const std::size_t* index, const std::uint32_t*) {
    *out++ = g_values[index[0] + f_values[index[1]] * out_stride];
  });
}

template <class S>
std::uint32_t sum_product_scope(std::span<const DenseRef<S>> dense, std::span<const FunctionRef> functions,
                                std::optional<NodeId> eliminate, Scope& out) {
  NodeCards all;
  for (const auto& f : dense) {
    for (std::size_t i = 0; i < f.scope.size(); ++i) all.emplace_back(f.scope[i], f.card[i]);
  }
  for (const auto& f : functions) {
    for (std::size_t i = 0; i < f.scope.size(); ++i) all.emplace_back(f.scope[i], f.card[i]);
    if (!f.observed) {
      if (eliminate && *eliminate == f.out) throw std::logic_error("sum_product: substitute the function instead");
      all.emplace_back(f.out, f.out_card);
    }
  }
  sort_unique(all);
  bool has_eliminated = false;
  std::uint32_t eliminated_card = 1;
  out.clear();
  for (auto [n, c] : all) {
    if (eliminate && n == *eliminate) {
      eliminated_card = c;
      has_eliminated = true;
      continue;
    }
    out.nodes.push_back(n);
    out.card.push_back(c);
  }
  if (eliminate && !has_eliminated) throw std::logic_error("sum_product: eliminated node in no factor");
  return eliminated_card;
}

template <class S>
bool sum_product_values(std::span<const DenseRef<S>> dense, std::span<const FunctionRef> functions,
                        std::optional<NodeId> eliminate, std::uint32_t eliminated_card, const Scope& scope, S* out) {
  // Dimensions: the result's scope, then the eliminated node (fastest).
  Small<std::uint32_t> dim_card(scope.card.begin(), scope.card.end());
  if (eliminate) dim_card.push_back(eliminated_card);
  const std::size_t eliminated_dim = scope.nodes.size();
  // Walk::set_table looks nodes up in the sorted result scope; the eliminated node (the last
  // dimension) gets its strides separately, in set_all.
  const std::size_t nf = functions.size();
  Small<const DenseRef<S>*> indicators;
  Small<const DenseRef<S>*> scalars;
  for (const auto& f : dense) (f.indicator ? indicators : scalars).push_back(&f);
  const std::size_t tables = 1 + nf + indicators.size() + scalars.size();
  Walk walk(std::span<const std::uint32_t>(dim_card.data(), dim_card.size()), tables);
  const std::span<const NodeId> sorted_dims(scope.nodes.data(), scope.nodes.size());
  auto set_all = [&](std::size_t table, std::span<const NodeId> s, std::span<const std::uint32_t> card) {
    walk.set_table(table, sorted_dims, s, card);
    if (eliminate) {
      const std::size_t pos = position(s, *eliminate);
      if (pos < s.size()) walk.set(eliminated_dim, table, stride_of(card, pos));
    }
  };
  walk.set_table(0, sorted_dims, sorted_dims, std::span<const std::uint32_t>(scope.card.data(), scope.card.size()));
  Small<std::size_t> out_dim(nf, eliminated_dim + 1);  // the dimension of each function's out
  Small<const Value*> function_values(nf, nullptr);
  Small<Value> observed(nf, 0);
  for (std::size_t k = 0; k < nf; ++k) {
    const auto& f = functions[k];
    set_all(1 + k, f.scope, f.card);
    function_values[k] = f.values;
    if (f.observed) {
      observed[k] = *f.observed;
    } else {
      out_dim[k] = position(sorted_dims, f.out);
    }
  }
  Small<const S*> indicator_values;
  for (std::size_t k = 0; k < indicators.size(); ++k) {
    set_all(1 + nf + k, indicators[k]->scope, indicators[k]->card);
    indicator_values.push_back(indicators[k]->values);
  }
  Small<const S*> scalar_values;
  for (std::size_t k = 0; k < scalars.size(); ++k) {
    set_all(1 + nf + indicators.size() + k, scalars[k]->scope, scalars[k]->card);
    scalar_values.push_back(scalars[k]->values);
  }

  const S one(1);
  S product;
  const std::size_t first_indicator = 1 + nf;
  const std::size_t first_scalar = first_indicator + indicators.size();
  const std::size_t n_indicators = indicators.size();
  const std::size_t n_scalars = scalars.size();
  walk.run([&](const std::size_t* index, const std::uint32_t* counter) {
    for (std::size_t k = 0; k < nf; ++k) {
      const Value want = out_dim[k] <= eliminated_dim ? counter[out_dim[k]] : observed[k];
      if (function_values[k][index[1 + k]] != want) return;
    }
    for (std::size_t k = 0; k < n_indicators; ++k) {
      if (is_zero(indicator_values[k][index[first_indicator + k]])) return;
    }
    S& cell = out[index[0]];
    switch (n_scalars) {
      case 0: cell += one; return;
      case 1: {
        const S& v = scalar_values[0][index[first_scalar]];
        if (!is_zero(v)) cell += v;
        return;
      }
      default: {
        const S& v0 = scalar_values[0][index[first_scalar]];
        if (is_zero(v0)) return;
        product = v0;
        for (std::size_t k = 1; k < n_scalars; ++k) {
          const S& v = scalar_values[k][index[first_scalar + k]];
          if (is_zero(v)) return;
          product *= v;
        }
        cell += product;
      }
    }
  });
  std::size_t cells = 1;
  for (auto c : scope.card) cells *= c;
  return std::all_of(out, out + cells, [](const S& v) { return is_zero_or_one(v); });
}

template void substitute_values(std::span<const NodeId>, std::span<const std::uint32_t>, const Value*,
                                const FunctionRef&, const Scope&, Value*);
#define RUNG_KERNELS(S)                                                                                              \
  template void substitute_values(std::span<const NodeId>, std::span<const std::uint32_t>, const S*,                \
                                  const FunctionRef&, const Scope&, S*);                                             \
  template std::uint32_t sum_product_scope(std::span<const DenseRef<S>>, std::span<const FunctionRef>,               \
                                           std::optional<NodeId>, Scope&);                                           \
  template bool sum_product_values(std::span<const DenseRef<S>>, std::span<const FunctionRef>,                      \
                                   std::optional<NodeId>, std::uint32_t, const Scope&, S*);
RUNG_KERNELS(Rational)
RUNG_KERNELS(FastRational)
RUNG_KERNELS(double)
#undef RUNG_KERNELS

}  // namespace kernel

template <class S>
Factor<S> substitute(const Factor<S>& g, const FunctionFactor& f, std::size_t limit) {
  const kernel::FunctionRef fr = kernel::ref(f);
  kernel::Scope scope;
  kernel::substitute_scope(g.scope, g.card, fr, scope);
  Factor<S> out;
  out.indicator = g.indicator;
  out.scope.assign(scope.nodes.begin(), scope.nodes.end());
  out.card.assign(scope.card.begin(), scope.card.end());
  out.values.resize(check_cells(out.card, limit));
  kernel::substitute_values<S>(g.scope, g.card, g.values.data(), fr, scope, out.values.data());
  return out;
}

FunctionFactor substitute(const FunctionFactor& g, const FunctionFactor& f, std::size_t limit) {
  const kernel::FunctionRef fr = kernel::ref(f);
  kernel::Scope scope;
  kernel::substitute_scope(g.scope, g.card, fr, scope);
  FunctionFactor out;
  out.out = g.out;
  out.out_card = g.out_card;
  out.observed = g.observed;
  out.scope.assign(scope.nodes.begin(), scope.nodes.end());
  out.card.assign(scope.card.begin(), scope.card.end());
  out.values.resize(check_cells(out.card, limit));
  kernel::substitute_values<Value>(g.scope, g.card, g.values.data(), fr, scope, out.values.data());
  return out;
}

template <class S>
Factor<S> sum_product(std::span<const Factor<S>* const> dense, std::span<const FunctionFactor* const> functions,
                      std::optional<NodeId> eliminate, std::size_t limit) {
  Small<kernel::DenseRef<S>> dense_refs;
  for (const auto* f : dense) dense_refs.push_back(kernel::ref(*f));
  Small<kernel::FunctionRef> function_refs;
  for (const auto* f : functions) function_refs.push_back(kernel::ref(*f));
  const std::span<const kernel::DenseRef<S>> d(dense_refs.data(), dense_refs.size());
  const std::span<const kernel::FunctionRef> fs(function_refs.data(), function_refs.size());
  kernel::Scope scope;
  const std::uint32_t eliminated_card = kernel::sum_product_scope<S>(d, fs, eliminate, scope);
  Factor<S> out;
  out.scope.assign(scope.nodes.begin(), scope.nodes.end());
  out.card.assign(scope.card.begin(), scope.card.end());
  out.values.resize(check_cells(out.card, limit));
  out.indicator = kernel::sum_product_values<S>(d, fs, eliminate, eliminated_card, scope, out.values.data());
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
