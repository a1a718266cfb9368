#pragma once
/// \file
/// The `ladder` preset: rung's own full range. Random causal DAGs whose every structural
/// equation is stated in the text (so every counterfactual is determined by it): binary and
/// multi-valued variables, an own noise term per variable, hidden confounders shared by the
/// treatment and the outcome; questions on all three rungs: marginal, conditional,
/// intervention, ATE, ETT, NDE, counterfactual, joint (several worlds), nested (settings nested
/// to --nesting-depth), PN, PS and PNS. Half the items of each type ask for the exact value (the
/// answer is a fraction), half ask a yes/no question about it (balanced). docs/generator.md
/// lists the formal query of each type.
///
///     rung::LadderPreset preset(rung::preset_options("ladder"));
///     rung::Item item = preset.make(rng, names, {"nested", true, false, {}});

#include "rung/gen/item.hpp"

namespace rung {

class LadderPreset : public Preset {
 public:
  explicit LadderPreset(GeneratorOptions options);
  [[nodiscard]] Item make(Rng& rng, Rng& names, const ItemTarget& target) const override;

 private:
  GeneratorOptions options_;
};

/// The ladder preset's question types.
[[nodiscard]] const std::vector<std::string>& ladder_query_types();

/// The types the ladder preset asks with `--given observed` (the others ask about units, which
/// the observed distribution never identifies: their answer would be "undetermined" by type).
[[nodiscard]] const std::vector<std::string>& ladder_observed_types();

/// `o` (preset "ladder") with the knobs of `difficulty` (1..5).
[[nodiscard]] GeneratorOptions ladder_options(GeneratorOptions o, int difficulty);

}  // namespace rung
