#pragma once
/// \file
/// The table operations of rung/infer/factor.hpp on borrowed storage, for variable elimination's
/// arena (variable_elimination.cpp keeps every table of a query in a few reused pools) and for the
/// public value-returning functions, which are thin wrappers: one implementation of the arithmetic.
///
/// Each operation has two halves. The scope half computes the result's scope and cardinalities
/// into small inline vectors (and throws what the public function throws). The value half fills a
/// caller-provided table of check_cells(result card) cells; the caller allocates it between the
/// two halves, so the inputs may live in the pool the result is appended to, provided they are
/// re-read after the pool has grown.

#include "rung/infer/factor.hpp"

#include <boost/container/small_vector.hpp>

#include <optional>
#include <span>

namespace rung::kernel {

/// Scratch vectors of the operations: the factors of a query are small, so these rarely allocate.
template <class T, std::size_t N = 16>
using Small = boost::container::small_vector<T, N>;

/// A dense factor's table, borrowed.
template <class S>
struct DenseRef {
  std::span<const NodeId> scope;
  std::span<const std::uint32_t> card;
  const S* values = nullptr;
  bool indicator = false;
};

/// A function factor's table, borrowed.
struct FunctionRef {
  NodeId out = 0;
  std::uint32_t out_card = 0;
  std::optional<Value> observed;
  std::span<const NodeId> scope;
  std::span<const std::uint32_t> card;
  const Value* values = nullptr;
};

/// A result's scope (sorted) and cardinalities.
struct Scope {
  Small<NodeId> nodes;
  Small<std::uint32_t> card;
  void clear() {
    nodes.clear();
    card.clear();
  }
  [[nodiscard]] std::span<const NodeId> node_span() const { return {nodes.data(), nodes.size()}; }
  [[nodiscard]] std::span<const std::uint32_t> card_span() const { return {card.data(), card.size()}; }
};

template <class S>
DenseRef<S> ref(const Factor<S>& f) {
  return {f.scope, f.card, f.values.data(), f.indicator};
}
inline FunctionRef ref(const FunctionFactor& f) {
  return {f.out, f.out_card, f.observed, f.scope, f.card, f.values.data()};
}

/// The scope of substitute(g, f): g's scope without f.out, united with f's. Throws
/// std::logic_error when f.out is not in g's scope or f is observed.
void substitute_scope(std::span<const NodeId> g_scope, std::span<const std::uint32_t> g_card, const FunctionRef& f,
                      Scope& out);

/// Fills `out` (check_cells(scope.card) cells) with g's table (dense values or a function's
/// outputs) with f.out replaced by f(f.scope).
template <class T>
void substitute_values(std::span<const NodeId> g_scope, std::span<const std::uint32_t> g_card, const T* g_values,
                       const FunctionRef& f, const Scope& scope, T* out);

/// The scope of sum_product(dense, functions, eliminate); returns the cardinality of the
/// eliminated node (1 without one). Throws std::logic_error as sum_product does.
template <class S>
std::uint32_t sum_product_scope(std::span<const DenseRef<S>> dense, std::span<const FunctionRef> functions,
                                std::optional<NodeId> eliminate, Scope& out);

/// Adds the sum-product into `out` (check_cells(scope.card) cells, zero on entry); returns
/// whether every cell of the result is 0 or 1 (the result's `indicator`).
template <class S>
bool sum_product_values(std::span<const DenseRef<S>> dense, std::span<const FunctionRef> functions,
                        std::optional<NodeId> eliminate, std::uint32_t eliminated_card, const Scope& scope, S* out);

}  // namespace rung::kernel
