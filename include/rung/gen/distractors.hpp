#pragma once
/// \file
/// The answers that common wrong procedures give, so a dataset can say which mistake a wrong
/// answer matches. Each procedure rewrites the query (or the model) and is solved exactly.
///
///     auto ds = rung::distractors(scm, query, item.readings);
///     // ds[0] = {"no_abduction", 1/2}: the answer if the evidence is ignored
///
/// Procedures:
/// - no_abduction: the evidence is dropped (the prior is used instead of the posterior);
/// - conditioning: settings are read as observations: P(Y=y | X=x, evidence not about X);
/// - root_marginals: abduction on each exogenous variable separately (the posterior marginals
///   are used as independent priors), the bug that copies per-variable marginals into a twin;
/// - factual: the outcome's factual probability given the evidence (settings dropped);
/// - any extra readings the preset supplies (e.g. nested_literal, nested_ignored).
/// A procedure whose rewritten query has zero-probability evidence gets no value. A procedure
/// that leaves the query unchanged (no_abduction without evidence, conditioning without settings,
/// ...) is the correct procedure there, not a mistake: it is left out of the list; so is
/// root_marginals when the evidence pins every exogenous variable (a point-mass posterior is
/// the product of its marginals).

#include "rung/core/json.hpp"
#include "rung/core/rational.hpp"
#include "rung/query/decision.hpp"
#include "rung/query/query.hpp"
#include "rung/scm/scm.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rung {

class JsonWriter;

struct Distractor {
  std::string procedure;
  std::optional<Rational> value;  ///< nullopt: the procedure is undefined here
  /// A procedure that answers with an interval [value, upper] (an ate_bounds item's natural_bounds).
  std::optional<Rational> upper{};
};

/// `root_marginals = false` skips that procedure (one solve per exogenous value: the costly one).
[[nodiscard]] std::vector<Distractor> distractors(const Scm& scm, const Query& query,
                                                  const std::vector<std::pair<std::string, Query>>& readings = {},
                                                  bool root_marginals = true);

/// The record's `distractors` object: for each procedure its answer (by `decision`, or the
/// fraction when `decision` is null) and value, or `answer: null` with a note when undefined;
/// an interval procedure's answer is "[a, b]" with `lower` and `upper` instead of `value`.
[[nodiscard]] rung::ordered_json to_json(const std::vector<Distractor>& procedures, const Decision* decision);
/// The same, written as compact text.
void write_json(JsonWriter& out, const std::vector<Distractor>& procedures, const Decision* decision);

/// `scm` with the exogenous priors replaced by `priors` (one vector per exogenous id).
[[nodiscard]] Scm with_priors(const Scm& scm, const std::vector<std::vector<Rational>>& priors);

}  // namespace rung
