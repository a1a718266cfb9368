#pragma once
/// \file
/// Factors over the nodes of a parallel-worlds network, generic over the scalar (Rational or
/// FastRational for exact answers, double for the fast path), and the three operations variable elimination needs.
///
///     rung::Factor<rung::Rational> prior{{u}, {2}, {rung::Rational(1, 3), rung::Rational(2, 3)}};
///     rung::FunctionFactor x{.out = xn, .out_card = 2, .scope = {u}, .card = {2}, .values = {1, 0}};
///     auto joint = rung::sum_product<rung::Rational>({&prior}, {&x}, std::nullopt, limit);  // P(U, X)
///     auto px = rung::sum_product<rung::Rational>({&prior}, {&x}, u, limit);               // P(X)
///
/// Layout: `scope` is sorted by node id; `values` is row-major with the last scope node fastest.
/// A FunctionFactor is the 0/1 factor [out = f(scope)] of a deterministic node stored as the
/// function's table (integers, no scalars): summing out `out` is then a substitution.
/// Every operation checks the size of what it would allocate first (check_cells) and throws
/// rung::Error instead of allocating a table larger than `limit` cells.

#include "rung/core/fast_rational.hpp"
#include "rung/core/rational.hpp"
#include "rung/graph/dag.hpp"
#include "rung/scm/domain.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace rung {

/// A non-negative function of some nodes, as a dense table.
template <class S>
struct Factor {
  std::vector<NodeId> scope;         ///< sorted ascending, no duplicates
  std::vector<std::uint32_t> card;   ///< number of values of each scope node
  std::vector<S> values;             ///< row-major, last scope node fastest; product of card cells
  bool indicator = false;            ///< every value is 0 or 1 (products then only test for zero)

  friend bool operator==(const Factor&, const Factor&) = default;
};

/// The deterministic factor [out = f(scope)], or [f(scope) = observed] when `out` is observed
/// (then `out` is not a variable of the factor).
struct FunctionFactor {
  NodeId out = 0;
  std::uint32_t out_card = 0;
  std::optional<Value> observed;
  std::vector<NodeId> scope;        ///< sorted ascending, no duplicates; never contains `out`
  std::vector<std::uint32_t> card;
  std::vector<Value> values;        ///< f, row-major over scope, last scope node fastest

  friend bool operator==(const FunctionFactor&, const FunctionFactor&) = default;
};

/// Number of cells of a table with these cardinalities. Throws rung::Error
/// ("query too large for exact elimination: an intermediate factor over 31 variables would have
/// 2147483648 cells (limit 16777216); try --method enumerate or a smaller model") if it exceeds
/// `limit`; never overflows.
std::size_t check_cells(std::span<const std::uint32_t> card, std::size_t limit);

/// The bytes of numbers (rung::heap_bytes: GMP digits) an elimination may hold under a limit of
/// `limit` cells: 16 per cell (256 MiB at the default 2^24), at least 64 MiB (a small cell
/// limit then still bounds cells only), saturating. Cells are not bytes: a probability with 1,000
/// digits takes about 850 bytes, so 2^20 cells of them fit the cell limit but not memory.
inline constexpr std::size_t kBytesPerCell = 16;
inline constexpr std::size_t kMinByteLimit = std::size_t{64} << 20;
[[nodiscard]] std::size_t byte_limit(std::size_t limit) noexcept;

/// Throws rung::TooLarge ("query too large for exact elimination: an intermediate factor over 20
/// variables would hold about 1.8 GiB of numbers (1048576 cells of up to 1744 bytes) ...") when
/// `held` bytes already held plus `cells` new cells of up to `cell_bytes` bytes each exceed
/// byte_limit(limit). `variables` is the size of the new factor's scope (for the message).
void check_bytes(std::size_t cells, std::size_t variables, std::size_t cell_bytes, std::size_t held,
                 std::size_t limit);

/// The product of `factors` in words: exact up to 40 digits, `about 10^N` beyond (so that a
/// count of 2^1,000,000 combinations is neither computed nor printed in its 301,030 digits).
[[nodiscard]] std::string product_text(std::span<const std::uint64_t> factors);

/// A number of bytes for a message: `850 bytes`, `12.5 KiB`, `1.8 GiB`.
[[nodiscard]] std::string bytes_text(double bytes);

/// The factor with `node` fixed to `value` (node removed from the scope); `f` unchanged if
/// `node` is not in its scope.
template <class S>
[[nodiscard]] Factor<S> restrict(const Factor<S>& f, NodeId node, Value value);

/// g with g's node `f.out` replaced by f(f.scope): the sum over f.out of [f.out = f(...)] * g.
/// Precondition: f.out is in g.scope, f is not observed.
template <class S>
[[nodiscard]] Factor<S> substitute(const Factor<S>& g, const FunctionFactor& f, std::size_t limit);

/// Function composition: g with its input f.out replaced by f(f.scope).
/// Precondition: f.out is in g.scope, f is not observed.
[[nodiscard]] FunctionFactor substitute(const FunctionFactor& g, const FunctionFactor& f, std::size_t limit);

/// The product of the factors (functions as 0/1 factors), with `eliminate` summed out if given.
/// The result's scope is the union of the scopes (and of the unobserved functions' outs) minus
/// `eliminate`; `eliminate` must not be the out of an unobserved function (substitute instead).
template <class S>
[[nodiscard]] Factor<S> sum_product(std::span<const Factor<S>* const> dense,
                                    std::span<const FunctionFactor* const> functions,
                                    std::optional<NodeId> eliminate, std::size_t limit);

template <class S>
[[nodiscard]] Factor<S> sum_product(std::initializer_list<const Factor<S>*> dense,
                                    std::initializer_list<const FunctionFactor*> functions,
                                    std::optional<NodeId> eliminate, std::size_t limit) {
  return sum_product<S>(std::span<const Factor<S>* const>(dense.begin(), dense.size()),
                        std::span<const FunctionFactor* const>(functions.begin(), functions.size()), eliminate,
                        limit);
}

extern template Factor<Rational> restrict(const Factor<Rational>&, NodeId, Value);
extern template Factor<FastRational> restrict(const Factor<FastRational>&, NodeId, Value);
extern template Factor<double> restrict(const Factor<double>&, NodeId, Value);
extern template Factor<Rational> substitute(const Factor<Rational>&, const FunctionFactor&, std::size_t);
extern template Factor<FastRational> substitute(const Factor<FastRational>&, const FunctionFactor&, std::size_t);
extern template Factor<double> substitute(const Factor<double>&, const FunctionFactor&, std::size_t);
extern template Factor<Rational> sum_product(std::span<const Factor<Rational>* const>,
                                             std::span<const FunctionFactor* const>, std::optional<NodeId>,
                                             std::size_t);
extern template Factor<FastRational> sum_product(std::span<const Factor<FastRational>* const>,
                                             std::span<const FunctionFactor* const>, std::optional<NodeId>,
                                             std::size_t);
extern template Factor<double> sum_product(std::span<const Factor<double>* const>,
                                           std::span<const FunctionFactor* const>, std::optional<NodeId>,
                                           std::size_t);

}  // namespace rung
