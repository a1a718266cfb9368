#pragma once
/// \file
/// The generator's knobs: a plain struct with defaults, set by a preset and a difficulty level,
/// validated once, printed canonically and stored in every record.
///
///     rung::GeneratorOptions o = rung::preset_options("counterbench", /*difficulty*/ 2);
///     o.count = 1000;
///     o.seed = 7;
///     o.validate();                 // throws UsageError naming the bad knob
///     o.to_json();                  // what each record's `meta.options` holds

#include "rung/core/json.hpp"
#include "rung/gen/names.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rung {

struct GeneratorOptions {
  std::string preset = "counterbench";
  std::uint64_t seed = 1;
  std::uint64_t count = 100;
  int difficulty = 2;              ///< 1 (easy) .. 5 (hard): sets the knobs below via the preset

  // ---- structure
  int min_variables = 5;           ///< endogenous variables per model
  int max_variables = 9;
  int max_in_degree = 2;           ///< parents of an endogenous variable (endogenous ones)
  int min_path_length = 2;         ///< arcs on the longest treatment -> outcome path, at least
  int domain_size = 2;             ///< values per variable (2 = boolean)
  bool deterministic = true;       ///< no noise of a variable's own: only roots (and a hidden confounder) are random
  std::vector<std::string> mechanisms = {"and", "or", "not", "copy"};  ///< kinds used (gen/mechanism_kinds.hpp)

  // ---- questions
  std::vector<std::string> types = {"basic", "joint", "nested", "conditional"};
  int interventions = 2;           ///< variables set in a joint question
  int nesting_depth = 1;           ///< depth of nested settings
  int evidence_count = 1;          ///< extra observations in a conditional question
  /// What a question states: "model" (every mechanism or conditional probability of the model,
  /// hidden variables included) or "observed" (only the probabilities of observed variables that
  /// the question's identification formula reads; the cladder preset's default).
  std::string given = "model";
  /// With given == "observed": the share of the items of each type that can be undetermined
  /// (ate, ett, nde, nie) whose query the observed variables do not identify; their answer is
  /// "undetermined". A fraction p/q in [0, 1/2], q <= 100; "1/6" for the cladder preset.
  std::string undetermined_share = "0";

  // ---- text
  NameStyle name_style = NameStyle::nonsense;
  int name_variants = 1;           ///< >1: each structure is emitted in this many name styles/sets

  // ---- splits
  /// Named splits with their item counts, in order (`--splits train=8000,validation=1000,test=1000`):
  /// the first count items are the first split, and so on. Empty: no split (records have no
  /// `split` field). The counts add up to `count` and are multiples of name_variants, so that a
  /// structure (all its name variants) lies in one split only (docs/generator.md, "Splits").
  std::vector<std::pair<std::string, std::uint64_t>> splits;

  /// Throws UsageError naming the first knob that is out of range or inconsistent.
  void validate() const;
  /// The split of item `index` (empty when there are no splits).
  [[nodiscard]] const std::string& split_of(std::uint64_t index) const;
  /// Every knob, in declaration order (a stable, canonical form); `splits` only when set.
  [[nodiscard]] rung::ordered_json to_json() const;
  /// The inverse of to_json() (a record's `meta.options`): every knob must be present with its
  /// type, and no other key; throws Error naming the knob otherwise. Not validated.
  [[nodiscard]] static GeneratorOptions from_json(const nlohmann::json& j);
};

/// "train=8000,validation=1000,test=1000" -> the splits, in order. Throws UsageError naming the
/// culprit: a missing '=', a name that is not [A-Za-z0-9_-]+, a repeated name, a count that is not
/// a whole number of at least 1.
[[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> parse_splits(const std::string& text);

/// The inverse of parse_splits: "train=8000,validation=1000,test=1000" (meta.options.splits).
[[nodiscard]] std::string splits_text(const std::vector<std::pair<std::string, std::uint64_t>>& splits);

/// The types whose items can be undetermined (GeneratorOptions::undetermined_share), by preset.
[[nodiscard]] bool can_be_undetermined(const std::string& preset, const std::string& type);

/// The cladder types that ask for the bounds of an undetermined query, answered by an interval
/// (not among the defaults: named in --types): ate_bounds, ett_bounds, nde_bounds, nie_bounds.
[[nodiscard]] const std::vector<std::string>& bounds_types();
[[nodiscard]] bool is_bounds_type(std::string_view type);

/// The presets: "counterbench" (and, later, "cladder", "ladder").
[[nodiscard]] std::vector<std::string> preset_names();

/// The knobs of `preset` at `difficulty` (1..5). Throws UsageError for an unknown preset or level.
[[nodiscard]] GeneratorOptions preset_options(const std::string& preset, int difficulty = 2);

}  // namespace rung
