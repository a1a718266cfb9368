#pragma once
/// \file
/// The generator's knobs as a user gives them (`rung generate`'s options, the Python module's
/// `rung.generate(**knobs)`): a preset, a difficulty level and the knobs set explicitly, which
/// override the level. One mapping to GeneratorOptions, shared by every front end.
///
///     rung::GeneratorKnobs k;
///     k.preset = "cladder";
///     k.count = 1000;
///     k.max_variables = 6;
///     rung::GeneratorOptions o = k.options();   // preset_options(preset, difficulty) + overrides, validated

#include "rung/gen/options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rung {

struct GeneratorKnobs {
  std::string preset = "counterbench";
  int difficulty = 2;
  std::uint64_t count = 100;
  std::uint64_t seed = 1;
  std::optional<int> min_variables, max_variables, max_in_degree, min_path_length, interventions, evidence_count,
      name_variants, domain_size, nesting_depth;
  std::optional<std::string> name_style, given, undetermined_share;
  /// --splits "train=8000,validation=1000,test=1000" (gen/options.hpp, parse_splits).
  std::optional<std::string> splits;
  /// Whether `count` was given: with `splits` and no count, the count is the splits' sum.
  bool count_given = true;
  bool deterministic = false;  ///< --deterministic
  bool noisy = false;          ///< --noisy (the two exclude each other)
  std::vector<std::string> types, mechanisms;  ///< empty: the preset's

  /// The preset's options at the difficulty, with every knob set here overriding them; `given =
  /// model` sets the undetermined share to 0 unless it is given too. Throws UsageError naming the
  /// bad knob (an unknown preset or name style, a value out of range).
  [[nodiscard]] GeneratorOptions options() const;
};

/// `I/N` with 1 <= I <= N (`--shard`); throws UsageError otherwise.
[[nodiscard]] std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text);

}  // namespace rung
