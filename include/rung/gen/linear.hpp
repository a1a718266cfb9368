#pragma once
/// \file
/// The `linear` preset (issue #20, item 5): random linear-Gaussian SCMs with small rational
/// coefficients and noise variances, every equation and noise distribution stated in the text,
/// questions on all three rungs whose answers are exact fractions: conditional means (rung 1),
/// interventional means and the ATE (rung 2), counterfactual means given evidence (with and
/// without the outcome observed), nested counterfactual means, NDE, NIE and counterfactual
/// variances (rung 3). Wrong procedures (`no_abduction`, `conditioning`, `factual`,
/// `direct_only`, `total_effect`, `nested_ignored`) are solved exactly and listed where they
/// differ from the answer. docs/generator.md, "The linear preset".
///
///     rung::LinearPreset preset(rung::preset_options("linear"));
///     rung::LinearItem item = preset.make_linear(rng, names, {"counterfactual_mean"});
///     std::string h = rung::linear_structure_hash(item.model, item.query);
///
/// The generator (generator.hpp) solves each item twice (abduction and parallel worlds, which
/// must agree exactly), traces it and writes the record; LinearPreset::make() (the discrete
/// interface) is not used and throws.

#include "rung/core/json.hpp"
#include "rung/gen/item.hpp"
#include "rung/query/linear_query.hpp"
#include "rung/scm/linear_scm.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace rung {

/// One linear item before it is solved and written (the linear counterpart of Item).
struct LinearItem {
  LinearScm model;
  LinearQuery query;
  std::string type;        ///< the question type (one of linear_query_types())
  std::string given_info;  ///< the equations and noise distributions
  std::string question;
  std::string prompt;
  Rational value;          ///< the exact answer (abduction); the generator re-solves it
  std::vector<Distractor> distractors;  ///< wrong procedures whose value differs from `value`
  rung::ordered_json knobs;
  rung::ordered_json meta;
};

class LinearPreset : public Preset {
 public:
  explicit LinearPreset(GeneratorOptions options);
  /// Not used for linear items (they are not rung::Scm): throws std::logic_error.
  [[nodiscard]] Item make(Rng& rng, Rng& names, const ItemTarget& target) const override;
  /// An item of type `target.type`, drawn from `rng`, names from `names`. Uses `target.rank` to
  /// allow an answer of 0 on one item of eight at most. Throws Error after the attempt budget.
  [[nodiscard]] LinearItem make_linear(Rng& rng, Rng& names, const ItemTarget& target) const;

 private:
  GeneratorOptions options_;
};

/// What the preset's text states about a model: every equation (`Y := 1/2*X + U_Y.`), every
/// noise term's distribution and covariance, and that the others are independent. The audit
/// compares a record's `given_info` with this text of its `model`.
[[nodiscard]] std::string linear_given_info(const LinearScm& m);

/// The linear preset's question types.
[[nodiscard]] const std::vector<std::string>& linear_query_types();

/// `o` (preset "linear") with the knobs of `difficulty` (1..5).
[[nodiscard]] GeneratorOptions linear_options(GeneratorOptions o, int difficulty);

/// The canonical text of (model, query) up to renaming: variables ordered by colour refinement
/// (kind, distribution or constant, coefficients with the colours of parents and children,
/// covariances, role in the query), ties by declaration order; names replaced by v0, v1, ...
[[nodiscard]] std::string linear_canonical_form(const LinearScm& m, const LinearQuery& q);
/// FNV-1a 64 of linear_canonical_form, as 16 lower-case hex digits (as structure_hash).
[[nodiscard]] std::string linear_structure_hash(const LinearScm& m, const LinearQuery& q);

}  // namespace rung
