#pragma once
/// \file
/// Bayesian networks (categorical variables with conditional probability tables) and the
/// canonical construction that turns one into a structural causal model.
///
///     rung::BayesNet net = rung::read_bif_file("alarm.bif");     // or read_uai, ...
///     rung::Scm m = rung::to_scm(net);                           // canonical inverse-CDF SCM
///
/// The canonical construction: each node X with parents Pa and states x_0..x_{m-1} gets one
/// exogenous variable U_X. Let 0 = t_0 < t_1 < ... < t_K = 1 be every cumulative sum
/// P(X <= x_j | Pa = pa) of every CPT row, merged and sorted (duplicates once). U_X takes K
/// values, value k with probability t_{k+1} - t_k (exact), and X, for parent values pa and
/// noise k, is the state x_j whose cumulative interval contains (t_k, t_{k+1}]: X is a CPT
/// mechanism (CptSpec), which holds the CPT, never that rows x K table. Then P(X = x_j | Pa = pa) is the CPT entry exactly, so every rung-1 and rung-2
/// answer equals the network's. A network does not determine counterfactuals: rung-3 answers
/// are those of this particular SCM (inverse CDFs with independent noise, the states in declared
/// order), one of many SCMs compatible with the network.

#include "rung/core/error.hpp"
#include "rung/core/rational.hpp"
#include "rung/scm/scm.hpp"

#include <optional>
#include <string>
#include <vector>

namespace rung {

/// A discrete Bayesian network as read from a file, before any check. Positions are for
/// diagnostics only.
struct BayesNet {
  struct Node {
    std::string name;
    std::vector<std::string> states;
    std::vector<std::string> parents;
    /// One row per configuration of the parents' states, row-major over `parents` with the last
    /// parent fastest; each row has one probability per state. Empty until the CPT is read.
    std::vector<std::vector<Rational>> cpt;
    std::vector<Location> row_at;  ///< where each row (or the table) was written; may be empty
    Location at;                   ///< the variable's declaration
    Location cpt_at;               ///< its probability block (0:0 when none was read)
    bool has_cpt = false;
  };
  std::string name;
  std::vector<Node> nodes;  ///< declaration order

  /// Index of the node called `name`, if any.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const;
};

struct CptOptions {
  /// Rescale rows that do not sum to 1 (exactly, each entry divided by the row's sum) instead of
  /// reporting them.
  bool normalize = false;
};

/// What normalisation changed.
struct CptReport {
  std::size_t rows_rescaled = 0;
  Rational largest_correction = 0;  ///< max over rescaled rows of |1 - sum|
  std::string largest_where;        ///< `X, row (a, b)` of that row
};

/// Every problem of the network: parents undeclared or repeated, CPTs missing or of the wrong
/// shape, negative entries, rows not summing to exactly 1 (unless options.normalize; then they
/// are rescaled in place and `report` says how much). Diagnostics carry positions but no file.
[[nodiscard]] std::vector<Diagnostic> check_cpts(BayesNet& net, const CptOptions& options, CptReport* report = nullptr);

/// The canonical SCM of a checked network (check_cpts found nothing): each node a CPT mechanism
/// (Mechanism::is_cpt) whose noise the builder declares (`U_X`, more `U_` prefixed while the
/// name is taken). Throws ParseError with the model builder's problems (positions of the
/// network's declarations, no file) otherwise, e.g. a cycle, a state name the SCM refuses, or a
/// CPT of more than 2^22 rows or 2^24 entries.
[[nodiscard]] Scm to_scm(const BayesNet& net);

/// The network of a model whose every endogenous variable reads endogenous parents and
/// exogenous variables that no other variable reads (independent noise): each CPT row is the
/// exact probability, over that noise, of each value (a CPT mechanism gives its own table as
/// written, the parents in its order). Throws InvalidModel naming the first
/// variable that does not fit and why (shared noise, or a noise space over 2^20 values).
[[nodiscard]] BayesNet to_bayes_net(const Scm& scm);

}  // namespace rung
