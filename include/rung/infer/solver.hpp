#pragma once
/// \file
/// Exact answers to queries: the one narrow entry point of the inference engines.
///
///     rung::Query q = rung::parse_query("P(Y[X=0]=1 | X=1, Y=1)", scm);
///     rung::Answer a = rung::solve(scm, q);                  // variable elimination, exact
///     rung::to_string(a.value);                              // "1/3"
///     rung::solve(scm, q, {.method = rung::Method::enumeration}).value == a.value;   // always
///
/// Errors: ZeroProbabilityEvidence when the evidence has probability 0 (SPEC wording);
/// rung::TooLarge naming the size when an intermediate factor would exceed max_factor_cells, or
/// its numbers the bytes that limit allows (rung::byte_limit).

#include "rung/core/rational.hpp"
#include "rung/infer/trace.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>
#include <optional>
#include <string>

namespace rung {

enum class Method {
  variable_elimination,  ///< factors over the merged parallel-worlds network, min-fill order
  enumeration,           ///< brute force over the relevant exogenous values (the reference)
};

struct SolverOptions {
  Method method = Method::variable_elimination;
  /// Refuse (with an error naming the size) any intermediate factor larger than this, and an
  /// elimination whose numbers would hold more than 16 bytes of digits per cell of it
  /// (rung::byte_limit: 256 MiB at the default).
  std::size_t max_factor_cells = std::size_t{1} << 24;
  /// Fill Answer::trace (abduction, action, prediction).
  bool trace = false;
  /// When the chosen method's size guard refuses the query (rung::TooLarge), answer it with the
  /// other exact method (whose own guard may refuse it too: then both reasons are given). Off
  /// where the two methods must stay independent (cross-checks).
  bool fallback = true;
};

struct Answer {
  Rational value;                ///< exact
  std::optional<Trace> trace;    ///< when SolverOptions::trace
  Method method = Method::variable_elimination;  ///< the method that computed the value
};

[[nodiscard]] Answer solve(const Scm& scm, const Query& query, const SolverOptions& options = {});

/// The same computation in double precision (the fast path; not used for labels).
[[nodiscard]] double solve_double(const Scm& scm, const Query& query, const SolverOptions& options = {});

/// The answer to a Distribution: one probability per combination of the targets' values,
/// row-major over the targets (the last fastest), given the evidence.
struct DistributionAnswer {
  std::vector<std::uint32_t> cards;  ///< number of values of each target
  std::vector<Rational> values;
};

/// P(targets | evidence) for every combination of values. Variable elimination computes the
/// joint of all the targets in one elimination (rung::ve::Joint); enumeration computes each cell
/// by brute force (the reference). Throws InvalidQuery for no targets or more than 2^20 cells,
/// ZeroProbabilityEvidence as solve does.
[[nodiscard]] DistributionAnswer solve(const Scm& scm, const Distribution& d, const SolverOptions& options = {});
/// The same in double precision, computed without exact arithmetic.
[[nodiscard]] std::vector<double> solve_double(const Scm& scm, const Distribution& d, const SolverOptions& options = {});

/// "variable-elimination" / "ve" / "enumerate" / "enumeration" -> Method; nullopt otherwise.
[[nodiscard]] std::optional<Method> method_from_string(std::string_view name);

}  // namespace rung
