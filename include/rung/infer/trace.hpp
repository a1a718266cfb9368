#pragma once
/// \file
/// A human-readable account of how an answer follows from a model: abduction (the exact joint
/// posterior over the relevant exogenous variables given the evidence), action (the mechanisms of
/// each world the query needs, intervened and nested ones replaced), prediction (the distribution
/// of each asked-for term given the evidence) and the value.
///
///     rung::Trace t = rung::make_trace(scm, rung::parse_query("P(Y[X=0]=1 | X=0)", scm));
///     std::cout << rung::to_text(t, scm);   // numbered steps with exact fractions
///     nlohmann::json j = rung::to_json(t);  // the same content, for datasets
///
/// A Trace is a plain value that holds display-ready names and labels (so to_json needs no
/// model). The posterior is computed by enumerating the relevant exogenous values; when there are
/// more than TraceOptions::max_units of them, or more than max_rows non-zero rows, it is
/// summarised by each variable's posterior marginal (computed exactly) and `note` says so. The
/// predictions and values are computed by the solver's method, so they equal its answer.

#include "rung/core/rational.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rung {

class JsonWriter;

struct Trace {
  /// A relevant exogenous variable: one some term of the query or evidence depends on (an
  /// ancestor of the term's variable in the term's own world, where set variables lose their
  /// parents).
  struct Exogenous {
    std::string name;
    std::vector<std::string> labels;
    std::vector<Rational> prior;
    friend bool operator==(const Exogenous&, const Exogenous&) = default;
  };
  /// One row of the joint posterior: a value per Abduction::exogenous (indices into its labels).
  struct Row {
    std::vector<Value> values;
    Rational probability;
    friend bool operator==(const Row&, const Row&) = default;
  };
  struct Abduction {
    std::string evidence;                       ///< in query notation; empty when there is none
    Rational evidence_probability{1};           ///< P(evidence)
    std::vector<Exogenous> exogenous;           ///< the relevant ones, by id
    std::vector<Row> posterior;                 ///< non-zero rows of P(u | evidence), by values
    bool summarised = false;                    ///< too large to list: see marginals and note
    std::vector<std::vector<Rational>> marginals;  ///< when summarised: P(U_i = v | evidence)
    std::string note;
    friend bool operator==(const Abduction&, const Abduction&) = default;
  };
  /// A world of the query with the mechanisms of the variables its terms depend on.
  struct World {
    std::string name;                     ///< "factual", "do(X=0)", "do(X=1, M=M[X=0])"
    std::vector<std::string> mechanisms;  ///< "X := 0", "M := M in world do(X=0)", "Y := X and U"
    friend bool operator==(const World&, const World&) = default;
  };
  /// The distribution of one term given the evidence (query terms first, then nested ones).
  struct Prediction {
    std::string world;
    std::string term;                     ///< "Y[X=0]"
    std::vector<std::string> labels;
    std::vector<Rational> distribution;   ///< P(term = labels[i] | evidence)
    std::optional<std::string> value;     ///< the label when the distribution is a point mass
    bool nested = false;                  ///< an intermediate value of a nested setting
    friend bool operator==(const Prediction&, const Prediction&) = default;
  };
  /// One probability or expectation of the query.
  struct Part {
    int sign = 1;
    std::string quantity;  ///< "P(Y[X=0]=1 | X=0)" or "E(Y[X=1])"
    Abduction abduction;
    std::vector<World> action;
    std::vector<Prediction> prediction;
    Rational value;
    friend bool operator==(const Part&, const Part&) = default;
  };

  std::string query;
  std::vector<Part> parts;
  Rational value;
  friend bool operator==(const Trace&, const Trace&) = default;
};

struct TraceOptions {
  std::size_t max_factor_cells = std::size_t{1} << 24;  ///< as SolverOptions
  std::uint64_t max_units = std::uint64_t{1} << 16;      ///< enumerate the posterior up to this
  std::size_t max_rows = 256;                            ///< list at most this many rows
  /// Compute values, predictions and marginals by enumeration instead of variable elimination
  /// (the solver sets it with Method::enumeration, so that the trace has the answer's method).
  bool enumerate = false;
};

/// The trace of `query`. Throws what solve() throws (ZeroProbabilityEvidence, rung::Error for
/// a too large query, InvalidQuery).
/// Steps of reasoning a person needs: the mechanisms evaluated in each world, plus one for
/// abduction in each part that has evidence (the `reasoning_steps` knob of dataset records).
[[nodiscard]] int reasoning_steps(const Trace& t);

[[nodiscard]] Trace make_trace(const Scm& scm, const Query& query, const TraceOptions& options = {});

/// Numbered steps with exact fractions, for a person to follow.
[[nodiscard]] std::string to_text(const Trace& trace, const Scm& scm);

/// Fractions as strings ("1/3"), the value also as a decimal.
[[nodiscard]] nlohmann::json to_json(const Trace& trace);
/// The same, written as compact text (keys in to_json's alphabetical order).
void write_json(JsonWriter& out, const Trace& trace);

}  // namespace rung
