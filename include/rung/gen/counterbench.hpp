#pragma once
/// \file
/// The `counterbench` preset: deterministic boolean SCMs told in CounterBench's register
/// ("We know that A causes B, not B causes C, A and C together cause D.") with the four
/// CounterBench question types, every answer exact and yes/no. See docs/generator.md for the
/// readings each type uses.
///
///     rung::CounterbenchPreset preset(rung::preset_options("counterbench"));
///     rung::Item item = preset.make(rng, names, {"basic", true, false});

#include "rung/gen/item.hpp"

namespace rung {

class CounterbenchPreset : public Preset {
 public:
  explicit CounterbenchPreset(GeneratorOptions options);
  [[nodiscard]] Item make(Rng& rng, Rng& names, const ItemTarget& target) const override;

 private:
  GeneratorOptions options_;
};

}  // namespace rung
